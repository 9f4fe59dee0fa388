"""The bad-input corpus: malformed inputs, each with the exact outcome expected.

Every entry writes one small file (built here, so binary formats need no committed blobs)
and states either the refusal (rule code and a phrase of the message) or exactly which rows
load and which are quarantined under which (column, rule) pairs. Rows are spreadsheet row
numbers (header = row 1). Each entry uses its own inspection_id so entries can share a folder.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from pipeline.ingest.raw import column_letter
from tests.helpers import COLUMNS, case, custody_case, missing_case


@dataclass(frozen=True)
class Bad:
    name: str
    make: Callable[[Path, str], Path]  # (folder, inspection_id) -> the file written
    refused: str | None = None  # rule code of a whole-file refusal
    says: str = ""  # a phrase the refusal message or file_loads.message must contain
    loaded: int = 0  # rows that load
    quarantined: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    loaded_values: dict[str, list[str]] = field(default_factory=dict)  # column -> loaded values


def _cells(row: dict, columns: list[str]) -> list[str]:
    return ["" if row.get(c) is None else str(row[c]) for c in columns]


def _csv_text(rows: list[dict], columns: list[str] | None = None, newline: str = "\n") -> str:
    columns = columns or list(COLUMNS)
    buffer = io.StringIO()
    pd.DataFrame([_cells(r, columns) for r in rows], columns=columns).to_csv(
        buffer, index=False, lineterminator=newline
    )
    return buffer.getvalue()


def csv_entry(
    rows: Callable[[str], list[dict]],
    columns: list[str] | None = None,
    encoding: str = "utf-8",
    newline: str = "\n",
) -> Callable[[Path, str], Path]:
    def make(folder: Path, iid: str) -> Path:
        path = folder / f"{iid}.csv"
        path.write_bytes(_csv_text(rows(iid), columns, newline).encode(encoding))
        return path

    return make


def raw_entry(content: Callable[[str], bytes], suffix: str = ".csv") -> Callable[[Path, str], Path]:
    def make(folder: Path, iid: str) -> Path:
        path = folder / f"{iid}{suffix}"
        path.write_bytes(content(iid))
        return path

    return make


def xlsx_entry(build: Callable[[Workbook, str], None]) -> Callable[[Path, str], Path]:
    def make(folder: Path, iid: str) -> Path:
        workbook = Workbook()
        build(workbook, iid)
        path = folder / f"{iid}.xlsx"
        workbook.save(path)
        return path

    return make


def parquet_entry(frame: Callable[[str], pd.DataFrame]) -> Callable[[Path, str], Path]:
    def make(folder: Path, iid: str) -> Path:
        path = folder / f"{iid}.parquet"
        frame(iid).to_parquet(path, index=False)
        return path

    return make


def c(iid: str, n: int = 1, **overrides: object) -> dict:
    return case(**{"inspection_id": iid, "case_ref": f"C-{n:04}", **overrides})


def one(**overrides: object) -> Callable[[str], list[dict]]:
    return lambda iid: [c(iid, **overrides)]


HEADER = ",".join(COLUMNS)
WIDE = f"{len(COLUMNS) + 1_200:,}"  # cells of the very wide files below


def _row_text(iid: str, n: int = 1, **overrides: object) -> str:
    return ",".join(_cells(c(iid, n, **overrides), list(COLUMNS)))


def _sheet(workbook: Workbook, title: str, rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)


def _contract_rows(iid: str, *rows: dict) -> list[list[object]]:
    return [list(COLUMNS), *[[r.get(col) for col in COLUMNS] for r in rows]]


def _several_sheets(workbook: Workbook, iid: str) -> None:
    workbook.active.title = "Notes"
    workbook.active.append(["inspection_id", "force"])
    workbook.active.append(["ignored", "this sheet is not read"])
    _sheet(workbook, "Cases", _contract_rows(iid, c(iid), c(iid, 2)))
    _sheet(workbook, "Summary", [["total", 2]])


def _no_cases_sheet(workbook: Workbook, iid: str) -> None:
    workbook.active.title = "Sheet1"
    for row in _contract_rows(iid, c(iid)):
        workbook.active.append(row)
    _sheet(workbook, "Other", [["x"]])


def _merged_title(workbook: Workbook, iid: str) -> None:
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append(["Case audit 2025: Northwold"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    for row in _contract_rows(iid, c(iid)):
        sheet.append(row)


def _merged_header_cell(workbook: Workbook, iid: str) -> None:
    """`area` merged across two header cells; the second column's data is under no name."""
    sheet = workbook.active
    sheet.title = "cases"
    header = [*COLUMNS[:4], None, *COLUMNS[4:]]
    sheet.append(header)
    sheet.merge_cells(start_row=1, start_column=4, end_row=1, end_column=5)
    row = c(iid)
    sheet.append(
        [
            row["inspection_id"],
            row["force"],
            row["case_ref"],
            "Harbour",
            "ward 3",
            *[row[col] for col in COLUMNS[4:]],
        ]
    )


def _excel_serial_date(workbook: Workbook, iid: str) -> None:
    sheet = workbook.active
    sheet.title = "cases"
    for row in _contract_rows(
        iid, c(iid, audit_date=45720), c(iid, 2, audit_date=dt.date(2025, 3, 4))
    ):
        sheet.append(row)


