"""`case-audit check FILE... --report FILE.xlsx`: one workbook a provider fixes a file from,
opened here with a real reader (openpyxl)."""

from __future__ import annotations

import hashlib

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline.cli import main
from pipeline.validate.workbook import MAX_WIDTH
from schemas.contract import CONTRACT_VERSION
from tests.helpers import case, write_csv

COLUMNS = [
    "inspection_id",
    "force",
    "case_ref",
    "area",
    "category",
    "audit_date",
    "rating",
    "referred_back",
    "missing_episodes",
]


def provider_files(folder):
    rows = [
        case(case_ref="NW-1"),
        case(case_ref="NW-2", category="mising_absent", missing_episodes="2"),  # E3 (typo)
        case(case_ref="NW-3", rating="Outstanding", audit_date="31/02/2025"),  # F4, G4
        case(case_ref="NW-4", force='=HYPERLINK("http://x")'),  # B5, a formula as text
        case(case_ref="NW-5", audit_date="04/03/2025"),  # a UK date: fine
        case(case_ref="NW-6"),  # rows 7 and 8: the same case twice
        case(case_ref="NW-6"),
    ]
    good = write_csv(folder / "northwold.csv", rows, COLUMNS)
    named = write_csv(
        folder / "names.csv",
        [case(case_ref="N-1") | {"child_name": "Alice"}],
        [*COLUMNS, "child_name"],
    )
    return good, named


def forced_comment(lines: dict) -> str:
    return lines[5][1 + COLUMNS.index("force")].comment.text


def test_the_workbook_shows_what_to_fix_where(tmp_path, capsys) -> None:
    good, named = provider_files(tmp_path / "in")
    target = tmp_path / "out" / "problems.xlsx"
    assert main(["check", str(good), str(named), "--report", str(target), "--quiet"]) == 1
    assert "bad cells highlighted" in capsys.readouterr().out
    workbook = load_workbook(target)
    summary = workbook["Summary"]
    assert f"contract v{CONTRACT_VERSION}" in [c.value for c in summary[1]]
    rows = [[c.value for c in r] for r in summary.iter_rows(min_row=4)]
    by_rule = {(r[0].rsplit("/", 1)[-1], r[2]): r for r in rows}
    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    assert by_rule[("northwold.csv", "category_unknown")][1] == digest
    assert by_rule[("northwold.csv", "rating_unknown")][4:6] == [1, 1]
    assert by_rule[("names.csv", "file_identifier_column")][3] == "file refused"
    assert "remove it" in by_rule[("names.csv", "file_identifier_column")][6]

    sheet = workbook[by_rule[("northwold.csv", "category_unknown")][7]]
    header = [c.value for c in sheet[1]]
    assert header == ["row", *COLUMNS, "cells to fix (in your file)"]
    lines = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert set(lines) == {3, 4, 5, 7, 8}  # only the rows with a problem
    assert "Other copies: " in lines[7][1 + COLUMNS.index("case_ref")].comment.text
    assert "Most rows of NWC-CP-2025 name 'Northwold Constabulary'." in forced_comment(lines)
    category = lines[3][1 + COLUMNS.index("category")]
    assert category.value == "mising_absent"
    assert category.fill.start_color.rgb.endswith("FFC7CE")
    assert "Did you mean missing_absent?" in category.comment.text
    assert lines[3][-1].value == "E3"
    assert lines[4][-1].value == "F4, G4"  # audit_date and rating of row 4
    assert "DD/MM/YYYY" in lines[4][1 + COLUMNS.index("audit_date")].comment.text
    forced = lines[5][1 + COLUMNS.index("force")]
    assert forced.data_type == "s" and forced.value.startswith("=HYPERLINK")  # text, not run
    assert lines[3][1 + COLUMNS.index("case_ref")].fill.fill_type is None  # good cells plain
    assert "Alice" not in str([[c.value for c in r] for s in workbook for r in s.iter_rows()])


def test_a_csv_report_still_works(tmp_path) -> None:
    good, _ = provider_files(tmp_path / "in")
    target = tmp_path / "problems.csv"
    assert main(["check", str(good), "--report", str(target), "--quiet"]) == 1
    text = target.read_text(encoding="utf-8-sig")
    assert "category_unknown" in text and "Did you mean missing_absent?" in text


def test_the_summary_carries_the_console_notes_and_columns_fit_their_content(
    tmp_path, capsys
) -> None:
    rows = [
        case(case_ref="UK-1", audit_date="04/03/2025") | {"remarks": "call back"},
        case(
            case_ref="UK-2",
            rating="Outstanding",
            force="Northwold Constabulary of the North Western Marches and Islands",
        )
        | {"remarks": ""},
    ]
    path = write_csv(tmp_path / "in" / "uk.csv", rows, [*COLUMNS, "remarks"])
    target = tmp_path / "problems.xlsx"
    assert main(["check", str(path), "--report", str(target), "--quiet"]) == 1
    [printed] = [line for line in capsys.readouterr().out.splitlines() if "uk.csv: " in line]
    workbook = load_workbook(target)
    summary = workbook["Summary"]
    notes = [r for r in summary.iter_rows(min_row=4, values_only=True) if r[3] == "note"]
    assert [(r[0], r[6]) for r in notes] == [(str(path), printed.split("uk.csv: ", 1)[1])]
    assert "unknown columns dropped, not stored: remarks" in notes[0][6]
    assert "1 date(s) written DD/MM/YYYY were read day first" in notes[0][6]

    sheet = workbook[notes[0][7]]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "cells to fix (in your file)"
    widths = {s.title: {k: d.width for k, d in s.column_dimensions.items()} for s in workbook}
    force = widths[sheet.title][get_column_letter(1 + header.index("force"))]
    assert len("Northwold Constabulary of the North Western Marches and Islands") <= force
    assert widths[sheet.title]["A"] < 10  # the row numbers: narrow
    assert len(header[-1]) <= widths[sheet.title][get_column_letter(len(header))]
    assert max(w for sheet in widths.values() for w in sheet.values()) <= MAX_WIDTH
    assert len(digest := summary["B4"].value) == 64 and len(digest) <= widths["Summary"]["B"]
