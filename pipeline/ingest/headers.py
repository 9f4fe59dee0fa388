"""Header matching: contract names, refused identifier and unnamed columns, dropped unknown
columns."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.errors import CaseAuditError, FileRefused
from pipeline.ingest.raw import column_letter
from pipeline.ingest.text import visible_text
from pipeline.lazy import pd
from schemas.contract import CORE_COLUMNS, CORE_REQUIRED, FRAMEWORK, SYNTHETIC
from schemas.frameworks import Catalogue, catalogue
from schemas.rules import input_columns, input_columns_of

# Identifier screening reads a header by meaning, not by exact name (docs/data-protection.md):
# the header is normalised (Unicode NFKC, invisible characters dropped, look-alike letters
# folded to Latin), split into lower-case tokens at punctuation, spaces and camelCase, and
# refused when its tokens contain one of these token sequences ...
_IDENTIFIER_TOKENS: tuple[tuple[str, ...], ...] = (
    *[
        (word,)
        for word in (
            "name",
            "names",
            "forename",
            "forenames",
            "firstname",
            "surname",
            "lastname",
            "familyname",
            "fullname",
            "givenname",
            "middlename",
            "maidenname",
            "nickname",
            "alias",
            "dob",
            "birthdate",
            "birthday",
            "address",
            "addr",
            "postcode",
            "zipcode",
            "zip",
            "street",
            "email",
            "emailaddress",
            "mail",
            "phone",
            "telephone",
            "tel",
            "mobile",
            "cell",
            "fax",
            "nhs",
            "upn",
            "uln",
            "nino",
            "ni",
            "nin",
            "passport",
            "ssn",
            "pnc",
            "cro",
            "licence",
            "license",
            "ip",
            "gps",
            "latitude",
            "longitude",
            "photo",
        )
    ],
    ("date", "of", "birth"),
    ("birth", "date"),
    ("place", "of", "birth"),
    ("national", "insurance"),
    ("insurance", "number"),
    ("post", "code"),
    ("zip", "code"),
    ("e", "mail"),
    ("driving", "licence"),
    ("driver", "license"),
    ("social", "security"),
    ("unique", "pupil"),
    ("pupil", "number"),
    ("given", "name"),
    ("first", "name"),
    ("last", "name"),
    ("family", "name"),
    ("full", "name"),
    ("home", "address"),
)
# ... or when its letters, run together, contain one of these (catches `CHILDDOB`,
# `childsdateofbirth`) ...
_IDENTIFIER_RUNS = (
    "dateofbirth",
    "birthdate",
    "forename",
    "surname",
    "firstname",
    "lastname",
    "fullname",
    "postcode",
    "emailaddress",
    "email",
    "telephone",
    "phonenumber",
    "mobilenumber",
    "nationalinsurance",
    "passport",
    "nhsnumber",
    "drivinglicence",
)
_IDENTIFIER_RUN_ENDS = ("dob", "nino", "upn", "phone")  # at the start or end of the letters
# ... unless the whole header is one of these safe names (token sequences).
SAFE_HEADERS = frozenset(
    {
        ("area", "name"),
        ("force", "name"),
        ("inspection", "name"),
        ("category", "name"),
        ("team", "name"),
        ("unit", "name"),
        ("borough", "name"),
        ("district", "name"),
        ("command", "unit", "name"),
        ("file", "name"),
        ("sheet", "name"),
        ("case", "ref"),
        ("case", "reference"),
        ("inspection", "id"),
    }
)
# letters from other scripts that look like Latin ones (a header written to slip past)
_LOOK_ALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝАВЕКМНОРСТУХІЈЅαβεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
    "aeopcyxijsdqwABEKMHOPCTYXIJSabeiknoptuxABEHIKMNOPTYXZ",
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def header_tokens(header: object) -> tuple[str, ...]:
    """`ChildDOB` -> (child, dob); `Date of Birth (child)` -> (date, of, birth, child)."""
    text = visible_text(str(header)).translate(_LOOK_ALIKES)
    text = _CAMEL.sub(" ", text)
    return tuple(token for token in re.split(r"[^0-9a-z]+", text.lower()) if token)


def normalise_header(header: object) -> str:
    """Trimmed, lower-cased, runs of spaces and hyphens read as one `_` (after NFKC, without
    invisible characters: `case\u200b_ref` is `case_ref`)."""
    return re.sub(r"[\s\-]+", "_", visible_text(str(header)).strip().lower())


def _contains(tokens: tuple[str, ...], sequence: tuple[str, ...]) -> bool:
    width = len(sequence)
    return any(tokens[i : i + width] == sequence for i in range(len(tokens) - width + 1))


def looks_like_identifier(header: str) -> bool:
    """True for headers such as `Child Name`, `D.O.B.`, `ChildDOB`, `Date of Birth (child)`,
    `National Insurance No`, `ContactEmail`, `tel_no`, `Passport No`, written with
    zero-width or look-alike characters too; False for the contract's columns and
    `SAFE_HEADERS` such as `area_name`."""
    tokens = header_tokens(header)
    if not tokens or tokens in SAFE_HEADERS or "_".join(tokens) in CONTRACT_NAMES:
        return False
    if any(_contains(tokens, sequence) for sequence in _IDENTIFIER_TOKENS):
        return True
    joined = "".join(tokens)
    runs = [joined, *(t for t in tokens if len(t) > 3)]
    return any(marker in run for run in runs for marker in _IDENTIFIER_RUNS) or any(
        joined.startswith(end) or joined.endswith(end) for end in _IDENTIFIER_RUN_ENDS
    )


CONTRACT_NAMES = frozenset((*CORE_COLUMNS, FRAMEWORK, SYNTHETIC))  # never an identifier


def contract_columns() -> tuple[str, ...]:
    """Every input column of the frameworks known now (schemas/rules.py `input_columns`),
    once none of a framework's own columns looks like a direct identifier: a framework file
    cannot open a door the identifier screen keeps shut."""
    known = catalogue()
    return _screened(known.digest, known)


@functools.lru_cache(maxsize=4)
def _screened(digest: str, known: Catalogue) -> tuple[str, ...]:
    columns = input_columns()
    for framework in known:
        for column in framework.columns:
            if looks_like_identifier(column.name):
                raise CaseAuditError(
                    f"Framework file {framework.path}: columns.{column.name}: the name looks "
                    "like a direct identifier, and files with such a column are refused; "
                    "rename the column. Nothing was run."
                )
    return columns


@dataclass(frozen=True)
class HeaderPlan:
    """Which positions hold which contract column; what is dropped; where the header ends.

    `unnamed` are the header's blank cells: a column under one that holds a value refuses
    the file (`unnamed_refusal`). `width` is the header's own number of cells: cells beyond
    it (a CSV row longer than its header) belong to no column at all.
    """

    positions: dict[str, int]
    dropped: tuple[str, ...]
    unnamed: tuple[int, ...]
    width: int


def blank_positions(headers: Iterable[str]) -> list[int]:
    """Positions of header cells that show nothing (empty, spaces, invisible characters)."""
    return [i for i, header in enumerate(headers) if not visible_text(header).strip()]


def unnamed_refusal(found: dict[int, int]) -> FileRefused:
    """The refusal of a file whose columns at `found` (position -> first row with a value)
    hold values under no header: named by letter and first cell, never by value."""
    return FileRefused(
        "file_unnamed_column",
        f"{unnamed_columns(found)}; give every column its own header in row 1, or delete the "
        "column, and send the file again. Nothing of this file was stored.",
    )


def unnamed_columns(found: dict[int, int]) -> str:
    """`column K (first value in K13) holds values but has no header (a merged header
    cell?)`."""
    letters = {column_letter(i): row for i, row in sorted(found.items())}
    where = [f"{letter} (first value in {letter}{row})" for letter, row in letters.items()]
    if len(where) == 1:
        return f"column {where[0]} holds values but has no header (a merged header cell?)"
    return f"columns {', '.join(where)} hold values but have no header (merged header cells?)"


def required_columns(names: Iterable[str]) -> tuple[str, ...]:
    """The columns a header must have: the core ones, and, in a file without a `framework`
    column (all its rows are of the default framework), the default's always-required ones.
    A file naming frameworks row by row has each row's own checked row by row."""
    if FRAMEWORK in set(names):
        return CORE_REQUIRED
    default = catalogue().default
    return (*CORE_REQUIRED, *(c.name for c in default.columns if c.always_required))


