"""The Dagster code location: every asset, check and resource of case-audit.

Loaded by `dagster dev -w workspace.yaml`, which calls `defs()`: importing the module does no
I/O; settings are read from the environment when the definitions are made.
"""

from __future__ import annotations

import dagster as dg

from pipeline.defs import partitions as partition_assets
from pipeline.defs.automation import build_automation
from pipeline.defs.graph import run_assets
from pipeline.defs.partition_automation import build_partition_automation
from pipeline.defs.publish import published_warehouse_asset
from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.tables import CHECKS
from pipeline.operations.automation import AutomationSettings
from pipeline.settings import Settings, setting

case_audit_job = dg.define_asset_job(
    "case_audit_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(partition_assets.GROUP),
    description="Ingest, validate, build, reconcile and publish the whole warehouse.",
)
PARTITION_JOBS = [partition_assets.inspection_job, partition_assets.merge_job]


def executor_from_environment() -> dg.ExecutorDefinition:
    """`in_process` (default): every step in the run's process, in sequence. `multiprocess`:
    a process per step, still one at a time, since steps share one DuckDB build file (one
    writer). Both hold the warehouse's run lock while a step runs."""
    if setting("executor") == "multiprocess":
        return dg.multiprocess_executor.configured({"max_concurrent": 1})
    return dg.in_process_executor


def build_definitions(
    resource: CaseAuditResource, automation: AutomationSettings | None = None
) -> dg.Definitions:
    """Definitions bound to one set of paths and automation settings (tests pass their own).
    The partitioned mode's assets, jobs, schedule and sensors are loaded in that mode only, so
    in the default mode "Materialize all" is the whole-folder run and nothing else."""
    automation = automation or AutomationSettings.from_environment()
    partitioned = automation.run_mode == "partitioned"
    publishing = (
        partition_assets.partitioned_warehouse if partitioned else published_warehouse_asset()
    )
    schedules, sensors, freshness_checks = build_automation(case_audit_job, publishing, automation)
    if partitioned:
        partition_schedules, partition_sensors = build_partition_automation(automation)
        schedules, sensors = [*schedules, *partition_schedules], [*sensors, *partition_sensors]
    return dg.Definitions(
        assets=[*run_assets(), *(partition_assets.ASSETS if partitioned else [])],
        asset_checks=[*CHECKS, *freshness_checks],
        jobs=[case_audit_job, *(PARTITION_JOBS if partitioned else [])],
        schedules=schedules,
        sensors=sensors,
        resources={"case_audit": resource, "case_audit_paths": resource.paths()},
        executor=executor_from_environment(),
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location's definitions, from the environment: loaded when Dagster asks for
    them (the tables' assets read their model files), never at import."""
    return build_definitions(CaseAuditResource.from_settings(Settings.resolve()))
