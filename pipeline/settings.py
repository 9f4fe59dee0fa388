"""Every setting of case-audit, stated once, and checked before anything runs.

A command-line flag beats the environment, which beats the default. A relative path given as
a flag is taken from the current directory, as every Unix tool does; a relative path in the
environment or a default is taken from the project folder, so `case-audit run` and `dagster
dev` agree on them wherever they are started from.

Each setting is one `Setting`: its environment variable, its default, what it means and the
parser that reads it. A value a parser cannot read is refused with one sentence naming the
variable, what it holds and what it must be (`CaseAuditError`), before a run reads a file or
publishes anything: `check_environment()` reads them all up front. An empty value is refused
too (unset the variable to get the default), so a typo in a deployment never silently means
"the default".
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import CaseAuditError

PROJECT_DIR = Path(__file__).resolve().parent.parent
MOTHERDUCK = "md:"
MIN_KEY_LENGTH = 16  # characters of a pseudonym key
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class Unreadable(ValueError):
    """A parser's refusal: what the value must be (the setting's sentence adds the rest)."""


# ---------------------------------------------------------------- parsers
# Each takes the raw text (never empty) and returns the value, or raises Unreadable saying
# what the value must be. Digits are ASCII only: `²` and `٣` are digits to Python, not here.


def whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", text.strip()) or not low <= int(text) <= high:
            raise Unreadable(f"a whole number from {low:,} to {high:,}")
        return int(text)

    return parse


def decimal_number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,9})?", text.strip()):
            raise Unreadable(f"a number from {low:g} to {high:g}, e.g. {high / 4:g}")
        value = float(text)
        if not low <= value <= high:
            raise Unreadable(f"a number from {low:g} to {high:g}")
        return value

    return parse


def one_of(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.strip() not in choices:
            raise Unreadable(f"one of {', '.join(choices)}")
        return text.strip()

    return parse


_MEMORY = re.compile(r"([0-9]{1,9}(?:\.[0-9]{1,3})?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.I)
_UNITS = {
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
MIN_MEMORY, MAX_MEMORY = 64 * 10**6, 16 * 10**12  # below 64 MB DuckDB cannot build; 16 TB


def memory_size(text: str) -> str:
    """A DuckDB memory limit such as `1GB` or `512MiB`, from 64 MB to 16 TB."""
    found = _MEMORY.fullmatch(text.strip())
    if not found or not MIN_MEMORY <= float(found[1]) * _UNITS[found[2].lower()] <= MAX_MEMORY:
        raise Unreadable("a size from 64MB to 16TB with its unit, e.g. 1GB or 512MiB")
    return f"{found[1]}{found[2]}"


def storage_version(text: str) -> str:
    """A DuckDB storage version such as `v1.4.0`; whether DuckDB knows it is asked of DuckDB
    when a run starts (`storage.workspace.check_storage_version`)."""
    if not re.fullmatch(r"v[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}", text.strip()):
        raise Unreadable("a DuckDB storage version such as v1.4.0")
    return text.strip()


def path_text(text: str) -> str:
    if "\x00" in text or text != text.strip():
        raise Unreadable("a path without NUL characters or surrounding spaces")
    return text


def absolute_path(text: str) -> str:
    if not Path(path_text(text)).expanduser().is_absolute():
        raise Unreadable("an absolute path (Dagster keeps its storage there), e.g. /srv/dagster")
    return text


def parse_targets(value: str) -> tuple[str, ...]:
    """The further publish targets configured (CASE_AUDIT_PUBLISH_TO), in order: DuckDB file
    paths and `md:<database>` (pipeline/publish/targets.py copies to them)."""
    targets = tuple(part.strip() for part in value.split(",") if part.strip())
    for target in targets:
        if target.startswith(MOTHERDUCK) and not _DATABASE_NAME.fullmatch(
            target[len(MOTHERDUCK) :]
        ):
            raise CaseAuditError(
                f"CASE_AUDIT_PUBLISH_TO: {target!r} must be md:<database name> (letters, "
                "digits and _), e.g. md:case_audit."
            )
        if "\x00" in target:
            raise CaseAuditError("CASE_AUDIT_PUBLISH_TO holds a NUL character.")
    return targets


def targets(text: str) -> tuple[str, ...]:
    try:
        found = parse_targets(text)
    except CaseAuditError:
        raise Unreadable("DuckDB file paths and md:<database> names, comma-separated") from None
    if not found:
        raise Unreadable("DuckDB file paths and md:<database> names, comma-separated")
    return found


def secret(minimum: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if len(text.strip()) < minimum:
            raise Unreadable(
                f"a secret of at least {minimum} characters (e.g. `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`)"
            )
        return text.strip()

    return parse


def web_address(text: str) -> str:
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text.strip()):
        raise Unreadable("an http:// or https:// address")
    return text.strip()


# minute, hour, day of month, month, day of week: each field's range and its names
_CRON_FIELDS = (
    (0, 59, ()),
    (0, 23, ()),
    (1, 31, ()),
    (1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    (0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)


def cron(text: str) -> str:
    """Five cron fields (`0 6 * * *`): numbers in range, names of months and days, `*`, lists,
    ranges and steps."""
    fields = text.split()

    def value(part: str, low: int, high: int, names: tuple[str, ...]) -> bool:
        if part.lower() in names:
            return True
        return part.isascii() and part.isdigit() and low <= int(part) <= high

    def item(part: str, low: int, high: int, names: tuple[str, ...]) -> bool:
        base, _, step = part.partition("/")
        if step and not (step.isascii() and step.isdigit() and int(step) >= 1):
            return False
        if base == "*":
            return True
        ends = base.split("-")
        return len(ends) <= 2 and all(value(end, low, high, names) for end in ends)

    if len(fields) != 5 or not all(
        all(item(part, low, high, names) for part in field.split(","))
        for field, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True)
    ):
        raise Unreadable("five cron fields, e.g. `0 6 * * *` (06:00 every day)")
    return " ".join(fields)


def timezone(text: str) -> str:
    try:
        zoneinfo.ZoneInfo(text.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Unreadable("an IANA time zone such as Europe/London or UTC") from None
    return text.strip()


# ---------------------------------------------------------------- the settings


@dataclass(frozen=True)
class Setting:
    """One setting: its environment variable, its default (None: unset means off), what it
    means, its parser, and the command-line flag that can give it instead (paths only)."""

    variable: str
    default: str | None
    meaning: str
    parse: Callable[[str], Any]
    flag: str | None = None
    secret: bool = False  # its value is never repeated in a message

    def read(self, environ: dict[str, str] | None = None) -> Any:
        """The value (parsed), or the parsed default; CaseAuditError naming the variable when
        it holds something the parser cannot read."""
        text = (os.environ if environ is None else environ).get(self.variable)
        if text is None:
            return None if self.default is None else self.parse(self.default)
        if not text.strip():
            raise CaseAuditError(
                f"{self.variable} is set but empty; unset it to use the default"
                f"{f' ({self.default})' if self.default is not None else ''}, or give a value."
            )
        try:
            return self.parse(text)
        except Unreadable as expected:
            shown = text if len(text) <= 40 else text[:40] + "…"
            said = "(its value is not shown)" if self.secret else f"not {shown!r}"
            raise CaseAuditError(
                f"{self.variable} must be {expected}, {said}. Nothing was run."
            ) from None


SETTINGS: dict[str, Setting] = {
    "input_dir": Setting(
        "CASE_AUDIT_INPUT_DIR",
        "data/incoming",
        "input folder (searched recursively for .csv, .xlsx, .parquet)",
        path_text,
        "--input",
    ),
    "warehouse": Setting(
        "CASE_AUDIT_WAREHOUSE",
        "data/warehouse/case_audit.duckdb",
        "published warehouse (DuckDB file for analysts)",
        path_text,
        "--warehouse",
    ),
    "feeds_dir": Setting(
        "CASE_AUDIT_FEEDS_DIR",
        "data/feeds",
        "dashboard feeds and dashboard.html",
        path_text,
        "--feeds",
    ),
    "reference_dir": Setting(
        "CASE_AUDIT_REFERENCE_DIR",
        "data/reference",
        "published figures and claims to reconcile against",
        path_text,
    ),
    "frameworks_dir": Setting(
        "CASE_AUDIT_FRAMEWORKS_DIR",
        "data/frameworks",
        "more audit frameworks, one `name@version.toml` each, beside the shipped ones "
        "(docs/frameworks.md)",
        path_text,
    ),
    "key_file": Setting(
        "CASE_AUDIT_KEY_FILE",
        "data/secrets/pseudonym.key",
        "pseudonymisation key file (created owner-only on first use)",
        path_text,
    ),
    "pseudonym_key": Setting(
        "CASE_AUDIT_PSEUDONYM_KEY",
        None,
        "pseudonymisation key itself (instead of the key file)",
        secret(MIN_KEY_LENGTH),
        secret=True,
    ),
    "suppression_threshold": Setting(
        "CASE_AUDIT_SUPPRESSION_THRESHOLD",
        "5",
        "disclosure-control threshold for area counts",
        whole_number(1, 100),
    ),
    "publish_to": Setting(
        "CASE_AUDIT_PUBLISH_TO",
        None,
        "further copies of the published warehouse: DuckDB files and/or "
        "md:<database>, comma-separated",
        targets,
    ),
    "retention_days": Setting(
        "CASE_AUDIT_RETENTION_DAYS",
        "30",
        "days a superseded input file's rows (providers' references and raw values) stay in "
        "the private staging database before a run purges them (0: the first run after; "
        "docs/publication.md)",
        whole_number(0, 3650),
    ),
    "dagster_run_days": Setting(
        "CASE_AUDIT_DAGSTER_RUN_DAYS",
        "90",
        "days Dagster keeps a finished run and its events before a run deletes them "
        "(docs/publication.md)",
        whole_number(1, 3650),
    ),
    "duckdb_memory": Setting(
        "CASE_AUDIT_DUCKDB_MEMORY",
        "1GB",
        "DuckDB memory limit for a run (spills beyond it)",
        memory_size,
    ),
    "duckdb_storage_version": Setting(
        "CASE_AUDIT_DUCKDB_STORAGE_VERSION",
        "v1.4.0",
        "DuckDB storage version the warehouse is written in (the oldest DuckDB that opens it; "
        "the stable CLI 1.5 opens v1.4.0)",
        storage_version,
    ),
    "quarantine_warn_percent": Setting(
        "CASE_AUDIT_QUARANTINE_WARN_PERCENT",
        "5",
        "a file with more of its rows quarantined than this percentage gets a warning check",
        decimal_number(0, 100),
    ),
    "executor": Setting(
        "CASE_AUDIT_EXECUTOR",
        "in_process",
        "Dagster executor: in_process or multiprocess",
        one_of("in_process", "multiprocess"),
    ),
    "run_mode": Setting(
        "CASE_AUDIT_RUN_MODE",
        "whole",
        "run mode: whole (one run over the input folder) or partitioned (a run "
        "per inspection folder, then a merge)",
        one_of("whole", "partitioned"),
    ),
    "schedule_cron": Setting(
        "CASE_AUDIT_SCHEDULE_CRON", "0 6 * * *", "when the nightly batch runs", cron
    ),
    "schedule_timezone": Setting(
        "CASE_AUDIT_SCHEDULE_TIMEZONE", "Europe/London", "the schedule's time zone", timezone
    ),
    "sensor_interval_seconds": Setting(
        "CASE_AUDIT_SENSOR_INTERVAL_SECONDS",
        "30",
        "how often the input folder is looked at, in seconds",
        whole_number(1, 86_400),
    ),
    "max_age_hours": Setting(
        "CASE_AUDIT_MAX_AGE_HOURS",
        "26",
        "the published warehouse is stale after this many hours",
        decimal_number(0.01, 8_760),
    ),
    "alert_webhook": Setting(
        "CASE_AUDIT_ALERT_WEBHOOK", None, "where failure alerts are posted (JSON)", web_address
    ),
    "dagster_home": Setting(
        "DAGSTER_HOME", None, "Dagster's instance folder: run history and event logs", absolute_path
    ),
}


def setting(name: str) -> Any:
    """The value of one setting, from the environment or its default, checked."""
    return SETTINGS[name].read()


def check_environment() -> None:
    """Read every setting now: one sentence per bad one, all of them at once."""
    problems = []
    for entry in SETTINGS.values():
        try:
            entry.read()
        except CaseAuditError as problem:
            problems.append(str(problem).removesuffix(" Nothing was run."))
    if problems:
        raise CaseAuditError(" ".join(problems) + " Nothing was run.")


def duckdb_storage_version() -> str:
    """The storage version the warehouse is written in (`v1.4.0`: DuckDB 1.4 and later open
    it; set CASE_AUDIT_DUCKDB_STORAGE_VERSION to `v2.0.0` when every reader is on 2.0)."""
    return setting("duckdb_storage_version")


def quarantine_warn_percent() -> float:
    """Above this share of a file's rows quarantined, the run warns (default 5%)."""
    return setting("quarantine_warn_percent")


