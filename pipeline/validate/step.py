"""The validation step: stage every new or changed file (pandera over every row), then
assemble `case_audits`, `rejected_rows` and `file_loads` unless already built from these
very inputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.storage.build_state import RUN, is_built, mark_built, remember
from pipeline.storage.pseudonym import load_key
from pipeline.storage.workspace import Workspace
from pipeline.validate.engine import StagingSummary, assemble, run_fingerprint, stage_inputs
from schemas.warehouse import VALIDATE, built_by

TABLES = [table.name for table in built_by(VALIDATE)]  # the registry's


@dataclass(frozen=True)
class Validation:
    staging: StagingSummary
    assembly: str  # "rebuilt", "appended" or "kept"

    def sentence(self) -> str:
        s = self.staging
        return (
            f"{s.files_staged} file(s) read and validated ({s.rows_staged} rows), "
            f"{s.files_reused} unchanged file(s) reused from staging; case_audits {self.assembly}"
        )


def validate_cases(workspace: Workspace) -> Validation:
    key = load_key(Path(workspace.key_file), may_create=not workspace.published_path.exists())
    with workspace.connect() as conn:
        summary = stage_inputs(conn, Path(workspace.input_dir), workspace.today, key)
        # over every file found, now that each is staged (whether the run date matters to
        # any of them is known only now): each step compares it with the one it was built
        # from, and the next run's case_files with the last complete run's
        found = conn.execute(  # as inventory.run_files counts them
            "SELECT source_file, coalesce(sha256, 'unreadable') FROM input_files"
        ).fetchall()
        remember(conn, RUN, run_fingerprint(
            conn, found, key, workspace.today, Path(workspace.reference_dir),
            workspace.output_settings))  # fmt: skip
        assembly = "kept"
        if not is_built(conn, "validated_cases", *TABLES):
            assembly = assemble(conn, key)
            mark_built(conn, "validated_cases")
    return Validation(summary, assembly)
