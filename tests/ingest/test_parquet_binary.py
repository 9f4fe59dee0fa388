"""Parquet text stored as plain binary (as some writers do) is read as the UTF-8 it is; a
binary column that is not UTF-8 refuses the file, naming the column and row, not the bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.ingest.files import read_case_file
from tests.helpers import COLUMNS, case


def _write(path: Path, **columns: pa.Array) -> Path:
    rows = pd.DataFrame([case(case_ref=f"C-{n}") for n in (1, 2, 3)], columns=list(COLUMNS))
    arrays = {name: pa.array(rows[name].tolist(), pa.string()) for name in COLUMNS}
    pq.write_table(pa.table(arrays | columns), path)
    return path


AREAS = ["Harbourside", "Caf\u00e9 Quarter", None]


@pytest.mark.parametrize("arrow_type", [pa.binary(), pa.large_binary(), pa.binary_view()], ids=str)
def test_binary_text_columns_are_read_as_utf8(tmp_path: Path, arrow_type: pa.DataType) -> None:
    encoded = [None if a is None else a.encode() for a in AREAS]
    forces = [b"Northwold Constabulary"] * 3
    path = _write(
        tmp_path / "a.parquet",
        area=pa.array(encoded, arrow_type),
        force=pa.array(forces, arrow_type),
    )
    frame, report = read_case_file(path, "a.parquet")
    assert report.status == "read", report.message
    assert [None if pd.isna(v) else v for v in frame["area"]] == AREAS
    assert frame["force"].unique().tolist() == ["Northwold Constabulary"]


def test_dictionary_encoded_binary_is_read_too(tmp_path: Path) -> None:
    area = pa.array([b"Harbourside", b"Moorend", b"Harbourside"]).dictionary_encode()
    frame, report = read_case_file(_write(tmp_path / "a.parquet", area=area), "a.parquet")
    assert report.status == "read", report.message
    assert frame["area"].tolist() == ["Harbourside", "Moorend", "Harbourside"]


def test_binary_that_is_not_utf8_refuses_the_file(tmp_path: Path) -> None:
    area = pa.array([b"Harbourside", b"Moorend", b"Caf\xe9 \x81\x9d"])
    frame, report = read_case_file(_write(tmp_path / "a.parquet", area=area), "a.parquet")
    assert frame is None
    assert (report.status, report.rule) == ("refused", "file_column_type")
    assert "column 'area' holds bytes that are not UTF-8 text (first in row 4)" in report.message
    assert "Caf" not in report.message
