"""The dashboard in a real headless Chromium, at 1400 px and 390 px, over the sample and over
a 120-inspection synthetic run: it renders, fetches nothing, overflows nothing, passes
axe-core (WCAG 2.2 AA), its filter and fragment links work, its tables download as CSV, and
it shows the figures in plain words. Over a run whose inspections and forces differ only in
case or punctuation, every value keeps its own ids, filter entry and downloads; malformed
fragments leave a working page; downloads apply the one CSV rule of `pipeline/safe_csv.py`;
synthetic inspections are marked. Inspections audited under different frameworks (the shipped
sample, and hand-made feeds of 4- and 5-level scales) each show their own scale, categories,
legend and definitions, and no chart draws frameworks that rate differently together.
Screenshots are kept in test-artifacts/. Whole runs and the browser are slow (conftest.py's
rule for whole-run fixtures, or marked here); tests of hand-made feeds are not."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import itertools
import math
import os
import re
import shutil
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from pipeline.publish.dashboard import build_page, read_manifest
from pipeline.publish.feeds import FEED_COLUMNS, FEEDS
from pipeline.safe_csv import write_csv as write_safe_csv
from pipeline.settings import PROJECT_DIR
from pipeline.synth import write as write_synthetic
from tests.conftest import SAMPLE_DIR, SHIPPED_DIR
from tests.helpers import case, publish_folder, write_csv
from tests.test_safe_csv import HOSTILE, csv_rows

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = PROJECT_DIR / "test-artifacts"
# flags for a closed network: no background connections, no first-run or update traffic
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (1400, 390)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it; CI never skips this)",
)


def _run(root: Path, incoming: Path) -> Path:
    publish_folder(root, incoming)
    return root / "feeds" / "dashboard.html"


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, a second force with a hostile area name, and a 2-case inspection."""
    root = tmp_path_factory.mktemp("dashboard")
    incoming = root / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    write_csv(
        incoming / "nwc.csv",
        [
            case(case_ref="NW-1"),
            case(case_ref="NW-2", rating="bad"),
            case(case_ref="NW-3", area="<script>alert(1)</script>", rating="inadequate"),
        ],
    )
    return _run(root, incoming)


@pytest.fixture(scope="module")
def many_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A national programme: 20,000 synthetic cases, 40 forces, 120 inspections."""
    root = tmp_path_factory.mktemp("dashboard_many")
    incoming = root / "incoming"
    incoming.mkdir()
    write_synthetic(20_000, incoming / "synthetic.csv", seed=14)
    return _run(root, incoming)


# inspection -> (force, valid cases): slugs that collide (abc-2025 three times, testshire-police
# three times), and an inspection whose id was another's heading id (i-xyz-2025-title)
COLLIDING = {
    "abc.2025": ("Testshire Police", 35),
    "abc-2025": ("TESTSHIRE POLICE", 20),
    "ABC_2025": ("Testshire-Police", 12),
    "XYZ-2025": ("Northwold Constabulary", 14),
    "XYZ-2025-title": ("Northwold Constabulary", 11),
}
# area names a spreadsheet would run, as a run stores them (ingest trims cells)
FORMULA_AREAS = (
    "-2+3+cmd|' /C calc'!A0",
    "-1+1 Police",
    "=1+1",
    "@SUM(A1)",
    "+44 20",
    "\uff1d1+1",
    "-3.5",
    "Northwold, East",
)


@pytest.fixture(scope="module")
def colliding_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inspections of COLLIDING, their areas named by FORMULA_AREAS."""
    root = tmp_path_factory.mktemp("dashboard_colliding")
    incoming = root / "incoming"
    for n, (inspection, (force, cases)) in enumerate(COLLIDING.items()):
        rows = [
            case(
                inspection_id=inspection,
                force=force,
                case_ref=f"TS-{i:03d}",
                area=FORMULA_AREAS[i % len(FORMULA_AREAS)],
                rating="inadequate" if i % 3 == 0 else "good",
            )
            for i in range(cases)
        ]
        write_csv(incoming / f"{n}.csv", rows)
    return _run(root, incoming)


@pytest.fixture(scope="module")
def shipped_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sample: one force, MPS-NCPI-2016 under ncpi@2016 and MPS-MACE-2024 under
    mace@2024 (frameworks that do not declare each other comparable)."""
    root = tmp_path_factory.mktemp("dashboard_shipped")
    shutil.copytree(SHIPPED_DIR, root / "incoming")
    return _run(root, root / "incoming")


def _feeds(folder: Path) -> dict[str, pd.DataFrame]:
    return {spec.name: pd.read_parquet(folder / f"{spec.name}.parquet") for spec in FEEDS}


# ---------------------------------------------------------------- the page as written


def test_page_is_self_contained_and_runs_only_its_own_script(page_path: Path) -> None:
    html = page_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # provider text escaped
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and html.count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1])
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1]


def test_a_tiny_inspection_shows_counts_not_a_percentage(page_path: Path) -> None:
    """NWC's inspection has 2 valid cases: its cards say "1 of 2", never "50.0%"."""
    html = page_path.read_text(encoding="utf-8")
    article = html[html.index('<article id="i-nwc-cp-2025"') :]
    article = article[: article.index("</article>")]
    assert "1 of 2" in article and "too few cases for a percentage (u)" in article
    shown = re.sub(r"<[^>]+>", " ", article)  # the text, not the markup
    assert "50.0%" not in shown and "100.0%" not in shown
    assert article.count("no cases of this kind") == 6  # missing, custody, cse, self-rated


