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
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.lazy import pd

if TYPE_CHECKING:  # pandera is imported where the schema is built: keeps start-up cheap
    import pandera.pandas as pa

# the product contract these rules implement (../shared/CONTRACT.md)
CONTRACT_VERSION = "1.1"

# ---------------------------------------------------------------- columns and spellings

# each accepted value with the plain words readers see (the dashboard, its tables)
CATEGORY_LABELS = {
    "missing_absent": "Missing and absent children",
    "custody": "Children in police custody",
    "cse": "Child sexual exploitation",
    "online_cse": "Online child sexual exploitation",
    "domestic_abuse": "Domestic abuse",
    "child_abuse_investigation": "Child abuse investigation",
    "police_protection": "Police protection",
    "sex_offender_management": "Sex offender management",
}
CATEGORIES = tuple(CATEGORY_LABELS)
RATING_LABELS = {
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
RATINGS = tuple(RATING_LABELS)
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
BOOL_COLUMNS = ("referred_back", *CUSTODY_ONLY, "cse_risk_assessed", "synthetic")
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
    "synthetic",
)

# not an input column: the cells of a row beyond its header, which belong to no column
EXTRA_CELLS = "extra_cells"

# how each input column is documented: (type, required, accepted values)
INPUT_DOCS = {
    "inspection_id": (
        "text",
        "yes",
        "3-64 characters of `A-Z a-z 0-9 _ . -`; one inspection of one force, e.g. `MPS-NCPI-2016`",
    ),
    "force": (
        "text",
        "yes",
        "at most 200 characters; every row of an inspection names the same force",
    ),
    "case_ref": (
        "text",
        "yes",
        "pseudonymous reference, 3-64 characters of `A-Z a-z 0-9 _ -`; "
        "unique within its inspection_id",
    ),
    "area": ("text", "no", "borough or command unit, at most 200 characters"),
    "category": (
        "enum",
        "yes",
        ", ".join(f"`{c}`" for c in CATEGORIES) + " (case, spaces and hyphens forgiven)",
    ),
    "audit_date": (
        "date",
        "yes",
        "`YYYY-MM-DD`, or `DD/MM/YYYY` / `D/M/YYYY` read day first "
        "as UK spreadsheets write dates (`04/03/2025` is 4 March), or an Excel date "
        "cell; not after the day of the run",
    ),
    "rating": (
        "enum",
        "yes",
        "`good`, `requires_improvement`, `inadequate`; `Requires Improvement`, `RI` accepted",
    ),
    "referred_back": (
        "bool",
        "yes",
        "referred back for a continuing risk to a child; "
        "`true/false`, `yes/no`, `y/n`, `1/0` in any case, or a boolean cell",
    ),
    "force_rating": (
        "enum",
        "no",
        "the force's self-assessment: `good`, `adequate`, "
        "`requires_improvement`, `inadequate` (`RI` accepted)",
    ),
    "charged": ("bool", "custody only", "required when category is `custody`, empty otherwise"),
    "bail_refused": ("bool", "custody only", "as `charged`"),
    "detained_until_court": (
        "bool",
        "custody only",
        "as `charged`: kept in police custody to appear in court",
    ),
    "la_accommodation_requested": (
        "bool",
        "no; custody only",
        "local-authority accommodation asked for (PACE s.38(6)); empty on other categories",
    ),
    "missing_episodes": (
        "integer >= 1",
        "missing only",
        "required when category is `missing_absent`, empty otherwise",
    ),
    "cse_risk_assessed": (
        "bool",
        "no",
        "the link between going missing and CSE risk was considered",
    ),
    "synthetic": (
        "bool",
        "no",
        "`true` when the record is invented, not a real case (the "
        "shipped sample, `case-audit synth`): its inspection's figures are then "
        "marked synthetic data in the warehouse (`inspections`), the feeds' manifest "
        "and on the dashboard",
    ),
}

INSPECTION_ID_PATTERN = r"[A-Za-z0-9_.\-]{3,64}"
CASE_REF_PATTERN = r"[A-Za-z0-9_\-]{3,64}"
ISO_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
UK_DATE_PATTERN = r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"  # day first, as UK spreadsheets write
WHOLE_NUMBER_PATTERN = r"[0-9]{1,9}"  # missing_episodes: at most 9 digits fit an INTEGER
# a free-text cell holding a line break or four commas: a stray double quote has probably
# made several cells or lines (other cases among them) one cell
STRAY_QUOTE_PATTERN = r"[\r\n]|(?:,[^,]*){4}"


# ---------------------------------------------------------------- vectorised row predicates
# Each returns True where the row passes. Missing values pass column rules (they are the
# business of `required_missing` or the conditional rules) and are judged explicitly below.


