"""Faults of the file system and of the caches, injected: every one ends in a plain sentence
and a truthful account of what was published, never a traceback, never a lost file.

Each test runs `case-audit run` in-process (`pipeline.cli.main`) over a private copy of the
sample, injects one fault (an OSError from the place the system would raise it, a corrupt or
truncated file, a folder where a file should be), and checks the exit code, the words, the
published state and `pipeline_runs`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main
from pipeline.ingest import inventory
from pipeline.operations import alerts as alerts_module
from pipeline.publish import dashboard as dashboard_module
from pipeline.publish import feeds as feeds_module
from pipeline.publish import steps as publish_steps
from pipeline.validate import staging
from tests.conftest import REFERENCE_DIR
from tests.helpers import case, write_csv

pytestmark = pytest.mark.slow  # a whole run per injected fault: not in `make test-fast`

NO_SPACE = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def place(tmp_path: Path, sample_input: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Where a run reads and publishes, all under tmp_path, set through the environment."""
    paths = {
        "input": sample_input,
        "warehouse": tmp_path / "wh" / "case_audit.duckdb",
        "feeds": tmp_path / "feeds",
    }
    monkeypatch.setenv("CASE_AUDIT_REFERENCE_DIR", str(REFERENCE_DIR))
    monkeypatch.setenv("CASE_AUDIT_FEEDS_DIR", str(paths["feeds"]))
    monkeypatch.setenv("CASE_AUDIT_KEY_FILE", str(tmp_path / "key"))
    return paths


