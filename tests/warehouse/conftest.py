"""A published warehouse shared by this package's tests (one pipeline run)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE_DIR
from tests.helpers import case, publish_folder, write_csv


@pytest.fixture(scope="package")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plus two inspections of a fictional force (one bad row), published."""
    root = tmp_path_factory.mktemp("warehouse_docs")
    incoming = root / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    write_csv(
        incoming / "nwc_2024.csv",
        [
            case(
                inspection_id="NWC-2024",
                case_ref=f"A-{n:03}",
                audit_date="2024-03-01",
                rating="good" if n < 5 else "inadequate",
                force_rating="good",
            )
            for n in range(20)
        ],
    )
    write_csv(
        incoming / "nwc_2025.csv",
        [
            *[
                case(
                    inspection_id="NWC-2025",
                    case_ref=f"B-{n:03}",
                    rating="good" if n < 15 else "inadequate",
                    force_rating="adequate" if n % 2 else "inadequate",
                )
                for n in range(20)
            ],
            case(inspection_id="NWC-2025", case_ref="B-999", rating="superb"),
        ],
    )
    publish_folder(root, incoming)
    return root / "wh" / "w.duckdb"


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()
