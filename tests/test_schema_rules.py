"""One test per validation rule: a row that breaks it is quarantined under its code and column.

The catalogue test at the bottom fails if a row rule is added without a test here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.validate.quarantine import validate_rows
from schemas.case_audit import RULES
from tests.helpers import (
    RUN_DATE,
    case,
    custody_case,
    missing_case,
    rows_frame,
    validate_in_duckdb,
)

# rule code -> (rows, the (row index, column) pairs that must carry that rule)
RULE_CASES: dict[str, tuple[list[dict], set[tuple[int, str]]]] = {
    "required_missing": (
        [case(rating=None), case(case_ref="NW-0002", inspection_id=None, force=None)],
        {(0, "rating"), (1, "inspection_id"), (1, "force")},
    ),
    "inspection_id_format": (
        [case(inspection_id="AB"), case(case_ref="NW-2", inspection_id="NW C/P 2025")],
        {(0, "inspection_id"), (1, "inspection_id")},
    ),
    "case_ref_format": (
        [case(case_ref="NW"), case(case_ref="NW.0001"), case(case_ref="x" * 65)],
        {(0, "case_ref"), (1, "case_ref"), (2, "case_ref")},
    ),
    "extra_cells": ([case(extra_cells="x | y")], {(0, "extra_cells")}),
    "text_too_long": ([case(area="a" * 201)], {(0, "area")}),
    "text_stray_quote": (
        [
            case(area="Harbour\nNW-2016,C-0002"),
            case(force="North, Harbour, good, 2016-01-04, no"),
            case(area="North, East, Ward 3, Ward 4"),
            case(area="Ward\r3"),
        ],
        {(0, "area"), (1, "force"), (3, "area")},
    ),
    "category_unknown": ([case(category="burglary")], {(0, "category")}),
    "rating_unknown": ([case(rating="excellent")], {(0, "rating")}),
    "force_rating_unknown": ([case(force_rating="outstanding")], {(0, "force_rating")}),
    "bool_invalid": (
        [case(referred_back="maybe"), custody_case(case_ref="NW-0002", charged="2")],
        {(0, "referred_back"), (1, "charged")},
    ),
    "audit_date_invalid": (
        [case(audit_date="04/03/2025"), case(case_ref="NW-0002", audit_date="2025-02-30")],
        {(0, "audit_date"), (1, "audit_date")},
    ),
    "audit_date_future": ([case(audit_date="2026-11-30")], {(0, "audit_date")}),
    "missing_episodes_invalid": (
        [
            missing_case(missing_episodes=v, case_ref=f"NW-{i:04}")
            for i, v in enumerate(["0", "-1", "1.5", "two"])
        ],
        {(i, "missing_episodes") for i in range(4)},
    ),
    "custody_field_missing": (
        [custody_case(charged=None, detained_until_court=None)],
        {(0, "charged"), (0, "detained_until_court")},
    ),
    "custody_field_not_applicable": (
        [case(charged="yes", la_accommodation_requested="no")],
        {(0, "charged"), (0, "la_accommodation_requested")},
    ),
    "missing_episodes_missing": ([missing_case(missing_episodes=None)], {(0, "missing_episodes")}),
    "missing_episodes_not_applicable": ([case(missing_episodes="3")], {(0, "missing_episodes")}),
    "force_mismatch": (
        [case(), case(case_ref="NW-0002"), case(case_ref="NW-0003", force="Northwold Police")],
        {(2, "force")},
    ),
    "duplicate_case_ref": (
        [case(), case(rating="inadequate"), case(case_ref="NW-0002")],
        {(0, "case_ref"), (1, "case_ref")},
    ),
}


def reasons_for(rows: list[dict], path: str = "check") -> pd.DataFrame:
    """The reasons the pandera schema finds on `case-audit check`'s path (in memory) or on
    the run's (staged per chunk, reasons assembled in SQL): every rule test runs on both."""
    if path == "run":
        return validate_in_duckdb(rows_frame(rows), RUN_DATE)[1]
    return validate_rows(rows_frame(rows), RUN_DATE).reasons


@pytest.mark.parametrize("path", ["check", "run"])
@pytest.mark.parametrize("code", sorted(RULE_CASES))
def test_rule_quarantines_the_row_under_its_code(code: str, path: str) -> None:
    rows, expected = RULE_CASES[code]
    reasons = reasons_for(rows, path)
    found = {
        (row - 2, column)
        for row, column in reasons.loc[
            reasons["rule"].eq(code), ["source_row", "column_name"]
        ].itertuples(index=False)
    }
    assert found == expected
    # every reason carries the catalogue message for its rule
    messages = {r.code: r.message for r in RULES}
    assert (reasons["message"] == reasons["rule"].map(messages)).all()


def test_every_row_rule_has_a_test() -> None:
    row_rules = {r.code for r in RULES if r.level == "row"}
    assert row_rules == set(RULE_CASES)


def test_valid_rows_pass_and_are_normalised() -> None:
    rows = [
        case(rating="Requires Improvement", referred_back="Y", force_rating="RI"),
        custody_case(
            case_ref="NW-0002",
            rating=" ri ".strip(),
            charged="TRUE",
            bail_refused="n",
            detained_until_court="0",
            la_accommodation_requested="1",
        ),
        missing_case(
            case_ref="NW-0003",
            rating="GOOD",
            missing_episodes="12",
            cse_risk_assessed="No",
            category="Missing Absent",
        ),
    ]
    result = validate_rows(rows_frame(rows), RUN_DATE)
    assert result.reasons.empty
    valid = result.valid.set_index("case_ref")
    assert valid.loc["NW-0001", ["rating", "referred_back", "force_rating"]].tolist() == [
        "requires_improvement",
        "true",
        "requires_improvement",
    ]
    assert valid.loc[
        "NW-0002", ["charged", "bail_refused", "detained_until_court", "la_accommodation_requested"]
    ].tolist() == ["true", "false", "false", "true"]
    assert valid.loc["NW-0003", ["category", "rating"]].tolist() == ["missing_absent", "good"]


def test_a_row_with_several_problems_gets_every_reason_and_counts_once() -> None:
    rows = [
        case(rating="excellent", referred_back="maybe", audit_date="yesterday"),
        case(case_ref="NW-0002"),
    ]
    result = validate_rows(rows_frame(rows), RUN_DATE)
    assert set(result.reasons["rule"]) == {"rating_unknown", "bool_invalid", "audit_date_invalid"}
    assert result.rejected_row_count == 1
    assert len(result.valid) == 1
    assert result.reasons["value"].tolist() == ["yesterday", "excellent", "maybe"]


def test_same_case_ref_in_two_inspections_is_fine() -> None:
    rows = [case(), case(inspection_id="NWC-CP-2026", audit_date="2026-01-05")]
    assert validate_rows(rows_frame(rows), RUN_DATE).reasons.empty


def test_audit_date_today_is_allowed() -> None:
    rows = [case(audit_date=RUN_DATE.isoformat())]
    assert validate_rows(rows_frame(rows), RUN_DATE).reasons.empty


@pytest.mark.parametrize("path", ["check", "run"])
def test_force_tie_quarantines_every_row_of_the_inspection(path: str) -> None:
    rows = [case(), case(case_ref="NW-0002", force="Other Force")]
    reasons = reasons_for(rows, path)
    assert reasons.loc[reasons["rule"].eq("force_mismatch"), "source_row"].tolist() == [2, 3]
