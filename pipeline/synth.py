"""Synthetic case records at scale: `case-audit synth --rows N --out FILE [--error-rate R]`.

Contract-conforming rows across many fictional forces and inspections, generated with NumPy
in blocks (memory stays flat at any size) and written as CSV or Parquet by the file's
extension. The same seed gives the same file. With `--error-rate R`, that fraction of rows is
broken in known ways, each tied to one validation rule (see BREAKAGES), so tests and
benchmarks know exactly which rows must be quarantined.

Every name is invented: no real force, area or case is described. The rows are of the default
framework (ncpi@2016): its categories and levels are read from its file; which of its columns
hold what (custody and missing-children fields) is this generator's own model of such cases.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from schemas.frameworks import DEFAULT, catalogue
from schemas.rules import input_columns_of

BLOCK_ROWS = 500_000
FORCE_PARTS = (
    ("North", "South", "East", "West", "Upper", "Lower", "Great", "Old"),
    ("moor", "wold", "vale", "ford", "mere", "brook", "dale", "march"),
)
INSPECTION_YEARS = (2016, 2019, 2022)
AREAS_PER_FORCE = 12
CATEGORY_WEIGHTS = (0.10, 0.11, 0.13, 0.08, 0.19, 0.21, 0.10, 0.08)
RATING_WEIGHTS = (0.26, 0.46, 0.28)
FORCE_RATING_SHARE = 0.35
# rule code -> (column, broken value); missing_episodes breaks only missing_absent rows
BREAKAGES = (
    ("rating_unknown", "rating", "superb"),
    ("bool_invalid", "referred_back", "maybe"),
    ("audit_date_invalid", "audit_date", "2016-13-45"),
    ("category_unknown", "category", "burglary"),
    ("case_ref_format", "case_ref", "x"),
    ("required_missing", "force", ""),
)


def forces(count: int = 40) -> list[tuple[str, str]]:
    """(code, name) of `count` invented forces."""
    found = []
    for first in FORCE_PARTS[0]:
        for second in FORCE_PARTS[1]:
            name = f"{first}{second} Constabulary"
            found.append((f"{first[:2]}{second[:2]}".upper(), name))
    return found[:count]


def _pick(
    rng: np.random.Generator, values: tuple[str, ...], weights: object, size: int
) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=size, p=weights)]


def block(start: int, size: int, seed: int, error_rate: float) -> pa.Table:
    """Rows start..start+size-1 as an all-text Arrow table (empty string = empty cell)."""
    rng = np.random.default_rng([seed, start])
    force_list = forces()
    force_index = rng.integers(0, len(force_list), size)
    year_index = rng.integers(0, len(INSPECTION_YEARS), size)
    codes = np.array([c for c, _ in force_list], dtype=object)
    names = np.array([n for _, n in force_list], dtype=object)
    years = np.array(INSPECTION_YEARS)[year_index]
    inspection = codes[force_index] + "-NCPI-" + years.astype(str).astype(object)
    framework = catalogue()[DEFAULT]
    category = _pick(rng, tuple(framework.categories), CATEGORY_WEIGHTS, size)
    custody = category == "custody"
    missing = category == "missing_absent"
    day = rng.integers(0, 120, size)
    dates = (np.array([f"{y}-02-01" for y in years], dtype="datetime64[D]") + day).astype(str)
    empty = np.full(size, "", dtype=object)

    def flags(share: float, where: np.ndarray | None = None) -> np.ndarray:
        values = np.where(rng.random(size) < share, "true", "false").astype(object)
        return values if where is None else np.where(where, values, "")

    force_rating = np.where(
        rng.random(size) < FORCE_RATING_SHARE, _pick(rng, framework.force_levels, None, size), ""
    )
    columns = {
        "inspection_id": inspection,
        "force": names[force_index],
        "case_ref": np.char.mod("C%09d", np.arange(start, start + size)).astype(object),
        "area": codes[force_index]
        + np.char.mod(" Area %02d", rng.integers(1, AREAS_PER_FORCE + 1, size)),
        "category": category,
        "audit_date": dates.astype(object),
        "rating": _pick(rng, framework.rating.levels, RATING_WEIGHTS, size),
        "referred_back": flags(0.10),
        "force_rating": force_rating.astype(object),
        "charged": flags(0.95, custody),
        "bail_refused": flags(0.90, custody),
        "detained_until_court": flags(0.90, custody),
        "la_accommodation_requested": flags(0.10, custody),
        "missing_episodes": np.where(missing, rng.integers(1, 15, size).astype(str), empty),
        "cse_risk_assessed": flags(0.4, missing),
        "synthetic": np.full(size, "true", dtype=object),  # invented: marked so everywhere
    }
    if error_rate > 0:
        broken = np.flatnonzero(rng.random(size) < error_rate)
        for i, (_, column, value) in enumerate(BREAKAGES):
            rows = broken[i :: len(BREAKAGES)]
            columns[column] = columns[column].copy()
            columns[column][rows] = value
    names = _columns()
    return pa.table({name: pa.array(columns.get(name, empty), type=pa.string()) for name in names})


def _columns() -> tuple[str, ...]:
    """The default framework's input columns, in contract order."""
    return input_columns_of(catalogue()[DEFAULT])


def write(rows: int, out: Path, seed: int = 2016, error_rate: float = 0.0) -> Path:
    """Write `rows` synthetic rows to `out` (.csv or .parquet), block by block."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ValueError(f"{out}: use a .csv or .parquet file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([(name, pa.string()) for name in _columns()])
    options = pacsv.WriteOptions(quoting_style="none")  # synthetic values never need quotes
    writer = (
        pacsv.CSVWriter(out, schema, write_options=options)
        if suffix == ".csv"
        else pq.ParquetWriter(out, schema)
    )
    try:
        for start in range(0, rows, BLOCK_ROWS):
            writer.write_table(block(start, min(BLOCK_ROWS, rows - start), seed, error_rate))
    finally:
        writer.close()
    return out
