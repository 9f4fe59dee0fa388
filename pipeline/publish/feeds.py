"""Dashboard feeds: aggregates only, tidy long format, Parquet and CSV, with a manifest.

Every feed has one row per (subject, measure): the subject's identifying columns, then
`measure`, `value` and `status` (`published`, `suppressed` or `low_reliability`). In Parquet a
withheld value is NULL; in CSV it is the government statistical symbol: `c` (suppressed,
confidential) or `u` (low reliability: a percentage of fewer than small_numbers_minimum()
cases, whose counts stay published). Counts below force level (areas) go through disclosure
control (`disclosure.py`); force-level counts are published as the inspectorate published
them. Feeds are read from the published warehouse's `v_` views, never
from case-level tables.

Files are replaced one by one atomically, the manifest last: it lists each file's SHA-256,
so a reader can tell a consistent set (see docs/dashboards.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.lazy import np, pd
from pipeline.publish.disclosure import Layout, Release, band_of, bands, protect, protect_across
from pipeline.publish.release_notes import NAME as NOTES
from pipeline.publish.release_notes import release_notes
from pipeline.publish.releases import AreaRelease, aligned, cells
from pipeline.safe_csv import write_csv
from pipeline.storage.atomic import atomic_write

# 3.0: every feed names each subject's framework; rating feeds carry the levels of that
# framework's scale as measures (rows); trends name the previous inspection's framework.
# 2.0: trends carry the change's interval, not intervals_overlap
SCHEMA_VERSION = "3.0"
SUPPRESSED = "c"
LOW_RELIABILITY = "u"
SYMBOLS = {"suppressed": SUPPRESSED, "low_reliability": LOW_RELIABILITY}
SHARE = ("pct", "ci_low", "ci_high")
RATING_SHARE = ("pct_not_good", "ci_low", "ci_high")
LEVELS = "<levels>"  # in a feed's measures: the subject's framework's levels, best first
RATING_MEASURES = ("cases", LEVELS, "not_good", *RATING_SHARE)
BAND = ("pct_not_good_band_low", "pct_not_good_band_high")  # areas: the share in a band
FEED_COLUMNS = ("measure", "value", "status")


@dataclass(frozen=True)
class FeedSpec:
    """A feed: the view it reads, its identifying columns and its measures, and the measures
    withheld as low_reliability where a flag column of the view is true (`withheld`). A
    feed whose measures hold LEVELS has, in their place, one measure per level of each
    subject's framework, counted from v_level_counts' rows `grouped_by` `levels`."""

    name: str
    view: str
    keys: tuple[str, ...]
    measures: tuple[str, ...]
    description: str
    withheld: tuple[tuple[str, tuple[str, ...]], ...] = ()
    levels: str | None = None

    def measures_of(self, levels: tuple[str, ...]) -> tuple[str, ...]:
        """The measures of a subject whose framework has `levels`."""
        return tuple(
            m for measure in self.measures for m in (levels if measure == LEVELS else (measure,))
        )


FEEDS = (
    FeedSpec(
        "headline",
        "v_headline",
        ("inspection_id", "force", "framework", "metric", "metric_order"),
        ("numerator", "denominator", *SHARE),
        "Headline figures per inspection (force level, as published), each of the metrics "
        "of its framework.",
        (("small_numbers", SHARE),),
    ),
    FeedSpec(
        "ratings_by_category",
        "v_ratings_by_category",
        ("inspection_id", "force", "framework", "category"),
        RATING_MEASURES,
        "Ratings per inspection and category (force level): the cases at each level of the "
        "framework's scale, best first, then those not good and their share.",
        (("small_numbers", RATING_SHARE),),
        levels="category",
    ),
    FeedSpec(
        "ratings_by_area",
        "v_ratings_by_area",
        ("inspection_id", "force", "framework", "area"),
        (*RATING_MEASURES, *BAND),
        "Ratings per inspection and area, at each level of the framework's scale, with "
        "disclosure control; where the exact share is withheld, its 20-point band when safe.",
        (("small_numbers", (*RATING_SHARE, *BAND)),),
        levels="area",
    ),
    FeedSpec(
        "trends",
        "v_trends",
        (
            "force",
            "framework",
            "metric",
            "metric_order",
            "inspection_id",
            "inspection_date",
            "previous_inspection_id",
            "previous_inspection_date",
            "previous_framework",
            "change_verdict",
        ),
        (
            "numerator",
            "denominator",
            *SHARE,
            "previous_numerator",
            "previous_denominator",
            "previous_pct",
            "change_pct_points",
            "change_ci_low",
            "change_ci_high",
        ),
        "Each inspection against the same force's previous one: the change, its 95% "
        "interval (Newcombe) and the verdict read from it; `not comparable`, with no previous "
        "figures, where the two frameworks cannot be compared.",
        (
            ("small_numbers", SHARE),
            (
                "change_small_numbers",
                ("previous_pct", "change_pct_points", "change_ci_low", "change_ci_high"),
            ),
        ),
    ),
    FeedSpec(
        "self_assessment",
        "v_self_assessment",
        ("inspection_id", "force", "agreement"),
        (
            "cases",
            "cases_agreeing",
            "force_acceptable",
            "inspection_acceptable",
            "observed_agreement",
            "expected_agreement",
            "kappa",
            "kappa_low",
            "kappa_high",
        ),
        "Agreement of the force's self-assessment with the inspection (Cohen's kappa with "
        "its 95% interval).",
    ),
    FeedSpec(
        "reconciliation",
        "v_reconciliation",
        (
            "inspection_id",
            "metric",
            "kind",
            "status_of_figure",
            "holds",
            "comparator",
            "wording",
            "source",
            "reading",
        ),
        (
            "published_numerator",
            "published_denominator",
            "published_pct",
            "computed_numerator",
            "computed_denominator",
            "computed_pct",
        ),
        "Published figures and press claims against the computed figures.",
    ),
    FeedSpec(
        "receipts",
        "v_receipts",
        (
            "inspection_id",
            "force",
            "framework",
            "metric",
            "metric_order",
            "receipt",
            "framework_sha256",
            "rules_version",
            "product_version",
            "input_sha256",
            "numerator_digest",
            "denominator_digest",
        ),
        ("numerator", "denominator"),
        "Each headline figure's receipt: the framework file, rule set and product version it "
        "was made under, the input files behind its cases and a digest of the cases in its "
        "numerator and denominator (docs/publication.md); its definition is the framework's "
        "(the manifest's frameworks).",
    ),
    FeedSpec(
        "revisions",
        "v_revisions",
        (
            "revised_on",
            "run_id",
            "inspection_id",
            "force",
            "framework",
            "metric",
            "change",
            "reason",
        ),
        (
            "previous_numerator",
            "previous_denominator",
            "previous_pct",
            "numerator",
            "denominator",
            "pct",
        ),
        "Every revision of a headline figure since publishing began, newest first: when, "
        "why in words, the values before and after (docs/publication.md); no file names, "
        "no case keys.",
    ),
    FeedSpec(
        "data_quality",
        "v_data_quality_summary",
        ("level", "rule", "column_name"),
        ("files", "rows_read", "rows_loaded", "rows_rejected"),
        "The run's data quality: totals, refusals and quarantine reasons by rule (no file "
        "names, no counts per file).",
    ),
)
RENAMES = {"v_reconciliation": {"status": "status_of_figure"}}
FEED_KEYS = {spec.name: spec.keys for spec in FEEDS}


def _low_reliability(frame: pd.DataFrame, spec: FeedSpec, measures: tuple[str, ...]) -> np.ndarray:
    """Cells (subjects x measures) withheld because their share rests on too few cases."""
    mask = np.zeros((len(frame), len(measures)), dtype=bool)
    for flag, withheld in spec.withheld:
        flagged = frame[flag].fillna(False).to_numpy(dtype=bool)
        for measure in withheld:
            mask[:, measures.index(measure)] |= flagged
    return mask


def _long(
    frame: pd.DataFrame, spec: FeedSpec, measures: tuple[str, ...], hidden: np.ndarray | None
) -> pd.DataFrame:
    """One row per (subject, measure), subjects in their view order, measures in spec order:
    the subjects x measures block read row by row (`hidden`: True where suppressed; a cell
    both suppressed and of low reliability is suppressed)."""
    keys = list(spec.keys)
    values = frame[list(measures)].to_numpy(dtype=float, na_value=np.nan)
    if hidden is None:
        hidden = np.zeros(values.shape, dtype=bool)
    unreliable = _low_reliability(frame, spec, measures) & ~hidden
    long = frame[keys].iloc[np.repeat(np.arange(len(frame)), len(measures))]
    long = long.reset_index(drop=True)
    long["measure"] = np.tile(np.array(measures, dtype=object), len(frame))
    long["value"] = np.where(hidden | unreliable, np.nan, values).ravel()
    long["status"] = np.select(
        [hidden.ravel(), unreliable.ravel()], ["suppressed", "low_reliability"], "published"
    )
    return long.astype({"measure": str, "status": str})


def _area_mask(
    frame: pd.DataFrame,
    layout: Layout,
    measures: tuple[str, ...],
    threshold: int,
    minimum: int,
    before: pd.DataFrame | None = None,
) -> tuple[np.ndarray, Release, str]:
    """Suppressed cells of one inspection's area table (rows x `measures`), filling the band
    columns in `frame`: counts by disclosure control over the framework's scale (`layout`),
    then percentages whose numerator (not_good) or denominator (cases) is hidden; their band
    is shown where `disclosure.bands` allows. With the last release of this table (`before`:
    its cells as recorded), made safe against it too (`disclosure.protect_across`). Returns
    the mask, the table as released and what was done to keep it safe across releases."""
    hidden = np.zeros((len(frame), len(measures)), dtype=bool)
    counts = [measures.index(m) for m in layout.MEASURES]
    values = frame[list(layout.MEASURES)].to_numpy(dtype=float)
    cases, not_good = layout.CASES, layout.NOT_GOOD
    band = np.full((len(frame), 2), np.nan)
    for at, row in enumerate(values):
        if row[cases] > 0:
            band[at] = band_of(row[not_good], row[cases])
    table_hidden, primary, solver = protect(values, threshold, layout=layout)
    release = Release(values, table_hidden, primary, bands(solver, table_hidden, minimum))
    done = ""
    if before is not None and len(before):
        areas = [None if pd.isna(area) else area for area in frame["area"]]
        union, last = aligned(before, areas, layout.MEASURES)
        extra = len(union) - len(areas)  # areas only the last release had: zeros now

        def pad(cells: np.ndarray, fill: object) -> np.ndarray:
            return np.vstack([cells, np.full((extra, cells.shape[1]), fill)])

        padded = Release(
            pad(values, 0.0), pad(table_hidden, False), pad(primary, False), release.bands
        )
        safe, done = protect_across(padded, last, layout)
        release = Release(values, safe.hidden[: len(areas)], primary, safe.bands)
    hidden[:, counts] = release.hidden
    banded = np.zeros(len(frame), dtype=bool)
    banded[list(release.bands)] = True
    derived = hidden[:, measures.index("not_good")] | hidden[:, measures.index("cases")]
    for column in RATING_SHARE:
        hidden[:, measures.index(column)] = derived
    for column in BAND:
        hidden[:, measures.index(column)] = derived & ~banded
    frame[list(BAND)] = band
    return hidden, release, done


def _levels_of(conn: duckdb.DuckDBPyConnection) -> dict[str, Layout]:
    """Each framework's scale, as the published warehouse states it (v_frameworks)."""
    rows = conn.execute("SELECT framework, rating_levels, not_good_levels FROM v_frameworks")
    return {key: Layout(tuple(levels), tuple(bad)) for key, levels, bad in rows.fetchall()}


