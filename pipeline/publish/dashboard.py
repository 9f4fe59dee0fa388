"""The dashboard: one self-contained HTML page made from the feeds, readable offline.

No script, font, style sheet or image is fetched: styles are inline and charts are inline SVG
drawn here, each with a data table beside it for screen readers and for copying. The page is
built from the public feeds only, so it shows exactly what the feeds publish (suppressed area
counts stay `c`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from pipeline.lazy import pd
from pipeline.publish.feeds import FEEDS, SUPPRESSED
from schemas.warehouse import METRICS

FEED_KEYS = {spec.name: spec.keys for spec in FEEDS}

TEMPLATES = Path(__file__).parent / "templates"
COLOURS = {"good": "#00703c", "requires_improvement": "#f47738", "inadequate": "#d4351c"}
RATING_LABELS = {"good": "Good", "requires_improvement": "Requires improvement",
                 "inadequate": "Inadequate"}  # fmt: skip
METRIC_TEXT = {metric: (numerator, denominator) for metric, numerator, denominator in METRICS}


def wide(feed: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A tidy feed back to one row per subject; suppressed values become `c`.

    Feeds list each subject's measures together and in the same order, so a subject is a
    block of consecutive rows.
    """
    measures = list(dict.fromkeys(feed["measure"]))
    if not measures:
        return pd.DataFrame(columns=[*keys, *measures])
    width = len(measures)
    if feed["measure"].tolist() != measures * (len(feed) // width):
        raise ValueError("feed rows are not in subject blocks")
    cells = feed["value"].astype(object).where(feed["status"].ne("suppressed"), SUPPRESSED)
    values = pd.DataFrame(cells.to_numpy().reshape(-1, width), columns=measures)
    subjects = feed[keys].iloc[::width].reset_index(drop=True)
    return pd.concat([subjects, values], axis=1)


class Row(dict):
    """A record whose fields are also its attributes (`row.cases`): Jinja reads attributes
    first, and on a plain dict every such read would fail before falling back to the key."""

    def __init__(self, *args: object, **fields: object) -> None:
        super().__init__(*args, **fields)
        self.__dict__ = self


def records(frame: pd.DataFrame) -> list[Row]:
    """Rows for the template, every missing value (NaN, NA, NaT) as None."""
    return [
        Row((key, None if _missing(value) else value) for key, value in row.items())
        for row in frame.to_dict("records")
    ]


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def number(value: object) -> float | None:
    """The value as a float, or None when suppressed or not available."""
    if type(value) is float or type(value) is int:  # the common case, checked first
        return None if value != value else float(value)
    if value is None or isinstance(value, str) or _missing(value):
        return None
    return float(value)


def show(value: object, digits: int = 1) -> str:
    """A value as the page prints it: `c` when suppressed, `–` when there is none (a share of
    zero cases), else the number with `digits` decimals."""
    if isinstance(value, str):
        return value
    figure = number(value)
    return "–" if figure is None else f"{figure:.{digits}f}"


def _label(metric: str) -> str:
    return metric.replace("_", " ").capitalize()


# ---------------------------------------------------------------- SVG charts


def interval_bar(pct: object, low: object, high: object, width: int = 220) -> Markup:
    """A 0-100% track with the estimate as a bar and its 95% interval as a whisker."""
    pct, low, high = number(pct), number(low), number(high)
    if pct is None or low is None or high is None:
        return Markup("")
    x = lambda v: 10 + (width - 20) * v / 100  # noqa: E731
    return Markup(
        f'<svg class="interval" width="{width}" height="26" role="img" '
        f'aria-label="{pct:.1f}%, 95% interval {low:.1f}% to {high:.1f}%">'
        f'<rect x="10" y="9" width="{width - 20}" height="8" fill="#e5e5e5"/>'
        f'<rect x="10" y="9" width="{x(pct) - 10:.1f}" height="8" fill="#1d70b8"/>'
        f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="13" y2="13" stroke="#0b0c0c" '
        f'stroke-width="2"/><line x1="{x(low):.1f}" x2="{x(low):.1f}" y1="6" y2="20" '
        f'stroke="#0b0c0c"/><line x1="{x(high):.1f}" x2="{x(high):.1f}" y1="6" y2="20" '
        f'stroke="#0b0c0c"/></svg>'
    )


# an area, force or other label that was not recorded: in italics and marked as such, where
# a provider's own text (even "(not recorded)") is always shown as plain text
NOT_RECORDED_SVG = Markup('<tspan font-style="italic">— not recorded —</tspan>')
NOT_RECORDED_HTML = Markup('<em class="unrecorded">— not recorded —</em>')


def stacked_bars(rows: list[dict[str, object]], label: str, title: str) -> Markup:
    """Horizontal stacked bars (good / requires improvement / inadequate) per row."""
    height, bar_width, left = 24, 420, 210
    totals = [number(row.get("cases")) for row in rows]
    max_total = max([t for t in totals if t], default=1.0)  # fmt: skip
    parts = [
        f'<svg class="stacked" width="{left + bar_width + 60}" '
        f'height="{len(rows) * height + 10}" role="img" aria-label="{escape(title)}">'
    ]
    for i, record in enumerate(rows):
        y = 5 + i * height
        name = record[label]  # None: not recorded, set apart so no provider text can pass for it
        shown = escape(str(name)) if name is not None else NOT_RECORDED_SVG
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{shown}</text>')
        total = number(record.get("cases"))
        if not total:
            parts.append(f'<text x="{left}" y="{y + 15}">{SUPPRESSED}</text>')
            continue
        if any(number(record.get(rating)) is None for rating in COLOURS):  # breakdown hidden
            parts.append(f'<rect x="{left}" y="{y}" width="{bar_width * total / max_total:.1f}" '
                         f'height="{height - 6}" fill="#b1b4b6"><title>{total:.0f} cases; '
                         f"breakdown suppressed</title></rect>")  # fmt: skip
            parts.append(f'<text x="{left + bar_width + 6}" y="{y + 15}">{total:.0f}</text>')
            continue
        x = float(left)
        for rating, colour in COLOURS.items():
            value = number(record.get(rating))
            if not value:
                continue
            w = bar_width * value / total
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{height - 6}" '
                         f'fill="{colour}"><title>{escape(RATING_LABELS[rating])}: '
                         f"{value:.0f}</title></rect>")  # fmt: skip
            x += w
        parts.append(f'<text x="{left + bar_width + 6}" y="{y + 15}">{total:.0f}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_chart(points: list[dict[str, object]], title: str) -> Markup:
    """Percentage (with its interval) per inspection, in date order."""
    width, height, pad = 460, 180, 40
    n = len(points)
    step = (width - 2 * pad) / max(n - 1, 1)
    y = lambda v: height - pad + (pad * 2 - height) * v / 100  # noqa: E731
    parts = [f'<svg class="trend" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}">',
             f'<line x1="{pad}" x2="{width - pad}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
             'stroke="#b1b4b6"/>',
             f'<text x="4" y="{y(100) + 4:.1f}">100%</text><text x="12" y="{y(0) + 4:.1f}">0%'
             "</text>"]  # fmt: skip
    previous = None
    for i, row in enumerate(points):
        x = pad + i * step if n > 1 else width / 2
        pct, low, high = number(row["pct"]), number(row["ci_low"]), number(row["ci_high"])
        if pct is None:
            continue
        if low is not None and high is not None:
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y(low):.1f}" y2="{y(high):.1f}" '
                         'stroke="#505a5f" stroke-width="2"/>')  # fmt: skip
        if previous is not None:
            parts.append(f'<line x1="{previous[0]:.1f}" x2="{x:.1f}" y1="{previous[1]:.1f}" '
                         f'y2="{y(pct):.1f}" stroke="#1d70b8" stroke-width="2"/>')  # fmt: skip
        parts.append(f'<circle cx="{x:.1f}" cy="{y(pct):.1f}" r="4" fill="#1d70b8">'
                     f"<title>{escape(row['inspection_id'])}: {pct:.1f}%</title></circle>"
                     f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">'
                     f"{escape(row['inspection_id'])}</text>")  # fmt: skip
        previous = (x, y(pct))
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- the page


