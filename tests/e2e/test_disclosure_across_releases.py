"""Disclosure across releases (issue 22): a correction that leaves each release safe on its
own, but lets small counts be worked out by comparing the two, is published coarser or
withheld, says so in the manifest and the release notes, and leaves the tests' own attacker
(tests/publish/two_releases.py) nothing to find in the two feeds as published."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pandas as pd
import pytest

from pipeline.defs.graph import run_graph
from pipeline.publish.disclosure import Layout, Release, bands, protect
from tests.helpers import case, resource, write_csv
from tests.publish.two_releases import pinned_across, table

pytestmark = pytest.mark.slow  # whole runs

NCPI = (("good", "requires_improvement", "inadequate"), ("requires_improvement", "inadequate"))
AREAS = ("Eastmarch", "Harbourside", "Northfield")
THRESHOLD = 5  # the default
# cases per area (rows) and rating (columns, best first) before the provider's correction,
# then with one more good case in Northfield
BEFORE = np.array([[2, 8, 0], [7, 5, 2], [6, 3, 7]])
AFTER = BEFORE + np.array([[0, 0, 0], [0, 0, 0], [1, 0, 0]])


def _cases(counts: np.ndarray) -> list[dict]:
    rows = []
    for area, row in zip(AREAS, counts, strict=True):
        for rating, count in zip(NCPI[0], row, strict=True):
            rows += [
                case(area=area, rating=rating, case_ref=f"{area[:2]}-{rating[:2]}-{n:02}")
                for n in range(count)
            ]
    return rows


def _publish(root: Path, incoming: Path) -> dict:
    result = dg.materialize(
        run_graph(), resources={"case_audit": resource(root, incoming)}, raise_on_error=False
    )
    assert result.success
    return json.loads((root / "wh" / "feeds" / "manifest.json").read_text())


def _released(root: Path, counts: np.ndarray) -> Release:
    """The area table as the feed shows it: which counts it withholds and which bands it
    shows, with the true counts (the test's own) beside them."""
    feed = pd.read_parquet(root / "wh" / "feeds" / "ratings_by_area.parquet")
    layout = Layout(*NCPI)
    cells = feed.pivot_table(index="area", columns="measure", values="status", aggfunc="first")
    cells = cells.loc[list(AREAS)]
    hidden = cells[list(layout.MEASURES)].eq("suppressed").to_numpy()
    values = table(counts, *NCPI)
    low = feed[feed["measure"].eq("pct_not_good_band_low") & feed["status"].eq("published")]
    high = feed[feed["measure"].eq("pct_not_good_band_high")].set_index("area")["value"]
    shown = {
        AREAS.index(area): (int(band), int(high[area]))
        for area, band in zip(low["area"], low["value"], strict=True)
        if hidden[AREAS.index(area), layout.NOT_GOOD]
    }
    small = hidden & (values >= 1) & (values <= THRESHOLD)
    return Release(values, hidden, small, shown)


def test_a_release_is_made_safe_against_the_last_one(tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    write_csv(incoming / "cases.csv", _cases(BEFORE))
    first = _publish(tmp_path, incoming)
    assert first["disclosure_control"]["across_releases"]["compared_with_run"] is None
    before = _released(tmp_path, BEFORE)
    # the corrected table protected on its own, as before this check existed
    minimum = first["low_reliability"]["small_numbers_minimum"]
    hidden, primary, solver = protect(table(AFTER, *NCPI), THRESHOLD, layout=Layout(*NCPI))
    naive = Release(table(AFTER, *NCPI), hidden, primary, bands(solver, hidden, minimum))
    assert pinned_across(naive, before, NCPI), "this correction must expose the naive release"

    write_csv(incoming / "cases.csv", _cases(AFTER))
    second = _publish(tmp_path, incoming)
    across = second["disclosure_control"]["across_releases"]
    assert across["compared_with_run"] == first["source_run_id"] != second["source_run_id"]
    assert across["coarsened"] + across["withheld"] == ["NWC-CP-2025"]
    after = _released(tmp_path, AFTER)
    assert (after.hidden >= naive.hidden).all() and set(after.bands) <= set(naive.bands)
    assert (after.hidden != naive.hidden).any() or after.bands != naive.bands
    assert pinned_across(after, before, NCPI) == []
    notes = (tmp_path / "wh" / "feeds" / "release-notes.md").read_text()
    assert "## Area tables in this release" in notes and "NWC-CP-2025" in notes

    # the record of what was released stays in the staging database, never published
    with duckdb.connect(str(tmp_path / "wh" / "case_audit.duckdb"), read_only=True) as conn:
        tables = {
            name for (name,) in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
    assert "area_release" not in tables
