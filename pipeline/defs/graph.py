"""The assets and checks of one whole-folder run: what `case-audit run` materialises and what
the code location (`pipeline/defs/definitions.py`) serves with its jobs, schedules and
sensors. Made when asked for, not at import: the tables' assets read their model files."""

from __future__ import annotations

import functools

import dagster as dg

from pipeline.defs.ingest import input_files
from pipeline.defs.publish import dashboard, dashboard_feeds, published_warehouse_asset
from pipeline.defs.tables import CHECKS, table_assets
from pipeline.defs.validate import validated_rows


@functools.cache
def run_assets() -> list[dg.AssetsDefinition]:
    """Every asset of a whole-folder run, in the order the data flows."""
    return [
        input_files,
        validated_rows,
        table_assets(),
        published_warehouse_asset(),
        dashboard_feeds,
        dashboard,
    ]


def run_graph() -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    """The assets and the checks of a whole-folder run: what `dg.materialize` is given."""
    return [*run_assets(), *CHECKS]
