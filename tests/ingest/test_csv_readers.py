"""The CSV format's two readers: DuckDB's (the fast way in) against Python's csv engine.

Whenever `csv_duckdb.read` accepts a file, the rows, row numbers and cells it gives, shaped
by the one `shape_table`, must be exactly what the careful reader gives; whenever the file is
unusual (blank lines, bare CRs, ragged rows, another encoding) it must decline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.errors import FileRefused
from pipeline.ingest.files import shape_table
from pipeline.ingest.formats import csv_duckdb, csv_text
from pipeline.ingest.formats.csv_duckdb import PlainCsv, _plain_utf8
from pipeline.ingest.headers import plan_headers
from pipeline.ingest.raw import CHUNK_ROWS, WiderThanHeader
from schemas.contract import EXTRA_CELLS
from tests.bad_input_corpus import CORPUS
from tests.helpers import COLUMNS, case, write_csv

SHAPED = ["source_row", *COLUMNS, EXTRA_CELLS]


def _shaped(chunks) -> tuple[list[tuple], list[str]]:
    rows, dropped, plan = [], {}, None
    for table in chunks:
        plan = plan or plan_headers(table.headers)
        frame, unnamed = shape_table(table, plan)
        dropped.update(dict.fromkeys([*plan.dropped, *unnamed]))
        cells = frame[SHAPED].astype(object)
        rows += [tuple(r) for r in cells.where(cells.notna(), None).itertuples(index=False)]
    return rows, list(dropped)


def both_ways(path: Path) -> tuple[list[tuple] | None, list[tuple] | None, list[str], list[str]]:
    """(rows by DuckDB or None if declined, rows by Python or None if refused, dropped x2)."""
    width = None
    while True:
        try:
            by_text, text_dropped = _shaped(csv_text.read(path, width=width))
            break
        except WiderThanHeader as wider:
            width = wider.width
        except FileRefused:
            by_text, text_dropped = None, []
            break
    fast = csv_duckdb.read(path, CHUNK_ROWS)
    if fast is None:
        return None, by_text, [], text_dropped
    try:
        by_duckdb, duckdb_dropped = _shaped(fast)
    except FileRefused:
        return [], by_text, [], text_dropped
    return by_duckdb, by_text, duckdb_dropped, text_dropped


def test_a_plain_file_is_read_by_duckdb_exactly_as_by_pandas(tmp_path):
    rows = [case(case_ref=f"R-{n}", area=f"  Area\u00a0{n} ") for n in range(50)]
    path = write_csv(tmp_path / "plain.csv", rows, [*COLUMNS, "notes", "", "x"])
    by_duckdb, by_pandas, dropped, expected_dropped = both_ways(path)
    assert by_duckdb is not None and by_duckdb == by_pandas
    assert dropped == expected_dropped == ["notes", "x"]


@pytest.mark.parametrize(
    "tweak",
    [
        lambda text: text.replace("\n", "\n\n", 3),  # blank lines shift DuckDB's row numbers
        lambda text: text.replace("\n", "\r", 2),  # a bare carriage return
        lambda text: text + "a,b,c\n",  # a short row
        lambda text: text.replace("\n", ",extra\n", 4)[::-1][::-1],  # ragged rows
        lambda text: text.replace(",R-1,", ', "R-1",'),  # a space before a quoted cell
        lambda text: text.replace(",R-2,", ',"R-2"  ,'),  # spaces after a quoted cell
    ],
)
def test_unusual_files_are_left_to_the_pandas_reader(tmp_path, tweak):
    path = write_csv(tmp_path / "f.csv", [case(case_ref=f"R-{n}") for n in range(5)])
    path.write_text(tweak(path.read_text()))
    assert both_ways(path)[0] is None


def test_a_plain_file_has_its_lines_counted(tmp_path):
    rows = [case(case_ref=f"R-{n}", area="\tHarbour\u00a0", force=" Northwold ") for n in range(5)]
    path = write_csv(tmp_path / "f.csv", rows)
    assert _plain_utf8(path) == PlainCsv(lines=6)
    by_duckdb, by_pandas, *_ = both_ways(path)
    assert by_duckdb is not None and by_duckdb == by_pandas
    assert {row[2] for row in by_duckdb} == {"Northwold"}  # force, trimmed by shape_table


def test_trailing_blank_lines_keep_the_fast_path(tmp_path):
    path = write_csv(tmp_path / "f.csv", [case(case_ref=f"R-{n}") for n in range(5)])
    path.write_bytes(path.read_bytes() + b"\r\n\r\n")
    by_duckdb, by_pandas, *_ = both_ways(path)
    assert by_duckdb is not None and by_duckdb == by_pandas


@pytest.mark.parametrize(
    "entry", [e for e in CORPUS if "csv" in e.make.__qualname__], ids=lambda e: e.name
)
def test_corpus_csv_files_agree(entry, tmp_path):
    path = entry.make(tmp_path, "BAD-DIFF-1")
    if path.suffix != ".csv":
        pytest.skip("not a CSV")
    by_duckdb, by_pandas, dropped, expected_dropped = both_ways(path)
    if by_duckdb is not None:
        assert by_duckdb == (by_pandas or [])
        assert dropped == expected_dropped or not by_duckdb


PLAIN = [*"ab ,\"'", "\u00a0", "\u3000", "é", "\t"]
CELL = st.text(alphabet=PLAIN, max_size=6) | st.text(alphabet=[*PLAIN, "\n", "\r"], max_size=3)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header_extra=st.lists(st.sampled_from(["", "notes", " ", "x y"]), max_size=3),
    rows=st.lists(st.lists(CELL, min_size=0, max_size=20), min_size=1, max_size=8),
    quoted=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    ragged=st.booleans(),
)
def test_random_csv_text_is_read_the_same_or_declined(header_extra, rows, quoted, newline, ragged):
    import tempfile

    width = len(COLUMNS) + len(header_extra)
    header = [*COLUMNS, *header_extra]

    def line(cells: list[str]) -> str:
        if quoted:
            return ",".join(
                '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') else c
                for c in cells
            )
        return ",".join(cells)

    body = [line(r if ragged else (r + [""] * width)[:width]) for r in rows]
    text = newline.join([line(header), *body]) + newline
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_bytes(text.encode("utf-8"))
        by_duckdb, by_pandas, dropped, expected_dropped = both_ways(path)
        event("read by DuckDB" if by_duckdb else "declined or empty")
        if by_duckdb is not None:
            assert by_duckdb == (by_pandas or [])
            assert dropped == expected_dropped or not by_duckdb


def test_every_corpus_name_is_still_meaningful():
    assert pd.Series([e.name for e in CORPUS]).is_unique


@pytest.mark.slow
def test_row_numbers_survive_the_parallel_reader(tmp_path):
    """A file larger than DuckDB's parallel read buffer, in chunks smaller than the file:
    every row keeps its number. Synthetic case_refs count the rows (C000000000 is row 2),
    so any shuffle shows."""
    from pipeline.synth import write

    path = write(700_000, tmp_path / "in" / "big.csv")
    chunks = csv_duckdb.read(path, 100_000)
    assert chunks is not None
    case_ref = COLUMNS.index("case_ref")
    seen = shuffled = 0
    for table in chunks:
        expected = "C" + (table.source_row - 2).astype(str).str.zfill(9)
        shuffled += int(table.body.iloc[:, case_ref].ne(expected.to_numpy()).sum())
        seen += len(table.body)
    assert (seen, shuffled) == (700_000, 0)


def test_the_format_takes_duckdb_from_its_size_threshold(tmp_path, monkeypatch):
    from pipeline.ingest.formats import csv_file

    path = write_csv(tmp_path / "f.csv", [case(case_ref=f"R-{n}") for n in range(5)])
    used = []
    real = csv_duckdb.read
    monkeypatch.setattr(csv_duckdb, "read", lambda *a: used.append("duckdb") or real(*a))
    rows = [len(t.body) for t in csv_file.read(path)]
    assert (used, rows) == ([], [5])  # a small file: Python's reader
    monkeypatch.setattr(csv_file, "FAST_FROM_BYTES", path.stat().st_size)
    rows = [len(t.body) for t in csv_file.read(path)]
    assert (used, rows) == (["duckdb"], [5])
