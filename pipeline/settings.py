"""Where things are: a command-line flag beats the environment, which beats the default.

A relative path given as a flag is taken from the current directory, as every Unix tool
does; a relative path in the environment or a default is taken from the project folder, so
`case-audit run` and `dagster dev` agree on them wherever they are started from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import CaseAuditError

PROJECT_DIR = Path(__file__).resolve().parent.parent
THRESHOLD_VARIABLE = "CASE_AUDIT_SUPPRESSION_THRESHOLD"
PUBLISH_TO_VARIABLE = "CASE_AUDIT_PUBLISH_TO"
SQL_DIR = PROJECT_DIR / "sql"
QUARANTINE_WARN_VARIABLE = "CASE_AUDIT_QUARANTINE_WARN_PERCENT"
STORAGE_VERSION_VARIABLE = "CASE_AUDIT_DUCKDB_STORAGE_VERSION"
# the oldest DuckDB whose clients must open the warehouse: the current stable CLI (1.5)
# reads files written for 1.4; DuckDB 2.0's own format it cannot
DEFAULT_STORAGE_VERSION = "v1.4.0"


def duckdb_storage_version() -> str:
    """The storage version the warehouse is written in (`v1.4.0`: DuckDB 1.4 and later open
    it; set CASE_AUDIT_DUCKDB_STORAGE_VERSION to `v2.0.0` when every reader is on 2.0)."""
    value = os.environ.get(STORAGE_VERSION_VARIABLE, DEFAULT_STORAGE_VERSION).strip()
    if not re.fullmatch(r"v[0-9]+\.[0-9]+\.[0-9]+", value):
        raise CaseAuditError(f"{STORAGE_VERSION_VARIABLE} must be a DuckDB version such as "
                             f"v1.4.0, not {value!r}.")  # fmt: skip
    return value


def quarantine_warn_percent() -> float:
    """Above this share of a file's rows quarantined, the run warns (default 5%)."""
    value = os.environ.get(QUARANTINE_WARN_VARIABLE, "5")
    try:
        percent = float(value)
    except ValueError:
        percent = -1.0
    if not 0 <= percent <= 100:
        raise CaseAuditError(f"{QUARANTINE_WARN_VARIABLE} must be a percentage from 0 to 100, "
                             f"not {value!r}.")  # fmt: skip
    return percent


# setting name -> (environment variable, default relative to the project folder)
ENVIRONMENT = {
    "input_dir": ("CASE_AUDIT_INPUT_DIR", "data/incoming"),
    "warehouse": ("CASE_AUDIT_WAREHOUSE", "data/warehouse/case_audit.duckdb"),
    "reference_dir": ("CASE_AUDIT_REFERENCE_DIR", "data/reference"),
    "key_file": ("CASE_AUDIT_KEY_FILE", "data/secrets/pseudonym.key"),
    "feeds_dir": ("CASE_AUDIT_FEEDS_DIR", "data/feeds"),
}


MOTHERDUCK = "md:"
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def parse_targets(value: str) -> tuple[str, ...]:
    """The further publish targets configured (CASE_AUDIT_PUBLISH_TO), in order: DuckDB file
    paths and `md:<database>` (pipeline/publish/targets.py copies to them)."""
    targets = tuple(part.strip() for part in value.split(",") if part.strip())
    for target in targets:
        if target.startswith(MOTHERDUCK) and not _DATABASE_NAME.fullmatch(
            target[len(MOTHERDUCK) :]
        ):
            raise CaseAuditError(
                f"{PUBLISH_TO_VARIABLE}: {target!r} must be md:<database name> (letters, "
                "digits and _), e.g. md:case_audit."
            )
    return targets


def resolve_path(value: str | os.PathLike[str], base: Path = PROJECT_DIR) -> Path:
    """An absolute path; a relative one is taken from `base` (the project folder)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


@dataclass(frozen=True)
class Settings:
    """The resolved locations one run works with."""

    input_dir: Path
    warehouse: Path
    reference_dir: Path
    key_file: Path
    feeds_dir: Path
    # public feeds suppress counts below force level from 1 to this (docs/dashboards.md)
    suppression_threshold: int = 5
    # further DuckDB databases that get a copy once published (pipeline/publish/targets.py)
    publish_to: tuple[str, ...] = ()

    @classmethod
    def resolve(cls, **flags: str | os.PathLike[str] | None) -> Settings:
        """Flags (None means not given) over environment variables over defaults; relative
        flags from the current directory, the others from the project folder."""
        unknown = set(flags) - set(ENVIRONMENT)
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        values = {}
        for name, (variable, default) in ENVIRONMENT.items():
            if flags.get(name):  # a flag: from the current directory
                values[name] = resolve_path(flags[name], Path.cwd())
            else:
                values[name] = resolve_path(os.environ.get(variable) or default)
        threshold = os.environ.get(THRESHOLD_VARIABLE, "5")
        if not threshold.isdigit() or int(threshold) < 1:
            raise CaseAuditError(f"{THRESHOLD_VARIABLE} must be a whole number of 1 or more.")
        publish_to = parse_targets(os.environ.get(PUBLISH_TO_VARIABLE, ""))
        return cls(**values, suppression_threshold=int(threshold), publish_to=publish_to)