def plan_headers(headers: Iterable[object], screen: bool = True) -> HeaderPlan:
    """Match headers to the contract, or refuse the file with a message that says why.
    A file without a `framework` column has the default framework's columns; one with it,
    every framework's (each row keeps its own framework's). Any other column is dropped.
    `screen=False` (only `case-audit check`, after the refusal): a column that looks like an
    identifier is dropped unread like any unknown column, so the file's other problems can
    be found in the same pass."""
    original = [str(h).strip() if h is not None and not pd.isna(h) else "" for h in headers]
    names = [normalise_header(header) for header in original]
    columns = contract_columns()
    if FRAMEWORK not in names:
        columns = input_columns_of(catalogue().default)
    unnamed = blank_positions(original)
    blank = set(unnamed)
    identifiers = [h for h in original if h and looks_like_identifier(h)]
    if identifiers and screen:
        names = ", ".join(repr(h) for h in identifiers)
        raise FileRefused(
            "file_identifier_column",
            f"column {names} looks like a direct identifier; remove it and send the file "
            "again. Nothing of this file was stored.",
        )
    positions: dict[str, int] = {}
    dropped: list[str] = []
    for index, (header, name) in enumerate(zip(original, names, strict=True)):
        if name in columns:
            if name in positions:
                raise FileRefused(
                    "file_duplicate_columns",
                    f"column {name!r} appears twice (columns {positions[name] + 1} and "
                    f"{index + 1}); keep one of them.",
                )
            positions[name] = index
        elif index not in blank:
            dropped.append(header)
    missing = [c for c in required_columns(names) if c not in positions]
    if missing:
        raise FileRefused(
            "file_missing_columns",
            f"required column(s) missing: {', '.join(missing)}; add them to the header row "
            "(header names are matched ignoring case, spaces and hyphens).",
        )
    return HeaderPlan(positions, tuple(dropped), tuple(unnamed), len(original))