def _numeric_ids(workbook: Workbook, iid: str) -> None:
    sheet = workbook.active
    sheet.title = "cases"
    for row in _contract_rows(iid, c(iid, case_ref=1234.0), c(iid, 2, case_ref=98765)):
        sheet.append(row)


def _unnamed_column(folder: Path, iid: str) -> Path:
    path = folder / f"{iid}.csv"
    text = f"{HEADER},,notes\n" + f"{_row_text(iid)},stray,n\n"
    path.write_text(text, encoding="utf-8")
    return path


def _wrong_types(iid: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "inspection_id": [iid] * 3,
            "force": ["Northwold Constabulary"] * 3,
            "case_ref": ["C-0001", "C-0002", "C-0003"],
            "category": ["missing_absent"] * 3,
            "audit_date": pd.to_datetime(["2025-03-04"] * 3),
            "rating": [1, 2, 3],  # integers, not rating names
            "referred_back": [1, 0, 1],  # 1/0 integers are accepted booleans
            "missing_episodes": [2.0, 2.5, 3.0],
        }
    )


def _text_dates(iid: str) -> pd.DataFrame:
    frame = pd.DataFrame([c(iid), c(iid, 2), c(iid, 3)], columns=list(COLUMNS))
    frame["audit_date"] = ["04/03/2025", "2025-03-04", "4th March 2025"]  # UK, ISO, neither
    return frame


