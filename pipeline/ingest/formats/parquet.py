"""Parquet: record batches of the contract's columns only, typed values written as the text
a CSV would carry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import FileRefused
from pipeline.ingest.headers import looks_like_identifier, plan_headers
from pipeline.ingest.raw import CHUNK_ROWS, RawTable, too_wide, unreadable
from pipeline.lazy import pd

SUFFIX = ".parquet"
MAX_PARQUET_COLUMNS = 1_000  # as MAX_COLUMNS: a wider file is refused unread


def _arrow_kind(arrow_type: object) -> str | None:
    """How a Parquet column of this type becomes text, or None when it cannot: nested
    (struct, list, map), fixed-size binary and other types are never stored as their text
    rendering. Binary is text some writers store without saying so: read as UTF-8, and
    refused only when a value is not (`_utf8_text`)."""
    import pyarrow as pa

    t = pa.types
    if t.is_dictionary(arrow_type):
        return _arrow_kind(arrow_type.value_type)
    checks = (
        ("text", t.is_string),
        ("text", t.is_large_string),
        ("bool", t.is_boolean),
        ("integer", t.is_integer),
        ("float", t.is_floating),
        ("decimal", t.is_decimal),
        ("date", t.is_date),
        ("date", t.is_timestamp),
        ("empty", t.is_null),
    )
    if t.is_string_view(arrow_type):
        return "text"
    if any(check(arrow_type) for check in (t.is_binary, t.is_large_binary, t.is_binary_view)):
        return "binary"
    return next((kind for kind, check in checks if check(arrow_type)), None)


def _utf8_text(column: object, name: str, first_row: int) -> object:
    """A binary column as UTF-8 text, or the file refused naming the first value that is
    not UTF-8 by its row (never by its bytes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(column, pa.string())
    except pa.ArrowInvalid:
        values = column.to_pylist()  # only on the way to a refusal
        bad = next((i for i, value in enumerate(values) if not _decodes(value)), None)
        if bad is None:  # not the encoding: the file is damaged
            raise
        raise FileRefused(
            "file_column_type",
            f"column {name!r} holds bytes that are not UTF-8 text (first in row "
            f"{first_row + bad}); store it as a text (string) column and send the file "
            "again.",
        ) from None


def _decodes(value: bytes | None) -> bool:
    if value is None:
        return True
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _nested_names(field: object, prefix: str = "") -> Iterator[str]:
    """`column.field` for every field inside a struct, list or map column, at any depth."""
    import pyarrow as pa

    arrow_type = field.type
    if pa.types.is_dictionary(arrow_type):
        return
    children = (
        [arrow_type.field(i) for i in range(arrow_type.num_fields)]
        if isinstance(arrow_type, pa.DataType) and arrow_type.num_fields
        else []
    )
    for child in children:
        name = f"{prefix}{field.name}.{child.name}"
        yield name
        yield from _nested_names(child, f"{prefix}{field.name}.")


def _parquet_text(column: object, kind: str, name: str, first_row: int) -> pd.Series:
    """A Parquet column (`name`, its first value on spreadsheet row `first_row`) as the text
    a CSV would carry: whole numbers without `.0` (decimals `2.00` read `2`), dates as ISO
    days, booleans `true`/`false`, bytes as UTF-8, missing as empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = pc.cast(column, column.type.value_type)
    if kind == "bool":
        text = pc.if_else(column, "true", "false")
    elif kind == "date":
        text = pc.strftime(column, format="%Y-%m-%d")
    elif kind in ("float", "decimal"):
        whole = pc.equal(pc.floor(column), column)
        plain = pc.cast(column, pa.string())
        if kind == "decimal":  # 2.50 -> 2.5, 2.00 -> 2
            plain = pc.replace_substring_regex(plain, r"(\.[0-9]*?)0+$", r"\1")
            plain = pc.replace_substring_regex(plain, r"\.$", "")
        else:
            rounded = pc.cast(pc.floor(pc.if_else(whole, column, 0)), pa.float64())
            small = pc.less_equal(pc.abs(rounded), 2.0**53)
            as_int = pc.cast(pc.if_else(small, rounded, 0), pa.int64())
            plain = pc.if_else(pc.and_(whole, small), pc.cast(as_int, pa.string()), plain)
        text = plain
    elif kind == "binary":
        text = _utf8_text(column, name, first_row)
    elif kind == "empty":
        text = pa.nulls(len(column), pa.string())
    else:
        text = pc.cast(column, pa.string())
    return pd.Series(pc.fill_null(text, "").to_numpy(zero_copy_only=False), dtype=str)


def read(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawTable]:
    """A Parquet file in record batches; typed columns become the text a CSV would carry.

    Only the contract's columns are read: any other column is dropped unread (its name still
    goes through the identifier screen, nested field names included). A contract column of
    a type that is not flat (struct, list, map, fixed-size binary, time, ...) refuses the
    file, and so does a binary one holding a value that is not UTF-8.
    """
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except Exception as exc:  # pyarrow raises many types for a file that is not Parquet
        raise unreadable(f"it is not a readable Parquet file ({type(exc).__name__})") from None
    if len(schema) > MAX_PARQUET_COLUMNS:
        raise too_wide(len(schema))
    nested = [name for field in schema for name in _nested_names(field)]
    if hidden := [name for name in nested if looks_like_identifier(name.rsplit(".", 1)[-1])]:
        raise FileRefused(
            "file_identifier_column",
            f"nested field {', '.join(map(repr, hidden))} looks like a direct identifier; "
            "remove it and send the file again. Nothing of this file was stored.",
        )
    headers = [str(name) for name in schema.names]
    # duplicate or missing columns refused before any read; identifier columns are screened
    # where every format's are (`files`), and a column not in the contract is never read
    wanted = sorted(plan_headers(headers, screen=False).positions.values())
    kinds = {i: _arrow_kind(schema.field(i).type) for i in wanted}
    if odd := [i for i, kind in kinds.items() if kind is None]:
        described = ", ".join(f"{headers[i]!r} ({schema.field(i).type})" for i in odd)
        raise FileRefused(
            "file_column_type",
            f"column {described} is not a flat column of text, numbers, dates or booleans; "
            "store one plain value per cell and send the file again.",
        )
    try:
        batches = parquet.iter_batches(
            batch_size=chunk_rows, columns=[headers[i] for i in wanted], use_pandas_metadata=False
        )
        next_row = 2
        for batch in batches:
            rows = batch.num_rows
            empty = pd.Series([""] * rows, dtype=str)
            body = pd.DataFrame(
                {
                    i: _parquet_text(batch.column(wanted.index(i)), kinds[i], headers[i], next_row)
                    if i in kinds
                    else empty
                    for i in range(len(headers))
                },
                index=range(rows),
            )
            yield RawTable(headers, body, pd.Series(range(next_row, next_row + rows)))
            next_row += rows
    except FileRefused:
        raise
    except Exception as exc:  # a damaged page or row group
        raise unreadable(f"it is not a readable Parquet file ({type(exc).__name__})") from None
