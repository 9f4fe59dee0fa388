"""Dashboard feeds: format, manifest, aggregates only, and disclosure control that holds.

The recovery test attacks the published CSV as an outsider would: every suppressed area
count is bounded by linear programming from the other cells of its row, its column and the
force totals published in the other feeds, knowing that zeros are never suppressed. It fails
if any suppressed count is pinned to a single whole number.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from pipeline.publish.disclosure import default_layout
from pipeline.publish.disclosure import protect as protect_counts
from pipeline.publish.feeds import FEED_COLUMNS, FEEDS, write_feeds
from tests.conftest import SAMPLE_DIR
from tests.helpers import case, publish_folder, write_csv

COUNTS = ["cases", "good", "requires_improvement", "inadequate", "not_good"]
BAND = ["pct_not_good_band_low", "pct_not_good_band_high"]


def _northwold_rows() -> list[dict]:
    """A fictional force with areas of very different sizes and ratings, including zeros."""
    plan = {
        "Harbourside": (30, 12, 10, 8),
        "Moorend": (9, 0, 5, 4),
        "Kestrel Vale": (14, 7, 7, 0),
        "Oldport": (4, 1, 2, 1),
        "Fennick": (22, 2, 10, 10),
        "Larchmere": (6, 6, 0, 0),
    }
    rows, n = [], 0
    for area, (_, good, ri, inad) in plan.items():
        for rating, count in (("good", good), ("requires_improvement", ri), ("inadequate", inad)):
            for _ in range(count):
                n += 1
                rows.append(
                    case(inspection_id="NWC-2025", case_ref=f"N-{n:04}", area=area, rating=rating)
                )
    return rows


# the attacker's worst case: each Northwold file holds one area, and the attacker knows which
FILE_AREAS = {
    f"northwold/{area.lower().replace(' ', '_')}.csv": area
    for area in ("Harbourside", "Moorend", "Kestrel Vale", "Oldport", "Fennick", "Larchmere")
}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("feeds")
    incoming = root / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    rows = _northwold_rows()
    for name, area in FILE_AREAS.items():
        write_csv(incoming / name, [row for row in rows if row["area"] == area])
    # an inspection of two cases, as the review found published as "50.0%"
    write_csv(
        incoming / "tiny.csv",
        [
            case(
                inspection_id="TNY-2025",
                force="Tinyshire Police",
                case_ref=f"T-{n}",
                rating=rating,
                area="Whole force",
            )
            for n, rating in enumerate(("good", "inadequate"))
        ],
    )
    return root / "feeds", publish_folder(root, incoming).run_id


def read_csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


# ---------------------------------------------------------------- format and manifest


def test_every_feed_is_tidy_in_parquet_and_csv(published) -> None:
    """Each feed's columns are its keys and the tidy columns, and its measures are its own,
    with a framework's rating levels as rows (the manifest names them) where it has them."""
    folder, _ = published
    manifest = json.loads((folder / "manifest.json").read_text())
    levels = {
        entry["framework"]: tuple(code["code"] for code in entry["codes"]["rating"])
        for entry in manifest["frameworks"]
    }
    for spec in FEEDS:
        parquet = pd.read_parquet(folder / f"{spec.name}.parquet")
        csv = read_csv(folder, spec.name)
        assert list(parquet.columns) == [*spec.keys, *FEED_COLUMNS]
        assert list(csv.columns) == list(parquet.columns)
        assert len(csv) == len(parquet)
        used = set(parquet["framework"]) if "framework" in parquet else set(levels)
        expected = {m for key in used for m in spec.measures_of(levels[key])}
        assert set(parquet["measure"]) == expected, spec.name
        assert set(parquet["status"]) <= {"published", "suppressed", "low_reliability"}
        for status, symbol in (("suppressed", "c"), ("low_reliability", "u")):
            withheld = parquet["status"].eq(status)
            assert parquet.loc[withheld, "value"].isna().all()
            assert (csv.loc[withheld.to_numpy(), "value"] == symbol).all()
            assert not csv.loc[~withheld.to_numpy(), "value"].eq(symbol).any()


