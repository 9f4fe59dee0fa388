"""The dashboard: one self-contained HTML page made from the feeds, readable offline.

For the people who read inspection reports: an overview first (every inspection on a funnel
plot, a contents list and a force filter whose state is the URL fragment), then per force its
trends and per inspection its figures in plain words, each beside the published figure and
its interval. Nothing is fetched: styles and the one script are inline (the script allowed by
its hash in the Content-Security-Policy), charts are inline SVG (`charts.py`) or CSS, and each
table can be downloaded as CSV from the page. The page is built from the public feeds and
their manifest only, so it shows exactly what they publish (`c` and `u` stay as they are);
what each inspection's framework rates and how (its scale, categories, metrics in words)
comes from the manifest's `frameworks`, and frameworks that rate differently are never
drawn on one chart.
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
from pipeline.publish.charts import (
    FunnelPoint,
    TrendPoint,
    funnel_plot,
    position,
    scale_colours,
    trend_chart,
)
from pipeline.publish.feeds import FEED_KEYS, FEEDS, LOW_RELIABILITY, SUPPRESSED, wide
from pipeline.safe_csv import csv_rule
from schemas.contract import CONTRACT_VERSION

TEMPLATES = Path(__file__).parent / "templates"


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


# ---------------------------------------------------------------- frameworks, from the manifest

NOT_COMPARABLE = "not comparable"  # the trends feed's verdict where the frameworks differ


@dataclass(frozen=True)
class Level:
    """One level of a scale, as the manifest lists it (best first)."""

    code: str
    label: str
    marked: bool  # rating: counts as not good; force rating: favourable


@dataclass(frozen=True)
class Framework:
    """What an inspection's framework rates and how, as the manifest's `frameworks` states it
    (never the catalogue: the page shows what was published), and its ids on the page: its
    definitions `fw-<anchor>`, each metric's `def-<anchor>-<metric>`, its kappa's
    `kappa-<anchor>`. The anchor is `anchors()`'s, so distinct frameworks never share one;
    a metric name holds no hyphen, so the last hyphen of a definition's id ends the anchor:
    two frameworks' metrics of one name keep distinct ids."""

    key: str
    title: str
    anchor: str
    comparable_with: tuple[str, ...]
    levels: tuple[Level, ...]  # the inspectors' rating, best first
    force_levels: tuple[Level, ...]  # the force's own rating, best first (none: no such scale)
    categories: dict[str, str]  # code -> label
    metrics: dict[str, Row]  # name -> metric, label, description, numerator, denominator

    @property
    def section(self) -> str:
        return f"fw-{self.anchor}"

    @property
    def kappa(self) -> str:
        return f"kappa-{self.anchor}"

    def definition(self, metric: str) -> str:
        return f"def-{self.anchor}-{metric}"

    def label(self, metric: str) -> str:
        found = self.metrics.get(metric)
        return str(found["label"]) if found else str(metric).replace("_", " ")

    def trended(self, metric: str) -> bool:
        """The framework file draws the metric over time (`trend = true`)."""
        return bool((self.metrics.get(metric) or {}).get("trend"))

    @property
    def overview(self) -> str | None:
        """The metric the overview places its inspections by (`overview = true`), if any."""
        return next((name for name, m in self.metrics.items() if m.get("overview")), None)

    @property
    def not_good(self) -> str:
        """The levels that count as not good, in words: `requires improvement or inadequate`."""
        return or_words([in_sentence(level.label) for level in self.levels if level.marked])

    @property
    def acceptable(self) -> str:
        """What kappa reads as handled acceptably on each scale, in words."""
        force = or_words([in_sentence(level.label) for level in self.force_levels if level.marked])
        good = or_words([in_sentence(level.label) for level in self.levels if not level.marked])
        return f"the force: {force or 'none'}; the inspectors: {good or 'none'}"

    def comparable(self, other: Framework) -> bool:
        """Figures of the two may be drawn together: the same framework, or either names the
        other in comparable_with (contract 4.3)."""
        return (
            other.key == self.key
            or other.key in self.comparable_with
            or self.key in other.comparable_with
        )


