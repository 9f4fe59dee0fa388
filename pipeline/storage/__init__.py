"""Where a run reads and writes: its folders and build database, SQL files, build state,
locks, atomic replacement, literal paths for DuckDB, the pseudonym key. The base every
layer above builds on; imports nothing of them."""
