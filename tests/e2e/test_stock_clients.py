"""Stock tools open the warehouse: the current stable DuckDB CLI (the `duckdb-cli` package,
1.5) reads the published file, runs the documented example queries and reads the comments,
although the pipeline writes it with DuckDB 2.0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.defs.runner import run_pipeline
from pipeline.settings import PROJECT_DIR
from pipeline.storage.workspace import storage_version_of
from tests.helpers import RUN_DATE, resource

EXAMPLES_DIR = PROJECT_DIR / "sql" / "examples"

pytestmark = pytest.mark.slow  # a whole run and a real client
CLI = Path(sys.executable).parent / "duckdb"  # what `pip install duckdb-cli` puts there


def cli(warehouse: Path, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CLI), "-readonly", "-csv", str(warehouse)],
        input=sql,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not CLI.exists(), reason="needs the duckdb-cli package (make test)")
def test_the_stable_duckdb_cli_opens_the_published_warehouse(tmp_path, sample_input) -> None:
    version = subprocess.run([str(CLI), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("v1."), version.stdout  # not the pipeline's 2.0
    settings = resource(tmp_path, sample_input).settings()
    assert run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True).success
    for example in sorted((EXAMPLES_DIR).glob("*.sql")):
        done = cli(settings.warehouse, example.read_text(encoding="utf-8"))
        assert done.returncode == 0 and done.stdout.strip(), (example.name, done.stderr)
    comments = cli(
        settings.warehouse, "SELECT comment FROM duckdb_tables() WHERE table_name = 'case_audits';"
    )
    assert "The validated cases" in comments.stdout
    figure = cli(
        settings.warehouse, "SELECT numerator FROM v_headline WHERE metric = 'cases_not_good';"
    )
    assert figure.stdout.split() == ["numerator", "278"]


def test_a_build_in_another_storage_version_is_made_afresh(tmp_path, sample_input) -> None:
    workspace = resource(tmp_path, sample_input).workspace()
    workspace.ensure_build_dir()
    with duckdb.connect(str(workspace.build_path)) as conn:  # DuckDB 2.0's own format
        conn.execute("CREATE TABLE leftover AS SELECT 1 AS x")
        assert storage_version_of(conn) == "v2.0.0"
    with workspace.connect() as conn:
        assert storage_version_of(conn) == "v1.4.0"
        assert not conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'leftover'"
        ).fetchone()[0]