def test_footer_cites_run_rules_and_feed_checksums(page_path: Path) -> None:
    import json

    manifest = json.loads((page_path.parent / "manifest.json").read_text())
    footer = page_path.read_text(encoding="utf-8").split("<footer>")[1]
    assert manifest["source_run_id"] in footer and manifest["rules_version"] in footer
    assert all(info["sha256"] in footer for info in manifest["files"].values())


def _channels(colour: str) -> list[float]:
    """A #rrggbb colour's channels as linear light (sRGB decoded), 0 to 1."""
    values = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in values]


def _contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio, computed here from its definition."""

    def luminance(colour: str) -> float:
        r, g, b = _channels(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_rating_colours_differ_in_lightness_and_carry_readable_labels() -> None:
    """Told apart without hue (red-blind readers saw good and inadequate at 1.18:1), and
    each segment's label meets WCAG AA (4.5:1) on its colour: a 3-level scale keeps the
    page's three colours (dark blue, light amber, dark wine)."""
    from pipeline.publish.charts import scale_colours

    colours = scale_colours(3)
    assert colours == (("#2166ac", "#ffffff"), ("#f4b183", "#0b0c0c"), ("#67001f", "#ffffff"))
    fills = [fill for fill, _ in colours]
    assert min(_contrast(a, b) for i, a in enumerate(fills) for b in fills[i + 1 :]) >= 2.0
    assert all(_contrast(fill, ink) >= 4.5 for fill, ink in colours)


# Machado, Oliveira and Fernandes (2009), full severity, on linear RGB
DICHROMACY = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _lab(linear: list[float]) -> tuple[float, float, float]:
    """CIELAB (D65) of a linear-light colour."""
    rows = ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))
    white = (0.95047, 1.0, 1.08883)
    x, y, z = (
        sum(w * c for w, c in zip(row, linear, strict=True)) / n
        for row, n in zip(rows, white, strict=True)
    )
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


@pytest.mark.parametrize("levels", range(2, 8))
def test_every_scale_size_gets_readable_colour_blind_safe_colours(levels: int) -> None:
    """A framework's scale of 2 to 7 levels: a colour per level, best (dark blue) to worst
    (dark wine); its count in a text colour that meets WCAG AA (4.5:1) on it; and every two
    levels still clearly apart (CIELAB distance of 10 or more) as readers with each kind of
    dichromacy see them."""
    from pipeline.publish.charts import scale_colours

    colours = scale_colours(levels)
    assert len(colours) == levels
    assert (colours[0][0], colours[-1][0]) == ("#2166ac", "#67001f")
    for fill, ink in colours:
        assert _contrast(fill, ink) >= 4.5, (fill, ink)
    for kind, matrix in DICHROMACY.items():
        seen = [
            _lab(
                [
                    min(
                        1.0, max(0.0, sum(m * c for m, c in zip(row, _channels(fill), strict=True)))
                    )
                    for row in matrix
                ]
            )
            for fill, _ in colours
        ]
        closest = min(math.dist(a, b) for a, b in itertools.combinations(seen, 2))
        assert closest >= 10, (kind, closest)


def test_many_inspections_fit_the_budget(many_path: Path) -> None:
    html = many_path.read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) < 1_550_000  # 1.5 MB and every card's receipt id
    assert html.count("<article") == 120
    assert html.count('<section id="f-') == 40
    assert html.count('class="trend"') == 120  # three measures per force, each drawn


def test_page_with_no_valid_case(tmp_path: Path) -> None:
    """An empty input folder still publishes a page that says so."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    html = _run(tmp_path, incoming).read_text(encoding="utf-8")
    assert "No valid case has been loaded." in html
    assert "No published figure matches an inspection loaded." in html
    assert "MPS-NCPI-2016 cases_not_good" in html  # the published figures not placed


# ---------------------------------------------------------------- in the browser


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


SEEN: dict[object, dict[str, list[str]]] = {}  # page -> its console errors and requests


def _open(browser, path: Path, width: int, fragment: str = ""):
    """A page at `width`, its console errors and every request it makes recorded."""
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    seen = SEEN[page] = {"errors": [], "requests": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(path.as_uri() + fragment, wait_until="load")
    return page


def _check_page(page, path: Path, name: str, axe: bool = True) -> None:
    """No console error, no request but the page, no horizontal overflow, axe-core clean
    (`axe`: checked; the 120-inspection page repeats the sample's parts, and axe takes
    about 100 s over it, so it is checked at one width)."""
    seen = SEEN.pop(page)
    assert seen["errors"] == [], seen["errors"]
    assert seen["requests"] == [path.as_uri()], seen["requests"]
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "overflows"
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=False)
    if not axe:
        return
    page.evaluate(_axe_source())  # evaluated over the devtools protocol: not a request
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
    ]
    assert violations == [], violations


@pytest.fixture(scope="module")
def browser(page_path: Path, many_path: Path, colliding_path: Path, shipped_path: Path):
    """Chromium, started after every run the module's pages need: Dagster never runs while
    Playwright's event loop is open (it would warn of a coroutine never awaited)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is required in CI"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_sample_dashboard_in_chromium(browser, page_path: Path, width: int) -> None:
    page = _open(browser, page_path, width)
    try:
        _check_page(page, page_path, "dashboard-sample")
        text = page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / f"dashboard-sample-{width}-full.png"), full_page=True)
    finally:
        page.close()
    for expected in (
        "Overview: every inspection compared",
        "Metropolitan Police Service",
        "MPS-NCPI-2016",
        "Cases not rated good",
        "74.3%",
        "278 of 374; 95% interval 69.7–78.5%",
        "Published: 278 of 374 (matches)",
        "Missing-children cases rated good",
        "2 of 38",
        "Children in custody charged, refused bail and kept in cells until court",
        "39 of 40",
        "does not hold",
        "Cohen's kappa",
        "Ratings by category",
        "Missing and absent children",
        "Ratings by area",
        "60–80%",
        "One inspection so far",
        "Data quality",
        "rating_unknown",
        "Northwold Constabulary",
        "Definitions and symbols",
        "Low reliability",
    ):
        assert expected in text, expected
    assert "child_abuse_investigation" not in text.split("Definitions and symbols")[0]
    assert "Cse not good" not in text and "cases_not_good" not in text.split("Definitions")[0]


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_many_inspections_in_chromium(browser, many_path: Path, width: int) -> None:
    """At 120 inspections the overview is on the first screen, and the page is clean."""
    page = _open(browser, many_path, width)
    try:
        _check_page(page, many_path, "dashboard-many", axe=width == max(WIDTHS))
        funnel = page.locator("#overview svg").bounding_box()
        assert funnel["y"] < 900 and funnel["height"] > 100  # starts on the first screen
        assert page.locator("#overview rect").count() >= 1  # flagged inspections are squares
    finally:
        page.close()


