"""The validation step: stage every new or changed file (pandera over every row), then judge
rows across files and plan how case_audits is assembled, unless already done for these very
inputs. The warehouse's models then read what it made (pipeline/validate/staging.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.storage.build_state import RUN, is_current, remember, remembered, run_fingerprint
from pipeline.storage.pseudonym import load_key
from pipeline.storage.workspace import Workspace
from pipeline.validate.staging import RunStaging, StagingSummary, params, staging_token

STEP = "validation"  # what build_state remembers of this step
MIGRATED = (
    "The warehouse was built under contract v1.1 (no audit frameworks): it is rebuilt from its "
    "input files under v2.0, every row that names no framework read as ncpi@2016 "
    "(docs/frameworks.md)."
)
ASSEMBLY = "assembly"  # ... and how case_audits is to be assembled: appended or rebuilt


@dataclass(frozen=True)
class ValidatedRows:
    staging: StagingSummary
    assembly: str  # "rebuilt", "appended" or "kept" (nothing to do)

    def sentence(self) -> str:
        s = self.staging
        said = (
            f"{s.files_staged} file(s) read and validated ({s.rows_staged} rows), "
            f"{s.files_reused} unchanged file(s) reused from staging; case_audits "
            f"{self.assembly}"
        )
        return f"{MIGRATED} {said}" if s.migrated else said


def validate_inputs(workspace: Workspace) -> ValidatedRows:
    """Stage and judge every file of the inventory (staging.input_files)."""
    key = load_key(Path(workspace.key_file), may_create=not workspace.published_path.exists())
    with workspace.connect() as conn:
        found = conn.execute(  # as inventory.run_files counts them
            "SELECT source_file, coalesce(sha256, 'unreadable') FROM staging.input_files"
        ).fetchall()
        token = staging_token(conn, found, key, workspace.today)
        if is_current(conn, STEP, token) and remembered(conn, ASSEMBLY):
            return ValidatedRows(StagingSummary(0, len(found), 0), "kept")
        staging = RunStaging(conn, workspace.today, key)
        summary = staging.stage_inputs(Path(workspace.input_dir))
        staging.judge_across_rows()
        # appending needs the previous case_audits, made from the same staging layout
        previous = remembered(conn, "model:case_audits") is not None
        assembly = staging.plan_assembly(previous_build=previous and _tables(conn))
        # the tokens once more: whether the run date matters is known once all is staged
        token = staging_token(conn, found, key, workspace.today)
        remember(conn, STEP, token)
        remember(conn, ASSEMBLY, assembly)
        remember(
            conn,
            RUN,
            run_fingerprint(token, Path(workspace.reference_dir), workspace.output_settings),
        )
    return ValidatedRows(summary, assembly)


def _tables(conn: object) -> bool:
    present = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND "
        "table_name IN ('case_audits', 'rejected_rows', 'file_loads')"
    ).fetchone()[0]
    return present == 3


def model_params(workspace: Workspace) -> dict[str, object]:
    """The values validation's models take, for the models step."""
    return params(load_key(Path(workspace.key_file), may_create=False))
