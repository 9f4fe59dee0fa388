"""Every entry of the bad-input corpus gives exactly its expected outcome, with clear messages."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.ingest.files import read_case_files
from pipeline.storage.pseudonym import case_keys
from pipeline.validate.memory import validate_rows
from pipeline.validate.report import check_paths, describe_query, describe_reason
from tests.bad_input_corpus import CORPUS, Bad
from tests.helpers import RUN_DATE

PSEUDONYM_KEY = "test-pseudonym-key"


def inspection_id(entry: Bad) -> str:
    return ("BAD-" + entry.name.upper().replace("_", "-"))[:60]


def test_corpus_is_large_and_distinct() -> None:
    names = [entry.name for entry in CORPUS]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@dataclass(frozen=True)
class CorpusRun:
    """Every corpus file in one folder, run once through `case-audit run`'s own path."""

    incoming: Path
    paths: dict[str, Path]
    before: dict[str, bytes]
    loads: pd.DataFrame
    reasons: pd.DataFrame
    cases: pd.DataFrame
    check_lines: list[str]
    queries: pd.DataFrame


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    from pipeline.defs.runner import run_pipeline
    from pipeline.settings import Settings
    from tests.conftest import REFERENCE_DIR

    root = tmp_path_factory.mktemp("corpus")
    incoming = root / "incoming"
    incoming.mkdir()
    paths = {entry.name: entry.make(incoming, inspection_id(entry)) for entry in CORPUS}
    before = {name: path.read_bytes() for name, path in paths.items()}
    warehouse = root / "w.duckdb"
    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.startswith("CASE_AUDIT_")]:
            env.delenv(name)
        env.setenv("CASE_AUDIT_PSEUDONYM_KEY", PSEUDONYM_KEY)
        env.setenv("CASE_AUDIT_FEEDS_DIR", str(root / "feeds"))
        settings = Settings.resolve(
            input_dir=incoming, warehouse=warehouse, reference_dir=REFERENCE_DIR
        )
        outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
        env.chdir(incoming)
        check_lines = check_paths(sorted(Path(".").iterdir()), RUN_DATE).lines
    assert outcome.success, outcome.problems
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        loads = conn.execute("SELECT * FROM file_loads").df()
        reasons = conn.execute("SELECT * FROM rejected_rows").df()
        cases = conn.execute("SELECT * FROM case_audits ORDER BY source_file, source_row").df()
        queries = conn.execute("SELECT * FROM data_queries").df()
    return CorpusRun(incoming, paths, before, loads, reasons, cases, check_lines, queries)


def _present(values: pd.Series) -> list[object]:
    """Values as a list, every missing value as None."""
    return [None if pd.isna(v) else v for v in values]


def _quarantined(reasons: pd.DataFrame) -> dict[int, set[tuple[str, str]]]:
    found: dict[int, set[tuple[str, str]]] = {}
    for row, column, rule in reasons[["source_row", "column_name", "rule"]].itertuples(index=False):
        found.setdefault(int(row), set()).add((column, rule))
    return found


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e.name)
def test_corpus_entry_through_the_run(entry: Bad, corpus_run: CorpusRun) -> None:
    """The production path: staging, both CSV readers, SQL row rules, assembly, publish."""
    path = corpus_run.paths[entry.name]
    name = path.relative_to(corpus_run.incoming).as_posix()
    [load] = corpus_run.loads[corpus_run.loads["source_file"] == name].to_dict("records")
    reasons = corpus_run.reasons[corpus_run.reasons["source_file"] == name]
    cases = corpus_run.cases[corpus_run.cases["source_file"] == name]
    assert path.read_bytes() == corpus_run.before[entry.name]  # input never changed
    if entry.refused:
        assert (load["status"], load["rule"]) == ("refused", entry.refused), load["message"]
        assert entry.says in load["message"]
        assert reasons.empty and cases.empty
        return
    assert load["status"] == "loaded", load["message"]
    if entry.says:
        assert entry.says in (load["message"] or "")
    assert _quarantined(reasons) == entry.quarantined
    assert load["rows_loaded"] == len(cases) == entry.loaded
    assert load["rows_read"] == entry.loaded + len(entry.quarantined)
    for column, values in entry.loaded_values.items():
        if column == "case_ref":  # the warehouse keeps only its keyed hash
            expected = case_keys(
                PSEUDONYM_KEY.encode(), cases["inspection_id"], pd.Series(values, index=cases.index)
            )
            assert cases["case_key"].tolist() == expected.tolist()
            continue
        loaded = cases[column].map(lambda v: str(v).lower() if isinstance(v, bool) else v)
        assert _present(loaded) == values


