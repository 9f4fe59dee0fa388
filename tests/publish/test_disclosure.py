"""Disclosure control under any framework's rating scale.

The protection is checked by an attacker of the test's own: it enumerates every table of whole
numbers (a hidden cell at least 1) that fits the published cells, the row equations of the
scale, the column totals and the published bands, without the product's linear programmes.
"""

from __future__ import annotations

import importlib.util
import subprocess

import numpy as np
import pytest

from pipeline.publish.disclosure import (
    Layout,
    Release,
    bands,
    default_layout,
    protect,
    protect_across,
)
from pipeline.settings import PROJECT_DIR
from tests.publish import two_releases

THRESHOLD = 5
NCPI = (("good", "requires_improvement", "inadequate"), ("requires_improvement", "inadequate"))
JTAI = (("good", "adequate", "inadequate"), ("adequate", "inadequate"))
FIVE = (
    ("outstanding", "good", "requires_improvement", "inadequate", "failing"),
    ("requires_improvement", "inadequate", "failing"),
)
# the last version of disclosure.py before layouts: the ncpi scale must decide as it did
BEFORE_LAYOUTS = "86a3ba2b077decc537fef729393d8a6de0df0194"


def table(counts: np.ndarray, levels: tuple[str, ...], not_good: tuple[str, ...]) -> np.ndarray:
    """Area rows of (cases, one count per level, not_good) from the level counts."""
    bad = [levels.index(level) for level in not_good]
    return np.column_stack([counts.sum(axis=1), counts, counts[:, bad].sum(axis=1)])


def random_tables(levels: tuple[str, ...], not_good: tuple[str, ...], seed: int) -> list:
    """Eight tables of 3 or 4 areas, each level count from 0 to 13 (many from 1 to 5)."""
    generator = np.random.default_rng(seed)
    found = []
    for _ in range(8):
        rows = int(generator.integers(3, 5))
        counts = generator.integers(0, 14, size=(rows, len(levels)))
        found.append(table(counts, levels, not_good).astype(float))
    return found


