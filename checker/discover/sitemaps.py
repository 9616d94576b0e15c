"""XML sitemaps (sitemaps.org 0.9): URL sets, sitemap indexes, Google News sitemaps.

Parsed incrementally with lxml (each <url> is dropped once read, so a 50,000-URL
sitemap costs a few MB), with no DTD, no entity expansion and no network access;
a document declaring entities is refused whole. A gzip body (`.xml.gz`) is
uncompressed up to the protocol's 50 MB. Read from each <url>: <loc>, <lastmod>, and
from a news sitemap <news:publication_date> and <news:title>; from each <sitemap> of
an index: <loc>. Relative <loc>s (the protocol wants absolute ones) are resolved
against the sitemap's URL and reported once; URLs past the 50,000th are not read.
"""

from __future__ import annotations

import io

import lxml.etree

from checker.discover.listing import (
    MAX_URLS,
    Listed,
    Listing,
    absolute_url,
    declares_entities,
    gunzip,
    looks_like_html,
    parse_date,
)

_ITEMS = ("url", "sitemap")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, *, url: str) -> Listing:
    """The article URLs (or, for an index, the child sitemaps) `body` lists."""
    data, problem = gunzip(body)
    if problem is not None:
        return Listing("unknown", problems=[f"sitemap {url} is {problem}"])
    if not data.strip():
        return Listing("unknown", problems=[f"sitemap {url} is empty"])
    if looks_like_html(data):
        return Listing("unknown", problems=[f"sitemap {url} answers an HTML page, not XML"])
    if declares_entities(data):
        return Listing(
            "unknown", problems=[f"sitemap {url} declares XML entities; refused, not expanded"]
        )
    listing = Listing("unknown")
    relative = 0
    dropped = 0
    parser = lxml.etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    fields: dict[str, str] = {}
    try:
        for event, element in parser:
            name = _local(element.tag)
            if event == "start":
                if listing.kind == "unknown":
                    listing.kind = _kind(name, url, listing)
                    if listing.kind == "unknown":
                        break
                if name in _ITEMS:
                    fields = {}
                continue
            if name in ("loc", "lastmod", "publication_date", "title"):
                parent = element.getparent()
                if name != "loc" or (parent is not None and _local(parent.tag) in _ITEMS):
                    fields.setdefault(name, (element.text or "").strip())  # not <image:loc>
            elif name in _ITEMS:
                element.clear(keep_tail=False)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]  # keep memory flat: read <url>s are dropped
                if len(listing.entries) + len(listing.children) >= MAX_URLS:
                    dropped += 1
                    continue
                loc, was_relative = absolute_url(fields.get("loc", ""), url)
                relative += was_relative and loc is not None
                if loc is None:
                    continue
                if name == "sitemap":
                    listing.children.append(loc)
                else:
                    listing.entries.append(
                        Listed(
                            loc,
                            modified_at=parse_date(fields.get("lastmod")),
                            published_at=parse_date(fields.get("publication_date")),
                            title=fields.get("title", ""),
                        )
                    )
    except (lxml.etree.LxmlError, ValueError) as exc:  # XMLSyntaxError mostly
        read = len(listing.entries) + len(listing.children)
        listing.problems.append(
            f"sitemap {url} is malformed XML ({_first_line(exc)}); {read} URL(s) read before it"
        )
    if relative:
        listing.problems.append(
            f"sitemap {url} gives {relative} relative URL(s); resolved against the sitemap's URL"
        )
    if dropped:
        listing.problems.append(
            f"sitemap {url} lists more than {MAX_URLS:,} URLs, the protocol's limit; "
            f"{dropped:,} past it were not read (split it with a sitemap index)"
        )
    return listing


def _kind(root: str, url: str, listing: Listing) -> str:
    if root == "urlset":
        return "sitemap"
    if root == "sitemapindex":
        return "sitemap index"
    listing.problems.append(
        f"{url} is XML but not a sitemap (its root is <{root}>, not <urlset> or <sitemapindex>)"
    )
    return "unknown"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
