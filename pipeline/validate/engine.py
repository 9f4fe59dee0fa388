"""Validation at scale: each input file is read and checked chunk by chunk into staging
tables of the build database, once per content; the whole warehouse is then assembled in SQL.

- Only new or changed files (by content hash) are read. A file staged under the same rules,
  run date and pseudonym key is reused as it is, so a re-run over unchanged inputs reads
  nothing and a new small file costs only itself.
- The rules that look at one row are the pandera schema (`schemas/case_audit.py`), run
  lazily over every chunk of every file (`quarantine.judge_rows`); every row is then staged
  with its keys, reasons and typed values (`sql/stage_rows.sql`); pseudonymisation happens on
  assembly. The readers (`pipeline/ingest/formats/`) hand over bounded chunks of raw cells,
  shaped once by `pipeline.ingest.files`.
- The rules that compare rows (duplicate case_ref, force mismatch) run in SQL over the keys
  of every current row, and `case_audits` (pseudonymised there), `rejected_rows` and
  `file_loads` are built from the staging tables by their files in sql/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.ingest.files import FileReport, described, stream_case_file
from pipeline.lazy import pd
from pipeline.progress import reporter
from pipeline.settings import PROJECT_DIR
from pipeline.storage.build_state import code_version, digest_run, remember, remembered
from pipeline.storage.pseudonym import hmac_pads, key_id
from pipeline.storage.sql import build_table
from pipeline.storage.workspace import attach_staging
from pipeline.validate.cross_row import CROSS_ROW_RULES, build_cross_row_reasons
from pipeline.validate.quarantine import day_first_note, judge_rows
from pipeline.validate.queries import build_queries
from schemas.case_audit import iso_days

# the code whose change must re-validate every file: the contract and its rules, everything
# that reads and shapes a file (a new format module included, whatever its name), the
# judging of rows and what stages them
RULE_SOURCES = (
    "schemas/case_audit.py",
    "pipeline/ingest/**/*.py",
    "pipeline/validate/normalise.py",
    "pipeline/validate/quarantine.py",
    "sql/stage_rows.sql",
)


def rules_version() -> str:
    digest = hashlib.sha256()
    for pattern in RULE_SOURCES:
        for path in sorted(PROJECT_DIR.glob(pattern)):
            digest.update(path.relative_to(PROJECT_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(key: bytes) -> str:
    """Under what a file was staged: the rules and the pseudonym key. The run date matters
    too, but only to files with audit dates near it: see REUSABLE."""
    return f"{rules_version()}:{key_id(key)}"


# A staged file's verdicts hold on run date `r` when no row's audit date lies after the
# earlier of the day it was staged and `r`: audit_date_future then judges every row as it did.
# So a nightly run does not re-read unchanged files just because the date moved on.
REUSABLE = "(latest_audit_date IS NULL OR latest_audit_date <= least(staged_on, ?::DATE))"


def date_token(conn: duckdb.DuckDBPyConnection, run_date: dt.date, sha256s: list[str]) -> str:
    """What the run date adds to a fingerprint: nothing when every file (by content) is staged
    and reusable on `run_date`, else the date itself."""
    if not sha256s:
        return ""
    if not conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'staging' "
        "AND table_name = 'staged_files'"
    ).fetchone()[0]:
        return run_date.isoformat()
    reusable = {sha for (sha,) in conn.execute(
        f"SELECT sha256 FROM staging.staged_files WHERE {REUSABLE}",
        [run_date.isoformat()],  # text: a date (or list) parameter makes DuckDB load pandas
    ).fetchall()}  # fmt: skip
    return "" if set(sha256s) <= reusable else run_date.isoformat()


def run_fingerprint(
    conn: duckdb.DuckDBPyConnection,
    files: list[tuple[str, str]],
    key: bytes,
    run_date: dt.date,
    reference_dir: Path,
    settings: str,
) -> str:
    """The fingerprint of everything a run's outcome depends on, for the input files found
    ((name, sha256) pairs): what `case_files` compares with the last complete run's."""
    token = date_token(conn, run_date, [sha for _, sha in files])
    return digest_run(files, f"{cache_key(key)}:{token}", reference_dir, settings)


@dataclass
class StagingSummary:
    files_staged: int
    files_reused: int
    rows_staged: int