@needs_chromium
def test_filter_and_fragment_links(browser, many_path: Path) -> None:
    """Choosing a force shows only it and puts it in the address; that address opened in a
    new page shows the same; a link to an inspection shows its force."""
    page = _open(browser, many_path, 1400)
    try:
        sections = page.locator("section[data-force]")
        assert sections.count() == 40
        page.select_option("#force-filter", "f-eastbrook-constabulary")
        page.wait_for_function("location.hash === '#force=f-eastbrook-constabulary'")
        assert page.locator("section[data-force]:visible").count() == 1
        assert page.locator("#f-eastbrook-constabulary").is_visible()
        address = page.url
        assert page.inner_text("#filter-status") == "Showing one force: Eastbrook Constabulary."
        trend = page.locator("#f-eastbrook-constabulary .trend svg")
        assert trend.count() == 3
        page.screenshot(path=str(ARTIFACTS / "dashboard-one-force-1400.png"))
    finally:
        page.close()
    again = browser.new_page(viewport={"width": 390, "height": 900})
    try:
        again.goto(address, wait_until="load")
        assert again.locator("section[data-force]:visible").count() == 1
        assert again.input_value("#force-filter") == "f-eastbrook-constabulary"
        again.goto(many_path.as_uri() + "#i-nobr-ncpi-2019", wait_until="load")
        again.wait_for_function("document.getElementById('force-filter').value !== ''")
        assert again.input_value("#force-filter") == "f-northbrook-constabulary"
        assert again.locator("#i-nobr-ncpi-2019").is_visible()
        again.select_option("#force-filter", "")
        again.wait_for_function("location.hash === '#contents'")
        assert again.locator("section[data-force]:visible").count() == 40
    finally:
        again.close()


@needs_chromium
def test_tables_download_as_csv(browser, page_path: Path, tmp_path: Path) -> None:
    """A table's button gives its rows as CSV; the headline cards' button gives the figures."""
    page = _open(browser, page_path, 1400)
    try:
        button = page.locator("button[data-csv='t-i-mps-ncpi-2016-category']")
        with page.expect_download() as download:
            button.click()
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
        assert download.value.suggested_filename == "i-mps-ncpi-2016-by-category.csv"
        assert rows[0][:3] == ["Category", "Ratings", "Cases"]
        custody = next(r for r in rows if r[0] == "Children in police custody")
        assert custody[2:6] == ["40", "6", "25", "9"]
        with page.expect_download() as download:
            page.locator("button[data-csv='c-i-mps-ncpi-2016']").click()
        cards = list(
            csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig")))
        )
        not_good = next(r for r in cards if r["metric"] == "cases_not_good")
        assert (not_good["numerator"], not_good["denominator"], not_good["pct"]) == (
            "278",
            "374",
            "74.3",
        )
    finally:
        page.close()


@needs_chromium
def test_prints_cleanly(browser, page_path: Path) -> None:
    """In print the filter and buttons are gone, nothing is wider than an A4 page, and
    Chromium makes a PDF of it."""
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        assert not page.locator("#filter").is_visible()
        assert page.locator("button.csv:visible").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 794
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    finally:
        page.close()


# ---------------------------------------------------------------- colliding names, CSV, synthetic


def test_every_id_and_download_name_on_the_page_is_unique(colliding_path: Path) -> None:
    html = colliding_path.read_text(encoding="utf-8")
    for attribute in ("id", "data-name"):
        values = re.findall(rf'\s{attribute}="([^"]*)"', html)
        assert len(values) > 3 * len(COLLIDING)
        assert sorted({v for v in values if values.count(v) > 1}) == [], attribute


