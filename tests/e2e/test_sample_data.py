"""The shipped sample is exactly what the seeded generator writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.ingest.files import read_case_file
from pipeline.sample_data import CSV_NAME, MACE_NAME, XLSX_NAME, build_cases, write_sample
from tests.conftest import SAMPLE_DIR, SHIPPED_DIR
from tests.helpers import case, publish_folder, write_csv


def _content(folder: Path) -> pd.DataFrame:
    frames = [read_case_file(folder / name, name)[0] for name in (CSV_NAME, XLSX_NAME)]
    return pd.concat(frames, ignore_index=True)


def test_committed_sample_equals_generator_output(tmp_path: Path) -> None:
    write_sample(tmp_path)
    assert (tmp_path / CSV_NAME).read_bytes() == (SAMPLE_DIR / CSV_NAME).read_bytes()
    assert (tmp_path / MACE_NAME).read_bytes() == (SHIPPED_DIR / MACE_NAME).read_bytes()
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


def test_every_shipped_record_says_it_is_synthetic() -> None:
    assert _content(SAMPLE_DIR)["synthetic"].str.lower().isin(["true", "yes"]).all()


@pytest.mark.slow
def test_a_run_over_synthetic_records_says_so_everywhere(tmp_path: Path, capsys) -> None:
    """Warehouse (`inspections`), manifest, page and the run's report name the synthetic
    inspection; a real one beside it is not marked."""
    incoming = tmp_path / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    write_csv(incoming / "real.csv", [case(case_ref=f"R-{n:03}") for n in range(12)])
    argv = ["run", "--quiet", "--input", str(incoming), "--warehouse"]
    argv += [str(tmp_path / "w.duckdb"), "--feeds", str(tmp_path / "feeds")]
    assert main(argv) == 0
    assert "SYNTHETIC DATA: 1 inspection(s) (MPS-NCPI-2016)" in capsys.readouterr().out
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        marked = conn.execute("SELECT inspection_id, synthetic FROM v_inspections ORDER BY 1")
        assert marked.fetchall() == [("MPS-NCPI-2016", True), ("NWC-CP-2025", False)]
    manifest = json.loads((tmp_path / "feeds" / "manifest.json").read_text())
    assert manifest["synthetic_inspections"] == ["MPS-NCPI-2016"]
    page = (tmp_path / "feeds" / "dashboard.html").read_text(encoding="utf-8")
    assert "Synthetic data" in page


@pytest.mark.slow
def test_a_run_over_real_records_claims_nothing_synthetic(tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    write_csv(incoming / "real.csv", [case(case_ref=f"R-{n:03}") for n in range(12)])
    publish_folder(tmp_path, incoming)
    manifest = json.loads((tmp_path / "feeds" / "manifest.json").read_text())
    assert manifest["synthetic_inspections"] == []
    assert "Synthetic data" not in (tmp_path / "feeds" / "dashboard.html").read_text()
