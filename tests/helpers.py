"""Small builders for hand-made case rows and files used across the tests."""

from __future__ import annotations

import csv
import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from pipeline.sample_data import COLUMNS  # the v1.1 file layout: no framework column
from schemas.contract import EXTRA_CELLS
from schemas.frameworks import catalogue
from schemas.rules import EXAMPLE_RUN_DATE

RUN_DATE = EXAMPLE_RUN_DATE
# the default framework's example cases (its file's [example_cases]), every column given
_EXAMPLES = catalogue().default.example_cases
EXAMPLE_CASES = {
    kind: dict.fromkeys(COLUMNS) | _EXAMPLES["case"] | cells for kind, cells in _EXAMPLES.items()
}


def case(**overrides: object) -> dict[str, object]:
    """One valid raw row (text as a provider writes it) of a fictional force: the rule
    catalogue's example case."""
    return EXAMPLE_CASES["case"] | overrides


def custody_case(**overrides: object) -> dict[str, object]:
    return EXAMPLE_CASES["custody"] | overrides


def missing_case(**overrides: object) -> dict[str, object]:
    return EXAMPLE_CASES["missing"] | overrides


def rows_frame(rows: list[dict[str, object]], source_file: str = "test.csv") -> pd.DataFrame:
    """The frame ingest would produce for `rows` (all text, NaN for empty): every input
    column of the frameworks known, as the readers shape a chunk."""
    from pipeline.ingest.headers import contract_columns

    columns = [*contract_columns(), EXTRA_CELLS]
    frame = pd.DataFrame(rows, columns=columns).astype(str).replace({"None": None, "nan": None})
    frame = frame.astype(dict.fromkeys(columns, str))
    frame.insert(0, "source_file", source_file)
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def write_csv(path: Path, rows: list[dict[str, object]], columns: list[str] | None = None) -> Path:
    columns = columns or list(COLUMNS)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return path


@contextmanager
def tables_in_memory(
    rows: pd.DataFrame, run_date: dt.date = RUN_DATE, layers=("validate", "warehouse")
):
    """A scratch database holding the tables of `layers` made from `rows` (as the readers shape
    them) by the run's own staging and model files, in the registry's order."""
    from pipeline.storage.models import materialize
    from pipeline.storage.workspace import scratch_database
    from pipeline.validate.staging import RunStaging, params
    from pipeline.warehouse.registry import in_layers, macros_sql

    key = b"k" * 32
    with scratch_database() as conn:
        staging = RunStaging(conn, run_date, key)
        files = []
        for name, frame in rows.groupby("source_file", sort=False):
            staging.stage_rows(f"sha-of-{name}", frame)
            files.append((str(name), f"sha-of-{name}"))
        staging.judge_across_rows(files)
        staging.plan_assembly(previous_build=False)
        conn.execute(macros_sql())
        for model in in_layers("validate", "warehouse"):
            if model.name != "file_loads":
                materialize(conn, model, params(key))
        yield conn


def resource(
    root: Path,
    input_dir: Path,
    name: str = "wh",
    run_date: str = RUN_DATE.isoformat(),
    reference_dir: Path | None = None,
):
    """The one test resource: a run's places below `root` (warehouse and feeds in
    `root/name/`, the key in `root/key`), the shipped reference figures, a fixed run date.
    Never the project's data/ folder."""
    from pipeline.defs.resources import CaseAuditResource
    from pipeline.settings import PROJECT_DIR, Settings

    settings = Settings.resolve(
        input_dir=input_dir,
        warehouse=root / name / "case_audit.duckdb",
        reference_dir=reference_dir or PROJECT_DIR / "data" / "reference",
        key_file=root / "key",
        feeds_dir=root / name / "feeds",
    )
    return CaseAuditResource.from_settings(settings, run_date=run_date)


def publish_folder(root: Path, incoming: Path):
    """A whole successful run over `incoming`, its places below `root`: the warehouse at
    `root/wh/w.duckdb`, feeds and dashboard in `root/feeds`, the key in `root/key`; the
    shipped reference figures and a fixed run date. Returns the run's outcome."""
    from pipeline.defs.runner import run_pipeline
    from pipeline.settings import PROJECT_DIR, Settings

    settings = Settings.resolve(
        input_dir=incoming,
        warehouse=root / "wh" / "w.duckdb",
        reference_dir=PROJECT_DIR / "data" / "reference",
        key_file=root / "key",
        feeds_dir=root / "feeds",
    )
    outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert outcome.success, outcome.problems
    return outcome