def test_synthetic_inspections_are_marked(colliding_path: Path) -> None:
    """The manifest's synthetic_inspections: a banner at the top and a label on each one."""
    feeds, manifest = _feeds(colliding_path.parent), read_manifest(colliding_path.parent)

    def marked(html: str) -> list[str]:
        articles = re.findall(r"<article .*?</article>", html, re.S)
        assert len(articles) == len(COLLIDING)
        synthetic = [a for a in articles if "invented records, not real cases" in a]
        return [re.search(r"<h3[^>]*>([^<]+)", a)[1].strip() for a in synthetic]

    absent = {key: value for key, value in manifest.items() if key != "synthetic_inspections"}
    for unmarked in (absent, absent | {"synthetic_inspections": []}):
        html = build_page(feeds, unmarked)
        assert "Synthetic data" not in html and marked(html) == []
    one = build_page(feeds, manifest | {"synthetic_inspections": ["abc-2025"]})
    banner = one.split("<header>")[1].split("</header>")[0]
    assert "Synthetic data:" in banner and "invented records, not real cases" in banner
    assert f"1 of the {len(COLLIDING)} inspections on this page" in banner
    assert marked(one) == ["abc-2025"]
    every = build_page(feeds, manifest | {"synthetic_inspections": list(COLLIDING)})
    banner = every.split("<header>")[1].split("</header>")[0]
    assert "every figure on this page comes from invented records, not real cases" in banner
    assert sorted(marked(every)) == sorted(COLLIDING)


def _download(page, button) -> tuple[str, list[list[str]]]:
    """Click a Download CSV button: the file's suggested name and its cells."""
    with page.expect_download() as download:
        button.click()
    return download.value.suggested_filename, csv_rows(Path(download.value.path()))


def _article(page, inspection: str):
    """The article of one inspection, found by its heading (`XYZ-2025` is not `XYZ-2025-title`)."""
    name = re.compile(rf"^{re.escape(inspection)}( \(|$)")
    return page.locator("article").filter(has=page.get_by_role("heading", name=name))


def _choose(page, force: str) -> None:
    """Choose `force` in the filter and wait until the page says it shows that force."""
    page.select_option("#force-filter", label=force)
    page.wait_for_function(
        "name => document.getElementById('filter-status').textContent === "
        "'Showing one force: ' + name + '.'",
        arg=force,
    )


@needs_chromium
def test_colliding_names_keep_their_own_filter_entries_and_downloads(
    browser, colliding_path: Path
) -> None:
    """Three Testshire spellings are three forces in the filter, each showing only itself;
    each inspection's button downloads its own figures (abc.2025 has 35 cases, abc-2025 20);
    every id is unique and every reference on the page finds its own target."""
    page = _open(browser, colliding_path, 1400)
    try:
        _check_page(page, colliding_path, "dashboard-colliding")
        ids = page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)")
        assert sorted({i for i in ids if ids.count(i) > 1}) == []
        assert page.evaluate("""Array.from(document.querySelectorAll('[aria-labelledby]'))
            .every(e => e.contains(document.getElementById(e.getAttribute('aria-labelledby'))))""")
        assert page.evaluate("""Array.from(document.querySelectorAll('article button[data-csv]'))
            .every(b => b.closest('article').contains(
                document.getElementById(b.getAttribute('data-csv'))))""")
        links = page.evaluate("""Array.from(document.querySelectorAll('#t-overview a'), a =>
            [a.textContent, document.querySelector(a.getAttribute('href') + ' h3').textContent])""")
        assert sorted(name for name, _ in links) == sorted(COLLIDING)
        assert all(heading.split(" (")[0] == name for name, heading in links)
        forces = {force for force, _ in COLLIDING.values()}
        options = page.locator("#force-filter option")
        assert sorted(options.all_inner_texts()) == sorted({"All forces", *forces})
        values = options.evaluate_all("options => options.map(o => o.value)")
        assert len(set(values)) == len(values)
        names = []
        for force in sorted(forces):
            _choose(page, force)
            shown = page.locator("section[data-force]:visible")
            assert shown.count() == 1 and shown.locator("h2").inner_text() == force
            articles = shown.locator("article")
            held = [i for i, (f, _) in COLLIDING.items() if f == force]
            assert articles.count() == len(held)
            for article in articles.all():
                inspection = article.locator("h3").inner_text().split(" (")[0]
                assert inspection in held
                name, rows = _download(page, article.locator("button[data-csv^='c-']"))
                audited = next(r for r in rows if r[0] == "cases_audited")
                assert audited[1] == str(COLLIDING[inspection][1]), inspection
                names.append(name)
        assert len(set(names)) == len(COLLIDING)
    finally:
        page.close()


@needs_chromium
@pytest.mark.parametrize("fragment", ["#%", "#force=%ZZ", "#%E2%82", "#force=%E2%82"])
def test_a_malformed_fragment_leaves_a_working_page(
    browser, colliding_path: Path, fragment: str
) -> None:
    """A fragment that does not decode shows every force, with the filter and buttons, and
    the filter still works."""
    page = _open(browser, colliding_path, 1400, fragment)
    try:
        assert page.locator("#filter").is_visible()
        assert page.inner_text("#filter-status") == "Showing every force."
        assert page.locator("section[data-force]:visible").count() == 4
        buttons = page.locator("article button.csv")
        assert buttons.count() > 0
        assert page.locator("article button.csv:visible").count() == buttons.count()
        _choose(page, "TESTSHIRE POLICE")
        assert page.locator("section[data-force]:visible").count() == 1
        assert SEEN.pop(page)["errors"] == []
    finally:
        SEEN.pop(page, None)
        page.close()


