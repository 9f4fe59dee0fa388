"""Validation of rows held in memory (`case-audit check`, which stores nothing): the run's own
staging and its own models, in a scratch database that is gone afterwards. So `check` and a
run judge every row by the same code and the same SQL."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.lazy import pd
from pipeline.storage.models import Model, load_model, materialize
from pipeline.storage.workspace import scratch_database
from pipeline.validate.quarantine import REASON_COLUMNS
from pipeline.validate.staging import RunStaging, params
from schemas.frameworks import Catalogue, catalogue

MODELS = Path(__file__).parent / "models"
MADE = ("case_audits", "rejected_rows", "data_queries")  # in the order they read each other
QUERY_COLUMNS = [
    "source_file",
    "source_row",
    "inspection_id",
    "column_name",
    "rule",
    "message",
    "value",
]


@dataclass
class Validation:
    """`valid`: the rows that passed every rule (normalised text, as given); `reasons`: one
    row per (rejected row, reason), as rejected_rows holds them; `queries` as data_queries."""

    valid: pd.DataFrame
    reasons: pd.DataFrame
    day_first: dict[str, int] = field(default_factory=dict)  # file -> UK dates read
    queries: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def rejected_row_count(self) -> int:
        return self.reasons[["source_file", "source_row"]].drop_duplicates().shape[0]


def _models() -> tuple[Model, ...]:
    """Validation's models that `check` makes (not file_loads: no file is read from disk),
    rendered with the frameworks known now."""
    known = catalogue()
    return _rendered(known.digest, known)


@functools.lru_cache(maxsize=4)
def _rendered(digest: str, known: Catalogue) -> tuple[Model, ...]:
    return tuple(load_model(MODELS / f"{name}.sql", known.context()) for name in MADE)


@dataclass
class Judged:
    """Rows held in memory as a run would judge them: `cases` as case_audits holds them
    (typed, pseudonymised), `reasons` as rejected_rows, `queries` as data_queries, and every
    row `normalised` (canonical text, as the row rules saw it)."""

    cases: pd.DataFrame
    reasons: pd.DataFrame
    queries: pd.DataFrame
    normalised: pd.DataFrame
    day_first: dict[str, int]


def judge_in_memory(rows: pd.DataFrame, run_date: dt.date, key: bytes | None = None) -> Judged:
    """Every rule over `rows` (as the readers shape them, `source_file` naming each row's
    file): staged file by file, judged across rows, then case_audits, rejected_rows and
    data_queries made by the models a run uses. Without `key`, a throwaway key pseudonymises
    the cases (nothing of them is kept)."""
    key = key or secrets.token_bytes(32)
    normalised, day_first, files = [], {}, []
    with scratch_database() as conn:
        staging = RunStaging(conn, run_date, key)
        for name, frame in rows.groupby("source_file", sort=False):
            sha = hashlib.sha256(str(name).encode("utf-8", "surrogatepass")).hexdigest()
            judged = staging.stage_rows(sha, frame)
            normalised.append(judged.normalised)
            day_first[str(name)] = int(judged.day_first.sum())
            files.append((str(name), sha))
        staging.judge_across_rows(files)
        staging.plan_assembly(previous_build=False)
        for model in _models():
            materialize(conn, model, params(key))
        cases = conn.execute("FROM case_audits ORDER BY source_file, source_row").df()
        reasons = conn.execute("FROM rejected_rows").df()
        queries = conn.execute("FROM data_queries").df()
    return Judged(
        cases=cases,
        reasons=reasons.astype({"source_row": "int64"})[list(REASON_COLUMNS)],
        queries=queries[QUERY_COLUMNS],
        normalised=pd.concat(normalised, ignore_index=True) if normalised else rows.iloc[:0],
        day_first={name: n for name, n in day_first.items() if n},
    )


def validate_rows(rows: pd.DataFrame, run_date: dt.date) -> Validation:
    """Every rule over `rows`, as `case-audit check` reports them: the rows that pass (as
    normalised text), the reasons of the others, the queries."""
    judged = judge_in_memory(rows, run_date)
    valid = judged.normalised
    keys = ["source_file", "source_row"]
    kept = pd.MultiIndex.from_frame(judged.cases[keys].astype({"source_row": "int64"}))
    at = pd.MultiIndex.from_frame(valid[keys].astype({"source_row": "int64"}))
    return Validation(
        valid=valid[at.isin(kept)].reset_index(drop=True),
        reasons=judged.reasons,
        day_first=judged.day_first,
        queries=judged.queries,
    )
