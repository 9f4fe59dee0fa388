"""Scale features behave exactly like the simple path: chunked reading, the per-file staging
cache, SQL pseudonymisation, synthetic data with known breakages."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.defs.graph import run_graph
from pipeline.defs.resources import CaseAuditResource
from pipeline.ingest import files as ingest_files
from pipeline.ingest.files import read_case_file, read_case_files
from pipeline.ingest.formats import csv_text, xlsx
from pipeline.settings import PROJECT_DIR
from pipeline.storage.models import render
from pipeline.storage.pseudonym import case_keys
from pipeline.synth import BREAKAGES, write
from pipeline.validate.memory import judge_in_memory, validate_rows
from schemas.frameworks import catalogue
from schemas.rules import build_schema, parse_check_label, rules_of
from tests.conftest import REFERENCE_DIR
from tests.helpers import RUN_DATE, case, resource, rows_frame, write_csv

pytestmark = pytest.mark.slow  # runs over large synthetic inputs: not in `make test-fast`

# ---------------------------------------------------------------- chunked reading


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_chunked_reading_equals_whole_reading(tmp_path, monkeypatch, sample_input, suffix):
    path = next(sample_input.glob(f"*{suffix}"))
    whole, _ = read_case_file(path, path.name)
    small = {
        ".csv": functools.partial(csv_text.read, chunk_rows=7),
        ".xlsx": functools.partial(xlsx.read, chunk_rows=7),
    }
    monkeypatch.setitem(ingest_files.READERS, suffix, small[suffix])
    chunked, report = read_case_file(path, path.name)
    pd.testing.assert_frame_equal(chunked, whole)
    assert report.rows_read == len(whole) > 7


def test_ragged_row_in_a_later_chunk_is_read_again_wider(tmp_path, monkeypatch):
    header = ",".join(case().keys())
    lines = [
        ",".join("" if v is None else str(v) for v in case(case_ref=f"R-{n:03}").values())
        for n in range(20)
    ]
    lines[15] += ",surprise,cells"
    path = tmp_path / "ragged.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    smaller = functools.partial(csv_text.read, chunk_rows=4)
    monkeypatch.setitem(ingest_files.READERS, ".csv", smaller)
    rows, [report] = read_case_files([path], root=tmp_path)
    assert report.status == "read" and report.rows_read == 20
    reasons = validate_rows(rows, RUN_DATE).reasons
    assert reasons[["source_row", "rule", "value"]].to_numpy().tolist() == [
        [17, "extra_cells", "2 cell(s)"]
    ]


# ---------------------------------------------------------------- the rules, all implemented


@pytest.mark.parametrize("framework", list(catalogue()), ids=lambda f: f.key)
def test_every_row_rule_is_implemented_where_the_catalogue_says(framework):
    schema = build_schema(framework, RUN_DATE)
    labels = {
        parse_check_label(str(c.error))[0]
        for column in schema.columns.values()
        for c in column.checks
    }
    labels |= {parse_check_label(str(c.error))[0] for c in schema.checks}
    for rule in rules_of(framework):
        if rule.checked_by == "pandera":
            assert rule.code in labels or rule.code == "required_missing", rule.code
        elif rule.checked_by.endswith(".sql"):  # the file the unit names implements it
            sql = render(PROJECT_DIR / rule.checked_by, catalogue().context())
            assert f"'{rule.code}'" in sql, rule.code
        else:
            assert rule.level == "file"


def test_sql_pseudonymisation_equals_the_reference_hmac():
    key = b"0123456789abcdef" * 4 + b"longer than a block"
    rows = rows_frame([case(case_ref=f"K-{n}") for n in range(5)])
    staged = judge_in_memory(rows, RUN_DATE, key).cases.sort_values("source_row")["case_key"]
    expected = case_keys(key, rows["inspection_id"], rows["case_ref"]).tolist()
    assert staged.tolist() == expected


# ---------------------------------------------------------------- the staging cache


def files_read(res: CaseAuditResource) -> tuple[int, int, dict[str, object]]:
    result = dg.materialize(run_graph(), resources={"case_audit": res}, raise_on_error=False)
    assert result.success
    [validated] = result.asset_materializations_for_node("validated_rows")
    loads = validated.metadata
    published = next(m for m in result.asset_materializations_for_node("published_warehouse"))
    return (
        loads["files_read_this_run"].value,
        loads["files_reused"].value,
        {k: v.value for k, v in published.metadata.items()},
    )


def table(res: CaseAuditResource, name: str) -> pd.DataFrame:
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        return conn.execute(f"SELECT * FROM {name}").df()


def test_staging_of_a_former_layout_is_dropped_and_made_afresh(tmp_path, sample_input):
    res = resource(tmp_path, sample_input)
    files_read(res)
    expected = table(res, "case_audits").sort_values(["source_file", "source_row"])
    with duckdb.connect(str(res.workspace().staging_path)) as conn:  # as an older version left it
        conn.execute("DROP TABLE staged_rows")
        conn.execute("CREATE TABLE staged_cases AS SELECT 1 AS stale")
    # (a new version's run is never a no-op; marked synthetic as the sample is)
    write_csv(sample_input / "new.csv", [case(synthetic="true")])
    assert files_read(res)[:2] == (3, 0)  # every file staged again
    with duckdb.connect(str(res.workspace().staging_path), read_only=True) as conn:
        tables = {name for (name,) in conn.execute("SHOW TABLES").fetchall()}
    assert "staged_rows" in tables and "staged_cases" not in tables
    again = table(res, "case_audits").query("source_file != 'new.csv'")
    again = again.sort_values(["source_file", "source_row"])
    pd.testing.assert_frame_equal(again.reset_index(drop=True), expected.reset_index(drop=True))


def test_unchanged_files_are_not_read_again(tmp_path, sample_input):
    res = resource(tmp_path, sample_input)
    assert files_read(res)[:2] == (2, 0)
    first = table(res, "case_audits")
    before = Path(res.warehouse).stat().st_mtime_ns
    # nothing changed: the first step says so, Dagster skips the rest, nothing is re-read
    result = dg.materialize(run_graph(), resources={"case_audit": res})
    assert result.success
    assert not result.asset_materializations_for_node("validated_rows")
    assert {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"} >= {
        "validated_rows",
        "warehouse_tables",
        "published_warehouse",
        "dashboard",
    }
    [confirmed] = result.asset_materializations_for_node("input_files")
    assert confirmed.asset_key.to_user_string() == "published_warehouse"
    assert confirmed.metadata["republished"].value is False
    assert Path(res.warehouse).stat().st_mtime_ns == before
    pd.testing.assert_frame_equal(table(res, "case_audits"), first)

    write_csv(sample_input / "new.csv", [case()])  # only the new file is read
    read, reused, published = files_read(res)
    assert (read, reused, published["republished"]) == (1, 2, True)
    runs = table(res, "pipeline_runs")
    assert len(runs) == 3  # the run that changed nothing is in the history too

    (sample_input / "mps_ncpi_2016_part1.csv").rename(sample_input / "renamed.csv")
    read, reused, _ = files_read(res)  # same content under a new name: reused, renamed
    assert (read, reused) == (0, 3)
    names = set(table(res, "case_audits")["source_file"])
    assert names == {"renamed.csv", "mps_ncpi_2016_part2.xlsx", "new.csv"}
    assert len(table(res, "case_audits")) == 375


def _skipped(res: CaseAuditResource) -> bool:
    """Whether a run over `res` found nothing to do (its later steps were skipped)."""
    result = dg.materialize(run_graph(), resources={"case_audit": res})
    assert result.success
    return any(e.event_type_value == "STEP_SKIPPED" for e in result.all_events)


@pytest.mark.parametrize(
    "change",
    ["threshold", "reference", "dashboard_deleted", "failure_in_inbox", "renamed", "key"],
)
def test_a_run_is_skipped_only_when_nothing_it_depends_on_changed(
    tmp_path, sample_input, monkeypatch, change
):
    from pipeline.operations.history import RunRecord, drop_in_inbox

    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)

    def res_now() -> CaseAuditResource:
        return resource(tmp_path, sample_input, reference_dir=reference)

    res = res_now()
    assert not _skipped(res)
    assert _skipped(res)  # the same again: nothing to do
    if change == "threshold":
        monkeypatch.setenv("CASE_AUDIT_SUPPRESSION_THRESHOLD", "6")
    elif change == "reference":
        claims = reference / "published_claims.csv"
        claims.write_text(claims.read_text() + "\n")
    elif change == "dashboard_deleted":
        (Path(res.feeds_dir) / "dashboard.html").unlink()
    elif change == "failure_in_inbox":
        drop_in_inbox(res.workspace(), RunRecord(run_id="queued-failure", status="failure"))
    elif change == "renamed":
        (sample_input / "mps_ncpi_2016_part1.csv").rename(sample_input / "part1.csv")
    elif change == "key":
        monkeypatch.setenv("CASE_AUDIT_PSEUDONYM_KEY", "another-key-of-enough-length-0000")
    res = res_now()
    assert not _skipped(res)
    assert _skipped(res)


def test_a_copy_added_later_is_reported_as_refused(tmp_path, sample_input):
    """Nothing new is loaded from a copy, but file_loads must still list it (refused): the
    steps' fingerprint covers every file found, not only those loaded."""
    import shutil

    res = resource(tmp_path, sample_input)
    assert not _skipped(res)
    shutil.copy(sample_input / "mps_ncpi_2016_part1.csv", sample_input / "zz_copy.csv")
    assert not _skipped(res)
    loads = table(res, "file_loads").set_index("source_file")
    assert loads.loc["zz_copy.csv", ["status", "rule"]].tolist() == [
        "refused",
        "file_duplicate_content",
    ]


