"""Feeds and sitemaps written the way publications write them, over the real pages the
fake web serves (tests/data/news-pages), for the discovery tests and benchmark."""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from fakeweb import NewsArticle

from checker.urls import BadUrl, normalize_url

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    url: str
    title: str = ""
    guid: str | None = None
    published: datetime | None = None
    updated: datetime | None = None


def items_for(urls: Sequence[str], articles: Sequence[NewsArticle]) -> list[Item]:
    return [
        Item(url, a.title, guid=f"tag:paper.test,2026:{a.id[:12]}", published=T0)
        for url, a in zip(urls, articles, strict=True)
    ]


def rss(items: Sequence[Item], *, title: str = "The Paper") -> str:
    rows = []
    for item in items:
        parts = [f"<title>{escape(item.title)}</title>", f"<link>{escape(item.url)}</link>"]
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        if item.published:
            parts.append(f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>")
        if item.updated:  # RSS has no <updated>; publications use Atom's or dc:modified
            parts.append(f"<atom:updated>{item.updated.isoformat()}</atom:updated>")
        rows.append(f"<item>{''.join(parts)}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{escape(title)}</title><link>http://paper.test/</link>"
        f"<description>News</description>{''.join(rows)}</channel></rss>"
    )


def atom(items: Sequence[Item], *, base: str = "") -> str:
    rows = []
    for item in items:
        updated = (item.updated or item.published or T0).isoformat()
        published = f"<published>{item.published.isoformat()}</published>" if item.published else ""
        rows.append(
            f"<entry><title>{escape(item.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{escape(item.url)}"/>'
            f"<id>{escape(item.guid or item.url)}</id><updated>{updated}</updated>"
            f"{published}</entry>"
        )
    xml_base = f' xml:base="{escape(base)}"' if base else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom"{xml_base}><title>The Paper</title>'
        f"<id>urn:paper</id><updated>{T0.isoformat()}</updated>{''.join(rows)}</feed>"
    )


def urlset(
    urls: Sequence[str],
    *,
    lastmod: datetime | None = None,
    news: Sequence[datetime] | None = None,
) -> str:
    rows = []
    for i, url in enumerate(urls):
        extra = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        if news is not None:
            extra += (
                "<news:news><news:publication><news:name>The Paper</news:name>"
                "<news:language>en</news:language></news:publication>"
                f"<news:publication_date>{news[i].isoformat()}</news:publication_date>"
                f"<news:title>Story {i}</news:title></news:news>"
            )
        rows.append(f"<url><loc>{escape(url)}</loc>{extra}</url>")
    namespaces = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    if news is not None:
        namespaces += ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {namespaces}>{"".join(rows)}</urlset>'


def sitemap_index(children: Sequence[str]) -> str:
    rows = "".join(f"<sitemap><loc>{escape(c)}</loc></sitemap>" for c in children)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'
    )


def gz(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def raw_href(body: bytes, base: str, target: str) -> bytes:
    """The `href="..."` attribute, as the page spells it, of a link to `target`."""
    for match in re.finditer(rb"""href=(["'])([^"']+)\1""", body):
        try:
            url = normalize_url(html.unescape(match.group(2).decode()), base)
        except (BadUrl, UnicodeDecodeError):
            continue
        if url == target:
            return match.group(0)
    raise AssertionError(f"no link to {target} in the page")
