"""Disclosure control for counts below force level (areas) in public feeds.

Primary suppression hides every count from 1 to `threshold`. Secondary suppression then hides
more cells until no hidden cell can be worked out exactly from what is published: the other
cells of its row (cases = good + requires_improvement + inadequate; not_good =
requires_improvement + inadequate) and of its column (each measure sums to the force total,
which is published). A true zero is published as 0, so an attacker knows every hidden cell is
at least 1; the check assumes that too. Whether a cell is determined is decided exactly, with
two linear programmes per hidden cell (its smallest and largest feasible value): if only one
whole number fits, the cell is exposed and a partner in its row or column is hidden as well,
the smallest non-zero one first (or, if its row and column have none left, the smallest
anywhere in the table).

Hiding a cell only ever widens what the others can be, so a cell found safe stays safe, and
one pass over a queue of hidden cells suffices. When a hidden cell has no partner left to hide
(one area holding the whole force), the table cannot be protected from the force totals and
is withheld whole, zeros included.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections import deque
from types import ModuleType

from pipeline.lazy import np

BASE = ("good", "requires_improvement", "inadequate")
MEASURES = ("cases", *BASE, "not_good")
DEFAULT_THRESHOLD = 5


def _constraints(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column equations over the cells, flattened row-major (row, measure)."""
    width = len(MEASURES)
    index = {m: i for i, m in enumerate(MEASURES)}
    equations = []
    for r in range(rows):
        cases = np.zeros(rows * width)
        cases[r * width + index["cases"]] = 1
        for measure in BASE:
            cases[r * width + index[measure]] = -1
        not_good = np.zeros(rows * width)
        not_good[r * width + index["not_good"]] = 1
        for measure in ("requires_improvement", "inadequate"):
            not_good[r * width + index[measure]] = -1
        equations += [cases, not_good]
    return np.array(equations), np.zeros(len(equations))


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
    """The smallest and largest value a hidden cell of one table can take given what is
    published, by linear programming. One HiGHS model per table: only the cost and the
    cells' bounds change between questions, so each solve starts from the last basis
    (thousands of small LPs for a national programme's area tables)."""

    def __init__(self, values: np.ndarray, rows_matrix: tuple[np.ndarray, np.ndarray]) -> None:
        self.highspy = _highspy()
        a_rows, b_rows = rows_matrix
        rows, width = values.shape
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
        self.solver.addRows(matrix.shape[0], targets, targets, row_of.size, starts,
                            column_of.astype(np.int32), matrix[row_of, column_of])  # fmt: skip

    def bound(self, hidden: np.ndarray, cell: int, sign: int) -> float:
        """The smallest (sign 1) or largest (sign -1) value of hidden cell `cell`, with the
        cells in `hidden` unknown (at least 1) and every other cell as published; inf when
        unbounded."""
        highspy, shown = self.highspy, ~hidden.ravel()
        lower = np.where(shown, self.values, 1.0)
        upper = np.where(shown, self.values, highspy.kHighsInf)
        self.solver.changeColsBounds(self.all.size, self.all, lower, upper)
        cost = np.zeros(self.values.size)
        cost[cell] = sign
        self.solver.changeColsCost(self.all.size, self.all, cost)
        self.solver.run()
        status = self.solver.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):  # fmt: skip
            return sign * math.inf  # cannot be pinned down
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError("disclosure check could not be solved: "
                               f"{self.solver.modelStatusToString(status)}")  # fmt: skip
        return sign * self.solver.getInfo().objective_function_value


def is_exposed(bounds: Bounds, hidden: np.ndarray, cell: int) -> bool:
    """Only one whole number (the true value) fits the published constraints. The lower
    bound is solved first: when it already allows a smaller whole number, the upper bound
    is not needed."""
    true = bounds.values[cell]
    if bounds.bound(hidden, cell, 1) <= true - 1 + 1e-9:
        return False
    return bounds.bound(hidden, cell, -1) < true + 1 - 1e-9


def hide(values: np.ndarray, threshold: int = DEFAULT_THRESHOLD) -> tuple[np.ndarray, np.ndarray]:
    """(hidden, primary) for one inspection's area counts (rows: areas, columns: MEASURES):
    the cells withheld, and those withheld for being small (the rest protect them)."""
    primary = (values >= 1) & (values <= threshold)
    hidden = primary.copy()
    bounds = Bounds(values, _constraints(values.shape[0]))
    width = len(MEASURES)
    queue = deque(int(i) for i in np.flatnonzero(hidden.ravel()))
    while queue:
        cell = queue[0]
        if not is_exposed(bounds, hidden, cell):
            queue.popleft()
            continue
        row, measure = divmod(cell, width)
        partner = _partner(values, hidden, row, measure)
        if partner is None:
            # Nothing left to hide beside it (e.g. one area holds the whole force): the table
            # cannot protect its cells from the force totals, so none of it is published.
            hidden[:] = True
            break
        hidden.flat[partner] = True
        queue.append(partner)
    return hidden, primary


def _partner(values: np.ndarray, hidden: np.ndarray, row: int, measure: int) -> int | None:
    """The cell to hide next: the smallest visible non-zero cell in the same row or column,
    else anywhere in the table (the cell may be exposed through a chain of rows), as a flat
    index; None when every non-zero cell is hidden already."""
    visible = (values > 0) & ~hidden
    near = np.zeros_like(visible)
    near[row, :] = True
    near[:, measure] = True
    for pool in (visible & near, visible):
        if pool.any():
            flat = np.flatnonzero(pool.ravel())
            return int(flat[np.argmin(values.ravel()[flat])])
    return None
