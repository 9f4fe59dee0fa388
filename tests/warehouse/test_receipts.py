"""Every published figure's receipt (issue 22, point 1): its digests and its id are
recomputed here from the cases behind the figure and the input files, never read back; a
receipt that no longer holds is said to, by `case-audit explain --receipt`."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.cli import main
from pipeline.warehouse.explain import case_digest
from tests.warehouse.conftest import query


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_every_receipt_is_recomputed_from_metric_cases(warehouse: Path) -> None:
    cases: dict[tuple, tuple[list, list]] = {}
    for inspection, metric, key, counted, of in query(
        warehouse,
        "SELECT inspection_id, metric, case_key, in_numerator, in_denominator FROM metric_cases",
    ):
        numerator, denominator = cases.setdefault((inspection, metric), ([], []))
        if counted:
            numerator.append(key)
        if of:
            denominator.append(key)
    receipts = query(
        warehouse,
        "SELECT inspection_id, force, framework, metric, numerator, denominator, "
        "framework_sha256, rules_version, product_version, numerator_expression, "
        "denominator_expression, description, input_sha256, numerator_digest, "
        "denominator_digest, receipt FROM figure_receipts",
    )
    figures = query(warehouse, "SELECT inspection_id, metric FROM headline_figures")
    assert sorted((r[0], r[3]) for r in receipts) == sorted(figures)  # one per figure
    for row in receipts:
        numerator, denominator = cases[(row[0], row[3])]
        assert (row[4], row[5]) == (len(numerator), len(denominator))
        assert row[13] == _sha256("\n".join(sorted(numerator))) == case_digest(numerator)
        assert row[14] == _sha256("\n".join(sorted(denominator)))
        fields = [*(str(v) for v in row[:15])]
        assert row[15] == _sha256("\n".join(fields))


def test_a_receipt_names_the_files_and_framework_behind_its_cases(warehouse: Path) -> None:
    """The input files named are exactly those holding a case of the figure, by the SHA-256
    of their bytes; the framework file by the SHA-256 of its bytes."""
    incoming = warehouse.parent.parent / "incoming"
    digest = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in incoming.iterdir()
    }
    [(named,)] = query(
        warehouse,
        "SELECT input_sha256 FROM figure_receipts "
        "WHERE inspection_id = 'NWC-2025' AND metric = 'cases_audited'",
    )
    assert named == digest["nwc_2025.csv"]
    [(named,)] = query(
        warehouse,
        "SELECT input_sha256 FROM figure_receipts "
        "WHERE inspection_id = 'MPS-NCPI-2016' AND metric = 'cases_audited'",
    )
    parts = sorted(v for k, v in digest.items() if k.startswith("mps_ncpi_2016"))
    assert named == " ".join(parts) and len(parts) == 2
    from schemas.frameworks import catalogue

    shipped = catalogue().default.path.read_bytes()
    assert {row[0] for row in query(warehouse, "SELECT framework_sha256 FROM figure_receipts")} == {
        hashlib.sha256(shipped).hexdigest()
    }


def test_explain_receipt_checks_the_digests(warehouse: Path, tmp_path: Path, capsys) -> None:
    assert (
        main(["explain", "NWC-2025", "cases_not_good", "--receipt", "--warehouse", str(warehouse)])
        == 0
    )
    said = capsys.readouterr().out
    [(stored,)] = query(
        warehouse,
        "SELECT receipt FROM figure_receipts WHERE inspection_id = 'NWC-2025' "
        "AND metric = 'cases_not_good'",
    )
    assert stored in said and "digests hold" in said
    tampered = tmp_path / "tampered.duckdb"
    shutil.copy(warehouse, tampered)
    with duckdb.connect(str(tampered)) as conn:
        conn.execute(
            "UPDATE figure_receipts SET numerator_digest = sha256('someone else') "
            "WHERE inspection_id = 'NWC-2025' AND metric = 'cases_not_good'"
        )
    assert (
        main(["explain", "NWC-2025", "cases_not_good", "--receipt", "--warehouse", str(tampered)])
        == 1
    )
    assert "digests do NOT hold" in capsys.readouterr().out


def test_the_receipts_feed_and_the_page_give_each_figure_its_receipt(warehouse: Path) -> None:
    """The public feed carries every figure's receipt as the warehouse holds it (no case
    key, no file name), and every card on the page shows its receipt's id, linked to the
    page's word on receipts and the feed."""
    feeds = warehouse.parent.parent / "feeds"
    feed = pd.read_parquet(feeds / "receipts.parquet")
    stored = {
        (i, m): (r, str(n), str(d))
        for i, m, r, n, d in query(
            warehouse,
            "SELECT inspection_id, metric, receipt, numerator, denominator FROM figure_receipts",
        )
    }
    wide = feed.pivot_table(
        index=["inspection_id", "metric", "receipt"], columns="measure", values="value"
    ).reset_index()
    assert {
        (r.inspection_id, r.metric): (r.receipt, str(int(r.numerator)), str(int(r.denominator)))
        for r in wide.itertuples()
    } == stored
    keys = {k for (k,) in query(warehouse, "SELECT case_key FROM case_audits")}
    text = (feeds / "receipts.csv").read_text(encoding="utf-8-sig")
    assert not any(key in text for key in keys) and ".csv" not in text
    html = (feeds / "dashboard.html").read_text(encoding="utf-8")
    shown = re.findall(r'<a href="#receipts">Receipt ([0-9a-f]{12})</a>', html)
    assert sorted(shown) == sorted(receipt[:12] for receipt, _, _ in stored.values())
    assert '<section id="receipts"' in html and '<a href="receipts.csv">' in html


def test_case_audit_claim_judges_a_wording_without_a_run(warehouse: Path, capsys) -> None:
    """A journalist's wording is judged against the published warehouse, nothing written:
    read by the rulebook, it holds (exit 0), does not (1), or is not read at all (1)."""
    before = warehouse.read_bytes()
    args = ["claim", "NWC-2025", "cases_not_good", "--warehouse", str(warehouse)]
    # NWC-2025: 5 of 20 valid cases rated inadequate, 25%
    assert main([*args[:3], "a quarter of cases", *args[3:]]) == 0
    assert "read as a quarter: [22.5, 27.5]" in capsys.readouterr().out
    assert main([*args[:3], "more than a third", *args[3:]]) == 1
    assert "does NOT hold" in capsys.readouterr().out
    assert main([*args[:3], "a worrying number", *args[3:]]) == 1
    assert "no quantifier the rulebook knows" in capsys.readouterr().out
    assert warehouse.read_bytes() == before
