"""Publishing beyond the local file by configuration alone (CASE_AUDIT_PUBLISH_TO).

A second DuckDB file (e.g. a share BI tools read) is exercised for real; MotherDuck cannot be
reached from a test, so its statements are checked against MotherDuck's documented upload.
"""

from __future__ import annotations

import duckdb
import pytest

from pipeline.defs.runner import run_pipeline
from pipeline.errors import CaseAuditError
from pipeline.publish.targets import motherduck_statements
from pipeline.settings import Settings, parse_targets
from tests.conftest import REFERENCE_DIR
from tests.helpers import RUN_DATE


def test_targets_are_a_comma_separated_list():
    assert parse_targets(" /a/x.duckdb, md:case_audit ,,") == ("/a/x.duckdb", "md:case_audit")
    assert parse_targets("") == ()
    for bad in ("md:", "md:drop table x", "md:1abc"):
        with pytest.raises(CaseAuditError, match="md:<database name>"):
            parse_targets(bad)


def test_motherduck_gets_the_documented_upload(tmp_path):
    published = tmp_path / "it's" / "case_audit.duckdb"
    assert motherduck_statements(published, "md:case_audit") == [
        "ATTACH 'md:'",
        f"CREATE OR REPLACE DATABASE case_audit FROM '{tmp_path}/it''s/case_audit.duckdb'",
    ]


@pytest.mark.slow
def test_a_second_duckdb_target_receives_the_published_warehouse(
    tmp_path, sample_input, monkeypatch
):
    share = tmp_path / "share" / "reports.duckdb"
    monkeypatch.setenv("CASE_AUDIT_PUBLISH_TO", str(share))
    settings = Settings.resolve(
        input_dir=sample_input,
        warehouse=tmp_path / "wh" / "w.duckdb",
        reference_dir=REFERENCE_DIR,
        key_file=tmp_path / "key",
        feeds_dir=tmp_path / "feeds",
    )
    assert settings.publish_to == (str(share),)
    outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert outcome.success, outcome.problems
    query = "SELECT metric, numerator, denominator FROM headline_figures ORDER BY metric_order"
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        expected = conn.execute(query).fetchall()
        tables = conn.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
    with duckdb.connect(str(share), read_only=True) as conn:
        assert conn.execute(query).fetchall() == expected
        assert (
            conn.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall() == tables
        )
    assert not list(share.parent.glob(".*.tmp"))  # replaced atomically, nothing left over


@pytest.mark.slow
def test_a_target_added_later_gets_its_copy_even_when_nothing_else_changed(
    tmp_path, sample_input, monkeypatch
):
    def settings() -> Settings:
        return Settings.resolve(
            input_dir=sample_input,
            warehouse=tmp_path / "wh" / "w.duckdb",
            reference_dir=REFERENCE_DIR,
            key_file=tmp_path / "key",
            feeds_dir=tmp_path / "feeds",
        )

    assert run_pipeline(settings(), run_date=RUN_DATE.isoformat(), quiet=True).success
    share = tmp_path / "share" / "later.duckdb"
    monkeypatch.setenv("CASE_AUDIT_PUBLISH_TO", str(share))
    assert run_pipeline(settings(), run_date=RUN_DATE.isoformat(), quiet=True).success
    with duckdb.connect(str(share), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM case_audits").fetchone() == (374,)
