"""The rule catalogue: every rule a row or file is judged by, one unit each, and the pandera
schema built from it for one framework.

Every rule has a stable code, the columns it blames, a message telling the data provider what
is wrong and what to do, the check that implements it and examples that show (and test) it.
The core rules are written here once and take their accepted values from the framework
(`category_unknown` accepts the framework's categories); a framework's own rules (a column
required or empty on a condition, a number's range, its queries) are made from its file
(schemas/frameworks.py), with the codes and messages it gives. `case-audit rules` prints the
catalogue of each framework.

The schema validates *normalised text* (pipeline/validate/normalise.py): codes lower-cased
with aliases resolved, booleans spelled `true`/`false`, dates as ISO text. Typing happens when
valid rows are staged. A framework's conditions (`required_when`, `empty_unless`) are SQL over
one case; they are evaluated once per chunk by DuckDB (`conditions`) and the schema's checks
read the result.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.lazy import pd
from schemas.contract import (
    CASE_REF_PATTERN,
    CORE_COLUMNS,
    CORE_REQUIRED,
    EXTRA_CELLS,
    FRAMEWORK,
    INSPECTION_ID_PATTERN,
    STRAY_QUOTE_PATTERN,
    SYNTHETIC,
    TEXT_LIMIT,
    TEXT_LIMITS,
    WHOLE_NUMBER_PATTERN,
    iso_days,
)
from schemas.frameworks import DEFAULT, Framework, FrameworkColumn, catalogue, fold

if TYPE_CHECKING:  # pandera is imported where the schema is built: keeps start-up cheap
    import pandera.pandas as pa

EXAMPLE_RUN_DATE = dt.date(2026, 11, 29)  # the run date the examples are judged on
CROSS_ROW = "pipeline/validate/sql/cross_row_reasons.sql"
# checked_by of the queries: flags that hold nothing back
QUERIES = "pipeline/validate/models/data_queries.sql"
QUERY_DAYS = 183  # an audit date further than this from its inspection's median is queried
QUERY_SELF_RATED_SHARE = 0.1  # self-rated on fewer than this share of cases: queried
BY_READERS = "ingest"  # checked_by of the file rules: pipeline/ingest refuses the file
LONG = "x" * 201
REQUIRED_RULE = "required_missing"
NOT_NULLABLE = "not_nullable"  # pandera's label for a null in a non-nullable column


# ---------------------------------------------------------------- examples


@dataclass(frozen=True)
class Example:
    """Rows (each: a kind of the framework's example cases and the cells it changes) and the
    (row, column) pairs the rule must blame in them; none for an example of rows that pass."""

    rows: tuple[tuple[str, dict[str, object]], ...]
    blamed: frozenset[tuple[int | None, str]] = frozenset()

    def describe(self) -> str:
        """The cells this example changes, as a provider would see them: `rating = 'excellent'`."""

        def shown(value: object) -> str:
            if value is None:
                return "(empty)"
            text = str(value)
            return repr(text) if len(text) <= 40 else f"{text[:12]!r}… ({len(text)} characters)"

        changed = [
            f"{column} = {shown(value)}"
            for _, cells in self.rows
            for column, value in cells.items()
        ]
        return "; ".join(dict.fromkeys(changed))

    def frame_rows(self, framework: Framework) -> list[dict[str, object]]:
        """The example's rows as a provider writes them (a case_ref each, unless given), from
        `framework`'s example cases (a kind other than `case` changes the `case`)."""
        cases = framework.example_cases
        named = {} if framework.key == DEFAULT else {FRAMEWORK: framework.key}
        return [
            cases["case"] | cases.get(kind, {}) | named | {"case_ref": f"NW-{n:04}"} | cells
            for n, (kind, cells) in enumerate(self.rows, 1)
        ]


def breaks(*rows: dict[str, object], kind: str = "case", blamed: set | None = None) -> Example:
    """Rows of one `kind` that break a rule; by default each row is blamed in the one column
    it changes (or `blamed`: (row, column) pairs)."""
    if blamed is None:
        blamed = {(i, column) for i, row in enumerate(rows) for column in row}
    return Example(tuple((kind, row) for row in rows), frozenset(blamed))


def passes(*rows: dict[str, object], kind: str = "case") -> Example:
    """Rows of one `kind` that the rule lets through."""
    return Example(tuple((kind, row) for row in rows))


def _written(entry: dict) -> Example:
    """An example as a framework file writes it: `{rule, case, changes, passes}`, an empty
    string for an empty cell."""
    changes = tuple({k: (None if v == "" else v) for k, v in c.items()} for c in entry["changes"])
    kind = entry.get("case", "case")
    return passes(*changes, kind=kind) if entry.get("passes") else breaks(*changes, kind=kind)


# ---------------------------------------------------------------- the rule unit


@dataclass(frozen=True)
class Rule:
    """One validation rule, stated once: its code, the columns it blames, the message the
    data provider reads, the check that implements it and the examples that show (and test)
    it. `level` is `row` (row quarantined), `file` (file refused) or `query` (flagged).

    How the rule is checked (`checked_by`): `pandera`, by the schema built below from
    `cells` (a check of one column's values, True where a cell passes; missing cells pass
    unless `judges_missing`) or `row` (a check of the whole row for one blamed column);
    `sql/cross_row_reasons.sql` for the rules that compare rows, over every row of every
    input file; the readers (`pipeline/ingest`) for whole files; data_queries for queries.
    `required_missing` is pandera's own: its columns are the schema's non-nullable ones.
    `defined_in`: `core` (the same rule under every framework) or the framework's file.
    """

    code: str
    columns: tuple[str, ...]
    message: str
    level: str = "row"
    checked_by: str = "pandera"
    cells: Callable[[pd.Series, dt.date], pd.Series] | None = None
    row: Callable[[pd.DataFrame, str], pd.Series] | None = None
    judges_missing: bool = False
    examples: tuple[Example, ...] = ()
    # what the provider probably meant, from the cell as written (None: nothing to add)
    hint: Callable[[str], str | None] | None = None
    defined_in: str = "core"
    when: str = ""  # a framework rule's condition, in words for the catalogue


def _one_of(values: tuple[str, ...]) -> Callable[[pd.Series, dt.date], pd.Series]:
    return lambda cells, _: cells.isin(values)


def _did_you_mean(values: tuple[str, ...]) -> Callable[[str], str | None]:
    """`Did you mean missing_absent?` for a near miss (`mising_absent`), as a code's spelling
    is read (lower case, spaces and hyphens as `_`); None when nothing is close."""

    def hint(written: str) -> str | None:
        close = difflib.get_close_matches(fold(written), values, n=1, cutoff=0.75)
        return f"Did you mean {close[0]}?" if close else None

    return hint


def _known_frameworks(written: str) -> str:
    """Which frameworks are known (and the one probably meant)."""
    known = tuple(framework.key for framework in catalogue())
    close = difflib.get_close_matches(str(written).strip().lower(), known, n=1, cutoff=0.6)
    meant = f"Did you mean {close[0]}? " if close else ""
    return f"{meant}Known frameworks: {', '.join(known)}."


def _whole_number(low: int | None, high: int | None) -> Callable[[pd.Series, dt.date], pd.Series]:
    def check(values: pd.Series, _: dt.date) -> pd.Series:
        digits = values.str.fullmatch(WHOLE_NUMBER_PATTERN).fillna(False).astype(bool)
        number = pd.to_numeric(values.where(digits), errors="coerce")
        inside = digits.copy()
        if low is not None:
            inside &= (number >= low).fillna(False).astype(bool)
        if high is not None:
            inside &= (number <= high).fillna(False).astype(bool)
        return inside

    return check


POSITION = "?position"  # a chunk row's position while its conditions are evaluated


def condition_column(expression: str) -> str:
    """The name under which a condition's outcome is added to a chunk (never an input column:
    it holds a character no header keeps)."""
    return "?" + hashlib.sha256(expression.encode()).hexdigest()[:16]


def _required_when(framework: Framework) -> Callable[[pd.DataFrame, str], pd.Series]:
    """Passes unless the cell is empty and its column's `required_when` is true."""

    def check(frame: pd.DataFrame, column: str) -> pd.Series:
        when = framework.column(column).required_when
        return frame[column].notna() | ~frame[condition_column(when)].eq(True)

    return check


def _empty_unless(framework: Framework) -> Callable[[pd.DataFrame, str], pd.Series]:
    """Passes unless the cell holds a value and its column's `empty_unless` is false (not
    merely unknown: a row whose category is itself wrong is not blamed here too)."""

    def check(frame: pd.DataFrame, column: str) -> pd.Series:
        unless = framework.column(column).empty_unless
        return frame[column].isna() | ~frame[condition_column(unless)].eq(False)

    return check


def _levels(scale: tuple[str, ...], shown_aliases: tuple[str, ...]) -> str:
    return ", ".join(scale) + (f" (or {', '.join(shown_aliases)})" if shown_aliases else "")


# ---------------------------------------------------------------- the catalogue


def file_rules(framework: Framework) -> tuple[Rule, ...]:
    """Whole-file refusals: the readers make them (pipeline/ingest)."""
    required = (*CORE_REQUIRED, *(c.name for c in framework.columns if c.always_required))
    return (
        Rule(
            "file_unreadable",
            (),
            "The file cannot be read as a table; save it as UTF-8 CSV, "
            "XLSX or Parquet and send it again.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_no_rows",
            (),
            "The file has no data rows; add the cases below the header row.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_missing_columns",
            required,
            "Required columns are missing; add them to the header row (see the data dictionary).",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_duplicate_columns",
            (),
            "Two columns have the same name once spaces, hyphens and "
            "case are ignored; keep one of them.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_duplicate_content",
            (),
            "The file has exactly the same content as another input file; its rows are loaded "
            "once, from the other file. Remove the copy.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_column_type",
            (),
            "A column of the contract holds nested or binary values (a struct, list, map or "
            "bytes); store one plain value per cell and send the file again.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_too_large",
            (),
            "A row, cell or workbook part is far larger than any case file needs (a stray "
            "quote, or a workbook that expands enormously); correct it and send the file again.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_too_wide",
            (),
            "The file has more than 1,000 columns; keep the contract's columns and send it again.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_unnamed_column",
            (),
            "A column holds values but has no header (often the second half of a merged "
            "header cell); give every column its own header in row 1, or delete the column. "
            "Nothing of this file was stored.",
            "file",
            BY_READERS,
        ),
        Rule(
            "file_identifier_column",
            (),
            "The file has a column that looks like a direct "
            "identifier; remove it and send the file again. Nothing of this file was stored.",
            "file",
            BY_READERS,
        ),
    )


def core_row_rules(framework: Framework | None) -> tuple[Rule, ...]:
    """The rules every row is judged by, with `framework`'s accepted values; with None (a
    row naming an unknown framework) only those that need no framework."""
    fw = framework
    text_columns = (
        ("force", "area", *(c.name for c in fw.columns if c.type == "text"))
        if fw
        else (
            "force",
            "area",
        )
    )
    required = (
        (*CORE_REQUIRED, *(c.name for c in fw.columns if c.always_required))
        if fw
        else (CORE_REQUIRED)
    )
    rules = [
        Rule(
            REQUIRED_RULE,
            required,
            "A value is required here; fill it in.",
            examples=(
                breaks({"rating": None}),
                breaks({"inspection_id": None, "force": None}),
                passes({"area": None, "force_rating": None}),
            ),
        ),
        Rule(
            EXTRA_CELLS,
            (EXTRA_CELLS,),
            "This row has more cells than the header; check for an unquoted comma and put "
            "quotes around any cell that contains one.",
            cells=lambda cells, _: cells.isna(),
            judges_missing=True,
            examples=(breaks({EXTRA_CELLS: "2 cell(s)"}),),
        ),
        Rule(
            "inspection_id_format",
            ("inspection_id",),
            "Use 3-64 characters of letters, digits, '_', '.' or '-', e.g. MPS-NCPI-2016.",
            cells=lambda v, _: v.str.fullmatch(INSPECTION_ID_PATTERN),
            examples=(
                breaks({"inspection_id": "AB"}, {"inspection_id": "NW C/P 2025"}),
                passes({"inspection_id": "MPS.NCPI_2016-a"}),
            ),
        ),
        Rule(
            "case_ref_format",
            ("case_ref",),
            "Use the pseudonymous reference: 3-64 characters of letters, digits, '_' or '-' (a "
            "reference like 1234.0 was saved from a number column: format the column as text).",
            cells=lambda v, _: v.str.fullmatch(CASE_REF_PATTERN),
            examples=(
                breaks({"case_ref": "NW"}, {"case_ref": "NW.0001"}, {"case_ref": "x" * 65}),
                passes({"case_ref": "1234"}),
            ),
        ),
        Rule(
            "text_stray_quote",
            text_columns,
            'This cell holds a line break or several commas: a stray double quote (") earlier '
            "in the row probably made the cells or lines after it (other cases among them) one "
            "cell. Remove the stray quote and send the file again.",
            cells=lambda v, _: ~v.str.contains(STRAY_QUOTE_PATTERN, regex=True),
            examples=(
                breaks(
                    {"area": "Harbour\nNW-2016,C-0002"},
                    {"area": "Ward\r3"},
                    {"force": "North, Harbour, good, 2016-01-04, no"},
                ),
                passes({"area": "North, East, Ward 3, Ward 4"}),
            ),
        ),
        Rule(
            "text_too_long",
            text_columns,
            f"Keep this text to at most {max(TEXT_LIMITS.values())} characters.",
            cells=lambda v, _: v.str.len() <= TEXT_LIMIT,
            examples=(breaks({"area": LONG}, {"force": LONG}), passes({"area": LONG[:200]})),
        ),
        Rule(
            "framework_unknown",
            (FRAMEWORK,),
            "This framework is not known here; use one listed by `case-audit rules "
            f"--frameworks`, or leave the cell empty for {DEFAULT}.",
            cells=lambda v, _: v.str.lower().isin([f.key.lower() for f in catalogue()]),
            examples=(
                breaks({FRAMEWORK: "ncpi@2015"}, {FRAMEWORK: "NCPI"}),
                passes({FRAMEWORK: "NCPI@2016"}, {FRAMEWORK: None}),
            ),
            hint=_known_frameworks,
        ),
    ]
    dated = [
        Rule(
            "audit_date_invalid",
            ("audit_date",),
            "Write the date as YYYY-MM-DD (2025-03-04) or DD/MM/YYYY, day first (04/03/2025 "
            "is 4 March 2025), or use an Excel date cell; the day must exist.",
            cells=lambda v, _: iso_days(v).notna(),
            examples=(
                breaks(
                    {"audit_date": "2025-02-30"},
                    {"audit_date": "31/02/2025"},
                    {"audit_date": "0000-01-01"},
                    {"audit_date": "2025-3-4"},
                    {"audit_date": "04-03-2025"},
                    {"audit_date": "4/3/25"},
                    {"audit_date": "4 March 2025"},
                ),
                passes(
                    {"audit_date": "2016-02-29"},
                    {"audit_date": "04/03/2025"},
                    {"audit_date": "4/3/2025"},
                ),
            ),
        ),
        Rule(
            "audit_date_future",
            ("audit_date",),
            "The audit date is after today; correct it.",
            cells=lambda v, run_date: ~(iso_days(v) > pd.Timestamp(run_date)).fillna(False),
            examples=(
                breaks({"audit_date": "2026-11-30"}),
                passes({"audit_date": EXAMPLE_RUN_DATE.isoformat()}),
            ),
        ),
    ]
    if fw is None:
        return (*rules, *dated)
    categories = tuple(fw.categories)
    rating, force = fw.rating, fw.force_rating
    rules += [
        Rule(
            "category_unknown",
            ("category",),
            f"Use one of: {', '.join(categories)}.",
            cells=_one_of(categories),
            examples=(breaks({"category": "burglary"}), passes({"category": "Domestic Abuse"})),
            hint=_did_you_mean(categories),
        ),
        Rule(
            "rating_unknown",
            ("rating",),
            f"Use one of: {_levels(rating.levels, rating.shown_aliases)}.",
            cells=_one_of(rating.levels),
            examples=(breaks({"rating": "excellent"}), passes({"rating": "RI"})),
            hint=_did_you_mean(rating.levels),
        ),
        Rule(
            "force_rating_unknown",
            ("force_rating",),
            f"Use one of: {', '.join(force.levels)}, or leave it empty."
            if force
            else f"{fw.key} has no force rating; leave force_rating empty.",
            cells=_one_of(fw.force_levels),
            examples=(
                breaks({"force_rating": "outstanding"}),
                passes({"force_rating": "Adequate"}),
            ),
            hint=_did_you_mean(fw.force_levels) if force else None,
        ),
        Rule(
            "bool_invalid",
            (*(c.name for c in fw.columns if c.type == "bool"), SYNTHETIC),
            "Use true/false, yes/no, y/n or 1/0.",
            cells=_one_of(("true", "false")),
            examples=(breaks({SYNTHETIC: "perhaps"}), passes({SYNTHETIC: "Yes"})),
        ),
        *dated,
    ]
    dates = tuple(c.name for c in fw.columns if c.type == "date")
    if dates:
        rules.append(
            Rule(
                "date_invalid",
                dates,
                "Write the date as YYYY-MM-DD or DD/MM/YYYY, day first, or use an Excel date "
                "cell; the day must exist.",
                cells=lambda v, _: iso_days(v).notna(),
            )
        )
    return tuple(rules)


def framework_rules(framework: Framework) -> tuple[Rule, ...]:
    """The rules a framework's file makes: a number's range, a column required on a
    condition, a column that must stay empty unless one holds. Codes and messages are the
    file's; a rule it does not name takes a code from the column (`<column>_missing`)."""
    made: dict[str, dict] = {}

    def add(code: str, column: FrameworkColumn, message: str, **check: object) -> None:
        entry = made.setdefault(
            code, {"columns": [], "message": framework.rules.get(code, message), **check}
        )
        entry["columns"].append(column.name)
        entry.setdefault("when", []).append(check.get("when_text", ""))

    for column in framework.columns:
        if column.type == "integer":
            low, high = column.minimum, column.maximum
            span = (
                f" from {low} to {high}"
                if low is not None and high is not None
                else f" of {low} or more"
                if low is not None
                else f" of at most {high}"
                if high is not None
                else ""
            )
            add(
                column.invalid_rule or f"{column.name}_invalid",
                column,
                f"Use a whole number{span}.",
                cells=_whole_number(low, high),
            )
        if column.required_when and not column.always_required:
            add(
                column.missing_rule or f"{column.name}_missing",
                column,
                f"A value is required here when {column.required_when}; fill it in.",
                row=_required_when(framework),
                when_text=f"required when {column.required_when}",
            )
        if column.empty_unless:
            add(
                column.not_applicable_rule or f"{column.name}_not_applicable",
                column,
                f"Leave this empty unless {column.empty_unless}; empty it or correct the row.",
                row=_empty_unless(framework),
                when_text=f"empty unless {column.empty_unless}",
            )
    return tuple(
        Rule(
            code,
            tuple(entry["columns"]),
            entry["message"],
            cells=entry.get("cells"),
            row=entry.get("row"),
            defined_in=framework.key,
            when="; ".join(dict.fromkeys(w for w in entry["when"] if w)),
        )
        for code, entry in made.items()
    )


def cross_row_rules() -> tuple[Rule, ...]:
    """The rules that compare rows, over every row of every input file."""
    return (
        Rule(
            "force_mismatch",
            ("force",),
            "Every row of one inspection_id must name the same force as most of its rows; "
            "correct the force or the inspection_id.",
            checked_by=CROSS_ROW,
            examples=(
                breaks({}, {}, {"force": "Northwold Police"}, blamed={(2, "force")}),
                breaks(
                    {}, {"force": "Northwold Police"}, blamed={(0, "force"), (1, "force")}
                ),  # a tie: no majority
                passes({}, {"inspection_id": "NWC-CP-2026", "force": "Northwold Police"}),
            ),
        ),
        Rule(
            "framework_mismatch",
            (FRAMEWORK,),
            "Every row of one inspection_id must name the same framework as most of its rows "
            "(an empty cell names ncpi@2016); correct the framework or the inspection_id.",
            checked_by=CROSS_ROW,
            examples=(
                breaks({}, {}, {FRAMEWORK: "mace@2024"}, blamed={(2, FRAMEWORK)}),
                passes({}, {FRAMEWORK: "NCPI@2016"}),  # an empty cell and the default agree
            ),
        ),
        Rule(
            "duplicate_case_ref",
            ("case_ref",),
            "This case_ref appears more than once in its inspection, so every copy is held "
            "back; keep one row per case.",
            checked_by=CROSS_ROW,
            examples=(
                breaks(
                    {"case_ref": "NW-0001"},
                    {"case_ref": "NW-0001"},
                    {},
                    blamed={(0, "case_ref"), (1, "case_ref")},
                ),
                passes(
                    {"case_ref": "NW-0001"},
                    {"case_ref": "NW-0001", "inspection_id": "NWC-CP-2026"},
                ),
            ),
        ),
    )


def query_rules(framework: Framework) -> tuple[Rule, ...]:
    """Queries: a row (or an inspection) worth a second look, flagged for its provider
    without holding anything back (the children's-data validators' "queries" beside their
    errors). They run over the rows that loaded (table data_queries)."""
    return (
        Rule(
            "query_audit_date_far_from_inspection",
            ("audit_date",),
            f"This audit date is more than {QUERY_DAYS} days from the middle of its "
            "inspection's other audit dates; check the date (or the inspection_id).",
            "query",
            QUERIES,
            examples=(
                breaks({}, {}, {}, {}, {"audit_date": "2023-03-04"}, blamed={(4, "audit_date")}),
                passes({}, {}, {}, {}, {"audit_date": "2025-01-04"}),
            ),
        ),
        *(
            Rule(
                query.code,
                (query.column,),
                query.message,
                "query",
                QUERIES,
                defined_in=framework.key,
                when=query.when,
            )
            for query in framework.queries
        ),
        *[
            Rule(
                "query_self_rating_sparse",
                ("force_rating",),
                f"The force rated fewer than {QUERY_SELF_RATED_SHARE:.0%} of this inspection's "
                "cases itself (force_rating); add its self-assessment where it made one.",
                "query",
                QUERIES,
                examples=(
                    breaks(*[{"force_rating": None}] * 10, blamed={(None, "force_rating")}),
                    passes(*[{"force_rating": scale.levels[0]}] * 10),
                ),
            )
            for scale in [framework.force_rating]
            if scale  # a framework without a force rating asks for none
        ],
    )


@functools.lru_cache(maxsize=16)
def rules_of(framework: Framework) -> tuple[Rule, ...]:
    """Every rule of one framework, in catalogue order: file rules, row rules (core, then the
    framework's), the rules that compare rows, the queries. The core rules' examples are
    written against the default framework's example cases; a framework file's `[[examples]]`
    add to the rule they name."""
    rules = (
        *file_rules(framework),
        *core_row_rules(framework),
        *framework_rules(framework),
        *cross_row_rules(),
        *query_rules(framework),
    )
    own: dict[str, list[Example]] = {}
    for entry in framework.examples:
        own.setdefault(entry["rule"], []).append(_written(entry))
    unknown = sorted(set(own) - {rule.code for rule in rules})
    if unknown:
        from schemas.frameworks import FrameworkError

        where = next(i for i, e in enumerate(framework.examples) if e["rule"] == unknown[0])
        raise FrameworkError(
            f"Framework file {framework.path}: examples[{where}].rule: {unknown[0]!r} is not a "
            f"rule of {framework.key} (`case-audit rules --framework {framework.key}` lists "
            "them). Nothing was run; correct the file (docs/frameworks.md)."
        )
    core_examples = framework.key == DEFAULT
    return tuple(
        Rule(
            **{
                **rule.__dict__,
                "examples": (*(rule.examples if core_examples else ()), *own.get(rule.code, ())),
            }
        )
        for rule in rules
    )


def check_frameworks() -> None:
    """Every framework known, checked whole before a run reads anything: its file
    (schemas/frameworks.py) and its rules' examples; FrameworkError, one sentence, else."""
    for framework in catalogue():
        rules_of(framework)


def rule_messages(framework: Framework) -> dict[str, str]:
    """Each rule's message under `framework`, by code."""
    return {rule.code: rule.message for rule in rules_of(framework)}


def hints(framework: Framework | None) -> dict[str, Callable[[str], str | None]]:
    rules = rules_of(framework) if framework else core_row_rules(None)
    return {rule.code: rule.hint for rule in rules if rule.hint}


def example_of(rule: Rule) -> str:
    """The first example that breaks `rule`, described (empty for file rules)."""
    return next((e.describe() for e in rule.examples if e.blamed and e.describe()), "")


# ---------------------------------------------------------------- conditions and the schema


def conditions(frame: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """`frame` (normalised text) with the outcome of each of the framework's conditions as a
    column (`condition_column`): True, False, or missing where a value it reads is itself
    missing or invalid. Evaluated by DuckDB over the row's typed values, once per chunk."""
    expressions = list(
        dict.fromkeys(
            expression
            for column in framework.columns
            for expression in (column.required_when, column.empty_unless)
            if expression and expression.strip().lower() != "true"
        )
    )
    if not expressions:
        return frame
    import duckdb

    typed = typed_select(framework, "chunk", carry=(POSITION,))
    outcomes = ", ".join(
        f'({expression}) AS "{condition_column(expression)}"' for expression in expressions
    )
    with duckdb.connect() as conn:
        # DuckDB scans a large frame in parallel and need not keep its order: each row's
        # outcome is put back by its position, never by the order rows come back in
        conn.register("chunk", frame.assign(**{POSITION: range(len(frame))}))
        result = conn.execute(f'SELECT {outcomes} FROM ({typed}) ORDER BY "{POSITION}"').df()
    out = frame.copy()
    for expression in expressions:
        name = condition_column(expression)
        out[name] = result[name].astype("boolean").to_numpy()
    return out


def typed_select(framework: Framework, relation: str, carry: tuple[str, ...] = ()) -> str:
    """A SELECT of `relation`'s normalised text as one case's typed values (a value that
    is not valid is NULL), with the two predicates: what a condition is evaluated over; the
    columns named in `carry` pass through as they are."""
    out = [
        *(f'"{name}"' for name in carry),
        f"CASE WHEN category IN ({_sql_list(tuple(framework.categories))}) THEN category END "
        "AS category",
        f"CASE WHEN rating IN ({_sql_list(framework.rating.levels)}) THEN rating END AS rating",
        f"CASE WHEN force_rating IN ({_sql_list(framework.force_levels)}) THEN force_rating END "
        "AS force_rating"
        if framework.force_levels
        else "NULL::VARCHAR AS force_rating",
        "inspection_id",
        "force",
        "case_ref",
        "area",
        "try_strptime(audit_date, '%Y-%m-%d')::DATE AS audit_date",
    ]
    for column in framework.columns:
        out.append(f"{_typed(column)} AS {column.name}")
    select = ", ".join(out)
    return (
        f"SELECT *, rating IN ({_sql_list(framework.not_good)}) AS not_good, "
        f"coalesce(force_rating IN ({_sql_list(framework.favourable) or 'NULL'}), false) "
        f"AS favourable FROM (SELECT {select} FROM {relation})"
    )


def _typed(column: FrameworkColumn) -> str:
    name = column.name
    if column.type == "bool":
        return f"CASE {name} WHEN 'true' THEN true WHEN 'false' THEN false END"
    if column.type == "integer":
        whole = f"regexp_full_match({name}, '{WHOLE_NUMBER_PATTERN}')"
        return f"CASE WHEN {whole} THEN {name}::INTEGER END"
    if column.type == "date":
        return f"try_strptime({name}, '%Y-%m-%d')::DATE"
    return name


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


_LABEL_SEP = "@"


def check_label(code: str, column: str) -> str:
    """The pandera error label of a row rule: the rule code and the column it blames."""
    return f"{code}{_LABEL_SEP}{column}"


def parse_check_label(label: str) -> tuple[str, str | None]:
    """(rule code, blamed column or None) from a pandera failure-case `check` label."""
    code, _, column = label.partition(_LABEL_SEP)
    return code, column or None


@functools.lru_cache(maxsize=16)
def build_schema(framework: Framework | None, run_date: dt.date) -> pa.DataFrameSchema:
    """The pandera schema for normalised rows of `framework` (None: of a framework not
    known, judged by the core rules that need none), generated from the rule units;
    `run_date` bounds `audit_date`."""
    import pandera.pandas as pa

    if framework is None:
        rules = core_row_rules(None)
        columns_of = (*CORE_REQUIRED, "area", FRAMEWORK)
    else:
        rules = tuple(r for r in rules_of(framework) if r.checked_by == "pandera")
        columns_of = input_columns_of(framework)
    column_checks: dict[str, list[pa.Check]] = {name: [] for name in (*columns_of, EXTRA_CELLS)}
    frame_checks: list[pa.Check] = []
    required: set[str] = set()
    for rule in rules:
        if rule.code == REQUIRED_RULE:
            required = set(rule.columns)
        for column in rule.columns:
            if rule.cells is not None:
                column_checks[column].append(
                    pa.Check(
                        lambda v, fn=rule.cells: fn(v, run_date),
                        ignore_na=not rule.judges_missing,
                        error=rule.code,
                    )
                )
            if rule.row is not None:
                frame_checks.append(
                    pa.Check(
                        lambda frame, fn=rule.row, c=column: fn(frame, c),
                        ignore_na=False,
                        error=check_label(rule.code, column),
                    )
                )
    columns = {
        name: pa.Column(nullable=name not in required, required=True, checks=column_checks[name])
        for name in columns_of
    }
    columns[EXTRA_CELLS] = pa.Column(
        nullable=True, required=False, checks=column_checks[EXTRA_CELLS]
    )
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, name="case_audit")


def input_columns_of(framework: Framework) -> tuple[str, ...]:
    """The input columns of one framework's rows, in contract order: the core ones, then
    `framework`, the framework's own and `synthetic`."""
    return (*CORE_COLUMNS, FRAMEWORK, *(c.name for c in framework.columns), SYNTHETIC)


def input_columns() -> tuple[str, ...]:
    """Every input column a file may have under the catalogue: the core ones, `framework`,
    every framework's own columns and `synthetic`."""
    return (*CORE_COLUMNS, FRAMEWORK, *catalogue().columns(), SYNTHETIC)