def _with_levels(conn: duckdb.DuckDBPyConnection, spec: FeedSpec) -> pd.DataFrame:
    """The feed's view, in its order, with one column per level of any framework: the cases
    of the subject at that level (v_level_counts, zeros included), missing where the level
    is not its framework's. A column of the view named like a level gives way to it."""
    grouping = spec.levels
    frame = conn.execute(
        f"""
        WITH viewed AS (SELECT *, row_number() OVER () AS viewed_at FROM {spec.view}),
        levels AS (
            PIVOT (SELECT inspection_id, {grouping} AS subject, 'level:' || rating AS rating,
                          cases
                   FROM v_level_counts WHERE grouped_by = '{grouping}')
            ON rating USING sum(cases)
        )
        SELECT v.*, l.* EXCLUDE (inspection_id, subject)
        FROM viewed AS v
        LEFT JOIN levels AS l
               ON l.inspection_id = v.inspection_id AND l.subject IS NOT DISTINCT FROM v.{grouping}
        ORDER BY v.viewed_at
        """
    ).df()
    levels = {c: c.removeprefix("level:") for c in frame.columns if c.startswith("level:")}
    frame = frame.drop(columns=[c for c in levels.values() if c in frame.columns])
    return frame.rename(columns=levels).drop(columns="viewed_at")


