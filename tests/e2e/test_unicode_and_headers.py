"""A whole run (and `case-audit check`) over what the trust review found: areas and forces
spelt with invisible characters, an identifier header spelt so, a merged header cell over a
column with values, Parquet text stored as binary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook, load_workbook

from pipeline.ingest.raw import column_letter
from pipeline.validate.report import check_paths
from pipeline.validate.workbook import write_workbook
from tests.helpers import COLUMNS, RUN_DATE, case, custody_case, publish_folder, write_csv

# six spellings of one area (and of one force), each of five cases
INVISIBLE = ["", "\u180b", "\ufe0f", "\U000e0041", "\u034f", "\U000e0100"]
AREAS = [f"North{c}town" for c in INVISIBLE]
K = column_letter(COLUMNS.index("bail_refused"))  # K in the workbook


def _areas_csv(path: Path) -> Path:
    rows = [
        case(
            inspection_id="UNI-2025",
            case_ref=f"U-{n:04}",
            area=AREAS[n % 6],
            force=f"Northwold{INVISIBLE[n % 6]} Constabulary",
            rating=("good", "inadequate")[n % 2],
        )
        for n in range(30)
    ]
    return write_csv(path, rows)


def _merged_xlsx(path: Path) -> Path:
    """J1:K1 merged over `charged`: K (`bail_refused`) has no header; K13 holds `yes`; row 5
    has another problem (an unknown rating) that `check` must still list."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append([None if c == "bail_refused" else c for c in COLUMNS])
    sheet.merge_cells(f"{column_letter(COLUMNS.index('charged'))}1:{K}1")
    for n in range(2, 13):
        row = case(
            inspection_id="MRG-2025", case_ref=f"M-{n:04}", rating="excellent" if n == 5 else "good"
        )
        sheet.append([row[c] for c in COLUMNS])
    row = custody_case(inspection_id="MRG-2025", case_ref="M-0013")
    sheet.append([row[c] for c in COLUMNS])
    workbook.save(path)
    return path


def _binary_parquet(path: Path) -> Path:
    frame = pd.DataFrame(
        [case(inspection_id="BIN-2025", case_ref=f"B-{n}") for n in (1, 2)], columns=list(COLUMNS)
    )
    arrays = {c: pa.array(frame[c].tolist(), pa.string()) for c in COLUMNS}
    arrays["area"] = pa.array([b"Harbourside", "Caf\u00e9".encode()])  # plain binary
    pq.write_table(pa.table(arrays), path)
    return path


@dataclass(frozen=True)
class Run:
    loads: pd.DataFrame
    by_area: pd.DataFrame
    reasons: pd.DataFrame
    cases: pd.DataFrame


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("unicode")
    incoming = root / "incoming"
    incoming.mkdir()
    _areas_csv(incoming / "areas.csv")
    write_csv(
        incoming / "identifier.csv",
        [case(inspection_id="IDN-2025")],
        [*COLUMNS, "Child Na\u034fme"],
    )
    _merged_xlsx(incoming / "merged.xlsx")
    _binary_parquet(incoming / "binary.parquet")
    publish_folder(root, incoming)
    with duckdb.connect(str(root / "wh" / "w.duckdb"), read_only=True) as conn:
        tables = [
            conn.execute(f"FROM {t}").df()
            for t in ("file_loads", "ratings_by_area", "rejected_rows", "case_audits")
        ]
    return Run(*tables)


def _load(run: Run, name: str) -> dict:
    [load] = run.loads[run.loads["source_file"] == name].to_dict("records")
    return load


@pytest.mark.slow
def test_areas_spelt_with_invisible_characters_are_one_area_of_thirty(run: Run) -> None:
    assert _load(run, "areas.csv")["rows_loaded"] == 30
    areas = run.by_area[run.by_area["inspection_id"] == "UNI-2025"]
    assert areas[["area", "cases"]].to_dict("records") == [{"area": "Northtown", "cases": 30}]
    forces = run.cases[run.cases["inspection_id"] == "UNI-2025"]["force"].unique().tolist()
    assert forces == ["Northwold Constabulary"]
    assert run.reasons[run.reasons["source_file"] == "areas.csv"].empty  # no force_mismatch


@pytest.mark.slow
def test_an_identifier_header_spelt_with_a_joiner_refuses_the_file(run: Run) -> None:
    load = _load(run, "identifier.csv")
    assert (load["status"], load["rule"]) == ("refused", "file_identifier_column")
    assert (run.cases["inspection_id"] == "IDN-2025").sum() == 0


@pytest.mark.slow
def test_a_merged_header_cell_over_values_refuses_the_file(run: Run) -> None:
    load = _load(run, "merged.xlsx")
    assert (load["status"], load["rule"]) == ("refused", "file_unnamed_column")
    assert f"column {K} (first value in {K}13) holds values but has no header" in load["message"]
    assert (run.cases["inspection_id"] == "MRG-2025").sum() == 0
    assert run.reasons[run.reasons["source_file"] == "merged.xlsx"].empty


@pytest.mark.slow
def test_parquet_text_stored_as_binary_loads(run: Run) -> None:
    assert _load(run, "binary.parquet")["status"] == "loaded"
    areas = run.cases[run.cases["inspection_id"] == "BIN-2025"]["area"].tolist()
    assert areas == ["Harbourside", "Caf\u00e9"]


def test_check_names_the_column_and_still_lists_the_other_problems(tmp_path: Path) -> None:
    """`case-audit check` and its workbook: the refusal with column K and cell K13, and the
    file's other problems (row 5's rating) as if column K were not there."""
    path = _merged_xlsx(tmp_path / "merged.xlsx")
    report = check_paths([path], RUN_DATE)
    [refusal] = [line for line in report.lines if "file refused" in line]
    assert "[file_unnamed_column]" in refusal and f"(first value in {K}13)" in refusal
    assert any(" row 5, column rating [rating_unknown]" in line for line in report.lines)
    book = write_workbook(report, tmp_path / "report.xlsx", RUN_DATE)
    summary = list(load_workbook(book)["Summary"].iter_rows(values_only=True))
    [row] = [r for r in summary if "file_unnamed_column" in r]
    assert any(f"{K}13" in str(cell) for cell in row)
