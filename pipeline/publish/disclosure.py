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

Across releases (`protect_across`): a release is also checked against the last one, by an
attacker holding both and how far each measure moved between them; where a small count of
either could be worked out, bands are dropped and more counts withheld, or the table is
withheld whole (docs/publication.md, "Disclosure across releases").
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections import deque
from collections.abc import Callable
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


def _constraints(rows: int, layout: Layout) -> np.ndarray:
    """Each row's two equations over the cells, flattened row-major (row, measure): cases
    minus every level, and not_good minus each not-good level, equal zero."""
    at = {measure: i for i, measure in enumerate(layout.MEASURES)}
    one_row = np.zeros((2, len(at)))
    one_row[0, layout.CASES] = 1
    one_row[0, [at[level] for level in layout.levels]] = -1
    one_row[1, layout.NOT_GOOD] = 1
    one_row[1, [at[level] for level in layout.not_good]] = -1
    return np.kron(np.eye(rows), one_row)  # the same two equations in every row


def _table_matrix(rows: int, layout: Layout) -> np.ndarray:
    """One table's equations over its cells (row-major): each row's two (`_constraints`),
    then each measure's column sum (equal to the force total)."""
    width = len(layout.MEASURES)
    equations = _constraints(rows, layout)
    columns = np.zeros((width, rows * width))
    for m in range(width):
        columns[m, m::width] = 1
    return np.vstack([equations, columns])