@dataclass
class Inspection:
    inspection_id: str
    force: str
    headline: list[dict]
    categories: list[dict[str, object]]
    areas: list[dict[str, object]]


def grouped(rows: list[Row], *keys: str) -> dict[tuple, list[Row]]:
    """`rows` grouped by the values of `keys`, in one pass, keeping their order."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in keys), []).append(row)
    return groups


def build_page(feeds: dict[str, pd.DataFrame], manifest: dict[str, object]) -> str:
    """The dashboard's HTML from the feeds (as written) and their manifest."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    headline = wide(feeds["headline"], ["inspection_id", "force", "metric", "metric_order"])
    categories = wide(feeds["ratings_by_category"], ["inspection_id", "force", "category"])
    areas = wide(feeds["ratings_by_area"], ["inspection_id", "force", "area"])
    categories_of = grouped(records(categories), "inspection_id")
    areas_of = grouped(records(areas), "inspection_id")
    cards = []
    for row in records(headline.sort_values(["inspection_id", "force", "metric_order"])):
        numerator_text, denominator_text = METRIC_TEXT.get(row["metric"], ("", ""))
        cards.append(Row(
            **row, label=_label(row["metric"]),
            definition=f"{numerator_text} / {denominator_text}".replace("`", ""),
            chart=interval_bar(row["pct"], row["ci_low"], row["ci_high"]),
        ))  # fmt: skip
    inspections = [
        Inspection(inspection, force, own, categories_of.get((inspection,), []),
                   areas_of.get((inspection,), []))
        for (inspection, force), own in grouped(cards, "inspection_id", "force").items()
    ]  # fmt: skip
    trends = wide(feeds["trends"], list(FEED_KEYS["trends"]))
    shown = trends[trends["metric"].isin(["cases_not_good", "cases_inadequate",
                                          "cases_referred_back"])]  # fmt: skip
    points_of = grouped(records(shown.sort_values("inspection_date", kind="stable")),
                        "force", "metric")  # fmt: skip
    order = shown[["force", "metric"]].drop_duplicates().itertuples(index=False, name=None)
    trend_panels = []
    for force, metric in order:
        points = points_of[(force, metric)]
        title = f"{force}: {_label(metric)} by inspection"
        trend_panels.append({"force": force, "metric": metric, "label": _label(metric),
                             "points": points, "chart": trend_chart(points, title)})  # fmt: skip
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    environment.filters["show"] = show
    environment.filters["records"] = records
    environment.globals.update(not_recorded=NOT_RECORDED_HTML, stacked_bars=stacked_bars,
                               rating_labels=RATING_LABELS, colours=COLOURS)  # fmt: skip
    return environment.get_template("dashboard.html.j2").render(
        manifest=manifest,
        inspections=inspections,
        trends=trend_panels,
        reconciliation=feeds["reconciliation"],
        figures=_reconciliation(feeds["reconciliation"], "figure"),
        claims=_reconciliation(feeds["reconciliation"], "claim"),
        totals=_quality(feeds["data_quality"], "run"),
        refusals=_quality(feeds["data_quality"], "file"),
        rules=_quality(feeds["data_quality"], "row"),
        suppressed=SUPPRESSED,
    )


