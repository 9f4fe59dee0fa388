"""The shipped sample is exactly what the seeded generator writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.ingest.files import read_case_file
from pipeline.sample_data import CSV_NAME, XLSX_NAME, build_cases, write_sample
from tests.conftest import SAMPLE_DIR


def _content(folder: Path) -> pd.DataFrame:
    frames = [read_case_file(folder / name, name)[0] for name in (CSV_NAME, XLSX_NAME)]
    return pd.concat(frames, ignore_index=True)


def test_committed_sample_equals_generator_output(tmp_path: Path) -> None:
    write_sample(tmp_path)
    assert (tmp_path / CSV_NAME).read_bytes() == (SAMPLE_DIR / CSV_NAME).read_bytes()
    pd.testing.assert_frame_equal(_content(tmp_path), _content(SAMPLE_DIR))


def test_generator_is_deterministic_and_seed_sensitive() -> None:
    pd.testing.assert_frame_equal(build_cases(), build_cases())
    assert not build_cases(seed=1).equals(build_cases())


def test_sample_is_realistic() -> None:
    cases = build_cases()
    assert cases["category"].nunique() == 8
    assert cases["area"].nunique() >= 10
    dates = pd.to_datetime(cases["audit_date"])
    assert dates.min() >= pd.Timestamp("2016-02-01") and dates.max() <= pd.Timestamp("2016-05-31")
    assert (dates.dt.day_of_week < 5).all()
    assert cases["case_ref"].is_unique
