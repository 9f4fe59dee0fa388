"""The input contract's core: the columns every framework shares, their spellings and forms.

Everything that names a rating level, a category, a framework column or a metric is a
framework's (schemas/frameworks.py, files in schemas/frameworks/); what is here is the same
under every framework: the core columns (../shared/CONTRACT.md section 4.2), the optional
`framework` and `synthetic` columns, accepted spellings of booleans and dates, and the
patterns of identifiers.
"""

from __future__ import annotations

from pipeline.lazy import pd

# the product contract these rules implement (../shared/CONTRACT.md)
CONTRACT_VERSION = "2.0"

# the core columns, in contract order, with their DuckDB types once loaded
CORE_TYPES = {
    "inspection_id": "VARCHAR",
    "force": "VARCHAR",
    "case_ref": "VARCHAR",
    "area": "VARCHAR",
    "category": "VARCHAR",
    "audit_date": "DATE",
    "rating": "VARCHAR",
    "force_rating": "VARCHAR",
}
CORE_COLUMNS = tuple(CORE_TYPES)
CORE_REQUIRED = ("inspection_id", "force", "case_ref", "category", "audit_date", "rating")
CODED = ("category", "rating", "force_rating")  # hold a framework's codes
FRAMEWORK = "framework"  # optional: the row's framework, `name@version`
SYNTHETIC = "synthetic"  # optional: the record is invented
# not an input column: the cells of a row beyond its header, which belong to no column
EXTRA_CELLS = "extra_cells"
# names no framework column may take: they are the warehouse's own
RESERVED_NAMES = frozenset(
    {FRAMEWORK, SYNTHETIC, EXTRA_CELLS, "case_key", "source_file", "source_row", "sha256"}
    | {"failures", "audit_day", "metric", "cases", "inspection_date"}
)
TEXT_LIMITS = {"force": 200, "area": 200}  # and every framework column of type text
TEXT_LIMIT = 200

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

INSPECTION_ID_PATTERN = r"[A-Za-z0-9_.\-]{3,64}"
CASE_REF_PATTERN = r"[A-Za-z0-9_\-]{3,64}"
FRAMEWORK_PATTERN = r"[A-Za-z0-9_\-]{2,32}@[A-Za-z0-9_.\-]{1,32}"
ISO_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
UK_DATE_PATTERN = r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"  # day first, as UK spreadsheets write
WHOLE_NUMBER_PATTERN = r"-?[0-9]{1,9}"  # at most 9 digits fit an INTEGER
# a free-text cell holding a line break or four commas: a stray double quote has probably
# made several cells or lines (other cases among them) one cell
STRAY_QUOTE_PATTERN = r"[\r\n]|(?:,[^,]*){4}"

# how each core column is documented: (type, required, accepted values); a framework's
# columns and codes are documented from its file
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
    "category": ("enum", "yes", "the framework's categories"),
    "audit_date": (
        "date",
        "yes",
        "`YYYY-MM-DD`, or `DD/MM/YYYY` / `D/M/YYYY` read day first "
        "as UK spreadsheets write dates (`04/03/2025` is 4 March), or an Excel date "
        "cell; not after the day of the run",
    ),
    "rating": ("enum", "yes", "the framework's rating levels"),
    "force_rating": ("enum", "no", "the force's self-assessment, on the framework's force scale"),
    FRAMEWORK: (
        "text",
        "no",
        "the audit framework, `name@version` (`case-audit rules --frameworks`); empty or "
        "absent: `ncpi@2016`; every row of an inspection names the same one",
    ),
    SYNTHETIC: (
        "bool",
        "no",
        "`true` when the record is invented, not a real case (the "
        "shipped sample, `case-audit synth`): its inspection's figures are then "
        "marked synthetic data in the warehouse (`inspections`), the feeds' manifest "
        "and on the dashboard",
    ),
}


# ---------------------------------------------------------------- dates, vectorised


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
    year 0, any other form). What the date rules judge and what a date is typed as."""
    iso = values.where(values.str.fullmatch(ISO_DATE_PATTERN).fillna(False).astype(bool))
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    return parsed.where(parsed.dt.year.ge(1).fillna(False).astype(bool))