def resolve_path(value: str | os.PathLike[str], base: Path = PROJECT_DIR) -> Path:
    """An absolute path; a relative one is taken from `base` (the project folder)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


PATHS = ("input_dir", "warehouse", "reference_dir", "key_file", "feeds_dir")


@dataclass(frozen=True)
class Settings:
    """The resolved locations and output settings one run works with."""

    input_dir: Path
    warehouse: Path
    reference_dir: Path
    key_file: Path
    feeds_dir: Path
    # public feeds suppress counts below force level from 1 to this (docs/dashboards.md)
    suppression_threshold: int = int(SETTINGS["suppression_threshold"].default or 0)
    # further DuckDB databases that get a copy once published (pipeline/publish/targets.py)
    publish_to: tuple[str, ...] = ()

    @classmethod
    def resolve(cls, **flags: str | os.PathLike[str] | None) -> Settings:
        """Flags (None means not given) over environment variables over defaults; relative
        flags from the current directory, the others from the project folder."""
        unknown = set(flags) - set(PATHS)
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        values = {}
        for name in PATHS:
            given = flags.get(name)
            if given is not None:  # a flag: from the current directory
                checked = path_or_refuse(SETTINGS[name], str(given))
                values[name] = resolve_path(checked, Path.cwd())
            else:
                values[name] = resolve_path(setting(name))
        return cls(
            **values,
            suppression_threshold=setting("suppression_threshold"),
            publish_to=setting("publish_to") or (),
        )


def path_or_refuse(entry: Setting, given: str) -> str:
    """A path given as a flag, checked as the environment's would be."""
    if not given:
        raise CaseAuditError(f"{entry.flag} is empty; give a path, or leave the flag out.")
    try:
        return entry.parse(given)
    except Unreadable as expected:
        raise CaseAuditError(f"{entry.flag} must be {expected}, not {given!r}.") from None
