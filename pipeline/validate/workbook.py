"""The provider's workbook (`case-audit check --report FILE.xlsx`): what to fix, where.

A summary sheet (file, its SHA-256, rule, how many problems and rows, what to do, the notes
the console prints about each file; the contract and rule-set versions), then a sheet per
file with problems: each of its rows that has one, as read, every bad cell highlighted with a
comment holding the message, and the cell references in the provider's own file (`E3`).

Whatever the input, the workbook is written, opens, and its size is bounded:
- every cell and comment is made by `_text`: a character an .xlsx cannot hold (XML 1.0 has
  no C0 controls but tab, LF and CR, no U+FFFE, U+FFFF or lone surrogate) is written visibly
  as `<U+0001>`, and the summary says how many cells hold one; text beyond MAX_TEXT
  characters is cut, saying so;
- sheet names come from `sheet_names`, legal in Excel and distinct however they are cut;
- a sheet holds at most MAX_SHEET_ROWS rows and the summary at most MAX_SHEET_ROWS queries
  about whole inspections; the rest are only counted (the CSV report has every problem);
- sheets are streamed to disk (openpyxl's write-only mode): memory holds one sheet's rows
  while they are laid out, and the comments until the file is saved.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pipeline.ingest.raw import column_letter
from pipeline.lazy import np, pd
from pipeline.storage.atomic import atomic_write
from pipeline.validate.report import CheckReport
from pipeline.validate.staging import rules_version
from schemas.contract import CONTRACT_VERSION

MAX_SHEET_ROWS = 10_000
MAX_TEXT = 1_000  # characters of a cell or comment shown; a valid value is far shorter
MAX_WIDTH = 66  # of a column, in characters: a SHA-256 fits
BAD_CELL = "FFC7CE"  # Excel's light red "bad" fill
QUERY_CELL = "FFEB9C"  # Excel's light yellow "neutral" fill: a query, nothing held back
SUMMARY_HEADER = ["file", "sha256", "rule", "level", "problems", "rows", "what to do", "sheet"]
CELLS_TO_FIX = "cells to fix (in your file)"
LEVELS = {"row": "row quarantined", "query": "query"}  # a problem on a row, as the summary says
ESCAPED = (
    "{count:,} cell(s) or comment(s) held characters a workbook cannot store (control "
    "characters): each is shown as its code, e.g. <U+0001>. Search for <U+ to find them, and "
    "delete those characters in your file."
)
# what an .xlsx cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE (C0 controls but tab, LF and
# CR), and U+FFFE, U+FFFF and lone surrogates, which openpyxl writes into a file that then
# does not open
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's rules for a sheet name: at most 31 characters (UTF-16 units), none of []:*?/\,
# not empty, no apostrophe first or last, not History (Excel's own)
SHEET_NAME_LENGTH = 31
NOT_IN_SHEET_NAME = set("[]:*?/\\")


def sheet_names(files: Sequence[str]) -> list[str]:
    """A sheet name per file, `N. stem`, legal in Excel: the number N (the file's place)
    comes first and is never cut, so the names differ from each other, from `Summary` and
    from `History` in any case, and none starts with an apostrophe. Characters Excel refuses,
    and controls, format characters, surrogates and unassigned ones (category C), become _."""
    names = []
    for number, file in enumerate(files, 1):
        stem = "".join(
            "_" if c in NOT_IN_SHEET_NAME or unicodedata.category(c)[0] == "C" else c
            for c in Path(file).stem[:SHEET_NAME_LENGTH]
        )
        name = f"{number}. {stem}"[:SHEET_NAME_LENGTH]
        while len(name.encode("utf-16-le")) > 2 * SHEET_NAME_LENGTH:  # a character beyond
            name = name[:-1]  # the BMP counts twice
        names.append(name.rstrip("' "))
    return names


EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _text(value: object) -> tuple[object, int]:
    """A value as the workbook holds it, and how many characters were escaped: text cut
    after MAX_TEXT characters (saying so), each character an .xlsx cannot hold written as
    `<U+0001>`; missing as None; numbers as they are."""
    if not isinstance(value, str):
        return (None if pd.isna(value) else value), 0
    cut = f" … [cut: {len(value):,} characters in all]" if len(value) > MAX_TEXT else ""
    text, escaped = UNSTORABLE.subn(lambda m: f"<U+{ord(m[0]):04X}>", value[:MAX_TEXT])
    # Excel reads `_x0041_` in stored text as the character it names: its own escape of the
    # underscore keeps such text as written
    return EXCEL_ESCAPE.sub(r"_x005F_\1", text) + cut, escaped


class _Book:
    """The workbook being streamed, and how many of its cells and comments were escaped."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, PatternFill

        self.workbook = Workbook(write_only=True)
        self.fills = {
            level: PatternFill(start_color=color, end_color=color, fill_type="solid")
            for level, color in (("row", BAD_CELL), ("query", QUERY_CELL))
        }
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.escaped = 0

    def value(self, value: object) -> object:
        """`value` as a cell or comment holds it (`_text`), its escapes counted."""
        shown, escaped = _text(value)
        self.escaped += bool(escaped)
        return shown

    def sheet(self, title: str, rows: list[list[object]], index: int | None = None) -> object:
        """A sheet of `rows` (values from `value`) with columns as wide as their content,
        up to MAX_WIDTH; returns it so that more rows can follow."""
        sheet = self.workbook.create_sheet(title, index)
        widths: dict[int, int] = {}
        for row in rows:
            for column, shown in enumerate(row):
                if shown is not None:
                    widths[column] = max(widths.get(column, 0), len(str(shown)))
        for column, width in widths.items():
            sheet.column_dimensions[column_letter(column)].width = min(width + 2, MAX_WIDTH)
        return sheet

    def cell(
        self, sheet: object, shown: object, level: str | None = None, comment: str | None = None
    ) -> object:
        """Text as text, never run as a formula, whatever it starts with; a flagged cell
        filled and commented."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.comments import Comment

        if not isinstance(shown, str) and level is None:
            return shown
        cell = WriteOnlyCell(sheet, shown)
        if isinstance(shown, str):
            cell.data_type = "s"
            if len(shown) > MAX_WIDTH:
                cell.alignment = self.wrap
        if level:
            cell.fill = self.fills[level]
            cell.comment = Comment(self.value(comment), "case-audit")
        return cell


def write_workbook(report: CheckReport, path: Path, today: dt.date) -> Path:
    """The workbook for `report`, its work linear in the problems, its size bounded."""
    book = _Book()
    problems = report.problems
    on_rows = problems["source_row"].notna() & problems["level"].isin(list(LEVELS))
    flagged = problems.loc[on_rows, ["source_file", "level", "rule", "source_row", "message"]]
    flagged = flagged.astype({"source_row": "int64"})
    counts = _counts(flagged)
    flagged_at = flagged.groupby("source_file", sort=False).indices
    cases = report.cases
    cases_at = cases.groupby("source_file", sort=False).indices if len(cases) else {}
    summary = []
    names = sheet_names([file.source_file for file in report.reports])
    for file, title in zip(report.reports, names, strict=True):
        at = flagged_at.get(file.source_file)
        sheet = "" if at is None else title
        said = [file.source_file, file.sha256]
        if file.status == "refused":
            summary.append([*said, file.rule, "file refused", 1, None, file.message, sheet])
        elif file.message:  # what the console says about the file: dropped columns, UK dates
            summary.append([*said, None, "note", None, None, file.message, sheet])
        summary += [[*said, *count, sheet] for count in counts.get(file.source_file, [])]
        if at is not None:
            numbers = flagged["source_row"].to_numpy()[at]
            chosen, more = _first_rows(numbers)
            reasons = problems.loc[flagged.index[at[np.isin(numbers, chosen)]]]
            values = _values(cases, cases_at.get(file.source_file), chosen)
            _file_sheet(book, title, file, reasons, values, more)
    summary += _inspection_queries(problems)
    _summary(book, today, summary)
    return atomic_write(path, book.workbook.save)


def _counts(flagged: pd.DataFrame) -> dict[str, list[list[object]]]:
    """Per file, a summary row's middle per rule it breaks (rule, level, problems, rows,
    what to do): errors first, then queries, each by rule."""
    counts = flagged.groupby(["source_file", "level", "rule"]).agg(
        problems=("source_row", "size"),
        rows=("source_row", "nunique"),
        message=("message", "first"),
    )
    counts = counts.reset_index().sort_values(
        ["source_file", "level", "rule"], ascending=[True, False, True]
    )
    by_file: dict[str, list[list[object]]] = {}
    for c in counts.itertuples():
        by_file.setdefault(c.source_file, []).append(
            [c.rule, LEVELS[c.level], c.problems, c.rows, c.message]
        )
    return by_file


def _first_rows(numbers: np.ndarray) -> tuple[np.ndarray, int]:
    """The first MAX_SHEET_ROWS distinct row numbers, in order, and how many more there are:
    the rest cost a count, nothing more."""
    distinct = pd.unique(numbers)
    if len(distinct) > MAX_SHEET_ROWS:
        first = np.sort(np.partition(distinct, MAX_SHEET_ROWS - 1)[:MAX_SHEET_ROWS])
        return first, len(distinct) - MAX_SHEET_ROWS
    return np.sort(distinct), 0


def _values(cases: pd.DataFrame, at: np.ndarray | None, rows: np.ndarray) -> pd.DataFrame:
    """A file's rows as read, on the given rows and in their order (none read: empty)."""
    if at is None:
        return pd.DataFrame(index=rows)
    picked = at[np.isin(cases["source_row"].to_numpy()[at], rows)]
    return cases.iloc[picked].set_index("source_row").reindex(rows)


