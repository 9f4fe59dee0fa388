"""Reconcile assets: published figures and press claims next to the computed ones."""

from pipeline.warehouse.assets import sql_table_asset

# table -> (description, {DuckDB variable its SQL reads: file below the reference folder})
RECONCILE_TABLES = {
    "published_reconciliation": (
        "Every published figure (data/reference/published_figures.csv) next to the figure "
        "computed from the case-level data, with matches and a status.",
        {"published_figures_csv": "published_figures.csv"},
    ),
    "claim_checks": (
        "Every published claim (data/reference/published_claims.csv) with the computed "
        "percentage and whether the claim holds. A claim can be false; that is not a failure.",
        {"published_claims_csv": "published_claims.csv"},
    ),
}

ASSETS = [
    sql_table_asset(name, description, deps=["headline_figures"], group_name="reconcile",
                    variables=variables)
    for name, (description, variables) in RECONCILE_TABLES.items()
]  # fmt: skip