@needs_chromium
def test_the_area_download_is_the_feed_csv(browser, colliding_path: Path) -> None:
    """Area names a spreadsheet would run, downloaded from the page, are the cells the feed's
    CSV holds: one rule for both."""
    rows = csv_rows(colliding_path.parent / "ratings_by_area.csv")
    header = rows[0]
    where = header.index("inspection_id")
    fed = {r[header.index("area")] for r in rows[1:] if r[where] == "abc.2025"}
    assert {"'-2+3+cmd|' /C calc'!A0", "'-1+1 Police", "'=1+1", "-3.5"} <= fed
    page = _open(browser, colliding_path, 1400)
    try:
        article = _article(page, "abc.2025")
        _, cells = _download(page, article.locator("button[data-csv$='-area']"))
        assert cells[0][0] == "Area"
        assert {row[0] for row in cells[1:]} == fed
    finally:
        SEEN.pop(page, None)
        page.close()


@needs_chromium
def test_page_downloads_apply_the_one_csv_rule(browser, colliding_path: Path, tmp_path) -> None:
    """Every hostile value (tests/test_safe_csv.py) as an area name, as the page holds it:
    its download gives the cells Python's writer gives for the same values."""
    feeds, manifest = _feeds(colliding_path.parent), read_manifest(colliding_path.parent)
    area = feeds["ratings_by_area"]
    first = area[["inspection_id", "area"]].iloc[0]
    block = area[area["inspection_id"].eq(first["inspection_id"]) & area["area"].eq(first["area"])]
    hostile = [block.assign(area=value) for value in HOSTILE]
    feeds["ratings_by_area"] = pd.concat(hostile, ignore_index=True)
    path = tmp_path / "hostile.html"
    path.write_text(build_page(feeds, manifest), encoding="utf-8")
    # HTML reads a carriage return as a line feed: the page holds the value so
    in_page = [v.replace("\r\n", "\n").replace("\r", "\n") for v in HOSTILE]
    python = csv_rows(write_safe_csv(pd.DataFrame({"Area": in_page}), tmp_path / "python.csv"))
    page = _open(browser, path, 1400)
    try:
        article = _article(page, first["inspection_id"])
        _, cells = _download(page, article.locator("button[data-csv$='-area']"))
        assert [row[0] for row in cells] == [row[0] for row in python]
        assert {"'-2+3+cmd|' /C calc'!A0", "'-1+1 Police", "' =1+1", "-3.5"} <= set(
            row[0] for row in cells
        )
        assert SEEN.pop(page)["errors"] == []
    finally:
        SEEN.pop(page, None)
        page.close()


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_synthetic_banner_in_chromium(browser, colliding_path: Path, tmp_path, width) -> None:
    """The banner and labels read well: axe-core clean, nothing overflows."""
    folder = colliding_path.parent
    manifest = read_manifest(folder) | {"synthetic_inspections": ["abc-2025", "XYZ-2025"]}
    path = tmp_path / "synthetic.html"
    path.write_text(build_page(_feeds(folder), manifest), encoding="utf-8")
    page = _open(browser, path, width)
    try:
        _check_page(page, path, "dashboard-synthetic")
        assert page.locator("header .synthetic").is_visible()
        assert "2 of the 5 inspections" in page.inner_text("header")
        assert page.locator("article .tag").count() == 2
    finally:
        page.close()


# ---------------------------------------------------------------- frameworks side by side


def _headers(html: str, table: str) -> list[str]:
    """The column headings of the table with id `table`, as text."""
    head = re.search(rf'<table[^>]* id="{table}"[^>]*>.*?<thead>(.*?)</thead>', html, re.S)[1]
    return [
        unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head)
    ]


def _element(html: str, tag: str, anchor: str) -> str:
    """The element `<tag id="anchor">` (not nested in its own kind), as markup."""
    return re.search(rf'<{tag} id="{anchor}".*?</{tag}>', html, re.S)[0]


def _framework_part(html: str, anchor: str) -> str:
    """A framework's definitions, from its id to the next framework's or the symbols."""
    start = html.index(f'<div class="framework" id="{anchor}"')
    ends = [
        i
        for i in (html.find('<div class="framework"', start + 1), html.find("<h3>Intervals", start))
        if i > 0
    ]
    return html[start : min(ends)]


def _legend(article: str) -> tuple[str, list[str]]:
    """An inspection's scale legend: its scale size class and its labels in order."""
    size, items = re.search(r'<p class="key note (n\d+)">(.*?)</p>', article).groups()
    return size, re.findall(r"</span>([^<]+)", items)


def _trend_charts(html: str) -> list[str]:
    """The page's trend charts (SVG), each as markup."""
    return re.findall(r'<div class="trend">.*?</div>', html, re.S)


