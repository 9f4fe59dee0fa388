"""Each headline figure's case digests (figure_digests): the SHA-256 of its case_keys, sorted
and joined by a line feed, for the numerator and the denominator.

In SQL this is a `string_agg(... ORDER BY case_key)` per figure, which holds every key of
every figure at once: 1M cases with ten metrics need more than the run's 1 GB and the run
failed. Here DuckDB sorts metric_cases (spilling to disk beyond its memory limit) and hands
it over in Arrow batches; each batch's keys are joined per figure by Arrow and fed to the
figure's running SHA-256, so memory holds one batch, whatever the number of cases."""

from __future__ import annotations

import hashlib

import duckdb

from pipeline.lazy import pd

BATCH_ROWS = 1_000_000
SEPARATOR = "\x1f"  # between a figure's inspection_id and metric (neither holds it)


def fill(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    """Fill `table` (inspection_id, metric, numerator_digest, denominator_digest) from
    metric_cases: a row per figure, the digest of no cases that of the empty text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sides = ("in_numerator", "in_denominator")
    running: dict[str, list] = {}  # figure -> [sha256, any key yet] per side
    reader = conn.sql(
        f"SELECT inspection_id || '{SEPARATOR}' || metric AS figure, {', '.join(sides)}, "
        "case_key FROM metric_cases ORDER BY inspection_id, metric, case_key"
    ).to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        for figure in pc.unique(batch.column("figure")).to_pylist():
            running.setdefault(figure, [[hashlib.sha256(), False] for _ in sides])
        for at, side in enumerate(sides):
            part = batch.filter(batch.column(side))
            if part.num_rows == 0:
                continue
            figures = part.column("figure")
            starts = (
                pc.indices_nonzero(
                    pc.not_equal(figures.slice(1), figures.slice(0, len(figures) - 1))
                ).to_numpy()
                + 1
            )
            offsets = pa.array([0, *starts.tolist(), part.num_rows], type=pa.int32())
            keys = pa.ListArray.from_arrays(offsets, part.column("case_key"))
            joined = pc.binary_join(keys, "\n").to_pylist()
            named = pc.take(figures, offsets[:-1]).to_pylist()
            for figure, text in zip(named, joined, strict=True):
                digest = running[figure][at]
                digest[0].update((("\n" if digest[1] else "") + text).encode())
                digest[1] = True
    rows = [
        (*figure.split(SEPARATOR, 1), *(digest.hexdigest() for digest, _ in sides_of))
        for figure, sides_of in running.items()
    ]
    frame = pd.DataFrame(  # noqa: F841 (read by DuckDB by name)
        rows, columns=["inspection_id", "metric", "numerator_digest", "denominator_digest"]
    )
    conn.execute(f'INSERT INTO "{table}" SELECT * FROM frame')
