"""Schedule and sensors of partitioned runs; running by default when CASE_AUDIT_RUN_MODE is
`partitioned`, stopped otherwise (pipeline/operations/automation.py has the settings).

- `inspection_folders_sensor`: adds a partition for every new folder of the input folder
  (and deletes the partitions of folders gone), and requests a run of each partition whose
  content changed; the run key is the partition and its content fingerprint.
- `merge_after_inspection_runs`: after each successful partition run, merges once every
  current partition has a warehouse.
- `nightly_inspections`: every partition at the nightly time (new run date).
"""

import json
from pathlib import Path

import dagster as dg

from pipeline.defs.automation import statuses
from pipeline.defs.partitions import inspection_job, inspection_partitions, merge_job
from pipeline.defs.resources import CaseAuditPaths
from pipeline.operations.automation import AutomationSettings, folder_digest
from pipeline.partitions.layout import partition_keys, partition_warehouses

PARTITIONS = inspection_partitions.name


def build_partition_automation(
    settings: AutomationSettings,
) -> tuple[list[dg.ScheduleDefinition], list[dg.SensorDefinition]]:
    schedule_status, sensor_status = statuses(settings, "partitioned")

    @dg.sensor(
        name="inspection_folders_sensor",
        job=inspection_job,
        minimum_interval_seconds=settings.sensor_interval_seconds,
        default_status=sensor_status,
        description="A partition per folder of the input folder; a run of each partition "
        "whose content changed (run key: partition and content fingerprint).",
    )
    def inspection_folders_sensor(
        context: dg.SensorEvaluationContext, case_audit_paths: CaseAuditPaths
    ) -> dg.SensorResult:
        state = json.loads(context.cursor) if context.cursor else {}
        input_dir = Path(case_audit_paths.input_dir)
        keys = partition_keys(input_dir)
        known = set(context.instance.get_dynamic_partitions(PARTITIONS))
        seen, requests = {}, []
        for key in keys:
            fingerprint, files = folder_digest(input_dir / key, state.get(key, {}).get("files", {}))
            seen[key] = {"fingerprint": fingerprint, "files": files}
            if fingerprint != state.get(key, {}).get("fingerprint"):
                requests.append(
                    dg.RunRequest(
                        partition_key=key,
                        run_key=f"{key}:{fingerprint}",
                        tags={
                            "case_audit/folder_digest": fingerprint,
                            "case_audit/trigger": "sensor",
                        },
                    )
                )
        context.update_cursor(json.dumps(seen))
        changes = []
        if added := sorted(set(keys) - known):
            changes.append(inspection_partitions.build_add_request(added))
        if gone := sorted(known - set(keys)):
            changes.append(inspection_partitions.build_delete_request(gone))
        return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=changes)

    @dg.run_status_sensor(
        name="merge_after_inspection_runs",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[inspection_job],
        request_job=merge_job,
        default_status=sensor_status,
        description="Merges the partitions' warehouses after a partition run succeeds, once "
        "every current partition has one.",
    )
    def merge_after_inspection_runs(
        context: dg.RunStatusSensorContext, case_audit_paths: CaseAuditPaths
    ) -> dg.RunRequest | dg.SkipReason:
        missing = [
            key
            for key, path in partition_warehouses(case_audit_paths.settings()).items()
            if not path.exists()
        ]
        if missing:
            return dg.SkipReason(f"partition(s) not built yet: {', '.join(missing)}")
        return dg.RunRequest(
            run_key=context.dagster_run.run_id, tags={"case_audit/trigger": "sensor"}
        )

    @dg.schedule(
        name="nightly_inspections",
        job=inspection_job,
        cron_schedule=settings.cron,
        execution_timezone=settings.timezone,
        default_status=schedule_status,
        description=f"Runs every partition at `{settings.cron}` ({settings.timezone}).",
    )
    def nightly_inspections(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
        keys = context.instance.get_dynamic_partitions(PARTITIONS)
        return [dg.RunRequest(partition_key=key) for key in sorted(keys)]

    return [nightly_inspections], [inspection_folders_sensor, merge_after_inspection_runs]
