"""Archived copies of dead sources: the Wayback Machine availability API.

For a source confirmed dead, the editor is offered the capture closest to (and not
after) the date the source was cited, which shows what the source said when the
article relied on it. A capture taken later may already show a changed page, so it
is not offered. The endpoint is a setting: tests point it at the fake web.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from checker.settings import ArchiveSettings

_MAX_ANSWER_BYTES = 1_000_000
_STAMP = "%Y%m%d%H%M%S"
_LOOKUPS = 3  # one answer, then at most two more looks further back


@dataclass(frozen=True)
class ArchivedCopy:
    url: str  # the capture's address on the archive
    timestamp: datetime  # when it was captured (UTC)
    status: str  # the HTTP status the archive recorded for the capture ("200")


async def find_archived_copy(
    session: aiohttp.ClientSession, settings: ArchiveSettings, url: str, before: datetime | None
) -> ArchivedCopy | None:
    """The capture of `url` closest to `before` and not after it (any capture when `before`
    is None); None when there is none, the look-up is disabled, or the archive fails.

    The API answers the capture closest to a moment, on either side. When that capture
    is later than `before` by d, nothing lies within d before `before` either, so asking
    again at `before - 2d` finds an earlier capture down to `before - 5d`; a third ask
    looks further back the same way.
    """
    if not settings.enabled:
        return None
    at = None if before is None else _utc(before)
    for _ in range(_LOOKUPS):
        answer = await _ask(session, settings, url, at)
        capture = _capture(answer)
        if capture is None:
            return None
        if before is None or capture.timestamp <= _utc(before):
            return capture
        assert at is not None
        # Nothing lies within (capture - at) of `at`: look that far again, further back.
        at -= 2 * (capture.timestamp - at)
    return None


async def _ask(
    session: aiohttp.ClientSession, settings: ArchiveSettings, url: str, at: datetime | None
) -> Any:
    params = {"url": url}
    if at is not None:
        params["timestamp"] = at.strftime(_STAMP)
    try:
        async with asyncio.timeout(settings.timeout_s or None):
            async with session.get(settings.availability_url, params=params) as response:
                if response.status != 200:
                    return None
                raw = await response.content.read(_MAX_ANSWER_BYTES)
        return json.loads(raw)
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError):
        return None


def closest_copy(answer: Any, before: datetime | None) -> ArchivedCopy | None:
    """The usable capture in one availability API answer, if not after `before` (pure)."""
    capture = _capture(answer)
    if capture is None or (before is not None and capture.timestamp > _utc(before)):
        return None
    return capture


def _capture(answer: Any) -> ArchivedCopy | None:
    if not isinstance(answer, dict):
        return None
    snapshots = answer.get("archived_snapshots")
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    status, stamp, link = (str(closest.get(k, "")) for k in ("status", "timestamp", "url"))
    if not status.startswith("2") or urlsplit(link).scheme not in ("http", "https"):
        return None
    try:
        taken = datetime.strptime(stamp[:14].ljust(14, "0"), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return ArchivedCopy(url=link, timestamp=taken, status=status)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
