"""The Dagster layer: the only code that imports Dagster. Assets, checks, resources, jobs,
schedules and sensors, each a thin wrapper that connects, calls one library function of the
layers below (ingest, validate, warehouse, reconcile, publish, operations) and returns
metadata. `definitions.py` is the code location."""
