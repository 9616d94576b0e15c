"""Helpers for the engine and worker tests: seeding sources, reading what was checked."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, func, select

from checker.model import ArticleIn, CitationIn
from store.articles import import_articles
from store.db import Database
from store.tables import Source, SourceCheck


def seed_sources(db: Database, urls: list[str], now: datetime, *, per_article: int = 10) -> None:
    """Import articles citing `urls` (each once), all due at `now`."""
    articles = [
        ArticleIn(
            url=f"https://news.example/a/{start}",
            title=f"article {start}",
            citations=tuple(
                CitationIn(ref=str(i), url=url, claim=f"Claim number {i} about {url}.")
                for i, url in enumerate(urls[start : start + per_article])
            ),
        )
        for start in range(0, len(urls), per_article)
    ]
    db.run(lambda s: import_articles(s, articles, now))


def checks_per_source(db: Database) -> Counter[str]:
    """How many check rows each source URL has (0 for unchecked sources)."""

    def query(session: Session) -> Counter[str]:
        rows = session.exec(
            select(Source.url, func.count(col(SourceCheck.id)))
            .join(SourceCheck, col(SourceCheck.source_id) == Source.id, isouter=True)
            .group_by(col(Source.url))
        )
        return Counter({url: int(n) for url, n in rows})

    return db.run(query)


def check_workers(db: Database) -> dict[str, str]:
    """Source URL → the worker that wrote its (last) check."""
    rows = db.run(
        lambda s: list(
            s.exec(
                select(Source.url, SourceCheck.worker).join(
                    SourceCheck, col(SourceCheck.source_id) == Source.id
                )
            )
        )
    )
    return {url: worker for url, worker in rows}


def held_leases(db: Database) -> list[tuple[str, str]]:
    rows = db.run(
        lambda s: list(
            s.exec(
                select(Source.url, Source.lease_owner).where(col(Source.lease_owner).is_not(None))
            )
        )
    )
    return [(url, owner or "") for url, owner in rows]
