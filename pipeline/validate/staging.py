"""One run's staging: every input file judged row by row into the staging database, once per
content, and every relation validation makes for the warehouse's models, named here.

- Only new or changed files (by content hash) are read. A file staged under the same rules,
  run date and pseudonym key is reused as it is, so a re-run over unchanged inputs reads
  nothing and a new small file costs only itself.
- The rules that look at one row are the pandera schema, run over every chunk of every file
  (`quarantine.judge_rows`); each row is staged with its keys, reasons and typed values
  (`sql/stage_rows.sql`). The rules that compare rows (duplicate case_ref, force mismatch)
  then run in SQL over the keys of every current row (`sql/cross_row_reasons.sql`).
- Everything lives in the staging database, attached as `staging` and never published (it
  holds providers' case_refs and raw values): the relations of RELATIONS, read by SQL as
  `staging.<name>`. Values go to SQL as parameters (`params`): no session variable, no
  search path, no temporary relation another file must know of.
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
from pipeline.storage.build_state import code_digest
from pipeline.storage.models import render
from pipeline.storage.pseudonym import hmac_pads, key_id
from pipeline.storage.workspace import attach_staging
from pipeline.validate.quarantine import Judged, day_first_note, judge_rows
from schemas.contract import FRAMEWORK, iso_days
from schemas.frameworks import Catalogue, catalogue
from schemas.rules import QUERY_DAYS, QUERY_SELF_RATED_SHARE, cross_row_rules, rule_messages

SQL = Path(__file__).parent / "sql"

# every relation of the staging database, by name: what it holds and who makes it
RELATIONS = {
    "input_files": "every accepted file below the input folder, with its content hash and "
    "identity, and the refusals made before reading (pipeline/ingest/inventory.py)",
    "staged_files": "what reading each file content gave: status, rows read, refusal, the run "
    "date it was staged on, its latest audit date",
    "staged_rows": "every row read: its keys, the reasons of the rules that look at one row "
    "(`failures`, NULL when none) and its typed values",
    "current_files": "this run's files that were read, by name and content",
    "rule_messages": "every rule's code and message under each framework (the catalogue)",
    "cross_row_reasons": "the reasons of the rules that compare rows, over the current files",
    "assembling_files": "the files whose rows case_audits is made from: every current file, "
    "or only those this run added when it only added files",
    "build_state": "what each step was last built from (pipeline/storage/build_state.py)",
}
STAGED = ("staged_files", "staged_rows")  # kept from run to run, by content
FORMER_TABLES = ("staged_cases", "staged_keys", "staged_reasons")  # older layouts: dropped
CROSS_ROW_RULES = tuple(rule.code for rule in cross_row_rules())

# the code whose change must stage every file again: the contract and its rules, everything
# that reads and shapes a file, the judging of rows and what stages them
STAGING_CODE = (
    "schemas/*.py",
    "pipeline/ingest/**/*.py",
    "pipeline/validate/normalise.py",
    "pipeline/validate/quarantine.py",
    "pipeline/validate/sql/staging.sql",
    "pipeline/validate/sql/stage_rows.sql",
)
# ... and what judges rows across files and plans the assembly, on top of that
VALIDATION_CODE = (*STAGING_CODE, "pipeline/validate/staging.py", "pipeline/validate/sql/*.sql")


def rules_version() -> str:
    """The rule set's version: the code every staged verdict depends on (STAGING_CODE)."""
    return code_digest(STAGING_CODE)[:16]


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
    if not _has_table(conn, "staged_files"):
        return run_date.isoformat()
    reusable = conn.execute(
        f"SELECT sha256 FROM staging.staged_files WHERE {REUSABLE}",
        [run_date.isoformat()],  # text: a date (or list) parameter makes DuckDB load pandas
    ).fetchall()
    return "" if set(sha256s) <= {sha for (sha,) in reusable} else run_date.isoformat()


def framework_marks(known: Catalogue) -> list[str]:
    """What a staged file's `frameworks` may hold and still be reused: each framework file
    as it is now (`name@version#sha256`), and the mark of a file with a row naming none of
    them (`?#` and the frameworks' names: a new framework may be the one it meant)."""
    return [f"{f.key}#{f.sha256}" for f in known] + [unknown_mark(known)]


def unknown_mark(known: Catalogue) -> str:
    return "?#" + ",".join(f.key for f in known)


