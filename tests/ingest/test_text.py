"""Invisible characters by their Unicode property: none survives in a header or a cell.

Every code point of `Default_Ignorable_Code_Point` (enumerated from the `regex` package,
cross-checked for assigned characters against `unicodedata`, so the test is not the product
asking itself) is written into headers, areas and forces; each must read as its plain
spelling, whichever character it is.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import regex

from pipeline.ingest.files import read_case_file
from pipeline.ingest.formats import csv_duckdb
from pipeline.ingest.headers import header_tokens, looks_like_identifier, normalise_header
from pipeline.ingest.raw import CHUNK_ROWS
from pipeline.ingest.text import is_plain_text, visible_cells, visible_text
from tests.helpers import COLUMNS, case, write_csv

# the interlinear annotation marks: format characters the property leaves out, removed too
ANNOTATION_MARKS = ["\ufff9", "\ufffa", "\ufffb"]
# PropList.txt: Other_Default_Ignorable_Code_Point (its assigned characters) and
# Prepended_Concatenation_Mark; DerivedCoreProperties.txt leaves out of the property the
# annotation marks and the Egyptian hieroglyph format controls too
OTHER_IGNORABLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0}
PREPENDED_MARKS = {*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2}
PREPENDED_MARKS |= {0x110BD, 0x110CD}
PREPENDED_MARKS_TEXT = {chr(cp) for cp in PREPENDED_MARKS}
NOT_IGNORABLE_FORMAT = {*range(0xFFF9, 0xFFFC), *range(0x13430, 0x13440)}


@functools.cache
def ignorable() -> tuple[str, ...]:
    """Every code point of the property, assigned or not (some 4,000)."""
    every = "".join(map(chr, range(0x110000)))
    return tuple(regex.findall(r"\p{Default_Ignorable_Code_Point}", every))


def invisible() -> list[str]:
    return [*ignorable(), *ANNOTATION_MARKS]


def _assigned(character: str) -> bool:
    return unicodedata.category(character) != "Cn"


def _ignorable_kind(c: str) -> bool:
    """A format character, a variation selector or one of the other ignorables."""
    named_selector = "VARIATION SELECTOR" in unicodedata.name(c, "")
    return unicodedata.category(c) == "Cf" or named_selector or ord(c) in OTHER_IGNORABLE


def test_the_property_is_what_unicode_derives_it_from() -> None:
    """Cf, variation selectors and Other_Default_Ignorable_Code_Point, less white space,
    prepended concatenation marks and the format characters a renderer must show: computed
    here from `unicodedata` for every character it knows, it is the set enumerated, and
    the set a cell loses; the format characters left out (shown by a renderer) stay."""
    left_out = PREPENDED_MARKS | NOT_IGNORABLE_FORMAT
    derived = {
        c
        for c in map(chr, range(0x110000))
        if _assigned(c) and _ignorable_kind(c) and not c.isspace() and ord(c) not in left_out
    }
    enumerated = {c for c in ignorable() if _assigned(c)}
    assert enumerated == derived
    assert len(ignorable()) > 4_000  # the unassigned reserved ranges (tags, U+2065, ...) too
    # the characters the issue met are in it
    assert {"\u034f", "\ufe0f", "\u180b", "\U000e0020", "\U000e0041", "\u200b"} <= set(derived)
    cells = pd.Series([f"a{c}b" for c in sorted(derived | PREPENDED_MARKS_TEXT)], dtype=str)
    kept = {text[1:-1] for text in visible_cells(cells) if text != "ab"}
    assert kept == PREPENDED_MARKS_TEXT


def test_no_invisible_character_is_ascii() -> None:
    """ASCII text is left untouched (the fast path), which is right only because of this."""
    assert not any(c.isascii() for c in invisible())


def test_no_invisible_character_survives_in_a_header() -> None:
    for c in invisible():
        assert normalise_header(f"case{c}_ref") == "case_ref", hex(ord(c))
        assert normalise_header(f"{c}Rating{c}") == "rating", hex(ord(c))
        assert not set(visible_text(f"Ar{c}e{c}\u0301a")) & set(invisible()), hex(ord(c))


@pytest.mark.parametrize("header", ["Child Na{}me", "Home Add{}ress", "N{}HS No", "D{}O{}B"])
def test_identifiers_spelt_with_any_invisible_character_are_identifiers(header: str) -> None:
    for c in invisible():
        spelt = header.replace("{}", c)
        assert looks_like_identifier(spelt), (header, hex(ord(c)))
        assert header_tokens(spelt) == header_tokens(header.replace("{}", ""))


def test_no_invisible_character_survives_in_a_cell() -> None:
    characters = invisible()
    around = [f"{c}Northtown{c}{c}" for c in characters]
    cells = pd.Series([f"North{c}town" for c in characters] + around, dtype=str)
    read = visible_cells(cells)
    assert read.unique().tolist() == ["Northtown"]


def test_an_invisible_character_between_letter_and_accent_still_composes() -> None:
    """`e`, a combining grapheme joiner (or any such), an acute accent: read as `é`, the
    same value as the one written `é`, not `e` and a loose accent."""
    cells = pd.Series(["Caf\u00e9", *[f"Cafe{c}\u0301" for c in invisible()]], dtype=str)
    assert visible_cells(cells).unique().tolist() == ["Caf\u00e9"]
    assert all(visible_text(f"Cafe{c}\u0301") == "Caf\u00e9" for c in invisible())


def test_ascii_and_visible_text_read_as_written() -> None:
    cells = pd.Series(["Northtown", "Harbour \u2013 \u00a3side", "Caf\u00e9", "\u041c\u043e"])
    assert visible_cells(cells).tolist() == cells.tolist()
    assert all(is_plain_text(v) for v in cells)


def test_plain_text_means_nothing_to_remove() -> None:
    """`csv_duckdb` reads a file as is only when `is_plain_text`: it must say no for every
    text the careful path would change."""
    written = [f"North{c}town" for c in invisible()]
    assert not any(is_plain_text(text) for text in written)
    assert all(is_plain_text(text) for text in visible_cells(pd.Series(written)))


def test_fast_csv_reader_declines_a_file_with_invisible_characters(tmp_path: Path) -> None:
    rows = [case(case_ref=f"C-{n}", area=f"North{c}town") for n, c in enumerate(invisible())]
    path = write_csv(tmp_path / "a.csv", rows)
    assert csv_duckdb.read(path, CHUNK_ROWS) is None
    frame, report = read_case_file(path, "a.csv")
    assert report.status == "read"
    assert frame["area"].unique().tolist() == ["Northtown"]


def test_areas_and_forces_differing_by_invisible_characters_are_one_value(
    tmp_path: Path,
) -> None:
    spellings = ["\u180b", "\ufe0f", "\U000e0041", "\u034f", "\U000e0100", "\u2060"]
    rows = [
        case(case_ref=f"C-{n}", area=f"North{c}town", force=f"Northwold{c} Constabulary")
        for n, c in enumerate(spellings)
    ]
    path = write_csv(tmp_path / "a.csv", rows, list(COLUMNS))
    frame, _ = read_case_file(path, "a.csv")
    assert frame["area"].unique().tolist() == ["Northtown"]
    assert frame["force"].unique().tolist() == ["Northwold Constabulary"]
