"""Revisions, never silent (issue 22, point 2): a publish that changes a published figure
records it (old and new values, when, why, which cases moved), publishes it without case
keys or file names, writes a release note and marks the figure on the page; the first
publish and a publish that changes nothing revise nothing."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.defs.graph import run_graph
from tests.helpers import case, resource, write_csv

pytestmark = pytest.mark.slow  # whole runs


def _cases(inspection: str, prefix: str, inadequate: int) -> list[dict]:
    return [
        case(
            inspection_id=inspection,
            case_ref=f"{prefix}-{n:02}",
            rating="inadequate" if n < inadequate else "good",
        )
        for n in range(20)
    ]


def _publish(root: Path, incoming: Path) -> str:
    result = dg.materialize(
        run_graph(), resources={"case_audit": resource(root, incoming)}, raise_on_error=False
    )
    assert result.success
    return result.run_id


def _query(root: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(root / "wh" / "case_audit.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_a_changed_added_and_withdrawn_figure_is_recorded_published_and_marked(
    tmp_path: Path,
) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    write_csv(incoming / "a.csv", _cases("NWC-A-2025", "A", inadequate=5))
    write_csv(incoming / "b.csv", _cases("NWC-B-2025", "B", inadequate=8))
    _publish(tmp_path, incoming)
    assert _query(tmp_path, "SELECT count(*) FROM figure_revisions") == [(0,)]  # first publish

    # the provider corrects A (one more case inadequate), withdraws B and sends C
    write_csv(incoming / "a.csv", _cases("NWC-A-2025", "A", inadequate=6))
    (incoming / "b.csv").unlink()
    write_csv(incoming / "c.csv", _cases("NWC-C-2025", "C", inadequate=2))
    run = _publish(tmp_path, incoming)

    changes = dict(
        _query(
            tmp_path,
            "SELECT inspection_id, list(DISTINCT change) FROM figure_revisions "
            f"WHERE run_id = '{run}' GROUP BY ALL",
        )
    )
    assert changes == {
        "NWC-A-2025": ["revised"],
        "NWC-B-2025": ["withdrawn"],
        "NWC-C-2025": ["added"],
    }
    [(before, after, reason, files)] = _query(
        tmp_path,
        "SELECT (previous_numerator, previous_denominator), (numerator, denominator), reason, "
        "input_changes FROM figure_revisions WHERE inspection_id = 'NWC-A-2025' "
        "AND metric = 'cases_inadequate'",
    )
    assert (before, after) == ((5, 20), (6, 20))
    assert "1 case(s) now counted" in reason and "a.csv" not in reason
    assert "changed: a.csv" in files and "removed: b.csv" in files  # the warehouse names them
    # the case that moved, by its key: A-05, the row whose rating was corrected (row 7)
    [(corrected,)] = _query(
        tmp_path,
        "SELECT case_key FROM case_audits WHERE source_file = 'a.csv' AND source_row = 7",
    )
    moved = _query(
        tmp_path,
        "SELECT case_key, movement FROM revision_cases "
        "WHERE inspection_id = 'NWC-A-2025' AND metric = 'cases_inadequate'",
    )
    assert moved == [(corrected, "entered_numerator")]

    feeds = tmp_path / "wh" / "feeds"
    public = (feeds / "revisions.csv").read_text(encoding="utf-8-sig")
    keys = {k for (k,) in _query(tmp_path, "SELECT case_key FROM revision_cases")}
    assert keys and not any(k in public for k in keys)
    assert ".csv" not in public.replace("revisions.csv", "")
    feed = pd.read_parquet(feeds / "revisions.parquet")
    assert set(feed["change"]) == {"revised", "added", "withdrawn"}
    notes = (feeds / "release-notes.md").read_text(encoding="utf-8")
    assert f"(run {run})" in notes
    assert (
        "NWC-A-2025 (Northwold Constabulary), Cases rated inadequate: revised from 25.0% "
        "(5 of 20) to 30.0% (6 of 20)" in notes
    )
    html = (feeds / "dashboard.html").read_text(encoding="utf-8")
    marks = re.findall(
        r'Revised on [^:]+: was ([0-9.]+)% \((\d+) of (\d+)\), <a href="#(rev-\d+)">', html
    )
    assert ("25.0", "5", "20") in {m[:3] for m in marks}
    for *_, target in marks:
        assert f'<li id="{target}">' in html

    # the same inputs again: nothing revised
    _publish(tmp_path, incoming)
    assert _query(tmp_path, f"SELECT count(*) FROM figure_revisions WHERE run_id <> '{run}'") == [
        (0,)
    ]
