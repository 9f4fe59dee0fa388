"""The provider's workbook whatever the input: written and opened (openpyxl) with control
characters in cells, hints and file names; sheet names legal in Excel for hostile file names;
rows, comments, file size and memory bounded on a file of many bad rows."""

from __future__ import annotations

import tracemalloc
import unicodedata

import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.validate import workbook
from pipeline.validate.report import check_paths
from pipeline.validate.workbook import MAX_TEXT, sheet_names, write_workbook
from tests.helpers import COLUMNS, RUN_DATE, case, write_csv

# characters an .xlsx (XML 1.0) cannot hold: C0 controls but tab, LF, CR; U+FFFE, U+FFFF;
# surrogates
XML_ILLEGAL = {*map(chr, range(0x20))} - set("\t\n\r") | {"\ufffe", "\uffff"}


def excel_breaks(name: str) -> list[str]:
    """Excel's rules for a sheet name, written out: which ones `name` breaks."""
    broken = []
    if not 1 <= len(name.encode("utf-16-le", "surrogatepass")) // 2 <= 31:
        broken.append("1 to 31 characters")
    if set(name) & set("[]:*?/\\"):
        broken.append("none of []:*?/\\")
    if name.startswith("'") or name.endswith("'"):
        broken.append("no apostrophe first or last")
    if name.casefold() == "history":
        broken.append("not History")
    if any(c in XML_ILLEGAL or unicodedata.category(c) == "Cs" for c in name):
        broken.append("no character a workbook cannot hold")
    return broken


def distinct_in_excel(names: list[str]) -> bool:
    """Excel compares sheet names without case."""
    return len({unicodedata.normalize("NFKC", n).casefold() for n in names}) == len(names)


SHARED = "provider_northwold_constabulary_extract_"  # 40 characters
HOSTILE_NAMES = [
    *[f"{SHARED}{n:02d}.csv" for n in range(30)],
    "'x'.csv",
    "History.csv",
    "HISTORY.CSV",
    "history.csv",
    "Summary.csv",
    "a:b*c?.csv",
    "[cases].csv",
    "'" * 60 + ".csv",
    "x" * 27 + "'" * 5 + "y.csv",
    "Ünïcødé_日本語_ファイル_" + "😀" * 20 + ".csv",
    "e\u0301\u0301\u0301" * 12 + ".csv",
    "tab\there\x1b[31m.csv",
]


def test_sheet_names_follow_excels_rules_for_any_file_name() -> None:
    odd = [
        "",
        ".csv",
        "'",
        "dir/sub/'.csv",
        "\udcff\udcfe.csv",
        "x\x00\x01\ufffe.csv",
        "\u202eevil.csv",
        " " * 40 + ".csv",
    ]
    names = sheet_names([*HOSTILE_NAMES, *odd])
    assert len(names) == len(HOSTILE_NAMES) + len(odd)
    assert {name: excel_breaks(name) for name in names if excel_breaks(name)} == {}
    assert distinct_in_excel([*names, "Summary"])
    assert names[0].startswith("1. provider_northwold_") and names[30] == "31. 'x"


@pytest.mark.slow  # thirty files checked and written
def test_hostile_file_names_give_a_workbook_that_opens_with_legal_distinct_sheets(
    tmp_path,
) -> None:
    folder = tmp_path / "in"
    for n, name in enumerate(HOSTILE_NAMES):
        write_csv(folder / name, [case(case_ref=f"F-{n}", rating="excelent")])
    target = tmp_path / "problems.xlsx"
    assert main(["check", str(folder), "--report", str(target), "--quiet"]) == 1
    book = load_workbook(target)
    sheets = book.sheetnames[1:]
    assert book.sheetnames[0] == "Summary" and len(sheets) == len(HOSTILE_NAMES)
    assert {name: excel_breaks(name) for name in sheets if excel_breaks(name)} == {}
    assert distinct_in_excel(book.sheetnames)
    summary = book["Summary"].iter_rows(min_row=4, values_only=True)
    shown = {file: book[sheet]["D2"].value for file, *_, sheet in summary}  # D: case_ref
    assert shown == {
        str(folder / name).replace("\x1b", "<U+001B>"): f"F-{n}"
        for n, name in enumerate(HOSTILE_NAMES)
    }