@dataclass(frozen=True)
class CorpusCheck:
    """Every corpus file in one folder, checked at once through `case-audit check`'s path."""

    root: Path
    paths: dict[str, Path]
    before: dict[str, bytes]
    reports: dict[str, object]
    result: object  # the Validation of every row read


@pytest.fixture(scope="module")
def corpus_check(tmp_path_factory: pytest.TempPathFactory) -> CorpusCheck:
    root = tmp_path_factory.mktemp("corpus_check")
    paths = {entry.name: entry.make(root, inspection_id(entry)) for entry in CORPUS}
    before = {name: path.read_bytes() for name, path in paths.items()}
    rows, reports = read_case_files(sorted(paths.values()), root=root)
    result = validate_rows(rows, RUN_DATE)
    return CorpusCheck(root, paths, before, {r.source_file: r for r in reports}, result)


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e.name)
def test_corpus_entry_through_check(entry: Bad, corpus_check: CorpusCheck) -> None:
    """`case-audit check`'s path gives the same outcome for the same file."""
    path = corpus_check.paths[entry.name]
    report = corpus_check.reports[path.relative_to(corpus_check.root).as_posix()]
    result = corpus_check.result
    mine = result.reasons[result.reasons["source_file"].eq(report.source_file)]
    valid = result.valid[result.valid["source_file"].eq(report.source_file)]
    assert path.read_bytes() == corpus_check.before[entry.name]  # input never changed
    if entry.refused:
        assert (report.status, report.rule) == ("refused", entry.refused), report.message
        assert entry.says in report.message
        assert mine.empty and valid.empty
        return
    assert report.status == "read", report.message
    if entry.says:
        assert entry.says in report.message
    assert _quarantined(mine) == entry.quarantined
    assert len(valid) == entry.loaded
    assert report.rows_read == entry.loaded + mine["source_row"].nunique()
    for column, values in entry.loaded_values.items():
        assert _present(valid[column]) == values


def test_messages_name_file_row_column_rule_and_action(tmp_path: Path) -> None:
    entry = next(e for e in CORPUS if e.name == "enums_unknown_values")
    path = entry.make(tmp_path, inspection_id(entry))
    lines = check_paths([path], RUN_DATE).lines
    assert lines[0] == (
        f"{path} row 2, column category [category_unknown]: Use one of: missing_absent, custody, "
        "cse, online_cse, domestic_abuse, child_abuse_investigation, police_protection, "
        "sex_offender_management. (value: 'burglary')"
    )


def test_long_values_are_cut_in_the_quarantine(tmp_path: Path) -> None:
    entry = next(e for e in CORPUS if e.name == "very_long_force")
    rows, _ = read_case_files([entry.make(tmp_path, inspection_id(entry))], root=tmp_path)
    value = validate_rows(rows, RUN_DATE).reasons["value"].iloc[0]
    assert value == "F" * 200 + "… (5000 characters)"


def test_check_and_quarantine_table_say_the_same(corpus_run: CorpusRun) -> None:
    """All corpus files in one folder: `case-audit check` lines == the warehouse's reasons."""
    table_lines = {describe_reason(r) for _, r in corpus_run.reasons.iterrows()}
    reasons = [line for line in corpus_run.check_lines if not line.startswith("  ")]
    # a refused file's other problems are listed by check only (a run stores nothing of it)
    refused_files = tuple(
        f"{name} row " for name in corpus_run.loads.query("status == 'refused'")["source_file"]
    )
    check_lines = {
        line
        for line in reasons
        if re.search(r" row \d+, column ", line) and not line.startswith(refused_files)
    }
    assert check_lines == table_lines
    # and the queries (flagged, nothing held back) are the same on both paths
    table_queries = {f"  {describe_query(q)}" for q in corpus_run.queries.itertuples()}
    refused_inspections = tuple(f"  inspection {inspection_id(e)}," for e in CORPUS if e.refused)
    check_queries = {
        line
        for line in corpus_run.check_lines
        if line.startswith("  ")
        and not line.startswith(refused_inspections)
        and not line[2:].startswith(refused_files)
    }
    assert check_queries == table_queries and table_queries
    assert len(table_lines) > 40
    loads = corpus_run.loads
    refused = loads[loads["status"] == "refused"].set_index("source_file")
    expected_refusals = {
        corpus_run.paths[e.name].relative_to(corpus_run.incoming).as_posix(): e.refused
        for e in CORPUS
        if e.refused
    }
    assert refused["rule"].to_dict() == expected_refusals
    loaded = loads[loads["status"] == "loaded"]
    assert (loaded["rows_read"] == loaded["rows_loaded"] + loaded["rows_rejected"]).all()
    assert int(loaded["rows_loaded"].sum()) == sum(e.loaded for e in CORPUS)
    assert not pd.isna(refused["message"]).any()
