"""One poll of one publication: list, choose, read, import.

1. Read the feeds and sitemaps (walk.py) and merge what they list (changes.py).
2. Keep the article pages (patterns.py) that are new, changed or due a retry.
3. Fetch each with the fetcher (sending back its ETag / Last-Modified: a 304 is
   "unchanged"), read its citations with the HTML article reader, and import it
   exactly like a re-import (store.articles: history and editors' replacements kept),
   one transaction per article with its discovery record. A page that cannot be read
   whole imports nothing; a 404 is recorded as "gone" and reported, never retired.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from checker.discover.changes import merge_listed, why_read
from checker.discover.config import PublicationSettings
from checker.discover.listing import KnownArticle, Listed
from checker.discover.patterns import UrlFilter
from checker.discover.walk import fetch_problem, walk_publication
from checker.fetch import Fetcher
from checker.ingest.errors import IngestError, NoCitationsError
from checker.ingest.html_format import parse_html
from checker.ingest.reading import decode
from checker.model import ArticleIn, FetchResult
from store import discovery
from store.db import Database
from store.discovery import Outcome

_HTML = ("text/html", "application/xhtml+xml")
log = logging.getLogger(__name__)


@dataclass
class PollReport:
    publication: str
    listed: int = 0  # distinct URLs the listings gave
    not_articles: int = 0  # left out by the include / exclude patterns
    unchanged: int = 0  # listed as before: not read
    read: int = 0  # article pages fetched
    new: int = 0  # imported for the first time
    updated: int = 0  # imported again, in place
    not_modified: int = 0  # the page answered 304, or the same article came back
    no_citations: int = 0
    gone: int = 0  # 404 / 410
    failed: int = 0  # errors, 5xx, robots.txt, ...
    unreadable: int = 0  # answered, but not an article page that could be read
    citations_added: int = 0
    sources_added: int = 0
    problems: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)  # "URL: why", one per failing page
    failing_total: int = 0  # pages whose last read failed, this poll or before

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def describe(self, took: float, shown_failures: int = 20) -> str:
        """The counts on one line, then one line per problem and per page not read."""
        skipped = f" ({self.not_articles} not article pages)" if self.not_articles else ""
        lines = [
            f"{self.publication}: {self.listed} URL(s) listed{skipped}, "
            f"{self.unchanged} unchanged; read {self.read}: {self.new} new, "
            f"{self.updated} updated, {self.not_modified} unchanged, "
            f"{self.no_citations} citing nothing, {self.gone} gone, {self.failed} failed, "
            f"{self.unreadable} unreadable; {self.citations_added} citation(s) and "
            f"{self.sources_added} source(s) added in {took:.1f} s"
        ]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  not read: {f}" for f in self.failing[:shown_failures]]
        if len(self.failing) > shown_failures:
            lines.append(f"  … and {len(self.failing) - shown_failures} more pages not read")
        if self.failing_total:
            lines.append(
                f"  {self.failing_total} article page(s) of {self.publication} failed at their "
                "last read (gone, failed or unreadable); they are read again later"
            )
        return "\n".join(lines)


Progress = Callable[[PollReport, int], None]  # the report so far, pages still to read


async def poll_publication(
    db: Database,
    fetcher: Fetcher,
    publication: PublicationSettings,
    *,
    now: datetime,
    on_progress: Progress | None = None,
    concurrency: int = 16,
) -> PollReport:
    report = PollReport(publication.name)
    pub_id = await db.write(
        discovery.sync_publication, publication.name, publication.as_dict(), now
    )
    walk = await walk_publication(fetcher, publication)
    report.problems.extend(walk.problems)
    listed, repeats = merge_listed(walk.entries)
    if repeats:
        report.problems.append(f"{repeats} duplicate URL(s) in the listings; each read once")
    report.listed = len(listed)
    accepts = UrlFilter.of(publication.include, publication.exclude).accepts
    known = await db.read(discovery.known_articles, pub_id)
    todo: list[tuple[Listed, KnownArticle | None, str]] = []
    unchanged: list[str] = []
    for url, entry in listed.items():
        if not accepts(url):
            report.not_articles += 1
            continue
        reason = why_read(entry, known.get(url), now, publication.poll_interval_s)
        if reason is None:
            unchanged.append(url)
        else:
            todo.append((entry, known.get(url), reason))
    report.unchanged = len(unchanged)
    await db.write(discovery.touch_listed, pub_id, unchanged, now)
    if on_progress is not None:
        on_progress(report, len(todo))
    gate = asyncio.Semaphore(max(1, concurrency))
    left = len(todo)

    async def one(entry: Listed, seen: KnownArticle | None, reason: str) -> None:
        nonlocal left
        async with gate:
            await _read_article(db, fetcher, pub_id, entry, seen, reason, now, report)
        left -= 1
        if on_progress is not None:
            on_progress(report, left)

    await asyncio.gather(*(one(*item) for item in todo))
    report.failing_total = await db.read(discovery.count_failing, pub_id)
    await db.write(discovery.record_poll, pub_id, report.as_dict(), now)
    return report


async def _read_article(
    db: Database,
    fetcher: Fetcher,
    pub_id: int,
    entry: Listed,
    seen: KnownArticle | None,
    reason: str,
    now: datetime,
    report: PollReport,
) -> None:
    """Fetch, read and import one article page, and record how it went."""
    ok_before = seen is not None and seen.status in ("imported", "no_citations")
    result = await fetcher.fetch(
        entry.url,
        etag=seen.etag if ok_before and seen else None,
        last_modified=seen.last_modified if ok_before and seen else None,
    )
    report.read += 1
    base = Outcome(
        entry.url,
        "unchanged",
        entry_id=entry.entry_id,
        listed_modified_at=entry.modified_at,
        published_at=entry.published_at,
        http_status=result.status,
        etag=result.headers.get("etag"),
        last_modified=result.headers.get("last-modified"),
    )
    article: ArticleIn | None = None
    if result.not_modified:
        outcome = base
        report.not_modified += 1
    else:
        status, why, article = await _read_page(result, entry)
        outcome = dataclasses.replace(base, status=status, reason=why)
        if status in ("gone", "failed", "unreadable"):
            setattr(report, status, getattr(report, status) + 1)
            report.failing.append(f"{entry.url}: {why}")
        elif status == "no_citations":
            report.no_citations += 1
    try:
        summary = await db.write(discovery.record_outcome, pub_id, outcome, now, article)
    except IntegrityError:  # another writer imported the same article meanwhile: update it
        summary = await db.write(discovery.record_outcome, pub_id, outcome, now, article)
    if summary is not None:
        report.citations_added += summary.citations_added
        report.sources_added += summary.sources_added
        changed = summary.citations_added + summary.citations_updated + summary.citations_retired
        if summary.articles_added:
            report.new += 1
        elif changed or reason == "updated":
            report.updated += 1
        else:
            report.not_modified += 1


async def _read_page(result: FetchResult, entry: Listed) -> tuple[str, str, ArticleIn | None]:
    """(status, reason, article): the article only when the page was read whole."""
    problem = fetch_problem(result)
    if problem is not None:
        status = "gone" if result.status in (404, 410) else "failed"
        return status, problem, None
    if result.content_type not in _HTML:
        return "unreadable", f"not an HTML page ({result.content_type or 'no type'})", None
    if result.truncated:
        return "unreadable", "page larger than [fetch] max_bytes; not read", None
    try:
        text = _text(result)
        article = await asyncio.to_thread(
            parse_html,
            text,
            name=entry.url,
            given_url=result.final_url,
            fallback_url=None,
            same_site_only=True,
        )
    except NoCitationsError:
        return "no_citations", "the article cites no source", None
    except IngestError as exc:
        return "unreadable", " ".join(str(exc).split())[:300], None
    except Exception as exc:  # a reader bug must not stop the poll of the other pages
        log.exception("reading %s failed", entry.url)
        return "unreadable", f"the HTML reader failed ({type(exc).__name__})", None
    if article.published_at is None and entry.published_at is not None:
        article = dataclasses.replace(article, published_at=entry.published_at)
    return "imported", "", article


def _text(result: FetchResult) -> str:
    if result.charset:
        try:
            return result.body.decode(result.charset).replace("\r\n", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(result.body, result.final_url)
