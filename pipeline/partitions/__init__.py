"""Partitioned runs by inspection: one run per folder below the input folder, each building
its own warehouse, then one merge into the published warehouse (see docs/scaling.md)."""