@pytest.mark.slow
def test_each_inspection_shows_its_own_framework(shipped_path: Path) -> None:
    """MPS-MACE-2024's tables have mace@2024's levels (Adequate, no Requires improvement)
    and categories, MPS-NCPI-2016's have ncpi@2016's; each has its own legend, says which
    framework it was audited under and links to that framework's definitions, which define
    every one of its cards; each framework is defined once, with its scale, and no id is
    used twice (the two share the metric names cases_audited, cases_not_good and
    cases_inadequate)."""
    html = shipped_path.read_text(encoding="utf-8")
    mace, ncpi = (
        _element(html, "article", "i-mps-mace-2024"),
        _element(html, "article", "i-mps-ncpi-2016"),
    )
    mace_levels, ncpi_levels = (
        ["Good", "Adequate", "Inadequate"],
        ["Good", "Requires improvement", "Inadequate"],
    )
    assert _headers(mace, "t-i-mps-mace-2024-category") == [
        "Category",
        "Ratings",
        "Cases",
        *mace_levels,
        "% not good (95% interval)",
    ]
    assert _headers(mace, "t-i-mps-mace-2024-area") == [
        "Area",
        "Cases",
        *mace_levels,
        "Not good",
        "% not good",
    ]
    assert _headers(ncpi, "t-i-mps-ncpi-2016-category")[3:6] == ncpi_levels
    assert _headers(ncpi, "t-i-mps-ncpi-2016-area")[2:5] == ncpi_levels
    assert (
        "<th>Criminal or sexual exploitation</th>" in mace and "<th>exploitation</th>" not in mace
    )
    assert "<th>Missing and absent children</th>" in ncpi
    assert _legend(mace) == ("n3", mace_levels) and _legend(ncpi) == ("n3", ncpi_levels)

    ids = re.findall(r'\sid="([^"]*)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    scales = dict(re.findall(r'<ul class="scale n\d+" data-framework="([^"]+)">(.*?)</ul>', html))
    assert sorted(scales) == ["mace@2024", "ncpi@2016"]  # one legend and definition each
    assert [
        level.strip() for level in re.findall(r"</i>([^<]+)", scales["mace@2024"])
    ] == mace_levels
    assert scales["mace@2024"].count("(not good)") == 2
    for article, anchor in ((mace, "mace-2024"), (ncpi, "ncpi-2016")):
        assert f'Audited under <a href="#fw-{anchor}">' in article
        definitions = _framework_part(html, f"fw-{anchor}")
        metrics = re.findall(r'data-row="([a-z0-9_]+),', article)
        assert len(metrics) >= 8
        assert all(f'<dt id="def-{anchor}-{metric}">' in definitions for metric in metrics)
        assert f'(<a href="#kappa-{anchor}">how</a>)' in article
    mace_words, ncpi_words = (
        _framework_part(html, "fw-mace-2024"),
        _framework_part(html, "fw-ncpi-2016"),
    )
    assert (
        "Multi-agency case evaluation" in mace_words
        and "strategy_discussion_days &gt; 1" in mace_words
    )
    assert "(the force: strong or reasonable; the inspectors: good)" in mace_words
    assert "(the force: good or adequate; the inspectors: good)" in ncpi_words
    assert "Cases rated adequate or inadequate, of every valid case." in mace_words


@pytest.mark.slow
def test_frameworks_that_rate_differently_share_no_chart(shipped_path: Path) -> None:
    """MPS's second inspection is under a framework its first cannot be compared with: the
    trends say so and draw neither against the other, and the overview pools no share
    across the two (each is the only inspection of its framework: listed, not plotted)."""
    html = shipped_path.read_text(encoding="utf-8")
    force = html[html.index('<section id="f-metropolitan-police-service"') :]
    force = force[: force.index("<article")]
    assert (
        "Not comparable with MPS-NCPI-2016 (ncpi@2016): the frameworks rate differently." in force
    )
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert not ("MPS-NCPI-2016" in svg and "MPS-MACE-2024" in svg)
    overview = _element(html, "section", "overview")
    assert "<svg" not in overview
    assert re.search(
        r"Not plotted.*MPS-MACE-2024</a> \(mace@2024\).*MPS-NCPI-2016</a> \(ncpi@2016\)", overview
    )
    listed = re.findall(
        r'<tr><td><a href="#(i-[^"]+)">.*?</td><td>[^<]*</td><td>([^<]*)</td>', overview
    )
    assert listed == [("i-mps-mace-2024", "mace@2024"), ("i-mps-ncpi-2016", "ncpi@2016")]


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_frameworks_side_by_side_in_chromium(browser, shipped_path: Path, width: int) -> None:
    """The page of two frameworks reads well (axe-core clean, nothing overflows) and the
    mace@2024 table downloads with its own levels."""
    page = _open(browser, shipped_path, width)
    try:
        _check_page(page, shipped_path, "dashboard-frameworks")
        name, rows = _download(page, page.locator("button[data-csv='t-i-mps-mace-2024-category']"))
        assert name == "i-mps-mace-2024-by-category.csv"
        assert rows[0][2:6] == ["Cases", "Good", "Adequate", "Inadequate"]
        neglect = next(r for r in rows if r[0] == "Neglect")
        assert neglect[2:6] == ["30", "6", "16", "8"]
    finally:
        SEEN.pop(page, None)
        page.close()


# feeds made by hand, as feeds.py lays them out: no run needed

SPECS = {spec.name: spec for spec in FEEDS}


def _scheme(key: str, levels: str, not_good: str, category: str, comparable: tuple = ()) -> dict:
    """A framework as the manifest describes it: levels best first, two metrics."""

    def codes(words: str, marked: str, mark: str) -> list[dict]:
        return [
            {"code": c, "label": c.capitalize(), "counts_as": mark if c in marked.split() else None}
            for c in words.split()
        ]

    return {
        "framework": key,
        "title": f"The {key} test framework",
        "comparable_with": list(comparable),
        "codes": {
            "category": codes(category, "", ""),
            "force_rating": codes("met unmet", "met", "favourable"),
            "rating": codes(levels, not_good, "not good"),
        },
        "metrics": [
            {
                "metric": "cases_audited",
                "label": "Cases audited",
                "description": "Every valid case.",
                "numerator": "true",
                "denominator": "true",
            },
            {
                "metric": "cases_not_good",
                "label": f"Cases not rated good ({key})",
                "description": f"Cases rated {' or '.join(not_good.split())}.",
                "numerator": "not_good",
                "denominator": "true",
                "trend": True,
                "overview": True,
            },
        ],
    }