def run(place: dict[str, Path], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    code = main(["run", "--input", str(place["input"]), "--warehouse", str(place["warehouse"])])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text, text
    return code, text


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def runs(warehouse: Path) -> dict[str, tuple[str, str | None]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute("SELECT run_id, status, error_summary FROM pipeline_runs").fetchall()
    return {run_id: (status, summary) for run_id, status, summary in rows}


def figures(warehouse: Path) -> list[tuple]:
    """Every published figure and the number of cases, as an analyst reads them."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM case_audits), * FROM headline_figures ORDER BY ALL"
        ).fetchall()


def run_id_of(text: str) -> str:
    return text.split("Run ", 1)[1].split(" ", 1)[0]


def published_first(place, capsys) -> dict[str, str]:
    code, text = run(place, capsys)
    assert code == 0, text
    return {
        "warehouse": digest(place["warehouse"]),
        "figures": figures(place["warehouse"]),
        "manifest": digest(place["feeds"] / "manifest.json"),
        "dashboard": digest(place["feeds"] / "dashboard.html"),
    }


def deny_reading(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """The refusal the kernel gives a user without permission, for the file called `name`
    when `module` hashes it (root ignores permission bits, so it is injected)."""
    real = module.sha256_of

    def denied(path: Path) -> str:
        if path.name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(module, "sha256_of", denied)


def add_cases(place: dict[str, Path], n: int = 3) -> None:
    write_csv(place["input"] / "northwold.csv", [case(case_ref=f"NW-{k:04}") for k in range(n)])


# ---------------------------------------------------------------- unreadable input files


def test_a_file_that_cannot_be_opened_is_refused_and_the_others_load(place, capsys, monkeypatch):
    add_cases(place)
    deny_reading(monkeypatch, inventory, "northwold.csv")
    code, text = run(place, capsys)
    assert code == 0, text
    with duckdb.connect(str(place["warehouse"]), read_only=True) as conn:
        loads = dict(conn.execute("SELECT source_file, rule FROM file_loads").fetchall())
        cases = conn.execute("SELECT count(*) FROM case_audits").fetchone()[0]
        message = conn.execute(
            "SELECT message FROM file_loads WHERE source_file = 'northwold.csv'"
        ).fetchone()[0]
    assert loads["northwold.csv"] == "file_unreadable" and cases == 374
    assert "Permission denied" in message


def test_a_file_that_vanishes_before_it_is_read_is_refused(place, capsys, monkeypatch):
    add_cases(place)
    real = staging.RunStaging.stage_file

    def vanish_first(self, path: Path, name: str, sha256: str):
        if name == "northwold.csv":
            path.unlink()
        return real(self, path, name, sha256)

    monkeypatch.setattr(staging.RunStaging, "stage_file", vanish_first)
    code, text = run(place, capsys)
    assert code == 0, text
    with duckdb.connect(str(place["warehouse"]), read_only=True) as conn:
        rule, message = conn.execute(
            "SELECT rule, message FROM file_loads WHERE source_file = 'northwold.csv'"
        ).fetchone()
        cases = conn.execute("SELECT count(*) FROM case_audits").fetchone()[0]
    assert rule == "file_unreadable" and "No such file" in message and cases == 374


# ---------------------------------------------------------------- the places a run writes


def test_disk_full_before_the_swap_changes_nothing(place, capsys, monkeypatch):
    before = published_first(place, capsys)
    add_cases(place)

    def full(*_: object, **__: object) -> None:
        raise NO_SPACE

    monkeypatch.setattr(publish_steps, "atomic_replace", full)
    code, text = run(place, capsys)
    assert code == 1
    assert "nothing was published: the published figures were not changed" in text
    assert "No space left on device" in text
    assert figures(place["warehouse"]) == before["figures"]  # only the failure's record is new
    assert digest(place["feeds"] / "manifest.json") == before["manifest"]
    statuses = [status for status, _ in runs(place["warehouse"]).values()]
    assert sorted(statuses) == ["failure", "success"]


def test_a_warehouse_path_under_a_regular_file_is_one_sentence(tmp_path, place, capsys):
    (tmp_path / "plain_file").write_text("not a folder")
    place["warehouse"] = tmp_path / "plain_file" / "case_audit.duckdb"
    code, text = run(place, capsys)
    assert code == 1
    assert text.count("case-audit: cannot use the warehouse folder") == 1
    assert "Not a directory" in text


def test_a_read_only_warehouse_folder_is_one_sentence(tmp_path, place, capsys, monkeypatch):
    """Root ignores permission bits, so the refusal the kernel gives a user is injected."""
    real = Path.mkdir

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        if self.is_relative_to(tmp_path / "wh"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    code, text = run(place, capsys)
    assert code == 1
    assert "cannot use the warehouse folder" in text and "Permission denied" in text
    assert not (tmp_path / "wh").exists()


def test_a_report_path_that_is_a_folder_is_one_sentence(tmp_path, capsys):
    write_csv(tmp_path / "in" / "cases.csv", [case()])
    code = main(["check", str(tmp_path / "in"), "--report", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 1
    assert out.err.strip() == (
        f"case-audit: --report {tmp_path} is a folder; give a file name, e.g. "
        f"{tmp_path / 'problems.xlsx'}."
    )


def test_disk_full_while_writing_a_report_is_one_sentence(tmp_path, capsys, monkeypatch):
    write_csv(tmp_path / "in" / "cases.csv", [case()])
    from pipeline.storage import atomic

    monkeypatch.setattr(atomic.os, "fsync", lambda _: (_ for _ in ()).throw(NO_SPACE))
    code = main(["check", str(tmp_path / "in"), "--report", str(tmp_path / "r.csv")])
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.err
    assert "cannot write the report" in out.err and "No space left on device" in out.err
    assert not (tmp_path / "r.csv").exists() and not list(tmp_path.glob(".*.tmp"))


# ---------------------------------------------------------------- failure after each publish step


@pytest.mark.parametrize(
    ("fault", "published", "not_published"),
    [
        ("feeds", ["warehouse"], ["feeds", "dashboard"]),
        ("dashboard", ["warehouse", "feeds"], ["dashboard"]),
        ("copy", ["warehouse"], ["feeds", "dashboard", "copy"]),
    ],
)
def test_a_failure_after_the_swap_says_what_was_published(
    tmp_path, place, capsys, monkeypatch, fault, published, not_published
):
    (tmp_path / "plain_file").write_text("x")
    copy_target = tmp_path / "plain_file" / "copy.duckdb"  # a copy that cannot be written
    if fault == "copy":
        monkeypatch.setenv("CASE_AUDIT_PUBLISH_TO", str(copy_target))
    published_first_run = published_first(place, capsys) if fault != "copy" else None
    add_cases(place)
    alerts: list[dict] = []
    monkeypatch.setenv("CASE_AUDIT_ALERT_WEBHOOK", "http://127.0.0.1:9/never-called")
    monkeypatch.setattr(alerts_module, "post_alert", lambda url, payload: alerts.append(payload))
    if fault == "feeds":
        monkeypatch.setattr(
            feeds_module, "atomic_write", lambda *_: (_ for _ in ()).throw(NO_SPACE)
        )
    if fault == "dashboard":
        monkeypatch.setattr(
            dashboard_module, "write_dashboard", lambda *_: (_ for _ in ()).throw(NO_SPACE)
        )
    code, text = run(place, capsys)
    assert code == 1
    assert "the published figures were not changed" not in text
    said = text.split("FAILED; ", 1)[1].splitlines()[0]
    names = {"copy": f"copy {copy_target}"}
    assert f"published by this run: {', '.join(names.get(p, p) for p in published)}" in said
    assert (
        f"NOT published (still from an earlier run): "
        f"{', '.join(names.get(p, p) for p in not_published)}" in said
    )
    # pipeline_runs in the published warehouse tells the same
    status, summary = runs(place["warehouse"])[run_id_of(text)]
    assert status == "partial"
    assert said.split(" (recorded")[0] in summary
    # and so does the alert
    [alert] = alerts
    assert alert["published_warehouse_changed"] is True and alert["status"] == "partial"
    assert alert["published"] == [names.get(p, p) for p in published]
    assert alert["not_published"] == [names.get(p, p) for p in not_published]
    if published_first_run and "feeds" in not_published:
        assert digest(place["feeds"] / "manifest.json") == published_first_run["manifest"]


# ---------------------------------------------------------------- caches heal themselves


@pytest.mark.parametrize("cache", ["staging.duckdb", "warehouse.duckdb"])
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_cache_is_rebuilt_once(place, capsys, cache, damage):
    published_first(place, capsys)
    path = place["warehouse"].parent / ".build-case_audit" / cache
    if damage == "garbage":
        path.write_bytes(b"not a database" * 1000)
    else:
        path.write_bytes(path.read_bytes()[:20_000])
    add_cases(place)
    code, text = run(place, capsys)
    assert code == 0, text
    assert "in use by another" not in text
    with duckdb.connect(str(place["warehouse"]), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM case_audits").fetchone()[0] == 377
    code, text = run(place, capsys)  # and the next run is an ordinary one
    assert code == 0, text


def test_a_lock_held_by_another_process_is_in_use(place, capsys, tmp_path):
    import subprocess
    import sys

    published_first(place, capsys)
    build = place["warehouse"].parent / ".build-case_audit" / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); sys.stdin.read()",
            str(build),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        add_cases(place)
        code, text = run(place, capsys)
        assert code == 1 and "in use by another process" in text
        assert build.exists() and build.stat().st_size > 20_000  # not deleted as "corrupt"
    finally:
        holder.communicate("")


@pytest.mark.parametrize("damage", ["truncated", "deleted", "replaced"])
def test_a_damaged_published_warehouse_is_republished_over_unchanged_inputs(place, capsys, damage):
    published_first(place, capsys)
    warehouse = place["warehouse"]
    if damage == "truncated":
        warehouse.write_bytes(warehouse.read_bytes()[:20_000])
    elif damage == "deleted":
        warehouse.unlink()
    else:
        warehouse.write_bytes(b"\0" * warehouse.stat().st_size)
    code, text = run(place, capsys)
    assert code == 0, text
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM case_audits").fetchone()[0] == 374


@pytest.mark.parametrize("damage", ["deleted", "altered"])
@pytest.mark.parametrize(
    "name", ["headline.csv", "ratings_by_area.parquet", "manifest.json", "dashboard.html"]
)
def test_deleted_or_altered_feed_files_are_restored(place, capsys, name, damage):
    before = published_first(place, capsys)
    path = place["feeds"] / name
    original = path.read_bytes()
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(original[:-10] + b"0000000000")
    code, text = run(place, capsys)
    assert code == 0, text
    assert path.read_bytes() != b"" and path.exists()
    manifest = json.loads((place["feeds"] / "manifest.json").read_text())
    for listed, info in manifest["files"].items():
        assert info["sha256"] == digest(place["feeds"] / listed), listed
    if name == "dashboard.html":
        assert "from run " in path.read_text()
    assert figures(place["warehouse"]) == before["figures"]


# ---------------------------------------------------------------- change is detected by content


def test_an_edit_that_keeps_size_and_modification_time_is_seen(place, capsys):
    add_cases(place)
    published_first(place, capsys)
    part = place["input"] / "northwold.csv"
    stat = part.stat()
    text = part.read_bytes()
    edited = text.replace(b",good,", b",bad!,", 1)  # the same size: one rating misspelt
    assert len(edited) == len(text) and edited != text
    part.write_bytes(edited)
    os.utime(part, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the modification time put back
    assert (part.stat().st_size, part.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    code, out = run(place, capsys)
    assert code == 0, out
    with duckdb.connect(str(place["warehouse"]), read_only=True) as conn:
        bad = conn.execute(
            "SELECT value FROM rejected_rows WHERE rule = 'rating_unknown'"
        ).fetchall()
    assert bad == [("bad!",)]


def test_a_racily_clean_file_is_hashed_again(tmp_path, monkeypatch):
    """A file changed within RACY_NS before it was hashed is not trusted by its stamp."""
    path = tmp_path / "in" / "a.csv"
    write_csv(path, [case()])
    first = inventory.hash_files(tmp_path / "in", {})
    known = {h.key: (h.sha256, h.hashed_at_ns) for h in first}
    calls: list[str] = []
    real = inventory.sha256_of
    monkeypatch.setattr(inventory, "sha256_of", lambda p: calls.append(p.name) or real(p))
    inventory.hash_files(tmp_path / "in", known)
    assert calls == ["a.csv"]  # just written: racy, read again
    old = {key: (sha, at + 10 * inventory.RACY_NS) for key, (sha, at) in known.items()}
    inventory.hash_files(tmp_path / "in", old)
    assert calls == ["a.csv"]  # hashed long after its last change: trusted


def test_check_refuses_what_it_cannot_open_and_reads_the_rest(tmp_path, capsys, monkeypatch):
    """`case-audit check` as `run`: an unreadable file and a link to a vanished file are
    refused as file_unreadable, every other file is checked."""
    folder = tmp_path / "in"
    write_csv(folder / "good.csv", [case()])
    write_csv(folder / "secret.csv", [case(case_ref="NW-0002")])
    (folder / "gone.csv").symlink_to(tmp_path / "deleted.csv")
    from pipeline.ingest import files

    deny_reading(monkeypatch, files, "secret.csv")
    code = main(["check", str(folder)])
    out = capsys.readouterr().out
    assert code == 1 and "Traceback" not in out
    assert f"{folder / 'secret.csv'}: file refused [file_unreadable]" in out
    assert "Permission denied" in out
    assert f"{folder / 'gone.csv'}: file refused [file_unreadable]" in out
    assert "3 file(s), 1 row(s): 2 file(s) refused" in out


def test_a_dangling_link_in_the_input_folder_is_refused_by_the_run(place, capsys):
    (place["input"] / "gone.csv").symlink_to(place["input"] / "deleted.csv")
    code, text = run(place, capsys)
    assert code == 0, text
    with duckdb.connect(str(place["warehouse"]), read_only=True) as conn:
        rule, message = conn.execute(
            "SELECT rule, message FROM file_loads WHERE source_file = 'gone.csv'"
        ).fetchone()
    assert rule == "file_unreadable" and "No such file" in message


def test_a_huge_file_is_refused_in_bounded_memory(tmp_path):
    """A 160 MiB CSV whose stray quote makes the whole file one row is refused with the
    bound named, and refusing it allocates a fixed amount (the readers' blocks), not the
    file: traced peak under 96 MiB, while reading the row would need over 160 MiB."""
    import tracemalloc

    from pipeline.ingest.files import read_case_file

    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b",".join(c.encode() for c in case()) + b"\n")
        handle.write(b'NWC-CP-2025,"Northwold\n')
        line = b"x" * 1023 + b"\n"
        for _ in range(160 * 1024):
            handle.write(line)
    tracemalloc.start()
    try:
        frame, report = read_case_file(path, "huge.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert frame is None and report.rule == "file_too_large"
    assert "row 2 is 160.0 MiB long" in report.message and "stray double quote" in report.message
    assert peak < 96 * 2**20, f"peak {peak / 2**20:.0f} MiB"


# ---------------------------------------------------------------- outputs, settings, volume


def test_feeds_pointed_at_the_input_folder_change_nothing(place, capsys):
    """The provider's own `headline.csv` and `trends.csv` beside the cases stay as sent."""
    for name in ("headline.csv", "trends.csv"):
        write_csv(place["input"] / name, [case(case_ref=f"{name[:2]}-1")])
    before = {p.name: digest(p) for p in place["input"].iterdir()}
    argv = ["run", "--input", str(place["input"]), "--warehouse", str(place["warehouse"])]
    code = main([*argv, "--feeds", str(place["input"])])
    said = capsys.readouterr().err
    assert code == 1 and "is the input folder" in said and "Nothing was written" in said
    assert {p.name: digest(p) for p in place["input"].iterdir()} == before
    assert not place["warehouse"].parent.exists()


@pytest.mark.parametrize("memory", ["0", "-1GB"])
def test_a_memory_limit_duckdb_cannot_use_is_one_sentence(place, capsys, monkeypatch, memory):
    """`0` was an internal error half-way through a run, `-1GB` was accepted."""
    monkeypatch.setenv("CASE_AUDIT_DUCKDB_MEMORY", memory)
    code, text = run(place, capsys)
    assert code == 1 and "CASE_AUDIT_DUCKDB_MEMORY must be a size" in text
    assert "internal error" not in text and not place["warehouse"].parent.exists()


def test_a_placeholder_case_ref_on_20000_rows_runs_in_bounded_memory(place, capsys, monkeypatch):
    """Every copy is quarantined with a short hint, within a small DuckDB memory limit."""
    monkeypatch.setenv("CASE_AUDIT_DUCKDB_MEMORY", "256MB")
    rows = [case(inspection_id="NWC-TBC-2025", case_ref="TBC") for _ in range(20_000)]
    write_csv(place["input"] / "placeholders.csv", rows)
    code, text = run(place, capsys)
    assert code == 0, text
    with duckdb.connect(str(place["warehouse"]), read_only=True) as conn:
        held, longest = conn.execute(
            "SELECT count(DISTINCT source_row), max(length(hint)) FROM rejected_rows "
            "WHERE source_file = 'placeholders.csv' AND rule = 'duplicate_case_ref'"
        ).fetchone()
    assert held == 20_000 and longest <= 200
