"""Importing articles: insert or update in place, one transaction for the whole file.

A citation's identity across re-imports is (article, source URL, claim text): an
unchanged citation keeps its history, a citation that disappeared is retired (its open
flags resolve as "retired"), a new one is added and its source becomes due at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from checker.model import ArticleIn, CitationIn
from checker.text import fold
from checker.urls import host_of
from store.flags import resolve
from store.tables import Article, Citation, Flag, Source


@dataclass
class ImportSummary:
    articles_added: int = 0
    articles_updated: int = 0
    citations_added: int = 0
    citations_unchanged: int = 0
    citations_updated: int = 0
    citations_retired: int = 0
    replacements_kept: int = 0  # citations an editor pointed at another source, kept so
    sources_added: int = 0
    article_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def citation_key(url: str, claim: str) -> str:
    return hashlib.sha256(f"{url}\n{fold(claim)}".encode()).hexdigest()[:32]


def import_articles(
    session: Session,
    articles: Sequence[ArticleIn],
    now: datetime,
    on_article: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import (or update) the articles in the caller's transaction; `on_article` hears how
    many are done after each one (a progress display)."""
    summary = ImportSummary()
    sources = _sources_for(session, {c.url for a in articles for c in a.citations}, now, summary)
    for article_in in articles:
        article = session.exec(select(Article).where(Article.url == article_in.url)).one_or_none()
        if article is None:
            article = Article(url=article_in.url, imported_at=now, updated_at=now)
            session.add(article)
            summary.articles_added += 1
        else:
            summary.articles_updated += 1
        article.title = article_in.title
        article.published_at = article_in.published_at
        article.tags = list(article_in.tags)
        article.updated_at = now
        session.flush()
        assert article.id is not None
        summary.article_ids.append(article.id)
        _sync_citations(session, article.id, article_in.citations, sources, now, summary)
        if on_article is not None:
            on_article(len(summary.article_ids))
    return summary


def _sources_for(
    session: Session, urls: Iterable[str], now: datetime, summary: ImportSummary
) -> dict[str, int]:
    wanted = sorted(set(urls))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.exec(select(Source.url, Source.id).where(col(Source.url).in_(chunk)))
        found.update({url: sid for url, sid in rows if sid is not None})
    for url in wanted:
        if url in found:
            continue
        source = Source(url=url, host=host_of(url), created_at=now, next_check_at=now)
        session.add(source)
        session.flush()
        assert source.id is not None
        found[url] = source.id
        summary.sources_added += 1
    return found


def _sync_citations(
    session: Session,
    article_id: int,
    incoming: Sequence[CitationIn],
    sources: dict[str, int],
    now: datetime,
    summary: ImportSummary,
) -> None:
    rows = list(session.exec(select(Citation).where(Citation.article_id == article_id)))
    existing = {c.key: c for c in rows}
    # what the article's own URLs were before an editor replaced them: the editor's wins
    replaced = {c.replaces_key: c for c in rows if c.replaces_key and c.retired_at is None}
    seen: set[str] = set()
    for position, cit in enumerate(incoming):
        key = citation_key(cit.url, cit.claim)
        if key in replaced and key not in existing:
            key = replaced[key].key
            summary.replacements_kept += 1
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key)
        if row is None:
            session.add(
                Citation(
                    article_id=article_id,
                    source_id=sources[cit.url],
                    key=key,
                    ref=cit.ref,
                    claim=cit.claim,
                    quote=cit.quote,
                    position=position,
                    created_at=now,
                )
            )
            summary.citations_added += 1
            continue
        if row.retired_at is not None:  # cited again: comes back with its history
            row.retired_at = None
            summary.citations_added += 1
        elif (row.quote or None) != (cit.quote or None):
            summary.citations_updated += 1
        else:
            summary.citations_unchanged += 1
        if (row.quote or None) != (cit.quote or None):
            row.quote, row.evidence, row.baseline_snapshot_id = cit.quote, None, None
        row.ref, row.position, row.claim = cit.ref, position, cit.claim
    for key, row in existing.items():
        if key not in seen and row.retired_at is None:
            row.retired_at = now
            summary.citations_retired += 1
            for flag in session.exec(
                select(Flag).where(Flag.citation_id == row.id, col(Flag.resolved_at).is_(None))
            ):
                resolve(session, flag, actor="import", by="retired", now=now)