def fits(
    shown: np.ndarray,
    totals: np.ndarray,
    scale: tuple[tuple[str, ...], tuple[str, ...]],
    banded: dict[int, tuple[int, int]],
    avoid: tuple[int, int, int] | None = None,
) -> bool:
    """Whether some table of whole numbers fits what is published: the shown cells (`shown`,
    NaN where hidden), every hidden cell at least 1, in each row cases = the sum of the
    levels and not_good = the sum of the not-good levels, the column `totals`, and the
    published bands (row -> (low, high), percent not good); with `avoid` = (row, column,
    value), one where that cell is not that value. Row by row, depth first, remembering
    which (row, what the columns have left) lead nowhere."""
    levels, not_good = scale
    rows, width = shown.shape
    is_hidden = np.isnan(shown)
    hidden = is_hidden.tolist()
    row_of = np.where(is_hidden, 0, shown).astype(int).tolist()
    level_at = range(1, len(levels) + 1)
    bad_at = [1 + levels.index(level) for level in not_good]
    last = width - 1
    later = (is_hidden[::-1].cumsum(axis=0)[::-1] - is_hidden).tolist()  # hidden below a row
    dead: set[tuple[int, tuple[int, ...]]] = set()

    def span(r: int, c: int, rest: list[int]) -> tuple[int, int]:
        """What cell (r, c) can be: as shown, else at least 1 and at most what its column has
        left beyond the hidden cells below, all of it when none is below."""
        if not hidden[r][c]:
            return row_of[r][c], row_of[r][c]
        top = rest[c] - later[r][c]
        return (rest[c] if later[r][c] == 0 else 1), top

    def row_values(r: int, rest: list[int]):
        """Each whole-number row r can be, with what its columns have left (`rest`): the
        hidden levels one by one, each within what the rest of the row still allows."""
        free = [c for c in level_at if hidden[r][c]]
        bad_known = sum(row_of[r][c] for c in bad_at if not hidden[r][c])
        known = sum(row_of[r][c] for c in level_at if not hidden[r][c])
        cases, bad = span(r, 0, rest), span(r, last, rest)
        spans = [span(r, c, rest) for c in free]
        is_bad = [c in bad_at for c in free]
        after = []  # the least and most the levels after the i-th add, in all and to not_good
        for i in range(len(free)):
            rest_all = spans[i + 1 :]
            rest_bad = [s for s, b in zip(rest_all, is_bad[i + 1 :], strict=True) if b]
            after.append([sum(s[k] for s in part) for part in (rest_all, rest_bad) for k in (0, 1)])

        def choose(i: int, chosen: list[int], total: int, total_bad: int):
            if i == len(free):
                yield chosen
                return
            low_all, high_all, low_bad, high_bad = after[i]
            bottom, top = spans[i]
            bottom = max(bottom, cases[0] - known - total - high_all)
            top = min(top, cases[1] - known - total - low_all)
            if is_bad[i]:
                bottom = max(bottom, bad[0] - bad_known - total_bad - high_bad)
                top = min(top, bad[1] - bad_known - total_bad - low_bad)
            for x in range(bottom, top + 1):
                yield from choose(i + 1, [*chosen, x], total + x, total_bad + x * is_bad[i])

        for chosen in choose(0, [], 0, 0):
            values = list(row_of[r])
            for c, x in zip(free, chosen, strict=True):
                values[c] = x
            values[0] = sum(values[c] for c in level_at)
            values[last] = sum(values[c] for c in bad_at)
            if not (cases[0] <= values[0] <= cases[1] and bad[0] <= values[last] <= bad[1]):
                continue
            if r in banded:
                low, high = banded[r]
                share = 100 * values[last]
                if not (low * values[0] <= share and (share < high * values[0] or high == 100)):
                    continue
            yield values

    def search(r: int, rest: list[int]) -> bool:
        if r == rows:
            return not any(rest)
        if (r, tuple(rest)) in dead:
            return False
        for values in row_values(r, rest):
            if avoid is not None and avoid[0] == r and values[avoid[1]] == avoid[2]:
                continue
            after = [
                left - (v if h else 0) for left, v, h in zip(rest, values, hidden[r], strict=True)
            ]
            if search(r + 1, after):
                return True
        dead.add((r, tuple(rest)))
        return False

    return search(0, (totals - np.where(is_hidden, 0, shown).sum(axis=0)).astype(int).tolist())


def pinned(values: np.ndarray, hidden: np.ndarray, scale: tuple, banded: dict) -> list:
    """The hidden cells an attacker can work out: no table that fits what is published gives
    them another value than the true one."""
    shown, totals = np.where(hidden, np.nan, values), values.sum(axis=0)
    assert fits(shown, totals, scale, banded), "the true table must fit what is published"
    return [
        (int(r), int(c))
        for r, c in zip(*np.nonzero(hidden), strict=True)
        if not fits(shown, totals, scale, banded, (int(r), int(c), int(values[r, c])))
    ]


@pytest.mark.parametrize(
    ("scale", "seed"), [(NCPI, 11), (JTAI, 12), (FIVE, 13)], ids=["ncpi", "jtai", "five"]
)
def test_no_hidden_cell_can_be_worked_out(scale, seed) -> None:
    """Under each scale, every count from 1 to the threshold is hidden, and no hidden cell
    fits one whole number only, even with the published bands."""
    layout = Layout(*scale)
    secondary = banded = 0
    for values in random_tables(*scale, seed):
        hidden, primary, solver = protect(values, THRESHOLD, layout=layout)
        assert (primary == ((values >= 1) & (values <= THRESHOLD))).all()
        assert hidden[primary].all()
        assert not hidden.all(), "withheld whole: the attacker below would prove nothing"
        shown_bands = bands(solver, hidden, minimum=1)
        assert not pinned(values, hidden, scale, shown_bands), (values, hidden, shown_bands)
        secondary += int((hidden & ~primary).sum())
        banded += len(shown_bands)
    assert secondary, "no secondary cell in any table: the row equations were never tested"
    assert banded, "no band in any table: the bands were never tested"


