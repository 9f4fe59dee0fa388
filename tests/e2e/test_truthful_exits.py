"""Exits and words that tell the truth: an argument that cannot be an inspection stops before
anything runs, an unknown one after a good run says so and exits 0; `explain` on something
that is not a warehouse is one sentence; a missing area and a provider's text that reads
like one are printed apart; a provider's text never acts on the terminal."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import as_text, main
from tests.conftest import SAMPLE_DIR
from tests.helpers import case, write_csv


def test_an_argument_that_cannot_be_an_inspection_stops_before_anything(tmp_path, capsys) -> None:
    argv = ["run", "--quiet", "--input", str(SAMPLE_DIR), "--warehouse", str(tmp_path / "w")]
    assert main([*argv, "--inspection", "no such id!"]) == 2
    said = capsys.readouterr().err
    assert "cannot be an inspection_id" in said and "nothing was run" in said
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_an_unknown_inspection_after_a_good_run_says_so_and_exits_0(tmp_path, capsys) -> None:
    argv = ["run", "--quiet", "--input", str(SAMPLE_DIR), "--warehouse", str(tmp_path / "w")]
    assert main([*argv, "--inspection", "NOPE-2099"]) == 0
    out = capsys.readouterr().out
    assert "succeeded" in out and "No inspection 'NOPE-2099'" in out
    assert "MPS-NCPI-2016" in out  # what the warehouse does hold is shown instead


@pytest.mark.parametrize("content", [b"inspection_id,metric\nnot,a warehouse\n", b""])
def test_explain_on_a_file_that_is_no_warehouse_is_one_sentence(
    tmp_path, capsys, content: bytes
) -> None:
    path = tmp_path / "not.duckdb"
    path.write_bytes(content)
    assert main(["explain", "X-1", "cases_not_good", "--warehouse", str(path)]) == 1
    said = capsys.readouterr().err.strip()
    assert said.startswith("case-audit: ") and "\n" not in said and "Traceback" not in said
    assert "not a DuckDB database" in said or "not a case-audit warehouse" in said


def test_explain_on_an_empty_duckdb_file_is_one_sentence(tmp_path, capsys) -> None:
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    assert main(["explain", "X-1", "cases_not_good", "--warehouse", str(path)]) == 1
    assert "is not a case-audit warehouse" in capsys.readouterr().err


def _warehouse_with_areas(path: Path, areas: list[str | None]) -> Path:
    """The two relations `explain` reads, holding one case per area given."""
    with duckdb.connect(str(path)) as conn:
        n = len(areas)
        conn.execute(
            "CREATE TABLE headline_figures AS SELECT 'X-1' AS inspection_id, 'F' AS force, "
            f"'cases_audited' AS metric, {n} AS numerator, {n} AS denominator"
        )
        conn.execute(
            "CREATE TABLE metric_cases (inspection_id VARCHAR, force VARCHAR, metric VARCHAR, "
            "case_key VARCHAR, category VARCHAR, area VARCHAR, in_numerator BOOLEAN, "
            "in_denominator BOOLEAN)"
        )
        conn.executemany(
            "INSERT INTO metric_cases VALUES ('X-1', 'F', 'cases_audited', ?, 'cse', ?, true, "
            "true)",
            [(f"key{n}", area) for n, area in enumerate(areas)],
        )
    return path


def test_explain_keeps_a_missing_area_apart_from_text_that_reads_like_one(tmp_path, capsys) -> None:
    areas = [None, "(not recorded)", "Harbourside", '"quoted"', "Bad\x1b[31mArea"]
    path = _warehouse_with_areas(tmp_path / "w.duckdb", areas)
    assert main(["explain", "X-1", "cases_audited", "--warehouse", str(path)]) == 0
    out = capsys.readouterr().out
    by_area = out.split("By area")[1].split("Cases counted")[0]
    shown = [line.split()[0] for line in by_area.strip().splitlines()[1:]]
    assert len(set(shown)) == len(shown) == len(areas)  # five areas, five ways of writing them
    assert "\x1b" not in out  # an escape sequence never reaches the terminal


@pytest.mark.parametrize(
    "value", [None, "(not recorded)", "Harbourside", '"x"', " padded", "a\nb", "\x1b[2J", "(x"]
)
def test_as_text_is_injective_and_printable(value: str | None) -> None:
    others = [None, "(not recorded)", "Harbourside", '"x"', " padded", "a\nb", "\x1b[2J", "(x"]
    shown = {as_text(v) for v in others}
    assert len(shown) == len(others)
    assert as_text(value).isprintable()


def _odd_name(folder: Path) -> Path:
    """A case file whose name is not UTF-8 (Linux allows any bytes but `/` and NUL)."""
    good = write_csv(folder / "ok.csv", [case()])
    odd = Path(os.fsdecode(os.fsencode(folder) + b"/bad\xff.csv"))
    good.rename(odd)
    return odd


def test_a_file_name_that_is_not_text_is_refused_by_check_and_run(tmp_path, capsys) -> None:
    incoming = tmp_path / "in"
    _odd_name(incoming)
    assert main(["check", str(incoming)]) == 1
    out = capsys.readouterr().out
    assert "bad\\xff.csv: file refused [file_unreadable]: the file's name is not UTF-8" in out
    [(name, status, rule)] = validated_file_loads(tmp_path, incoming)
    assert (name, status, rule) == ("bad\\xff.csv", "refused", "file_unreadable")


def validated_file_loads(root: Path, incoming: Path) -> list[tuple]:
    """The file_loads of a run's validation step over `incoming` (no publish needed)."""
    from pipeline.operations.currency import inventory_unless_current
    from pipeline.operations.history import RunInfo
    from pipeline.reconcile.tables import build_tables
    from pipeline.validate.step import validate_inputs
    from tests.helpers import resource

    workspace = resource(root, incoming).workspace()
    inventory_unless_current(workspace, RunInfo("r", {}, None, 0, 0))
    validate_inputs(workspace)
    build_tables(workspace, ["case_audits", "rejected_rows", "file_loads"])
    with workspace.connect() as conn:
        return conn.execute("SELECT source_file, status, rule FROM file_loads").fetchall()


def test_nothing_a_provider_wrote_acts_on_the_terminal(tmp_path, capsys) -> None:
    rows = [case(case_ref="A-1"), case(case_ref="A-2")]
    rows.append(case(case_ref="A-3", force="Evil\x1b]0;x\x07"))
    path = write_csv(tmp_path / "in" / "cases\x1b[2J.csv", rows)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "cases\\x1b[2J.csv row 4, column force [force_mismatch]" in out
