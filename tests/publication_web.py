"""The fake publication the discovery tests poll: real news pages served by the fake web,
what the import path makes of each, and what a poll left in the store."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from discover_fixtures import T0
from discover_fixtures import raw_href as link_attribute
from fakeweb import FakeWeb, NewsArticle
from sqlmodel import col, select

from checker.discover.config import PublicationSettings
from checker.discover.poll import PollReport, poll_publication
from checker.fetch import Fetcher
from checker.ingest import IngestError, parse_articles
from checker.model import ArticleIn
from store.db import Database
from store.discovery_tables import DiscoveredArticle
from store.tables import Article, Citation, Source

NEWS = FakeWeb.NEWS


def reader(web: FakeWeb, article: NewsArticle) -> ArticleIn | None:
    """What `citecheck import` makes of the page as served now (None: no citations)."""
    page = web.page(NEWS, article.path)
    assert page is not None
    try:
        [parsed] = parse_articles(
            page.body, "html", name="page.html", article_url=web.article_url(article)
        )
    except IngestError:
        return None
    return parsed


def publication(**kw: object) -> PublicationSettings:
    return dataclasses.replace(PublicationSettings("paper"), **kw)  # type: ignore[arg-type]


async def poll(
    db: Database, fetcher: Fetcher, pub: PublicationSettings, hours: float = 0
) -> PollReport:
    return await poll_publication(db, fetcher, pub, now=T0 + timedelta(hours=hours))


def imported(db: Database) -> dict[str, list[tuple[str, str]]]:
    """Each article's URL → its live citations as (source URL, claim), in page order."""
    with db.session() as s:
        rows = s.exec(
            select(Article.url, Source.url, Citation.claim)
            .join(Citation, col(Citation.article_id) == col(Article.id))
            .join(Source, col(Source.id) == col(Citation.source_id))
            .where(col(Citation.retired_at).is_(None))
            .order_by(col(Article.url), col(Citation.position))
        )
        out: dict[str, list[tuple[str, str]]] = {}
        for article_url, source_url, claim in rows:
            out.setdefault(article_url, []).append((source_url, claim))
        return out


def expected(web: FakeWeb, article: NewsArticle) -> list[tuple[str, str]]:
    parsed = reader(web, article)
    assert parsed is not None
    return list(dict.fromkeys((c.url, c.claim) for c in parsed.citations))


def raw_href(web: FakeWeb, article: NewsArticle, target: str) -> str:
    """The `href="..."` attribute, as the page spells it, of a link to `target`."""
    page = web.page(NEWS, article.path)
    assert page is not None
    return link_attribute(page.body, web.article_url(article), target).decode()


def statuses(db: Database) -> dict[str, str]:
    with db.session() as s:
        return {r.url: r.status for r in s.exec(select(DiscoveredArticle))}
