"""The provider's workbook (`case-audit check --report FILE.xlsx`): what to fix, where.

A summary sheet (file, its SHA-256, rule, how many problems and rows, what to do; the
contract and rule-set versions), then a sheet per file with problems: each of its rows that
has one, as read, every bad cell highlighted with a comment holding the message, and the
cell references in the provider's own file (`E3`). Rows of a file that are fine are not
copied; a sheet holds at most MAX_SHEET_ROWS rows (the CSV report has every problem).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipeline.lazy import pd
from pipeline.storage.atomic import atomic_write
from pipeline.validate.engine import rules_version
from pipeline.validate.report import CheckReport
from schemas.case_audit import COLUMNS, CONTRACT_VERSION, RULES_BY_CODE

MAX_SHEET_ROWS = 10_000
BAD_CELL = "FFC7CE"  # Excel's light red "bad" fill
QUERY_CELL = "FFEB9C"  # Excel's light yellow "neutral" fill: a query, nothing held back
SUMMARY_HEADER = ["file", "sha256", "rule", "level", "problems", "rows", "what to do", "sheet"]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the spreadsheet's name of a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_title(number: int, name: str, taken: set[str]) -> str:
    stem = re.sub(r"[\[\]:*?/\\]", "_", Path(name).stem)
    title = f"{number}. {stem}"[:31]
    while title in taken:
        title = title[:-1] + "_"
    taken.add(title)
    return title


def _text(cell: object, value: object) -> None:
    """A cell holding text as text: never run as a formula, whatever it starts with."""
    cell.value = None if value is None or (isinstance(value, float) and value != value) else value
    if isinstance(cell.value, str):
        cell.data_type = "s"


def write_workbook(report: CheckReport, path: Path, today: dt.date) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append([f"case-audit check, {today.isoformat()}", f"contract v{CONTRACT_VERSION}",
                    f"rule set {rules_version()}"])  # fmt: skip
    summary.append([])
    summary.append(SUMMARY_HEADER)
    problems = report.problems
    taken = {"Summary"}
    for number, file in enumerate(report.reports, 1):
        mine = problems[problems["source_file"].eq(file.source_file)]
        rows = mine[mine["source_row"].notna()]
        queried = rows[rows["level"].eq("query")]
        rows = rows[rows["level"].eq("row")]
        sheet = _sheet_title(number, file.source_file, taken) if len(rows) else ""
        if file.status == "refused":
            _summary_row(summary, [file.source_file, file.sha256, file.rule, "file refused", 1,
                                   None, file.message, sheet])  # fmt: skip
        sheet = sheet or (_sheet_title(number, file.source_file, taken) if len(queried) else "")
        for level, found in (("row quarantined", rows), ("query", queried)):
            for rule, group in found.groupby("rule", sort=True):
                _summary_row(summary, [file.source_file, file.sha256, rule, level, len(group),
                                       group["source_row"].nunique(),
                                       RULES_BY_CODE[rule].message, sheet])  # fmt: skip
        if sheet:
            _file_sheet(workbook.create_sheet(sheet), file, pd.concat([rows, queried]),
                        report.cases)  # fmt: skip
    for query in problems[
        problems["level"].eq("query") & problems["source_row"].isna()
    ].itertuples():  # a query about a whole inspection
        _summary_row(
            summary,
            [
                None,
                None,
                query.rule,
                "query",
                1,
                None,
                f"{query.inspection_id}: {query.message} ({query.value})",
                None,
            ],
        )
    for column, width in zip("ABCDEFGH", (30, 18, 26, 16, 10, 8, 80, 24), strict=True):
        summary.column_dimensions[column].width = width
    return atomic_write(path, workbook.save)


def _summary_row(sheet: object, values: list[object]) -> None:
    sheet.append([None] * len(values))
    for cell, value in zip(sheet[sheet.max_row], values, strict=True):
        _text(cell, value)


def _file_sheet(sheet: object, file: object, problems: pd.DataFrame, cases: pd.DataFrame) -> None:
    """The file's rows that have a problem, its bad cells highlighted and commented."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    fills = {level: PatternFill(start_color=color, end_color=color, fill_type="solid")
             for level, color in (("row", BAD_CELL), ("query", QUERY_CELL))}  # fmt: skip
    columns = sorted((c for c in COLUMNS if c in file.positions), key=file.positions.get)
    sheet.append(["row", *columns, "cells to fix"])
    mine = cases[cases["source_file"].eq(file.source_file)].set_index("source_row")
    by_row = problems.groupby("source_row", sort=True)
    for written, (row, reasons) in enumerate(by_row):
        if written == MAX_SHEET_ROWS:
            sheet.append([f"... {by_row.ngroups - written} more rows: see the CSV report"])
            break
        values = mine.loc[int(row)] if int(row) in mine.index else None
        sheet.append([int(row), *([None] * len(columns)), None])
        line = sheet[sheet.max_row]
        for cell, column in zip(line[1:-1], columns, strict=True):
            _text(cell, None if values is None else values.get(column))
        references = []
        for reason in reasons.itertuples():
            said = reason.message + ("" if pd.isna(reason.hint) else f" {reason.hint}")
            if reason.level == "query":
                said = "Query (nothing held back): " + said
            if reason.column_name in columns:
                target = line[1 + columns.index(reason.column_name)]
                letter = column_letter(file.positions[reason.column_name])
                references.append(f"{letter}{int(row)}")
            else:  # extra cells, or a column the file lacks: the row itself
                target = line[0]
                references.append(f"row {int(row)}")
            if target.fill.fill_type is None or reason.level == "row":  # an error shows
                target.fill = fills[reason.level]
            earlier = target.comment.text + "\n" if target.comment else ""
            target.comment = Comment(f"{earlier}[{reason.rule}] {said}", "case-audit")
        _text(line[-1], ", ".join(dict.fromkeys(references)))
    sheet.freeze_panes = "B2"
