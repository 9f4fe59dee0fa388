"""What a data provider reads: one line per problem, naming file, row, column and rule.

`case-audit check` prints these lines; `rejected_rows` stores the same fields and message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import CaseAuditError
from pipeline.ingest.files import FileReport, described, find_input_files, read_case_files
from pipeline.ingest.formats import ACCEPTED_SUFFIXES
from pipeline.lazy import pd
from pipeline.progress import reporter
from pipeline.validate.memory import validate_rows
from pipeline.validate.quarantine import day_first_note

# columns of the CSV problem report (`case-audit check --report`): rejected_rows' columns
PROBLEM_COLUMNS = (
    "level",
    "source_file",
    "source_row",
    "column_name",
    "rule",
    "message",
    "value",
    "hint",
    "inspection_id",
    "case_ref",
)
# `level`: file (refused), row (quarantined) or query (flagged, not held back)


def describe_reason(reason: pd.Series | dict) -> str:
    """`file row N, column C [rule]: message (value: 'v') hint` for one quarantine reason."""
    value = "" if pd.isna(reason["value"]) else f" (value: {reason['value']!r})"
    hint = "" if pd.isna(reason.get("hint")) else f" {reason['hint']}"
    return (
        f"{reason['source_file']} row {reason['source_row']}, column {reason['column_name']} "
        f"[{reason['rule']}]: {reason['message']}{value}{hint}"
    )


def describe_query(query: object) -> str:
    """`file row N, column C [query]: message (value: 'v')`; an inspection's own query
    names the inspection."""
    where = (
        f"{query.source_file} row {int(query.source_row)}"
        if not pd.isna(query.source_row)
        else f"inspection {query.inspection_id}"
    )
    value = "" if pd.isna(query.value) else f" (value: {query.value!r})"
    return f"{where}, column {query.column_name} [{query.rule}]: {query.message}{value}"


def describe_refusal(report: FileReport) -> str:
    return f"{report.source_file}: file refused [{report.rule}]: {report.message}"


@dataclass
class CheckReport:
    files: int = 0
    rows: int = 0
    refused: int = 0
    rejected_rows: int = 0
    queries: int = 0  # rows and inspections flagged by a query (nothing held back)
    lines: list[str] = field(default_factory=list)
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    reports: list[FileReport] = field(default_factory=list)  # one per file, refused included
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)  # the rows read, as text


def _expand(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(find_input_files(path))
        elif not path.is_file():
            raise CaseAuditError(f"{path}: no such file or folder.")
        elif path.suffix.lower() not in ACCEPTED_SUFFIXES:
            raise CaseAuditError(
                f"{path}: not an accepted file type; use {', '.join(ACCEPTED_SUFFIXES)}."
            )
        else:
            found.append(path)
    return found


def check_paths(paths: list[Path], today: dt.date) -> CheckReport:
    """Validate files together (duplicates are found across them) without storing anything."""
    files = _expand(paths)
    rows, reports = read_case_files(files, one_pass=True)
    reporter().phase("checking every rule")
    validation = validate_rows(rows, today)
    reporter().advance(len(rows))
    for read in reports:  # the load report's note on UK dates, as a run's file_loads says
        if read.status == "read" and validation.day_first.get(read.source_file):
            read.notes.append(day_first_note(validation.day_first[read.source_file]))
            described(read)
    report = CheckReport(
        files=len(reports),
        rows=len(rows),
        refused=sum(r.status == "refused" for r in reports),
        rejected_rows=validation.rejected_row_count,
        queries=len(validation.queries),
        reports=reports,
        cases=rows,
    )
    report.lines += [describe_refusal(r) for r in reports if r.status == "refused"]
    report.lines += [
        f"{r.source_file}: {r.message}" for r in reports if r.status == "read" and r.message
    ]
    # records, not iterrows: a Series per reason was most of check's time on many bad rows
    report.lines += map(describe_reason, validation.reasons.to_dict("records"))
    if len(validation.queries):
        report.lines.append("Queries (worth a second look; nothing is held back):")
        report.lines += [f"  {describe_query(q)}" for q in validation.queries.itertuples()]
    refusals = pd.DataFrame(
        {
            "level": "file",
            "source_file": [r.source_file for r in reports if r.status == "refused"],
            "rule": [r.rule for r in reports if r.status == "refused"],
            "message": [r.message for r in reports if r.status == "refused"],
        }
    )
    problems = pd.concat(
        [
            refusals,
            validation.reasons.assign(level="row"),
            validation.queries.assign(level="query"),
        ],
        ignore_index=True,
    )
    report.problems = problems.astype({"source_row": "Int64"})[list(PROBLEM_COLUMNS)]
    return report
