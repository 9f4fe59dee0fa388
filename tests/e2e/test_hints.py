"""Help that fixes: each reason says what the provider probably meant, which force the
inspection's other rows name, where the other copies of a case_ref are. The run (stored in
rejected_rows.hint) and `case-audit check` say the same."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from pipeline.defs.graph import run_graph
from pipeline.ingest.files import read_case_files
from pipeline.validate.memory import validate_rows
from tests.helpers import RUN_DATE, case, resource, write_csv

EXPECTED = {
    (2, "category_unknown"): "Did you mean missing_absent?",
    (3, "rating_unknown"): None,  # `Outstanding` is near no rating: the list is the help
    (4, "force_rating_unknown"): "Did you mean adequate?",
    (5, "force_mismatch"): "Most rows of NWC-CP-2025 name 'Northwold Constabulary'.",
    (6, "duplicate_case_ref"): "Other copies: cases.csv row 7.",
    (7, "duplicate_case_ref"): "Other copies: cases.csv row 6.",
}


def provider_file(folder):
    rows = [
        case(case_ref="NW-1", category="mising_absent"),
        case(case_ref="NW-2", rating="Outstanding"),
        case(case_ref="NW-3", force_rating="adequte"),
        case(case_ref="NW-4", force="Northwold Police"),
        case(case_ref="NW-5"),
        case(case_ref="NW-5"),
        *[case(case_ref=f"NW-{n}") for n in range(10, 14)],
    ]
    return write_csv(folder / "cases.csv", rows)


def hints(frame) -> dict:
    return {
        (int(r.source_row), r.rule): (None if r.hint is None or r.hint != r.hint else r.hint)
        for r in frame.itertuples()
    }


@pytest.mark.slow
def test_check_and_run_give_the_same_hints(tmp_path) -> None:
    path = provider_file(tmp_path / "incoming")
    rows, _ = read_case_files([path], root=path.parent)
    checked = validate_rows(rows, RUN_DATE).reasons
    assert hints(checked) == EXPECTED

    res = resource(tmp_path, path.parent)
    assert dg.materialize(run_graph(), resources={"case_audit": res}).success
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        stored = conn.execute("SELECT source_row, rule, hint FROM rejected_rows").df()
    assert hints(stored.astype(object).where(stored.notna(), None)) == EXPECTED


def test_a_tie_between_forces_names_both(tmp_path) -> None:
    rows = [case(case_ref="A-1"), case(case_ref="A-2", force="Southmoor Police")]
    path = write_csv(tmp_path / "tie.csv", rows)
    frame, _ = read_case_files([path], root=tmp_path)
    said = set(validate_rows(frame, RUN_DATE).reasons["hint"])
    assert said == {
        "Rows of NWC-CP-2025 name 'Northwold Constabulary' and 'Southmoor Police' "
        "equally often: say which force it is."
    }