def test_a_touched_but_unchanged_file_is_hashed_once(tmp_path, sample_input, monkeypatch):
    import os

    from pipeline.ingest import inventory

    res = resource(tmp_path, sample_input)
    assert not _skipped(res)
    part = sample_input / "mps_ncpi_2016_part1.csv"
    os.utime(part, ns=(part.stat().st_atime_ns, part.stat().st_mtime_ns - 10**9))
    monkeypatch.setattr(inventory, "RACY_NS", -(10**12))  # no racy window (tested apart)
    hashed: list[str] = []
    real = inventory.sha256_of
    monkeypatch.setattr(inventory, "sha256_of", lambda p: hashed.append(p.name) or real(p))
    assert _skipped(res)  # same content: nothing to do
    assert _skipped(res)
    assert hashed == ["mps_ncpi_2016_part1.csv"]  # read once, not on every run


def test_a_new_run_date_reads_again_only_files_with_audit_dates_near_it(tmp_path, sample_input):
    """audit_date_future depends on the run date: a file whose audit dates all lie before
    both run dates keeps its verdicts and is reused; one with a date after the first run
    date is read again, and its row, future then, is valid now."""
    write_csv(
        sample_input / "soon.csv", [case(inspection_id="NWC-CP-2026", audit_date="2026-12-15")]
    )
    first = resource(tmp_path, sample_input)
    assert files_read(first)[:2] == (3, 0)
    assert table(first, "rejected_rows")["rule"].tolist() == ["audit_date_future"]
    assert _skipped(first)  # the same day again: nothing to do
    later = resource(tmp_path, sample_input, run_date="2027-01-01")
    assert files_read(later)[:2] == (1, 2)  # only soon.csv is read again
    assert table(later, "rejected_rows").empty
    assert _skipped(later)
    tomorrow = resource(tmp_path, sample_input, run_date="2027-01-02")
    assert _skipped(tomorrow)  # no audit date near: a new day alone changes nothing


