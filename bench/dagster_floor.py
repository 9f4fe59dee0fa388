"""The Dagster floor for the benchmarks: a fresh process materialising three trivial assets
in-process. Not part of the product.

With `--frozen-exit` it also skips the interpreter's final garbage collection, as the
`case-audit` command does: the benchmark reports ratios against both floors.
"""

import gc
import sys

import dagster as dg


@dg.asset
def a() -> int:
    return 1


@dg.asset
def b(a: int) -> int:
    return a + 1


@dg.asset
def c(b: int) -> int:
    return b + 1


if __name__ == "__main__":
    result = dg.materialize([a, b, c])
    assert result.success
    if "--frozen-exit" in sys.argv:  # exit as `case-audit` does (pipeline.cli.entry)
        gc.freeze()