def staging_token(
    conn: duckdb.DuckDBPyConnection, files: list[tuple[str, str]], key: bytes, run_date: dt.date
) -> str:
    """What validation's outcome depends on: the input files found ((name, sha256) pairs),
    the rules, the framework files, the pseudonym key, the run date where it matters, and
    validation's code."""
    token = date_token(conn, run_date, [sha for _, sha in files])
    digest = hashlib.sha256(
        f"{cache_key(key)}:{token}:{code_digest(VALIDATION_CODE)}:{catalogue().digest}".encode()
    )
    for name, sha in sorted(files):
        digest.update(f"{name}\x1f{sha}\n".encode())
    return digest.hexdigest()


def _has_table(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'staging' "
            "AND table_name = ?",
            [name],
        ).fetchall()[0][0]
    )


@dataclass
class StagingSummary:
    files_staged: int
    files_reused: int
    rows_staged: int
    migrated: bool = False  # staging made under contract v1.1 was dropped: all read again


@dataclass(frozen=True)
class Purged:
    """What retention deleted from staging in one run: superseded file contents and their
    rows (providers' case_refs and raw values among them)."""

    files: int
    rows: int

    def sentence(self, keep_days: int) -> str:
        return (
            f"Retention: {self.files} superseded file(s) ({self.rows} rows, providers' "
            f"references included) purged from staging, kept {keep_days} day(s) after their "
            "content left the input folder."
        )


def _add_superseded_on(conn: duckdb.DuckDBPyConnection) -> None:
    """Staging made before retention has no superseded_on: added, empty (nothing in it has
    been marked superseded yet)."""
    conn.execute("ALTER TABLE staging.staged_files ADD COLUMN IF NOT EXISTS superseded_on DATE")


def purge_superseded(
    conn: duckdb.DuckDBPyConnection, present: list[str], today: dt.date, keep_days: int
) -> Purged:
    """Retention of providers' data in staging: a content no longer among the inputs
    (`present`: their SHA-256) is marked superseded on the first run that misses it, and its
    file and rows are deleted once `keep_days` days have passed since (0: at once); one that
    comes back is unmarked. Runs on every run, also when nothing else has changed, so data is
    purged on schedule (`today` is the run date: a test's clock)."""
    attach_staging(conn)
    if not _has_table(conn, "staged_files"):
        return Purged(0, 0)
    _add_superseded_on(conn)
    conn.execute(  # only the rows that change: most runs write nothing here
        "UPDATE staging.staged_files SET superseded_on = CASE WHEN list_contains($present, "
        "sha256) THEN NULL ELSE $today END WHERE list_contains($present, sha256) = "
        "(superseded_on IS NOT NULL)",
        {"present": present, "today": today},
    )
    expired = [
        sha
        for (sha,) in conn.execute(
            "SELECT sha256 FROM staging.staged_files WHERE superseded_on <= ?",
            [today - dt.timedelta(days=keep_days)],
        ).fetchall()
    ]
    if not expired:
        return Purged(0, 0)
    [(rows,)] = conn.execute(
        "SELECT count(*) FROM staging.staged_rows WHERE list_contains(?, sha256)", [expired]
    ).fetchall()
    for table in STAGED:
        conn.execute(f"DELETE FROM staging.{table} WHERE list_contains(?, sha256)", [expired])
    return Purged(len(expired), rows)


def params(key: bytes) -> dict[str, object]:
    """The values validation's models take (pipeline/validate/models/): the pseudonym key's
    HMAC pads (case_key is computed in SQL) and the queries' thresholds."""
    inner, outer = hmac_pads(key)
    return {
        "hmac_ipad": inner,
        "hmac_opad": outer,
        "query_days": QUERY_DAYS,
        "query_self_rated_share": QUERY_SELF_RATED_SHARE,
    }


