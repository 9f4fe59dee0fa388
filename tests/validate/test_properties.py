"""Property tests: random mixes of valid and corrupted rows across files.

Whatever the mix: every file conserves rows (read = loaded + rejected), every corrupted row is
quarantined, and no valid row is.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.files import read_case_files
from pipeline.validate.memory import validate_rows
from schemas.contract import BOOL_SPELLINGS
from schemas.frameworks import catalogue
from tests.helpers import COLUMNS, RUN_DATE

CATEGORIES = tuple(catalogue().default.categories)
FORCE_RATINGS = catalogue().default.force_levels
FORCES = {"PT-ALPHA-1": "Alpha Constabulary", "PT-BETA-2": "Beta Police"}


def _spelled(value: str) -> st.SearchStrategy[str]:
    """A value as people type it: any case, stray spaces, spaces for underscores."""
    return st.sampled_from(
        [
            value,
            value.upper(),
            value.title().replace("_", " "),
            f"  {value} ",
            value.replace("_", "-"),
        ]
    )


booleans = st.sampled_from(sorted(BOOL_SPELLINGS)).flatmap(
    lambda v: st.sampled_from([v, v.upper(), v.capitalize()])
)
ratings = st.sampled_from(["good", "requires_improvement", "inadequate", "RI", "ri"]).flatmap(
    _spelled
)
dates = st.dates(dt.date(2014, 1, 1), RUN_DATE).map(dt.date.isoformat)


@st.composite
def valid_row(draw: st.DrawFn) -> dict[str, str | None]:
    inspection = draw(st.sampled_from(sorted(FORCES)))
    category = draw(st.sampled_from(CATEGORIES))
    custody = category == "custody"
    row: dict[str, str | None] = dict.fromkeys(COLUMNS) | {
        "inspection_id": inspection,
        "force": FORCES[inspection],
        "area": draw(st.none() | st.text("abcdefgh XYZ-'", min_size=1, max_size=30)),
        "category": draw(_spelled(category)),
        "audit_date": draw(dates),
        "rating": draw(ratings),
        "referred_back": draw(booleans),
        "force_rating": draw(st.none() | st.sampled_from(FORCE_RATINGS).flatmap(_spelled)),
        "cse_risk_assessed": draw(st.none() | booleans),
    }
    if custody:
        for column in ("charged", "bail_refused", "detained_until_court"):
            row[column] = draw(booleans)
        row["la_accommodation_requested"] = draw(st.none() | booleans)
    if category == "missing_absent":
        row["missing_episodes"] = str(draw(st.integers(1, 500)))
    return row


CORRUPTIONS = {
    "rating_unknown": lambda row: row | {"rating": "excellent"},
    "bool_invalid": lambda row: row | {"referred_back": "perhaps"},
    "audit_date_invalid": lambda row: row | {"audit_date": "2016-13-01"},
    "audit_date_future": lambda row: row | {"audit_date": "2999-01-01"},
    "category_unknown": lambda row: row | {"category": "burglary"},
    "required_missing": lambda row: row | {"rating": None},
    "case_ref_format": lambda row: row | {"case_ref": "x"},
    "missing_episodes_not_applicable": lambda row: (
        row | {"category": "cse", "missing_episodes": "3"}
    ),
    "custody_field_missing": lambda row: row | {"category": "custody", "charged": None},
    "force_rating_unknown": lambda row: row | {"force_rating": "superb"},
}

rows_with_fate = st.lists(
    st.tuples(valid_row(), st.none() | st.sampled_from(sorted(CORRUPTIONS)), st.integers(0, 2)),
    min_size=1,
    max_size=40,
)


def _write(path: Path, rows: list[dict[str, str | None]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_with_fate)
def test_rows_are_conserved_and_only_corrupted_rows_quarantined(
    drawn: list[tuple[dict, str | None, int]],
) -> None:
    files: dict[int, list[dict]] = {}
    corrupted: set[tuple[str, int]] = set()
    for number, (row, corruption, file_index) in enumerate(drawn):
        row = row | {"case_ref": f"R-{number:05}"}
        if corruption:
            row = CORRUPTIONS[corruption](row)
        rows = files.setdefault(file_index, [])
        rows.append(row)
        if corruption:
            corrupted.add((f"part{file_index}.csv", len(rows) + 1))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = []
        for index, rows in sorted(files.items()):
            paths.append(root / f"part{index}.csv")
            _write(paths[-1], rows)
        raw, reports = read_case_files(paths, root=root)
        result = validate_rows(raw, RUN_DATE)

    rejected = set(result.reasons[["source_file", "source_row"]].itertuples(index=False, name=None))
    assert rejected == corrupted
    loaded = set(result.valid[["source_file", "source_row"]].itertuples(index=False, name=None))
    assert not loaded & rejected
    for report in reports:
        in_file = sum(1 for f, _ in loaded if f == report.source_file)
        out_file = sum(1 for f, _ in rejected if f == report.source_file)
        assert report.rows_read == in_file + out_file == len(files[int(report.source_file[4])])
