"""What a person sees in a cell or a header: one spelling for text that looks the same.

Two cells that differ only in invisible characters (zero-width spaces, joiners, direction
marks, soft hyphens, a BOM) or in Unicode composition (`é` as one code point or as `e` and a
combining accent) look identical in every report, so they must not become two areas or two
forces. Cells are read in Unicode NFC without invisible characters; headers also in NFKC
(full-width and other compatibility forms read as plain letters) so that no spelling slips
past the identifier screen.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.lazy import pd

# the format characters (Unicode category Cf) that can turn up in text
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def visible_text(text: str) -> str:
    """NFKC form without invisible characters: how a header is read."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def is_plain_text(text: str) -> bool:
    """Already in the form cells are read in (NFC, no invisible character)."""
    return unicodedata.is_normalized("NFC", text) and not INVISIBLE.search(text)


def visible_cells(cells: pd.Series) -> pd.Series:
    """Text cells in NFC without invisible characters; ASCII cells (nearly all) untouched."""
    odd = ~cells.str.isascii().fillna(True).astype(bool)
    if not odd.any():
        return cells
    fixed = cells[odd].str.normalize("NFC").str.replace(INVISIBLE, "", regex=True)
    out = cells.copy()
    out[odd] = fixed
    return out