def day_first(values: pd.Series) -> pd.Series:
    """True where a cell is a UK date, `DD/MM/YYYY` or `D/M/YYYY` (day first)."""
    return values.str.fullmatch(UK_DATE_PATTERN).fillna(False).astype(bool)


def uk_to_iso(values: pd.Series) -> pd.Series:
    """UK dates (`4/3/2025`, day first) rewritten `YYYY-MM-DD` (`2025-03-04`), so the date
    rules judge them as ISO dates (`31/02/2025` is still no day); other cells unchanged."""
    uk = day_first(values)
    if not uk.any():
        return values
    parts = values[uk].str.extract(UK_DATE_PATTERN)
    iso = parts[2] + "-" + parts[1].str.zfill(2) + "-" + parts[0].str.zfill(2)
    out = values.copy()
    out[uk] = iso
    return out


def iso_days(values: pd.Series) -> pd.Series:
    """The day each ASCII `YYYY-MM-DD` text names; NaT for anything else (an impossible day,
    year 0, any other form). What the date rules judge and what audit_date is typed as."""
    iso = values.where(values.str.fullmatch(ISO_DATE_PATTERN).fillna(False).astype(bool))
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    return parsed.where(parsed.dt.year.ge(1).fillna(False).astype(bool))


def _positive_whole_number(values: pd.Series, _: dt.date) -> pd.Series:
    digits = values.str.fullmatch(WHOLE_NUMBER_PATTERN)
    return digits & (pd.to_numeric(values.where(digits), errors="coerce") >= 1)


def _category_is(frame: pd.DataFrame, category: str) -> pd.Series:
    return frame["category"].eq(category).fillna(False).astype(bool)


def _category_other_than(frame: pd.DataFrame, category: str) -> pd.Series:
    known = frame["category"].isin(CATEGORIES)
    return known & frame["category"].ne(category).fillna(False).astype(bool)


def _required_when(category: str) -> Callable[[pd.DataFrame, str], pd.Series]:
    return lambda frame, column: frame[column].notna() | ~_category_is(frame, category)


def _empty_unless(category: str) -> Callable[[pd.DataFrame, str], pd.Series]:
    return lambda frame, column: frame[column].isna() | ~_category_other_than(frame, category)


def _one_of(values: tuple[str, ...]) -> Callable[[pd.Series, dt.date], pd.Series]:
    return lambda cells, _: cells.isin(values)


def _did_you_mean(values: tuple[str, ...]) -> Callable[[str], str | None]:
    """`Did you mean missing_absent?` for a near miss (`mising_absent`), as the enum's
    spelling is read (lower case, spaces and hyphens as `_`); None when nothing is close."""

    def hint(written: str) -> str | None:
        import difflib

        folded = re.sub(r"[\s\-]+", "_", str(written).strip().lower())
        close = difflib.get_close_matches(folded, values, n=1, cutoff=0.75)
        return f"Did you mean {close[0]}?" if close else None

    return hint


# ---------------------------------------------------------------- the rule catalogue

# Rows a rule's examples are written against: a valid case of each kind; an example lists
# the cells it changes (`None` empties a cell).
EXAMPLE_CASES: dict[str, dict[str, object]] = {
    "case": dict.fromkeys(COLUMNS)
    | {
        "inspection_id": "NWC-CP-2025",
        "force": "Northwold Constabulary",
        "case_ref": "NW-0001",
        "area": "Harbourside",
        "category": "domestic_abuse",
        "audit_date": "2025-03-04",
        "rating": "good",
        "referred_back": "no",
    },
}
EXAMPLE_CASES["custody"] = EXAMPLE_CASES["case"] | {
    "category": "custody",
    "charged": "yes",
    "bail_refused": "yes",
    "detained_until_court": "yes",
}
EXAMPLE_CASES["missing"] = EXAMPLE_CASES["case"] | {
    "category": "missing_absent",
    "missing_episodes": "2",
}
EXAMPLE_RUN_DATE = dt.date(2026, 11, 29)  # the run date the examples are judged on


