"""Rows under frameworks: each row is judged by its own framework's rules, a row naming an
unknown framework is quarantined naming the known ones, an inspection names one framework,
and another framework's columns are never stored on a row (contract v2.0, 4.2)."""

from __future__ import annotations

import pandas as pd

from pipeline.validate.memory import judge_in_memory, validate_rows
from schemas.frameworks import catalogue
from tests.helpers import RUN_DATE, case, rows_frame


def mace(**overrides: object) -> dict[str, object]:
    """A valid row of mace@2024 (its file's example case), naming its framework."""
    framework = catalogue()["mace@2024"]
    return framework.example_cases["case"] | {"framework": framework.key} | overrides


def reasons(rows: list[dict]) -> pd.DataFrame:
    return validate_rows(rows_frame(rows), RUN_DATE).reasons


def test_each_row_is_judged_by_its_own_framework() -> None:
    rows = [
        case(case_ref="N-1", rating="adequate"),  # not a level of ncpi@2016
        mace(case_ref="M-1", rating="adequate"),
        mace(case_ref="M-2", rating="requires_improvement"),  # not a level of mace@2024
        case(case_ref="N-2", rating="RI"),  # ncpi's alias
        mace(case_ref="M-3", rating="RI"),  # not mace's
    ]
    found = reasons(rows)
    rated = found[found["rule"].eq("rating_unknown")]
    assert sorted(rated["case_ref"]) == ["M-2", "M-3", "N-1"]
    said = dict(zip(rated["case_ref"], rated["message"], strict=True))
    assert said["N-1"] == "Use one of: good, requires_improvement, inadequate (or RI)."
    assert said["M-2"] == said["M-3"] == "Use one of: good, adequate, inadequate."


def test_a_framework_nobody_knows_quarantines_the_row_and_names_the_known_ones() -> None:
    found = reasons([case(framework="ncpi@2061", audit_date="yesterday"), case(case_ref="N-2")])
    unknown = found[found["rule"].eq("framework_unknown")]
    assert unknown["case_ref"].tolist() == ["NW-0001"]
    assert "ncpi@2016" in unknown["hint"].iloc[0] and "mace@2024" in unknown["hint"].iloc[0]
    assert unknown["hint"].iloc[0].startswith("Did you mean ncpi@2016?")
    # the core rules that need no framework still judge the row
    assert "audit_date_invalid" in set(found.loc[found["case_ref"].eq("NW-0001"), "rule"])


def test_one_inspection_names_one_framework() -> None:
    rows = [case(case_ref=f"N-{n}") for n in range(3)] + [mace(inspection_id="NWC-CP-2025")]
    found = reasons(rows)
    mixed = found[found["rule"].eq("framework_mismatch")]
    assert mixed["case_ref"].tolist() == ["NW-0001"] and mixed["column_name"].eq("framework").all()
    assert mixed["hint"].iloc[0] == "Most rows of NWC-CP-2025 name 'ncpi@2016'."


def test_another_frameworks_columns_are_never_stored_on_a_row() -> None:
    """A row keeps its own framework's columns only: values in another framework's columns
    are dropped before anything is staged, so case_audits holds NULL there."""
    rows = [
        mace(case_ref="M-1", referred_back="yes", charged="no"),  # ncpi's columns
        case(case_ref="N-1", strategy_discussion_held="yes", lead_agency="Police"),  # mace's
    ]
    judged = judge_in_memory(rows_frame(rows), RUN_DATE)
    assert judged.reasons.empty
    cases = judged.cases.set_index("framework")
    assert pd.isna(cases.loc["mace@2024", "referred_back"])
    assert pd.isna(cases.loc["mace@2024", "charged"])
    assert pd.isna(cases.loc["ncpi@2016", "strategy_discussion_held"])
    assert pd.isna(cases.loc["ncpi@2016", "lead_agency"])
    assert cases.loc["ncpi@2016", "referred_back"] == False  # noqa: E712 (numpy bool)


def test_a_framework_column_is_typed_and_judged_by_its_condition() -> None:
    rows = [
        mace(case_ref="M-1", strategy_discussion_held="yes", strategy_discussion_days="3"),
        mace(case_ref="M-2", strategy_discussion_held="no", strategy_discussion_days="3"),
        mace(case_ref="M-3", strategy_discussion_held="yes"),
        mace(case_ref="M-4", management_review_date="04/06/2024"),
    ]
    judged = judge_in_memory(rows_frame(rows), RUN_DATE)
    blamed = set(zip(judged.reasons["case_ref"], judged.reasons["rule"], strict=True))
    assert blamed == {
        ("M-2", "strategy_discussion_days_not_applicable"),
        ("M-3", "strategy_discussion_days_missing"),
    }
    loaded = judged.cases.set_index("source_row")
    assert loaded.loc[2, "strategy_discussion_days"] == 3
    assert str(loaded.loc[5, "management_review_date"])[:10] == "2024-06-04"  # day first
