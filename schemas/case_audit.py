"""The case-audit input contract as data: columns, accepted spellings, rules, pandera schema.

Every rule has a stable code, the columns it touches and a message telling the data provider
what is wrong and what to do. `case-audit rules` prints this catalogue; the pandera schema
below is built from it, so a rule cannot exist without its check or the other way round.

The schema validates *normalised text* (see `pipeline.validate.normalise`): enums lower-cased
with aliases resolved, booleans spelled `true`/`false`, dates as ISO text. Typing happens when
valid rows are loaded into DuckDB.

The row rules are this pandera schema, the one engine: the warehouse build runs it over every
chunk of every file (`pipeline/validate/engine.py`) and `case-audit check` over files held in
memory, through the same code (`pipeline/validate/quarantine.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.lazy import pd

if TYPE_CHECKING:  # pandera is imported where the schema is built: keeps start-up cheap
    import pandera.pandas as pa

# ---------------------------------------------------------------- columns and spellings

CATEGORIES = (
    "missing_absent",
    "custody",
    "cse",
    "online_cse",
    "domestic_abuse",
    "child_abuse_investigation",
    "police_protection",
    "sex_offender_management",
)
RATINGS = ("good", "requires_improvement", "inadequate")
FORCE_RATINGS = ("good", "adequate", "requires_improvement", "inadequate")

# after lower-casing and reading spaces/hyphens as "_"
ENUM_ALIASES = {
    "rating": {"ri": "requires_improvement"},
    "force_rating": {"ri": "requires_improvement"},
    "category": {},
}
ENUM_VALUES = {"category": CATEGORIES, "rating": RATINGS, "force_rating": FORCE_RATINGS}

BOOL_SPELLINGS = {
    "true": "true",
    "yes": "true",
    "y": "true",
    "1": "true",
    "false": "false",
    "no": "false",
    "n": "false",
    "0": "false",
}

CUSTODY_REQUIRED = ("charged", "bail_refused", "detained_until_court")
CUSTODY_ONLY = (*CUSTODY_REQUIRED, "la_accommodation_requested")
BOOL_COLUMNS = ("referred_back", *CUSTODY_ONLY, "cse_risk_assessed")
REQUIRED = (
    "inspection_id",
    "force",
    "case_ref",
    "category",
    "audit_date",
    "rating",
    "referred_back",
)
TEXT_LIMITS = {"force": 200, "area": 200}

# input columns in contract order; case_audits replaces case_ref with case_key
COLUMNS = (
    "inspection_id",
    "force",
    "case_ref",
    "area",
    "category",
    "audit_date",
    "rating",
    "referred_back",
    "force_rating",
    "charged",
    "bail_refused",
    "detained_until_court",
    "la_accommodation_requested",
    "missing_episodes",
    "cse_risk_assessed",
)

# not an input column: the cells of a row beyond its header, which belong to no column
EXTRA_CELLS = "extra_cells"

# how each input column is documented: (type, required, accepted values)
INPUT_DOCS = {
    "inspection_id": ("text", "yes", "3-64 characters of `A-Z a-z 0-9 _ . -`; one inspection "
                      "of one force, e.g. `MPS-NCPI-2016`"),
    "force": ("text", "yes", "at most 200 characters; every row of an inspection names the "
              "same force"),
    "case_ref": ("text", "yes", "pseudonymous reference, 3-64 characters of `A-Z a-z 0-9 _ -`; "
                 "unique within its inspection_id"),
    "area": ("text", "no", "borough or command unit, at most 200 characters"),
    "category": ("enum", "yes", ", ".join(f"`{c}`" for c in CATEGORIES)
                 + " (case, spaces and hyphens forgiven)"),
    "audit_date": ("date", "yes", "`YYYY-MM-DD` or an Excel date cell; not after the day of "
                   "the run"),
    "rating": ("enum", "yes", "`good`, `requires_improvement`, `inadequate`; `Requires "
               "Improvement`, `RI` accepted"),
    "referred_back": ("bool", "yes", "referred back for a continuing risk to a child; "
                      "`true/false`, `yes/no`, `y/n`, `1/0` in any case, or a boolean cell"),
    "force_rating": ("enum", "no", "the force's self-assessment: `good`, `adequate`, "
                     "`requires_improvement`, `inadequate` (`RI` accepted)"),
    "charged": ("bool", "custody only", "required when category is `custody`, empty otherwise"),
    "bail_refused": ("bool", "custody only", "as `charged`"),
    "detained_until_court": ("bool", "custody only", "as `charged`: kept in police custody to "
                             "appear in court"),
    "la_accommodation_requested": ("bool", "no; custody only", "local-authority accommodation "
                                   "asked for (PACE s.38(6)); empty on other categories"),
    "missing_episodes": ("integer >= 1", "missing only", "required when category is "
                         "`missing_absent`, empty otherwise"),
    "cse_risk_assessed": ("bool", "no", "the link between going missing and CSE risk was "
                          "considered"),
}  # fmt: skip

INSPECTION_ID_PATTERN = r"[A-Za-z0-9_.\-]{3,64}"
CASE_REF_PATTERN = r"[A-Za-z0-9_\-]{3,64}"
ISO_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
WHOLE_NUMBER_PATTERN = r"[0-9]{1,9}"  # missing_episodes: at most 9 digits fit an INTEGER
# a free-text cell holding a line break or four commas: a stray double quote has probably
# made several cells or lines (other cases among them) one cell
STRAY_QUOTE_PATTERN = r"[\r\n]|(?:,[^,]*){4}"


# ---------------------------------------------------------------- the rule catalogue


@dataclass(frozen=True)
class Rule:
    """One validation rule: `level` is `row` (row quarantined) or `file` (file refused).

    `checked_by` says where the rule is implemented: `pandera` for the rules that look at one
    row (the pandera schema below),
    `sql/cross_row_reasons.sql` (rules that compare rows, run in DuckDB over every row of
    every input file) or the readers (`pipeline/ingest`, whole files).
    """

    code: str
    columns: tuple[str, ...]
    message: str
    level: str = "row"
    checked_by: str = "pandera"


CROSS_ROW = "sql/cross_row_reasons.sql"


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(values)


RULES: tuple[Rule, ...] = (
    # whole-file refusals
    Rule(
        "file_unreadable",
        (),
        "The file cannot be read as a table; save it as UTF-8 CSV, "
        "XLSX or Parquet and send it again.",
        "file",
        "ingest",
    ),
    Rule(
        "file_no_rows",
        (),
        "The file has no data rows; add the cases below the header row.",
        "file",
        "ingest",
    ),
    Rule(
        "file_missing_columns",
        REQUIRED,
        "Required columns are missing; add them to the header row (see the data dictionary).",
        "file",
        "ingest",
    ),
    Rule(
        "file_duplicate_columns",
        (),
        "Two columns have the same name once spaces, hyphens and "
        "case are ignored; keep one of them.",
        "file",
        "ingest",
    ),
    Rule(
        "file_duplicate_content",
        (),
        "The file has exactly the same content as another input file; its rows are loaded "
        "once, from the other file. Remove the copy.",
        "file",
        "ingest",
    ),
    Rule(
        "file_column_type",
        (),
        "A column of the contract holds nested or binary values (a struct, list, map or "
        "bytes); store one plain value per cell and send the file again.",
        "file",
        "ingest",
    ),
    Rule(
        "file_too_large",
        (),
        "A row, cell or workbook part is far larger than any case file needs (a stray quote, "
        "or a workbook that expands enormously); correct it and send the file again.",
        "file",
        "ingest",
    ),
    Rule(
        "file_too_wide",
        (),
        "The file has more than 1,000 columns; keep the contract's columns and send it again.",
        "file",
        "ingest",
    ),
    Rule(
        "file_identifier_column",
        (),
        "The file has a column that looks like a direct "
        "identifier; remove it and send the file again. Nothing of this file was stored.",
        "file",
        "ingest",
    ),
    # row rules
    Rule("required_missing", REQUIRED, "A value is required here; fill it in."),
    Rule(
        "extra_cells",
        (EXTRA_CELLS,),
        "This row has more cells than the header; check for "
        "an unquoted comma and put quotes around any cell that contains one.",
    ),
    Rule(
        "inspection_id_format",
        ("inspection_id",),
        "Use 3-64 characters of letters, digits, '_', '.' or '-', e.g. MPS-NCPI-2016.",
    ),
    Rule(
        "case_ref_format",
        ("case_ref",),
        "Use the pseudonymous reference: 3-64 characters of letters, digits, '_' or '-' (a "
        "reference like 1234.0 was saved from a number column: format the column as text).",
    ),
    Rule(
        "text_stray_quote",
        tuple(TEXT_LIMITS),
        'This cell holds a line break or several commas: a stray double quote (") earlier '
        "in the row probably made the cells or lines after it (other cases among them) one "
        "cell. Remove the stray quote and send the file again.",
    ),
    Rule(
        "text_too_long",
        tuple(TEXT_LIMITS),
        f"Keep this text to at most {max(TEXT_LIMITS.values())} characters.",
    ),
    Rule("category_unknown", ("category",), f"Use one of: {_one_of(CATEGORIES)}."),
    Rule("rating_unknown", ("rating",), f"Use one of: {_one_of(RATINGS)} (or RI)."),
    Rule(
        "force_rating_unknown",
        ("force_rating",),
        f"Use one of: {_one_of(FORCE_RATINGS)}, or leave it empty.",
    ),
    Rule("bool_invalid", BOOL_COLUMNS, "Use true/false, yes/no, y/n or 1/0."),
    Rule(
        "audit_date_invalid",
        ("audit_date",),
        "Write the date as YYYY-MM-DD (or use an Excel date cell).",
    ),
    Rule("audit_date_future", ("audit_date",), "The audit date is after today; correct it."),
    Rule("missing_episodes_invalid", ("missing_episodes",), "Use a whole number of 1 or more."),
    Rule(
        "custody_field_missing",
        CUSTODY_REQUIRED,
        "Custody cases need charged, bail_refused and detained_until_court; fill this in.",
    ),
    Rule(
        "custody_field_not_applicable",
        CUSTODY_ONLY,
        "Only custody cases have this field; empty it or correct the category.",
    ),
    Rule(
        "missing_episodes_missing",
        ("missing_episodes",),
        "missing_absent cases need the number of missing episodes; fill it in.",
    ),
    Rule(
        "missing_episodes_not_applicable",
        ("missing_episodes",),
        "Only missing_absent cases have missing_episodes; empty it or correct the category.",
    ),
    Rule(
        "force_mismatch",
        ("force",),
        "Every row of one inspection_id must name the same force "
        "as most of its rows; correct the force or the inspection_id.",
        checked_by=CROSS_ROW,
    ),
    Rule(
        "duplicate_case_ref",
        ("case_ref",),
        "This case_ref appears more than once in its "
        "inspection, so every copy is held back; keep one row per case.",
        checked_by=CROSS_ROW,
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


# ---------------------------------------------------------------- vectorised row predicates
# Each returns True where the row passes. Missing values pass column rules (they are the
# business of `required_missing` or the conditional rules) and are judged explicitly below.


def iso_days(values: pd.Series) -> pd.Series:
    """The day each ASCII `YYYY-MM-DD` text names; NaT for anything else (an impossible day,
    year 0, any other form). What the date rules judge and what audit_date is typed as."""
    iso = values.where(values.str.fullmatch(ISO_DATE_PATTERN).fillna(False).astype(bool))
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    return parsed.where(parsed.dt.year.ge(1).fillna(False).astype(bool))


def _is_iso_date(values: pd.Series) -> pd.Series:
    """ASCII `YYYY-MM-DD` naming a real day of year 1 or later (year 0 does not exist)."""
    return iso_days(values).notna()


def _not_after(run_date: dt.date) -> Callable[[pd.Series], pd.Series]:
    def check(values: pd.Series) -> pd.Series:
        return ~(iso_days(values) > pd.Timestamp(run_date)).fillna(False)

    return check


def _positive_whole_number(values: pd.Series) -> pd.Series:
    digits = values.str.fullmatch(WHOLE_NUMBER_PATTERN)
    return digits & (pd.to_numeric(values.where(digits), errors="coerce") >= 1)


def _category_is(frame: pd.DataFrame, category: str) -> pd.Series:
    return frame["category"].eq(category).fillna(False).astype(bool)


def _category_other_than(frame: pd.DataFrame, category: str) -> pd.Series:
    known = frame["category"].isin(CATEGORIES)
    return known & frame["category"].ne(category).fillna(False).astype(bool)


def _required_when(column: str, category: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: frame[column].notna() | ~_category_is(frame, category)


def _empty_unless(column: str, category: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: frame[column].isna() | ~_category_other_than(frame, category)


# ---------------------------------------------------------------- the pandera schema

_LABEL_SEP = "@"


def check_label(code: str, column: str) -> str:
    """The pandera error label of a frame-wide rule: the rule code and the column it blames."""
    return f"{code}{_LABEL_SEP}{column}"


def parse_check_label(label: str) -> tuple[str, str | None]:
    """(rule code, blamed column or None) from a pandera failure-case `check` label."""
    code, _, column = label.partition(_LABEL_SEP)
    return code, column or None


def _column_checks(column: str, run_date: dt.date) -> list[pa.Check]:
    import pandera.pandas as pa

    checks: list[pa.Check] = []
    if column == "inspection_id":
        checks.append(
            pa.Check.str_matches(INSPECTION_ID_PATTERN + r"\Z", error="inspection_id_format")
        )
    if column == "case_ref":
        checks.append(pa.Check.str_matches(CASE_REF_PATTERN + r"\Z", error="case_ref_format"))
    if column in TEXT_LIMITS:
        checks.append(pa.Check(lambda v: ~v.str.contains(STRAY_QUOTE_PATTERN, regex=True),
                               error="text_stray_quote"))  # fmt: skip
        checks.append(pa.Check.str_length(max_value=TEXT_LIMITS[column], error="text_too_long"))
    if column in ENUM_VALUES:
        checks.append(pa.Check.isin(ENUM_VALUES[column], error=f"{column}_unknown"))
    if column in BOOL_COLUMNS:
        checks.append(pa.Check.isin(("true", "false"), error="bool_invalid"))
    if column == "audit_date":
        checks.append(pa.Check(_is_iso_date, error="audit_date_invalid"))
        checks.append(pa.Check(_not_after(run_date), error="audit_date_future"))
    if column == "missing_episodes":
        checks.append(pa.Check(_positive_whole_number, error="missing_episodes_invalid"))
    return checks


def _frame_checks() -> list[pa.Check]:
    import pandera.pandas as pa

    pairs: list[tuple[str, str, Callable[[pd.DataFrame], pd.Series]]] = [
        *[("custody_field_missing", c, _required_when(c, "custody")) for c in CUSTODY_REQUIRED],
        *[("custody_field_not_applicable", c, _empty_unless(c, "custody")) for c in CUSTODY_ONLY],
        (
            "missing_episodes_missing",
            "missing_episodes",
            _required_when("missing_episodes", "missing_absent"),
        ),
        (
            "missing_episodes_not_applicable",
            "missing_episodes",
            _empty_unless("missing_episodes", "missing_absent"),
        ),
    ]
    return [pa.Check(fn, ignore_na=False, error=check_label(code, col)) for code, col, fn in pairs]


def build_schema(run_date: dt.date) -> pa.DataFrameSchema:
    """The pandera schema for normalised case rows; `run_date` bounds `audit_date`."""
    import pandera.pandas as pa

    columns = {
        name: pa.Column(
            nullable=name not in REQUIRED,
            required=True,
            checks=_column_checks(name, run_date),
        )
        for name in COLUMNS
    }
    columns[EXTRA_CELLS] = pa.Column(
        nullable=True,
        required=False,
        checks=[pa.Check(lambda cells: cells.isna(), ignore_na=False, error="extra_cells")],
    )
    return pa.DataFrameSchema(columns, checks=_frame_checks(), strict=False, name="case_audit")


# the pandera label for a null in a non-nullable column
NOT_NULLABLE = "not_nullable"
REQUIRED_RULE = "required_missing"
