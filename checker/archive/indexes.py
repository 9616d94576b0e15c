"""Archived snapshots of a URL, as web archives list them: the Wayback CDX API and Memento
TimeMaps (RFC 7089). Pure: answers in, snapshots out; garbage gives no snapshot.

Snapshots are tried in the order an editor wants them: the closest before the citation
date first (what the source said when cited), then the earliest after it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin, urlsplit

_STAMP = "%Y%m%d%H%M%S"
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[\w-]+\s*=\s*(?:\"[^\"]*\"|[^;,]*)\s*)*)")
_PARAM = re.compile(r";\s*([\w-]+)\s*=\s*(?:\"([^\"]*)\"|([^;,]*))")


@dataclass(frozen=True)
class Snapshot:
    url: str  # where an editor opens it
    fetch_url: str  # where its original bytes are read (Wayback: the id_ replay)
    taken_at: datetime
    service: str  # wayback | memento


def cdx_query(cdx_url: str, url: str, *, before: datetime | None, limit: int) -> str:
    """The CDX request for the `limit` captures of `url` closest before `before` (the
    newest `limit` when None), one per distinct content, status 200 only."""
    params = {
        "url": url,
        "output": "json",
        "fl": "timestamp,original,statuscode,digest",
        "filter": "statuscode:200",
        "collapse": "digest",
        "limit": str(-limit),
    }
    if before is not None:
        params["to"] = _utc(before).strftime(_STAMP)
    return f"{cdx_url}?{urlencode(params)}"


def cdx_after_query(cdx_url: str, url: str, *, after: datetime, limit: int) -> str:
    """The CDX request for the first `limit` captures of `url` from `after` on."""
    params = {
        "url": url,
        "output": "json",
        "fl": "timestamp,original,statuscode,digest",
        "filter": "statuscode:200",
        "collapse": "digest",
        "from": _utc(after).strftime(_STAMP),
        "limit": str(limit),
    }
    return f"{cdx_url}?{urlencode(params)}"


def parse_cdx(body: bytes, cdx_url: str) -> list[Snapshot] | None:
    """Snapshots in a CDX JSON answer (a header row, then one row per capture); None when
    the answer is no CDX answer at all (garbage, an error page)."""
    try:
        rows = json.loads(body)
    except ValueError:
        return None
    if rows == []:
        return []  # nothing archived
    if not isinstance(rows, list) or not isinstance(rows[0], list):
        return None
    header = [str(h) for h in rows[0]]
    if not {"timestamp", "original"} <= set(header):
        return None
    replay = urljoin(cdx_url, "/web/")
    found = []
    for row in rows[1:]:
        if not isinstance(row, list) or len(row) != len(header):
            continue
        fields = dict(zip(header, (str(v) for v in row), strict=True))
        taken = _stamp(fields["timestamp"])
        original = fields["original"]
        if taken is None or not _http(original) or fields.get("statuscode", "200") != "200":
            continue
        stamp = taken.strftime(_STAMP)
        shown, raw = f"{replay}{stamp}/{original}", f"{replay}{stamp}id_/{original}"
        found.append(Snapshot(shown, raw, taken, "wayback"))
    return found


def parse_timemap(body: bytes) -> list[Snapshot]:
    """Mementos in a link-format TimeMap (rel="memento" entries with a datetime)."""
    text = body.decode("utf-8", "replace")
    found = []
    for match in _LINK.finditer(text):
        uri = match.group(1).strip()
        params = {
            m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3)).strip()
            for m in _PARAM.finditer(match.group(2))
        }
        if "memento" not in params.get("rel", "").split() or not _http(uri):
            continue
        try:
            taken = parsedate_to_datetime(params.get("datetime", ""))
        except (TypeError, ValueError):
            continue
        found.append(Snapshot(uri, uri, _utc(taken), "memento"))
    return found


def in_order(snapshots: Iterable[Snapshot], cited: datetime | None, limit: int) -> list[Snapshot]:
    """The `limit` snapshots to try: closest before `cited` first, then the earliest
    after it; one per address."""
    unique: dict[str, Snapshot] = {}
    for snapshot in snapshots:
        unique.setdefault(snapshot.url, snapshot)
    if cited is None:
        return sorted(unique.values(), key=lambda s: s.taken_at, reverse=True)[:limit]
    at = _utc(cited)
    before = sorted((s for s in unique.values() if s.taken_at <= at), key=lambda s: s.taken_at)
    after = sorted((s for s in unique.values() if s.taken_at > at), key=lambda s: s.taken_at)
    return (before[::-1] + after)[:limit]


def _stamp(text: str) -> datetime | None:
    if not text.isdigit() or not 4 <= len(text) <= 14:
        return None
    try:
        return datetime.strptime(text.ljust(14, "0")[:14], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
