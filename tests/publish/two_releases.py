"""An attacker of the tests' own who holds two consecutive releases of an area table: it
enumerates every pair of whole-number tables that fits both (each release's shown cells,
bands, row equations and column totals, a withheld cell at least 1, or 0 in a table withheld
whole) and moved, per measure, by no more than the true tables did; without the
product's programmes. Tables are rows of (cases, one count per level, not_good)."""

from __future__ import annotations

import itertools

import numpy as np

from pipeline.publish.disclosure import Release, band_counts


def table(counts: np.ndarray, levels: tuple[str, ...], not_good: tuple[str, ...]) -> np.ndarray:
    """Area rows of (cases, one count per level, not_good) from the level counts."""
    bad = [levels.index(level) for level in not_good]
    return np.column_stack([counts.sum(axis=1), counts, counts[:, bad].sum(axis=1)]).astype(float)


def tables_fitting(release: Release, scale: tuple) -> np.ndarray:
    """Every whole-number table that fits what one release shows (depth first over rows,
    each hidden level within what its column has left; the last row takes the rest)."""
    levels, not_good = scale
    values, hidden = release.values, release.hidden
    rows, width = values.shape
    floor = 0 if hidden.all() else 1
    bad = [1 + levels.index(level) for level in not_good]
    found: list[list[np.ndarray]] = []

    def fits(r: int, row: np.ndarray) -> bool:
        shown = ~hidden[r]
        if (row[shown] != values[r, shown]).any() or (row[~shown] < floor).any():
            return False
        if r in release.bands:
            low, high = band_counts(release.bands[r], values[r, 0])
            return low <= row[-1] <= high
        return True

    def rows_of(r: int, left: np.ndarray):
        spans = [
            range(floor, int(left[c]) + 1) if hidden[r, 1 + c] else [int(values[r, 1 + c])]
            for c in range(len(levels))
        ]
        for counts in itertools.product(*spans):
            counts = np.array(counts, dtype=float)
            if (counts <= left).all():
                yield counts

    def search(r: int, left: np.ndarray, chosen: list[np.ndarray]) -> None:
        for counts in [left] if r == rows - 1 else rows_of(r, left):
            row = np.concatenate([[counts.sum()], counts, [sum(counts[b - 1] for b in bad)]])
            if fits(r, row):
                if r == rows - 1:
                    found.append([*chosen, row])
                else:
                    search(r + 1, left - counts, [*chosen, row])

    search(0, values[:, 1 : 1 + len(levels)].sum(axis=0), [])
    return np.array(found).reshape(-1, rows, width)


def pinned_across(now: Release, before: Release, scale: tuple) -> list[tuple[str, int, int]]:
    """The small withheld counts of either release that every fitting pair gives one value
    (a count the other release shows, the same, is public already and not asked about)."""
    mine, theirs = tables_fitting(now, scale), tables_fitting(before, scale)
    moved = np.abs(now.values - before.values).sum(axis=0)
    apart = np.abs(mine[:, None] - theirs[None, :]).sum(axis=2)  # (mine, theirs, measure)
    a, b = np.nonzero((apart <= moved).all(axis=-1))
    assert a.size, "the true pair of tables must fit both releases"
    found = []
    for name, release, other, tables in (
        ("now", now, before, mine[a]),
        ("before", before, now, theirs[b]),
    ):
        public = ~other.hidden & (other.values == release.values)
        for r, c in zip(*np.nonzero(release.small & ~public), strict=True):
            if len(np.unique(tables[:, r, c])) == 1:
                found.append((name, int(r), int(c)))
    return found
