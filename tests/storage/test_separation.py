"""Outputs never touch inputs: every place `run` and `check` write is refused, before anything
is written, when it is or lies inside what they read, however the path is spelt (a symbolic
link, `..`, a hard link to the same file)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.helpers import case, write_csv

SAMPLE_ROWS = [case(case_ref=f"NW-{n:04}") for n in range(1, 4)]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` by content: what must be the same after a refused command."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    incoming = tmp_path / "in"
    write_csv(incoming / "headline.csv", SAMPLE_ROWS)  # named as a feed would be
    write_csv(incoming / "trends.csv", SAMPLE_ROWS)
    write_csv(incoming / "sub" / "cases.csv", SAMPLE_ROWS)
    reference = tmp_path / "reference"
    reference.mkdir()
    for name in ("published_figures.csv", "published_claims.csv"):
        (reference / name).write_text("inspection_id,metric\n")
    return {"root": tmp_path, "in": incoming, "reference": reference}


def _refused(capsys, argv: list[str], *, says: str) -> str:
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("case-audit: ") and "\n" not in err and "Traceback" not in err
    assert says in err and "Nothing was written" in err
    return err


def _run(places: dict[str, Path], **flags: str) -> list[str]:
    argv = ["run", "--quiet", "--input", str(places["in"])]
    flags = {"warehouse": str(places["root"] / "out" / "w.duckdb")} | flags
    for flag, value in flags.items():
        argv += [f"--{flag}", value]
    return argv


@pytest.fixture
def reference_env(places, monkeypatch) -> None:
    monkeypatch.setenv("CASE_AUDIT_REFERENCE_DIR", str(places["reference"]))
    monkeypatch.setenv("CASE_AUDIT_KEY_FILE", str(places["root"] / "key"))


@pytest.mark.parametrize(
    ("flag", "target", "says"),
    [
        ("feeds", "in", "the feeds folder"),  # the input folder itself
        ("feeds", "in/sub", "is inside the input folder"),
        ("feeds", "out/../in/./sub/..", "is the input folder"),  # `.` and `..`
        ("warehouse", "in/sub/cases.csv", "the warehouse"),  # an input file
        ("warehouse", "in/new.duckdb", "is inside the input folder"),
        ("warehouse", "reference/published_figures.csv", "the reference folder"),
        ("warehouse", "key", "is the pseudonym key file"),
        ("feeds", "reference", "is the reference folder"),
    ],
)
def test_run_refuses_outputs_where_it_reads(
    places, reference_env, capsys, flag: str, target: str, says: str
) -> None:
    before = _snapshot(places["root"])
    _refused(capsys, _run(places, **{flag: str(places["root"] / target)}), says=says)
    assert _snapshot(places["root"]) == before  # nothing written, nothing changed


def test_a_symbolic_link_to_the_input_folder_is_the_input_folder(
    places, reference_env, capsys
) -> None:
    link = places["root"] / "looks-elsewhere"
    link.symlink_to(places["in"])
    before = _snapshot(places["in"])
    _refused(capsys, _run(places, feeds=str(link)), says="is the input folder")
    linked_file = places["root"] / "w.duckdb"
    linked_file.symlink_to(places["in"] / "sub" / "cases.csv")
    _refused(capsys, _run(places, warehouse=str(linked_file)), says="is inside the input folder")
    assert _snapshot(places["in"]) == before


def test_a_hard_link_to_an_input_file_is_that_file(places, reference_env, capsys) -> None:
    linked = places["root"] / "out" / "w.duckdb"
    linked.parent.mkdir()
    os.link(places["in"] / "sub" / "cases.csv", linked)
    before = _snapshot(places["in"])
    _refused(capsys, _run(places, warehouse=str(linked)), says="(a hard link)")
    reference = places["root"] / "ref.duckdb"
    os.link(places["reference"] / "published_claims.csv", reference)
    _refused(capsys, _run(places, warehouse=str(reference)), says="a file of the reference")
    assert _snapshot(places["in"]) == before


def test_a_hard_link_in_the_copies_is_refused(places, reference_env, capsys, monkeypatch) -> None:
    copy = places["root"] / "share" / "copy.duckdb"
    copy.parent.mkdir()
    os.link(places["in"] / "headline.csv", copy)
    monkeypatch.setenv("CASE_AUDIT_PUBLISH_TO", str(copy))
    _refused(capsys, _run(places), says="a copy (CASE_AUDIT_PUBLISH_TO)")


@pytest.mark.parametrize(
    ("variable", "target", "says"),
    [
        ("CASE_AUDIT_PUBLISH_TO", "in/copy.duckdb", "a copy (CASE_AUDIT_PUBLISH_TO)"),
        ("DAGSTER_HOME", "in/dagster", "Dagster's storage (DAGSTER_HOME)"),
        ("CASE_AUDIT_WAREHOUSE", "in/w.duckdb", "the warehouse"),
    ],
)
def test_outputs_from_the_environment_are_refused_too(
    places, reference_env, capsys, monkeypatch, variable: str, target: str, says: str
) -> None:
    monkeypatch.setenv(variable, str(places["root"] / target))
    argv = ["run", "--quiet", "--input", str(places["in"])]
    if variable != "CASE_AUDIT_WAREHOUSE":
        argv += ["--warehouse", str(places["root"] / "out" / "w.duckdb")]
    before = _snapshot(places["root"])
    _refused(capsys, argv, says=says)
    assert _snapshot(places["root"]) == before


def test_check_never_writes_its_report_over_or_into_what_it_checks(places, capsys) -> None:
    checked = places["in"] / "sub" / "cases.csv"
    before = _snapshot(places["in"])
    _refused(capsys, ["check", str(checked), "--report", str(checked)], says="is the file")
    _refused(
        capsys,
        ["check", str(places["in"]), "--report", str(places["in"] / "sub" / "problems.xlsx")],
        says="is inside the folder being checked",
    )
    os.link(checked, places["root"] / "report.csv")
    report = str(places["root"] / "report.csv")
    _refused(capsys, ["check", str(checked), "--report", report], says="(a hard link)")
    assert _snapshot(places["in"]) == before
    # a report beside the input, not inside it, is written
    assert main(["check", str(checked), "--report", str(places["root"] / "ok.csv")]) == 0
    assert (places["root"] / "ok.csv").is_file()
