"""The assets and checks of one whole-folder run: what `case-audit run` materialises and what
the code location (`pipeline/defs/definitions.py`) serves with its jobs, schedules and
sensors."""

from __future__ import annotations

from pipeline.defs import reconcile, validate, warehouse
from pipeline.defs.ingest import case_files
from pipeline.defs.publish import dashboard, dashboard_feeds, published_warehouse

ASSETS = [
    case_files,
    validate.validated_cases,
    *warehouse.ASSETS,
    *reconcile.ASSETS,
    published_warehouse,
    dashboard_feeds,
    dashboard,
]
CHECKS = [*validate.CHECKS, *reconcile.CHECKS]
