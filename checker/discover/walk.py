"""Reading a publication's listings through the fetcher: its feeds, its sitemaps, and the
sitemaps their indexes point to (at most `MAX_DEPTH` levels, each sitemap read once
per poll: an index that lists itself or an ancestor is reported, not followed).

Every listing is fetched with the same `Fetcher` as sources are (robots.txt,
politeness per host, SSRF guard, size and time limits). Nothing here raises for what a
site does: each problem becomes one line in `Walk.problems`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from checker.discover.config import PublicationSettings
from checker.discover.feeds import parse_feed
from checker.discover.listing import Listed, Listing
from checker.discover.sitemaps import parse_sitemap
from checker.fetch import Fetcher
from checker.model import FetchResult

MAX_DEPTH = 4  # index → index → ... → sitemap; deeper is a misconfiguration
MAX_DOCUMENTS = 2_000  # sitemaps read per poll at most (50,000 URLs each)


@dataclass
class Walk:
    entries: list[Listed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    documents: int = 0  # feeds and sitemaps read


async def walk_publication(fetcher: Fetcher, publication: PublicationSettings) -> Walk:
    walk = Walk()
    feeds = await asyncio.gather(*(_read(fetcher, url, "feed") for url in publication.feeds))
    for listing in feeds:
        _take(walk, listing)
    await _walk_sitemaps(fetcher, list(publication.sitemaps), walk)
    return walk


async def _walk_sitemaps(fetcher: Fetcher, roots: list[str], walk: Walk) -> None:
    read: set[str] = set(roots)
    level = [(url, "configured") for url in dict.fromkeys(roots)]
    for depth in range(MAX_DEPTH + 1):
        if not level:
            return
        if depth == MAX_DEPTH:
            walk.problems.append(
                f"sitemap indexes nest deeper than {MAX_DEPTH} levels; "
                f"{len(level)} sitemap(s) below {level[0][1]} not read"
            )
            return
        room = MAX_DOCUMENTS - walk.documents
        if len(level) > room:
            walk.problems.append(
                f"more than {MAX_DOCUMENTS:,} sitemaps in one poll; {len(level) - room:,} not read"
            )
            level = level[:room]
        listings = await asyncio.gather(*(_read(fetcher, url, "sitemap") for url, _ in level))
        following: list[tuple[str, str]] = []
        for (url, _), listing in zip(level, listings, strict=True):
            _take(walk, listing)
            for child in listing.children:
                if child in read:
                    walk.problems.append(
                        f"sitemap index {url} lists {child}, which this poll already read "
                        "(a loop of sitemap indexes); not read again"
                    )
                    continue
                read.add(child)
                following.append((child, url))
        level = following


def _take(walk: Walk, listing: Listing) -> None:
    walk.entries.extend(listing.entries)
    walk.problems.extend(listing.problems)
    if listing.kind != "unknown":
        walk.documents += 1


async def _read(fetcher: Fetcher, url: str, what: str) -> Listing:
    result = await fetcher.fetch(url)
    problem = fetch_problem(result)
    if problem is not None:
        return Listing("unknown", problems=[f"{what} {url}: {problem}"])
    if what == "feed":
        listing = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    else:
        listing = parse_sitemap(result.body, url=result.final_url)
        if listing.kind == "unknown" and not listing.problems:
            listing.problems.append(f"sitemap {url} is not a sitemap")
    if result.truncated:
        listing.problems.append(
            f"{what} {url} was cut at [fetch] max_bytes; "
            f"{len(listing.entries)} URL(s) read from the part received"
        )
    return listing


def fetch_problem(result: FetchResult) -> str | None:
    """Why a fetch gave nothing to read, in a few words; None when it did."""
    if result.error is not None:
        detail = f" ({result.error_message})" if result.error_message else ""
        return f"{result.error.value}{detail}"[:200]
    if result.status != 200:
        return f"HTTP {result.status}"
    return None
