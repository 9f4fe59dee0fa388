"""Apply the pandera schema lazily and turn every failure into a quarantine reason.

Nothing is dropped: each row ends up either valid or with one reason per (column, rule).
This is the one engine of the row rules: the warehouse build stages every chunk of every file
through `judge_rows` (`pipeline/validate/staging.py`), and `case-audit check` runs the same
staging over files held in memory (`pipeline/validate/memory.py`), storing nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.lazy import pd
from pipeline.validate.normalise import normalise
from schemas.case_audit import (
    NOT_NULLABLE,
    REQUIRED_RULE,
    RULES_BY_CODE,
    build_schema,
    day_first,
    parse_check_label,
)

VALUE_LIMIT = 200  # characters of a rejected cell kept in rejected_rows.value
MESSAGES = {code: rule.message for code, rule in RULES_BY_CODE.items()}
REASON_COLUMNS = (
    "source_file",
    "source_row",
    "inspection_id",
    "case_ref",
    "column_name",
    "rule",
    "message",
    "value",
    "hint",
)
HINTS = {code: rule.hint for code, rule in RULES_BY_CODE.items() if rule.hint}


def shorten(values: pd.Series, limit: int = VALUE_LIMIT) -> pd.Series:
    """Cells longer than `limit` cut, with their full length said: a quarantine row stays
    small. A cell spanning lines keeps its first line only (a stray quote can make whole
    cases one cell: what the other lines hold is not kept)."""
    lengths = values.str.len().astype("Int64").astype(str)
    cut = values.str.slice(0, limit) + "… (" + lengths + " characters)"
    spans = values.str.contains(r"[\r\n]", regex=True).fillna(False).astype(bool)
    first = values.str.extract(r"^([^\r\n]*)", expand=False).str.slice(0, limit)
    spanning = first + "… (" + lengths + " characters over several lines)"
    long = (values.str.len() > limit).fillna(False).astype(bool)
    return values.where(~long, cut).where(~spans, spanning)


def _failures(frame: pd.DataFrame, run_date: dt.date) -> pd.DataFrame:
    """pandera failure cases as (index, column_name, rule); empty when all rows pass."""
    import pandera.pandas as pa

    try:
        build_schema(run_date).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return pd.DataFrame({"index": pd.Series(dtype="int64"), "column_name": [], "rule": []})
    cases = cases[cases["index"].notna()]
    parsed = cases["check"].astype(str).map(parse_check_label)
    rule = parsed.str[0].replace({NOT_NULLABLE: REQUIRED_RULE})
    blamed = parsed.str[1]
    # a frame-wide check reports every column of a failing row: keep the one it blames
    keep = blamed.isna() | blamed.eq(cases["column"])
    out = pd.DataFrame(
        {
            "index": cases["index"].astype("int64"),
            "column_name": cases["column"].astype(str),
            "rule": rule,
        }
    )[keep]
    unknown = set(out["rule"]) - set(RULES_BY_CODE)
    if unknown:  # a pandera-internal failure (e.g. a check that crashed) is a bug, not data
        raise RuntimeError(f"schema produced failures outside the rule catalogue: {unknown}")
    return out.drop_duplicates()


def _hints(rules: pd.Series, values: pd.Series) -> pd.Series:
    """Each reason's hint (`Did you mean ...?`), worked out once per distinct (rule, value)."""
    hints = pd.Series(pd.NA, index=rules.index, dtype=str)
    asked = rules.isin(HINTS.keys()) & values.notna()
    if not asked.any():
        return hints
    pairs = pd.DataFrame({"rule": rules[asked], "value": values[asked]})
    found = {(r, v): HINTS[r](v) for r, v in pairs.drop_duplicates().itertuples(index=False)}
    hints[asked] = [found[pair] for pair in pairs.itertuples(index=False, name=None)]
    return hints


@dataclass
class Judged:
    """Every row as the pandera schema judged it: `normalised` (all rows, canonical
    spellings, same order as given), `reasons` (one per (row, column, rule), values cut)."""

    normalised: pd.DataFrame
    reasons: pd.DataFrame
    failed: pd.Index  # positions in `normalised` of the rows with a reason
    day_first: pd.Series  # True where audit_date was written as a UK date (DD/MM/YYYY)


def judge_rows(rows: pd.DataFrame, run_date: dt.date) -> Judged:
    """The rules that look at one row at a time: the pandera schema over `rows`, lazily, so
    every failure of every row is found. Rules that compare rows are applied afterwards,
    over all rows of all files (`cross_row_reasons`)."""
    raw = rows.reset_index(drop=True)
    frame = normalise(raw)
    failures = _failures(frame, run_date)
    picked = raw.loc[failures["index"]].reset_index(drop=True)
    values = pd.Series(pd.NA, index=failures.index, dtype=str)
    for column in failures["column_name"].unique():
        here = failures["column_name"].eq(column)
        values[here] = raw[column].to_numpy()[failures.loc[here, "index"].to_numpy()]
    reasons = pd.DataFrame(
        {
            "source_file": picked["source_file"].astype(str),
            "source_row": picked["source_row"].astype("int64"),
            "inspection_id": picked["inspection_id"],
            "case_ref": picked["case_ref"],
            "column_name": failures["column_name"].to_numpy(),
            "rule": failures["rule"].to_numpy(),
            "message": failures["rule"].map(MESSAGES).to_numpy(),
            "value": shorten(values).to_numpy(),
            "hint": _hints(failures["rule"], values).to_numpy(),
        },
        columns=list(REASON_COLUMNS),
    )
    failed = pd.Index(failures["index"].unique())
    return Judged(frame, reasons, failed, day_first(raw["audit_date"]))


def day_first_note(count: int) -> str:
    """What a file's report says when it held UK dates."""
    return f"{count:,} date(s) written DD/MM/YYYY were read day first (04/03/2025 is 4 March 2025)"
