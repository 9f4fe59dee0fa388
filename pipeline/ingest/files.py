"""From input files to all-text frames of contract columns, chunk by chunk, and a report per
file. Nothing of a refused file is kept; unknown columns are never copied; a column with
values but no header refuses the file (its values belong to no column we could name)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import CaseAuditError, FileRefused
from pipeline.ingest.formats import ACCEPTED_SUFFIXES, READERS
from pipeline.ingest.headers import (
    HeaderPlan,
    blank_positions,
    contract_columns,
    normalise_header,
    plan_headers,
    required_columns,
    unnamed_columns,
    unnamed_refusal,
)
from pipeline.ingest.raw import RawTable, WiderThanHeader
from pipeline.ingest.text import visible_cells
from pipeline.lazy import pd
from pipeline.progress import reporter


def row_columns() -> tuple[str, ...]:
    """The columns of every shaped chunk: the file, every input column, the count of cells
    beyond the header, the row number."""
    return ("source_file", *contract_columns(), "extra_cells", "source_row")


HEADER_SEARCH_ROWS = 10
NO_DATA_ROWS = "the file has a header but no data rows; add the cases below it."
IDENTIFIER_RULE = "file_identifier_column"
UNNAMED_RULE = "file_unnamed_column"


@dataclass
class FileReport:
    """What happened to one input file before validation."""

    source_file: str
    sha256: str
    status: str  # "read" or "refused"
    rows_read: int = 0
    rule: str | None = None
    message: str = ""
    dropped_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the file's layout, for its provider
    # where each contract column is in the file (0-based), for cell references like `E3`
    positions: dict[str, int] = field(default_factory=dict)
    # columns with values but no header (position -> first row with one), left out unread
    # by `check`'s second pass (`screen=False`); a run refuses the file instead
    unnamed: dict[int, int] = field(default_factory=dict)


def find_input_files(input_dir: Path) -> list[Path]:
    """Accepted files anywhere below `input_dir`, in a stable order; hidden files skipped;
    a link whose target is gone is listed (and then refused as unreadable)."""
    if not input_dir.is_dir():
        raise CaseAuditError(
            f"input folder {input_dir} does not exist; create it or set "
            "--input / CASE_AUDIT_INPUT_DIR."
        )
    return sorted(
        path
        for path in input_dir.rglob("*")
        if (path.is_file() or path.is_symlink())  # a dangling link is refused, not skipped
        and path.suffix.lower() in ACCEPTED_SUFFIXES
        and not any(part.startswith((".", "~$")) for part in path.relative_to(input_dir).parts)
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _header_hint(table: RawTable) -> str:
    """Where the header seems to be when row 1 is not it (a title or merged cells above), or
    which columns hold values under a blank header cell (a merged header cell)."""
    for offset, cells in enumerate(table.body.head(HEADER_SEARCH_ROWS).itertuples(index=False)):
        names = {normalise_header(c) for c in cells}
        if set(required_columns(names)) <= names:
            row = int(table.source_row.iloc[offset])
            return (
                f" The header seems to be on row {row}: delete the rows above it so the "
                "header is row 1 (no titles or merged cells above it)."
            )
    headers = ["" if h is None else str(h) for h in table.headers]
    if found := unnamed_with_values(table, blank_positions(headers)):
        return f" Also, {unnamed_columns(found)}: give each column a header of its own."
    return ""


def unnamed_with_values(table: RawTable, positions: Iterable[int]) -> dict[int, int]:
    """Of the columns at `positions` (blank header cells), those holding a visible value:
    position -> the first row (spreadsheet number) with one."""
    found: dict[int, int] = {}
    body = table.body
    for position in positions:
        if position >= body.shape[1]:
            continue
        column = body.iloc[:, position].astype(str)
        if not column.ne("").any():  # the common case: nothing at all
            continue
        filled = visible_cells(column).str.strip().ne("").to_numpy()
        if filled.any():
            found[position] = int(table.source_row.iloc[int(filled.argmax())])
    return found


def _extra_cells(beyond: pd.DataFrame) -> pd.Series:
    """How many non-empty cells each row has beyond its header (`"2 cells"`), else missing.

    Only the count is kept: cells under no header are unknown data and are never stored.
    """
    missing = pd.Series(pd.NA, index=beyond.index, dtype=str)
    if beyond.shape[1] == 0:
        return missing
    counts = sum(beyond[column].astype(str).str.strip().ne("").astype(int) for column in beyond)
    some = counts.gt(0)
    missing[some] = counts[some].astype(str) + " cell(s)"
    return missing


def shape_table(table: RawTable, plan: HeaderPlan) -> tuple[pd.DataFrame, dict[int, int]]:
    """One chunk as contract columns only: cells in NFC without invisible characters
    (`pipeline.ingest.text`), trimmed, empty cells missing, blank rows skipped. Returns the
    frame (every contract column, plus `extra_cells` and `source_row`) and the columns with
    values but no header (position -> first row with one: the file is refused for them).
    Unknown and unnamed columns are never copied."""
    body = table.body
    frame = pd.DataFrame(index=body.index)
    columns = contract_columns()
    for name in columns:
        if name in plan.positions:
            cells = visible_cells(body.iloc[:, plan.positions[name]].astype(str)).str.strip()
            frame[name] = cells.where(cells.ne(""))
        else:
            frame[name] = pd.Series(pd.NA, index=body.index, dtype=str)
    frame["extra_cells"] = _extra_cells(body.iloc[:, plan.width :])
    frame["source_row"] = table.source_row.to_numpy()
    frame = frame[frame[[*columns, "extra_cells"]].notna().any(axis=1)]
    return frame.reset_index(drop=True), unnamed_with_values(table, plan.unnamed)


def _plan(table: RawTable, screen: bool = True) -> HeaderPlan:
    try:
        return plan_headers(table.headers, screen)
    except FileRefused as refusal:
        if refusal.rule == "file_missing_columns":
            refusal.message += _header_hint(table)
        raise


def _stream_once(
    path: Path,
    name: str,
    sink: Callable[[pd.DataFrame], None],
    width: int | None,
    screen: bool = True,
) -> tuple[int, list[str], list[str], dict[str, int], dict[int, int]]:
    reader = READERS[path.suffix.lower()]
    chunks = reader(path, width=width) if width else reader(path)
    plan, rows, dropped, notes, unnamed = None, 0, {}, {}, {}
    for table in chunks:
        plan = plan or _plan(table, screen)
        frame, found = shape_table(table, plan)
        if found and screen:
            raise unnamed_refusal(found)
        unnamed = found | unnamed  # the first row each column has a value in
        dropped.update(dict.fromkeys(plan.dropped))
        notes.update(dict.fromkeys(filter(None, [table.note])))
        if len(frame):
            frame.insert(0, "source_file", name)
            sink(frame)
            rows += len(frame)
    positions = dict(plan.positions) if plan else {}
    return rows, list(dropped), list(notes), positions, unnamed


def stream_case_file(
    path: Path,
    name: str,
    sha256: str,
    sink: Callable[[pd.DataFrame], None],
    reset: Callable[[], None],
    screen: bool = True,
) -> FileReport:
    """Read one file chunk by chunk into `sink` and say what happened. `screen=False` (only
    `case-audit check`, after a refusal): identifier columns (`headers.plan_headers`) and
    columns with values but no header are left out unread instead of refusing the file.

    `reset` undoes whatever `sink` received: it is called before a file is read again wider
    (a row with more cells than any before it) and when the file is refused part-way, so a
    refused file leaves nothing behind.
    """
    report = FileReport(source_file=name, sha256=sha256, status="read")
    try:
        if path.stat().st_size == 0:
            raise FileRefused("file_no_rows", "the file is empty (0 bytes).")
        width = None
        while True:
            try:
                read = _stream_once(path, name, sink, width, screen)
                report.rows_read, report.dropped_columns, report.notes = read[:3]
                report.positions, report.unnamed = read[3:]
                break
            except WiderThanHeader as wider:
                reset()
                width = wider.width
        if report.rows_read == 0:
            raise FileRefused("file_no_rows", NO_DATA_ROWS)
    except MemoryError:
        raise
    except Exception as exc:  # a refusal, the file system's, or a reader that crashed
        refusal = as_refusal(exc)
        reset()
        report.status, report.rule, report.message = "refused", refusal.rule, refusal.message
        report.rows_read, report.dropped_columns = 0, []
        return report
    return described(report)


def as_refusal(exc: Exception) -> FileRefused:
    """What refuses the file: a reader's own refusal as it is; a file the file system would
    not give (vanished, no permission, an I/O error) or a reader that crashed on it as
    `file_unreadable`, the crash by its type only (an exception's text may quote a cell)."""
    if isinstance(exc, FileRefused):
        return exc
    if isinstance(exc, OSError):
        return FileRefused("file_unreadable", unreadable_message(exc))
    return FileRefused(
        "file_unreadable",
        f"the file could not be read ({type(exc).__name__}); save it again as UTF-8 CSV, "
        "XLSX or Parquet.",
    )


def described(report: FileReport) -> FileReport:
    """The report with its message naming the columns dropped unread and the notes on the
    file's layout, if any."""
    parts = [*report.notes]
    if report.dropped_columns:
        parts.append(f"unknown columns dropped, not stored: {', '.join(report.dropped_columns)}")
    if parts:
        report.message = "; ".join(parts)
    return report


def read_case_file(
    path: Path, name: str, sha256: str | None = None, one_pass: bool = False
) -> tuple[pd.DataFrame | None, FileReport]:
    """Read one whole file into memory; a refused file gives no frame and a report.

    `one_pass` (`case-audit check`): a file refused for an identifier column or for a column
    with values but no header is read again without those columns (never read: left out
    like any unknown column), so the provider learns all its other problems in the same
    report; the file stays refused."""
    frames: list[pd.DataFrame] = []
    digest = sha256 or sha256_of(path)
    report = stream_case_file(path, name, digest, frames.append, frames.clear)
    if report.status == "refused" and one_pass and report.rule in (IDENTIFIER_RULE, UNNAMED_RULE):
        again = stream_case_file(path, name, digest, frames.append, frames.clear, screen=False)
        if again.status == "read":
            if again.unnamed:  # every such column of the file, not only the first chunk's
                unnamed = unnamed_refusal(again.unnamed).message
                identifier = report.rule == IDENTIFIER_RULE
                report.message = f"{report.message} {unnamed}" if identifier else unnamed
            report.message += " Its other problems are listed as if the column were removed."
            report.positions = again.positions
            return pd.concat(frames, ignore_index=True), report
    if report.status == "refused":
        return None, report
    return pd.concat(frames, ignore_index=True), report


def read_case_files(
    paths: list[Path], root: Path | None = None, one_pass: bool = False
) -> tuple[pd.DataFrame, list[FileReport]]:
    """All rows of all readable files, and one report per file (refused ones included)."""
    frames, reports = [], []
    first_with_content: dict[str, str] = {}
    for path in paths:
        name, as_written = file_name(path, root)
        if not as_written:
            refusal = FileReport(name, "", "refused", rule="file_unreadable", message=NAME_NOT_TEXT)
            reports.append(refusal)
            continue
        try:
            digest = sha256_of(path)
        except OSError as error:
            reports.append(
                FileReport(
                    name, "", "refused", rule="file_unreadable", message=unreadable_message(error)
                )
            )
            continue
        if digest in first_with_content:
            reports.append(duplicate_content_report(name, digest, first_with_content[digest]))
            continue
        first_with_content[digest] = name
        reporter().phase(f"reading {name}")
        frame, report = read_case_file(path, name, digest, one_pass)
        reporter().advance(0 if frame is None else len(frame))
        reports.append(report)
        if frame is not None:
            frames.append(frame)
    if frames:
        return pd.concat(frames, ignore_index=True), reports
    empty = pd.DataFrame({c: pd.Series(dtype=str) for c in row_columns()})
    return empty.astype({"source_row": "int64"}), reports


NAME_NOT_TEXT = (
    "the file's name is not UTF-8 text (shown with its odd bytes as \\x escapes), so it cannot "
    "be recorded as written; rename the file and send it again."
)


def file_name(path: Path, root: Path | None = None) -> tuple[str, bool]:
    """A file's name as text (relative to `root`), and whether that is the name as written: a
    name whose bytes are not UTF-8 (possible on Linux) is shown with those bytes as `\\xff`
    escapes, and such a file is refused (`NAME_NOT_TEXT`): a name must be recorded as it is."""
    text = path.relative_to(root).as_posix() if root else str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace"), False
    return text, True


def unreadable_message(error: OSError) -> str:
    """What a provider or operator reads when the file system refuses a file (the reason
    without the path, which the report names already)."""
    reason = error.strerror or type(error).__name__
    return (
        f"the file could not be opened ({reason}); check that it still exists and that "
        "case-audit may read it."
    )


def duplicate_content_report(name: str, sha256: str, original: str) -> FileReport:
    """A file byte-for-byte identical to an earlier one: its rows are counted once."""
    return FileReport(
        source_file=name,
        sha256=sha256,
        status="refused",
        rule="file_duplicate_content",
        message=f"same content as {original}; its rows are loaded once, from that file.",
    )
