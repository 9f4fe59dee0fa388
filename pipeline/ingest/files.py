"""From an input folder to one all-text frame of contract columns plus a report per file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.errors import CaseAuditError, FileRefused
from pipeline.ingest.headers import plan_headers
from pipeline.ingest.readers import ACCEPTED_SUFFIXES, READERS, RawTable
from schemas.case_audit import COLUMNS

SOURCE_COLUMNS = ("source_file", "source_row")


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


def find_input_files(input_dir: Path) -> list[Path]:
    """Accepted files anywhere below `input_dir`, in a stable order; hidden files skipped."""
    if not input_dir.is_dir():
        raise CaseAuditError(
            f"input folder {input_dir} does not exist; create it or set "
            "--input / CASE_AUDIT_INPUT_DIR."
        )
    return sorted(
        path
        for path in input_dir.rglob("*")
        if path.is_file()
        and path.suffix.lower() in ACCEPTED_SUFFIXES
        and not any(part.startswith((".", "~$")) for part in path.relative_to(input_dir).parts)
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shape_table(table: RawTable) -> tuple[pd.DataFrame, list[str]]:
    """Contract columns only, cells trimmed, empty cells missing, blank rows skipped.

    Returns the frame (every contract column present, plus `source_row`) and the names of
    the dropped unknown columns. Unknown columns are never copied.
    """
    plan = plan_headers(table.headers)
    frame = pd.DataFrame(index=table.body.index)
    for name in COLUMNS:
        if name in plan.positions:
            cells = table.body.iloc[:, plan.positions[name]].astype(str).str.strip()
            frame[name] = cells.where(cells.ne(""))
        else:
            frame[name] = pd.Series(pd.NA, index=table.body.index, dtype=str)
    frame["source_row"] = table.source_row.to_numpy()
    frame = frame[frame[list(COLUMNS)].notna().any(axis=1)]
    if frame.empty:
        raise FileRefused(
            "file_no_rows",
            "the file has a header but no data rows; add the cases below the header row.",
        )
    return frame.reset_index(drop=True), list(plan.dropped)


def read_case_file(path: Path, name: str) -> tuple[pd.DataFrame | None, FileReport]:
    """Read one file; a refused file gives no frame and a report saying why."""
    report = FileReport(source_file=name, sha256=sha256_of(path), status="read")
    try:
        if path.stat().st_size == 0:
            raise FileRefused("file_no_rows", "the file is empty (0 bytes).")
        frame, dropped = shape_table(READERS[path.suffix.lower()](path))
    except FileRefused as refusal:
        report.status, report.rule, report.message = "refused", refusal.rule, refusal.message
        return None, report
    frame.insert(0, "source_file", name)
    report.rows_read = len(frame)
    report.dropped_columns = dropped
    if dropped:
        report.message = f"unknown columns dropped, not stored: {', '.join(dropped)}"
    return frame, report


def read_case_files(
    paths: list[Path], root: Path | None = None
) -> tuple[pd.DataFrame, list[FileReport]]:
    """All rows of all readable files, and one report per file (refused ones included)."""
    frames, reports = [], []
    for path in paths:
        name = path.relative_to(root).as_posix() if root else str(path)
        frame, report = read_case_file(path, name)
        reports.append(report)
        if frame is not None:
            frames.append(frame)
    if frames:
        rows = pd.concat(frames, ignore_index=True)
    else:
        rows = pd.DataFrame({c: pd.Series(dtype=str) for c in (*SOURCE_COLUMNS, *COLUMNS)})
        rows["source_row"] = rows["source_row"].astype("int64")
    return rows, reports
