"""What feeds and sitemaps list, as plain values, and the small readers both share.

A listing document (a feed, a sitemap, a sitemap index) becomes a `Listing`: the
article URLs it lists (`Listed`, with whatever change markers it gives), the child
sitemaps an index points to, and one line per problem. Parsers never raise for
anything a document does.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from checker.urls import BadUrl, normalize_url

MAX_URLS = 50_000  # the sitemap protocol's limit per file; more is read no further
MAX_DOCUMENT_BYTES = 50_000_000  # the protocol's limit on an uncompressed sitemap
_GZIP_MAGIC = b"\x1f\x8b"
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)


@dataclass(frozen=True)
class Listed:
    """One article URL as a listing gives it."""

    url: str  # absolute, normalized
    entry_id: str | None = None  # a feed entry's <guid> / <id>
    modified_at: datetime | None = None  # <lastmod>, a feed entry's <updated>
    published_at: datetime | None = None  # <pubDate>, <published>, <news:publication_date>
    title: str = ""


@dataclass
class Listing:
    kind: str  # "feed", "sitemap", "sitemap index" or "unknown"
    entries: list[Listed] = field(default_factory=list)
    children: list[str] = field(default_factory=list)  # child sitemaps of an index
    problems: list[str] = field(default_factory=list)


def absolute_url(raw: str, base: str) -> tuple[str | None, bool]:
    """(normalized absolute URL or None, whether `raw` was relative)."""
    raw = raw.strip()
    if not raw:
        return None, False
    relative = not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw)
    try:
        return normalize_url(raw, base), relative
    except BadUrl:
        return None, relative


def parse_date(text: str | None) -> datetime | None:
    """A W3C / ISO 8601 date or time ("2024-03-01", "2024-03-01T09:00:00Z"); naive times
    are UTC; anything else is None (sites write junk here, it is not worth a failure)."""
    if not text:
        return None
    value = text.strip()
    if len(value) == 10:  # a date alone
        value += "T00:00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def looks_like_html(body: bytes) -> bool:
    return bool(_HTML_START.match(body[:2048]))


def declares_entities(body: bytes) -> bool:
    """An XML document with entity declarations: refused rather than expanded (an
    entity that expands to gigabytes is the oldest XML attack)."""
    head = body[:65_536]
    return b"<!DOCTYPE" in head.upper() and bool(_ENTITY_DECLARATION.search(head))


def gunzip(body: bytes, limit: int = MAX_DOCUMENT_BYTES) -> tuple[bytes, str | None]:
    """`body` decompressed when it is gzip (a `.xml.gz` sitemap), at most `limit` bytes;
    the second value is a problem ("corrupt gzip", "too large") or None."""
    if not body.startswith(_GZIP_MAGIC):
        return body, None
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        return b"", f"not a readable gzip file ({exc})"
    if len(data) > limit or inflater.unconsumed_tail:
        return b"", f"larger than {limit // 1_000_000} MB once uncompressed; not read"
    if not inflater.eof:
        return b"", "not a readable gzip file (it stops short)"
    return data, None


FAILING = ("gone", "failed", "unreadable")  # statuses of an article URL read in vain


@dataclass(frozen=True)
class KnownArticle:
    """What the last poll remembered about one article URL."""

    url: str
    entry_id: str | None
    listed_modified_at: datetime | None
    status: str
    etag: str | None
    last_modified: str | None
    failures: int
    fetched_at: datetime | None
    article_id: int | None