STAGING_TABLES = ("staged_files", "staged_rows")
# tables of older staging layouts, dropped when found
FORMER_STAGING_TABLES = ("staged_cases", "staged_keys", "staged_reasons")


def _drop_outdated_staging(conn: duckdb.DuckDBPyConnection) -> None:
    """Staging is a cache: when its tables were made by an older version (another
    staged_files layout, the former tables per kind of row, reasons without hints), drop
    them so sql/staging.sql makes them afresh."""
    columns = [name for (name,) in conn.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'staging' "
        "AND table_name = 'staged_files' ORDER BY column_index").fetchall()]  # fmt: skip
    tables = {name for (name,) in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'staging'"
    ).fetchall()}  # fmt: skip
    [failures] = conn.execute(
        "SELECT any_value(data_type) FROM duckdb_columns() WHERE database_name = 'staging' "
        "AND table_name = 'staged_rows' AND column_name = 'failures'").fetchone()  # fmt: skip
    outdated = failures is not None and "hint" not in failures
    [synthetic] = conn.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = 'staging' "
        "AND table_name = 'staged_rows' AND column_name = 'synthetic'"
    ).fetchone()
    outdated = outdated or (failures is not None and not synthetic)
    if (
        (columns and "latest_audit_date" not in columns)
        or tables & set(FORMER_STAGING_TABLES)
        or outdated
    ):
        for table in (*STAGING_TABLES, *FORMER_STAGING_TABLES):
            conn.execute(f"DROP TABLE IF EXISTS staging.{table}")


def set_pseudonym_key(conn: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """The variables sql/case_audit_rows.sql computes case_key with (the key's HMAC pads)."""
    inner, outer = hmac_pads(key)
    conn.execute("SET VARIABLE hmac_ipad = ?::BLOB", [inner])
    conn.execute("SET VARIABLE hmac_opad = ?::BLOB", [outer])


class Stager:
    """Stages files into `conn` for one run: `run_date` bounds audit dates; `key` is part of
    the cache key (a new pseudonym key re-stages every file)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, run_date: dt.date, key: bytes) -> None:
        self.conn = conn
        self.run_date = run_date
        self.cache = cache_key(key)
        self.day_first = 0  # UK dates read in the file being staged
        attach_staging(conn)
        _drop_outdated_staging(conn)
        build_table(conn, "staging")

    def forget(self, sha256s: list[str]) -> None:
        """Delete everything staged for these file contents."""
        if not sha256s:
            return
        for table in STAGING_TABLES:
            self.conn.execute(
                f"DELETE FROM staging.{table} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                [sha256s],
            )

    def stage_chunk(self, sha256: str, frame: pd.DataFrame) -> None:
        """Judge shaped text rows (`frame`, as the readers shape a chunk) with the pandera
        schema and stage every one of them under `sha256` (sql/stage_rows.sql)."""
        judged = judge_rows(frame, self.run_date)
        self.day_first += int(judged.day_first.sum())
        reporter().advance(len(frame))
        checked = judged.normalised
        checked["audit_day"] = iso_days(checked["audit_date"])
        failures = judged.reasons[["source_row", "column_name", "rule", "value", "hint"]]
        self.conn.register("checked_rows", checked)
        self.conn.register("row_failures", failures)
        try:
            self.conn.execute("SET VARIABLE file_sha256 = ?", [sha256])
            build_table(self.conn, "stage_rows")
        finally:
            self.conn.unregister("checked_rows")
            self.conn.unregister("row_failures")

    def stage_file(self, path: Path, name: str, sha256: str) -> FileReport:
        """Stage one file, chunk by chunk, as its format's reader gives it; its report says
        how many UK dates were read day first."""
        self.forget([sha256])
        self.day_first = 0

        def reset() -> None:
            self.forget([sha256])
            self.day_first = 0

        reporter().phase(f"validating {name}")
        report = stream_case_file(
            path, name, sha256, sink=lambda frame: self.stage_chunk(sha256, frame), reset=reset
        )
        if report.status == "read" and self.day_first:
            report.notes.append(day_first_note(self.day_first))
            report = described(report)
        self.conn.execute(
            "INSERT INTO staging.staged_files SELECT ?, ?, ?, ?, ?, ?, ?, "
            "(SELECT max(audit_date) FROM staging.staged_rows WHERE sha256 = ? AND ?)",
            [sha256, self.cache, report.status, report.rows_read, report.rule,
             report.message or None, self.run_date, sha256, report.status == "read"],
        )  # fmt: skip
        return report


def stage_inputs(
    conn: duckdb.DuckDBPyConnection, input_dir: Path, run_date: dt.date, key: bytes
) -> StagingSummary:
    """Stage every file of the inventory (`input_files`) not staged yet under this cache key,
    forget staged contents no longer in the folder, and mark this run's `current_files`."""
    stager = Stager(conn, run_date, key)
    files = conn.execute(
        "SELECT source_file, sha256 FROM input_files WHERE refusal_rule IS NULL "
        "ORDER BY source_file"
    ).fetchall()
    fresh_rows = conn.execute(
        f"SELECT sha256 FROM staged_files WHERE cache_key = ? AND {REUSABLE}",
        [stager.cache, run_date.isoformat()],
    ).fetchall()
    fresh = {sha for (sha,) in fresh_rows}
    present = {sha for _, sha in files}
    stale = [sha for (sha,) in conn.execute("SELECT sha256 FROM staged_files").fetchall()
             if sha not in present or sha not in fresh]  # fmt: skip
    stager.forget(stale)
    staged = rows = 0
    conn.execute("CREATE OR REPLACE TEMP TABLE staged_this_run (sha256 VARCHAR)")
    for name, sha in files:
        if sha in fresh:
            continue
        report = stager.stage_file(input_dir / name, name, sha)
        conn.execute("INSERT INTO staged_this_run VALUES (?)", [sha])
        staged += 1
        rows += report.rows_read
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE current_files AS "
        "SELECT i.source_file, i.sha256 FROM input_files AS i "
        "JOIN staged_files AS s USING (sha256) "
        "WHERE i.refusal_rule IS NULL AND s.status = 'read'"
    )
    return StagingSummary(
        files_staged=staged,
        files_reused=len(files) - staged,
        rows_staged=rows,
    )


