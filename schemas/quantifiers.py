"""The rulebook of verbal quantifiers (`quantifiers.toml`): how a claim's wording alone
("almost three-quarters", "more than three in four", "just under 93%") is read as an interval
of percentages. Stated once, as data; `claim_checks` is rendered from it (its SQL reads the
wording), so a run and `case-audit claim` judge a wording the same way."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

RULEBOOK = Path(__file__).resolve().parent / "quantifiers.toml"
WORDS = re.compile(r"[a-z]+( [a-z]+)*")
ENDS = ("[]", "[)", "(]", "()")


@dataclass(frozen=True)
class Bound:
    """An interval's description: `low` and `high` as SQL over the quantity's value `v`."""

    low: str
    high: str
    ends: str

    @property
    def words(self) -> str:
        """The interval as the docs write it: `[v - 5, v)`."""

        def plain(sql: str) -> str:
            found = re.fullmatch(r"\(v \+ (-?[0-9.]+)\)", sql)
            if not found:
                return sql.removesuffix(".0")
            points = float(found[1])
            return "v" if points == 0 else f"v {'-' if points < 0 else '+'} {abs(points):g}"

        return f"{self.ends[0]}{plain(self.low)}, {plain(self.high)}{self.ends[1]}"


@dataclass(frozen=True)
class Rulebook:
    numbers: dict[str, float]
    fractions: dict[str, float]
    modifiers: dict[str, Bound]  # modifier words -> its interval around v
    phrases: dict[str, Bound]  # a whole quantifier -> its interval
    bare: str  # the modifier a bare ratio or fraction reads as

    @property
    def pattern(self) -> str:
        """One regular expression (RE2, as DuckDB runs it) whose groups are, in order: a
        phrase; a modifier; a percentage; a count and what it is out of; a ratio's two
        numbers; a fraction (GROUPS). Its leftmost match is the wording's quantifier."""

        def either(words: Iterable[str]) -> str:  # longest first: `a half` before `half`
            ordered = sorted(words, key=len, reverse=True)
            return "|".join(w.replace(" ", r"\s+") for w in ordered)

        number = rf"\d+|(?:{either(self.numbers)})\b"
        return (
            rf"\b(?:({either(self.phrases)})\b|(?:({either(self.modifiers)})\s+)?"
            rf"(?:(\d+(?:\.\d+)?)%|(\d+)\s+out\s+of\s+(\d+)|({number})\s+(?:in|out\s+of)\s+"
            rf"({number})|({either(self.fractions)})\b))"
        )


GROUPS = ("phrase", "modifier", "percent", "count", "count_of", "ratio", "ratio_of", "fraction")


class RulebookError(ValueError):
    """The rulebook file is not as its header says (a product defect, not a user's)."""


def _bound(low: object, high: object, ends: object, where: str) -> Bound:
    def side(value: object) -> str:
        if isinstance(value, str) and value in {"0", "100"}:
            return value  # an open end: the scale's own
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"(v + {float(value)!r})"
        raise RulebookError(f"{RULEBOOK}: {where}: {value!r} is neither points nor 0 / 100")

    if ends not in ENDS:
        raise RulebookError(f"{RULEBOOK}: {where}: ends must be one of {', '.join(ENDS)}")
    return Bound(side(low), side(high), str(ends))


@functools.cache
def rulebook() -> Rulebook:
    data = tomllib.loads(RULEBOOK.read_text(encoding="utf-8"))
    modifiers: dict[str, Bound] = {}
    for i, entry in enumerate(data["modifiers"]):
        bound = _bound(entry["low"], entry["high"], entry["ends"], f"modifiers[{i}]")
        for word in entry["words"]:
            modifiers[word] = bound
    phrases = {}
    for phrase, (low, high, ends) in data["phrases"].items():
        if ends not in ENDS or not 0 <= low <= high <= 100:
            raise RulebookError(f"{RULEBOOK}: phrases.{phrase}: [low, high, ends] in 0..100")
        phrases[phrase] = Bound(repr(float(low)), repr(float(high)), ends)
    if data["bare"] not in modifiers:
        raise RulebookError(f"{RULEBOOK}: bare: {data['bare']!r} is not a modifier")
    found = Rulebook(data["numbers"], data["fractions"], modifiers, phrases, data["bare"])
    for word in [*found.numbers, *found.fractions, *found.modifiers, *found.phrases]:
        if not WORDS.fullmatch(word):
            raise RulebookError(f"{RULEBOOK}: {word!r}: lower-case words and single spaces only")
    return found
