"""The whole asset graph, materialised in-process over temporary folders."""

from __future__ import annotations

import csv
import hashlib
import os
import stat
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.defs.graph import run_graph
from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.runner import run_pipeline
from pipeline.errors import CaseAuditError
from pipeline.reconcile.tables import table_models
from pipeline.settings import Settings
from tests.conftest import REFERENCE_DIR
from tests.helpers import RUN_DATE, case, custody_case, missing_case, resource, write_csv

PUBLISHED_TABLES = [model.name for model in table_models()]  # their assets: one per model

pytestmark = pytest.mark.slow  # whole runs: not in `make test-fast`

# a fictional second force: 4 valid cases and 1 bad row
NORTHWOLD = [
    case(case_ref="NW-0001", rating="good", referred_back="no"),
    case(case_ref="NW-0002", rating="inadequate", referred_back="yes", force_rating="good"),
    missing_case(case_ref="NW-0003", rating="requires_improvement", force_rating="adequate"),
    custody_case(case_ref="NW-0004", rating="good"),
    case(case_ref="NW-0005", rating="superb"),
]


def materialize(res: CaseAuditResource) -> dg.ExecuteInProcessResult:
    return dg.materialize(run_graph(), resources={"case_audit": res}, raise_on_error=False)


def query(res: CaseAuditResource, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        return conn.execute(sql, params or []).df()


def figures(res: CaseAuditResource, inspection: str) -> dict[str, tuple[int, int]]:
    table = query(
        res,
        "SELECT metric, numerator, denominator FROM headline_figures WHERE inspection_id = ?",
        [inspection],
    )
    return {r.metric: (r.numerator, r.denominator) for r in table.itertuples()}


def digest(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def two_forces(sample_input: Path) -> Path:
    write_csv(sample_input / "northwold" / "nwc_2025.csv", NORTHWOLD)
    return sample_input


def test_whole_graph_two_forces(tmp_path: Path, two_forces: Path) -> None:
    before = digest(two_forces)
    res = resource(tmp_path, two_forces)
    result = materialize(res)
    assert result.success

    # every check ran and passed
    evaluations = result.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == {
        "rows_conserved",
        "no_file_refused",
        "quarantine_rate",
        "figures_reconcile",
    }
    by_name = {e.check_name: e for e in evaluations}
    assert all(e.passed for e in evaluations if e.severity == dg.AssetCheckSeverity.ERROR)
    # the quarantined rows of the hand-made Northwold file are a warning, the sample's none
    rate = by_name["quarantine_rate"]
    assert not rate.passed and "northwold/nwc_2025.csv" in rate.description
    assert "mps_ncpi" not in rate.description and by_name["no_file_refused"].passed

    # per-inspection figures: the sample reproduces the published counts ...
    published = pd.read_csv(REFERENCE_DIR / "published_figures.csv").dropna(
        subset=["published_numerator"]
    )
    mps = figures(res, "MPS-NCPI-2016")
    for row in published.itertuples():
        assert mps[row.metric] == (row.published_numerator, row.published_denominator)
    # ... and the fictional force's figures are its own, computed by hand
    nwc = figures(res, "NWC-CP-2025")
    assert nwc["cases_audited"] == (4, 4)
    assert nwc["cases_not_good"] == (2, 4)
    assert nwc["cases_referred_back"] == (1, 4)
    assert nwc["missing_not_good"] == (1, 1)
    assert nwc["custody_detained_after_charge"] == (1, 1)
    assert nwc["self_assessed_not_good"] == (2, 2)

    loads = query(res, "SELECT * FROM file_loads ORDER BY source_file").set_index("source_file")
    assert loads.loc[
        "northwold/nwc_2025.csv", ["rows_read", "rows_loaded", "rows_rejected"]
    ].tolist() == [5, 4, 1]
    assert (loads["rows_read"] == loads["rows_loaded"] + loads["rows_rejected"]).all()
    rejected = query(res, "SELECT * FROM rejected_rows")
    assert rejected[
        ["source_file", "source_row", "case_ref", "column_name", "rule"]
    ].to_numpy().tolist() == [["northwold/nwc_2025.csv", 6, "NW-0005", "rating", "rating_unknown"]]

    # the UI explains every asset: row count, column schema, preview (never a case_ref)
    materializations = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.get_asset_materialization_events()
        for m in [m.materialization]
    }
    assert set(materializations) == {
        *PUBLISHED_TABLES,
        "input_files",
        "validated_rows",
        "published_warehouse",
        "dashboard_feeds",
        "dashboard",
    }
    for key, entry in materializations.items():
        assert {"dagster/row_count", "dagster/column_schema", "preview"} <= set(entry), key
        assert "case_ref" not in entry["preview"].value.split("\n")[0], key
    assert materializations["case_audits"]["dagster/row_count"].value == 378

    # the claim "more than 75%" is false, the others hold
    claims = query(
        res,
        "SELECT comparator, claimed_pct, holds FROM claim_checks "
        "WHERE metric = 'cases_not_good' ORDER BY claimed_pct",
    )
    assert claims.to_numpy().tolist() == [[">=", 74.0, True], [">", 75.0, False]]

    assert digest(two_forces) == before  # input files untouched


def test_no_case_ref_of_a_loaded_row_reaches_analyst_tables(
    tmp_path: Path, two_forces: Path
) -> None:
    res = resource(tmp_path, two_forces)
    assert materialize(res).success
    refs = set(pd.read_csv(two_forces / "mps_ncpi_2016_part1.csv")["case_ref"]) | {"NW-0001"}
    for table in PUBLISHED_TABLES:
        if table == "rejected_rows":
            continue
        text = query(res, f"SELECT * FROM {table}").astype(str)
        assert not text.isin(refs).any().any(), table
    keys = query(res, "SELECT case_key FROM case_audits")["case_key"]
    assert keys.str.fullmatch(r"[0-9a-f]{64}").all() and keys.is_unique


def test_rerun_gives_the_same_tables(tmp_path: Path, two_forces: Path) -> None:
    res = resource(tmp_path, two_forces)
    assert materialize(res).success
    first = {t: query(res, f"SELECT * FROM {t}") for t in PUBLISHED_TABLES}
    assert materialize(res).success
    for table in PUBLISHED_TABLES:
        pd.testing.assert_frame_equal(query(res, f"SELECT * FROM {table}"), first[table])


def _alter_first_good_rating(path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    target = next(r for r in rows if r["rating"] == "good")
    target["rating"] = "inadequate"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_altered_rating_fails_reconciliation_and_keeps_old_warehouse(
    tmp_path: Path, sample_input: Path
) -> None:
    res = resource(tmp_path, sample_input)
    assert materialize(res).success
    published_before = Path(res.warehouse).read_bytes()

    _alter_first_good_rating(sample_input / "mps_ncpi_2016_part1.csv")
    result = materialize(res)
    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.check_name for e in failed] == ["figures_reconcile"]
    assert "cases_not_good" in failed[0].description
    assert "published 278/374, computed 279/374" in failed[0].description
    # the blocking check stopped the publish step: analysts still see the last good build
    assert Path(res.warehouse).read_bytes() == published_before


def test_runner_reports_failures_as_sentences(tmp_path: Path, sample_input: Path) -> None:
    _alter_first_good_rating(sample_input / "mps_ncpi_2016_part1.csv")
    settings = Settings.resolve(
        input_dir=sample_input, warehouse=tmp_path / "w.duckdb", reference_dir=REFERENCE_DIR
    )
    outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert not outcome.success
    assert any("cases_not_good" in p for p in outcome.problems)
    assert not any("Traceback" in p for p in outcome.problems)
    missing = Settings.resolve(input_dir=tmp_path / "nope", warehouse=tmp_path / "w2.duckdb")
    with pytest.raises(CaseAuditError) as refused:  # said before any run starts
        run_pipeline(missing, quiet=True)
    assert str(refused.value) == (
        f"the input folder (--input, CASE_AUDIT_INPUT_DIR) {tmp_path / 'nope'} does not exist; "
        "give a folder there. Nothing was run."
    )
    assert not (tmp_path / "w2.duckdb").exists()


def test_identifier_file_refused_and_nothing_of_it_stored(
    tmp_path: Path, sample_input: Path
) -> None:
    marker = "ZZMARKER"
    write_csv(
        sample_input / "with_names.csv",
        [case(case_ref="NW-7777", area=marker, child_name="Jo Bloggs")],
        [*case().keys(), "child_name"],
    )
    res = resource(tmp_path, sample_input)
    assert materialize(res).success  # one bad file does not stop the others
    loads = query(res, "SELECT * FROM file_loads WHERE source_file = 'with_names.csv'")
    assert loads[["status", "rule"]].to_numpy().tolist() == [["refused", "file_identifier_column"]]
    assert "'child_name'" in loads.loc[0, "message"]
    for table in PUBLISHED_TABLES:
        text = query(res, f"SELECT * FROM {table}").astype(str)
        assert not text.apply(lambda col: col.str.contains(marker + "|Bloggs|NW-7777")).any().any()


def test_missing_key_next_to_existing_warehouse_fails(
    tmp_path: Path, sample_input: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASE_AUDIT_PSEUDONYM_KEY")
    res = resource(tmp_path, sample_input)
    assert materialize(res).success
    key_file = Path(res.key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    keys = query(res, "SELECT case_key FROM case_audits ORDER BY case_key")
    assert materialize(res).success  # same key file, same keys
    pd.testing.assert_frame_equal(query(res, "SELECT case_key FROM case_audits ORDER BY 1"), keys)

    os.remove(key_file)
    result = materialize(res)
    assert not result.success
    assert not key_file.exists()  # no new key silently created over old data


def test_same_content_under_a_new_name_is_not_counted_twice(
    tmp_path: Path, sample_input: Path
) -> None:
    original = sample_input / "mps_ncpi_2016_part1.csv"
    (sample_input / "copy_of_part1.csv").write_bytes(original.read_bytes())
    res = resource(tmp_path, sample_input)
    assert materialize(res).success
    assert figures(res, "MPS-NCPI-2016")["cases_audited"] == (374, 374)
    loads = query(res, "SELECT * FROM file_loads").set_index("source_file")
    # the first in path order loads; the later one is refused, naming the first
    first, later = loads.loc["copy_of_part1.csv"], loads.loc["mps_ncpi_2016_part1.csv"]
    assert (first["status"], first["rows_loaded"]) == ("loaded", 200)
    assert (later["status"], later["rule"]) == ("refused", "file_duplicate_content")
    assert later["sha256"] == first["sha256"]
    assert "copy_of_part1.csv" in later["message"]


def test_changed_file_replaces_and_removed_file_disappears(
    tmp_path: Path, sample_input: Path
) -> None:
    res = resource(tmp_path, sample_input)
    write_csv(sample_input / "nwc.csv", NORTHWOLD[:2])
    assert materialize(res).success
    first_hash = query(res, "SELECT sha256 FROM file_loads WHERE source_file = 'nwc.csv'")
    assert figures(res, "NWC-CP-2025")["cases_audited"] == (2, 2)

    write_csv(sample_input / "nwc.csv", NORTHWOLD[:4])  # content changed: replaces
    assert materialize(res).success
    assert figures(res, "NWC-CP-2025")["cases_audited"] == (4, 4)
    second_hash = query(res, "SELECT sha256 FROM file_loads WHERE source_file = 'nwc.csv'")
    assert first_hash.iloc[0, 0] != second_hash.iloc[0, 0]

    (sample_input / "nwc.csv").unlink()  # removed: its rows go on the next full run
    assert materialize(res).success
    assert figures(res, "NWC-CP-2025") == {}
    assert (
        query(res, "SELECT count(*) AS n FROM file_loads WHERE source_file = 'nwc.csv'")["n"].iloc[
            0
        ]
        == 0
    )
    assert figures(res, "MPS-NCPI-2016")["cases_audited"] == (374, 374)


def test_interrupted_copy_leaves_the_published_file(tmp_path: Path, monkeypatch) -> None:
    from pipeline.storage import atomic as publish

    target = tmp_path / "case_audit.duckdb"
    target.write_bytes(b"published")
    source = tmp_path / "build.duckdb"
    source.write_bytes(b"new build" * 1000)

    def broken_copy(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(publish.shutil, "copyfile", broken_copy)
    with pytest.raises(OSError, match="disk full"):
        publish.atomic_replace(source, target)
    assert target.read_bytes() == b"published"
    assert set(tmp_path.iterdir()) == {source, target}  # the half copy is gone
    monkeypatch.undo()
    (tmp_path / ".case_audit.duckdb.999.tmp").write_bytes(b"left by a killed run")
    publish.atomic_replace(source, target)
    assert target.read_bytes() == source.read_bytes()
    assert set(tmp_path.iterdir()) == {source, target}


def test_a_failed_run_records_its_cause_and_the_input_changes(tmp_path, sample_input) -> None:
    """pipeline_runs says why a run failed (the check, and its figure) and which input files
    it found changed: what an analyst needs to see why the figures did not move."""
    settings = resource(tmp_path, sample_input).settings()
    assert run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True).success
    _alter_first_good_rating(sample_input / "mps_ncpi_2016_part1.csv")
    failed = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert not failed.success and failed.recorded
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        [row] = conn.execute(
            "SELECT status, failed_asset, error_summary, input_changes FROM pipeline_runs "
            "WHERE run_id = ?",
            [failed.run_id],
        ).fetchall()
    status, asset, summary, changes = row
    assert (status, asset) == ("failure", "published_reconciliation")
    assert "check figures_reconcile failed" in summary and "279/374" in summary
    assert changes == "changed: mps_ncpi_2016_part1.csv"
