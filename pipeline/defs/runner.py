"""Run the whole asset graph in-process, as `case-audit run` does, and say how it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipeline.defs.graph import run_graph
from pipeline.defs.ingest import REBUILD_TAG
from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.run_events import problems, run_info
from pipeline.errors import CaseAuditError
from pipeline.operations.alerts import handle_failure
from pipeline.settings import Settings, setting

CLI_TAGS = {"case_audit/trigger": "cli"}


@dataclass
class RunOutcome:
    """`success` and, when not, one plain sentence per problem (no tracebacks) and what the
    run published before it failed (`published`, a sentence from operations.publication)."""

    success: bool
    run_id: str
    problems: list[str] = field(default_factory=list)
    published: str = ""
    recorded: bool = True  # the failure is in pipeline_runs (or queued for the next run)
    notes: list[str] = field(default_factory=list)  # what else the run did worth saying


def run_instance() -> dg.DagsterInstance:
    """The Dagster instance a CLI run is recorded in: the persistent one of DAGSTER_HOME when
    that is set (the UI then shows the run, its materialisations and checks, as for a run it
    launched), else an ephemeral one that leaves nothing behind. A DAGSTER_HOME whose
    dagster.yaml Dagster cannot use is one sentence, before the run starts."""
    home = setting("dagster_home")
    if home is None:
        return dg.DagsterInstance.ephemeral()
    try:
        Path(home).mkdir(parents=True, exist_ok=True)
        return dg.DagsterInstance.get()
    except OSError as exc:
        raise CaseAuditError(
            f"DAGSTER_HOME {home} cannot be used: {exc.strerror or exc}. Nothing was run."
        ) from None
    except Exception as exc:  # Dagster's own errors for a dagster.yaml it cannot read
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaseAuditError(
            f"{Path(home) / 'dagster.yaml'} is not a Dagster instance configuration Dagster can "
            f"use ({type(exc).__name__}: {said[:300]}); correct it (deploy/dagster.yaml is the "
            "project's) or unset DAGSTER_HOME. Nothing was run."
        ) from None


def run_pipeline(
    settings: Settings, run_date: str = "", quiet: bool = False, rebuild: bool = False
) -> RunOutcome:
    """Materialise every asset and check over `settings`; never raises for a failed run.

    `quiet` silences Dagster's console log (the CLI prints its own summary instead);
    `rebuild` forgets what earlier runs left and does everything again.
    """
    resource = CaseAuditResource.from_settings(settings, run_date=run_date)
    resource.workspace().preflight()
    instance = run_instance()  # a DAGSTER_HOME Dagster cannot use: said before anything
    try:  # a warehouse folder that cannot be made is the user's to fix, before any run starts
        resource.workspace().ensure_build_dir()
    except OSError as exc:
        raise CaseAuditError(
            f"cannot use the warehouse folder for {settings.warehouse}: "
            f"{exc.strerror or exc} ({exc.filename}); choose a writable --warehouse "
            "(CASE_AUDIT_WAREHOUSE). Nothing was published."
        ) from None
    level = "CRITICAL" if quiet else "INFO"
    result = dg.materialize(
        run_graph(),
        instance=instance,
        resources={"case_audit": resource},
        run_config={"loggers": {"console": {"config": {"log_level": level}}}},
        tags={**CLI_TAGS, **({REBUILD_TAG: "true"} if rebuild else {})},
        raise_on_error=False,
    )
    if result.success:
        return RunOutcome(success=True, run_id=result.run_id, notes=_notes(result))
    found = problems(result.all_events)
    run = result.dagster_run
    report = handle_failure(resource.workspace(), run_info(instance, run), run.job_name, found)
    found = [str(p) for p in found]
    if report.webhook_error:
        found.append(f"the failure alert could not be posted: {report.webhook_error}")
    if report.history_error:
        found.append(f"the failure could not be recorded in pipeline_runs: {report.history_error}")
    return RunOutcome(
        success=False,
        run_id=result.run_id,
        problems=found,
        published=report.publication.sentence(),
        recorded=report.history_error is None,
    )


def _notes(result: dg.ExecuteInProcessResult) -> list[str]:
    """What retention purged this run (the first step's metadata, or its observation on a
    run with nothing else to do), for the CLI to say: a run reports what it deleted."""
    recorded = [
        *(
            e.asset_observation_data.asset_observation
            for e in result.get_asset_observation_events()
            if e.asset_key == dg.AssetKey("input_files")
        ),
        *result.asset_materializations_for_node("input_files"),
    ]
    return [
        str(entry.value)
        for event in recorded
        for key in ("retention", "dagster_runs")
        if (entry := event.metadata.get(key)) is not None and entry.value
    ]