def test_manifest_describes_and_checksums_every_file(published) -> None:
    folder, run_id = published
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["schema_version"] == "3.0"  # levels as rows, framework keys (issue 21)
    assert manifest["source_run_id"] == run_id
    assert pd.Timestamp(manifest["generated_at"]).tzinfo is not None
    assert manifest["disclosure_control"]["threshold"] == 5
    assert manifest["disclosure_control"]["csv_symbol"] == "c"
    assert manifest["low_reliability"]["small_numbers_minimum"] == 10
    assert manifest["low_reliability"]["csv_symbol"] == "u"
    expected = {f"{spec.name}.{kind}" for spec in FEEDS for kind in ("parquet", "csv")}
    assert set(manifest["files"]) == expected
    for name, info in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert info["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert info["bytes"] == len(data)
    assert not list(folder.glob(".*.tmp"))


def test_feeds_hold_aggregates_only(published) -> None:
    folder, _ = published
    case_level = {"case_key", "case_ref", "audit_date", "source_row", "missing_episodes"}
    for spec in FEEDS:
        frame = pd.read_parquet(folder / f"{spec.name}.parquet")
        assert not case_level & set(frame.columns), spec.name
        text = (folder / f"{spec.name}.csv").read_text(encoding="utf-8-sig")
        assert "MPS-" not in text.replace("MPS-NCPI-2016", ""), spec.name  # no case_ref
        assert "N-0001" not in text


def test_force_level_figures_are_published_as_is(published) -> None:
    folder, _ = published
    headline = read_csv(folder, "headline").set_index(["inspection_id", "metric", "measure"])
    assert headline.loc[("MPS-NCPI-2016", "missing_good", "numerator"), "value"] == "2"
    assert headline.loc[("MPS-NCPI-2016", "cases_not_good", "pct"), "value"] == "74.3"
    assert not headline["value"].eq("c").any()
    category = read_csv(folder, "ratings_by_category")
    assert not category["value"].eq("c").any()


def test_a_share_of_few_cases_shows_its_counts_but_no_percentage(published) -> None:
    """Below small_numbers_minimum() (10) cases a percentage is withheld as `u` (low
    reliability) at force level too; its counts stay; 10 or more cases show it."""
    folder, _ = published
    headline = read_csv(folder, "headline")
    wide = headline.pivot_table(
        index=["inspection_id", "metric"], columns="measure", values="value", aggfunc="first"
    )
    small = wide[wide["denominator"].astype(int).between(1, 9)]
    large = wide[wide["denominator"].astype(int) >= 10]
    assert len(small) > 0 and len(large) > 0
    assert (small[["pct", "ci_low", "ci_high"]] == "u").all().all()
    assert small["numerator"].str.fullmatch(r"\d+").all()
    assert not (large[["pct", "ci_low", "ci_high"]] == "u").any().any()
    category = read_csv(folder, "ratings_by_category")
    shares = category[category["measure"].isin(["pct_not_good", "ci_low", "ci_high"])]
    cases = category[category["measure"].eq("cases")].set_index(["inspection_id", "category"])
    few = cases["value"].astype(int) < 10
    for (inspection, name), is_few in few.items():
        own = shares[shares["inspection_id"].eq(inspection) & shares["category"].eq(name)]
        assert own["value"].eq("u").all() == is_few, (inspection, name)


# ---------------------------------------------------------------- disclosure control


def _grid(folder: Path, inspection: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The area table as published: values (NaN where c) and the force totals."""
    area = read_csv(folder, "ratings_by_area")
    area = area[area["inspection_id"].eq(inspection) & area["measure"].isin(COUNTS)]
    grid = area.pivot_table(index="area", columns="measure", values="value", aggfunc="first")[
        COUNTS
    ]
    category = read_csv(folder, "ratings_by_category")
    category = category[category["inspection_id"].eq(inspection) & category["measure"].isin(COUNTS)]
    totals = (
        category.assign(value=category["value"].astype(float)).groupby("measure")["value"].sum()
    )
    return grid.replace("c", np.nan).astype(float), totals[COUNTS]


def published_links(folder: Path, inspection: str) -> list[tuple[str, str, float]]:
    """What every other public output says about single area cells, read as an attacker who
    knows which file holds which area (FILE_AREAS): (area, measure, value) facts. Any count
    per file in the data-quality feed is an area's count."""
    facts = []
    quality = read_csv(folder, "data_quality")
    if "source_file" in quality.columns:  # per-file counts published
        for row in quality.itertuples():
            area = FILE_AREAS.get(row.source_file)
            if inspection == "NWC-2025" and area and row.measure == "rows_loaded" and row.value:
                facts.append((area, "cases", float(row.value)))
    return facts


def published_bands(folder: Path, inspection: str) -> list[tuple[str, float, float]]:
    """(area, low, high): the published bands of the share not good (low <= % < high, or
    <= 100 for the last band)."""
    area = read_csv(folder, "ratings_by_area")
    area = area[area["inspection_id"].eq(inspection) & area["measure"].isin(BAND)]
    wide = area.pivot_table(index="area", columns="measure", values="value", aggfunc="first")
    wide = wide[wide.ne("c").all(axis=1) & wide.ne("u").all(axis=1)].astype(float)
    return [(a, r[BAND[0]], r[BAND[1]]) for a, r in wide.iterrows()]


def attack(
    grid: pd.DataFrame,
    totals: pd.Series,
    facts: list[tuple[str, str, float]] = (),
    bands: list[tuple[str, float, float]] = (),
) -> dict[tuple[str, str], tuple[float, float]]:
    """Smallest and largest whole value each suppressed cell can take (suppressed cells >= 1)
    given the table, the force totals, `facts` from other outputs and the `bands` of the
    share not good: exact, by MILP."""
    rows, width = grid.shape
    flat = grid.to_numpy().ravel()
    unknown = np.flatnonzero(np.isnan(flat))
    position = {cell: i for i, cell in enumerate(unknown)}
    equations, constants = [], []

    def equation(cells: list[tuple[int, float]], constant: float) -> None:
        row, known = np.zeros(len(unknown)), constant
        for cell, weight in cells:
            if cell in position:
                row[position[cell]] += weight
            else:
                known -= weight * flat[cell]
        if row.any():
            equations.append(row)
            constants.append(known)

    col = {m: i for i, m in enumerate(COUNTS)}
    for r in range(rows):
        at = lambda m, r=r: r * width + col[m]  # noqa: E731
        equation(
            [
                (at("cases"), 1),
                (at("good"), -1),
                (at("requires_improvement"), -1),
                (at("inadequate"), -1),
            ],
            0,
        )
        equation([(at("not_good"), 1), (at("requires_improvement"), -1), (at("inadequate"), -1)], 0)
    for m in COUNTS:
        equation([(r * width + col[m], 1) for r in range(rows)], float(totals[m]))
    for area, measure, value in facts:
        equation([(list(grid.index).index(area) * width + col[measure], 1)], value)
    constraint = [LinearConstraint(np.array(equations), constants, constants)] if equations else []
    for area, low, high in bands:  # 100 not_good - low cases >= 0; 100 not_good - high cases < 0
        r = list(grid.index).index(area)
        for percent, lower, upper in ((low, 0, np.inf), (high, -np.inf, -1 if high < 100 else 0)):
            row, known = np.zeros(len(unknown)), 0.0
            for measure, weight in (("not_good", 100), ("cases", -percent)):
                cell = r * width + col[measure]
                if cell in position:
                    row[position[cell]] += weight
                else:
                    known += weight * flat[cell]
            if row.any():
                constraint.append(LinearConstraint(row[None, :], lower - known, upper - known))
    ranges = {}
    for cell, i in position.items():
        bounds = []
        for sign in (1, -1):
            objective = np.zeros(len(unknown))
            objective[i] = sign
            result = milp(
                objective,
                constraints=constraint,
                integrality=np.ones(len(unknown)),
                bounds=Bounds(1, np.inf),
            )
            assert result.status in (0, 3), result.message  # 3: unbounded
            bounds.append(sign * result.fun if result.status == 0 else math.inf)
        ranges[(grid.index[cell // width], COUNTS[cell % width])] = tuple(bounds)
    return ranges


@pytest.mark.parametrize("inspection", ["MPS-NCPI-2016", "NWC-2025"])
def test_no_suppressed_cell_can_be_recovered(published, inspection: str) -> None:
    folder, _ = published
    grid, totals = _grid(folder, inspection)
    assert grid.isna().any().any(), "nothing was suppressed: the test would prove nothing"
    found = published_bands(folder, inspection)
    for (area, measure), (low, high) in attack(
        grid, totals, published_links(folder, inspection), found
    ).items():
        assert high - low >= 1, f"{inspection} {area} {measure} recoverable: {low}..{high}"


def test_the_attacker_uses_the_bands(published) -> None:
    """The bands are constraints the attack really applies: made one point wide they pin a
    hidden not_good exactly."""
    folder, _ = published
    grid, totals = _grid(folder, "MPS-NCPI-2016")
    found = published_bands(folder, "MPS-NCPI-2016")
    assert found, "no band published on the sample: nothing to test"
    with duckdb.connect(str(folder.parent / "wh" / "w.duckdb"), read_only=True) as conn:
        truth = {
            a: (100 * k / n, 100 * (k + 1) / n)
            for a, k, n in conn.execute(
                "SELECT area, not_good, cases FROM ratings_by_area "
                "WHERE inspection_id = 'MPS-NCPI-2016'"
            ).fetchall()
        }
    exact = [(area, *truth[area]) for area, _, _ in found]  # bands one case wide
    ranges = attack(grid, totals, (), exact)
    pinned = [
        low == high
        for (a, m), (low, high) in ranges.items()
        if m == "not_good" and a in truth and any(a == b[0] for b in found)
    ]
    assert pinned and all(pinned)


def test_the_sample_area_breakdown_informs(published) -> None:
    """On the sample the area table is not all `c`: most areas show their cases and their
    share not good exactly or in a band, and no secondary cell could be shown again."""
    folder, _ = published
    area = read_csv(folder, "ratings_by_area")
    mps = area[area["inspection_id"].eq("MPS-NCPI-2016")].set_index(["area", "measure"])["value"]
    areas = mps.index.get_level_values("area").unique()
    shown = [a for a in areas if mps[(a, "pct_not_good")] != "c" or mps[(a, BAND[0])] != "c"]
    assert len(shown) >= len(areas) // 2
    for a in areas:
        if mps[(a, "pct_not_good")] != "c":
            low, high = float(mps[(a, BAND[0])]), float(mps[(a, BAND[1])])
            assert low <= float(mps[(a, "pct_not_good")]) <= high
    counts = mps[mps.index.get_level_values("measure").isin(COUNTS)]
    assert counts.eq("c").mean() < 0.6  # was 0.82 before the least-hiding pass


def test_the_attacker_uses_per_file_counts_when_published(published) -> None:
    """The attack is not toothless: per-file counts, as the data-quality feed once published
    them, pin a suppressed area count when files map to areas."""
    folder, _ = published
    grid, totals = _grid(folder, "NWC-2025")
    hidden = grid[grid["cases"].isna()].index
    assert len(hidden), "no suppressed area count to attack"
    truth = {area: sum(1 for r in _northwold_rows() if r["area"] == area) for area in hidden}
    ranges = attack(grid, totals, [(area, "cases", float(n)) for area, n in truth.items()])
    assert any(low == high for (_, measure), (low, high) in ranges.items() if measure == "cases")


def test_no_public_output_names_a_file(published) -> None:
    """Feeds, manifest and dashboard say nothing per file (a file's count can be an area's)."""
    folder, _ = published
    for path in folder.iterdir():
        text = path.read_bytes().decode("utf-8", errors="replace")
        for name in FILE_AREAS:
            assert name not in text and Path(name).name not in text, (path.name, name)


def test_small_counts_suppressed_zeros_kept_and_percentages_withheld(published) -> None:
    folder, _ = published
    area = read_csv(folder, "ratings_by_area")
    nwc = area[area["inspection_id"].eq("NWC-2025")].set_index(["area", "measure"])["value"]
    for cell in [("Oldport", "cases"), ("Oldport", "good"), ("Moorend", "inadequate")]:
        assert nwc[cell] == "c"  # primary: 1 to 5
    assert nwc[("Moorend", "good")] == "0"
    assert nwc[("Kestrel Vale", "inadequate")] == "0"
    assert nwc[("Larchmere", "requires_improvement")] == "0"
    for place in nwc.index.get_level_values("area").unique():
        if "c" in (nwc[(place, "not_good")], nwc[(place, "cases")]):
            assert nwc[(place, "pct_not_good")] == "c"
            assert nwc[(place, "ci_low")] == "c"
    visible = pd.to_numeric(nwc[nwc.ne("c")], errors="coerce")
    counts = visible[visible.index.get_level_values("measure").isin(COUNTS)]
    assert not counts.between(1, 5).any()


def protect(counts: pd.DataFrame, threshold: int = 5) -> SimpleNamespace:
    """`hide` over a labelled table: hidden and primary cells as frames of the same labels."""
    measures = list(default_layout().MEASURES)
    values = counts[measures].to_numpy(dtype=float)
    hidden, primary, _ = protect_counts(values, threshold, layout=default_layout())
    labelled = {"index": counts.index, "columns": measures}
    return SimpleNamespace(
        hidden=pd.DataFrame(hidden, **labelled), primary=pd.DataFrame(primary, **labelled)
    )


def test_threshold_is_configurable() -> None:
    counts = pd.DataFrame(
        {
            "cases": [10, 12, 30],
            "good": [3, 8, 10],
            "requires_improvement": [4, 2, 10],
            "inadequate": [3, 2, 10],
        },
        index=["a", "b", "c"],
    ).assign(not_good=lambda f: f.requires_improvement + f.inadequate)
    strict, lenient = protect(counts, threshold=5), protect(counts, threshold=2)
    assert strict.primary.to_numpy().sum() > lenient.primary.to_numpy().sum()
    assert lenient.primary.loc["b", "requires_improvement"]
    assert not lenient.primary.loc["a", "good"] and strict.primary.loc["a", "good"]


def test_no_secondary_cell_could_be_shown_again() -> None:
    """The least-hiding pass: on the Northwold table, showing any one secondary cell again
    lets the exact attacker (MILP, independent of the product's LP) pin some hidden cell."""
    rows = _northwold_rows()
    counts = (
        pd.DataFrame(rows)
        .assign(n=1)
        .pivot_table(index="area", columns="rating", values="n", aggfunc="sum", fill_value=0)
    )
    counts = counts.assign(
        cases=counts.sum(axis=1), not_good=lambda f: f.inadequate + f.requires_improvement
    )[list(default_layout().MEASURES)].astype(float)
    done = protect(counts)
    secondary = done.hidden & ~done.primary
    assert secondary.to_numpy().any(), "no secondary cell: the test would prove nothing"
    totals = counts.sum()
    for area, measure in zip(*np.nonzero(secondary.to_numpy()), strict=True):
        area, measure = counts.index[area], COUNTS[measure]
        grid = counts.where(~done.hidden)
        grid.loc[area, measure] = counts.loc[area, measure]
        ranges = attack(grid[COUNTS], totals[COUNTS])
        assert any(low == high for low, high in ranges.values()), (area, measure)


def test_a_single_area_table_is_withheld_whole() -> None:
    counts = pd.DataFrame(
        {
            "cases": [12],
            "good": [3],
            "requires_improvement": [9],
            "inadequate": [0],
            "not_good": [9],
        },
        index=["only"],
    )
    assert protect(counts).hidden.to_numpy().all()


def test_feeds_replace_files_atomically(tmp_path: Path, monkeypatch) -> None:
    feed = pd.DataFrame(
        {"inspection_id": ["X"], "measure": ["cases"], "value": [1.0], "status": ["published"]}
    )
    feeds = {"headline": feed}
    write_feeds(feeds, tmp_path, "run-1", 5)
    before = (tmp_path / "headline.parquet").read_bytes()

    def broken(table, path):
        Path(path).write_bytes(b"half a file")
        raise OSError("disk full")

    from pipeline.publish import feeds as feeds_module

    monkeypatch.setattr(feeds_module, "_write_parquet", broken)
    with pytest.raises(OSError):
        write_feeds({"headline": feed.assign(value=[2.0])}, tmp_path, "run-2", 5)
    assert (tmp_path / "headline.parquet").read_bytes() == before
    assert json.loads((tmp_path / "manifest.json").read_text())["source_run_id"] == "run-1"
    assert not list(tmp_path.glob(".*.tmp"))
    assert pd.read_csv(io.StringIO((tmp_path / "headline.csv").read_text("utf-8-sig")))[
        "value"
    ].tolist() == [1]


def test_disclosure_bounds_agree_with_an_independent_solver() -> None:
    """The production check solves with highspy directly; scipy's linprog (another front end
    to an LP solver) must find the same smallest and largest value for every hidden cell."""
    from pipeline.publish.disclosure import Bounds, _constraints

    layout = default_layout()
    MEASURES = layout.MEASURES

    generator = np.random.default_rng(7)
    for _ in range(25):
        rows = int(generator.integers(1, 6))
        base = generator.integers(0, 9, size=(rows, 3)).astype(float)
        values = np.column_stack([base.sum(axis=1), base, base[:, 1:].sum(axis=1)])
        a_rows = _constraints(rows, layout)
        b_rows = np.zeros(len(a_rows))
        width = len(MEASURES)
        columns = np.zeros((width, rows * width))
        for m in range(width):
            columns[m, m::width] = 1
        solver = Bounds(values, layout)  # one model, asked many questions
        for share in (0.2, 0.35, 0.6):  # as suppression proceeds, more cells are hidden
            hidden = (generator.random(values.shape) < share) & (values > 0)
            bounds = [
                (1, None) if h else (v, v)
                for v, h in zip(values.ravel(), hidden.ravel(), strict=True)
            ]
            for cell in np.flatnonzero(hidden.ravel()):
                for sign in (1, -1):
                    objective = np.zeros(rows * width)
                    objective[cell] = sign
                    expected = linprog(
                        objective,
                        A_eq=np.vstack([a_rows, columns]),
                        b_eq=np.concatenate([b_rows, values.sum(axis=0)]),
                        bounds=bounds,
                        method="highs",
                    )
                    found = solver.bound(hidden, int(cell), sign)
                    want = sign * math.inf if expected.status == 3 else sign * expected.fun
                    assert found == pytest.approx(want), (values, hidden, cell, sign)
