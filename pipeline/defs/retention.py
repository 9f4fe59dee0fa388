"""Dagster's own run and event storage, bounded: finished runs older than
CASE_AUDIT_DAGSTER_RUN_DAYS are deleted (with their events) by the next run that publishes.
Dagster's instance settings bound only schedule and sensor ticks (deploy/dagster.yaml's
`retention`); runs it keeps until they are deleted, so the product deletes them."""

from __future__ import annotations

import datetime as dt

import dagster as dg

FINISHED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


def purge_dagster_runs(instance: dg.DagsterInstance, today: dt.date, keep_days: int) -> int:
    """Delete the finished runs last updated more than `keep_days` days before `today` (the
    run date: a test's clock); returns how many."""
    cutoff = dt.datetime.combine(today, dt.time(), dt.UTC) - dt.timedelta(days=keep_days)
    old = instance.get_run_records(
        filters=dg.RunsFilter(statuses=list(FINISHED), updated_before=cutoff)
    )
    for record in old:
        instance.delete_run(record.dagster_run.run_id)
    return len(old)


def purged_sentence(count: int, keep_days: int) -> str:
    return (
        f"Retention: {count} Dagster run(s) finished over {keep_days} day(s) ago deleted, "
        "with their events."
        if count
        else ""
    )