def _feed(name: str, subjects: list[tuple[dict, tuple, list]]) -> pd.DataFrame:
    """A feed: per subject (its keys, its framework's levels, its values in measure order)."""
    spec = SPECS[name]
    rows = []
    for keys, levels, values in subjects:
        measures = spec.measures_of(tuple(levels))
        assert len(measures) == len(values), (name, measures)
        rows += [
            {**keys, "measure": m, "value": None if v is None else float(v), "status": "published"}
            for m, v in zip(measures, values, strict=True)
        ]
    return pd.DataFrame(rows, columns=[*spec.keys, *FEED_COLUMNS]).astype({"value": "float64"})


def _programme(schemes: list[dict], inspections: list[tuple], verdicts: dict[str, str]):
    """Feeds and manifest of `inspections` (id, force, framework, date, cases at each level):
    one category and one area each holding all its cases, its two headline figures, and its
    trend rows against the force's previous inspection with the verdict `verdicts` gives."""
    scheme = {s["framework"]: s for s in schemes}
    headline, categories, areas, trends = [], [], [], []
    previous: dict[str, tuple] = {}
    for inspection, force, key, day, counts in sorted(inspections, key=lambda i: i[3]):
        levels = [c["code"] for c in scheme[key]["codes"]["rating"]]
        marked = [c["counts_as"] == "not good" for c in scheme[key]["codes"]["rating"]]
        cases, bad = sum(counts), sum(n for n, m in zip(counts, marked, strict=True) if m)
        pct = round(100 * bad / cases, 1)
        share = (bad, cases, pct, pct - 9, pct + 9)
        figures = {"cases_audited": (cases, cases, 100.0, 90.0, 100.0), "cases_not_good": share}
        category = scheme[key]["codes"]["category"][0]["code"]
        rating = (cases, *counts, bad, pct, pct - 9, pct + 9)
        ids = {"inspection_id": inspection, "force": force, "framework": key}
        categories.append((ids | {"category": category}, levels, rating))
        areas.append((ids | {"area": "North"}, levels, (*rating, None, None)))
        before = previous.get(force)
        verdict = verdicts.get(inspection)
        for order, (metric, values) in enumerate(figures.items(), 1):
            headline.append((ids | {"metric": metric, "metric_order": order}, (), values))
            compared = before and verdict != "not comparable"
            change = (values[2] - before[2][metric][2]) if compared else None
            trends.append(
                (
                    {
                        "force": force,
                        "framework": key,
                        "metric": metric,
                        "metric_order": order,
                        "inspection_id": inspection,
                        "inspection_date": dt.date.fromisoformat(day),
                        "previous_inspection_id": before[0] if before else None,
                        "previous_inspection_date": dt.date.fromisoformat(before[1])
                        if before
                        else None,
                        "previous_framework": before[3] if before else None,
                        "change_verdict": verdict,
                    },
                    (),
                    (
                        *values,
                        *(before[2][metric][:3] if compared else (None,) * 3),
                        change,
                        None if change is None else change - 12,
                        None if change is None else change + 12,
                    ),
                )
            )
        previous[force] = (inspection, day, figures, key)
    feeds = {
        "headline": _feed("headline", headline),
        "ratings_by_category": _feed("ratings_by_category", categories),
        "ratings_by_area": _feed("ratings_by_area", areas),
        "trends": _feed("trends", trends),
        **{
            name: _feed(name, [])
            for name in (
                "self_assessment",
                "reconciliation",
                "data_quality",
                "receipts",
                "revisions",
            )
        },
    }
    manifest = {
        "schema_version": "3.0",
        "generated_at": "2026-01-01T00:00:00+00:00",
        "source_run_id": "hand-made",
        "rules_version": "test",
        "synthetic_inspections": [],
        "disclosure_control": {"threshold": 5},
        "low_reliability": {"small_numbers_minimum": 10},
        "files": {},
        "frameworks": schemes,
    }
    return feeds, manifest


FIVE = _scheme("five@2024", "excellent good fair poor failing", "fair poor failing", "neglect")
FOUR = _scheme("four@2023", "strong sound weak failing", "weak failing", "custody")