def or_words(words: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    return " or ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def in_sentence(label: str) -> str:
    """A label inside a sentence: `Requires improvement` as `requires improvement`, an
    acronym (`RI`) as written."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def frameworks(manifest: dict[str, object], used: Iterable[str]) -> dict[str, Framework]:
    """The frameworks of the inspections shown, by key, in the manifest's order. Anchors are
    made over every framework the manifest describes, so a framework keeps its ids whichever
    inspections a run shows."""
    described = {str(entry["framework"]): entry for entry in manifest.get("frameworks") or []}
    used = set(used)
    missing = sorted(used - set(described))
    if missing:
        raise ValueError(
            f"The feeds' manifest describes no framework {missing[0]!r}, which an inspection "
            "names: feeds and manifest are from different runs; run case-audit again."
        )
    anchor_of = anchors(described, "")
    return {
        key: _framework(entry, anchor_of[key]) for key, entry in described.items() if key in used
    }


def _framework(entry: dict, anchor: str) -> Framework:
    codes = entry.get("codes") or {}

    def scale(column: str, marked: str) -> tuple[Level, ...]:
        return tuple(
            Level(str(code["code"]), str(code["label"]), code.get("counts_as") == marked)
            for code in codes.get(column) or []
        )

    return Framework(
        str(entry["framework"]),
        str(entry["title"]),
        anchor,
        tuple(entry.get("comparable_with") or ()),
        scale("rating", "not good"),
        scale("force_rating", "favourable"),
        {str(code["code"]): str(code["label"]) for code in codes.get("category") or []},
        {str(metric["metric"]): Row(metric) for metric in entry.get("metrics") or []},
    )


# ---------------------------------------------------------------- the page's parts


@dataclass
class Card:
    """One headline metric of one inspection, in words (its definition is in the page's
    definitions of its framework, once)."""

    metric: str
    label: str
    numerator: object
    denominator: object
    pct: object
    low: object
    high: object
    published: str = ""  # the published figure, in words
    verdict: str = ""  # matches / differs
    count_only: bool = False  # it counts every case (numerator and denominator `true`)
    receipt: Row | None = None  # its receipt, as the receipts feed gives it
    revision: Row | None = None  # its latest revision, when it was revised (revisions feed)


@dataclass
class Inspection:
    inspection_id: str
    force: str
    framework: Framework
    date: str
    cards: list[Card]
    categories: list[Row]
    areas: list[Row]
    claims: list[Row]
    kappa: Row | None
    anchor: str = ""
    synthetic: bool = False  # named in the manifest's synthetic_inspections


@dataclass
class Series:
    """Consecutive inspections of one force whose figures may be drawn together: none is
    under a framework another of them cannot be compared with, so no chart or line mixes
    frameworks that rate differently. `after`: the inspection (and its framework) before the
    series that it cannot be compared with."""

    inspections: list[str] = field(default_factory=list)
    frameworks: list[Framework] = field(default_factory=list)  # one per inspection
    rows: list[Row] = field(default_factory=list)
    after: tuple[str, str] | None = None
    panels: list[dict] = field(default_factory=list)

    @property
    def framework_list(self) -> list[Framework]:
        """Its distinct frameworks, in order."""
        return list({f.key: f for f in self.frameworks}.values())


@dataclass
class Force:
    name: str
    anchor: str
    inspections: list[Inspection] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)

    @property
    def over_time(self) -> bool:
        """Two inspections or more: something to say over time."""
        return sum(len(s.inspections) for s in self.series) > 1


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


def _cards(
    rows: list[Row],
    figures: dict[tuple, Row],
    framework: Framework,
    receipts: dict[tuple, Row],
    revised: dict[tuple, Row],
) -> list[Card]:
    cards = []
    for row in rows:
        metric = row["metric"]
        key = (row["inspection_id"], metric)
        published, verdict = _published_words(figures.get(key))
        definition = framework.metrics.get(metric) or {}
        everything = all(
            str(definition.get(side, "")).strip().lower() == "true"
            for side in ("numerator", "denominator")
        )
        cards.append(
            Card(
                metric,
                framework.label(metric),
                row["numerator"],
                row["denominator"],
                row["pct"],
                row["ci_low"],
                row["ci_high"],
                published,
                verdict,
                everything,
                receipts.get(key),
                revised.get(key),
            )
        )
    return cards


def _series(rows: list[Row], framework_of: dict[str, Framework]) -> dict[str, list[Series]]:
    """force -> its inspections in date order, cut into series wherever one cannot be
    compared with an earlier one of its series: the trends feed's verdict `not comparable`
    (its previous inspection's framework), or a framework not comparable with another of the
    series (comparability need not pass along a chain). Each series gets its trend panels."""
    found: dict[str, list[Series]] = {}
    ordered = sorted(
        rows, key=lambda r: (r["force"], _date(r["inspection_date"]), r["inspection_id"])
    )
    for (force, inspection), held in grouped(ordered, "force", "inspection_id").items():
        chain = found.setdefault(force, [])
        framework = framework_of[held[0]["framework"]]
        after = next(
            (
                (r["previous_inspection_id"], r["previous_framework"])
                for r in held
                if r["change_verdict"] == NOT_COMPARABLE
            ),
            None,
        )
        if chain and after is None:
            after = next(
                (
                    (earlier, other.key)
                    for earlier, other in zip(
                        chain[-1].inspections, chain[-1].frameworks, strict=True
                    )
                    if not other.comparable(framework)
                ),
                None,
            )
        if not chain or after is not None:
            chain.append(Series(after=after))
        chain[-1].inspections.append(inspection)
        chain[-1].frameworks.append(framework)
        chain[-1].rows.extend(held)
    for force, chain in found.items():
        for series in chain:
            series.panels = _panels(force, series)
    return found


def _panels(force: str, series: Series) -> list[dict]:
    """A series' trend panels: one per metric its frameworks draw over time (`trend = true`
    in the framework file), each with its chart (two points or more) and the latest change
    in words."""
    panels = []
    keys = " / ".join(f.key for f in series.framework_list)
    for (metric,), points in grouped(series.rows, "metric").items():
        if not any(f.trended(metric) for f in series.framework_list):
            continue
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
        label = series.frameworks[series.inspections.index(points[-1]["inspection_id"])].label(
            metric
        )
        title = f"{force}: {label} ({keys}), by inspection date"
        panels.append(
            {
                "metric": metric,
                "label": label,
                "points": points,
                "chart": trend_chart(drawn, title) if len(drawn) > 1 else "",
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


def _overview(inspections: list[Inspection]) -> dict[str, list]:
    """The overview: one funnel plot per framework with two inspections or more to place,
    each with its own pooled share and 95% limits (frameworks rate on different scales, so
    their shares are never pooled or compared), the inspections that are the only one of
    their framework to place (`alone`), and a row per inspection for the data table."""
    table, placed = [], {}
    for inspection in inspections:
        overview = inspection.framework.overview
        card = next((c for c in inspection.cards if c.metric == overview), None)
        entry = {"inspection": inspection, "card": card, "position": ""}
        table.append(entry)
        if card is None:
            entry["position"] = (
                "not placed: its framework names no overview metric"
                if inspection.framework.overview is None
                else "not placed: no such figure"
            )
            continue
        cases = number(card.denominator)
        if number(card.pct) is None or not cases:  # fewer than 10 cases: not placed
            entry["position"] = "too few cases to place"
            continue
        point = FunnelPoint(
            inspection.inspection_id, inspection.force, cases, number(card.numerator)
        )
        placed.setdefault(inspection.framework.key, []).append((entry, point))
    funnels, alone = [], []
    for key in sorted(placed):
        held = placed[key]
        framework = held[0][0]["inspection"].framework
        if len(held) == 1:
            held[0][0]["position"] = "not placed: the only one of its framework"
            alone.append(held[0][0]["inspection"])
            continue
        points = [point for _, point in held]
        pooled = sum(p.counted for p in points) / sum(p.cases for p in points)
        for entry, point in held:
            entry["position"] = position(point, pooled)
        metric = framework.overview
        label = framework.label(metric)
        title = (
            f"Funnel plot, {framework.title} ({key}): {in_sentence(label)} as a share, against "
            "the cases it is a share of, one point per inspection audited under it, with the "
            "share over those inspections and its 95% control limits"
        )
        chart = funnel_plot(points, pooled, title, f"all {key}")
        funnels.append(
            {
                "framework": framework,
                "metric": metric,
                "label": label,
                "chart": chart,
                "pooled": pooled,
                "count": len(points),
            }
        )
    return {"funnels": funnels, "alone": alone, "rows": table}


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
    receipts = {(r["inspection_id"], r["metric"]): r for r in feed_rows(feeds, "receipts")}
    revisions = feed_rows(feeds, "revisions")  # newest first
    for order, row in enumerate(revisions, 1):
        row["anchor"] = f"rev-{order}"
    revised: dict[tuple, Row] = {}
    for row in revisions:
        revised.setdefault((row["inspection_id"], row["metric"]), row)
    revised = {k: r for k, r in revised.items() if r["change"] == "revised"}
    trends = feed_rows(feeds, "trends")
    date_of = {r["inspection_id"]: _date(r["inspection_date"]) for r in trends}
    framework_of = frameworks(manifest, [*headline["framework"], *(r["framework"] for r in trends)])
    force_anchor = anchors(headline["force"], "f-")
    inspection_anchor = anchors(headline["inspection_id"], "i-")
    synthetic = set(manifest.get("synthetic_inspections") or [])
    forces: dict[str, Force] = {}
    shown: list[Inspection] = []
    for (inspection, force), rows in grouped(records(headline), "inspection_id", "force").items():
        holder = forces.setdefault(force, Force(force, force_anchor[force]))
        date = date_of.get(inspection)
        framework = framework_of[rows[0]["framework"]]
        shown.append(
            Inspection(
                inspection,
                force,
                framework,
                f"{date:%-d %B %Y}" if date else "",
                _cards(rows, figures, framework, receipts, revised),
                categories_of.get((inspection,), []),
                areas_of.get((inspection,), []),
                claims_of.get((inspection,), []),
                kappa_of.get(inspection),
                anchor=inspection_anchor[inspection],
                synthetic=inspection in synthetic,
            )
        )
        holder.inspections.append(shown[-1])
    for force, series in _series(trends, framework_of).items():
        if force in forces:
            forces[force].series = series
    for holder in forces.values():
        holder.inspections.sort(
            key=lambda i: (date_of.get(i.inspection_id) or dt.date.min, i.inspection_id),
            reverse=True,
        )
    used = {i.framework.key for i in shown}
    defined = [framework for key, framework in framework_of.items() if key in used]
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["show"] = show
    environment.filters["day"] = lambda value: f"{_date(value):%-d %B %Y}"
    environment.filters["records"] = records
    environment.globals.update(number=number)
    page = environment.get_template("dashboard.html.j2").render(
        manifest=manifest,
        forces=sorted(forces.values(), key=lambda f: f.name),
        overview=_overview(shown),
        checked=_checked(reconciliation),
        revisions=revisions,
        labels={
            (f.key, metric): f.label(metric) for f in framework_of.values() for metric in f.metrics
        },
        frameworks=defined,
        palettes={size: scale_colours(size) for size in sorted({len(f.levels) for f in defined})},
        totals=_quality(feeds["data_quality"], "run"),
        refusals=_quality(feeds["data_quality"], "file"),
        rules=_quality(feeds["data_quality"], "row"),
        suppressed=SUPPRESSED,
        low_reliability=LOW_RELIABILITY,
        contract_version=CONTRACT_VERSION,
        synthetic=synthetic,
        synthetic_shown=sum(i.synthetic for i in shown),
        inspection_count=len(shown),
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