def _zip_bytes(_: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cases.csv", HEADER)
    return buffer.getvalue()


def _letter(column: str) -> str:
    """The spreadsheet letter of a contract column when the file has the contract's order."""
    return column_letter(COLUMNS.index(column))


AFTER = column_letter(len(COLUMNS))  # the first column after the contract's


def _charged_merged_over_bail_refused(workbook: Workbook, iid: str) -> None:
    """The issue's workbook: `charged` merged across J1:K1, so K (`bail_refused`) has no
    header; rows 2-12 are no custody cases (K empty), row 13 is one: K13 holds `yes`."""
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append([None if col == "bail_refused" else col for col in COLUMNS])
    sheet.merge_cells(f"{_letter('charged')}1:{_letter('bail_refused')}1")
    for n in range(1, 12):
        sheet.append([c(iid, n)[col] for col in COLUMNS])
    custody = c(
        iid, 12, category="custody", charged="yes", bail_refused="yes", detained_until_court="no"
    )
    sheet.append([custody[col] for col in COLUMNS])


def _last_header_merged(workbook: Workbook, iid: str) -> None:
    """The last header cell merged over one more column, which holds values: that column
    used to become every row's extra cells; it is a column without a header."""
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append([*COLUMNS, None])
    sheet.merge_cells(f"{column_letter(len(COLUMNS) - 1)}1:{AFTER}1")
    for n in (1, 2):
        sheet.append([*[c(iid, n)[col] for col in COLUMNS], "ward 3"])


def _blank_header_over_rating(workbook: Workbook, iid: str) -> None:
    """`referred_back` merged over `rating`'s place: rating is missing, and its column holds
    values under no header; the refusal says both."""
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append([None if col == "rating" else col for col in COLUMNS])
    sheet.merge_cells(f"{_letter('audit_date')}1:{_letter('rating')}1")
    sheet.append([c(iid)[col] for col in COLUMNS])


def _custody_row(iid: str) -> str:
    return _row_text(
        iid, category="custody", charged="yes", bail_refused="yes", detained_until_court="no"
    )


def _arrow_bytes(*values: bytes, large: bool = False) -> object:
    import pyarrow as pa

    return pa.array(list(values), pa.large_binary() if large else pa.binary())


DEFAULT_IGNORABLE = ["\u180b", "\ufe0f", "\U000e0041", "\u034f", "\U000e0100", "\u2060"]


CORPUS: list[Bad] = [
    # ---- encodings and line endings
    Bad(
        "utf8_bom",
        raw_entry(lambda i: ("\ufeff" + f"{HEADER}\n{_row_text(i)}\n").encode()),
        loaded=1,
        loaded_values={"inspection_id": ["BAD-UTF8-BOM"]},
    ),
    Bad(
        "windows_1252_dash_pound",
        csv_entry(one(area="Harbour – £side"), encoding="cp1252"),
        loaded=1,
        loaded_values={"area": ["Harbour – £side"]},
    ),
    Bad(
        "invalid_bytes",
        raw_entry(lambda i: f"{HEADER}\n{_row_text(i)}\n".encode() + b"caf\x81,\x9d\n"),
        refused="file_unreadable",
        says="byte 0x81 on line 3",
    ),
    Bad(
        "mixed_encodings",
        raw_entry(
            lambda i: (
                (f"{HEADER}\n{_row_text(i, area='Café')}\n").encode()
                + _row_text(i, 2, area="Caf\xe9").encode("cp1252")
                + b"\n"
            )
        ),
        refused="file_unreadable",
        says="mixes UTF-8",
    ),
    Bad("windows_line_endings", csv_entry(lambda i: [c(i), c(i, 2)], newline="\r\n"), loaded=2),
    Bad("old_mac_line_endings", csv_entry(lambda i: [c(i), c(i, 2)], newline="\r"), loaded=2),
    Bad(
        "semicolon_delimited",
        raw_entry(
            lambda i: (
                HEADER.replace(",", ";") + "\n" + _row_text(i).replace(",", ";") + "\n"
            ).encode()
        ),
        refused="file_unreadable",
        says="semicolons",
    ),
    Bad(
        "tab_delimited",
        raw_entry(lambda i: (HEADER.replace(",", "\t") + "\n").encode()),
        refused="file_unreadable",
        says="tabs",
    ),
    Bad(
        "quoted_commas_and_line_break",
        csv_entry(lambda i: [c(i, area="North, East\nWard"), c(i, 2, area='"Quoted" area')]),
        loaded=1,
        quarantined={2: {("area", "text_stray_quote")}},
        says="4 lines of text became 3 rows",
        loaded_values={"area": ['"Quoted" area']},
    ),
    Bad(
        "blank_lines_keep_row_numbers",
        raw_entry(
            lambda i: f"{HEADER}\n{_row_text(i)}\n\n{_row_text(i, 2, rating='bad')}\n".encode()
        ),
        loaded=1,
        quarantined={4: {("rating", "rating_unknown")}},
    ),
    Bad(
        "trailing_empty_cells",
        raw_entry(lambda i: f"{HEADER}\n{_row_text(i)},,,\n".encode()),
        loaded=1,
    ),
    # ---- not a table
    Bad(
        "header_only",
        raw_entry(lambda i: f"{HEADER}\n".encode()),
        refused="file_no_rows",
        says="no data rows",
    ),
    Bad("zero_bytes", raw_entry(lambda i: b""), refused="file_no_rows", says="empty"),
    Bad(
        "pdf_renamed_csv",
        raw_entry(lambda i: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        refused="file_unreadable",
        says="PDF",
    ),
    Bad("zip_renamed_csv", raw_entry(_zip_bytes), refused="file_unreadable", says="ZIP"),
    Bad(
        "text_renamed_xlsx",
        raw_entry(lambda i: HEADER.encode(), ".xlsx"),
        refused="file_unreadable",
        says="Excel workbook",
    ),
    Bad(
        "junk_renamed_parquet",
        raw_entry(lambda i: b"not parquet at all", ".parquet"),
        refused="file_unreadable",
        says="Parquet",
    ),
    # ---- spreadsheets
    Bad("xlsx_several_sheets", xlsx_entry(_several_sheets), loaded=2),
    Bad("xlsx_first_sheet_when_no_cases_sheet", xlsx_entry(_no_cases_sheet), loaded=1),
    Bad(
        "xlsx_merged_title_above_header",
        xlsx_entry(_merged_title),
        refused="file_missing_columns",
        says="header seems to be on row 2",
    ),
    Bad(
        "xlsx_merged_header_cell",
        xlsx_entry(_merged_header_cell),
        refused="file_unnamed_column",
        says="column E (first value in E2) holds values but has no header",
    ),
    Bad(
        "xlsx_date_as_serial_number",
        xlsx_entry(_excel_serial_date),
        loaded=1,
        quarantined={2: {("audit_date", "audit_date_invalid")}},
    ),
    Bad(
        "xlsx_numeric_ids_without_dot_zero",
        xlsx_entry(_numeric_ids),
        loaded=2,
        loaded_values={"case_ref": ["1234", "98765"]},
    ),
    # ---- parquet
    Bad(
        "parquet_wrong_types",
        parquet_entry(_wrong_types),
        quarantined={
            2: {("rating", "rating_unknown")},
            3: {("rating", "rating_unknown"), ("missing_episodes", "missing_episodes_invalid")},
            4: {("rating", "rating_unknown")},
        },
    ),
    Bad(
        "parquet_dates_as_text",
        parquet_entry(_text_dates),
        loaded=2,
        quarantined={4: {("audit_date", "audit_date_invalid")}},
    ),
    # ---- headers
    Bad(
        "missing_required_columns",
        csv_entry(one(), columns=["inspection_id", "force", "case_ref", "category"]),
        refused="file_missing_columns",
        says="audit_date, rating, referred_back",
    ),
    Bad(
        "duplicated_headers",
        csv_entry(one(), columns=[*COLUMNS, "Rating"]),
        refused="file_duplicate_columns",
        says="'rating' appears twice",
    ),
    Bad(
        "headers_in_any_case_and_spacing",
        raw_entry(
            lambda i: (
                " Inspection ID,FORCE,case-ref,Category,Audit  Date,Rating,"
                f"Referred-Back\n{i},Northwold Constabulary,C-1,cse,2025-03-04,good,"
                "no\n"
            ).encode()
        ),
        loaded=1,
    ),
    Bad(
        "unknown_column_dropped",
        csv_entry(one(notes="free text"), columns=[*COLUMNS, "notes"]),
        loaded=1,
        says="unknown columns dropped, not stored: notes",
    ),
    Bad(
        "unnamed_column_with_data",
        _unnamed_column,
        refused="file_unnamed_column",
        says=f"column {AFTER} (first value in {AFTER}2) holds values but has no header",
    ),
    Bad(
        "identifier_child_name",
        csv_entry(one(), columns=[*COLUMNS, "Child Name"]),
        refused="file_identifier_column",
        says="'Child Name'",
    ),
    Bad(
        "identifier_dob_with_dots",
        csv_entry(one(), columns=[*COLUMNS, "D.O.B."]),
        refused="file_identifier_column",
        says="'D.O.B.'",
    ),
    Bad(
        "identifier_post_code",
        csv_entry(one(), columns=[*COLUMNS, "post code"]),
        refused="file_identifier_column",
        says="'post code'",
    ),
    # ---- enums
    Bad(
        "enums_any_case_and_spaces",
        csv_entry(
            lambda i: [
                c(i, rating=" Requires  Improvement ", category="DOMESTIC ABUSE"),
                missing_case(
                    inspection_id=i, case_ref="C-0002", category="Missing-Absent", rating="GOOD"
                ),
                custody_case(
                    inspection_id=i, case_ref="C-0003", category=" Custody", force_rating="Adequate"
                ),
            ]
        ),
        loaded=3,
        loaded_values={"rating": ["requires_improvement", "good", "good"]},
    ),
    Bad(
        "enums_unknown_values",
        csv_entry(
            lambda i: [
                c(i, category="burglary"),
                c(i, 2, rating="excellent"),
                c(i, 3, force_rating="outstanding"),
            ]
        ),
        quarantined={
            2: {("category", "category_unknown")},
            3: {("rating", "rating_unknown")},
            4: {("force_rating", "force_rating_unknown")},
        },
    ),
    Bad(
        "ri_aliases",
        csv_entry(lambda i: [c(i, rating="RI", force_rating="ri"), c(i, 2, rating=" Ri ")]),
        loaded=2,
        loaded_values={"rating": ["requires_improvement"] * 2},
    ),
    # ---- booleans
    Bad(
        "booleans_every_accepted_spelling",
        csv_entry(
            lambda i: [
                c(i, n, referred_back=v, cse_risk_assessed=v.upper())
                for n, v in enumerate(["true", "False", "YES", "no", "Y", "n", "1", "0"], 1)
            ]
        ),
        loaded=8,
        loaded_values={"referred_back": ["true", "false"] * 4},
    ),
    Bad(
        "booleans_unaccepted",
        csv_entry(
            lambda i: [
                c(i, n, referred_back=v) for n, v in enumerate(["maybe", "t", "2", "oui", "1.5"], 1)
            ]
        ),
        quarantined={r: {("referred_back", "bool_invalid")} for r in range(2, 7)},
    ),
    # ---- ids
    Bad(
        "case_ref_dot_zero_from_float",
        csv_entry(one(case_ref="1234.0")),
        quarantined={2: {("case_ref", "case_ref_format")}},
    ),
    Bad(
        "inspection_id_bad_characters",
        csv_entry(one(inspection_id="NW C/P 2025")),
        quarantined={2: {("inspection_id", "inspection_id_format")}},
    ),
    Bad(
        "required_value_empty",
        csv_entry(one(rating="", referred_back=" ")),
        quarantined={2: {("rating", "required_missing"), ("referred_back", "required_missing")}},
    ),
    # ---- dates
    Bad(
        "audit_date_in_future",
        csv_entry(one(audit_date="2099-01-01")),
        quarantined={2: {("audit_date", "audit_date_future")}},
    ),
    Bad(
        "audit_date_unparseable",
        csv_entry(
            lambda i: [
                c(i, n, audit_date=v)
                for n, v in enumerate(["31/02/2016", "2016-02-30", "yesterday", "2016-3-4"], 1)
            ]
        ),
        quarantined={r: {("audit_date", "audit_date_invalid")} for r in range(2, 6)},
    ),
    Bad(
        "uk_dates_read_day_first",
        csv_entry(
            lambda i: [
                c(i, n, audit_date=v)
                for n, v in enumerate(["04/03/2025", "4/3/2025", "13/13/2025", "4/3/25"], 1)
            ]
        ),
        loaded=2,  # 4 March 2025 twice; month 13 and a two-digit year are no dates
        quarantined={r: {("audit_date", "audit_date_invalid")} for r in (4, 5)},
    ),
    # ---- conditional fields
    Bad(
        "custody_fields_on_non_custody",
        csv_entry(one(charged="yes", bail_refused="no", la_accommodation_requested="no")),
        quarantined={
            2: {
                ("charged", "custody_field_not_applicable"),
                ("bail_refused", "custody_field_not_applicable"),
                ("la_accommodation_requested", "custody_field_not_applicable"),
            }
        },
    ),
    Bad(
        "custody_fields_missing_on_custody",
        csv_entry(lambda i: [c(i, category="custody")]),
        quarantined={
            2: {
                ("charged", "custody_field_missing"),
                ("bail_refused", "custody_field_missing"),
                ("detained_until_court", "custody_field_missing"),
            }
        },
    ),
    Bad(
        "missing_episodes_zero_negative_fractional",
        csv_entry(
            lambda i: [
                missing_case(inspection_id=i, case_ref=f"C-{n}", missing_episodes=v)
                for n, v in enumerate(["0", "-2", "1.5"], 1)
            ]
        ),
        quarantined={r: {("missing_episodes", "missing_episodes_invalid")} for r in (2, 3, 4)},
    ),
    Bad(
        "missing_episodes_on_other_category",
        csv_entry(one(missing_episodes="2")),
        quarantined={2: {("missing_episodes", "missing_episodes_not_applicable")}},
    ),
    Bad(
        "missing_episodes_absent_on_missing",
        csv_entry(lambda i: [missing_case(inspection_id=i, case_ref="C-1", missing_episodes=None)]),
        quarantined={2: {("missing_episodes", "missing_episodes_missing")}},
    ),
    # ---- duplicates and consistency
    Bad(
        "duplicate_case_ref_within_inspection",
        csv_entry(lambda i: [c(i), c(i, 2), c(i, rating="inadequate")]),
        loaded=1,
        quarantined={
            2: {("case_ref", "duplicate_case_ref")},
            4: {("case_ref", "duplicate_case_ref")},
        },
    ),
    Bad("same_case_ref_in_two_inspections", csv_entry(lambda i: [c(i), c(i + "-B")]), loaded=2),
    Bad(
        "force_differs_within_inspection",
        csv_entry(lambda i: [c(i), c(i, 2), c(i, 3, force="Northwold Police")]),
        loaded=2,
        quarantined={4: {("force", "force_mismatch")}},
    ),
    # ---- shapes and sizes
    Bad(
        "ragged_row_more_cells_than_header",
        raw_entry(lambda i: f"{HEADER}\n{_row_text(i)}\n{_row_text(i, 2)},oops,x\n".encode()),
        loaded=1,
        quarantined={3: {("extra_cells", "extra_cells")}},
    ),
    Bad(
        "very_long_force",
        csv_entry(one(force="F" * 5000)),
        quarantined={2: {("force", "text_too_long")}},
    ),
    Bad(
        "very_long_unknown_column",
        csv_entry(one(notes="n" * 100_000), columns=[*COLUMNS, "notes"]),
        loaded=1,
        says="notes",
    ),
    Bad(
        "very_long_case_ref",
        csv_entry(one(case_ref="R" * 10_000)),
        quarantined={2: {("case_ref", "case_ref_format")}},
    ),
]


# ================================================================ hostile input (trust issue)
# Each class of the trust review, with the exact outcome; the corpus test runs every entry
# through `case-audit run`'s path (all files in one folder) and through `case-audit check`.


def named(file_name: Callable[[str], str], rows: Callable[[str], list[dict]] | None = None):
    """A CSV of valid rows under an odd name (a name, never a pattern)."""

    def make(folder: Path, iid: str) -> Path:
        path = folder / file_name(iid)
        path.write_text(_csv_text((rows or (lambda i: [c(i), c(i, 2)]))(iid)), encoding="utf-8")
        return path

    return make


def arrow_entry(table: Callable[[str], object]) -> Callable[[Path, str], Path]:
    """A Parquet file written from a pyarrow table (types pandas would not make)."""

    def make(folder: Path, iid: str) -> Path:
        import pyarrow.parquet as pq

        path = folder / f"{iid}.parquet"
        pq.write_table(table(iid), path)
        return path

    return make


def _arrow(iid: str, n: int = 2, **columns: object) -> object:
    """A pyarrow table of `n` valid rows, some columns replaced by typed arrays."""
    import pyarrow as pa

    frame = pd.DataFrame([c(iid, k + 1) for k in range(n)], columns=list(COLUMNS))
    arrays = {name: pa.array(frame[name].tolist(), pa.string()) for name in COLUMNS}
    arrays.update(columns)
    return pa.table(arrays)


def _struct_with(field: str) -> object:
    import pyarrow as pa

    return pa.array([{field: "x", "ward": "3"}] * 2)


def _decimal(*values: str) -> object:
    import decimal

    import pyarrow as pa

    return pa.array([decimal.Decimal(v) for v in values], pa.decimal128(6, 2))


def _missing_rows(iid: str) -> list[dict]:
    return [missing_case(inspection_id=iid, case_ref=f"C-{n:04}") for n in (1, 2)]


def _arrow_missing(iid: str, episodes: object) -> object:
    import pyarrow as pa

    frame = pd.DataFrame(_missing_rows(iid), columns=list(COLUMNS))
    arrays = {name: pa.array(frame[name].tolist(), pa.string()) for name in COLUMNS}
    arrays["missing_episodes"] = episodes
    return pa.table(arrays)


def _header_with(extra: str) -> Callable[[Path, str], Path]:
    return csv_entry(one(), columns=[*COLUMNS, extra])


def refused_header(name: str, header: str) -> Bad:
    """A file with one extra column named `header`, refused as an identifier column; the
    message names the header as Python writes it (invisible characters escaped)."""
    return Bad(name, _header_with(header), refused="file_identifier_column", says=repr(header))


def _stray_quote_closed_later(iid: str) -> bytes:
    """Row 2 opens a quote in `area` that only row 4 closes: rows 2-4 become one record."""
    rows = [_row_text(iid, n) for n in (1, 2, 3, 4)]
    rows[0] = rows[0].replace(",Harbourside,", ',"Harbourside,', 1)
    rows[2] = rows[2].replace(",Harbourside,", ',Harbourside",', 1)
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode()


def _stray_quote_never_closed(iid: str) -> bytes:
    rows = [_row_text(iid, n) for n in (1, 2, 3)]
    rows[1] = rows[1].replace(",Harbourside,", ',"Harbourside,', 1)
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode()


def _wide_header(iid: str) -> bytes:
    extra = ",".join(f"x{k}" for k in range(1_200))
    return f"{HEADER},{extra}\n{_row_text(iid)}{',' * 1_200}\n".encode()


def _wide_row(iid: str) -> bytes:
    return f"{HEADER}\n{_row_text(iid)}\n{_row_text(iid, 2)}{',y' * 1_200}\n".encode()


def _huge_cell(iid: str) -> bytes:
    return f"{HEADER},notes\n{_row_text(iid)},{'n' * (2 << 20)}\n".encode()


def _xlsx_bomb(folder: Path, iid: str) -> Path:
    """A real workbook with one extra part that inflates 1,000-fold (a 'zip bomb')."""
    path = xlsx_entry(lambda workbook, i: _sheet_rows(workbook, i))(folder, iid)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (40 << 20))
    return path


def _sheet_rows(workbook: Workbook, iid: str) -> None:
    sheet = workbook.active
    sheet.title = "cases"
    for row in _contract_rows(iid, c(iid)):
        sheet.append(row)


def _wide_sheet(workbook: Workbook, iid: str) -> None:
    sheet = workbook.active
    sheet.title = "cases"
    sheet.append([*COLUMNS, *[f"x{k}" for k in range(1_200)]])
    sheet.append([c(iid)[col] for col in COLUMNS])


def _wide_parquet(iid: str) -> object:
    import pyarrow as pa

    table = _arrow(iid, 1)
    for k in range(1_200):
        table = table.append_column(f"x{k}", pa.array(["v"]))
    return table


CAFE = "BAD-CAF\u00c9"  # É as one code point (NFC) ...
CAFE_NFD = "BAD-CAFE\u0301"  # ... and as E + combining acute (NFD): two names, one look

HOSTILE: list[Bad] = [
    # ---- 1. a file name is a name, never a pattern (loaded_values prove whose rows load)
    Bad(
        "name_brackets",
        named(lambda i: "BAD-NAME-BRACKETS[1].csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-BRACKETS"] * 2},
    ),
    Bad(
        "name_brackets_sibling",
        named(lambda i: "BAD-NAME-BRACKETS1.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-BRACKETS-SIBLING"] * 2},
    ),
    Bad(
        "name_star",
        named(lambda i: "BAD-NAME-STAR*.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-STAR"] * 2},
    ),
    Bad(
        "name_star_sibling",
        named(lambda i: f"{i}.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-STAR-SIBLING"] * 2},
    ),
    Bad(
        "name_question_mark",
        named(lambda i: "BAD-NAME-QUESTION?.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-QUESTION-MARK"] * 2},
    ),
    Bad(
        "name_question_mark_sibling",
        named(lambda i: "BAD-NAME-QUESTIONX.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-QUESTION-MARK-SIBLING"] * 2},
    ),
    Bad(
        "name_braces",
        named(lambda i: "BAD-NAME-{BRACES,STAR-SIBLING}.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-BRACES"] * 2},
    ),
    Bad("name_spaces", named(lambda i: f"  {i} with  spaces .csv"), loaded=2),
    Bad("name_leading_dash", named(lambda i: f"-{i}.csv"), loaded=2),
    Bad("name_leading_equals", named(lambda i: f"=HYPERLINK({i}).csv"), loaded=2),
    Bad(
        "name_unicode_nfc",
        named(lambda i: f"{CAFE}.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-UNICODE-NFC"] * 2},
    ),
    Bad(
        "name_unicode_nfd",
        named(lambda i: f"{CAFE_NFD}.csv"),
        loaded=2,
        loaded_values={"inspection_id": ["BAD-NAME-UNICODE-NFD"] * 2},
    ),
    # ---- 2. only flat, known types are stored
    Bad(
        "parquet_struct_column",
        arrow_entry(lambda i: _arrow(i, area=_struct_with("ward"))),
        refused="file_column_type",
        says="'area' (struct",
    ),
    Bad(
        "parquet_list_column",
        arrow_entry(
            lambda i: _arrow(i, force=__import__("pyarrow").array([["Northwold", "x"]] * 2))
        ),
        refused="file_column_type",
        says="'force' (list",
    ),
    Bad(
        "parquet_map_column",
        arrow_entry(
            lambda i: _arrow(
                i,
                area=__import__("pyarrow").array(
                    [[("k", "v")]] * 2,
                    __import__("pyarrow").map_(
                        __import__("pyarrow").string(), __import__("pyarrow").string()
                    ),
                ),
            )
        ),
        refused="file_column_type",
        says="'area' (map",
    ),
    Bad(
        "parquet_binary_column",
        arrow_entry(lambda i: _arrow(i, area=_arrow_bytes(b"Harbour", b"Harbour"))),
        loaded=2,
        loaded_values={"area": ["Harbour", "Harbour"]},
    ),
    Bad(
        "parquet_time_column",
        arrow_entry(
            lambda i: _arrow(i, audit_date=__import__("pyarrow").array([dt.time(9, 30)] * 2))
        ),
        refused="file_column_type",
        says="'audit_date' (time",
    ),
    Bad(
        "parquet_decimal_whole",
        arrow_entry(lambda i: _arrow_missing(i, _decimal("2.00", "3"))),
        loaded=2,
    ),
    Bad(
        "parquet_decimal_fraction",
        arrow_entry(lambda i: _arrow_missing(i, _decimal("2.50", "1.00"))),
        loaded=1,
        quarantined={2: {("missing_episodes", "missing_episodes_invalid")}},
    ),
    Bad(
        "parquet_dictionary_encoded",
        arrow_entry(
            lambda i: _arrow(
                i, category=__import__("pyarrow").array(["cse", "custody"]).dictionary_encode()
            )
        ),
        loaded=1,
        quarantined={
            3: {
                ("charged", "custody_field_missing"),
                ("bail_refused", "custody_field_missing"),
                ("detained_until_court", "custody_field_missing"),
            }
        },
    ),
    Bad(
        "parquet_nested_identifier",
        arrow_entry(lambda i: _arrow(i, notes=_struct_with("ChildDOB"))),
        refused="file_identifier_column",
        says="'notes.ChildDOB'",
    ),
    Bad(
        "parquet_nested_harmless",
        arrow_entry(lambda i: _arrow(i, notes=_struct_with("remark"))),
        loaded=2,
        says="unknown columns dropped, not stored: notes",
    ),
    Bad(
        "parquet_null_typed_optional",
        arrow_entry(lambda i: _arrow(i, force_rating=__import__("pyarrow").nulls(2))),
        loaded=2,
    ),
    # ---- 3. identifier screening by meaning (and the safe names that still load)
    refused_header("identifier_childdob", "ChildDOB"),
    refused_header("identifier_date_of_birth_child", "Date of Birth (child)"),
    refused_header("identifier_national_insurance_no", "National Insurance No"),
    refused_header("identifier_contact_email", "ContactEmail"),
    refused_header("identifier_tel_no", "tel_no"),
    refused_header("identifier_passport_no", "Passport No"),
    refused_header("identifier_zero_width", "D\u200bO\u200bB"),
    refused_header("identifier_cyrillic_look_alike", "Child N\u0430me"),
    refused_header("identifier_full_width", "\uff24\uff2f\uff22"),
    refused_header("identifier_caps_run_together", "CHILDDATEOFBIRTH"),
    Bad(
        "safe_area_name_column",
        _header_with("area_name"),
        loaded=1,
        says="unknown columns dropped, not stored: area_name",
    ),
    Bad(
        "safe_contract_headers_decorated",
        raw_entry(
            lambda i: (
                ",".join(
                    h.replace("_", " ").title() if h != "case_ref" else "Case\u200b_Ref"
                    for h in COLUMNS
                )
                + "\n"
                + _row_text(i)
                + "\n"
            ).encode()
        ),
        loaded=1,
    ),
    # ---- 6. structure anomalies never swallow a case
    Bad(
        "stray_quote_closed_rows_later",
        raw_entry(_stray_quote_closed_later),
        loaded=1,
        quarantined={2: {("area", "text_stray_quote"), ("area", "text_too_long")}},
        says="5 lines of text became 3 rows",
    ),
    Bad(
        "stray_quote_never_closed",
        raw_entry(_stray_quote_never_closed),
        refused="file_unreadable",
        says="double quote on row 3 is never closed",
    ),
    Bad(
        "stray_quote_in_force_one_line",
        csv_entry(one(force='Northwold", 2016-01-04, good, no, cse, Harbour')),
        quarantined={2: {("force", "text_stray_quote")}},
    ),
    # ---- 7. bounded resources
    Bad("very_wide_header", raw_entry(_wide_header), refused="file_too_wide", says=f"{WIDE} cells"),
    Bad("very_wide_row", raw_entry(_wide_row), refused="file_too_wide", says="line 3"),
    Bad("huge_cell", raw_entry(_huge_cell), refused="file_too_large", says="row 2 is 2.0 MiB"),
    Bad("xlsx_zip_bomb", _xlsx_bomb, refused="file_too_large", says="xl/media/padding.bin"),
    Bad("xlsx_very_wide", xlsx_entry(_wide_sheet), refused="file_too_wide", says=WIDE),
    Bad(
        "parquet_very_wide",
        arrow_entry(_wide_parquet),
        refused="file_too_wide",
        says=f"{WIDE} cells",
    ),
    # ---- 12. labels never collide
    Bad(
        "area_zero_width_space",
        csv_entry(one(area="Harbour\u200bside")),
        loaded=1,
        loaded_values={"area": ["Harbourside"]},
    ),
    Bad(
        "area_decomposed_accent",
        csv_entry(one(area="Cafe\u0301 Quarter")),
        loaded=1,
        loaded_values={"area": ["Caf\u00e9 Quarter"]},
    ),
    Bad(
        "area_literal_not_recorded",
        csv_entry(lambda i: [c(i, area="(not recorded)"), c(i, 2, area=None)]),
        loaded=2,
        loaded_values={"area": ["(not recorded)", None]},
    ),
    # ---- 4. invisible characters by their Unicode property
    refused_header("identifier_combining_grapheme_joiner", "Child Na\u034fme"),
    refused_header("identifier_variation_selector", "Home Add\ufe0fress"),
    refused_header("identifier_tag_space", "N\U000e0020HS No"),
    refused_header("identifier_mongolian_selector", "D\u180bO\u180bB"),
    Bad(
        "safe_contract_header_variation_selector",
        raw_entry(
            lambda i: (HEADER.replace("area", "Ar\ufe0fea") + "\n" + _row_text(i) + "\n").encode()
        ),
        loaded=1,
        loaded_values={"area": ["Harbourside"]},
    ),
    Bad(
        "area_default_ignorable",
        csv_entry(
            lambda i: [c(i, n, area=f"North{ch}town") for n, ch in enumerate(DEFAULT_IGNORABLE, 1)]
        ),
        loaded=6,
        loaded_values={"area": ["Northtown"] * 6},
    ),
    Bad(
        "area_joiner_between_letter_and_accent",
        csv_entry(
            lambda i: [c(i, area="Cafe\u034f\u0301 Quarter"), c(i, 2, area="Caf\u00e9 Quarter")]
        ),
        loaded=2,
        loaded_values={"area": ["Caf\u00e9 Quarter"] * 2},
    ),
    Bad(
        "force_default_ignorable",
        csv_entry(
            lambda i: [
                c(i, n, force=f"Northwold{ch} Constabulary")
                for n, ch in enumerate(DEFAULT_IGNORABLE, 1)
            ]
        ),
        loaded=6,
        loaded_values={"force": ["Northwold Constabulary"] * 6},
    ),
    # ---- 9. nothing a provider sent is silently lost
    Bad(
        "xlsx_merged_header_cell_values_far_down",
        xlsx_entry(_charged_merged_over_bail_refused),
        refused="file_unnamed_column",
        says=f"column {_letter('bail_refused')} (first value in "
        f"{_letter('bail_refused')}13) holds values but has no header",
    ),
    Bad(
        "xlsx_last_header_cell_merged",
        xlsx_entry(_last_header_merged),
        refused="file_unnamed_column",
        says=f"column {AFTER} (first value in {AFTER}2)",
    ),
    Bad(
        "xlsx_merged_over_required_column",
        xlsx_entry(_blank_header_over_rating),
        refused="file_missing_columns",
        says=f"rating; add them to the header row (header "
        "names are matched ignoring case, spaces and hyphens). Also, column "
        f"{_letter('rating')} (first value in {_letter('rating')}2) holds values",
    ),
    Bad(
        "csv_blank_header_cell_over_values",
        raw_entry(
            lambda i: (HEADER.replace("bail_refused", "") + "\n" + _custody_row(i) + "\n").encode()
        ),
        refused="file_unnamed_column",
        says=f"column {_letter('bail_refused')} (first value in {_letter('bail_refused')}2)",
    ),
    Bad(
        "csv_invisible_header_over_values",
        raw_entry(lambda i: (f"{HEADER},\u200b\ufe0f\n{_row_text(i)},ward 3\n").encode()),
        refused="file_unnamed_column",
        says=f"column {AFTER} (first value in {AFTER}2)",
    ),
    Bad(
        "csv_blank_header_cells_without_values",
        raw_entry(lambda i: (f"{HEADER},, ,\n{_row_text(i)},,,\n{_row_text(i, 2)}, ,,\n").encode()),
        loaded=2,
    ),
    Bad(
        "csv_row_longer_than_header_with_blank_cell",
        raw_entry(lambda i: (f"{HEADER},\n{_row_text(i)},\n{_row_text(i, 2)},,x\n").encode()),
        loaded=1,
        quarantined={3: {("extra_cells", "extra_cells")}},
    ),
    Bad(
        "parquet_large_binary_text",
        arrow_entry(
            lambda i: _arrow(i, area=_arrow_bytes("Caf\u00e9".encode(), b"Harbour", large=True))
        ),
        loaded=2,
        loaded_values={"area": ["Caf\u00e9", "Harbour"]},
    ),
    Bad(
        "parquet_binary_not_utf8",
        arrow_entry(lambda i: _arrow(i, area=_arrow_bytes(b"Harbour", b"Caf\xe9"))),
        refused="file_column_type",
        says="column 'area' holds bytes that are not UTF-8 text (first in row 3)",
    ),
    # ---- 13. hostile volume: every copy held back, with a short hint, in linear work
    Bad(
        "case_ref_placeholder_on_2000_rows",
        csv_entry(lambda i: [c(i, n, case_ref="TBC") for n in range(2000)]),
        quarantined={row: {("case_ref", "duplicate_case_ref")} for row in range(2, 2002)},
    ),
    # ---- 14. invented records say so: the synthetic mark reads like any boolean
    Bad(
        "synthetic_marked",
        csv_entry(lambda i: [c(i, synthetic="Yes"), c(i, 2, synthetic=None)]),
        loaded=2,
        loaded_values={"synthetic": ["true", None]},
    ),
    Bad(
        "synthetic_not_a_boolean",
        csv_entry(one(synthetic="maybe")),
        quarantined={2: {("synthetic", "bool_invalid")}},
    ),
    # ---- 6. a control character is data like any other: stored as sent, escaped when shown
    Bad(
        "area_control_characters",
        csv_entry(lambda i: [c(i, area="North\x01wold"), c(i, 2, area="Harbour\x1b[2Jside")]),
        loaded=2,
        loaded_values={"area": ["North\x01wold", "Harbour\x1b[2Jside"]},
    ),
]
CORPUS += HOSTILE
