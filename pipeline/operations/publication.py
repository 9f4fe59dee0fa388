"""What a run really published, found by looking at the published files themselves.

A run publishes in steps: the warehouse (an atomic swap), then its copies
(CASE_AUDIT_PUBLISH_TO), the feeds and the dashboard. A step can fail after the swap, so
"the published figures were not changed" is only true when no part carries this run's id. Each
part names the run that wrote it: the warehouse and its file copies in `pipeline_runs`, the
feeds in manifest.json (`source_run_id`), the dashboard in its footer. The CLI, the failure
alert and `pipeline_runs` all say what this finds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.errors import CaseAuditError
from pipeline.operations.history import TABLE
from pipeline.settings import MOTHERDUCK, parse_targets, resolve_path
from pipeline.storage.workspace import Workspace


@dataclass(frozen=True)
class Publication:
    """For one run: the parts it published, those it did not, those no one can verify."""

    published: tuple[str, ...]
    not_published: tuple[str, ...]
    unverified: tuple[str, ...] = ()

    @property
    def anything(self) -> bool:
        return bool(self.published)

    def sentence(self) -> str:
        if not self.published:
            return "nothing was published: the published figures were not changed"
        said = f"published by this run: {', '.join(self.published)}"
        if self.not_published:
            said += f"; NOT published (still from an earlier run): {', '.join(self.not_published)}"
        if self.unverified:
            said += f"; not verifiable from here: {', '.join(self.unverified)}"
        return said


def _warehouse_has_run(path: Path, run_id: str) -> bool:
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            return bool(
                conn.execute(
                    f"SELECT count(*) FROM {TABLE} WHERE run_id = ? AND status <> 'failure'",
                    [run_id],
                ).fetchone()[0]
            )
    except (duckdb.Error, OSError):
        return False


def _feeds_have_run(folder: Path, run_id: str) -> bool:
    try:
        return json.loads((folder / "manifest.json").read_text())["source_run_id"] == run_id
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _dashboard_has_run(folder: Path, run_id: str) -> bool:
    try:
        return f"from run {run_id} " in (folder / "dashboard.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def what_was_published(resource: Workspace, run_id: str) -> Publication:
    """Look at every published part and say which of them this run wrote."""
    folder = Path(resource.feeds_dir)
    parts = {
        "warehouse": _warehouse_has_run(resource.published_path, run_id),
        "feeds": _feeds_have_run(folder, run_id),
        "dashboard": _dashboard_has_run(folder, run_id),
    }
    unverified = []
    try:
        targets = parse_targets(resource.publish_to)
    except CaseAuditError:  # a target list that does not parse was never published to
        targets = ()
    for target in targets:
        if target.startswith(MOTHERDUCK):
            unverified.append(f"copy {target}")
        else:
            parts[f"copy {target}"] = _warehouse_has_run(resolve_path(target), run_id)
    return Publication(
        published=tuple(name for name, done in parts.items() if done),
        not_published=tuple(name for name, done in parts.items() if not done),
        unverified=tuple(unverified) if parts["warehouse"] else (),
    )
