"""The area tables as the feeds last released them: their true counts, the cells withheld
and the bands shown, kept so that the next release is checked against this one (disclosure
across releases, docs/publication.md). In the staging database beside build_state, never
published: it holds the small counts the feeds withheld."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from pipeline.lazy import np, pd
from pipeline.publish.disclosure import Release

TABLE = "staging.area_release"
COLUMNS = {
    "inspection_id": "VARCHAR",
    "framework": "VARCHAR",
    "area": "VARCHAR",  # NULL: the cases whose area was not recorded
    "measure": "VARCHAR",
    "value": "DOUBLE",  # the true count
    "hidden": "BOOLEAN",
    "small": "BOOLEAN",  # withheld for being small (primary suppression)
    "band_low": "INTEGER",  # the band of the share not good shown (on not_good), else NULL
    "band_high": "INTEGER",
    "source_run_id": "VARCHAR",  # the run that published the warehouse it was made from
    "released_at": "TIMESTAMP WITH TIME ZONE",
}


@dataclass
class AreaRelease:
    """A release of the area tables as the feeds make it: each inspection's cells, the last
    release it is checked against (`before`, its cells as recorded) and the inspections
    whose tables were coarsened or withheld whole to keep both safe together."""

    before: pd.DataFrame
    parts: list[pd.DataFrame] = field(default_factory=list)
    done: dict[str, list[str]] = field(default_factory=lambda: {"coarsened": [], "withheld": []})

    @classmethod
    def against(cls, before: pd.DataFrame | None) -> AreaRelease:
        return cls(pd.DataFrame(columns=list(COLUMNS)) if before is None else before)

    def last_of(self, inspection: str, framework: str) -> pd.DataFrame | None:
        """The last release's cells of one inspection, when it had the same framework (a
        table of another scale has other measures: not compared)."""
        rows = self.before[self.before["inspection_id"] == inspection]
        if rows.empty or (rows["framework"] != framework).any():
            return None
        return rows

    def add(self, cells: pd.DataFrame, done: str) -> None:
        self.parts.append(cells)
        if done:
            self.done[done].append(str(cells["inspection_id"].iloc[0]))

    @property
    def compared_with(self) -> str | None:
        """The run that published the warehouse the last release was made from."""
        return None if self.before.empty else str(self.before["source_run_id"].iloc[0])

    def cells(self, run_id: str) -> pd.DataFrame:
        """This release's cells as `record_release` keeps them (`run_id`: the run that
        published the warehouse it is made from)."""
        frame = pd.concat(self.parts, ignore_index=True) if self.parts else None
        if frame is None:
            return pd.DataFrame(columns=list(COLUMNS))
        return frame.assign(source_run_id=run_id, released_at=dt.datetime.now(dt.UTC))

    def summary(self) -> dict[str, object]:
        """For the manifest: what this release was checked against and what it changed."""
        return {
            "compared_with_run": self.compared_with,
            "coarsened": self.done["coarsened"],
            "withheld": self.done["withheld"],
        }


def _ensure(conn: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
    conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({columns})")


def last_release(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The last release's area cells, in the order they were released (empty before any)."""
    _ensure(conn)
    return conn.execute(f"SELECT * FROM {TABLE} ORDER BY rowid").df()


def record_release(conn: duckdb.DuckDBPyConnection, released: pd.DataFrame) -> None:
    """Replace the record with this release's area cells (`released`: COLUMNS)."""
    _ensure(conn)
    frame = released[list(COLUMNS)]  # noqa: F841 (read by DuckDB by name)
    conn.execute(f"DELETE FROM {TABLE}")
    conn.execute(f"INSERT INTO {TABLE} SELECT * FROM frame")


def cells(
    inspection: str, framework: str, areas: list, measures: tuple[str, ...], release: Release
) -> pd.DataFrame:
    """One inspection's area table as released, a row per (area, measure) (COLUMNS without
    the run and time, which the whole release shares)."""
    rows, width = release.values.shape
    band = np.full((rows, width, 2), np.nan)
    for row, (low, high) in release.bands.items():
        band[row, measures.index("not_good")] = (low, high)
    return pd.DataFrame(
        {
            "inspection_id": inspection,
            "framework": framework,
            "area": np.repeat(np.array(areas, dtype=object), width),
            "measure": np.tile(np.array(measures, dtype=object), rows),
            "value": release.values.ravel(),
            "hidden": release.hidden.ravel(),
            "small": release.small.ravel(),
            "band_low": pd.array(band[..., 0].ravel(), dtype="Int32"),
            "band_high": pd.array(band[..., 1].ravel(), dtype="Int32"),
        }
    )


def aligned(before: pd.DataFrame, areas: list, measures: tuple[str, ...]) -> tuple[list, Release]:
    """One inspection's last release over the areas of both releases: this release's
    `areas` in order, then those only the last one had; an area a release did not have is a
    row of published zeros in it (no case there). Returns (the areas, the last release)."""
    key = before["area"].where(before["area"].notna(), None)
    known = list(dict.fromkeys(key))
    union = list(areas) + [a for a in known if a not in areas]
    width = len(measures)
    values = np.zeros((len(union), width))
    hidden = np.zeros((len(union), width), dtype=bool)
    small = np.zeros((len(union), width), dtype=bool)
    at = {area: i for i, area in enumerate(union)}
    rows = before.assign(row=[at[a] for a in key], column=before["measure"].map(measures.index))
    values[rows["row"], rows["column"]] = rows["value"].to_numpy(dtype=float)
    hidden[rows["row"], rows["column"]] = rows["hidden"].to_numpy(dtype=bool)
    small[rows["row"], rows["column"]] = rows["small"].to_numpy(dtype=bool)
    banded = rows[rows["band_low"].notna()]
    bands = {
        int(r): (int(low), int(high))
        for r, low, high in zip(banded["row"], banded["band_low"], banded["band_high"], strict=True)
    }
    return union, Release(values, hidden, small, bands)