def _solver(
    matrix: np.ndarray, low: np.ndarray, high: np.ndarray, variables: int, **options: object
) -> object:
    """A silent HiGHS model of `variables` columns (bounds set per question) and the rows
    low <= matrix @ x <= high."""
    solver = _highspy().Highs()
    solver.setOptionValue("output_flag", False)
    for name, value in options.items():
        solver.setOptionValue(name, value)
    solver.addVars(variables, np.zeros(variables), np.zeros(variables))
    row_of, column_of = np.nonzero(matrix)
    starts = np.searchsorted(row_of, np.arange(matrix.shape[0])).astype(np.int32)
    solver.addRows(
        matrix.shape[0],
        low,
        high,
        row_of.size,
        starts,
        column_of.astype(np.int32),
        matrix[row_of, column_of],
    )
    return solver


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
        matrix = _table_matrix(rows, layout)
        targets = np.concatenate([np.zeros(2 * rows), values.sum(axis=0)])
        self.values = values.ravel()
        self.all = np.arange(self.values.size, dtype=np.int32)
        # tiny models: presolve only costs
        self.solver = _solver(matrix, targets, targets, self.values.size, presolve="off")

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
    when every non-zero cell is hidden already. Each try is two small LPs: the smallest 8."""
    return _pick(
        values,
        hidden,
        _pools(values, hidden, cell, width, same=False),
        lambda: not is_exposed(bounds, hidden, cell),
        tries=8,
    )


def _pools(
    values: np.ndarray, hidden: np.ndarray, cell: int, width: int, same: bool
) -> list[np.ndarray]:
    """Where to look for a cell to hide for `cell` (flat), in order: the cell itself (when
    `same`), its row and column, then the whole table; visible non-zero cells only."""
    row, measure = divmod(cell, width)
    visible = (values > 0) & ~hidden
    itself, near = np.zeros_like(visible), np.zeros_like(visible)
    itself.flat[cell] = True
    near[row, :] = True
    near[:, measure] = True
    return [*([visible & itself] if same else []), visible & near, visible]


def _pick(
    values: np.ndarray,
    hidden: np.ndarray,
    pools: list[np.ndarray],
    protects: Callable[[], bool],
    tries: int,
) -> int | None:
    """In the first pool with a cell, the smallest of its `tries` smallest whose hiding
    `protects` (asked with it hidden in `hidden`), else its smallest; None when all are
    empty."""
    for pool in pools:
        if pool.any():
            flat = np.flatnonzero(pool.ravel())
            flat = flat[np.argsort(values.ravel()[flat], kind="stable")]
            for candidate in flat[:tries]:
                hidden.flat[candidate] = True
                safe = protects()
                hidden.flat[candidate] = False
                if safe:
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


def band_limits(
    values: np.ndarray, shown: dict[int, tuple[int, int]], layout: Layout
) -> dict[int, tuple[float, float]]:
    """cell -> (lowest, highest): the not_good counts the `shown` bands (row -> band) allow,
    as flat indices of the table `values` (columns: `layout.MEASURES`)."""
    width, cases, not_good = len(layout.MEASURES), layout.CASES, layout.NOT_GOOD
    return {r * width + not_good: band_counts(band, values[r, cases]) for r, band in shown.items()}


def _drop_narrowest(shown: dict[int, tuple[int, int]], values: np.ndarray, cases: int) -> None:
    """Drop the band of the area with the fewest cases (the first such row), in place."""
    del shown[min(shown, key=lambda r: (values[r, cases], r))]


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
    while chosen and _any_exposed(bounds, hidden, band_limits(values, chosen, bounds.layout)):
        _drop_narrowest(chosen, values, cases)
    return chosen


@dataclass(frozen=True)
class Release:
    """One inspection's area table as a release showed it: its true counts (rows: areas,
    columns: the layout's measures), the cells it withheld, those of them withheld for
    being small (primary), and the bands of not_good it published (row -> (low, high)
    percent)."""

    values: np.ndarray
    hidden: np.ndarray
    small: np.ndarray
    bands: dict[int, tuple[int, int]]

    def known(self, layout: Layout) -> dict[int, tuple[float, float]]:
        """cell -> (lowest, highest): the not_good counts its bands allow."""
        return band_limits(self.values, self.bands, layout)


class Across:
    """Whether a small count withheld by this release or by the last can be worked out from
    both together. The attacker holds both releases (their shown cells, bands and totals, each
    table's row equations) and, for each measure, how many case movements changed it between
    them (the sum over areas of how far each count moved: more than the public revisions
    feed tells). Whole numbers decide (a mixed-integer programme per question: the links
    between the releases are not as tight as one table's equations, so the linear relaxation
    could call a cell safe that only one whole number fits)."""

    def __init__(
        self, values: np.ndarray, small: np.ndarray, before: Release, layout: Layout
    ) -> None:
        if before.values.shape != values.shape:
            raise ValueError("The two releases' area tables must be aligned area by area.")
        self.highspy = _highspy()
        self.layout, self.before, self.small = layout, before, small
        rows, width = values.shape
        n = values.size
        self.values = np.concatenate([values.ravel(), before.values.ravel()])
        self.n = n
        table = _table_matrix(rows, layout)
        columns, nothing, same = table[2 * rows :], np.zeros_like(table), np.eye(n)
        matrix = np.vstack(
            [
                np.hstack([table, nothing, nothing]),
                np.hstack([nothing, table, nothing]),
                np.hstack([same, -same, -same]),  # now - before <= moved
                np.hstack([-same, same, -same]),  # before - now <= moved
                np.hstack([np.zeros_like(columns), np.zeros_like(columns), columns]),
            ]
        )
        moved = np.abs(values - before.values).sum(axis=0)  # per measure, over the areas
        inf = self.highspy.kHighsInf
        fixed = [np.zeros(2 * rows), values.sum(axis=0), np.zeros(2 * rows)]
        fixed.append(before.values.sum(axis=0))
        low = np.concatenate([*fixed, np.full(2 * n, -inf), np.full(width, -inf)])
        high = np.concatenate([*fixed, np.zeros(2 * n), moved])
        self.solver = _solver(matrix, low, high, 3 * n)
        self.found: list[np.ndarray] = []  # pairs of tables that fit both, as solved
        self.all = np.arange(3 * n, dtype=np.int32)
        whole = np.arange(2 * n, dtype=np.int32)  # the counts; what moved need not be whole
        self.solver.changeColsIntegrality(
            whole.size, whole, np.full(whole.size, self.highspy.HighsVarType.kInteger)
        )

    def _span(self, hidden: np.ndarray, known: dict, release: Release | None) -> tuple:
        """What each cell of one release can be: shown cells as shown, hidden ones at least 1
        (0 in a table withheld whole) or within their band."""
        values = self.values[: self.n] if release is None else self.values[self.n :]
        shown = ~hidden.ravel()
        floor = 0.0 if hidden.all() else 1.0
        lower = np.where(shown, values, floor)
        upper = np.where(shown, values, self.highspy.kHighsInf)
        for at, (low, high) in known.items():
            if not shown[at]:
                lower[at], upper[at] = max(low, floor), high
        return lower, upper

    def exposed(self, hidden: np.ndarray, known: dict) -> int | None:
        """The first small withheld count (0 to n-1: this release's; n to 2n-1: the last's)
        only one whole number fits, given this release's `hidden` cells and `known` bands;
        None when each keeps another possible value. A count the other release shows, the
        same, is public already and not asked about."""
        now_low, now_high = self._span(hidden, known, None)
        before = self.before
        then_low, then_high = self._span(before.hidden, before.known(self.layout), before)
        lower = np.concatenate([now_low, then_low, np.zeros(self.n)])
        upper = np.concatenate([now_high, then_high, np.full(self.n, self.highspy.kHighsInf)])
        now, then = self.values[: self.n], self.values[self.n :]
        shown_now, shown_then = ~hidden.ravel(), ~before.hidden.ravel()
        asked = np.concatenate(
            [
                self.small.ravel() & ~(shown_then & (then == now)),
                before.small.ravel() & ~(shown_now & (now == then)),
            ]
        )
        candidates = np.flatnonzero(asked)
        for cell in candidates:
            true = self.values[cell]
            if not (
                self._fits(lower, upper, cell, lower[cell], true - 1)
                or self._fits(lower, upper, cell, true + 1, upper[cell])
            ):
                return int(cell)
        return None

    def _fits(
        self, lower: np.ndarray, upper: np.ndarray, cell: int, low: float, high: float
    ) -> bool:
        """Some whole-number pair of tables fits both releases with `cell` in [low, high]."""
        if low > high:
            return False
        lower, upper = lower.copy(), upper.copy()
        lower[cell], upper[cell] = low, high
        if self.found:  # a pair found for an earlier question may answer this one
            pairs = np.array(self.found)
            if ((pairs >= lower - 1e-6) & (pairs <= upper + 1e-6)).all(axis=1).any():
                return True
        self.solver.changeColsBounds(self.all.size, self.all, lower, upper)
        self.solver.run()
        status = self.solver.getModelStatus()
        if status == self.highspy.HighsModelStatus.kOptimal:
            self.found.append(np.round(self.solver.getSolution().col_value))
            return True
        if status == self.highspy.HighsModelStatus.kInfeasible:
            return False
        raise RuntimeError(
            "disclosure check across releases could not be solved: "
            f"{self.solver.modelStatusToString(status)}"
        )


def protect_across(release: Release, before: Release | None, layout: Layout) -> tuple[Release, str]:
    """This release as it may be published, and what was done, such that no small count
    withheld by it or by the last release (`before`, aligned area by area) can be worked out
    from both: as it is ('') when none can; else coarsened ('coarsened'): bands dropped,
    narrowest in cases first, then more cells withheld; else withheld whole ('withheld')."""
    values, hidden, chosen = release.values, release.hidden, release.bands
    if before is None or (
        (before.values == values).all()
        and (before.hidden == hidden).all()
        and before.bands == chosen
    ):
        return release, ""  # nothing to tell the two apart
    across = Across(values, release.small, before, layout)
    cases = layout.CASES

    def known(shown: dict[int, tuple[int, int]]) -> dict[int, tuple[float, float]]:
        return band_limits(values, shown, layout)

    exposed = across.exposed(hidden, known(chosen))
    if exposed is None:
        return release, ""
    hidden, chosen = hidden.copy(), dict(chosen)
    while chosen and exposed is not None:
        _drop_narrowest(chosen, values, cases)
        exposed = across.exposed(hidden, known(chosen))
    while exposed is not None:
        partner = _partner_across(across, values, hidden, exposed % values.size, known(chosen))
        if partner is None:
            return Release(values, np.ones_like(hidden), release.small, {}), "withheld"
        hidden.flat[partner] = True
        chosen = {r: band for r, band in chosen.items() if not hidden[r, cases]}
        exposed = across.exposed(hidden, known(chosen))
    return Release(values, hidden, release.small, chosen), (
        "withheld" if hidden.all() else "coarsened"
    )


def _partner_across(
    across: Across, values: np.ndarray, hidden: np.ndarray, at: int, known: dict
) -> int | None:
    """The cell of this release to withhold next, as a flat index, for an exposed cell at
    position `at` (of either release): the same cell if shown, else among the visible
    non-zero cells of its row or column, else anywhere, the smallest whose withholding
    leaves nothing exposed, else the smallest; None when every non-zero cell is hidden.
    Each try is up to two programmes per hidden cell: the smallest 4."""
    return _pick(
        values,
        hidden,
        _pools(values, hidden, at, values.shape[1], same=True),
        lambda: across.exposed(hidden, known) is None,
        tries=4,
    )