@dataclass(frozen=True)
class Example:
    """Rows (each: a kind of EXAMPLE_CASES and the cells it changes) and the (row, column)
    pairs the rule must blame in them; none for an example of rows that pass the rule."""

    rows: tuple[tuple[str, dict[str, object]], ...]
    blamed: frozenset[tuple[int, str]] = frozenset()

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

    def frame_rows(self) -> list[dict[str, object]]:
        """The example's rows as a provider writes them (a case_ref each, unless given)."""
        return [
            EXAMPLE_CASES[kind] | {"case_ref": f"NW-{n:04}"} | cells
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


@dataclass(frozen=True)
class Rule:
    """One validation rule, stated once: its code, the columns it blames, the message the
    data provider reads, the check that implements it and the examples that show (and test)
    it. `level` is `row` (row quarantined) or `file` (file refused).

    How the rule is checked (`checked_by`): `pandera`, by the schema built below from
    `cells` (a check of one column's values, True where a cell passes; missing cells pass
    unless `judges_missing`) or `row` (a check of the whole row for one blamed column);
    `sql/cross_row_reasons.sql` for the rules that compare rows, over every row of every
    input file; the readers (`pipeline/ingest`) for whole files. `required_missing` is
    pandera's own: its columns are the schema's non-nullable ones.
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


CROSS_ROW = "pipeline/validate/sql/cross_row_reasons.sql"
# checked_by of the queries: flags that hold nothing back
QUERIES = "pipeline/validate/models/data_queries.sql"
QUERY_DAYS = 183  # an audit date further than this from its inspection's median is queried
QUERY_SELF_RATED_SHARE = 0.1  # self-rated on fewer than this share of cases: queried
BY_READERS = "ingest"  # checked_by of the file rules: pipeline/ingest refuses the file
LONG = "x" * 201

RULES: tuple[Rule, ...] = (
    # whole-file refusals
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
        REQUIRED,
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
        "A row, cell or workbook part is far larger than any case file needs (a stray quote, "
        "or a workbook that expands enormously); correct it and send the file again.",
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
        "A column holds values but has no header (often the second half of a merged header "
        "cell); give every column its own header in row 1, or delete the column. Nothing of "
        "this file was stored.",
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
    # row rules
    Rule(
        "required_missing",
        REQUIRED,
        "A value is required here; fill it in.",
        examples=(
            breaks({"rating": None}),
            breaks({"inspection_id": None, "force": None}),
            passes({"area": None, "force_rating": None}),
        ),
    ),
    Rule(
        "extra_cells",
        (EXTRA_CELLS,),
        "This row has more cells than the header; check for an unquoted comma and put quotes "
        "around any cell that contains one.",
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
        tuple(TEXT_LIMITS),
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
        tuple(TEXT_LIMITS),
        f"Keep this text to at most {max(TEXT_LIMITS.values())} characters.",
        cells=lambda v, _: v.str.len() <= TEXT_LIMITS[str(v.name)],
        examples=(breaks({"area": LONG}, {"force": LONG}), passes({"area": LONG[:200]})),
    ),
    Rule(
        "category_unknown",
        ("category",),
        f"Use one of: {', '.join(CATEGORIES)}.",
        cells=_one_of(CATEGORIES),
        examples=(breaks({"category": "burglary"}), passes({"category": "Domestic Abuse"})),
        hint=_did_you_mean(CATEGORIES),
    ),
    Rule(
        "rating_unknown",
        ("rating",),
        f"Use one of: {', '.join(RATINGS)} (or RI).",
        cells=_one_of(RATINGS),
        examples=(breaks({"rating": "excellent"}), passes({"rating": "RI"})),
        hint=_did_you_mean(RATINGS),
    ),
    Rule(
        "force_rating_unknown",
        ("force_rating",),
        f"Use one of: {', '.join(FORCE_RATINGS)}, or leave it empty.",
        cells=_one_of(FORCE_RATINGS),
        examples=(breaks({"force_rating": "outstanding"}), passes({"force_rating": "Adequate"})),
        hint=_did_you_mean(FORCE_RATINGS),
    ),
    Rule(
        "bool_invalid",
        BOOL_COLUMNS,
        "Use true/false, yes/no, y/n or 1/0.",
        cells=_one_of(("true", "false")),
        examples=(
            breaks({"referred_back": "maybe"}, {"cse_risk_assessed": "2"}),
            breaks({"charged": "oui"}, kind="custody"),
            passes({"referred_back": "Y", "cse_risk_assessed": "0"}),
        ),
    ),
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
    Rule(
        "missing_episodes_invalid",
        ("missing_episodes",),
        "Use a whole number of 1 or more.",
        cells=_positive_whole_number,
        examples=(
            breaks(
                {"missing_episodes": "0"},
                {"missing_episodes": "-1"},
                {"missing_episodes": "1.5"},
                {"missing_episodes": "two"},
                kind="missing",
            ),
            passes({"missing_episodes": "12"}, kind="missing"),
        ),
    ),
    Rule(
        "custody_field_missing",
        CUSTODY_REQUIRED,
        "Custody cases need charged, bail_refused and detained_until_court; fill this in.",
        row=_required_when("custody"),
        examples=(
            breaks({"charged": None, "detained_until_court": None}, kind="custody"),
            passes({"la_accommodation_requested": None}, kind="custody"),
        ),
    ),
    Rule(
        "custody_field_not_applicable",
        CUSTODY_ONLY,
        "Only custody cases have this field; empty it or correct the category.",
        row=_empty_unless("custody"),
        examples=(breaks({"charged": "yes", "la_accommodation_requested": "no"}),),
    ),
    Rule(
        "missing_episodes_missing",
        ("missing_episodes",),
        "missing_absent cases need the number of missing episodes; fill it in.",
        row=_required_when("missing_absent"),
        examples=(breaks({"missing_episodes": None}, kind="missing"),),
    ),
    Rule(
        "missing_episodes_not_applicable",
        ("missing_episodes",),
        "Only missing_absent cases have missing_episodes; empty it or correct the category.",
        row=_empty_unless("missing_absent"),
        examples=(breaks({"missing_episodes": "3"}),),
    ),
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
        "duplicate_case_ref",
        ("case_ref",),
        "This case_ref appears more than once in its inspection, so every copy is held back; "
        "keep one row per case.",
        checked_by=CROSS_ROW,
        examples=(
            breaks(
                {"case_ref": "NW-0001"},
                {"case_ref": "NW-0001"},
                {},
                blamed={(0, "case_ref"), (1, "case_ref")},
            ),
            passes(
                {"case_ref": "NW-0001"}, {"case_ref": "NW-0001", "inspection_id": "NWC-CP-2026"}
            ),
        ),
    ),
)
# Queries: a row (or an inspection) worth a second look, flagged for its provider without
# holding anything back (the children's-data validators' "queries" beside their errors).
# They run over the rows that loaded (`sql/data_queries.sql`, table data_queries).
QUERY_RULES: tuple[Rule, ...] = (
    Rule(
        "query_audit_date_far_from_inspection",
        ("audit_date",),
        f"This audit date is more than {QUERY_DAYS} days from the middle of its inspection's "
        "other audit dates; check the date (or the inspection_id).",
        "query",
        QUERIES,
        examples=(
            breaks({}, {}, {}, {}, {"audit_date": "2023-03-04"}, blamed={(4, "audit_date")}),
            passes({}, {}, {}, {}, {"audit_date": "2025-01-04"}),
        ),
    ),
    Rule(
        "query_custody_accommodation_unrecorded",
        ("la_accommodation_requested",),
        "A custody case without la_accommodation_requested: say whether local-authority "
        "accommodation was asked for (PACE s.38(6)), yes or no.",
        "query",
        QUERIES,
        examples=(
            breaks({"la_accommodation_requested": None}, kind="custody"),
            passes({"la_accommodation_requested": "no"}, kind="custody"),
        ),
    ),
    Rule(
        "query_self_rating_sparse",
        ("force_rating",),
        f"The force rated fewer than {QUERY_SELF_RATED_SHARE:.0%} of this inspection's cases "
        "itself (force_rating); add its self-assessment where it made one.",
        "query",
        QUERIES,
        examples=(
            breaks(*[{"force_rating": None}] * 10, blamed={(None, "force_rating")}),
            passes(*[{"force_rating": "good"}] * 10),
        ),
    ),
)
RULES = (*RULES, *QUERY_RULES)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def example_of(rule: Rule) -> str:
    """The first example that breaks `rule`, described (empty for file rules)."""
    return next((e.describe() for e in rule.examples if e.blamed and e.describe()), "")


ROW_RULES = tuple(rule for rule in RULES if rule.checked_by == "pandera")


# ---------------------------------------------------------------- the pandera schema

_LABEL_SEP = "@"


def check_label(code: str, column: str) -> str:
    """The pandera error label of a row rule: the rule code and the column it blames."""
    return f"{code}{_LABEL_SEP}{column}"


def parse_check_label(label: str) -> tuple[str, str | None]:
    """(rule code, blamed column or None) from a pandera failure-case `check` label."""
    code, _, column = label.partition(_LABEL_SEP)
    return code, column or None


# the pandera label for a null in a non-nullable column
NOT_NULLABLE = "not_nullable"
REQUIRED_RULE = "required_missing"


def build_schema(run_date: dt.date) -> pa.DataFrameSchema:
    """The pandera schema for normalised case rows, generated from the rule units in RULES;
    `run_date` bounds `audit_date`."""
    import pandera.pandas as pa

    column_checks: dict[str, list[pa.Check]] = {name: [] for name in (*COLUMNS, EXTRA_CELLS)}
    frame_checks: list[pa.Check] = []
    for rule in ROW_RULES:
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
    required = set(RULES_BY_CODE[REQUIRED_RULE].columns)
    columns = {
        name: pa.Column(nullable=name not in required, required=True, checks=column_checks[name])
        for name in COLUMNS
    }
    columns[EXTRA_CELLS] = pa.Column(
        nullable=True, required=False, checks=column_checks[EXTRA_CELLS]
    )
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, name="case_audit")
