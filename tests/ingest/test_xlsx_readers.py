"""The XLSX format's two engines: calamine (a workbook that fits in memory) against
openpyxl's streaming read-only mode. For every workbook of the corpus and for awkward cells
(types, a table that starts at C3, cells far out), both give the same cells and row numbers;
a workbook with an error cell or too big for calamine is streamed by openpyxl."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.errors import FileRefused
from pipeline.ingest.formats import xlsx
from tests.bad_input_corpus import CORPUS


def cells(chunks) -> object:
    """(headers, rows with their numbers) of every chunk, or the refusal."""
    try:
        tables = list(chunks)
    except FileRefused as refusal:
        return ("refused", refusal.rule, refusal.message)
    return tables[0].headers, [
        (number, *row)
        for t in tables
        for number, row in zip(t.source_row, t.body.itertuples(index=False), strict=True)
    ]


def both_engines(path: Path) -> tuple[object, object]:
    rows = xlsx._calamine_rows(path)
    by_calamine = None if rows is None else cells(xlsx._chunks(iter(rows), 3))
    return by_calamine, cells(xlsx._streamed(path, 3))


XLSX_ENTRIES = [e for e in CORPUS if e.name.startswith("xlsx_") and e.name != "xlsx_zip_bomb"]


@pytest.mark.parametrize("entry", XLSX_ENTRIES, ids=lambda e: e.name)
def test_corpus_workbooks_read_the_same_by_both_engines(entry, tmp_path):
    path = entry.make(tmp_path, "BAD-XLSX-1")
    by_calamine, by_openpyxl = both_engines(path)
    assert by_calamine == by_openpyxl


def awkward(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Other"
    sheet = workbook.create_sheet(" CASES ")
    sheet["C3"], sheet["D3"], sheet["E3"] = "inspection_id", "when", "how long"
    sheet["C4"], sheet["D4"], sheet["E4"] = "A", dt.datetime(2025, 1, 2, 3, 4, 5), dt.time(10, 30)
    sheet["C5"], sheet["D5"], sheet["E5"] = 0.1, dt.date(2025, 3, 4), dt.timedelta(hours=30)
    sheet["C6"], sheet["D6"], sheet["E6"] = "  spaced  ", 1e20, True
    sheet["C7"], sheet["D7"] = 1234.0, "=1/0"  # a formula nothing computed: no value
    sheet["H9"] = "far"
    workbook.save(path)
    return path


def test_awkward_cells_read_the_same_by_both_engines(tmp_path):
    path = awkward(tmp_path / "a.xlsx")
    by_calamine, by_openpyxl = both_engines(path)
    assert by_calamine == by_openpyxl
    headers, rows = by_calamine
    assert set(headers) == {""}  # row 1 is empty: the table starts on row 3
    assert rows[1][:6] == (3, "", "", "inspection_id", "when", "how long")
    assert rows[2][:6] == (4, "", "", "A", "2025-01-02T03:04:05", "10:30:00")
    assert rows[-1][0] == 9 and rows[-1][-1] == "far"


def with_error_cell(path: Path) -> Path:
    """The awkward workbook as Excel saves a formula that failed: its cached error."""
    source = awkward(path.with_name("source.xlsx"))
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for part in old.infolist():
            data = old.read(part.filename)
            if part.filename.startswith("xl/worksheets/") and b"D7" in data:
                data = re.sub(
                    rb'<c r="D7"[^>]*>.*?</c>',
                    b'<c r="D7" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
                    data,
                )
            new.writestr(part, data)
    return path


def test_a_workbook_with_an_error_cell_is_streamed_and_keeps_the_error(tmp_path, monkeypatch):
    path = with_error_cell(tmp_path / "e.xlsx")
    used = []
    monkeypatch.setattr(xlsx, "_calamine_rows", lambda p: used.append(p) or None)
    _, rows = cells(xlsx.read(path))
    assert used == []  # calamine would read #DIV/0! as an empty cell
    assert rows[5][:5] == (7, "", "", "1234", "#DIV/0!")  # row 7: C7 and D7


def test_the_engine_follows_the_size_bound(tmp_path, monkeypatch):
    path = awkward(tmp_path / "a.xlsx")
    used = []
    real = xlsx._calamine_rows
    monkeypatch.setattr(xlsx, "_calamine_rows", lambda p: used.append(p) or real(p))
    list(xlsx.read(path))
    assert used == [path]
    monkeypatch.setattr(xlsx, "CALAMINE_UP_TO_BYTES", 10)
    list(xlsx.read(path))
    assert used == [path]  # too big for calamine now: streamed
