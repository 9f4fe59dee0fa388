"""Nothing a provider sent is silently lost: a column with values but no header refuses the
file, named by its letter and first cell (never its value); blank, empty columns stay
harmless; cells beyond a CSV header stay a row's extra cells."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.ingest import files
from pipeline.ingest.files import read_case_file, stream_case_file
from pipeline.ingest.formats import csv_file
from pipeline.ingest.raw import column_letter
from tests.helpers import COLUMNS, case, custody_case

SECRET = "PRIVATE-NOTE-42"  # a value under no header: never in a message or a frame
AFTER = column_letter(len(COLUMNS))  # the first column after the contract's
NEXT = column_letter(len(COLUMNS) + 1)
K = column_letter(COLUMNS.index("bail_refused"))  # K in the workbook


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cells(row: dict) -> list[str]:
    return ["" if row[c] is None else str(row[c]) for c in COLUMNS]


def _blank_instead_of(column: str) -> list[str]:
    return ["" if c == column else c for c in COLUMNS]


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (10, "K"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letters(index: int, letter: str) -> None:
    assert column_letter(index) == letter


def _merged_charged_header(path: Path) -> Path:
    """The issue's workbook: J1:K1 merged over `charged`, so `bail_refused` (K) has no header;
    rows 2-12 are not custody cases, row 13 is one with K13 = yes."""
    charged = column_letter(COLUMNS.index("charged"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append([None if c == "bail_refused" else c for c in COLUMNS])
    sheet.merge_cells(f"{charged}1:{K}1")
    for n in range(2, 13):
        row = case(case_ref=f"C-{n:04}")
        sheet.append([row[c] for c in COLUMNS])
    row = custody_case(case_ref="C-0013", bail_refused="yes")
    sheet.append([row[c] for c in COLUMNS])
    workbook.save(path)
    return path


def test_merged_header_cell_refuses_the_workbook_naming_the_column_and_first_cell(
    tmp_path: Path,
) -> None:
    path = _merged_charged_header(tmp_path / "a.xlsx")
    frame, report = read_case_file(path, "a.xlsx")
    assert frame is None
    assert (report.status, report.rule) == ("refused", "file_unnamed_column")
    assert f"column {K} (first value in {K}13) holds values but has no header" in report.message
    assert "Nothing of this file was stored" in report.message


def test_csv_column_under_a_blank_header_cell_refuses_the_file(tmp_path: Path) -> None:
    rows = [_cells(case(case_ref=f"C-{n}")) for n in range(1, 4)]
    rows[1][COLUMNS.index("area")] = SECRET  # D3; D2 is the first value (Harbourside)
    path = _csv(tmp_path / "a.csv", _blank_instead_of("area"), rows)
    frame, report = read_case_file(path, "a.csv")
    assert frame is None
    assert report.rule == "file_unnamed_column"
    area = column_letter(COLUMNS.index("area"))
    assert f"column {area} (first value in {area}2)" in report.message
    assert SECRET not in report.message


def test_blank_header_cells_over_empty_columns_are_harmless(tmp_path: Path) -> None:
    rows = [[*_cells(case()), "", "", " ", "n"]]
    path = _csv(tmp_path / "a.csv", [*COLUMNS, "", "", "", "notes"], rows)
    frame, report = read_case_file(path, "a.csv")
    assert report.status == "read", report.message
    assert len(frame) == 1
    assert report.message == "unknown columns dropped, not stored: notes"


def test_a_header_of_invisible_characters_is_no_header(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [*COLUMNS, "\u200b\ufe0f"], [[*_cells(case()), SECRET]])
    _, report = read_case_file(path, "a.csv")
    assert report.rule == "file_unnamed_column"
    assert f"column {AFTER} (first value in {AFTER}2)" in report.message


def test_cells_beyond_a_csv_header_stay_the_rows_extra_cells(tmp_path: Path) -> None:
    """The header ends in a blank cell (empty below); row 3 has a cell beyond it: the row's
    extra cell, read again wider, not a column under a blank header."""
    rows = [[*_cells(case()), ""], [*_cells(case(case_ref="C-2")), "", SECRET]]
    path = _csv(tmp_path / "a.csv", [*COLUMNS, ""], rows)
    frame, report = read_case_file(path, "a.csv")
    assert report.status == "read", report.message
    assert frame["extra_cells"].tolist()[1] == "1 cell(s)"
    assert not frame.astype(str).isin([SECRET]).any().any()


def test_a_missing_required_column_says_which_column_has_no_header(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", _blank_instead_of("rating"), [_cells(case())])
    _, report = read_case_file(path, "a.csv")
    assert report.rule == "file_missing_columns"
    rating = column_letter(COLUMNS.index("rating"))
    assert f"column {rating} (first value in {rating}2) holds values but has" in report.message


@pytest.fixture
def two_row_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """CSV read two rows a chunk, so a file's later chunks come after its first."""
    readers = {**files.READERS, ".csv": functools.partial(csv_file.read, chunk_rows=2)}
    monkeypatch.setattr(files, "READERS", readers)


def _later_unnamed(path: Path) -> Path:
    """Rows 2-7; the first blank-headed column has a value from row 4, the next from row 7."""
    rows = [[*_cells(case(case_ref=f"C-{n}")), "", ""] for n in range(2, 8)]
    rows[2][-2] = SECRET
    rows[5][-1] = SECRET
    return _csv(path, [*COLUMNS, "", ""], rows)


@pytest.mark.usefixtures("two_row_chunks")
def test_a_later_chunk_refuses_the_file_and_nothing_stays(tmp_path: Path) -> None:
    path = _later_unnamed(tmp_path / "a.csv")
    kept: list[object] = []
    report = stream_case_file(path, "a.csv", "sha", kept.append, kept.clear)
    assert (report.status, report.rule) == ("refused", "file_unnamed_column")
    assert f"column {AFTER} (first value in {AFTER}4)" in report.message
    assert kept == []  # the first chunk, given before the refusal, was taken back


@pytest.mark.usefixtures("two_row_chunks")
def test_check_lists_every_unnamed_column_and_reads_the_rest(tmp_path: Path) -> None:
    """`case-audit check`: the file stays refused, its message names every such column of
    the whole file, and its rows are read as if those columns were not there."""
    path = _later_unnamed(tmp_path / "a.csv")
    frame, report = read_case_file(path, "a.csv", one_pass=True)
    assert (report.status, report.rule) == ("refused", "file_unnamed_column")
    both = f"columns {AFTER} (first value in {AFTER}4), {NEXT} (first value in {NEXT}7) hold"
    assert both in report.message
    assert "listed as if the column were removed" in report.message
    assert frame["source_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert not frame.astype(str).isin([SECRET]).any().any()
    assert SECRET not in report.message


def test_check_on_an_identifier_file_also_names_its_unnamed_column(tmp_path: Path) -> None:
    rows = [[*_cells(case()), "", SECRET]]
    path = _csv(tmp_path / "a.csv", [*COLUMNS, "Child Name", ""], rows)
    frame, report = read_case_file(path, "a.csv", one_pass=True)
    assert report.rule == "file_identifier_column"
    assert "'Child Name'" in report.message
    assert f"column {NEXT} (first value in {NEXT}2) holds values but has no" in report.message
    assert len(frame) == 1
