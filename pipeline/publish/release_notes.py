"""The release notes: for each publish that revised anything, in plain words, what changed
and why, from the public revisions feed (so they say nothing the feed does not: no file
names, no case keys). Written beside the feeds as release-notes.md, newest release first."""

from __future__ import annotations

import datetime as dt

from pipeline.lazy import pd

NAME = "release-notes.md"


def _share(numerator: object, denominator: object, pct: object) -> str:
    if pd.isna(numerator) or pd.isna(denominator):
        return "nothing"
    count = f"{int(numerator):,} of {int(denominator):,}"
    return count if pd.isna(pct) else f"{float(pct):.1f}% ({count})"


def release_notes(
    revisions: pd.DataFrame,
    labels: dict[tuple[str, str], str],
    across: dict[str, object] | None = None,
) -> str:
    """The notes as Markdown from the revisions feed in wide form (one row per revision);
    `labels`: (framework, metric) -> the metric's label; `across`: what this release's area
    tables were checked against (the manifest's disclosure_control.across_releases)."""
    lines = [
        "# Release notes",
        "",
        "Every publish that revised, added or withdrew a published figure, newest first, "
        "and why (docs/publication.md). Generated from revisions.csv.",
        *_area_tables(across or {}),
    ]
    if revisions.empty:
        return "\n".join([*lines, "", "No figure has been revised since publishing began.", ""])
    for (day, run), held in revisions.groupby(["revised_on", "run_id"], sort=False):
        when = day if isinstance(day, dt.date) else pd.Timestamp(day).date()
        lines += ["", f"## {when:%-d %B %Y} (run {run})", ""]
        for row in held.itertuples():
            label = labels.get((row.framework, row.metric), row.metric)
            before = _share(row.previous_numerator, row.previous_denominator, row.previous_pct)
            after = _share(row.numerator, row.denominator, row.pct)
            verb = {"revised": f"revised from {before} to {after}", "added": f"new: {after}"}
            what = verb.get(row.change, f"withdrawn (was {before})")
            lines.append(f"- {row.inspection_id} ({row.force}), {label}: {what}. {row.reason}.")
    return "\n".join([*lines, ""])


def _area_tables(across: dict[str, object]) -> list[str]:
    """A paragraph on this release's area tables when some were published in a coarser form
    or withheld whole so that, compared with the last release, no small count can be worked
    out."""
    coarsened, withheld = across.get("coarsened") or [], across.get("withheld") or []
    if not coarsened and not withheld:
        return []
    said = []
    if coarsened:
        said.append(
            f"the area tables of {', '.join(coarsened)} are published in a coarser form "
            "(fewer bands or more counts withheld)"
        )
    if withheld:
        said.append(f"the area tables of {', '.join(withheld)} are withheld whole")
    return [
        "",
        "## Area tables in this release",
        "",
        f"Compared with the last release, {' and '.join(said)}, so that no small count "
        "withheld by either release can be worked out from the two together "
        '(docs/publication.md, "Disclosure across releases").',
    ]
