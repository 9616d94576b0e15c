"""Next-check computation: a pure function, one row per behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from checker.schedule import JITTER, next_check
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
        ({"content_changed": False, "unchanged_checks": 3}, 1.5**4 * DAY, 1.5**4 * DAY),
        # ... up to max_interval_s
        ({"content_changed": False, "unchanged_checks": 40}, 30 * DAY, 30 * DAY),
        # a change halves it (never below min_interval_s)
        ({"content_changed": True, "interval_s": 4 * DAY}, DAY / 2, DAY / 2),
        ({"content_changed": True, "interval_s": 3_000.0}, 3_600.0, 3_600.0),
        # nothing read (e.g. blocked): keep the interval
        ({"content_changed": None, "interval_s": 2 * DAY}, 2 * DAY, 2 * DAY),
        # a failing source is re-checked at confirm_interval_s, interval unchanged
        ({"content_changed": None, "failing": True, "interval_s": 5 * DAY}, DAY / 2, 5 * DAY),
        # a fresh article's sources at min_interval_s
        ({"content_changed": False, "newest_article_at": NOW - timedelta(days=2)}, 3_600.0,
         1.5 * DAY),
        # Retry-After is honoured when longer than the planned wait, capped at the max
        ({"content_changed": None, "failing": True, "retry_after_s": 7_200.0}, 43_200.0, DAY),
        ({"content_changed": None, "interval_s": 60.0, "retry_after_s": 1_800.0}, 3_600.0,
         3_600.0),
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
