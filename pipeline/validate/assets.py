"""Validate asset: quarantine every failing row with all its reasons, load the rest.

One step writes the three tables that must agree with each other: `case_audits` (valid
rows, pseudonymised), `rejected_rows` (reasons) and `file_loads` (per-file accounting).
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd

from pipeline.metadata import OWNERS, table_metadata
from pipeline.resources import CaseAuditResource
from pipeline.validate.quarantine import validate_rows
from pipeline.warehouse.pseudonym import case_keys, load_key
from pipeline.warehouse.sql import build_table

TABLES = {
    "case_audits": "One row per valid case, typed; case_ref replaced by the keyed hash case_key.",
    "rejected_rows": "One row per (rejected row, reason): file, spreadsheet row, column, rule, "
    "message and the value as given. The only table holding the provider's case_ref.",
    "file_loads": "One row per input file seen: content hash, loaded or refused, and "
    "rows_read = rows_loaded + rows_rejected.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            name,
            group_name="validate",
            owners=OWNERS,
            description=text,
            deps=["case_files"],
            kinds={"pandera", "duckdb"},
        )
        for name, text in TABLES.items()
    ],
)
def validated_cases(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> Iterator[dg.MaterializeResult]:
    rows = pd.read_parquet(case_audit.staging_file("raw_rows"))
    file_reports = pd.read_parquet(case_audit.staging_file("file_reports"))
    result = validate_rows(rows, case_audit.today)
    key = load_key(Path(case_audit.key_file), may_create=not case_audit.published_path.exists())
    validated_rows = result.valid.assign(
        case_key=case_keys(key, result.valid["inspection_id"], result.valid["case_ref"])
    ).drop(columns="case_ref")
    quarantine_reasons = result.reasons
    with case_audit.connect() as conn:
        conn.register("validated_rows", validated_rows)
        conn.register("quarantine_reasons", quarantine_reasons)
        conn.register("file_reports", file_reports)
        for table in TABLES:
            build_table(conn, table)
        context.log.info(
            f"{len(validated_rows)} rows loaded, {result.rejected_row_count} rows quarantined "
            f"with {len(quarantine_reasons)} reasons"
        )
        for table in TABLES:
            yield dg.MaterializeResult(asset_key=table, metadata=table_metadata(conn, table))
