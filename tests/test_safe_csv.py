"""The one CSV rule (`pipeline/safe_csv.py`) over hostile values: what a spreadsheet could run
becomes text, plain numbers stay numbers; and the writers that use it: any frame, the feeds,
`case-audit check --report`. The dashboard's own downloads apply the same rule in the
browser (`tests/publish/test_dashboard.py`)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from pipeline.safe_csv import NUMBER, PREFIX, START, csv_rule, neutralise_formulas, write_csv

# value -> whether the rule makes it text (True) or leaves it as it is (False)
HOSTILE = {
    "=1+1": True,
    "+44 20 7946 0000": True,
    "-2+3+cmd|' /C calc'!A0": True,
    "-1+1 Police": True,
    "@SUM(A1:A9)": True,
    '=HYPERLINK("http://x","click")': True,
    "-": True,
    "-x": True,
    "\t=1+1": True,
    "\tplain": True,  # a leading tab or carriage return always (OWASP)
    "\r=1+1": True,
    "\rplain": True,
    "\n=1+1": True,
    " =1+1": True,  # leading blanks, then a formula: LibreOffice and Sheets skip them
    "   -1+1": True,
    "\u00a0=1+1": True,  # no-break space
    "\u3000+1": True,  # ideographic space
    "\u200b@SUM(A1)": True,  # zero-width space
    "\ufeff=1+1": True,  # byte-order mark
    "\uff1d1+1": True,  # full-width = + - @, read as formulas by Excel with an East Asian IME
    "\uff0b1": True,
    "\uff0d1": True,
    "\uff20SUM(A1)": True,
    "\uff0d3.5": True,  # a full-width minus: not a plain number
    " -3.5": True,  # nor is a number after a blank
    "-\u0661\u0662": True,  # nor one in other digits (Arabic-Indic): [0-9] only
    "-3.5": False,  # plain numbers stay numbers
    "-12": False,
    "+5": False,
    "-1.5E-3": False,
    "-.5": False,
    "3.5": False,
    "1e5": False,
    "plain": False,
    "Northwold, East": False,
    "a=1+1": False,
    "'=1+1": False,  # already text
    "\u2212 3": False,  # a true minus sign is not a formula start
    "plain\t": False,
}
# what a run stores of them: ingest trims, so values that start with a blank cannot arrive
STORED = [value for value in HOSTILE if value == value.strip() and value.isprintable()]


def made_safe(value: str) -> str:
    return PREFIX + value if HOSTILE[value] else value


def csv_rows(path: Path) -> list[list[str]]:
    """A CSV file's cells, carriage returns inside cells kept."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_the_rule_over_hostile_values() -> None:
    frame = pd.DataFrame({"text": list(HOSTILE)})
    assert neutralise_formulas(frame)["text"].tolist() == [made_safe(v) for v in HOSTILE]


def test_the_rule_for_every_text_dtype_leaves_numbers_and_gaps_alone() -> None:
    values = ["-1+1 Police", None, "-3.5", "\u3000=1"]
    frame = pd.DataFrame(
        {
            "object": pd.Series(values, dtype=object),
            "string": pd.Series(values, dtype="string"),
            "number": [-1.5, None, -3.5, 2.0],
        }
    )
    safe = neutralise_formulas(frame)
    for column in ("object", "string"):
        assert safe[column].tolist()[0] == "'-1+1 Police"
        assert pd.isna(safe[column].iloc[1])
        assert safe[column].tolist()[2:] == ["-3.5", "'\u3000=1"]
    assert safe["number"].equals(frame["number"])


def test_the_patterns_mean_the_same_in_python_and_javascript() -> None:
    """The script reads the patterns with `RegExp`: they must avoid what the two engines
    read differently (`\\d`, `\\s`, `\\w`, `\\Z`, named groups, anchors of their own)."""
    rule = csv_rule()
    assert rule == {"start": START, "number": NUMBER, "prefix": PREFIX}
    for pattern in (START, NUMBER):
        re.compile(pattern)
        assert not re.search(r"\\[dDsSwWZAbB]|\(\?P|\(\?<|[\^$]", pattern), pattern


def test_write_csv_writes_the_rule(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": list(HOSTILE), "count": range(len(HOSTILE))})
    rows = csv_rows(write_csv(frame, tmp_path / "o.csv"))
    assert rows[0] == ["text", "count"]
    assert [row[0] for row in rows[1:]] == [made_safe(v) for v in HOSTILE]
    assert [row[1] for row in rows[1:]] == [str(i) for i in range(len(HOSTILE))]


def test_the_feed_csv_writes_the_rule(tmp_path: Path) -> None:
    """Area names in the area feed's CSV; its Parquet keeps them as they are."""
    from pipeline.publish.feeds import write_feeds

    feed = pd.DataFrame(
        {
            "inspection_id": "NWC-CP-2025",
            "force": "-1+1 Police",
            "area": list(HOSTILE),
            "measure": "cases",
            "value": 12.0,
            "status": "published",
        }
    )
    write_feeds({"ratings_by_area": feed}, tmp_path, "run", threshold=5)
    rows = csv_rows(tmp_path / "ratings_by_area.csv")
    header = rows[0]
    areas = [row[header.index("area")] for row in rows[1:]]
    assert areas == [made_safe(v) for v in HOSTILE]
    assert {row[header.index("force")] for row in rows[1:]} == {"'-1+1 Police"}
    assert {row[header.index("value")] for row in rows[1:]} == {"12"}
    assert pd.read_parquet(tmp_path / "ratings_by_area.parquet")["area"].tolist() == list(HOSTILE)


def test_the_check_report_csv_writes_the_rule(tmp_path: Path) -> None:
    """Each value as an unknown category: the report's `value` column holds it, made safe."""
    from pipeline.cli import main
    from tests.helpers import case
    from tests.helpers import write_csv as write_input

    rows = [case(case_ref=f"NW-{i}", category=value) for i, value in enumerate(STORED)]
    write_input(tmp_path / "in" / "cases.csv", rows)
    report = tmp_path / "problems.csv"
    assert main(["check", str(tmp_path / "in"), "--report", str(report), "--quiet"]) == 1
    table = csv_rows(report)
    header = table[0]
    unknown = {
        (r[header.index("case_ref")], r[header.index("value")])
        for r in table[1:]
        if r[header.index("column_name")] == "category"
    }
    assert unknown == {(f"NW-{i}", made_safe(value)) for i, value in enumerate(STORED)}
