"""Every table of the warehouse, built by one call: validation's, the derived ones and the
reconciliation against the published figures, each from its model file with the values it
takes (the pseudonym key's pads and the queries' thresholds from validation, the published
figures and claims from the reference folder, the versions a figure's receipt names)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import version

from pipeline.storage.build_state import remembered
from pipeline.storage.models import Model
from pipeline.storage.workspace import Workspace
from pipeline.validate.staging import rules_version
from pipeline.validate.step import ASSEMBLY, STEP, model_params
from pipeline.warehouse.build import FileParam, build_models
from pipeline.warehouse.registry import in_layers

# the layers whose models make the warehouse's tables (the views come with publishing)
TABLE_LAYERS = ("validate", "warehouse", "reconcile")
REFERENCE_FILES = {
    "published_figures_csv": "published_figures.csv",
    "published_claims_csv": "published_claims.csv",
}


def table_models() -> list[Model]:
    """The models a run builds before publishing, in build order."""
    return in_layers(*TABLE_LAYERS)


def reference_params(workspace: Workspace) -> dict[str, FileParam]:
    """The reference files the reconciliation reads, by the parameter that names each."""
    return {
        name: FileParam(workspace.reference_path(file)) for name, file in REFERENCE_FILES.items()
    }


def derived_params(workspace: Workspace) -> dict[str, object]:
    """What the derived and reconciliation models take beyond the tables they read: the
    reference files, and the rule set's and the product's versions (figure_receipts)."""
    return {
        **reference_params(workspace),
        "rules_version": rules_version(),
        "product_version": version("case-audit"),
    }


def build_tables(workspace: Workspace, chosen: Iterable[str] | None = None) -> list[str]:
    """Build the `chosen` tables (all by default) not built yet from what they are made of;
    returns the names built."""
    wanted = None if chosen is None else set(chosen)
    models = [m for m in table_models() if wanted is None or m.name in wanted]
    params = {**model_params(workspace), **derived_params(workspace)}
    with workspace.connect() as conn:
        staging = remembered(conn, STEP) or ""
        append = remembered(conn, ASSEMBLY) == "appended"
        return build_models(conn, models, params, staging=staging, append=append)
