"""Every entry of the bad-input corpus gives exactly its expected outcome, with clear messages."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.ingest.files import read_case_files
from pipeline.validate.quarantine import validate_rows
from pipeline.validate.report import check_paths, describe_reason
from tests.bad_input_corpus import CORPUS, Bad
from tests.helpers import RUN_DATE


def inspection_id(entry: Bad) -> str:
    return ("BAD-" + entry.name.upper().replace("_", "-"))[:60]


def test_corpus_is_large_and_distinct() -> None:
    names = [entry.name for entry in CORPUS]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e.name)
def test_corpus_entry(entry: Bad, tmp_path: Path) -> None:
    path = entry.make(tmp_path, inspection_id(entry))
    before = path.read_bytes()
    rows, reports = read_case_files([path], root=tmp_path)
    [report] = reports
    if entry.refused:
        assert (report.status, report.rule) == ("refused", entry.refused), report.message
        assert entry.says in report.message
        assert rows.empty
        return
    assert report.status == "read", report.message
    if entry.says:
        assert entry.says in report.message
    result = validate_rows(rows, RUN_DATE)
    quarantined: dict[int, set[tuple[str, str]]] = {}
    for row, column, rule in result.reasons[["source_row", "column_name", "rule"]].itertuples(
        index=False
    ):
        quarantined.setdefault(row, set()).add((column, rule))
    assert quarantined == entry.quarantined
    assert len(result.valid) == entry.loaded
    assert report.rows_read == entry.loaded + result.rejected_row_count
    for column, values in entry.loaded_values.items():
        assert result.valid[column].tolist() == values
    assert path.read_bytes() == before  # input never changed


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


def test_check_and_quarantine_table_say_the_same(tmp_path: Path, monkeypatch) -> None:
    """All corpus files in one folder: `case-audit check` lines == the warehouse's reasons."""
    from pipeline.runner import run_pipeline
    from pipeline.settings import Settings
    from tests.conftest import REFERENCE_DIR

    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for entry in CORPUS:
        entry.make(incoming, inspection_id(entry))
    monkeypatch.chdir(incoming)
    report = check_paths(sorted(Path(".").iterdir()), RUN_DATE)

    warehouse = tmp_path / "w.duckdb"
    settings = Settings.resolve(
        input_dir=incoming, warehouse=warehouse, reference_dir=REFERENCE_DIR
    )
    outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert outcome.success, outcome.problems
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        reasons = conn.execute("SELECT * FROM rejected_rows").df()
        loads = conn.execute("SELECT * FROM file_loads").df()
    table_lines = {describe_reason(r) for _, r in reasons.iterrows()}
    check_lines = {line for line in report.lines if re.search(r" row \d+, column ", line)}
    assert check_lines == table_lines
    assert len(table_lines) > 40

    refused = loads[loads["status"] == "refused"].set_index("source_file")
    expected_refusals = {f"{inspection_id(e)}{Path(e.make(tmp_path, 'X').name).suffix}": e.refused
                         for e in CORPUS if e.refused}  # fmt: skip
    assert refused["rule"].to_dict() == expected_refusals
    loaded = loads[loads["status"] == "loaded"]
    assert (loaded["rows_read"] == loaded["rows_loaded"] + loaded["rows_rejected"]).all()
    assert int(loaded["rows_loaded"].sum()) == sum(e.loaded for e in CORPUS)
    assert not pd.isna(refused["message"]).any()