class RunStaging:
    """The staging of one run in `conn` (its staging database attached as `staging`; in
    memory for `case-audit check`): `run_date` bounds audit dates; `key` is part of the
    cache key (a new pseudonym key stages every file again)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, run_date: dt.date, key: bytes) -> None:
        self.conn = conn
        self.run_date = run_date
        self.cache = cache_key(key)
        self.day_first = 0  # UK dates read in the file being staged
        self.frameworks: set[str] = set()  # what the file being staged was judged under
        self.foreign: dict[str, set[str]] = {}  # framework -> other frameworks' columns held
        self.staged_now: list[str] = []  # contents read by this run
        self.migrated = False  # rows staged under contract v1.1 (no frameworks) were dropped
        self.catalogue = catalogue()
        attach_staging(conn)
        self._drop_outdated()
        conn.execute(_sql("staging"))
        self._add_columns()

    def _columns(self) -> dict[str, dict[str, str]]:
        found = self.conn.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = 'staging' ORDER BY column_index"
        ).fetchall()
        columns: dict[str, dict[str, str]] = {}
        for table, name, kind in found:
            columns.setdefault(table, {})[name] = kind
        return columns

    def _drop_outdated(self) -> None:
        """Staging is a cache: tables made by an older version (another staged_files layout,
        the former tables per kind of row, reasons without messages, rows without the
        framework column contract 2.0 added) or holding a framework column under another
        type than its framework now gives are dropped, to be made afresh."""
        columns = self._columns()
        files, rows = columns.get("staged_files"), columns.get("staged_rows")
        retyped = rows is not None and any(
            rows.get(c.name, c.sql_type) != c.sql_type for c in self.catalogue.columns().values()
        )
        if (
            (files is not None and "frameworks" not in files)
            or set(columns) & set(FORMER_TABLES)
            or (rows is not None and ("message" not in rows.get("failures", "") or retyped))
            or (rows is not None and FRAMEWORK not in rows)
        ):
            self.migrated = rows is not None and FRAMEWORK not in rows
            for table in (*STAGED, *FORMER_TABLES):
                self.conn.execute(f"DROP TABLE IF EXISTS staging.{table}")

    def _add_columns(self) -> None:
        """A framework added since the rows were staged brings its columns: added, empty
        (no staged row is of a framework that was not there)."""
        _add_superseded_on(self.conn)
        have = self._columns()["staged_rows"]
        for column in self.catalogue.columns().values():
            if column.name not in have:
                self.conn.execute(
                    f'ALTER TABLE staging.staged_rows ADD COLUMN "{column.name}" {column.sql_type}'
                )

    # ------------------------------------------------------------ one row at a time

    def forget(self, sha256s: list[str]) -> None:
        """Delete everything staged for these file contents."""
        if not sha256s:
            return
        for table in STAGED:
            self.conn.execute(
                f"DELETE FROM staging.{table} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                [sha256s],
            )

    def stage_rows(self, sha256: str, frame: pd.DataFrame) -> Judged:
        """Judge shaped text rows (`frame`, as the readers shape a chunk) with the pandera
        schema and stage every one of them under `sha256` (sql/stage_rows.sql reads the two
        frames registered here for it, as `checked_rows` and `row_failures`)."""
        judged = judge_rows(frame, self.run_date)
        self.day_first += int(judged.day_first.sum())
        for key in judged.normalised[FRAMEWORK].dropna().unique():
            known = key in self.catalogue.frameworks
            self.frameworks.add(
                f"{key}#{self.catalogue[key].sha256}" if known else unknown_mark(self.catalogue)
            )
        for key, columns in judged.foreign.items():
            self.foreign.setdefault(key, set()).update(columns)
        reporter().advance(len(frame))
        checked = judged.normalised.assign(audit_day=iso_days(judged.normalised["audit_date"]))
        failures = judged.reasons[["source_row", "column_name", "rule", "message", "value", "hint"]]
        self.conn.register("checked_rows", checked)
        self.conn.register("row_failures", failures)
        try:
            self.conn.execute(_sql("stage_rows"), {"sha256": sha256})
        finally:
            self.conn.unregister("checked_rows")
            self.conn.unregister("row_failures")
        return judged

    def stage_file(self, path: Path, name: str, sha256: str) -> FileReport:
        """Stage one file, chunk by chunk, as its format's reader gives it; its report says
        how many UK dates were read day first."""
        self.forget([sha256])
        self.day_first, self.frameworks, self.foreign = 0, set(), {}

        def reset() -> None:
            self.forget([sha256])
            self.day_first, self.frameworks, self.foreign = 0, set(), {}

        reporter().phase(f"validating {name}")
        report = stream_case_file(
            path, name, sha256, sink=lambda frame: self.stage_rows(sha256, frame), reset=reset
        )
        if report.status == "read" and (self.day_first or self.foreign):
            if self.day_first:
                report.notes.append(day_first_note(self.day_first))
            for key, columns in sorted(self.foreign.items()):
                report.notes.append(foreign_note(key, columns))
            report = described(report)
        self.conn.execute(
            "INSERT INTO staging.staged_files SELECT ?, ?, ?, ?, ?, ?, ?, "
            "(SELECT max(audit_date) FROM staging.staged_rows WHERE sha256 = ? AND ?), "
            "?::VARCHAR[], NULL",
            [
                sha256,
                self.cache,
                report.status,
                report.rows_read,
                report.rule,
                report.message or None,
                self.run_date,
                sha256,
                report.status == "read",
                sorted(self.frameworks),
            ],
        )
        self.staged_now.append(sha256)
        return report

    def stage_inputs(self, input_dir: Path) -> StagingSummary:
        """Stage every file of the inventory (staging.input_files) not staged yet under this
        cache key and forget staged contents no longer in the folder."""
        files = self.conn.execute(
            "SELECT source_file, sha256 FROM staging.input_files WHERE refusal_rule IS NULL "
            "ORDER BY source_file"
        ).fetchall()
        fresh = {
            sha
            for (sha,) in self.conn.execute(
                "SELECT sha256 FROM staging.staged_files WHERE cache_key = ? "
                f"AND list_has_all(?::VARCHAR[], frameworks) AND {REUSABLE}",
                [self.cache, framework_marks(self.catalogue), self.run_date.isoformat()],
            ).fetchall()
        }
        present = {sha for _, sha in files}
        staged = self.conn.execute("SELECT sha256 FROM staging.staged_files").fetchall()
        # contents no longer in the folder are kept until retention purges them (purge_superseded)
        self.forget([sha for (sha,) in staged if sha in present and sha not in fresh])
        rows = 0
        for name, sha in files:
            if sha not in fresh:
                rows += self.stage_file(input_dir / name, name, sha).rows_read
        return StagingSummary(
            len(self.staged_now), len(files) - len(self.staged_now), rows, self.migrated
        )

    # ------------------------------------------------------------ across rows and files

    def judge_across_rows(self, files: list[tuple[str, str]] | None = None) -> None:
        """staging.current_files (the inventory's files that were read, or `files`: (name,
        sha256) pairs staged from memory), staging.rule_messages and
        staging.cross_row_reasons over them."""
        if files is None:
            self.conn.execute(
                "CREATE OR REPLACE TABLE staging.current_files AS "
                "SELECT i.source_file, i.sha256 FROM staging.input_files AS i "
                "JOIN staging.staged_files AS s USING (sha256) "
                "WHERE i.refusal_rule IS NULL AND s.status = 'read'"
            )
        else:
            self.conn.execute(
                "CREATE OR REPLACE TABLE staging.current_files AS SELECT "
                "unnest(?::VARCHAR[]) AS source_file, unnest(?::VARCHAR[]) AS sha256",
                [[name for name, _ in files], [sha for _, sha in files]],
            )
        messages = [
            (framework.key, code, message)
            for framework in self.catalogue
            for code, message in rule_messages(framework).items()
        ]
        self.conn.execute(
            "CREATE OR REPLACE TABLE staging.rule_messages AS SELECT unnest(?::VARCHAR[]) AS "
            "framework, unnest(?::VARCHAR[]) AS rule, unnest(?::VARCHAR[]) AS message",
            [[f for f, _, _ in messages], [r for _, r, _ in messages], [m for _, _, m in messages]],
        )
        reporter().phase("applying the rules that compare rows")
        self.conn.execute(
            f"CREATE OR REPLACE TABLE staging.cross_row_reasons AS {_sql('cross_row_reasons')}"
        )

    def plan_assembly(self, previous_build: bool) -> str:
        """staging.assembling_files: only the files this run added, when it only added files
        to a `previous_build` and the rules that compare rows judge the earlier files' rows
        exactly as before ("appended"); else every current file ("rebuilt")."""
        appended = False
        if previous_build:
            found = self.conn.execute(
                _sql("appendable_files"),
                {"cross_row_rules": list(CROSS_ROW_RULES), "staged_this_run": self.staged_now},
            ).fetchall()
            appended = all(possible for _, _, possible in found)
            added = [(name, sha) for name, sha, _ in found if name is not None]
        source = "current_files"
        if appended:
            self.conn.execute(
                "CREATE OR REPLACE TABLE staging.assembling_files AS SELECT "
                "unnest(?::VARCHAR[]) AS source_file, unnest(?::VARCHAR[]) AS sha256",
                [[name for name, _ in added], [sha for _, sha in added]],
            )
        else:
            self.conn.execute(
                f"CREATE OR REPLACE TABLE staging.assembling_files AS FROM staging.{source}"
            )
        return "appended" if appended else "rebuilt"


def foreign_note(framework: str, columns: set[str]) -> str:
    """What a file's report says of values in columns its rows' framework does not have."""
    return (
        f"column(s) {', '.join(sorted(columns))} are not columns of {framework}: dropped from "
        "its rows, not stored"
    )


def _sql(name: str) -> str:
    """A statement of sql/, rendered with the frameworks (every framework's columns)."""
    return render(SQL / f"{name}.sql", catalogue().context())