def test_staging_is_never_published(tmp_path, sample_input):
    res = resource(tmp_path, sample_input)
    files_read(res)
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        tables = {t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert not {t for t in tables if re.match(r"staged_|input_files|build_state", t)}
        refs = set(pd.read_csv(sample_input / "mps_ncpi_2016_part1.csv")["case_ref"])
        for name in tables - {"rejected_rows"}:
            cells = conn.execute(f"SELECT * FROM {name}").df().astype(str)
            assert not cells.isin(refs).any().any(), name
    assert Path(res.workspace().staging_path).exists()
    assert oct(Path(res.workspace().build_dir).stat().st_mode)[-3:] == "700"


# ---------------------------------------------------------------- synthetic data


def test_synth_is_deterministic_and_breaks_rows_in_known_ways(tmp_path):
    first = write(3000, tmp_path / "a.csv", seed=5, error_rate=0.05)
    again = write(3000, tmp_path / "b.csv", seed=5, error_rate=0.05)
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != write(3000, tmp_path / "c.csv", seed=6).read_bytes()
    rows, [report] = read_case_files([first], root=tmp_path)
    assert report.rows_read == 3000
    result = validate_rows(rows, RUN_DATE)
    broken_rules = {code for code, _, _ in BREAKAGES}
    assert set(result.reasons["rule"]) - {"duplicate_case_ref"} == broken_rules
    raw = pd.read_csv(first, dtype=str, keep_default_na=False)
    broken = (
        raw["rating"].eq("superb")
        | raw["referred_back"].eq("maybe")
        | raw["audit_date"].eq("2016-13-45")
        | raw["category"].eq("burglary")
        | raw["case_ref"].eq("x")
        | raw["force"].eq("")
    )
    assert 100 < broken.sum() < 200
    assert result.rejected_row_count == broken.sum()
    assert len(result.valid) == 3000 - broken.sum()


def test_synth_parquet(tmp_path):
    path = write(1200, tmp_path / "a.parquet", seed=3)
    rows, [report] = read_case_files([path], root=tmp_path)
    assert report.rows_read == 1200
    assert validate_rows(rows, RUN_DATE).reasons.empty
    shutil.rmtree(tmp_path)


# ---------------------------------------------------------------- another executor


def case_audit_job() -> dg.JobDefinition:
    """The whole job as the code location defines it, from the environment: what
    `dg.reconstructable` re-creates in each step's own process."""
    from pipeline.defs.definitions import defs

    return defs().resolve_job_def("case_audit_job")


def test_multiprocess_executor_by_configuration(tmp_path, sample_input, monkeypatch):
    """The same code under Dagster's multiprocess executor: a process per step."""
    warehouse = tmp_path / "wh" / "w.duckdb"
    for name, value in {
        "CASE_AUDIT_EXECUTOR": "multiprocess",
        "CASE_AUDIT_INPUT_DIR": str(sample_input),
        "CASE_AUDIT_WAREHOUSE": str(warehouse),
        "CASE_AUDIT_REFERENCE_DIR": str(REFERENCE_DIR),
        "CASE_AUDIT_KEY_FILE": str(tmp_path / "key"),
    }.items():
        monkeypatch.setenv(name, value)
    job = dg.reconstructable(case_audit_job)
    with dg.instance_for_test() as instance:
        result = dg.execute_job(job, instance=instance)
        assert result.success
        pids = {e.pid for e in result.all_events if e.is_step_start}
    assert len(pids) > 1  # really one process per step
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute(
            "SELECT numerator FROM headline_figures WHERE metric = 'cases_not_good'"
        ).fetchall() == [(278,)]


def _assembly(res: CaseAuditResource) -> str:
    result = dg.materialize(run_graph(), resources={"case_audit": res})
    assert result.success
    [validated] = result.asset_materializations_for_node("validated_rows")
    return validated.metadata["case_audits"].value


def _sorted_table(res: CaseAuditResource, name: str) -> list[tuple]:
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        return sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("new inspection", "appended"),
        ("new rows for an old inspection", "appended"),
        ("duplicates an old case_ref", "rebuilt"),
        ("outvotes an old force", "rebuilt"),
        ("file removed", "rebuilt"),
    ],
)
def test_adding_files_appends_and_equals_a_build_from_scratch(
    tmp_path, sample_input, change, expected
):
    write_csv(sample_input / "nwc_1.csv", [case(case_ref=f"A-{n}") for n in range(6)])
    res = resource(tmp_path, sample_input)
    assert _assembly(res) == "rebuilt"
    if change == "new inspection":
        rows = [case(case_ref=f"N-{n}", inspection_id="NWC-CP-2026") for n in range(5)]
    elif change == "new rows for an old inspection":
        rows = [case(case_ref=f"N-{n}") for n in range(5)]
    elif change == "duplicates an old case_ref":
        rows = [case(case_ref="A-3")]  # both copies are held back now
    elif change == "outvotes an old force":  # the old rows' force is no longer the majority
        rows = [case(case_ref=f"N-{n}", force="Another Force") for n in range(9)]
    else:
        rows = []
        (sample_input / "nwc_1.csv").unlink()
    if rows:
        write_csv(sample_input / "nwc_2.csv", rows)
    assert _assembly(res) == expected
    scratch = resource(tmp_path / "scratch", sample_input)
    assert _assembly(scratch) == "rebuilt"
    for table in ("case_audits", "rejected_rows", "file_loads"):
        assert _sorted_table(res, table) == _sorted_table(scratch, table), table


def test_a_rebuild_tag_does_everything_again(tmp_path, sample_input):
    """Over unchanged inputs a run has nothing to do; tagged case_audit/rebuild=true (the
    CLI's --rebuild) it reads every file, builds every table and publishes again."""
    res = resource(tmp_path, sample_input)
    assert not _skipped(res)
    assert _skipped(res)
    rebuilt = dg.materialize(
        run_graph(), resources={"case_audit": res}, tags={"case_audit/rebuild": "true"}
    )
    assert rebuilt.success
    assert not any(e.event_type_value == "STEP_SKIPPED" for e in rebuilt.all_events)
    [validated] = rebuilt.asset_materializations_for_node("validated_rows")
    loads = validated.metadata
    assert (loads["files_read_this_run"].value, loads["files_reused"].value) == (2, 0)
    [published] = rebuilt.asset_materializations_for_node("published_warehouse")
    assert published.metadata["republished"].value is True
    assert len(table(res, "case_audits")) == 374  # the same figures, rebuilt
    assert _skipped(res)  # and the next run over the same inputs has nothing to do again
