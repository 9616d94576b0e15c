"""Unchanged is cheap: the same bytes (or a 304) keep the last verdict without judging
again; a changed byte, a new citation or a failing source is always judged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakeweb import FakeWeb, NewsArticle
from sqlmodel import col, select
from test_pipeline_e2e import check, evidence_sentence, open_flags, settings_for

from checker.model import ArticleIn, CitationIn
from store.articles import import_articles
from store.db import Database
from store.tables import Citation, SourceCheck

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
NO_VALIDATORS = {"ETag": "", "Last-Modified": ""}


def cite(db: Database, web: FakeWeb, article: NewsArticle, claims: list[str]) -> None:
    url = web.article_url(article)
    refs = tuple(CitationIn(str(i), url, c) for i, c in enumerate(claims, 1))
    db.run(lambda s: import_articles(s, [ArticleIn("https://paper.example/a", "A", refs)], T0))


def last_check(db: Database) -> SourceCheck:
    return db.run(
        lambda s: s.exec(select(SourceCheck).order_by(col(SourceCheck.id).desc())).first()
    )


async def test_same_bytes_keep_the_verdict_and_a_changed_byte_is_judged(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    article = next(a for a in articles if evidence_sentence(a) and "wsj" not in a.original_url)
    claim = evidence_sentence(article)
    assert claim is not None
    fake_web.set_page(fake_web.NEWS, article.path, article.html, headers=NO_VALIDATORS)
    cite(db, fake_web, article, [claim])
    settings = settings_for(fake_web)
    await check(db, settings, fake_web, T0)
    assert last_check(db).detail["sight"] == "full"

    await check(db, settings, fake_web, T0 + timedelta(hours=2))  # 200, same bytes
    same = last_check(db)
    assert (same.status, same.reason, same.detail["sight"]) == (200, "unchanged", "unchanged")
    cited = db.run(lambda s: s.exec(select(Citation)).one())
    assert cited.verified_at == T0 + timedelta(hours=2) and cited.unverified_reason is None

    # One byte outside the text: judged again, nothing to flag.
    fake_web.set_page(fake_web.NEWS, article.path, article.html + b" ", headers=NO_VALIDATORS)
    await check(db, settings, fake_web, T0 + timedelta(hours=4))
    assert last_check(db).detail["sight"] == "full" and open_flags(db) == {}

    # One byte of the evidence: judged again, and flagged.
    figure = next(w for w in claim.split() if any(ch.isdigit() for ch in w))
    digit = next(ch for ch in figure if ch.isdigit())
    edited = figure.replace(digit, str((int(digit) + 1) % 10), 1)
    page = fake_web.replace_text(fake_web.NEWS, article.path, figure, edited)
    fake_web.set_page(fake_web.NEWS, article.path, page.body, headers=NO_VALIDATORS)
    await check(db, settings, fake_web, T0 + timedelta(hours=6))
    assert last_check(db).detail["sight"] == "full"
    assert [kind for kind, _ in open_flags(db)] == ["evidence_changed"]


async def test_a_304_keeps_the_verdict_but_a_new_citation_is_judged(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    article = next(a for a in articles if evidence_sentence(a) and "wsj" not in a.original_url)
    claim = evidence_sentence(article)
    assert claim is not None
    cite(db, fake_web, article, [claim])
    settings = settings_for(fake_web)
    await check(db, settings, fake_web, T0)
    await check(db, settings, fake_web, T0 + timedelta(hours=2))
    assert (last_check(db).status, last_check(db).detail["sight"]) == (304, "unchanged")

    other = next(p for p in article.paragraphs if p not in claim and len(p.split()) > 10)
    cite(db, fake_web, article, [claim, other])  # a re-import adds a citation
    await check(db, settings, fake_web, T0 + timedelta(hours=4))
    assert last_check(db).detail["sight"] == "full"  # the 304 text is read for it
    anchored = db.run(lambda s: [c.evidence is not None for c in s.exec(select(Citation))])
    assert anchored == [True, True]
