"""Apply the pandera schema lazily and turn every failure into a quarantine reason.

Nothing is dropped: each row ends up either valid or with one reason per (column, rule).
This is the one engine of the row rules: the warehouse build stages every chunk of every file
through `judge_rows` (`pipeline/validate/staging.py`), and `case-audit check` runs the same
staging over files held in memory (`pipeline/validate/memory.py`), storing nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.lazy import np, pd
from pipeline.validate.normalise import normalise
from schemas.contract import FRAMEWORK, day_first
from schemas.frameworks import Framework, catalogue
from schemas.rules import (
    NOT_NULLABLE,
    REQUIRED_RULE,
    build_schema,
    conditions,
    core_row_rules,
    hints,
    input_columns_of,
    parse_check_label,
    rule_messages,
)

VALUE_LIMIT = 200  # characters of a rejected cell kept in rejected_rows.value
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


def _failures(
    frame: pd.DataFrame, framework: Framework | None, run_date: dt.date, known: set[str]
) -> pd.DataFrame:
    """pandera failure cases as (index, column_name, rule); empty when all rows pass.
    `known`: the codes of the rules the schema can report."""
    import pandera.pandas as pa

    try:
        build_schema(framework, run_date).validate(frame, lazy=True)
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
    unknown = set(out["rule"]) - known
    if unknown:  # a pandera-internal failure (e.g. a check that crashed) is a bug, not data
        raise RuntimeError(f"schema produced failures outside the rule catalogue: {unknown}")
    return out.drop_duplicates()


def _hints(rules: pd.Series, values: pd.Series, framework: Framework | None) -> pd.Series:
    """Each reason's hint (`Did you mean ...?`), worked out once per distinct (rule, value)."""
    given = hints(framework)
    found_hints = pd.Series(pd.NA, index=rules.index, dtype=str)
    asked = rules.isin(given.keys()) & values.notna()
    if not asked.any():
        return found_hints
    pairs = pd.DataFrame({"rule": rules[asked], "value": values[asked]})
    found = {(r, v): given[r](v) for r, v in pairs.drop_duplicates().itertuples(index=False)}
    found_hints[asked] = [found[pair] for pair in pairs.itertuples(index=False, name=None)]
    return found_hints


@dataclass
class Judged:
    """Every row as the pandera schema judged it: `normalised` (all rows, canonical
    spellings, same order as given), `reasons` (one per (row, column, rule), values cut);
    `foreign`: columns that held values on rows of a framework without them (dropped)."""

    normalised: pd.DataFrame
    reasons: pd.DataFrame
    failed: pd.Index  # positions in `normalised` of the rows with a reason
    day_first: pd.Series  # True where audit_date was written as a UK date (DD/MM/YYYY)
    foreign: dict[str, set[str]] = field(default_factory=dict)  # framework -> columns


def frameworks_of(rows: pd.DataFrame) -> pd.Series:
    """The key of each row's framework (`ncpi@2016` for an empty cell), or missing where
    the row names a framework not known; looked up once per distinct cell."""
    known = catalogue()
    codes, distinct = pd.factorize(rows[FRAMEWORK], use_na_sentinel=True)
    found = [known.find(value) for value in distinct]
    # the last entry is what an empty cell (code -1) names: the default framework
    lookup = np.array([None if f is None else f.key for f in found] + [known.default.key])
    return pd.Series(lookup[codes], index=rows.index, dtype=str)


def judge_rows(rows: pd.DataFrame, run_date: dt.date) -> Judged:
    """The rules that look at one row at a time: the pandera schema of each row's framework
    over `rows`, lazily, so every failure of every row is found. Rules that compare rows are
    applied afterwards, over all rows of all files (`cross_row_reasons`)."""
    raw = rows.reset_index(drop=True)
    keys = frameworks_of(raw)
    parts, reasons, foreign = [], [], {}
    for key in keys.drop_duplicates().tolist():
        here = keys.isna() if pd.isna(key) else keys.eq(key).fillna(False)
        framework = None if pd.isna(key) else catalogue()[key]
        group = raw[here.to_numpy()]
        frame = normalise(group, framework)
        if framework is not None:
            dropped = [c for c in frame.columns if c in _others(framework)]
            held = [c for c in dropped if frame[c].notna().any()]
            if held:
                foreign[framework.key] = set(held)
            frame[dropped] = pd.NA
        parts.append(frame)
        reasons.append(
            _reasons(raw, conditions(frame, framework) if framework else frame, framework, run_date)
        )
    frame = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
    found = pd.concat(reasons, ignore_index=True) if len(reasons) > 1 else reasons[0]
    failed = pd.Index(found["_index"].unique())
    return Judged(
        frame, found.drop(columns="_index"), failed, day_first(raw["audit_date"]), foreign
    )


def _others(framework: Framework) -> set[str]:
    """The input columns of other frameworks: not this framework's rows' to have."""
    return set(catalogue().columns()) - set(input_columns_of(framework))


def _reasons(
    raw: pd.DataFrame, frame: pd.DataFrame, framework: Framework | None, run_date: dt.date
) -> pd.DataFrame:
    """The reasons of `frame`'s rows (positions of `raw`), each with its message and hint."""
    messages = (
        rule_messages(framework)
        if framework
        else {rule.code: rule.message for rule in core_row_rules(None)}
    )
    failures = _failures(frame, framework, run_date, set(messages))
    picked = raw.loc[failures["index"]].reset_index(drop=True)
    values = pd.Series(pd.NA, index=failures.index, dtype=str)
    for column in failures["column_name"].unique():
        here = failures["column_name"].eq(column)
        values[here] = raw[column].to_numpy()[failures.loc[here, "index"].to_numpy()]
    return pd.DataFrame(
        {
            "_index": failures["index"].to_numpy(),
            "source_file": picked["source_file"].astype(str),
            "source_row": picked["source_row"].astype("int64"),
            "inspection_id": picked["inspection_id"],
            "case_ref": picked["case_ref"],
            "column_name": failures["column_name"].to_numpy(),
            "rule": failures["rule"].to_numpy(),
            "message": failures["rule"].map(messages).to_numpy(),
            "value": shorten(values).to_numpy(),
            "hint": _hints(failures["rule"], values, framework).to_numpy(),
        },
        columns=["_index", *REASON_COLUMNS],
    )


def day_first_note(count: int) -> str:
    """What a file's report says when it held UK dates."""
    return f"{count:,} date(s) written DD/MM/YYYY were read day first (04/03/2025 is 4 March 2025)"
