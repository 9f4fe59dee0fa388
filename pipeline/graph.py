"""The assets and checks of one whole-folder run: what `case-audit run` materialises and what
the code location (`pipeline/definitions.py`) serves with its jobs, schedules and sensors.

Kept apart from the definitions so that running the graph (`pipeline/runner.py`, and the
partitioned mode's per-inspection runs) does not depend on the code location that also
loads the partitioned assets.
"""

from __future__ import annotations

from pipeline.ingest.assets import case_files
from pipeline.publish.assets import dashboard, dashboard_feeds, published_warehouse
from pipeline.reconcile import assets as reconcile_assets
from pipeline.reconcile.checks import CHECKS as RECONCILE_CHECKS
from pipeline.validate.assets import validated_cases
from pipeline.validate.checks import CHECKS as VALIDATE_CHECKS
from pipeline.warehouse import assets as warehouse_assets

ASSETS = [
    case_files,
    validated_cases,
    *warehouse_assets.ASSETS,
    *reconcile_assets.ASSETS,
    published_warehouse,
    dashboard_feeds,
    dashboard,
]
CHECKS = [*VALIDATE_CHECKS, *RECONCILE_CHECKS]
