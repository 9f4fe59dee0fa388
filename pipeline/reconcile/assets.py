"""Reconcile assets: published figures and press claims next to the computed ones."""

from pipeline.warehouse.assets import sql_table_asset

published_reconciliation = sql_table_asset(
    "published_reconciliation",
    "Every published figure (data/reference/published_figures.csv) next to the figure "
    "computed from the case-level data, with matches and a status.",
    deps=["headline_figures"],
    group_name="reconcile",
    variables={"published_figures_csv": "published_figures.csv"},
)
claim_checks = sql_table_asset(
    "claim_checks",
    "Every published claim (data/reference/published_claims.csv) with the computed "
    "percentage and whether the claim holds. A claim can be false; that is not a failure.",
    deps=["headline_figures"],
    group_name="reconcile",
    variables={"published_claims_csv": "published_claims.csv"},
)

ASSETS = [published_reconciliation, claim_checks]
