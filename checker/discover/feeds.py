"""RSS 0.9x/1.0/2.0 and Atom feeds, read with feedparser.

feedparser is the reference feed reader for Python: it copes with the feeds sites
really publish (wrong encodings, undeclared namespaces, RSS dialects, relative links
resolved against xml:base) and normalizes their dates. It is always given bytes, never
a URL, so it does no I/O of its own; the fetcher fetched the feed. A feed declaring
XML entities is refused before feedparser sees it.

Read from each entry: its link (`<link>`, an Atom `rel=alternate` link), its id
(`<guid>` / `<id>`, else the link), `<updated>` and `<published>` / `<pubDate>`.
"""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from checker.discover.listing import (
    Listed,
    Listing,
    absolute_url,
    declares_entities,
    gunzip,
    looks_like_html,
)

MAX_ENTRIES = 50_000


def parse_feed(body: bytes, *, url: str, content_type: str = "") -> Listing:
    """The article URLs the feed at `url` lists, with their ids and dates."""
    data, problem = gunzip(body)
    if problem is not None:
        return Listing("unknown", problems=[f"feed {url} is {problem}"])
    if not data.strip():
        return Listing("unknown", problems=[f"feed {url} is empty"])
    if looks_like_html(data):
        return Listing(
            "unknown",
            problems=[
                f"feed {url} answers an HTML page, not a feed; "
                "give the feed's own URL (the page's <link rel=alternate> names it)"
            ],
        )
    if declares_entities(data):
        return Listing("unknown", problems=[f"feed {url} declares XML entities; refused"])
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed: Any = feedparser.parse(data, response_headers=headers, sanitize_html=False)
    listing = Listing("feed")
    if not parsed.get("version") and not parsed.entries:
        reason = _bozo(parsed) or "no <rss>, <feed> or <rdf:RDF> root"
        listing.kind = "unknown"
        listing.problems.append(f"feed {url} is not a readable RSS or Atom feed ({reason})")
        return listing
    relative = 0
    for entry in parsed.entries[:MAX_ENTRIES]:
        link, was_relative = absolute_url(_link(entry), url)
        if link is None:
            continue
        relative += was_relative
        listing.entries.append(
            Listed(
                link,
                entry_id=str(entry.get("id") or "").strip()[:2048] or None,
                # dict.get: feedparser's own get() answers the published date for a
                # missing updated one (with a DeprecationWarning); a missing date is None
                modified_at=_when(dict.get(entry, "updated_parsed")),
                published_at=_when(dict.get(entry, "published_parsed")),
                title=" ".join(str(entry.get("title", "")).split()),
            )
        )
    if parsed.get("bozo") and not _harmless(parsed):
        listing.problems.append(
            f"feed {url} is malformed ({_bozo(parsed)}); "
            f"{len(listing.entries)} entr{'y' if len(listing.entries) == 1 else 'ies'} "
            "read from it"
        )
    if relative:
        listing.problems.append(
            f"feed {url} gives {relative} relative link(s); resolved against the feed's URL"
        )
    if len(parsed.entries) > MAX_ENTRIES:
        listing.problems.append(f"feed {url} lists over {MAX_ENTRIES:,} entries; the rest ignored")
    return listing


def _link(entry: Any) -> str:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return str(entry.get("link") or "")


def _when(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _bozo(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    if exc is None:
        return ""
    text = " ".join(str(getattr(exc, "getMessage", lambda: exc)()).split())
    return text[:200] or type(exc).__name__


def _harmless(parsed: Any) -> bool:
    """feedparser also flags a declared encoding that differs from the HTTP one: the
    feed was read all the same."""
    exc = parsed.get("bozo_exception")
    return type(exc).__name__ in ("CharacterEncodingOverride", "NonXMLContentType")
