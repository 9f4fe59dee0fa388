"""The freshness check's words: how old the warehouse is and what the limit is."""

from __future__ import annotations

import datetime as dt

from pipeline.operations.freshness import in_words, judge


def test_ages_in_words() -> None:
    assert in_words(30) == "less than a minute"
    assert in_words(60) == "1 minute"
    assert in_words(3 * 3600 + 12 * 60 + 5) == "3 hours 12 minutes"
    assert in_words(2 * 86400 + 4 * 3600 + 7 * 60) == "2 days 4 hours"
    assert in_words(26 * 3600) == "1 day 2 hours"


def test_the_verdict_names_the_age_the_time_and_the_limit() -> None:
    published = dt.datetime(2026, 12, 1, 11, 20, tzinfo=dt.UTC).timestamp()
    limit = dt.timedelta(hours=26)
    fresh = judge(published, published + 3 * 3600 + 12 * 60, limit)
    assert fresh.passed and fresh.description == (
        "The warehouse was last published 3 hours 12 minutes ago (2026-12-01 11:20 UTC), "
        "within the limit of 1 day 2 hours."
    )
    stale = judge(published, published + 30 * 3600, limit)
    assert not stale.passed and stale.description.endswith(
        "older than the limit of 1 day 2 hours: a run is overdue."
    )
    never = judge(None, published, limit)
    assert not never.passed and "not been published yet" in never.description
