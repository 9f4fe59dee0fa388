"""The Dagster floor for the benchmarks: a fresh process materialising three trivial assets
in-process. Not part of the product."""

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
