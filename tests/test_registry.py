"""One registry of tables (schemas/warehouse.py): every table a run publishes is declared
there once, with the step that builds it, and the SQL agrees.

Adding a table means a `sql/<table>.sql` file and a registry entry: the tests below fail
when either is missing, when a table reads something not built before it, or when a
headline metric is computed in SQL but not described (or described but not computed).
"""

from __future__ import annotations

import re

from pipeline.settings import SQL_DIR
from schemas.warehouse import DERIVED, METRICS, PUBLISH, RECONCILE, TABLES, VALIDATE, built_by

STEP_ORDER = (VALIDATE, DERIVED, RECONCILE, PUBLISH)
CREATES = re.compile(r"^CREATE (?:OR REPLACE )?TABLE (?:IF NOT EXISTS )?([a-z_]+)\b(?!\.)", re.M)


def tables_the_sql_creates() -> dict[str, str]:
    """Table -> the file whose SQL creates it (main schema only: staging is not published)."""
    found = {}
    for path in SQL_DIR.glob("*.sql"):
        for name in CREATES.findall(path.read_text(encoding="utf-8")):
            found[name] = path.name
    return found


def test_every_table_the_sql_creates_is_declared_with_its_step_and_file() -> None:
    created = tables_the_sql_creates()
    declared = {table.name: table for table in TABLES}
    assert set(created) == set(declared), "SQL and registry disagree on the tables"
    for name, table in declared.items():
        assert table.step in STEP_ORDER, f"{name}: no building step"
        assert created[name] == f"{name}.sql", f"{name} is created by {created[name]}"
    for table in TABLES:
        for helper in table.helpers:
            assert (SQL_DIR / f"{helper}.sql").is_file(), f"{table.name}: {helper}.sql missing"


def test_every_table_reads_what_is_built_before_it() -> None:
    built = {"case_files"}  # the inventory: the first step's
    for step in STEP_ORDER:
        step_tables = built_by(step)
        for table in step_tables:
            missing = set(table.reads) - built - ({t.name for t in step_tables}
                                                  if step == VALIDATE else set())  # fmt: skip
            assert not missing, f"{table.name} reads {missing}, not built before it"
            built.add(table.name)


def test_every_headline_metric_is_computed_and_described_in_the_same_order() -> None:
    sql = (SQL_DIR / "headline_figures.sql").read_text(encoding="utf-8")
    computed = re.findall(r"^\s*\(\d+,\s*'([a-z_]+)'", sql, re.M)
    assert len(computed) >= 10
    assert computed == [metric for metric, _, _ in METRICS]
