"""What `case-audit check` tells a data provider in one pass."""

from __future__ import annotations

from pipeline.validate.report import check_paths
from tests.helpers import RUN_DATE, case, write_csv


def test_a_file_refused_for_an_identifier_is_still_checked_for_its_other_problems(tmp_path):
    rows = [
        case(case_ref="NW-1") | {"first_name": "Alice Smithson"},
        case(case_ref="NW-2", rating="excelent") | {"first_name": "Bob Jonesworth"},
    ]
    path = write_csv(tmp_path / "with_names.csv", rows, [*case(), "first_name"])
    report = check_paths([path], today=RUN_DATE)
    assert report.refused == 1 and report.rejected_rows == 1
    [refusal] = [line for line in report.lines if "file refused" in line]
    assert "[file_identifier_column]" in refusal and "'first_name'" in refusal
    assert "remove it" in refusal and "as if the column were removed" in refusal
    assert any(
        "with_names.csv row 3, column rating [rating_unknown]" in line for line in report.lines
    )
    everything = "\n".join(report.lines) + report.problems.to_csv()
    assert "Alice" not in everything and "Jonesworth" not in everything  # never its values


def test_the_run_still_refuses_such_a_file_whole(tmp_path):
    from pipeline.ingest.files import read_case_files

    path = write_csv(
        tmp_path / "n.csv", [case() | {"first_name": "Alice"}], [*case(), "first_name"]
    )
    rows, [report] = read_case_files([path], root=tmp_path)
    assert (report.status, report.rule, len(rows)) == ("refused", "file_identifier_column", 0)
