"""Each headline figure's case digests (figure_digests): the SHA-256 of its case_keys, sorted
and joined by a line feed, for the numerator and the denominator.

In SQL this is a `string_agg(... ORDER BY case_key)` per figure, which holds every key of
every figure at once: 1M cases with ten metrics need more than the run's 1 GB, and the run
failed. Sorting metric_cases instead (10M rows) costs 6 s. So DuckDB folds metric_cases to
one row per case, sorted by inspection and case_key, with a bit per metric for the numerator
and one for the denominator (a million rows: about a second, spilling beyond its memory
limit); in Arrow batches, each metric's keys are picked by their bit, joined per inspection
and fed to the figure's running SHA-256. Memory holds one batch, whatever the cases."""

from __future__ import annotations

import hashlib

import duckdb

from pipeline.lazy import np, pd

BATCH_ROWS = 1_000_000
BITS = 60  # metrics folded per pass: metric_order 1 to 60, then 61 to 120, ...


def fill(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    """Fill `table` (inspection_id, metric, numerator_digest, denominator_digest) from
    metric_cases: a row per figure, the digest of no cases that of the empty text."""
    figures = conn.execute(
        "SELECT DISTINCT inspection_id, metric_order, metric FROM metric_cases"
    ).fetchall()
    running = {(i, order): [hashlib.sha256(), hashlib.sha256()] for i, order, _ in figures}
    started: set[tuple[str, int, int]] = set()  # (inspection, order, side) with a key yet
    last = max((order for _, order, _ in figures), default=0)
    for base in range(0, last, BITS):
        _fold(conn, base, running, started)
    names = {(i, order): metric for i, order, metric in figures}
    frame = pd.DataFrame(  # noqa: F841 (read by DuckDB by name)
        [
            (i, names[(i, order)], numerator.hexdigest(), denominator.hexdigest())
            for (i, order), (numerator, denominator) in running.items()
        ],
        columns=["inspection_id", "metric", "numerator_digest", "denominator_digest"],
    )
    conn.execute(f'INSERT INTO "{table}" SELECT * FROM frame')


def _fold(
    conn: duckdb.DuckDBPyConnection, base: int, running: dict, started: set[tuple[str, int, int]]
) -> None:
    """Feed the keys of the metrics base+1 to base+BITS to their figures' digests."""
    import pyarrow as pa
    import pyarrow.compute as pc

    bit = f"(1::UBIGINT << (metric_order - {base} - 1))"
    within = f"metric_order > {base} AND metric_order <= {base + BITS}"
    reader = conn.sql(
        f"SELECT inspection_id, case_key, "
        f"bit_or(CASE WHEN in_numerator THEN {bit} ELSE 0 END)::UBIGINT AS numerator, "
        f"bit_or(CASE WHEN in_denominator THEN {bit} ELSE 0 END)::UBIGINT AS denominator "
        f"FROM metric_cases WHERE {within} "
        "GROUP BY inspection_id, case_key ORDER BY inspection_id, case_key"
    ).to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        for side, column in enumerate(("numerator", "denominator")):
            bits = batch.column(column).to_numpy()
            for at in np.flatnonzero(
                np.bitwise_or.reduce(bits, initial=np.uint64(0)) >> np.arange(BITS, dtype=np.uint64)
                & 1
            ):
                part = batch.filter(pa.array((bits >> np.uint64(at)) & np.uint64(1) == 1))
                inspections = part.column("inspection_id")
                starts = (
                    pc.indices_nonzero(
                        pc.not_equal(inspections.slice(1), inspections.slice(0, len(part) - 1))
                    ).to_numpy()
                    + 1
                )
                offsets = pa.array([0, *starts.tolist(), len(part)], type=pa.int32())
                keys = pa.ListArray.from_arrays(offsets, part.column("case_key"))
                joined = pc.binary_join(keys, "\n").to_pylist()
                named = pc.take(inspections, offsets[:-1]).to_pylist()
                order = base + int(at) + 1
                for inspection, text in zip(named, joined, strict=True):
                    mark = (inspection, order, side)
                    prefix = "\n" if mark in started else ""
                    running[(inspection, order)][side].update((prefix + text).encode())
                    started.add(mark)
