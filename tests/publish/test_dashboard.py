"""The dashboard in a real headless Chromium, at 1400 px and 390 px, over the sample and over
a 120-inspection synthetic run: it renders, fetches nothing, overflows nothing, passes
axe-core (WCAG 2.2 AA), its filter and fragment links work, its tables download as CSV, and
it shows the figures in plain words. Over a run whose inspections and forces differ only in
case or punctuation, every value keeps its own ids, filter entry and downloads; malformed
fragments leave a working page; downloads apply the one CSV rule of `pipeline/safe_csv.py`;
synthetic inspections are marked. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import shutil
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from pipeline.publish.dashboard import COLOURS, build_page, read_manifest
from pipeline.publish.feeds import FEEDS
from pipeline.safe_csv import write_csv as write_safe_csv
from pipeline.settings import PROJECT_DIR
from pipeline.synth import write as write_synthetic
from tests.conftest import SAMPLE_DIR
from tests.helpers import case, publish_folder, write_csv
from tests.test_safe_csv import HOSTILE, csv_rows

pytestmark = pytest.mark.slow  # a real headless browser: not in `make test-fast`

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


def test_rating_colours_differ_in_lightness_and_carry_readable_labels() -> None:
    """Told apart without hue (red-blind readers saw good and inadequate at 1.18:1), and
    each segment's label meets WCAG AA (4.5:1) on its colour."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    fills = [fill for fill, _ in COLOURS.values()]
    assert min(contrast(a, b) for i, a in enumerate(fills) for b in fills[i + 1 :]) >= 2.0
    assert all(contrast(fill, ink) >= 4.5 for fill, ink in COLOURS.values())


def test_many_inspections_fit_the_budget(many_path: Path) -> None:
    html = many_path.read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) < 1_500_000
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


def _check_page(page, path: Path, name: str) -> None:
    """No console error, no request but the page, no horizontal overflow, axe-core clean."""
    seen = SEEN.pop(page)
    assert seen["errors"] == [], seen["errors"]
    assert seen["requests"] == [path.as_uri()], seen["requests"]
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "overflows"
    page.evaluate(_axe_source())  # evaluated over the devtools protocol: not a request
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
    ]
    assert violations == [], violations
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=False)


@pytest.fixture(scope="module")
def browser(page_path: Path, many_path: Path, colliding_path: Path):
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
        _check_page(page, many_path, "dashboard-many")
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
