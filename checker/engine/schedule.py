"""When to check a source next: a pure function of what the last check found.

- A failing source is re-checked at `confirm_interval_s` until its failure is confirmed.
- A source whose content keeps not changing is checked less often (its interval grows
  ×1.5 per unchanged check, from where it is now, so a source that changed recently
  slows down gradually), one that changed more often (÷2, and never slower than
  `interval_s`), within [min_interval_s, max_interval_s].
- Sources cited by fresh articles are checked at `min_interval_s`.
- A server's Retry-After is honoured (bounded by `max_retry_after_s`).
- Every interval is spread by a deterministic ±10% jitter keyed by the source id, so
  sources imported together do not all fall due in the same second.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from checker.settings import MonitorSettings

JITTER = 0.10
GROWTH = 1.5  # interval × this after a check that found the same content
SHRINK = 2.0  # interval ÷ this after a check that found new content


@dataclass(frozen=True)
class Schedule:
    next_check_at: datetime
    interval_s: float  # the steady-state interval this source has now (adaptive)
    unchanged_checks: int


def next_check(
    now: datetime,
    *,
    source_id: int,
    interval_s: float,
    unchanged_checks: int,
    content_changed: bool | None,
    failing: bool,
    settings: MonitorSettings,
    newest_article_at: datetime | None = None,
    retry_after_s: float | None = None,
    max_retry_after_s: float = 3600.0,
) -> Schedule:
    """`content_changed` is None when the check read no content (failure, blocked)."""
    lo, hi = settings.min_interval_s, max(settings.min_interval_s, settings.max_interval_s)
    if content_changed is True:
        unchanged, interval = 0, min(interval_s, settings.interval_s) / SHRINK
    elif content_changed is False:
        unchanged, interval = unchanged_checks + 1, interval_s * GROWTH
    else:
        unchanged, interval = unchanged_checks, interval_s
    interval = min(hi, max(lo, interval))

    wait = interval
    if newest_article_at is not None and now - newest_article_at < timedelta(
        days=settings.fresh_article_days
    ):
        wait = lo
    if failing:
        wait = settings.confirm_interval_s
    if retry_after_s is not None and retry_after_s > 0:
        wait = max(wait, min(retry_after_s, max_retry_after_s))
    spread = _spread(source_id, now)
    # A confirmation re-check must not come early, or its failure would not count.
    wait *= 1 + JITTER * (abs(spread) if failing else spread)
    return Schedule(now + timedelta(seconds=wait), interval, unchanged)


def _spread(source_id: int, now: datetime) -> float:
    """A stable pseudo-random number in [-1, 1) for this source and day."""
    digest = hashlib.blake2b(f"{source_id}:{now.date()}".encode(), digest_size=4).digest()
    return int.from_bytes(digest) / 2**31 - 1