def _inspection_queries(problems: pd.DataFrame) -> list[list[object]]:
    """Summary rows for queries about a whole inspection, at most MAX_SHEET_ROWS."""
    queries = problems[problems["level"].eq("query") & problems["source_row"].isna()]
    found = [
        (q.rule, 1, f"{q.inspection_id}: {q.message} ({q.value})")
        for q in queries.head(MAX_SHEET_ROWS).itertuples()
    ]
    if len(queries) > MAX_SHEET_ROWS:
        more = len(queries) - MAX_SHEET_ROWS
        found.append((None, more, "more queries about whole inspections: see the CSV report"))
    return [[None, None, rule, "query", count, None, said, None] for rule, count, said in found]


def _summary(book: _Book, today: dt.date, rows: list[list[object]]) -> None:
    """The first sheet: versions, a warning when characters were escaped, one row per file
    and rule. Written last, when every escape is counted."""
    rows = [[book.value(value) for value in row] for row in rows]
    head = [
        f"case-audit check, {today.isoformat()}",
        f"contract v{CONTRACT_VERSION}",
        f"rule set {rules_version()}",
    ]
    sheet = book.sheet("Summary", [head, SUMMARY_HEADER, *rows], index=0)
    sheet.append(head)
    sheet.append([ESCAPED.format(count=book.escaped)] if book.escaped else [])
    sheet.append(SUMMARY_HEADER)
    for row in rows:
        sheet.append([book.cell(sheet, value) for value in row])