def feed_schema(conn: duckdb.DuckDBPyConnection, spec: FeedSpec) -> object:
    """The feed's Arrow schema, from the view's own column types (so an empty feed has the
    same types as a full one): its keys, then measure (text), value (double), status (text)."""
    import pyarrow as pa

    renames = RENAMES.get(spec.view, {})
    source = {new: old for old, new in renames.items()}
    keys = ", ".join(f'"{source.get(k, k)}" AS "{k}"' for k in spec.keys)
    table = conn.sql(f"SELECT {keys} FROM {spec.view} LIMIT 0").to_arrow_table()
    text = (pa.types.is_large_string, pa.types.is_string_view)
    fields = [
        pa.field(f.name, pa.string() if any(is_(f.type) for is_ in text) else f.type)
        for f in table.schema
    ]
    return pa.schema(
        [
            *fields,
            pa.field("measure", pa.string()),
            pa.field("value", pa.float64()),
            pa.field("status", pa.string()),
        ]
    )


def build_feeds(
    conn: duckdb.DuckDBPyConnection,
    threshold: int,
    minimum: int,
    before: pd.DataFrame | None = None,
) -> tuple[dict[str, pd.DataFrame], AreaRelease]:
    """Every feed as a tidy frame, read from the consumer views of the published warehouse
    (`minimum`: its small_numbers_minimum()); each frame's `attrs["schema"]` is its Arrow
    schema (`feed_schema`). With the last release's area cells (`before`, as
    `releases.last_release` reads them), the area tables are made safe against it too.
    Returns the feeds and this release of the area tables."""
    feeds = {}
    layouts = _levels_of(conn)
    area = AreaRelease.against(before)
    for spec in FEEDS:
        if spec.levels is None:
            frame = conn.execute(f"SELECT * FROM {spec.view}").df()
            frame = frame.rename(columns=RENAMES.get(spec.view, {}))
            feeds[spec.name] = _long(frame, spec, spec.measures, None)
        else:  # each inspection in the view's order, with its framework's levels
            frame = _with_levels(conn, spec)
            parts = []
            for _, part in frame.groupby("inspection_id", sort=False):
                layout = layouts[part["framework"].iloc[0]]
                measures = spec.measures_of(layout.levels)
                part = part.reset_index(drop=True)
                hidden = None
                if spec.name == "ratings_by_area":  # area NULL (not recorded) stays NULL
                    inspection, framework = part["inspection_id"].iloc[0], part["framework"].iloc[0]
                    last = area.last_of(inspection, framework)
                    hidden, release, done = _area_mask(
                        part, layout, measures, threshold, minimum, last
                    )
                    areas = [None if pd.isna(a) else a for a in part["area"]]
                    area.add(cells(inspection, framework, areas, layout.MEASURES, release), done)
                parts.append(_long(part, spec, measures, hidden))
            empty = pd.DataFrame(columns=[*spec.keys, *FEED_COLUMNS])
            feeds[spec.name] = pd.concat(parts, ignore_index=True) if parts else empty
        feeds[spec.name].attrs["schema"] = feed_schema(conn, spec)
    return feeds, area