def _reconciliation(feed: pd.DataFrame, kind: str) -> pd.DataFrame:
    keys = ["inspection_id", "metric", "kind", "status_of_figure", "holds", "comparator",
            "wording", "source"]  # fmt: skip
    table = wide(feed, keys)
    return table[table["kind"].eq(kind)] if not table.empty else table


def _quality(feed: pd.DataFrame, level: str) -> pd.DataFrame:
    """The data-quality rows of one level (run, file, row) as a wide table."""
    table = wide(feed, ["level", "rule", "column_name"])
    return table[table["level"].eq(level)] if not table.empty else table


def write_dashboard(html: str, path: Path) -> Path:
    from pipeline.storage.atomic import atomic_write

    return atomic_write(path, lambda temporary: temporary.write_text(html, encoding="utf-8"))


def read_manifest(folder: Path) -> dict[str, object]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def dashboard_from_feeds(folder: Path) -> dict[str, object]:
    """Write `folder`/dashboard.html from the feeds written there; returns their manifest."""
    from pipeline.publish.feeds import FEEDS

    manifest = read_manifest(folder)
    feeds = {spec.name: pd.read_parquet(folder / f"{spec.name}.parquet") for spec in FEEDS}
    write_dashboard(build_page(feeds, manifest), folder / "dashboard.html")
    return manifest