def test_four_and_five_level_scales_render_with_their_own_columns_colours_and_words() -> None:
    """Hand-made feeds of a 5-level and a 4-level framework: each inspection's tables have a
    column per level of its own scale, its stacked bar a segment per level coloured by
    position on that scale, its legend that scale; each framework's definitions have their
    own ids; Testshire's two inspections are never drawn together; the overview plots
    five@2024's two inspections on their own funnel and lists four@2023's. Built twice, the
    page is the same bytes."""
    from pipeline.publish.charts import scale_colours

    feeds, manifest = _programme(
        [FIVE, FOUR],
        [
            ("FIVE-A", "Testshire Police", "five@2024", "2023-03-01", [5, 10, 12, 8, 5]),
            ("FOUR-A", "Testshire Police", "four@2023", "2024-03-01", [6, 9, 9, 6]),
            ("FIVE-B", "Northwold Constabulary", "five@2024", "2023-05-01", [9, 11, 10, 12, 8]),
        ],
        {"FOUR-A": "not comparable"},
    )
    html = build_page(feeds, manifest)
    assert build_page(feeds, manifest) == html
    five, four = (
        ["Excellent", "Good", "Fair", "Poor", "Failing"],
        ["Strong", "Sound", "Weak", "Failing"],
    )
    assert _headers(html, "t-i-five-a-category") == [
        "Category",
        "Ratings",
        "Cases",
        *five,
        "% not good (95% interval)",
    ]
    assert _headers(html, "t-i-five-a-area") == ["Area", "Cases", *five, "Not good", "% not good"]
    assert _headers(html, "t-i-four-a-category")[3:-1] == four
    assert _headers(html, "t-i-four-a-area")[2:-2] == four
    five_a, four_a = _element(html, "article", "i-five-a"), _element(html, "article", "i-four-a")
    assert '<table class="nums n5" id="t-i-five-a-category">' in five_a
    segments = re.findall(r'<span class="r(\d)" style="width:[^"]+">(\d+)</span>', five_a)
    assert segments == [("1", "5"), ("2", "10"), ("3", "12"), ("4", "8"), ("5", "5")]
    assert _legend(five_a) == ("n5", five) and _legend(four_a) == ("n4", four)
    for size in (4, 5):
        for i, (fill, ink) in enumerate(scale_colours(size), 1):
            assert f".n{size} .r{i}{{background:{fill};color:{ink}}}" in html
    assert ".n3 " not in html  # no 3-level scale on this page
    assert "<th>Neglect</th>" in five_a and "<th>Custody</th>" in four_a

    ids = re.findall(r'\sid="([^"]*)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    for key, anchor, not_good in (
        ("five@2024", "five-2024", "fair, poor or failing"),
        ("four@2023", "four-2023", "weak or failing"),
    ):
        words = _framework_part(html, f"fw-{anchor}")
        assert f'<dt id="def-{anchor}-cases_not_good">Cases not rated good ({key})</dt>' in words
        assert f"best first ({not_good} count as not good)" in words
        assert "(the force: met; the inspectors: " in words
    assert 'Audited under <a href="#fw-five-2024">The five@2024 test framework</a>' in five_a
    assert 'Audited under <a href="#fw-four-2023">The four@2023 test framework</a>' in four_a

    testshire = _element(html, "section", "f-testshire-police")
    assert "Not comparable with FIVE-A (five@2024): the frameworks rate differently." in testshire
    assert "<svg" not in testshire.split("<article")[0]
    overview = _element(html, "section", "overview")
    funnels = re.findall(r"<svg.*?</svg>", overview, re.S)
    assert len(funnels) == 1 and "all five@2024" in funnels[0]
    assert "FIVE-A" in funnels[0] and "FIVE-B" in funnels[0] and "FOUR-A" not in funnels[0]
    assert re.search(r'Not plotted[^<]*<a href="#i-four-a">FOUR-A</a> \(four@2023\)', overview)


def test_trends_never_join_frameworks_that_cannot_be_compared() -> None:
    """x@1 and z@1 each name y@1 comparable, not each other: a force audited under x, y, z in
    turn draws x and y together and z apart, saying what it cannot be compared with, though
    the feed compares each inspection with the one before (comparability does not chain)."""
    x = _scheme("x@1", "good fair poor", "fair poor", "custody", comparable=("y@1",))
    y = _scheme("y@1", "good fair poor", "fair poor", "custody")
    z = _scheme("z@1", "good fair poor", "fair poor", "custody", comparable=("y@1",))
    feeds, manifest = _programme(
        [x, y, z],
        [
            ("T-X", "Testshire Police", "x@1", "2020-01-01", [10, 20, 10]),
            ("T-Y", "Testshire Police", "y@1", "2021-01-01", [15, 15, 10]),
            ("T-Z", "Testshire Police", "z@1", "2022-01-01", [20, 10, 10]),
        ],
        {"T-Y": "no clear change", "T-Z": "no clear change"},
    )
    html = build_page(feeds, manifest)
    charts = _trend_charts(html)
    assert len(charts) == 1 and "T-X:" in charts[0] and "T-Y:" in charts[0]
    assert all("T-Z" not in chart for chart in charts)
    assert "Not comparable with T-X (x@1): the frameworks rate differently." in html


def test_what_the_page_draws_is_the_framework_files_choice() -> None:
    """Which metric places inspections on the overview and which are drawn over time is the
    framework file's (`overview`, `trend`), never a name in the code: a framework that marks
    cases_audited instead gets that funnel and that trend, and one that marks nothing is
    listed as naming no overview metric and draws no trend."""
    marked = _scheme("marked@1", "good fair poor", "fair poor", "custody")
    for metric in marked["metrics"]:
        chosen = metric["metric"] == "cases_audited"
        metric["trend"] = metric["overview"] = chosen
    bare = _scheme("bare@1", "good fair poor", "fair poor", "custody")
    for metric in bare["metrics"]:
        metric["trend"] = metric["overview"] = False
    feeds, manifest = _programme(
        [marked, bare],
        [
            ("M-1", "Testshire Police", "marked@1", "2020-01-01", [10, 20, 10]),
            ("M-2", "Testshire Police", "marked@1", "2021-01-01", [15, 15, 10]),
            ("B-1", "Northwold Constabulary", "bare@1", "2020-01-01", [10, 20, 10]),
            ("B-2", "Northwold Constabulary", "bare@1", "2021-01-01", [15, 15, 10]),
        ],
        {"M-2": "no clear change", "B-2": "no clear change"},
    )
    html = build_page(feeds, manifest)
    overview = _element(html, "section", "overview")
    funnels = re.findall(r"<svg.*?</svg>", overview, re.S)
    assert len(funnels) == 1 and "all marked@1" in funnels[0]
    assert "cases audited as a share" in funnels[0]
    assert "Plotted: Cases audited" in overview
    assert overview.count("not placed: its framework names no overview metric") == 2
    charts = _trend_charts(html)
    assert len(charts) == 1 and "Cases audited" in charts[0] and "M-1:" in charts[0]
    assert _trend_charts(_element(html, "section", "f-northwold-constabulary")) == []