def _csv_frame(feed: pd.DataFrame) -> pd.DataFrame:
    """CSV text: whole numbers without '.0', withheld values as their symbol (`c`, `u`)."""
    text = feed["value"].map(lambda v: "" if pd.isna(v) else f"{v:.10g}")
    out = feed.copy()
    out["value"] = feed["status"].map(SYMBOLS).fillna(text)
    return out


def _arrow(feed: pd.DataFrame) -> object:
    """The feed as an Arrow table of its declared schema (inferred only without one)."""
    import pyarrow as pa

    schema = feed.attrs.get("schema")
    if schema is None:
        return pa.Table.from_pandas(feed, preserve_index=False)
    return pa.Table.from_arrays(
        [
            pa.array(feed[name], type=schema.field(name).type, from_pandas=True)
            for name in schema.names
        ],
        schema=schema,
    )


def _write_parquet(table: object, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_feeds(
    feeds: dict[str, pd.DataFrame],
    folder: Path,
    run_id: str,
    threshold: int,
    small_numbers_minimum: int | None = None,
    synthetic_inspections: list[str] | None = None,
    frameworks: list[dict[str, object]] | None = None,
    across: dict[str, object] | None = None,
) -> dict[str, object]:
    """Write each feed as Parquet and CSV, atomically, then the manifest; returns it
    (`small_numbers_minimum`: the warehouse's, recorded in the manifest;
    `synthetic_inspections`: those whose records are invented, named so readers know;
    `frameworks`: what each framework rates and how, `framework_definitions`; `across`:
    what the area tables were checked against, `AreaRelease.summary`)."""
    across = across or {"compared_with_run": None, "coarsened": [], "withheld": []}
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, object]] = {}
    specs = {spec.name: spec for spec in FEEDS}
    for name, feed in feeds.items():
        parquet = folder / f"{name}.parquet"
        table = _arrow(feed)
        atomic_write(parquet, lambda temporary, t=table: _write_parquet(t, temporary))
        csv = write_csv(_csv_frame(feed), folder / f"{name}.csv")
        for path, kind in ((parquet, "parquet"), (csv, "csv")):
            files[path.name] = {
                "feed": name,
                "format": kind,
                "rows": len(feed),
                "bytes": path.stat().st_size,
                "sha256": _digest(path),
                "columns": list(feed.columns),
                "column_types": {f.name: str(f.type) for f in table.schema},
                "description": specs[name].description,
            }
    from pipeline.validate.staging import rules_version
    from schemas.contract import CONTRACT_VERSION

    manifest: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "contract_version": CONTRACT_VERSION,
        "rules_version": rules_version(),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source_run_id": run_id,
        "synthetic_inspections": list(synthetic_inspections or []),
        "frameworks": list(frameworks or []),
        "disclosure_control": {
            "feeds": ["ratings_by_area"],
            "threshold": threshold,
            "rule": f"counts from 1 to {threshold} below force level suppressed, with "
            "the secondary suppression that hides least; zeros published; percentages of "
            "suppressed counts withheld, their 20-point band published where no hidden count "
            "can then be worked out",
            "csv_symbol": SUPPRESSED,
            "parquet": "value NULL and status 'suppressed'",
            "across_releases": {
                **across,
                "rule": "no small count withheld by this release or by the last can be "
                "worked out from the two together: where it could, bands are dropped and more "
                "counts withheld (coarsened), or the inspection's area table is withheld whole",
            },
        },
        "low_reliability": {
            "small_numbers_minimum": small_numbers_minimum,
            "rule": f"a percentage (and its interval) of fewer than {small_numbers_minimum} "
            "cases is withheld; its counts are published",
            "csv_symbol": LOW_RELIABILITY,
            "parquet": "value NULL and status 'low_reliability'",
        },
        "files": files,
        "release_notes": _write_release_notes(feeds, folder, frameworks or [], across),
    }
    text = json.dumps(manifest, indent=2)
    atomic_write(folder / "manifest.json", lambda temporary: temporary.write_text(text))
    return manifest


