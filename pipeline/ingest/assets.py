"""Ingest asset: the inventory of every accepted file below the input folder."""

from pathlib import Path

import dagster as dg

from pipeline.ingest.inventory import take_inventory
from pipeline.metadata import OWNERS, frame_metadata
from pipeline.resources import CaseAuditResource


@dg.asset(
    group_name="ingest",
    owners=OWNERS,
    kinds={"python", "duckdb"},
    description=(
        "The inventory of every .csv, .xlsx and .parquet file below the input folder, with its "
        "content hash (files unchanged since the last run are not read again). A file with "
        "the same content as an earlier one is marked as its duplicate. Input files are never "
        "changed."
    ),
)
def case_files(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> dg.MaterializeResult:
    input_dir = Path(case_audit.input_dir)
    with case_audit.connect() as conn:
        inventory = take_inventory(conn, input_dir)
    duplicates = inventory[inventory["refusal_rule"].notna()]
    for row in duplicates.itertuples():
        context.log.warning(
            f"{row.source_file}: refused [{row.refusal_rule}] {row.refusal_message}"
        )
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(inventory.drop(columns=["mtime_ns"])),
            "input_dir": str(input_dir),
            "files_found": len(inventory),
            "bytes": int(inventory["size"].sum()),
        }
    )
