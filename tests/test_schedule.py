"""Next-check computation: a pure function, one row per behaviour."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from checker.engine.schedule import JITTER, next_check
from checker.settings import MonitorSettings

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
S = MonitorSettings(
    interval_s=86_400, min_interval_s=3_600, max_interval_s=30 * 86_400, confirm_interval_s=43_200
)
DAY = 86_400.0


@pytest.mark.parametrize(
    ("kwargs", "expected_wait", "expected_interval"),
    [
        # unchanged content stretches the interval by 1.5 per unchanged check
        ({"content_changed": False, "unchanged_checks": 0}, 1.5 * DAY, 1.5 * DAY),
        ({"content_changed": False, "interval_s": 1.5**3 * DAY, "unchanged_checks": 3},
         1.5**4 * DAY, 1.5**4 * DAY),
        # ... from where it is now: a source that changed recently slows down gradually
        ({"content_changed": False, "interval_s": DAY / 2}, 0.75 * DAY, 0.75 * DAY),
        # ... up to max_interval_s
        ({"content_changed": False, "interval_s": 25 * DAY}, 30 * DAY, 30 * DAY),
        # a change halves it (never below min_interval_s)
        ({"content_changed": True, "interval_s": 4 * DAY}, DAY / 2, DAY / 2),
        ({"content_changed": True, "interval_s": 3_000.0}, 3_600.0, 3_600.0),
        # nothing read (e.g. blocked): keep the interval
        ({"content_changed": None, "interval_s": 2 * DAY}, 2 * DAY, 2 * DAY),
        # a failing source is re-checked at confirm_interval_s, interval unchanged
        ({"content_changed": None, "failing": True, "interval_s": 5 * DAY}, DAY / 2, 5 * DAY),
        # a fresh article's sources at min_interval_s; an old article's at their interval
        ({"content_changed": False, "newest_article_at": NOW - timedelta(days=2)}, 3_600.0,
         1.5 * DAY),
        ({"content_changed": False, "newest_article_at": NOW - timedelta(days=300)},
         1.5 * DAY, 1.5 * DAY),
        # a failing source of a fresh article still waits for its confirmation re-check
        ({"content_changed": None, "failing": True, "newest_article_at": NOW}, DAY / 2, DAY),
        # Retry-After is honoured when longer than the planned wait, capped at the max
        ({"content_changed": None, "failing": True, "retry_after_s": 7_200.0}, 43_200.0, DAY),
        ({"content_changed": None, "interval_s": 60.0, "retry_after_s": 1_800.0}, 3_600.0,
         3_600.0),
        ({"content_changed": None, "newest_article_at": NOW, "retry_after_s": 7_200.0,
          "max_retry_after_s": 5_400.0}, 5_400.0, DAY),
    ],
)  # fmt: skip
def test_next_check(
    kwargs: dict[str, object], expected_wait: float, expected_interval: float
) -> None:
    args: dict[str, object] = {"source_id": 7, "interval_s": DAY, "unchanged_checks": 0,
                               "failing": False} | kwargs  # fmt: skip
    result = next_check(NOW, settings=S, **args)  # type: ignore[arg-type]
    wait = (result.next_check_at - NOW).total_seconds()
    assert expected_wait * (1 - JITTER) <= wait <= expected_wait * (1 + JITTER)
    assert result.interval_s == pytest.approx(expected_interval)
    if args["failing"]:
        assert wait >= expected_wait  # a confirmation re-check never comes early


def test_jitter_spreads_sources_imported_together() -> None:
    waits = {
        next_check(
            NOW,
            source_id=i,
            interval_s=DAY,
            unchanged_checks=0,
            content_changed=None,
            failing=False,
            settings=S,
        ).next_check_at
        for i in range(50)
    }
    assert len(waits) > 40


@pytest.mark.parametrize(
    ("content_changed", "before", "after"),
    [(False, 4, 5), (True, 4, 0), (None, 4, 4)],
)
def test_unchanged_checks_count_consecutive_identical_contents(
    content_changed: bool | None, before: int, after: int
) -> None:
    result = next_check(NOW, source_id=1, interval_s=DAY, unchanged_checks=before,
                        content_changed=content_changed, failing=False, settings=S)  # fmt: skip
    assert result.unchanged_checks == after


def test_min_interval_above_max_interval_wins() -> None:
    odd = MonitorSettings(min_interval_s=7_200, max_interval_s=3_600)
    result = next_check(NOW, source_id=1, interval_s=DAY, unchanged_checks=0,
                        content_changed=False, failing=False, settings=odd)  # fmt: skip
    assert result.interval_s == 7_200


def test_no_thundering_herd_when_a_thousand_sources_are_checked_together() -> None:
    minutes = Counter(
        next_check(NOW, source_id=i, interval_s=DAY, unchanged_checks=0, content_changed=None,
                   failing=False, settings=S).next_check_at.replace(second=0, microsecond=0)
        for i in range(1_000)
    )  # fmt: skip
    # ±10% of a day is ±144 minutes: about 3-4 sources a minute, never a crowd.
    assert len(minutes) > 200
    assert max(minutes.values()) <= 20
