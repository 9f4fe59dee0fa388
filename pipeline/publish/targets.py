"""Copies of the published warehouse beyond the local file, by configuration alone.

`CASE_AUDIT_PUBLISH_TO` lists further DuckDB databases, comma-separated, that receive the
finished warehouse after it is published locally:

- a path (e.g. a share that BI tools read, `/mnt/reports/case_audit.duckdb`): replaced
  atomically, as the local file is, so its readers never see half a warehouse;
- `md:<database>`: a MotherDuck database, replaced in one statement
  (`CREATE OR REPLACE DATABASE <database> FROM '<published file>'`); MotherDuck's own
  `motherduck_token` environment variable authenticates.

Nothing else changes: the pipeline still builds and checks locally, and a copy is made only
after every blocking check has passed.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.settings import MOTHERDUCK, resolve_path
from pipeline.storage.atomic import atomic_replace


def motherduck_statements(published: Path, target: str) -> list[str]:
    """The SQL that replaces MotherDuck database `target` (md:<name>) with `published`."""
    name = target[len(MOTHERDUCK) :]
    path = str(published).replace("'", "''")
    return ["ATTACH 'md:'", f"CREATE OR REPLACE DATABASE {name} FROM '{path}'"]


def publish_copies(published: Path, targets: tuple[str, ...]) -> list[str]:
    """Copy the published warehouse to every target; returns where it went."""
    import duckdb

    done = []
    for target in targets:
        if target.startswith(MOTHERDUCK):
            with duckdb.connect() as conn:
                for statement in motherduck_statements(published, target):
                    conn.execute(statement)
        else:
            path = resolve_path(target)
            if path.resolve() == published.resolve():
                continue
            atomic_replace(published, path)
        done.append(target)
    return done
