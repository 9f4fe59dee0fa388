"""One test per validation rule: a row that breaks it is quarantined under its code and column.

The catalogue test at the bottom fails if a row rule is added without a test here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.validate.memory import validate_rows
from schemas.frameworks import Framework, catalogue
from schemas.rules import EXAMPLE_RUN_DATE, Rule, rule_messages, rules_of
from tests.helpers import EXAMPLE_CASES, RUN_DATE, case, custody_case, missing_case, rows_frame


def reasons_for(rows: list[dict]) -> pd.DataFrame:
    """The reasons the rules find: the run's staging and models over rows held in memory (a
    run and `case-audit check` share them; reading files is the corpus's to test)."""
    return validate_rows(rows_frame(rows), RUN_DATE).reasons


EXAMPLES = [
    (framework, rule, n, example)
    for framework in catalogue()
    for rule in rules_of(framework)
    if rule.level != "query"
    for n, example in enumerate(rule.examples)
]  # queries: tests/validate/test_queries.py


@pytest.mark.parametrize(
    ("framework", "rule", "n", "example"),
    EXAMPLES,
    ids=[f"{f.key}-{rule.code}-{n}" for f, rule, n, _ in EXAMPLES],
)
def test_each_rule_example_is_judged_as_its_unit_says(
    framework: Framework, rule: Rule, n: int, example
):
    """Every example of every rule unit, under every framework: the rule blames exactly the
    (row, column) pairs the unit names (none for an example of rows that pass)."""
    assert EXAMPLE_RUN_DATE == RUN_DATE
    reasons = reasons_for(example.frame_rows(framework))
    found = {
        (row - 2, column)
        for row, column in reasons.loc[
            reasons["rule"].eq(rule.code), ["source_row", "column_name"]
        ].itertuples(index=False)
    }
    assert found == set(example.blamed)
    # every reason carries the catalogue message for its rule under the rows' framework
    messages = rule_messages(framework)
    assert (reasons["message"] == reasons["rule"].map(messages)).all()


def test_every_row_rule_has_an_example_that_breaks_it() -> None:
    for framework in catalogue():
        for rule in rules_of(framework):
            if rule.level == "row" and (
                rule.defined_in != "core" or framework is catalogue().default
            ):
                assert any(example.blamed for example in rule.examples), (framework, rule.code)


def test_example_cases_pass_every_rule() -> None:
    rows = [EXAMPLE_CASES[kind] | {"case_ref": f"NW-{n}"} for n, kind in enumerate(EXAMPLE_CASES)]
    assert validate_rows(rows_frame(rows), RUN_DATE).reasons.empty


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


def test_force_tie_quarantines_every_row_of_the_inspection() -> None:
    rows = [case(), case(case_ref="NW-0002", force="Other Force")]
    reasons = reasons_for(rows)
    assert reasons.loc[reasons["rule"].eq("force_mismatch"), "source_row"].tolist() == [2, 3]
