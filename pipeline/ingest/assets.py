"""Ingest asset: every accepted file below the input folder, read once into staging."""

from pathlib import Path

import dagster as dg
import pandas as pd

from pipeline.ingest.files import find_input_files, read_case_files
from pipeline.metadata import OWNERS, frame_metadata, markdown_table
from pipeline.resources import CaseAuditResource

REPORT_COLUMNS = ["source_file", "sha256", "status", "rows_read", "rule", "message"]


@dg.asset(
    group_name="ingest",
    owners=OWNERS,
    kinds={"python", "parquet"},
    description=(
        "Reads every .csv, .xlsx and .parquet file below the input folder into one all-text "
        "staging table (contract columns only: unknown columns are dropped, files with "
        "identifier-like columns refused whole). Input files are never changed."
    ),
)
def case_files(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> dg.MaterializeResult:
    input_dir = Path(case_audit.input_dir)
    paths = find_input_files(input_dir)
    rows, reports = read_case_files(paths, root=input_dir)
    report_frame = pd.DataFrame([vars(r) for r in reports], columns=REPORT_COLUMNS)
    case_audit.ensure_build_dir()
    rows.to_parquet(case_audit.staging_file("raw_rows"), index=False)
    report_frame.to_parquet(case_audit.staging_file("file_reports"), index=False)
    refused = report_frame[report_frame["status"].eq("refused")]
    for _, refusal in refused.iterrows():
        context.log.warning(f"{refusal.source_file}: refused [{refusal.rule}] {refusal.message}")
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(rows),
            "input_dir": str(input_dir),
            "files_found": len(reports),
            "files_refused": len(refused),
            "files": dg.MetadataValue.md(markdown_table(report_frame.drop(columns="sha256"))),
        }
    )
