"""What a person sees in a cell or a header: one spelling for text that looks the same.

Two cells that differ only in invisible characters or in Unicode composition (`é` as one
code point or as `e` and a combining accent) look identical in every report, so they must
not become two areas or two forces. Invisible means the Unicode property
`Default_Ignorable_Code_Point` (zero-width spaces and joiners, direction marks, soft hyphens,
a BOM, variation selectors, the combining grapheme joiner, Mongolian selectors, tag
characters, Hangul fillers, ...: whatever the Unicode version of the `regex` package
lists), not a list of our own, plus the interlinear annotation marks (U+FFF9-U+FFFB:
format characters the property leaves out because a renderer may show them, that most
never do). Cells are read without them in NFC; headers also in NFKC (full-width and other
compatibility forms read as plain letters) so that no spelling slips past the identifier
screen. No such character is ASCII, so ASCII text (nearly all) is never touched.
"""

from __future__ import annotations

import functools
import unicodedata

from pipeline.lazy import pd

INVISIBLE_PROPERTY = r"[\p{Default_Ignorable_Code_Point}\uFFF9-\uFFFB]"


@functools.cache
def invisible() -> object:
    """The compiled `regex` pattern of one invisible character (Python's `re` knows no
    Unicode properties); compiled at first use, so ASCII-only runs never import `regex`."""
    import regex

    return regex.compile(INVISIBLE_PROPERTY)


def _visible(text: str, form: str) -> str:
    """`text` without invisible characters, then in `form`. Removed first: a combining
    grapheme joiner between `e` and an accent keeps NFC from composing them."""
    return unicodedata.normalize(form, invisible().sub("", text))


def visible_text(text: str) -> str:
    """NFKC form without invisible characters: how a header is read."""
    return text if text.isascii() else _visible(text, "NFKC")


def is_plain_text(text: str) -> bool:
    """Already in the form cells are read in (NFC, no invisible character)."""
    if text.isascii():
        return True
    return unicodedata.is_normalized("NFC", text) and not invisible().search(text)


def visible_cells(cells: pd.Series) -> pd.Series:
    """Text cells in NFC without invisible characters; ASCII cells (nearly all) untouched,
    each distinct other value worked out once."""
    odd = ~cells.str.isascii().fillna(True).astype(bool)
    if not odd.any():
        return cells
    values = cells[odd]
    plain = {value: _visible(value, "NFC") for value in values.unique()}
    out = cells.copy()
    out[odd] = values.map(plain)
    return out