def test_the_attacker_works_out_an_exposed_cell() -> None:
    """The enumeration above can find a cell out: a level hidden alone in its row comes from
    the case count, two hidden in one row and nowhere else in their columns from the column
    totals, and a not_good hidden alone in its column from its row."""
    values = table(np.array([[3, 9, 7, 8, 6], [7, 8, 9, 6, 9]]), *FIVE).astype(float)
    for cells, exposed in [
        ([(0, 1)], [(0, 1)]),
        ([(0, 2), (0, 3)], [(0, 2), (0, 3)]),
        ([(1, 6)], [(1, 6)]),
        ([(0, 1), (1, 1), (0, 2), (1, 2)], []),  # a rectangle: moving 1 around it fits
    ]:
        hidden = np.zeros(values.shape, dtype=bool)
        hidden[tuple(zip(*cells, strict=True))] = True
        assert pinned(values, hidden, FIVE, {}) == exposed, cells
    hidden = np.zeros(values.shape, dtype=bool)
    hidden[:, [2, 3, 6]] = True  # good, requires_improvement, not_good: r.i. of row 0 is 1 to 15
    assert pinned(values, hidden, FIVE, {}) == []
    assert pinned(values, hidden, FIVE, {0: (60, 80), 1: (60, 80)}) == []  # now 6 or 7
    # 24 of 39 cases is 61.5%: a band from 60% to 62% leaves 24 alone, and the rest follows
    every = [(r, c) for r in (0, 1) for c in (2, 3, 6)]
    assert pinned(values, hidden, FIVE, {1: (60, 62)}) == every


def test_not_good_adds_up_the_scale_s_own_levels() -> None:
    """not_good adds up the scale's not-good levels, wherever they stand: under a scale
    whose not-good levels are the first and the third, a table obeying that is protected,
    and one obeying a tail of two levels instead contradicts the solver's row equations."""
    scale = (("a", "b", "c", "d"), ("a", "c"))
    layout = Layout(*scale)
    assert layout.MEASURES == ("cases", "a", "b", "c", "d", "not_good")
    assert (layout.CASES, layout.NOT_GOOD) == (0, 5)
    counts = np.array([[2, 9, 8, 7], [9, 8, 3, 9], [8, 7, 9, 2]])
    values = table(counts, *scale).astype(float)
    hidden, primary, _ = protect(values, THRESHOLD, layout=layout)
    assert hidden[primary].all() and (hidden & ~primary).any()
    assert not pinned(values, hidden, scale, {})
    wrong = table(counts, scale[0], ("c", "d")).astype(float)
    with pytest.raises(RuntimeError, match="could not be solved"):
        protect(wrong, THRESHOLD, layout=layout)


