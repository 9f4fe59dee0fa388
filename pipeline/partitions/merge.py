"""Merge the partitions' published warehouses into one warehouse, with the same tables.

Every table that holds rows (case_audits, rejected_rows, file_loads, pipeline_runs) is the
union of the partitions' tables, with `source_file` made relative to the whole input folder
again (`<partition>/<file>`). Everything derived from them (ratings, headline figures,
trends across a force's inspections, reconciliation) is computed again over the union by the
same SQL files as a whole-folder run, and the same blocking checks must pass before the
merged file replaces the published one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.errors import CaseAuditError
from pipeline.lazy import pd
from pipeline.operations.history import TABLE as HISTORY
from pipeline.operations.revisions import TABLES as REVISION_TABLES
from pipeline.publish.steps import build_views
from pipeline.reconcile.checks import figures_reconcile
from pipeline.storage.models import materialize
from pipeline.storage.workspace import connect_for_publishing
from pipeline.validate.checks import rows_conserved
from pipeline.warehouse.build import literal_params
from pipeline.warehouse.catalogue import apply_comments
from pipeline.warehouse.registry import in_layers, macros_sql, models

# the tables whose rows come from the partitions; the ones with source_file get the prefix
ROW_TABLES = ("case_audits", "rejected_rows", "file_loads", "data_queries")


def _union(conn: duckdb.DuckDBPyConnection, table: str, keys: list[str], prefix: bool) -> None:
    rename = "REPLACE ('{key}/' || source_file AS source_file) " if prefix else ""
    parts = [f"SELECT * {rename.format(key=key)}FROM p{i}.{table}" for i, key in enumerate(keys)]
    conn.execute(f"CREATE TABLE {table} AS {' UNION ALL BY NAME '.join(parts)}")


def _refuse_overlaps(conn: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    found = [
        f"SELECT '{key}' AS partition_key, inspection_id FROM p{i}.{table}"
        for i, key in enumerate(keys)
        for table in ROW_TABLES[:2]
    ]
    union = f"WITH partition_inspections AS ({' UNION '.join(found)}) "
    overlaps = conn.execute(union + _sql("partition_overlaps")).fetchall()
    if overlaps:
        where = "; ".join(f"{inspection} in {', '.join(keys)}" for inspection, keys in overlaps)
        raise CaseAuditError(
            f"inspections found in more than one partition ({where}): the rules that compare "
            "rows need all of an inspection's files in one folder; move them, then run again."
        )


def merge_partitions(
    build: Path,
    warehouses: dict[str, Path],
    params: dict[str, object],
    own_history: Path | None = None,
) -> pd.DataFrame:
    """Build the merged warehouse at `build` (replaced) from each partition's published
    warehouse (`warehouses`: key -> file). `own_history`: a DuckDB file whose pipeline_runs
    holds runs recorded for the merged warehouse itself (merge failures), kept beside the
    partitions' runs. Raises CaseAuditError when the partitions overlap or a blocking check
    fails; `build` is then not fit to publish. Returns what each partition contributed."""
    if not warehouses:
        raise CaseAuditError("no partition has been built yet: nothing to merge.")
    keys = sorted(warehouses)
    build.unlink(missing_ok=True)
    with connect_for_publishing(build) as conn:
        for i, key in enumerate(keys):
            conn.execute(f"ATTACH ? AS p{i} (READ_ONLY)", [str(warehouses[key])])
        _refuse_overlaps(conn, keys)
        for table in ROW_TABLES:
            _union(conn, table, keys, prefix=True)
        _union(conn, HISTORY, keys, prefix=False)
        for i in range(len(keys)):
            conn.execute(f"DETACH p{i}")
        if own_history is not None:
            conn.execute("ATTACH ? AS own (READ_ONLY)", [str(own_history)])
            conn.execute(
                f"INSERT INTO {HISTORY} SELECT * FROM own.{HISTORY} "
                f"WHERE run_id NOT IN (SELECT run_id FROM {HISTORY})"
            )
            conn.execute("DETACH own")
        conn.execute(macros_sql())
        with literal_params(params) as given:
            for model in in_layers("warehouse", "reconcile"):  # computed again over the union
                materialize(conn, model, given)
        for check in (rows_conserved(conn), figures_reconcile(conn)):
            if not check.passed:
                raise CaseAuditError(f"the merged warehouse fails a check: {check.description}")
        for table in REVISION_TABLES:  # revisions are recorded by whole-folder runs only
            materialize(conn, models()[table], {})
        build_views(conn)
        apply_comments(conn)
        return conn.execute(_sql("partition_summary")).df()


def _sql(name: str) -> str:
    return (Path(__file__).parent / "sql" / f"{name}.sql").read_text(encoding="utf-8")