def _file_sheet(
    book: _Book, title: str, file: object, reasons: pd.DataFrame, values: pd.DataFrame, more: int
) -> None:
    """The file's rows that have a problem (`values`), its bad cells highlighted and
    commented, and a last line counting `more` rows left out."""
    columns = sorted(file.positions, key=file.positions.get)
    by_row: dict[int, list] = {}
    for reason in reasons.itertuples():
        by_row.setdefault(int(reason.source_row), []).append(reason)
    lines = []
    for row, cells in zip(
        values.index, values.reindex(columns=columns).to_numpy(dtype=object), strict=True
    ):
        marks, references = _marks(by_row[int(row)], columns, file.positions, int(row))
        shown = [int(row), *map(book.value, cells), book.value(", ".join(references))]
        lines.append((shown, marks))
    header = ["row", *columns, CELLS_TO_FIX]
    sheet = book.sheet(title, [header, *(shown for shown, _ in lines)])
    sheet.freeze_panes = "B2"
    sheet.append(header)
    for shown, marks in lines:
        sheet.append(
            [book.cell(sheet, value, *marks.get(at, ())) for at, value in enumerate(shown)]
        )
    if more:
        sheet.append([f"... {more:,} more rows: see the CSV report"])


def _marks(
    reasons: list, columns: list[str], positions: dict[str, int], row: int
) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """Where each reason of one row shows (the column's cell, else the row number's): its
    fill level (an error outranks a query) and comment, and the cell references in the
    provider's file."""
    marks: dict[int, tuple[str, str]] = {}
    references = []
    for reason in reasons:
        said = reason.message + ("" if pd.isna(reason.hint) else f" {reason.hint}")
        if reason.level == "query":
            said = "Query (nothing held back): " + said
        if reason.column_name in columns:
            at = 1 + columns.index(reason.column_name)
            references.append(f"{column_letter(positions[reason.column_name])}{row}")
        else:  # extra cells, or a column the file lacks: the row itself
            at = 0
            references.append(f"row {row}")
        level, earlier = marks.get(at, (reason.level, None))
        level = "row" if "row" in (level, reason.level) else level
        marks[at] = (
            level,
            f"{earlier}\n[{reason.rule}] {said}" if earlier else f"[{reason.rule}] {said}",
        )
    return marks, list(dict.fromkeys(references))
