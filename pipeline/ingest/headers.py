"""Header matching: contract names, refused identifier columns, dropped unknown columns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.errors import FileRefused
from pipeline.lazy import pd
from schemas.case_audit import COLUMNS, REQUIRED

# A column is refused when its compacted name (letters and digits only) is one of these ...
_IDENTIFIER_NAMES = {
    "name",
    "names",
    "firstname",
    "forename",
    "forenames",
    "surname",
    "lastname",
    "familyname",
    "fullname",
    "givenname",
    "middlename",
    "childname",
    "dob",
    "dateofbirth",
    "birthdate",
    "birthday",
    "address",
    "homeaddress",
    "postcode",
    "postalcode",
    "zipcode",
    "nhsnumber",
    "nhsno",
    "upn",
    "uniquepupilnumber",
    "ninumber",
    "nino",
    "nationalinsurancenumber",
    "phone",
    "phonenumber",
    "telephone",
    "mobile",
    "email",
    "emailaddress",
}
# ... or when any of its words is one of these.
_IDENTIFIER_WORDS = {
    "name",
    "names",
    "forename",
    "forenames",
    "surname",
    "dob",
    "address",
    "postcode",
    "phone",
    "telephone",
    "mobile",
    "email",
    "nhs",
    "upn",
}


def normalise_header(header: object) -> str:
    """Trimmed, lower-cased, runs of spaces and hyphens read as one `_`."""
    return re.sub(r"[\s\-]+", "_", str(header).strip().lower())


def looks_like_identifier(header: str) -> bool:
    """True for names like `Child Name`, `D.O.B.`, `post code`, `NHS no`."""
    lowered = str(header).lower()
    compact = re.sub(r"[^a-z0-9]", "", lowered)
    words = set(re.split(r"[^a-z0-9]+", lowered))
    return compact in _IDENTIFIER_NAMES or bool(words & _IDENTIFIER_WORDS)


@dataclass(frozen=True)
class HeaderPlan:
    """Which positions hold which contract column; what is dropped; where the header ends.

    `unnamed` are blank header cells before the last named one; `width` is one past the last
    named header cell: cells beyond it belong to no column at all.
    """

    positions: dict[str, int]
    dropped: tuple[str, ...]
    unnamed: tuple[int, ...]
    width: int


def plan_headers(headers: Iterable[object]) -> HeaderPlan:
    """Match headers to the contract, or refuse the file with a message that says why."""
    original = [str(h).strip() if h is not None and not pd.isna(h) else "" for h in headers]
    width = max((i + 1 for i, h in enumerate(original) if h), default=0)
    identifiers = [h for h in original if h and looks_like_identifier(h)]
    if identifiers:
        names = ", ".join(repr(h) for h in identifiers)
        raise FileRefused(
            "file_identifier_column",
            f"column {names} looks like a direct identifier; remove it and send the file "
            "again. Nothing of this file was stored.",
        )
    positions: dict[str, int] = {}
    dropped: list[str] = []
    unnamed: list[int] = []
    for index, header in enumerate(original[:width]):
        name = normalise_header(header)
        if name in COLUMNS:
            if name in positions:
                raise FileRefused(
                    "file_duplicate_columns",
                    f"column {name!r} appears twice (columns {positions[name] + 1} and "
                    f"{index + 1}); keep one of them.",
                )
            positions[name] = index
        elif header:
            dropped.append(header)
        else:
            unnamed.append(index)
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        raise FileRefused(
            "file_missing_columns",
            f"required column(s) missing: {', '.join(missing)}; add them to the header row "
            "(header names are matched ignoring case, spaces and hyphens).",
        )
    return HeaderPlan(positions, tuple(dropped), tuple(unnamed), width)
