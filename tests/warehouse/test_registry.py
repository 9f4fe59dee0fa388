"""One registry of tables (schemas/warehouse.py): every table a run publishes is declared
there once, with the step that builds it, and the SQL agrees.

Adding a table means a `sql/<table>.sql` file and a registry entry: the tests below fail
when either is missing, when a table reads something not built before it, or when a
headline metric is computed in SQL but not described (or described but not computed).
"""

from __future__ import annotations

import re

import pytest

from pipeline.settings import SQL_DIR
from schemas.warehouse import (
    DERIVED,
    METRICS,
    PUBLISH,
    RECONCILE,
    TABLES,
    VALIDATE,
    built_by,
    sql_order,
)

STEP_ORDER = (VALIDATE, DERIVED, RECONCILE, PUBLISH)
CREATES = re.compile(r"^CREATE (?:OR REPLACE )?TABLE (?:IF NOT EXISTS )?([a-z_]+)\b(?!\.)", re.M)


def tables_the_sql_creates() -> dict[str, str]:
    """Table -> the file whose SQL creates it (main schema only: staging is not published)."""
    found = {}
    for path in SQL_DIR.glob("*.sql"):
        for name in CREATES.findall(path.read_text(encoding="utf-8")):
            found[name] = path.name
    return found


def test_every_table_the_sql_creates_is_declared_with_its_step_and_file() -> None:
    created = tables_the_sql_creates()
    declared = {table.name: table for table in TABLES}
    assert set(created) == set(declared), "SQL and registry disagree on the tables"
    for name, table in declared.items():
        assert table.step in STEP_ORDER, f"{name}: no building step"
        assert created[name] == f"{name}.sql", f"{name} is created by {created[name]}"
    for table in TABLES:
        for helper in table.helpers:
            assert (SQL_DIR / f"{helper}.sql").is_file(), f"{table.name}: {helper}.sql missing"


def test_every_table_reads_what_is_built_before_it() -> None:
    built = {"case_files"}  # the inventory: the first step's
    for step in STEP_ORDER:
        step_tables = built_by(step)
        for table in step_tables:
            missing = set(table.reads) - built - ({t.name for t in step_tables}
                                                  if step == VALIDATE else set())  # fmt: skip
            assert not missing, f"{table.name} reads {missing}, not built before it"
            built.add(table.name)


def test_every_headline_metric_is_computed_and_described_in_the_same_order() -> None:
    sql = (SQL_DIR / "metric_cases.sql").read_text(encoding="utf-8")
    computed = re.findall(r"^\s*\(\d+,\s*'([a-z_]+)'", sql, re.M)
    assert len(computed) >= 10
    assert computed == [metric.name for metric in METRICS]


# ---------------------------------------------------------------- SQL file headers

HEADER = re.compile(
    r"\A-- reads: (?P<reads>.*)\n-- writes: (?P<writes>.*)\n(?:-- reads too: (?P<too>.*)\n)?"
)
FROM_OR_JOIN = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_.]*)\b(?!\s*\()", re.I)
WITH_NAME = re.compile(r"(?:WITH|,)\s*([a-z_][a-z0-9_]*)\s+AS\s*(?:MATERIALIZED\s*)?\(", re.I)
CREATED = re.compile(
    r"(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?(?:TABLE|VIEW|MACRO)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"|INSERT\s+INTO\s+)(?:staging\.)?([a-z_][a-z0-9_]*)",
    re.I,
)


def sql_files() -> dict[str, str]:
    """File name as the order names it (`views/v_x` for a view) -> its text."""
    paths = [*SQL_DIR.glob("*.sql"), *(SQL_DIR / "views").glob("*.sql")]
    return {p.relative_to(SQL_DIR).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
            for p in paths}  # fmt: skip


def names(listed: str) -> set[str]:
    """`a, b (a note)` -> {a, b}; `nothing ...` -> {}."""
    listed = re.sub(r"\(.*?\)", "", listed).strip()
    return set() if listed.startswith("nothing") else {n.strip() for n in listed.split(",")}


def declared(text: str) -> tuple[set[str], set[str], set[str]]:
    """(reads, writes, reads too): `reads too` names what an earlier build or the published
    warehouse holds (`previous.`), which the run's order does not make."""
    match = HEADER.match(text)
    assert match, "no `-- reads:` / `-- writes:` lines at the top"
    return names(match["reads"]), names(match["writes"]), names(match["too"] or "nothing")


def used(text: str) -> tuple[set[str], set[str]]:
    """What the SQL itself reads and writes (comments left out; CTEs are not relations)."""
    code = "\n".join(line.split("--")[0] for line in text.splitlines())
    code = re.sub(r"DISTINCT\s+FROM", " ", code, flags=re.I)
    writes = set(CREATED.findall(code))
    reads = set(FROM_OR_JOIN.findall(code)) - set(WITH_NAME.findall(code)) - writes
    return {r for r in reads if not r.startswith("previous.")}, writes


@pytest.mark.parametrize("name", sorted(sql_files()))
def test_every_sql_file_says_at_its_top_what_it_reads_and_writes(name: str) -> None:
    text = sql_files()[name]
    reads, writes, too = declared(text)
    actual_reads, actual_writes = used(text)
    assert actual_reads == reads | {t for t in too if "." not in t}, (
        f"{name}.sql reads {sorted(actual_reads)}"
    )
    assert actual_writes == writes or not actual_writes, f"{name}.sql writes {actual_writes}"


def test_each_relation_a_file_reads_exists_at_that_point_of_the_declared_order() -> None:
    files = sql_files()
    order = sql_order([n for n in files if n.startswith("views/")])
    assert sorted(n for n in order if not n.startswith("python:")) == sorted(files), (
        "a file missing from the declared order (schemas/warehouse.py sql_order), or an "
        "entry without its file"
    )
    available: set[str] = set()
    for entry in order:
        if entry.startswith("python:"):
            available.add(entry.removeprefix("python:"))
            continue
        reads, writes, _ = declared(files[entry])
        assert reads <= available, f"{entry}.sql reads {sorted(reads - available)} before it exists"
        available |= writes


def test_the_order_check_finds_a_read_before_its_write() -> None:
    available: set[str] = set()
    late = [({"headline_figures"}, {"trends"}), (set(), {"headline_figures"})]
    missing = []
    for reads, writes in late:
        missing += sorted(reads - available)
        available |= writes
    assert missing == ["headline_figures"]
