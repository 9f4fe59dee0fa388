"""Reconcile assets: published figures and press claims next to the computed ones, one asset
per table the registry says the reconcile step builds (schemas/warehouse.py)."""

from pipeline.warehouse.assets import sql_table_asset
from schemas.warehouse import RECONCILE, built_by

TABLES = built_by(RECONCILE)

ASSETS = [
    sql_table_asset(table.name, table.description, deps=list(table.reads),
                    group_name="reconcile", variables=dict(table.reference))
    for table in TABLES
]  # fmt: skip
