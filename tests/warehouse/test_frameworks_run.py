"""Frameworks through whole runs: two frameworks side by side in the shipped sample, a trend
that crosses them marked not comparable, one declared comparable trended, a framework written
from scratch as one file yielding its figures, an edited framework re-validating only the
inspections that use it, and a v1.1 warehouse rebuilt with a sentence saying so."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.defs.graph import run_graph
from schemas.frameworks import SHIPPED
from tests.conftest import SAMPLE_DIR, SHIPPED_DIR
from tests.helpers import publish_folder, resource

pytestmark = pytest.mark.slow  # whole runs

PEER = """
name = "peer"
version = "1"
title = "Peer review of case files (a test's own framework)"
comparable_with = []

[rating]
levels = ["met", "partly_met", "not_met"]
not_good = ["partly_met", "not_met"]
labels = { met = "Standard met", partly_met = "Partly met", not_met = "Not met" }

[categories]
referral = "Referral"
assessment = "Assessment"

[columns.multi_agency]
type = "bool"
required_when = "true"
label = "Multi-agency"
description = "More than one agency worked on the case."

[[metrics]]
name = "standard_not_met"
label = "Cases where the standard was not met"
numerator = "rating = 'not_met'"
denominator = "true"
description = "Cases rated not met, of every case."

[[metrics]]
name = "referrals_multi_agency"
label = "Referrals worked by more than one agency"
numerator = "multi_agency"
denominator = "category = 'referral'"
description = "Referral cases more than one agency worked on, of all referrals."
"""
PEER_ROWS = [  # (category, rating, multi_agency)
    ("referral", "met", "yes"),
    ("referral", "not_met", "no"),
    ("referral", "Partly Met", "yes"),
    ("assessment", "not_met", "no"),
    ("assessment", "met", "yes"),
    ("referral", "not met", "yes"),
]


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def peer_inspection(folder: Path, inspection: str = "PEER-2025") -> Path:
    """An inspection under peer@1, as a provider writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{inspection.lower()}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        header = ["inspection_id", "force", "case_ref", "category", "audit_date", "rating"]
        writer.writerow([*header, "multi_agency", "framework"])
        for n, (category, rating, multi) in enumerate(PEER_ROWS):
            writer.writerow(
                [
                    inspection,
                    "Kestrel Police",
                    f"P-{n:03}",
                    category,
                    "2025-05-02",
                    rating,
                    multi,
                    "peer@1",
                ]
            )
    return path


