"""DuckDB's CSV reader (the fast way in) against the pandas reader it stands in for.

Whenever `read_csv_into_duckdb` accepts a file, its rows, row numbers, trimmed cells, extra
cells and dropped columns must be exactly what the pandas reader gives; whenever the file
is unusual (blank lines, bare CRs, ragged rows, another encoding) it must decline.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.ingest.duckdb_csv import (
    PYTHON_SPACES,
    PlainCsv,
    _plain_utf8,
    read_csv_into_duckdb,
)
from pipeline.ingest.files import read_case_file
from schemas.case_audit import COLUMNS, EXTRA_CELLS
from tests.bad_input_corpus import CORPUS
from tests.helpers import case, write_csv

SHAPED = ["source_row", *COLUMNS, EXTRA_CELLS]


def both_ways(path: Path) -> tuple[list[tuple] | None, list[tuple] | None, list[str], list[str]]:
    """(rows by DuckDB or None if declined, rows by pandas or None if refused, dropped x2)."""
    frame, report = read_case_file(path, path.name)
    by_pandas = None
    if frame is not None:
        cells = frame[SHAPED].astype(object)
        by_pandas = [tuple(r) for r in cells.where(cells.notna(), None).itertuples(index=False)]
    with duckdb.connect() as conn:
        read = read_csv_into_duckdb(conn, path)
        if read is None:
            return None, by_pandas, [], report.dropped_columns
        rows, plan, unnamed, _ = read
        by_duckdb = conn.execute(f"SELECT {', '.join(SHAPED)} FROM raw_rows ORDER BY 1").fetchall()
    assert rows == len(by_duckdb)
    return (
        by_duckdb,
        by_pandas,
        list(dict.fromkeys([*plan.dropped, *unnamed])),
        report.dropped_columns,
    )


def test_python_spaces_are_what_str_strip_removes():
    import sys

    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert spaces == PYTHON_SPACES


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


@pytest.mark.parametrize(
    ("area", "spaces_only"),
    [("  Harbour side ", True), ("\tHarbour\t", False), ("Harbour\u00a0", False),
     ('"Harbour, side "', False)],
)  # fmt: skip
def test_plain_space_trimming_is_used_only_when_it_is_exact(tmp_path, area, spaces_only):
    rows = [case(case_ref=f"R-{n}", area=area, force=" Northwold ") for n in range(5)]
    path = write_csv(tmp_path / "f.csv", rows)
    assert _plain_utf8(path) == PlainCsv(spaces_only=spaces_only, lines=6)
    by_duckdb, by_pandas, *_ = both_ways(path)
    assert by_duckdb is not None and by_duckdb == by_pandas
    assert {row[2] for row in by_duckdb} == {"Northwold"}  # force, trimmed


def test_trailing_blank_lines_keep_the_fast_path(tmp_path):
    path = write_csv(tmp_path / "f.csv", [case(case_ref=f"R-{n}") for n in range(5)])
    path.write_bytes(path.read_bytes() + b"\r\n\r\n")
    by_duckdb, by_pandas, *_ = both_ways(path)
    assert by_duckdb is not None and by_duckdb == by_pandas


@pytest.mark.parametrize("entry", [e for e in CORPUS if "csv" in e.make.__qualname__],
                         ids=lambda e: e.name)  # fmt: skip
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
            return ",".join('"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n')
                            else c for c in cells)  # fmt: skip
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
def test_row_numbers_survive_the_parallel_reader_on_the_build_connection(tmp_path):
    """A file larger than DuckDB's parallel read buffer, read on the pipeline's own build
    connection (which turns insertion order off for speed): every row keeps its number.
    Synthetic case_refs count the rows (C000000000 is row 2), so any shuffle shows."""
    from pipeline.resources import CaseAuditResource
    from pipeline.settings import Settings
    from pipeline.synth import write

    path = write(700_000, tmp_path / "in" / "big.csv")
    settings = Settings.resolve(input_dir=path.parent, warehouse=tmp_path / "w" / "w.duckdb")
    with CaseAuditResource.from_settings(settings).connect() as conn:
        conn.execute("SET threads = 4")
        rows, _, _, _ = read_csv_into_duckdb(conn, path)
        shuffled = conn.execute(
            "SELECT count(*) FROM raw_rows "
            "WHERE case_ref <> 'C' || lpad((source_row - 2)::VARCHAR, 9, '0')"
        ).fetchone()[0]
        setting = conn.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    assert rows == 700_000
    assert shuffled == 0
    assert setting == (False,)  # the connection's own setting is restored
