"""The dashboard page in a real headless Chromium: renders, fetches nothing, shows the figures."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from pipeline.defs.runner import run_pipeline
from pipeline.settings import PROJECT_DIR, Settings
from tests.conftest import REFERENCE_DIR, SAMPLE_DIR
from tests.helpers import RUN_DATE, case, write_csv

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

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it; CI never skips this)",
)


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dashboard")
    incoming = root / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming)
    rows = [
        case(case_ref="NW-1"),
        case(case_ref="NW-2", rating="bad"),
        case(case_ref="NW-3", area="<script>alert(1)</script>"),
    ]
    write_csv(incoming / "nwc.csv", rows)
    settings = Settings.resolve(input_dir=incoming, warehouse=root / "w.duckdb",
                                reference_dir=REFERENCE_DIR, key_file=root / "key",
                                feeds_dir=root / "feeds")  # fmt: skip
    outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert outcome.success, outcome.problems
    return root / "feeds" / "dashboard.html"


def test_page_is_self_contained(page_path: Path) -> None:
    html = page_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert "<script" not in html.replace("&lt;script&gt;", "")  # data is escaped, no script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@needs_chromium
def test_dashboard_renders_in_headless_chromium(page_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is required in CI"
    ARTIFACTS.mkdir(exist_ok=True)
    console_errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.as_uri(), wait_until="load")
            text = page.inner_text("body")
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        finally:
            browser.close()

    assert console_errors == []
    assert requests == [page_path.as_uri()]  # the page itself, nothing else
    for expected in ("Metropolitan Police Service — MPS-NCPI-2016", "74.3%", "278 of 374",
                     "95% interval 69.7–78.5%", "2 of 38", "39 of 40", "Ratings by category",
                     "Ratings by area", "Trends across inspections", "does not hold",
                     "“278 out of 374 (more than 75%)”", "Data quality", "rating_unknown",
                     "Northwold Constabulary"):  # fmt: skip
        assert expected in text, expected
    assert re.search(r"Barking and Dagenham\s+c", text) or " c\n" in text  # suppression shown
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000


def test_page_with_no_valid_case(tmp_path: Path) -> None:
    """An empty input folder still publishes a page that says so."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    settings = Settings.resolve(input_dir=incoming, warehouse=tmp_path / "w.duckdb",
                                reference_dir=REFERENCE_DIR, key_file=tmp_path / "key",
                                feeds_dir=tmp_path / "feeds")  # fmt: skip
    outcome = run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True)
    assert outcome.success, outcome.problems
    html = (tmp_path / "feeds" / "dashboard.html").read_text(encoding="utf-8")
    assert "No valid case has been loaded." in html
    assert "inspection_not_loaded" in html
