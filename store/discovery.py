"""Queries of discovery: publications, the article URLs found for them, their health.

`claim_poll` is how several processes (serve, workers, `citecheck discover`) share the
polls of one publication: the first to move its `next_poll_at` forward owns the poll,
in one conditional UPDATE that both SQLite and PostgreSQL make atomic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from checker.discover.listing import FAILING, KnownArticle
from checker.model import ArticleIn
from store.articles import ImportSummary, import_articles
from store.discovery_tables import DiscoveredArticle, Publication


@dataclass(frozen=True)
class Outcome:
    """How reading one listed article URL went, to be written with its listing markers."""

    url: str
    status: str  # one of store.discovery_tables.DISCOVERY_STATUSES, or "unchanged" (304)
    entry_id: str | None = None
    listed_modified_at: datetime | None = None
    published_at: datetime | None = None
    reason: str = ""
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None


def sync_publication(session: Session, name: str, config: dict[str, Any], now: datetime) -> int:
    """The publication's id, its row created or its config brought up to date."""
    row = session.exec(select(Publication).where(Publication.name == name)).one_or_none()
    if row is None:
        row = Publication(name=name, config=config, created_at=now)
        session.add(row)
    elif row.config != config:
        row.config = config
    session.flush()
    assert row.id is not None
    return row.id


def claim_poll(
    session: Session, publication_id: int, now: datetime, interval_s: float, force: bool = False
) -> bool:
    """True when this caller owns the poll due now (nobody else polled it meanwhile);
    `force`: poll now whether due or not (a person asked for it)."""
    stmt = update(Publication).where(col(Publication.id) == publication_id)
    if not force:
        stmt = stmt.where(
            or_(col(Publication.next_poll_at).is_(None), col(Publication.next_poll_at) <= now)
        )
    stmt = stmt.values(next_poll_at=now + timedelta(seconds=interval_s))
    return int(session.exec(stmt).rowcount) == 1


def known_articles(session: Session, publication_id: int) -> dict[str, KnownArticle]:
    rows = session.exec(
        select(DiscoveredArticle).where(DiscoveredArticle.publication_id == publication_id)
    )
    return {
        r.url: KnownArticle(
            r.url,
            r.entry_id,
            r.listed_modified_at,
            r.status,
            r.etag,
            r.last_modified,
            r.failures,
            r.fetched_at,
            r.article_id,
        )
        for r in rows
    }


def touch_listed(session: Session, publication_id: int, urls: Sequence[str], now: datetime) -> None:
    """The article URLs listed again, unchanged: remember they still are."""
    for start in range(0, len(urls), 500):
        session.exec(
            update(DiscoveredArticle)
            .where(col(DiscoveredArticle.publication_id) == publication_id)
            .where(col(DiscoveredArticle.url).in_(urls[start : start + 500]))
            .values(last_listed_at=now)
        )


def record_outcome(
    session: Session,
    publication_id: int,
    outcome: Outcome,
    now: datetime,
    article: ArticleIn | None = None,
) -> ImportSummary | None:
    """Write what reading one URL gave; with `article`, import it (in place, like a
    re-import) in the same transaction: the article and its record agree or neither
    is written."""
    row = session.exec(
        select(DiscoveredArticle).where(
            DiscoveredArticle.publication_id == publication_id,
            DiscoveredArticle.url == outcome.url,
        )
    ).one_or_none()
    if row is None:
        row = DiscoveredArticle(
            publication_id=publication_id, url=outcome.url, first_seen_at=now, last_listed_at=now
        )
        session.add(row)
    row.last_listed_at = now
    row.fetched_at = now
    row.http_status = outcome.http_status
    row.reason = outcome.reason[:300]
    summary = None
    if article is not None:
        summary = import_articles(session, [article], now)
        row.article_id = summary.article_ids[0]
        row.imported_at = now
    if outcome.status in FAILING:
        row.status = outcome.status
        row.failures += 1
        return summary  # the listing markers stay: the change is still to be read
    if outcome.status != "unchanged":
        row.status = outcome.status
    row.failures = 0
    row.entry_id = outcome.entry_id
    row.listed_modified_at = outcome.listed_modified_at or row.listed_modified_at
    row.published_at = outcome.published_at or row.published_at
    if outcome.etag or outcome.last_modified:
        row.etag, row.last_modified = outcome.etag, outcome.last_modified
    return summary


def record_poll(
    session: Session, publication_id: int, report: dict[str, Any], now: datetime
) -> None:
    row = session.get(Publication, publication_id)
    assert row is not None
    row.last_poll_at = now
    row.last_report = report


def count_failing(session: Session, publication_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(DiscoveredArticle)
            .where(col(DiscoveredArticle.publication_id) == publication_id)
            .where(col(DiscoveredArticle.status).in_(FAILING))
        ).one()
    )


def publication_health(session: Session, now: datetime) -> list[dict[str, Any]]:
    """Per publication: article URLs found, imported, new in the last 24 hours, failing
    to read (404, errors, unreadable pages), and when it was last polled."""
    since = now - timedelta(days=1)
    counts = session.exec(
        select(  # type: ignore[call-overload]
            DiscoveredArticle.publication_id,
            func.count(),
            func.count().filter(col(DiscoveredArticle.status) == "imported"),
            func.count().filter(col(DiscoveredArticle.first_seen_at) >= since),
            func.count().filter(col(DiscoveredArticle.status).in_(FAILING)),
        ).group_by(col(DiscoveredArticle.publication_id))
    )
    by_id = {row[0]: row[1:] for row in counts}
    health = []
    for pub in session.exec(select(Publication).order_by(col(Publication.name))):
        found, imported, new, failing = by_id.get(pub.id, (0, 0, 0, 0))
        health.append(
            {
                "name": pub.name,
                "found": found,
                "imported": imported,
                "new_today": new,
                "failing": failing,
                "last_poll_at": pub.last_poll_at.isoformat() if pub.last_poll_at else None,
                "problems": len(pub.last_report.get("problems", [])),
            }
        )
    return health