def wide(feed: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A tidy feed back to one row per subject; a withheld value becomes its symbol (`c`,
    `u`). Feeds list each subject's measures together, starting with the same measure, so a
    subject is a block of consecutive rows (its framework's levels may make it longer or
    shorter than another's)."""
    measures = list(dict.fromkeys(feed["measure"]))
    if not measures:
        return pd.DataFrame(columns=[*keys, *measures])
    cells = (
        feed["value"]
        .astype(object)
        .where(feed["status"].eq("published"), feed["status"].map(SYMBOLS))
    )
    subject = feed["measure"].eq(measures[0]).cumsum().to_numpy() - 1
    values = pd.DataFrame({"subject": subject, "measure": feed["measure"], "cell": cells})
    table = values.pivot(index="subject", columns="measure", values="cell")
    table = table.reindex(columns=measures).reset_index(drop=True)
    table.columns.name = None
    subjects = feed[keys].groupby(subject, sort=False).head(1).reset_index(drop=True)
    return pd.concat([subjects, table], axis=1)


def _write_release_notes(
    feeds: dict[str, pd.DataFrame],
    folder: Path,
    frameworks: list[dict[str, object]],
    across: dict[str, object],
) -> dict[str, object]:
    """release-notes.md from the revisions feed; its entry in the manifest."""
    revisions = feeds.get("revisions")
    if revisions is None:
        revisions = pd.DataFrame(columns=[*FEED_KEYS["revisions"], *FEED_COLUMNS])
    labels = {
        (str(f["framework"]), str(m["metric"])): str(m["label"])
        for f in frameworks
        for m in f.get("metrics") or []
    }
    text = release_notes(wide(revisions, list(FEED_KEYS["revisions"])), labels, across)
    path = atomic_write(folder / NOTES, lambda temporary: temporary.write_text(text))
    return {"file": NOTES, "bytes": path.stat().st_size, "sha256": _digest(path)}


def feed_files(folder: Path) -> list[Path]:
    """Every file the feeds step writes into `folder`: each feed in both formats, the
    release notes and the manifest."""
    names = [f"{spec.name}.{kind}" for spec in FEEDS for kind in ("parquet", "csv")]
    return [folder / name for name in [*names, NOTES, "manifest.json"]]


def publish_feeds(
    published: Path, folder: Path, run_id: str, threshold: int, before: pd.DataFrame | None = None
) -> tuple[dict[str, object], pd.DataFrame]:
    """Build every feed from the `published` warehouse (read-only) and write them to
    `folder`, the area tables safe against the last release (`before`, its area cells as
    `releases.last_release` reads them); returns the manifest and this release's area cells,
    for `releases.record_release`. The manifest (and so the page) cites the run that
    published the warehouse, whichever run writes the feeds (`run_id` only when the
    warehouse has no run history), so page, manifest and warehouse name the same run."""
    with duckdb.connect(str(published), read_only=True) as conn:
        minimum = small_numbers_minimum(conn)
        feeds, area = build_feeds(conn, threshold, minimum, before)
        cited = publishing_run(conn) or run_id
        synthetic = synthetic_inspections(conn)
        frameworks = framework_definitions(conn)
    manifest = write_feeds(
        feeds, folder, cited, threshold, minimum, synthetic, frameworks, area.summary()
    )
    return manifest, area.cells(cited)


def framework_definitions(conn: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Each framework as the published warehouse states it (v_frameworks, v_framework_codes,
    v_metrics): its title, scale, codes with their labels, comparability and metrics in
    words, for the manifest (what the feeds' codes and metric names mean)."""
    found = []
    for key, title, comparable in conn.execute(
        "SELECT framework, title, comparable_with FROM v_frameworks ORDER BY framework"
    ).fetchall():
        codes: dict[str, list[dict[str, object]]] = {}
        for column, code, label, counts_as in conn.execute(
            "SELECT column_name, code, label, counts_as FROM v_framework_codes "
            "WHERE framework = ? ORDER BY column_name, code_order",
            [key],
        ).fetchall():
            codes.setdefault(column, []).append(
                {"code": code, "label": label, "counts_as": counts_as}
            )
        fields = ("metric", "label", "description", "numerator", "denominator", "trend", "overview")
        metrics = [
            dict(zip(fields, row, strict=True))
            for row in conn.execute(
                f"SELECT {', '.join(fields)} FROM v_metrics "
                "WHERE framework = ? ORDER BY metric_order",
                [key],
            ).fetchall()
        ]
        found.append(
            {
                "framework": key,
                "title": title,
                "comparable_with": list(comparable),
                "codes": codes,
                "metrics": metrics,
            }
        )
    return found


def synthetic_inspections(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The inspections whose records are marked synthetic (invented), by id."""
    query = "SELECT inspection_id FROM v_inspections WHERE synthetic ORDER BY inspection_id"
    return [inspection for (inspection,) in conn.execute(query).fetchall()]


def small_numbers_minimum(conn: duckdb.DuckDBPyConnection) -> int:
    """The warehouse's own minimum (sql/macros.sql), so feeds and tables apply one number."""
    return int(conn.execute("SELECT small_numbers_minimum()").fetchone()[0])


def publishing_run(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The run whose success record is the latest in the warehouse: the one that published
    it (its record is written just before the copy)."""
    present = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'pipeline_runs'"
    ).fetchone()[0]
    if not present:
        return None
    found = conn.execute(
        "SELECT run_id FROM pipeline_runs WHERE status = 'success' "
        "ORDER BY finished_at DESC LIMIT 1"
    ).fetchall()
    return found[0][0] if found else None
