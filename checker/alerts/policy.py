"""When things happen: when a delivery is due, and when a failed one is tried again.

Pure functions of plain values; the clock and the random jitter are parameters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

BASE_DELAY_S = 60.0
MAX_DELAY_S = 6 * 3600.0  # no gap longer than 6 h: with 12 attempts the last is ~20 h later
JITTER = 0.2  # ± share of the delay, so receivers that came back are not hit all at once


def retry_delay(failures: int, jitter: float) -> float:
    """Seconds before the next attempt after `failures` failed ones (1, 2, ...).

    Exponential from BASE_DELAY_S, capped at MAX_DELAY_S, spread by ±JITTER;
    `jitter` is a uniform random number in [0, 1).
    """
    exponent = max(failures - 1, 0)
    delay = min(BASE_DELAY_S * 2.0 ** min(exponent, 30), MAX_DELAY_S)
    return delay * (1.0 + JITTER * (2.0 * jitter - 1.0))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def next_attempt_delay(failures: int, retry_after: float | None, jitter: float) -> float:
    """The receiver's Retry-After wins (capped at MAX_DELAY_S); else our backoff."""
    if retry_after is not None:
        return min(retry_after, MAX_DELAY_S)
    return retry_delay(failures, jitter)


def due_at(mode: str, created_at: datetime, window_s: float, digest_time: str) -> datetime:
    """When a delivery may go out.

    immediate: after the grouping window, so a burst that starts now goes as one message;
    hourly: at the next full hour (UTC); daily: at the next `digest_time` (HH:MM, UTC).
    """
    if mode == "hourly":
        return created_at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if mode == "daily":
        hour, minute = (int(part) for part in digest_time.split(":"))
        today = created_at.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return today if today > created_at else today + timedelta(days=1)
    return created_at + timedelta(seconds=window_s)
