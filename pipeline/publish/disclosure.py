"""Disclosure control for counts below force level (areas) in public feeds.

A table has a row per area and a column per measure of its framework's rating scale (a
`Layout`): `cases`, one count per rating level, then `not_good`. Each row obeys two
equations read from the scale: cases is the sum of the levels, and not_good the sum of the
levels the framework counts as not good. Each column sums to the force total, which is
published.

Primary suppression hides every count from 1 to `threshold`. Secondary suppression then hides
more cells until no hidden cell can be worked out exactly from what is published: the other
cells of its row (by the row equations) and of its column (by the force total). A true zero
is published as 0, so an attacker knows every hidden cell is at least 1; the check assumes
that too. Whether a cell is determined is decided exactly, with two linear programmes per
hidden cell (its smallest and largest feasible value): if only one whole number fits, the
cell is exposed and a partner in its row or column is hidden as well: the smallest non-zero
one whose hiding protects the cell, else the smallest (or, if its row and column have none
left, the smallest anywhere in the table).

Hiding a cell only ever widens what the others can be, so a cell found safe stays safe, and
one pass over a queue of hidden cells suffices. A greedy choice can hide more than needed,
so a last pass tries to show each secondary cell again, largest first, and keeps it shown
when every hidden cell stays protected: the secondary suppression that hides least this way.
When a hidden cell has no partner left to hide (one area holding the whole force), the table
cannot be protected from the force totals and is withheld whole, zeros included.

Where an area's share not good is withheld, its 20-point band (`bands`) is published when its
case count is, and when every hidden cell stays protected with the bands known too.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections import deque
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from pipeline.lazy import np
from pipeline.settings import Settings
from schemas.frameworks import catalogue

if TYPE_CHECKING:
    from schemas.frameworks import Framework

BAND_WIDTH = 20  # percentage points: 0-20, 20-40, ... (the last band includes 100)
TOTALS = ("cases", "not_good")  # the two measures every layout adds to its levels


@dataclass(frozen=True)
class Layout:
    """The columns of an area table under one rating scale: `cases`, the levels (best
    first), `not_good`; and which levels not_good adds up (the framework's not-good ones)."""

    levels: tuple[str, ...]
    not_good: tuple[str, ...]

    CASES = 0  # the position of cases: always the first measure

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError("A disclosure layout needs at least one rating level.")
        for name, names in (("levels", self.levels), ("not_good", self.not_good)):
            twice = sorted({level for level in names if names.count(level) > 1})
            if twice:
                raise ValueError(
                    f"The disclosure layout's {name} names {twice[0]!r} twice; name each once."
                )
        clash = [level for level in self.levels if level in TOTALS]
        if clash:
            raise ValueError(
                f"The disclosure layout's levels name {clash[0]!r}, which is a measure every "
                f"table has ({', '.join(TOTALS)}); a rating level needs another name."
            )
        unknown = [level for level in self.not_good if level not in self.levels]
        if unknown:
            raise ValueError(
                f"The disclosure layout's not_good names {unknown[0]!r}, which is not one of "
                f"its levels ({', '.join(self.levels)}); not_good must list levels only."
            )

    @classmethod
    def of(cls, framework: Framework) -> Layout:
        """The layout of a framework's rating scale."""
        return cls(framework.rating.levels, framework.not_good)

    @property
    def MEASURES(self) -> tuple[str, ...]:  # the table's columns, in order
        return (TOTALS[0], *self.levels, TOTALS[1])

    @property
    def NOT_GOOD(self) -> int:  # the position of not_good: always the last measure
        return len(self.levels) + 1


@functools.cache
def default_layout() -> Layout:
    """The layout of the default framework (rows that name none), read when first asked."""
    return Layout.of(catalogue().default)


def _constraints(rows: int, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Each row's two equations over the cells, flattened row-major (row, measure): cases
    minus every level, and not_good minus each not-good level, equal zero."""
    at = {measure: i for i, measure in enumerate(layout.MEASURES)}
    one_row = np.zeros((2, len(at)))
    one_row[0, layout.CASES] = 1
    one_row[0, [at[level] for level in layout.levels]] = -1
    one_row[1, layout.NOT_GOOD] = 1
    one_row[1, [at[level] for level in layout.not_good]] = -1
    equations = np.kron(np.eye(rows), one_row)  # the same two equations in every row
    return equations, np.zeros(len(equations))


@functools.cache
def _highspy() -> ModuleType:
    """The HiGHS LP solver, imported when first needed (through scipy.optimize it would cost
    0.45 s of start-up). HiGHS prints a banner on stdout when a process makes its first
    solver; that one is made with stdout silenced so the command's own output stays clean."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return highspy


class Bounds:
    """The smallest and largest value a hidden cell of one table (columns: `layout.MEASURES`)
    can take given what is published, by linear programming. One HiGHS model per table: only
    the cost and the cells' bounds change between questions, so each solve starts from the
    last basis (thousands of small LPs for a national programme's area tables)."""

    def __init__(self, values: np.ndarray, layout: Layout) -> None:
        rows, width = values.shape
        if width != len(layout.MEASURES):
            raise ValueError(
                f"The area table has {width} columns, but its layout has "
                f"{len(layout.MEASURES)} measures ({', '.join(layout.MEASURES)})."
            )
        self.highspy = _highspy()
        self.layout = layout
        a_rows, b_rows = _constraints(rows, layout)
        columns = np.zeros((width, rows * width))
        for m in range(width):
            columns[m, m::width] = 1
        matrix = np.vstack([a_rows, columns])
        targets = np.concatenate([b_rows, values.sum(axis=0)])
        self.values = values.ravel()
        self.all = np.arange(self.values.size, dtype=np.int32)
        self.solver = self.highspy.Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.setOptionValue("presolve", "off")  # tiny models: presolve only costs
        self.solver.addVars(self.values.size, self.values, self.values)
        row_of, column_of = np.nonzero(matrix)
        starts = np.searchsorted(row_of, np.arange(matrix.shape[0])).astype(np.int32)
        self.solver.addRows(
            matrix.shape[0],
            targets,
            targets,
            row_of.size,
            starts,
            column_of.astype(np.int32),
            matrix[row_of, column_of],
        )

    def bound(self, hidden: np.ndarray, cell: int, sign: int, known: dict | None = None) -> float:
        """The smallest (sign 1) or largest (sign -1) value of hidden cell `cell`, with the
        cells in `hidden` unknown (at least 1, or within `known`: cell -> (low, high), what a
        published band tells) and every other cell as published; inf when unbounded."""
        highspy, shown = self.highspy, ~hidden.ravel()
        lower = np.where(shown, self.values, 1.0)
        upper = np.where(shown, self.values, highspy.kHighsInf)
        for at, (low, high) in (known or {}).items():
            if not shown[at]:
                lower[at], upper[at] = max(low, 1.0), high
        self.solver.changeColsBounds(self.all.size, self.all, lower, upper)
        cost = np.zeros(self.values.size)
        cost[cell] = sign
        self.solver.changeColsCost(self.all.size, self.all, cost)
        self.solver.run()
        status = self.solver.getModelStatus()
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return sign * math.inf  # cannot be pinned down
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"disclosure check could not be solved: {self.solver.modelStatusToString(status)}"
            )
        return sign * self.solver.getInfo().objective_function_value


def is_exposed(bounds: Bounds, hidden: np.ndarray, cell: int, known: dict | None = None) -> bool:
    """Only one whole number (the true value) fits the published constraints. The lower
    bound is solved first: when it already allows a smaller whole number, the upper bound
    is not needed."""
    true = bounds.values[cell]
    if bounds.bound(hidden, cell, 1, known) <= true - 1 + 1e-9:
        return False
    return bounds.bound(hidden, cell, -1, known) < true + 1 - 1e-9


def _any_exposed(bounds: Bounds, hidden: np.ndarray, known: dict | None = None) -> bool:
    return any(is_exposed(bounds, hidden, int(c), known) for c in np.flatnonzero(hidden.ravel()))


def protect(
    values: np.ndarray, threshold: int = Settings.suppression_threshold, *, layout: Layout
) -> tuple[np.ndarray, np.ndarray, Bounds]:
    """(hidden, primary, solver) for one inspection's area counts (rows: areas, columns:
    `layout.MEASURES` of its framework's scale): the cells withheld, those withheld for being
    small (the rest protect them), and the solver that judged them (which `bands` asks
    again)."""
    primary = (values >= 1) & (values <= threshold)
    hidden = primary.copy()
    bounds = Bounds(values, layout)
    width = values.shape[1]
    queue = deque(int(i) for i in np.flatnonzero(hidden.ravel()))
    while queue:
        cell = queue[0]
        if not is_exposed(bounds, hidden, cell):
            queue.popleft()
            continue
        partner = _partner(bounds, values, hidden, cell, width)
        if partner is None:
            # Nothing left to hide beside it (e.g. one area holds the whole force): the table
            # cannot protect its cells from the force totals, so none of it is published.
            hidden[:] = True
            return hidden, primary, bounds
        hidden.flat[partner] = True
        queue.append(partner)
    _show_again(bounds, values, hidden, primary)
    return hidden, primary, bounds


def _partner(
    bounds: Bounds, values: np.ndarray, hidden: np.ndarray, cell: int, width: int
) -> int | None:
    """The cell to hide next, as a flat index: among the visible non-zero cells of the same
    row or column, the smallest whose hiding protects `cell`, else the smallest; else the
    smallest anywhere in the table (the cell may be exposed through a chain of rows); None
    when every non-zero cell is hidden already."""
    row, measure = divmod(cell, width)
    visible = (values > 0) & ~hidden
    near = np.zeros_like(visible)
    near[row, :] = True
    near[:, measure] = True
    for pool in (visible & near, visible):
        if pool.any():
            flat = np.flatnonzero(pool.ravel())
            flat = flat[np.argsort(values.ravel()[flat], kind="stable")]
            for candidate in flat[:8]:  # the smallest few: each try is two small LPs
                hidden.flat[candidate] = True
                protects = not is_exposed(bounds, hidden, cell)
                hidden.flat[candidate] = False
                if protects:
                    return int(candidate)
            return int(flat[0])
    return None


def _show_again(
    bounds: Bounds, values: np.ndarray, hidden: np.ndarray, primary: np.ndarray
) -> None:
    """Show each secondary cell again, largest first, where every hidden cell stays protected
    without it (in place)."""
    secondary = np.flatnonzero((hidden & ~primary).ravel())
    for cell in secondary[np.argsort(-values.ravel()[secondary], kind="stable")]:
        hidden.flat[cell] = False
        if _any_exposed(bounds, hidden):
            hidden.flat[cell] = True


def band_of(not_good: float, cases: float, width: int = BAND_WIDTH) -> tuple[int, int]:
    """The band (low, high) in percent holding not_good / cases: low <= share < high, or
    high = 100 for the last band."""
    low = min(int(100 * not_good / cases // width) * width, 100 - width)
    return low, low + width


def band_counts(band: tuple[int, int], cases: float) -> tuple[float, float]:
    """The whole numbers of not_good a band allows out of `cases`: (lowest, highest)."""
    low, high = band
    top = cases if high >= 100 else math.ceil(high * cases / 100) - 1
    return float(math.ceil(low * cases / 100)), float(top)


def bands(
    bounds: Bounds, hidden: np.ndarray, minimum: int, width: int = BAND_WIDTH
) -> dict[int, tuple[int, int]]:
    """row -> (low, high): the band of the share not good published for each area whose exact
    share is withheld (not_good hidden), whose case count is shown and at least `minimum`
    (fewer: the share is of low reliability anyway). A band that would let a hidden cell be
    worked out is dropped, the narrowest in cases first, until every cell stays protected."""
    values = bounds.values.reshape(hidden.shape)
    cases, not_good = bounds.layout.CASES, bounds.layout.NOT_GOOD
    withheld = hidden[:, not_good] & ~hidden[:, cases] & (values[:, cases] >= minimum)
    rows = [int(r) for r in np.flatnonzero(withheld)]
    chosen = {r: band_of(values[r, not_good], values[r, cases], width) for r in rows}
    while chosen:
        known = {
            r * values.shape[1] + not_good: band_counts(b, values[r, cases])
            for r, b in chosen.items()
        }
        if not _any_exposed(bounds, hidden, known):
            break
        del chosen[min(chosen, key=lambda r: (values[r, cases], r))]
    return chosen
