"""Where partitioned runs read and write.

A partition is a folder directly below the input folder, named after the inspection whose
files it holds (or any unit that keeps each inspection's files together, such as a force).
Its run reads only that folder and publishes its own warehouse and feeds under
`<warehouse folder>/partitions/<key>/`; the merge reads those files, never their builds.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from pipeline.errors import CaseAuditError
from pipeline.ingest.files import find_input_files
from pipeline.settings import Settings
from pipeline.storage.workspace import Workspace

# a folder name that is also a safe Dagster partition key and file name
PARTITION_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


def partition_keys(input_dir: Path) -> list[str]:
    """The folders directly below `input_dir` that hold at least one accepted file, in name
    order. Other folder names (hidden, spaces, too long) are never partitions."""
    if not input_dir.is_dir():
        return []
    return sorted(
        folder.name
        for folder in input_dir.iterdir()
        if folder.is_dir() and PARTITION_KEY.fullmatch(folder.name) and find_input_files(folder)
    )


def files_outside_partitions(input_dir: Path) -> list[str]:
    """Accepted files that no partition reads (at the top of the input folder, or in a folder
    whose name is not a partition key): a partitioned run never loads them."""
    if not input_dir.is_dir():
        return []
    keys = set(partition_keys(input_dir))
    return [
        path.relative_to(input_dir).as_posix()
        for path in find_input_files(input_dir)
        if path.relative_to(input_dir).parts[0] not in keys
    ]


def partitions_dir(warehouse: Path) -> Path:
    return warehouse.parent / "partitions"


def partition_settings(settings: Settings, key: str) -> Settings:
    """The settings of one partition's run: its own input folder, warehouse and feeds; the
    same reference files, pseudonym key and disclosure threshold; no further copies."""
    if not PARTITION_KEY.fullmatch(key):
        raise ValueError(f"{key!r} is not a partition key")
    home = partitions_dir(settings.warehouse) / key
    return dataclasses.replace(
        settings,
        input_dir=settings.input_dir / key,
        warehouse=home / "case_audit.duckdb",
        feeds_dir=home / "feeds",
        publish_to=(),
    )


def partition_warehouses(settings: Settings) -> dict[str, Path]:
    """key -> published warehouse of every partition folder now in the input folder."""
    return {
        key: partition_settings(settings, key).warehouse
        for key in partition_keys(settings.input_dir)
    }


def partition_workspace(workspace: Workspace, key: str) -> Workspace:
    """The workspace of partition `key`'s run; its folder must exist."""
    settings = partition_settings(workspace.settings(), key)
    if not settings.input_dir.is_dir():
        raise CaseAuditError(f"partition {key}: there is no folder {settings.input_dir}.")
    return workspace.with_settings(settings)