def test_control_characters_are_written_visibly_and_the_summary_says_so(tmp_path) -> None:
    hostile = [case(case_ref=f"NW-{n}", force="Northwold\x01 Constabulary") for n in range(4)]
    hostile += [
        case(case_ref="NW-10"),  # force_mismatch: its hint quotes the others' force
        case(case_ref="NW-11", area="Harbour\x1bside", rating="go\x0bod"),
        case(case_ref="NW-12", category="custody\ufffe", area="A" * 5_000),
    ]
    for row in hostile:
        row["remarks\x02"] = "dropped"
    path = write_csv(tmp_path / "in" / "hostile\x1b.csv", hostile, [*COLUMNS, "remarks\x02"])
    target = tmp_path / "problems.xlsx"
    assert main(["check", str(path), "--report", str(target), "--quiet"]) == 1
    book = load_workbook(target)
    said = [
        text
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        for text in (cell.value, cell.comment.text if cell.comment else None)
        if isinstance(text, str)
    ]
    assert not [text for text in said if set(text) & XML_ILLEGAL]
    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    assert "<U+0001>" in summary[1][0] and "cannot store" in summary[1][0]
    assert summary[3][0].endswith("hostile<U+001B>.csv")  # the file's name, escaped
    [note] = [r for r in summary if r[3] == "note"]
    assert note[6] == "unknown columns dropped, not stored: remarks<U+0002>"

    sheet = book[summary[3][7]]
    lines = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    at = {column: 1 + COLUMNS.index(column) for column in COLUMNS}
    assert "name 'Northwold<U+0001> Constabulary'" in lines[6][at["force"]].comment.text
    assert lines[7][at["area"]].value == "Harbour<U+001B>side"
    assert lines[7][at["rating"]].value == "go<U+000B>od"
    assert lines[8][at["category"]].value == "custody<U+FFFE>"
    area = lines[8][at["area"]].value
    assert area.startswith("A" * MAX_TEXT) and "[cut: 5,000 characters in all]" in area
    assert len(area) < MAX_TEXT + 50


def test_many_bad_rows_give_a_bounded_workbook(tmp_path, monkeypatch) -> None:
    """20,000 bad rows and 150 inspections queried whole, with sheets of at most 100 rows:
    the rows beyond the limit cost a count, not cells, comments, bytes or memory."""
    limit = 100
    monkeypatch.setattr(workbook, "MAX_SHEET_ROWS", limit)
    bad = [case(case_ref=f"B-{n}", rating="excelent", category="burglary") for n in range(20_000)]
    sparse = [
        case(inspection_id=f"SP-{i}-2025", case_ref=f"S-{i}-{n}")  # none self-rated
        for i in range(150)
        for n in range(10)
    ]
    path = write_csv(tmp_path / "many.csv", bad + sparse)
    report = check_paths([path], RUN_DATE)
    assert report.rejected_rows == 20_000 and report.queries == 150
    target = tmp_path / "problems.xlsx"
    tracemalloc.start()
    try:
        write_workbook(report, target, RUN_DATE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20  # some 4 MiB traced; over 200 MiB with every row in the sheet
    assert target.stat().st_size < 64 << 10  # some 17 KiB; 1.3 MB with every row

    book = load_workbook(target)
    summary, sheet = book.worksheets
    queried = [r for r in summary.iter_rows(min_row=4, values_only=True) if r[3] == "query"]
    assert len(queried) == limit + 1
    assert queried[-1][4:7] == (
        50,
        None,
        "more queries about whole inspections: see the CSV report",
    )
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 1 + limit + 1  # header, the first rows, a line counting the rest
    assert [r[0] for r in rows[1:-1]] == list(range(2, 2 + limit))
    assert rows[-1][0] == "... 19,900 more rows: see the CSV report"
    comments = [c for row in sheet.iter_rows() for c in row if c.comment]
    assert len(comments) == 2 * limit  # rating and category of each row shown


def test_text_that_looks_like_excels_own_escapes_reads_as_written(tmp_path) -> None:
    """Excel reads `_x0041_` in stored text as `A` (ECMA-376's ST_Xstring escape): such text
    is stored with the underscore escaped (`_x005F_x0041_`), which Excel shows as sent.
    openpyxl reads stored text literally, so the test reads the sheet's XML."""
    import zipfile

    path = write_csv(tmp_path / "in" / "cases.csv", [case(area="Ward _x0041_", rating="great")])
    target = tmp_path / "problems.xlsx"
    assert main(["check", str(path), "--report", str(target), "--quiet"]) == 1
    with zipfile.ZipFile(target) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(archive.read(name).decode() for name in sheets)
    assert "Ward _x005F_x0041_" in xml and "Ward _x0041_" not in xml
