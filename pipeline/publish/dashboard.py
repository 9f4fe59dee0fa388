"""The dashboard: one self-contained HTML page made from the feeds, readable offline.

For the people who read inspection reports: an overview first (every inspection on a funnel
plot, a contents list and a force filter whose state is the URL fragment), then per force its
trends and per inspection its figures in plain words, each beside the published figure and
its interval. Nothing is fetched: styles and the one script are inline (the script allowed by
its hash in the Content-Security-Policy), charts are inline SVG (`charts.py`) or CSS, and each
table can be downloaded as CSV from the page. The page is built from the public feeds only,
so it shows exactly what they publish (`c` and `u` stay as they are).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from pipeline.lazy import pd
from pipeline.publish.charts import FunnelPoint, TrendPoint, funnel_plot, position, trend_chart
from pipeline.publish.feeds import FEEDS, LOW_RELIABILITY, SUPPRESSED, SYMBOLS
from pipeline.safe_csv import csv_rule
from pipeline.warehouse.registry import metrics
from schemas.case_audit import CATEGORY_LABELS, CONTRACT_VERSION, RATING_LABELS

TEMPLATES = Path(__file__).parent / "templates"
FEED_KEYS = {spec.name: spec.keys for spec in FEEDS}


def metric_by_name() -> dict[str, object]:
    """The headline metrics by name (pipeline/warehouse/metrics.toml)."""
    return {metric.name: metric for metric in metrics()}


TREND_METRICS = ("cases_not_good", "cases_inadequate", "cases_referred_back")
# colour-blind safe, told apart by lightness too (good dark blue, requires improvement light
# amber, inadequate dark wine), each with text that meets WCAG AA on it
COLOURS = {
    "good": ("#2166ac", "#ffffff"),
    "requires_improvement": ("#f4b183", "#0b0c0c"),
    "inadequate": ("#67001f", "#ffffff"),
}


def wide(feed: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A tidy feed back to one row per subject; a withheld value becomes its symbol (`c`,
    `u`). Feeds list each subject's measures together and in the same order, so a subject is
    a block of consecutive rows."""
    measures = list(dict.fromkeys(feed["measure"]))
    if not measures:
        return pd.DataFrame(columns=[*keys, *measures])
    width = len(measures)
    if feed["measure"].tolist() != measures * (len(feed) // width):
        raise ValueError("feed rows are not in subject blocks")
    cells = (
        feed["value"]
        .astype(object)
        .where(feed["status"].eq("published"), feed["status"].map(SYMBOLS))
    )
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
    """The value as a float, or None when withheld or not available."""
    if type(value) is float or type(value) is int:  # the common case, checked first
        return None if value != value else float(value)
    if value is None or isinstance(value, str) or _missing(value):
        return None
    return float(value)


def show(value: object, digits: int = 1) -> str:
    """A value as the page prints it: its symbol when withheld (`c`, `u`), `–` when there is
    none (a share of zero cases), else the number with `digits` decimals."""
    if isinstance(value, str):
        return value
    figure = number(value)
    return "–" if figure is None else f"{figure:,.{digits}f}"


def slug(text: str) -> str:
    """A readable, fragment-safe name: accents dropped, lower case, every run of other
    characters as one hyphen (so never two in a row), no hyphen at either end."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "x"


def anchors(values: Iterable[str], prefix: str) -> dict[str, str]:
    """Each distinct value's id on the page: `prefix` and its slug, readable and stable
    (`f-testshire-police`). Values that share a slug (`abc.2025` and `abc-2025`, `Testshire
    Police` and `TESTSHIRE POLICE`) each get `--` and the start of the SHA-256 of the exact
    value, as long as it takes to tell them apart (none keeps the plain slug, so an old
    link to it shows everything rather than the wrong one). A slug never holds `--`, so an
    anchor with a hash never equals one without: distinct values, distinct anchors. The
    page derives every other id by a prefix of its own (`h-`, `c-`, `t-`) or a role at the
    end, and every download name by a role at the end, so those stay distinct too."""
    shared: dict[str, list[str]] = {}
    for value in dict.fromkeys(values):
        shared.setdefault(slug(value), []).append(value)
    out = {}
    for name, group in shared.items():
        if len(group) == 1:
            out[group[0]] = f"{prefix}{name}"
            continue
        digests = [hashlib.sha256(v.encode("utf-8", "surrogatepass")).hexdigest() for v in group]
        size = next(n for n in range(6, 65) if len({d[:n] for d in digests}) == len(group))
        out.update({v: f"{prefix}{name}--{d[:size]}" for v, d in zip(group, digests, strict=True)})
    return out


# ---------------------------------------------------------------- the page's parts


@dataclass
class Card:
    """One headline metric of one inspection, in words (its definition is in the page's
    definitions, once)."""

    metric: str
    label: str
    numerator: object
    denominator: object
    pct: object
    low: object
    high: object
    published: str = ""  # the published figure, in words
    verdict: str = ""  # matches / differs


@dataclass
class Inspection:
    inspection_id: str
    force: str
    date: str
    cards: list[Card]
    categories: list[Row]
    areas: list[Row]
    claims: list[Row]
    kappa: Row | None
    anchor: str = ""
    synthetic: bool = False  # named in the manifest's synthetic_inspections


@dataclass
class Force:
    name: str
    anchor: str
    inspections: list[Inspection] = field(default_factory=list)
    trends: list[dict] = field(default_factory=list)


def grouped(rows: list[Row], *keys: str) -> dict[tuple, list[Row]]:
    """`rows` grouped by the values of `keys`, in one pass, keeping their order."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in keys), []).append(row)
    return groups


def _published_words(figure: Row | None) -> tuple[str, str]:
    """The published figure in words and whether the computed one matches it."""
    if figure is None:
        return "", ""
    fields = ("published_numerator", "published_denominator", "published_pct")
    count, of, pct = (number(figure.get(k)) for k in fields)
    if count is not None:
        words = f"{count:,.0f} of {of:,.0f}" if of is not None else f"{count:,.0f}"
    elif pct is not None:
        words = f"{pct:.0f}%" + (f" of {of:,.0f}" if of is not None else "")
    else:
        return "", ""
    return words, str(figure["status_of_figure"])


def _cards(rows: list[Row], figures: dict[tuple, Row]) -> list[Card]:
    cards = []
    for row in rows:
        metric = metric_by_name().get(row["metric"])
        label = metric.label if metric else str(row["metric"]).replace("_", " ")
        published, verdict = _published_words(figures.get((row["inspection_id"], row["metric"])))
        cards.append(
            Card(
                row["metric"],
                label,
                row["numerator"],
                row["denominator"],
                row["pct"],
                row["ci_low"],
                row["ci_high"],
                published,
                verdict,
            )
        )
    return cards


def _trend_panels(rows: list[Row]) -> dict[str, list[dict]]:
    """force -> its trend panels: one per metric with two or more inspections shown, each
    with its chart and the latest change in words."""
    panels: dict[str, list[dict]] = {}
    for (force, metric), points in grouped(rows, "force", "metric").items():
        if metric not in TREND_METRICS:
            continue
        points = sorted(points, key=lambda r: (r["inspection_date"], r["inspection_id"]))
        drawn = [
            TrendPoint(
                r["inspection_id"],
                _date(r["inspection_date"]),
                number(r["pct"]),
                number(r["ci_low"]),
                number(r["ci_high"]),
            )
            for r in points
            if number(r["pct"]) is not None
        ]
        label = metric_by_name()[metric].label if metric in metric_by_name() else metric
        chart = (
            trend_chart(drawn, f"{force}: {label}, by inspection date") if len(drawn) > 1 else ""
        )
        panels.setdefault(force, []).append(
            {
                "metric": metric,
                "label": label,
                "points": points,
                "chart": chart,
                "change": _change_words(points[-1]) if len(points) > 1 else "",
            }
        )
    return panels


def _change_words(row: Row) -> str:
    """The latest change and its interval, in a sentence."""
    change, low, high = (
        number(row.get(k)) for k in ("change_pct_points", "change_ci_low", "change_ci_high")
    )
    if change is None or low is None or high is None:
        few = LOW_RELIABILITY in (row.get("change_pct_points"), row.get("pct"))
        return "Too few cases at one of the two inspections to give the change." if few else ""
    verdict = {
        "rose": "a rise: the interval lies above zero",
        "fell": "a fall: the interval lies below zero",
        "no clear change": "no clear change: the interval includes zero",
    }.get(str(row.get("change_verdict")), "")
    return (
        f"Latest change, {row['previous_inspection_id']} to {row['inspection_id']}: "
        f"{signed(change)} points (95% interval {signed(low)} to {signed(high)}), "
        f"{verdict}."
    )


def signed(value: float) -> str:
    """+5.5, 0.0 or −3.6 (a true minus sign, as printed statistics use)."""
    return f"{value:+.1f}".replace("-", "\u2212").replace("+0.0", "0.0")


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else pd.Timestamp(value).date()


def _funnel(
    headline: pd.DataFrame, anchor_of: dict[str, str]
) -> tuple[Markup, list[dict], float | None]:
    """The overview: the funnel plot of % not good, its rows for the data table, and the
    pooled share."""
    rows = headline[headline["metric"].eq("cases_not_good")]
    points, table = [], []
    for row in records(rows):
        cases, not_good = number(row["denominator"]), number(row["numerator"])
        table.append({"row": row, "anchor": anchor_of[row["inspection_id"]]})
        if number(row["pct"]) is not None and cases:  # fewer than 10 cases: not placed
            points.append(FunnelPoint(row["inspection_id"], row["force"], cases, not_good))
    if not points:
        return Markup(""), table, None
    pooled = sum(p.not_good for p in points) / sum(p.cases for p in points)
    where = {p.inspection_id: position(p, pooled) for p in points}
    for entry in table:
        entry["position"] = where.get(entry["row"]["inspection_id"], "too few cases to place")
    title = (
        "Funnel plot: share of cases not rated good against cases audited, one point "
        "per inspection, with the share over all inspections and its 95% control limits"
    )
    return funnel_plot(points, pooled, title), table, pooled


@functools.cache
def script() -> str:
    """The page's one script (the filter, the fragment state, CSV downloads), with the CSV
    rule of `safe_csv` put in, so the page's downloads and the feeds apply one rule."""
    text = (TEMPLATES / "dashboard.js").read_text(encoding="utf-8")
    return dedent(text.replace("__CSV_RULE__", json.dumps(csv_rule(), sort_keys=True)))


def dedent(text: str) -> str:
    """Every line's indentation dropped (about 1 byte in 10 of the page); the script is
    dedented before it is hashed, so the page's dedent leaves it as hashed."""
    return re.sub(r"\n[ \t]+", "\n", text)


def feed_rows(feeds: dict[str, pd.DataFrame], name: str) -> list[Row]:
    """A feed's subjects, one record each (`wide`)."""
    return records(wide(feeds[name], list(FEED_KEYS[name])))


def build_page(feeds: dict[str, pd.DataFrame], manifest: dict[str, object]) -> str:
    """The dashboard's HTML from the feeds (as written) and their manifest."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    headline = wide(feeds["headline"], list(FEED_KEYS["headline"]))
    headline = headline.sort_values(["force", "inspection_id", "metric_order"], kind="stable")
    reconciliation = feed_rows(feeds, "reconciliation")
    figures = {
        (r["inspection_id"], r["metric"]): r for r in reconciliation if r["kind"] == "figure"
    }
    claims_of = grouped([r for r in reconciliation if r["kind"] == "claim"], "inspection_id")
    categories_of = grouped(feed_rows(feeds, "ratings_by_category"), "inspection_id")
    areas_of = grouped(feed_rows(feeds, "ratings_by_area"), "inspection_id")
    kappa_of = {r["inspection_id"]: r for r in feed_rows(feeds, "self_assessment")}
    trends = feed_rows(feeds, "trends")
    date_of = {r["inspection_id"]: _date(r["inspection_date"]) for r in trends}
    force_anchor = anchors(headline["force"], "f-")
    inspection_anchor = anchors(headline["inspection_id"], "i-")
    synthetic = set(manifest.get("synthetic_inspections") or [])
    forces: dict[str, Force] = {}
    for (inspection, force), rows in grouped(records(headline), "inspection_id", "force").items():
        holder = forces.setdefault(force, Force(force, force_anchor[force]))
        date = date_of.get(inspection)
        holder.inspections.append(
            Inspection(
                inspection,
                force,
                f"{date:%-d %B %Y}" if date else "",
                _cards(rows, figures),
                categories_of.get((inspection,), []),
                areas_of.get((inspection,), []),
                claims_of.get((inspection,), []),
                kappa_of.get(inspection),
                anchor=inspection_anchor[inspection],
                synthetic=inspection in synthetic,
            )
        )
    for force, panels in _trend_panels(trends).items():
        if force in forces:
            forces[force].trends = panels
    for holder in forces.values():
        holder.inspections.sort(
            key=lambda i: (date_of.get(i.inspection_id) or dt.date.min, i.inspection_id),
            reverse=True,
        )
    funnel, funnel_rows, pooled = _funnel(headline, inspection_anchor)
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["show"] = show
    environment.filters["records"] = records
    environment.globals.update(
        rating_labels=RATING_LABELS, colours=COLOURS, category_labels=CATEGORY_LABELS, number=number
    )
    page = environment.get_template("dashboard.html.j2").render(
        manifest=manifest,
        forces=sorted(forces.values(), key=lambda f: f.name),
        funnel=funnel,
        checked=_checked(reconciliation),
        funnel_rows=funnel_rows,
        pooled=pooled,
        metrics=metrics(),
        totals=_quality(feeds["data_quality"], "run"),
        refusals=_quality(feeds["data_quality"], "file"),
        rules=_quality(feeds["data_quality"], "row"),
        suppressed=SUPPRESSED,
        low_reliability=LOW_RELIABILITY,
        contract_version=CONTRACT_VERSION,
        synthetic=synthetic,
        synthetic_shown=sum(i.synthetic for f in forces.values() for i in f.inspections),
        inspection_count=sum(len(f.inspections) for f in forces.values()),
        script=Markup(script()),
        script_hash=script_hash(),
    )
    return dedent(page)


def _checked(rows: list[Row]) -> dict[str, object]:
    """Published figures and claims in counts, and the figures of inspections not loaded."""
    figures = [r for r in rows if r["kind"] == "figure"]
    claims = [r for r in rows if r["kind"] == "claim"]
    return {
        "total": sum(1 for r in figures if r["status_of_figure"] != "inspection_not_loaded"),
        "matches": sum(1 for r in figures if r["status_of_figure"] == "matches"),
        "unplaced": [r for r in figures if r["status_of_figure"] == "inspection_not_loaded"],
        "claims": len(claims),
        "holding": sum(1 for r in claims if r["status_of_figure"] == "holds"),
    }


def script_hash() -> str:
    """The page script's CSP source: only that exact script may run."""
    digest = hashlib.sha256(script().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _quality(feed: pd.DataFrame, level: str) -> pd.DataFrame:
    """The data-quality rows of one level (run, file, row) as a wide table."""
    table = wide(feed, list(FEED_KEYS["data_quality"]))
    return table[table["level"].eq(level)] if not table.empty else table


def write_dashboard(html: str, path: Path) -> Path:
    from pipeline.storage.atomic import atomic_write

    return atomic_write(path, lambda temporary: temporary.write_text(html, encoding="utf-8"))


def read_manifest(folder: Path) -> dict[str, object]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def dashboard_from_feeds(folder: Path) -> dict[str, object]:
    """Write `folder`/dashboard.html from the feeds written there; returns their manifest."""
    manifest = read_manifest(folder)
    feeds = {spec.name: pd.read_parquet(folder / f"{spec.name}.parquet") for spec in FEEDS}
    write_dashboard(build_page(feeds, manifest), folder / "dashboard.html")
    return manifest
