"""Readers and header handling: every format gives the same text, row numbers as people see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from pipeline.errors import CaseAuditError, FileRefused
from pipeline.ingest.files import find_input_files, read_case_file
from pipeline.ingest.headers import looks_like_identifier, normalise_header, plan_headers
from tests.helpers import COLUMNS, case, write_csv

HEADER = ",".join(COLUMNS)


def test_header_normalisation() -> None:
    assert normalise_header("  Inspection ID ") == "inspection_id"
    assert normalise_header("Case-Ref") == "case_ref"
    assert normalise_header("LA  Accommodation - Requested") == "la_accommodation_requested"


@pytest.mark.parametrize(
    "header",
    [
        "name",
        "Child Name",
        "First Name",
        "surname",
        "D.O.B.",
        "DOB",
        "date of birth",
        "Address",
        "post code",
        "Postcode",
        "NHS Number",
        "UPN",
        "phone",
        "E-mail",
        "email",
    ],
)
def test_identifier_like_headers(header: str) -> None:
    assert looks_like_identifier(header)


@pytest.mark.parametrize("header", [*COLUMNS, "notes", "officer rank", "borough code"])
def test_ordinary_headers_are_not_identifiers(header: str) -> None:
    assert not looks_like_identifier(header)


def test_identifier_column_refuses_the_file_naming_it() -> None:
    with pytest.raises(FileRefused) as refused:
        plan_headers([*COLUMNS, "Child Name"])
    assert refused.value.rule == "file_identifier_column"
    assert "'Child Name'" in refused.value.message


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(FileRefused) as refused:
        plan_headers(["inspection_id", "force", "case_ref", "category"])
    assert refused.value.rule == "file_missing_columns"
    assert "audit_date, rating, referred_back" in refused.value.message


def test_duplicate_columns_refused() -> None:
    with pytest.raises(FileRefused) as refused:
        plan_headers([*COLUMNS, "Rating"])
    assert refused.value.rule == "file_duplicate_columns"


def test_unknown_columns_dropped_and_never_copied(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [case(notes="secret note")], [*COLUMNS, "notes"])
    frame, report = read_case_file(path, "a.csv")
    assert "notes" not in frame.columns
    assert not frame.astype(str).isin(["secret note"]).any().any()
    assert report.dropped_columns == ["notes"]
    assert "notes" in report.message


def test_csv_row_numbers_skip_nothing(tmp_path: Path) -> None:
    row = ",".join("" if case()[c] is None else str(case()[c]) for c in COLUMNS)
    row2 = row.replace("NW-0001", "NW-0002")
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\r\n{row}\r\n\r\n{row2}\r\n", encoding="utf-8")
    frame, report = read_case_file(path, "a.csv")
    assert frame["source_row"].tolist() == [2, 4]  # the blank line is row 3
    assert report.rows_read == 2


def test_csv_with_bom_and_windows_1252(tmp_path: Path) -> None:
    row = ",".join("" if case()[c] is None else str(case()[c]) for c in COLUMNS)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(("\ufeff" + f"{HEADER}\n{row}\n").encode("utf-8"))
    cp = tmp_path / "cp.csv"
    cp.write_bytes(f"{HEADER}\n{row.replace('Harbourside', 'Harbour – £side')}\n".encode("cp1252"))
    bom_frame, _ = read_case_file(bom, "bom.csv")
    cp_frame, _ = read_case_file(cp, "cp.csv")
    assert bom_frame.loc[0, "inspection_id"] == "NWC-CP-2025"
    assert cp_frame.loc[0, "area"] == "Harbour – £side"


def test_cells_trimmed_and_empty_cells_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [case(area="  ", rating="  good ")])
    frame, _ = read_case_file(path, "a.csv")
    assert pd.isna(frame.loc[0, "area"])
    assert frame.loc[0, "rating"] == "good"


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "file_no_rows"),
        (HEADER.encode() + b"\n", "file_no_rows"),
        (b"%PDF-1.4\x00\x01binary", "file_unreadable"),
        (b"inspection_id;force;case_ref\nA;B;C\n", "file_unreadable"),
        (b"inspection_id,force\nNWC-1,Force\n", "file_missing_columns"),
    ],
)
def test_unusable_csv_is_refused(tmp_path: Path, content: bytes, rule: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    frame, report = read_case_file(path, "bad.csv")
    assert frame is None
    assert (report.status, report.rule) == ("refused", rule)
    assert report.message


def test_xlsx_reads_the_cases_sheet_with_typed_cells(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "notes"
    workbook.active.append(["this sheet is ignored"])
    sheet = workbook.create_sheet("Cases")
    sheet.append(
        [
            "Inspection ID",
            "Force",
            "Case Ref",
            "Category",
            "Audit Date",
            "Rating",
            "Referred Back",
            "Missing Episodes",
        ]
    )
    sheet.append(
        [
            "NWC-CP-2025",
            "Northwold Constabulary",
            1234.0,
            "missing_absent",
            dt.datetime(2025, 3, 4),
            "Good",
            True,
            3.0,
        ]
    )
    sheet.append([None] * 8)
    sheet.append(
        [
            "NWC-CP-2025",
            "Northwold Constabulary",
            "NW-9",
            "cse",
            dt.date(2025, 3, 5),
            "RI",
            False,
            None,
        ]
    )
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    frame, _ = read_case_file(path, "a.xlsx")
    assert frame["source_row"].tolist() == [2, 4]
    first = frame.iloc[0]
    assert (
        first["case_ref"],
        first["audit_date"],
        first["referred_back"],
        first["missing_episodes"],
    ) == ("1234", "2025-03-04", "true", "3")


def test_parquet_typed_columns_become_contract_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "inspection_id": ["NWC-CP-2025"] * 2,
            "force": ["Northwold Constabulary"] * 2,
            "case_ref": ["NW-1", "NW-2"],
            "category": ["missing_absent", "cse"],
            "audit_date": pd.to_datetime(["2025-03-04", "2025-03-05"]),
            "rating": ["good", "inadequate"],
            "referred_back": [True, False],
            "missing_episodes": [2.0, None],
        }
    )
    path = tmp_path / "a.parquet"
    frame.to_parquet(path)
    read, _ = read_case_file(path, "a.parquet")
    assert read["audit_date"].tolist() == ["2025-03-04", "2025-03-05"]
    assert read["referred_back"].tolist() == ["true", "false"]
    assert read.loc[0, "missing_episodes"] == "2"
    assert pd.isna(read.loc[1, "missing_episodes"])


def test_find_input_files_recurses_and_skips_hidden(tmp_path: Path) -> None:
    for name in [
        "a.csv",
        "sub/b.XLSX",
        "sub/c.parquet",
        ".hidden.csv",
        "~$lock.xlsx",
        "notes.txt",
        ".git/x.csv",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in find_input_files(tmp_path)]
    assert found == ["a.csv", "sub/b.XLSX", "sub/c.parquet"]


def test_missing_input_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CaseAuditError, match="does not exist"):
        find_input_files(tmp_path / "nope")