@pytest.fixture(scope="module")
def before_layouts(tmp_path_factory) -> object:
    """disclosure.py as it was before layouts (its three ncpi levels written out), as a
    module of its own."""
    shown = subprocess.run(
        ["git", "-C", str(PROJECT_DIR), "show", f"{BEFORE_LAYOUTS}:pipeline/publish/disclosure.py"],
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        pytest.skip(f"the git history holds no {BEFORE_LAYOUTS[:7]}: {shown.stderr.strip()}")
    path = tmp_path_factory.mktemp("before") / "disclosure_before_layouts.py"
    path.write_text(shown.stdout, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("disclosure_before_layouts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_ncpi_scale_decides_as_before(before_layouts) -> None:
    """The default framework's layout is ncpi's, and on random small tables it hides the same
    cells, for the same reasons, and publishes the same bands as before layouts."""
    layout = default_layout()
    assert layout.MEASURES == before_layouts.MEASURES
    generator = np.random.default_rng(2016)
    secondary = banded = 0
    for _ in range(40):
        rows = int(generator.integers(2, 7))
        counts = generator.integers(0, 12, size=(rows, 3))
        values = table(counts, *NCPI).astype(float)
        for threshold in (3, 5):
            now = protect(values, threshold, layout=layout)
            then = before_layouts.protect(values, threshold)
            assert (now[0] == then[0]).all() and (now[1] == then[1]).all(), values
            secondary += int((now[0] & ~now[1]).sum())
            found = bands(now[2], now[0], 10)
            assert found == before_layouts.bands(then[2], then[0], 10), values
            banded += len(found)
    assert secondary and banded, "the tables never needed secondary cells or bands"


@pytest.mark.parametrize(
    ("levels", "not_good", "message"),
    [
        (
            ("good", "adequate", "inadequate"),
            ("adequate", "failing"),
            "not_good names 'failing', which is not one of its levels "
            r"\(good, adequate, inadequate\)",
        ),
        (("good", "poor", "good"), ("poor",), "levels names 'good' twice"),
        (("good", "cases", "poor"), ("poor",), "levels name 'cases', which is a measure"),
        ((), (), "needs at least one rating level"),
    ],
)
def test_a_layout_that_cannot_be_is_refused(levels, not_good, message) -> None:
    with pytest.raises(ValueError, match=message):
        Layout(levels, not_good)


def test_a_table_of_another_scale_is_refused() -> None:
    values = table(np.array([[3, 9, 7], [7, 8, 9]]), *JTAI).astype(float)
    with pytest.raises(ValueError, match="has 5 columns, but its layout has 7 measures"):
        protect(values, THRESHOLD, layout=Layout(*FIVE))


TWO = (("good", "bad"), ("bad",))


def test_no_small_count_can_be_worked_out_from_two_releases() -> None:
    """An attacker holding two consecutive releases, and how far each measure moved between
    them, works out small counts that each release alone protects; once the second release
    is made safe against the first (coarser, or withheld whole), it finds none in either."""
    layout = Layout(*TWO)
    generator = np.random.default_rng(7)
    exposed_alone, done = 0, {"": 0, "coarsened": 0, "withheld": 0}
    for _ in range(150):
        counts = generator.integers(0, 8, size=(3, 2))
        before = two_releases.table(counts, *TWO)
        hidden, primary, solver = protect(before, 3, layout=layout)
        last = Release(before, hidden, primary, bands(solver, hidden, 1))
        moved = counts.copy()
        for _ in range(int(generator.integers(1, 3))):  # a case or two added or withdrawn
            r, c = generator.integers(0, 3), generator.integers(0, 2)
            moved[r, c] = max(0, moved[r, c] + int(generator.choice([-1, 1])))
        now = two_releases.table(moved, *TWO)
        hidden, primary, solver = protect(now, 3, layout=layout)
        if last.hidden.all() or hidden.all():
            continue  # withheld whole on its own
        alone = Release(now, hidden, primary, bands(solver, hidden, 1))
        exposed_alone += bool(two_releases.pinned_across(alone, last, TWO))
        safe, what = protect_across(alone, last, layout)
        done[what] += 1
        assert (safe.hidden >= alone.hidden).all() and set(safe.bands) <= set(alone.bands)
        assert two_releases.pinned_across(safe, last, TWO) == [], (counts, moved, what)
        assert (what == "withheld") == bool(safe.hidden.all())
    assert exposed_alone >= 10, "the releases were never exposed together: nothing was tested"
    assert done["coarsened"] and done["withheld"] and done[""] > exposed_alone
    assert done["coarsened"] + done["withheld"] == exposed_alone


def test_a_release_the_same_as_the_last_is_left_as_it_is() -> None:
    layout = Layout(*TWO)
    values = two_releases.table(np.array([[2, 7], [6, 1], [8, 9]]), *TWO)
    hidden, primary, solver = protect(values, 3, layout=layout)
    release = Release(values, hidden, primary, bands(solver, hidden, 1))
    assert protect_across(release, release, layout) == (release, "")
    assert protect_across(release, None, layout) == (release, "")
