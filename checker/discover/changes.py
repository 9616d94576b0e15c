"""Which listed article URLs to read on this poll: a pure function of the listing and of
what the last polls remembered.

- A URL never seen: read it ("new").
- A URL read before: read it again when its listing says it changed, a newer
  `<lastmod>` / `<updated>` or another entry id ("updated"); else leave it.
- A URL whose last read failed (404, error, unreadable page): read it again, spaced
  out: the wait doubles with each failure from the poll interval, up to a day.
Listings that name one URL several times (a feed and a sitemap, two sitemaps) are
merged first: the newest date and the first entry id win.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from checker.discover.listing import FAILING, KnownArticle, Listed

MAX_RETRY_WAIT_S = 86_400.0


def merge_listed(entries: Iterable[Listed]) -> tuple[dict[str, Listed], int]:
    """One `Listed` per URL, in first-listed order, and how many repeats were merged."""
    merged: dict[str, Listed] = {}
    repeats = 0
    for entry in entries:
        seen = merged.get(entry.url)
        if seen is None:
            merged[entry.url] = entry
            continue
        repeats += 1
        merged[entry.url] = replace(
            seen,
            entry_id=seen.entry_id or entry.entry_id,
            modified_at=_latest(seen.modified_at, entry.modified_at),
            published_at=seen.published_at or entry.published_at,
            title=seen.title or entry.title,
        )
    return merged, repeats


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


def why_read(
    listed: Listed, known: KnownArticle | None, now: datetime, interval_s: float
) -> str | None:
    """ "new", "updated" or "retry"; None when the URL is to be left alone this poll."""
    if known is None or known.status == "new":
        return "new"
    if known.status in FAILING:
        wait = min(interval_s * 2 ** max(known.failures - 1, 0), MAX_RETRY_WAIT_S)
        due = known.fetched_at is None or now - known.fetched_at >= timedelta(seconds=wait)
        return "retry" if due else None
    if listed.modified_at is not None and (
        known.listed_modified_at is None or listed.modified_at > known.listed_modified_at
    ):
        return "updated"
    if listed.entry_id and known.entry_id and listed.entry_id != known.entry_id:
        return "updated"
    return None