ASSEMBLED = ("case_audits", "rejected_rows", "file_loads")  # then data_queries
ASSEMBLED_CODE = "assembled_code"  # build_state: the code version of the last assembly


def _previous_build(conn: duckdb.DuckDBPyConnection) -> bool:
    """The build database holds a complete earlier assembly made by this very code."""
    present = {name for (name,) in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()}  # fmt: skip
    return set(ASSEMBLED) <= present and remembered(conn, ASSEMBLED_CODE) == code_version()


def assemble(conn: duckdb.DuckDBPyConnection, key: bytes) -> str:
    """The cross-row rules, then case_audits, rejected_rows and file_loads, all in SQL, in one
    transaction. A run that only added files (appendable_files.sql) appends their rows to
    case_audits instead of copying every row again; returns "appended" or "rebuilt".
    `key` pseudonymises the rows assembled."""
    reporter().phase("assembling case_audits, rejected_rows, file_loads")
    set_pseudonym_key(conn, key)
    build_cross_row_reasons(conn)
    mode = "rebuilt"
    if _previous_build(conn):
        conn.execute("SET VARIABLE cross_row_rules = ?", [list(CROSS_ROW_RULES)])
        build_table(conn, "appendable_files")
        (possible,) = conn.execute(
            "SELECT bool_and(append_possible) FROM appendable_files"
        ).fetchone()
        mode = "appended" if possible else "rebuilt"
    source = "appendable_files WHERE sha256 IS NOT NULL" if mode == "appended" else "current_files"
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE assembling_files AS SELECT source_file, sha256 FROM {source}"
    )
    build_table(conn, "case_audit_rows")
    build_table(conn, "row_reasons")
    conn.execute("BEGIN TRANSACTION")  # the three tables change together or not at all
    try:
        if mode == "appended":
            conn.execute("INSERT INTO case_audits SELECT * FROM case_audit_rows")
        else:
            build_table(conn, "case_audits")
        for table in ASSEMBLED[1:]:
            build_table(conn, table)
        build_queries(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    remember(conn, ASSEMBLED_CODE, code_version())
    return mode