def test_two_frameworks_side_by_side_and_a_trend_across_them(tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    shutil.copytree(SHIPPED_DIR, incoming)
    publish_folder(tmp_path, incoming)
    warehouse = tmp_path / "wh" / "w.duckdb"
    shipped = {
        path.stem: hashlib.sha256(path.read_bytes()).hexdigest() for path in SHIPPED.glob("*.toml")
    }
    assert dict(query(warehouse, "SELECT framework, sha256 FROM frameworks")) == shipped
    per = dict(query(warehouse, "SELECT framework, count(*) FROM metrics GROUP BY ALL"))
    assert per == {"ncpi@2016": 10, "mace@2024": 8}
    figures = query(
        warehouse,
        "SELECT inspection_id, framework, count(*) FROM headline_figures GROUP BY ALL ORDER BY 1",
    )
    assert figures == [("MPS-MACE-2024", "mace@2024", 8), ("MPS-NCPI-2016", "ncpi@2016", 10)]
    # the published figures are unchanged by the second framework
    assert query(
        warehouse,
        "SELECT numerator, denominator FROM headline_figures WHERE inspection_id = "
        "'MPS-NCPI-2016' AND metric = 'cases_not_good'",
    ) == [(278, 374)]
    # every level of the framework for every category present, zeros included
    counted = query(
        warehouse,
        "SELECT r.inspection_id, count(*), "
        "count(DISTINCT r.category) * any_value(len(f.rating_levels)) "
        "FROM rating_counts r JOIN frameworks f USING (framework) GROUP BY 1",
    )
    assert all(rows == expected for _, rows, expected in counted) and len(counted) == 2
    levels = query(
        warehouse,
        "SELECT count(*) FILTER (WHERE requires_improvement IS NULL), "
        "count(*) FILTER (WHERE good IS NULL) FROM ratings_by_category "
        "WHERE framework = 'mace@2024'",
    )
    assert levels[0][0] > 0 and levels[0][1] == 0
    trend = query(
        warehouse,
        "SELECT DISTINCT previous_inspection_id, previous_framework, change_verdict, "
        "previous_pct IS NULL AND change_ci_low IS NULL FROM trends "
        "WHERE inspection_id = 'MPS-MACE-2024'",
    )
    assert trend == [("MPS-NCPI-2016", "ncpi@2016", "not comparable", True)]
    feeds = tmp_path / "feeds"
    trends = pd.read_csv(feeds / "trends.csv", encoding="utf-8-sig")
    crossing = trends[trends["inspection_id"].eq("MPS-MACE-2024")]
    assert crossing["change_verdict"].eq("not comparable").all() and len(crossing)
    ratings = pd.read_csv(feeds / "ratings_by_category.csv", encoding="utf-8-sig")
    mace = set(ratings.loc[ratings["framework"].eq("mace@2024"), "measure"])
    assert "adequate" in mace and "requires_improvement" not in mace
    ncpi = set(ratings.loc[ratings["framework"].eq("ncpi@2016"), "measure"])
    assert "requires_improvement" in ncpi and "adequate" not in ncpi
    manifest = json.loads((feeds / "manifest.json").read_text())
    assert {f["framework"] for f in manifest["frameworks"]} == set(shipped)


@pytest.fixture
def peer_framework(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """peer@1.toml in a frameworks folder of the test's own, the one the run reads
    (CASE_AUDIT_FRAMEWORKS_DIR)."""
    frameworks = tmp_path / "frameworks"
    frameworks.mkdir()
    peer = frameworks / "peer@1.toml"
    peer.write_text(PEER, encoding="utf-8")
    monkeypatch.setenv("CASE_AUDIT_FRAMEWORKS_DIR", str(frameworks))
    return peer


def test_a_framework_written_as_one_file_yields_its_figures(tmp_path: Path, peer_framework) -> None:
    """Someone who never read the code writes one file; an inspection under it loads,
    validates and yields figures counted from its rows (counted here independently)."""
    incoming = tmp_path / "incoming"
    peer_inspection(incoming)
    publish_folder(tmp_path, incoming)
    warehouse = tmp_path / "wh" / "w.duckdb"
    got = dict(
        (metric, (n, d))
        for metric, n, d in query(
            warehouse,
            "SELECT metric, numerator, denominator FROM headline_figures "
            "WHERE inspection_id = 'PEER-2025'",
        )
    )
    spelled = [rating.lower().replace(" ", "_") for _, rating, _ in PEER_ROWS]
    referrals = [multi for category, _, multi in PEER_ROWS if category == "referral"]
    assert got == {
        "standard_not_met": (spelled.count("not_met"), len(PEER_ROWS)),
        "referrals_multi_agency": (referrals.count("yes"), len(referrals)),
    }
    page = (tmp_path / "feeds" / "dashboard.html").read_text(encoding="utf-8")
    assert "PEER-2025" in page and "Peer review of case files" in page


def test_frameworks_that_say_they_compare_are_trended(tmp_path: Path, peer_framework) -> None:
    later = PEER.replace('version = "1"', 'version = "2"').replace(
        "comparable_with = []", 'comparable_with = ["peer@1"]'
    )
    (peer_framework.parent / "peer@2.toml").write_text(later, encoding="utf-8")
    incoming = tmp_path / "incoming"
    peer_inspection(incoming, "PEER-2025")
    second = peer_inspection(incoming, "PEER-2026")
    second.write_text(
        second.read_text().replace("peer@1", "peer@2").replace("2025-05-02", "2026-05-04")
    )
    publish_folder(tmp_path, incoming)
    trend = query(
        tmp_path / "wh" / "w.duckdb",
        "SELECT previous_inspection_id, change_verdict, change_pct_points FROM trends "
        "WHERE inspection_id = 'PEER-2026' AND metric = 'standard_not_met'",
    )
    assert trend == [("PEER-2025", "no clear change", 0.0)]


def test_an_edited_framework_revalidates_only_the_inspections_that_use_it(
    tmp_path: Path, peer_framework: Path
) -> None:
    peer = peer_framework
    incoming = tmp_path / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    peer_inspection(incoming)
    res = resource(tmp_path, incoming)

    def run() -> dict[str, int]:
        result = dg.materialize(run_graph(), resources={"case_audit": res})
        assert result.success
        [validated] = result.asset_materializations_for_node("validated_rows")
        return {k: validated.metadata[k].value for k in ("files_read_this_run", "files_reused")}

    assert run() == {"files_read_this_run": 3, "files_reused": 0}
    peer.write_text(PEER.replace('"Not met"', '"Standard not met"'), encoding="utf-8")
    assert run() == {"files_read_this_run": 1, "files_reused": 2}
    [(sha,)] = query(
        Path(res.warehouse), "SELECT sha256 FROM frameworks WHERE framework = 'peer@1'"
    )
    assert sha == hashlib.sha256(peer.read_bytes()).hexdigest()
    [(label,)] = query(
        Path(res.warehouse),
        "SELECT label FROM framework_codes WHERE framework = 'peer@1' AND code = 'not_met'",
    )
    assert label == "Standard not met"


def test_a_v1_1_warehouse_is_rebuilt_and_the_run_says_so(tmp_path: Path, capsys) -> None:
    incoming = tmp_path / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    warehouse, feeds = tmp_path / "w.duckdb", tmp_path / "feeds"
    argv = ["run", "--quiet", "--input", str(incoming), "--warehouse", str(warehouse)]
    argv += ["--feeds", str(feeds)]
    assert main(argv) == 0
    before = query(warehouse, "SELECT metric, numerator, denominator FROM headline_figures")
    # what contract v1.1 left: no framework column in the published cases or in staging
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("ALTER TABLE case_audits DROP COLUMN framework")
    staging = next(tmp_path.rglob("staging.duckdb"))
    with duckdb.connect(str(staging)) as conn:
        conn.execute("ALTER TABLE staged_rows DROP COLUMN framework")
    capsys.readouterr()
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert "built under contract v1.1" in said and "rebuilt from its input files" in said
    assert query(warehouse, "SELECT DISTINCT framework FROM case_audits") == [("ncpi@2016",)]
    after = query(warehouse, "SELECT metric, numerator, denominator FROM headline_figures")
    assert sorted(after) == sorted(before)


def test_an_edited_metric_records_the_cases_it_moved(tmp_path: Path, peer_framework: Path) -> None:
    """A metric's definition edited, no case changed: the revision still names every case
    that entered or left it (revisions compare every case when a framework changed)."""
    peer = peer_framework
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    peer_inspection(incoming)
    res = resource(tmp_path, incoming)
    assert dg.materialize(run_graph(), resources={"case_audit": res}).success
    [(before,)] = query(
        Path(res.warehouse),
        "SELECT list(case_key ORDER BY case_key) FROM metric_cases "
        "WHERE metric_order = 1 AND in_numerator",
    )
    peer.write_text(
        PEER.replace("numerator = \"rating = 'not_met'\"", "numerator = \"rating <> 'met'\""),
        encoding="utf-8",
    )
    assert dg.materialize(run_graph(), resources={"case_audit": res}).success
    [(after,)] = query(
        Path(res.warehouse),
        "SELECT list(case_key ORDER BY case_key) FROM metric_cases "
        "WHERE metric_order = 1 AND in_numerator",
    )
    moved = query(
        Path(res.warehouse),
        "SELECT movement, list(case_key ORDER BY case_key) FROM revision_cases "
        "WHERE metric IN (SELECT metric FROM metrics WHERE framework = 'peer@1' "
        "AND metric_order = 1) GROUP BY movement",
    )
    entered = sorted(set(after) - set(before))
    assert before and entered and set(before) <= set(after)  # a wider numerator
    assert dict(moved) == {"entered_numerator": entered}
