"""How old the published warehouse is, in words, against the limit operations set
(CASE_AUDIT_MAX_AGE_HOURS): what the freshness check says in the UI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def in_words(seconds: float) -> str:
    """`less than a minute`, `5 minutes`, `3 hours 12 minutes`, `2 days 4 hours`."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    named = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(named[:2])


@dataclass(frozen=True)
class Freshness:
    passed: bool
    description: str
    age_seconds: float | None


def judge(last_published: float | None, now: float, limit: dt.timedelta) -> Freshness:
    """Whether the warehouse published at `last_published` (seconds since the epoch; None:
    never) is within `limit` at `now`, said as a person would."""
    allowed = in_words(limit.total_seconds())
    if last_published is None:
        return Freshness(
            False, f"The warehouse has not been published yet; the limit is {allowed}.", None
        )
    age = max(now - last_published, 0.0)
    when = dt.datetime.fromtimestamp(last_published, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    said = f"The warehouse was last published {in_words(age)} ago ({when})"
    if age <= limit.total_seconds():
        return Freshness(True, f"{said}, within the limit of {allowed}.", age)
    return Freshness(False, f"{said}, older than the limit of {allowed}: a run is overdue.", age)
