"""End to end: import, check against the fake web on both databases, let the web decay,
check again, and read the flags an editor would see.

Real news pages play the healthy sources; the fake web's catalogue plays the failures.
The clock is driven by the test: confirmation of failures needs time to pass.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb, NewsArticle
from sqlmodel import col, select

from checker.engine import CheckRun, RunReport, open_checker
from checker.model import ArticleIn, CitationIn
from checker.settings import Settings
from store.archive_tables import Capture
from store.articles import import_articles
from store.db import Database
from store.flags import FlagFilter, list_flags
from store.tables import Citation, Snapshot

T0 = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")


def settings_for(web: FakeWeb, archive: Path | None = None, **fetch: float) -> Settings:
    """Settings for checks against the fake web: loopback allowed, no spacing, one
    extraction process, failures confirmed after 2 checks an hour apart; captures into
    `archive` when given, none otherwise."""
    base = Settings()
    return dataclasses.replace(
        base,
        fetch=dataclasses.replace(
            base.fetch,
            **({"allow_private_networks": True, "per_host_delay_s": 0.0, "timeout_s": 5.0} | fetch),
        ),
        monitor=dataclasses.replace(base.monitor, confirm_failures=2, confirm_interval_s=3600),
        extract=dataclasses.replace(base.extract, processes=1),
        support=dataclasses.replace(base.support, backend="lexical"),
        archive=dataclasses.replace(
            base.archive,
            availability_url=f"http://{web.ARCHIVE}:{web.port}/wayback/available",
            cdx_url=f"http://{web.ARCHIVE}:{web.port}/cdx/search/cdx",
            capture=archive is not None,
            folder=str(archive or ""),
        ),
    )


def evidence_sentence(article: NewsArticle) -> str | None:
    """A sentence of the article with a number in it, long enough to be a claim."""
    for paragraph in article.paragraphs:
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            if NUMBER.search(sentence) and 80 <= len(sentence) <= 300 and '"' not in sentence:
                return sentence
    return None


async def check(db: Database, settings: Settings, web: FakeWeb, now: datetime) -> RunReport:
    async with open_checker(settings, resolver=web.resolver(), worker="e2e") as checker:
        clock: Callable[[], datetime] = lambda: now  # noqa: E731
        return await CheckRun(db, settings, checker, clock=clock).run_once(due_only=False)


def captures(db: Database) -> list[tuple[str, str, str | None]]:
    """(citation ref, reason, record) of every capture, oldest first."""
    query = (
        select(Citation.ref, Capture.reason, Capture.record)
        .join(Citation, col(Citation.id) == col(Capture.citation_id))
        .order_by(col(Capture.captured_at), col(Citation.ref))
    )
    return db.run(lambda s: [tuple(row) for row in s.exec(query)])


def open_flags(db: Database) -> dict[tuple[str, str], dict[str, object]]:
    rows = db.run(lambda s: list_flags(s, FlagFilter()))
    return {(str(r["kind"]), str(r["source_url"])): r for r in rows}


async def test_sources_decay_and_recover(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    web = fake_web
    usable = [a for a in articles if evidence_sentence(a) and "wsj.com" not in a.original_url]
    edited, dying = usable[0], usable[1]
    claim = evidence_sentence(edited)
    assert claim is not None
    number = NUMBER.search(claim)
    assert number is not None
    dying_claim = evidence_sentence(dying)
    assert dying_claim is not None
    url = {
        "edited": web.article_url(edited),
        "dying": web.article_url(dying),
        "gone": f"http://{web.NEWS}:{web.port}/gone.html",
        "nxdomain": f"http://nxdomain.test:{web.port}/story.html",
        "parked": f"http://parked.test:{web.port}/2021/report.html",
    }
    citations = (
        CitationIn("1", url["edited"], claim),
        CitationIn("2", url["dying"], dying_claim),
        CitationIn("3", url["gone"], "A report that was withdrawn said so."),
        CitationIn("4", url["nxdomain"], "A blog that closed reported it first."),
        CitationIn("5", url["parked"], "The project's site described its funding."),
    )
    article = ArticleIn("https://paper.example/story", "Story", citations)
    db.run(lambda s: import_articles(s, [article], T0))
    settings = settings_for(web, archive=tmp_path / "archive")

    # Day 0: everything checked once; failures are only suspicions.
    report = await check(db, settings, web, T0)
    assert report.checked == 5
    assert {s["url"] for s in report.suspects} == {url["gone"], url["nxdomain"], url["parked"]}
    assert open_flags(db) == {}
    anchored = db.run(
        lambda s: list(s.exec(select(Citation.ref).where(col(Citation.evidence).is_not(None))))
    )
    assert sorted(anchored) == ["1", "2"]  # evidence anchored at the first successful check
    assert captures(db) == [("1", "first_read", "response"), ("2", "first_read", "response")]

    # The web decays: a figure in the evidence is changed, a page dies.
    new_number = str(int(re.sub(r"\D", "", number.group()) or "0") + 7)
    web.replace_text(web.NEWS, edited.path, number.group(), new_number)
    web.remove(web.NEWS, dying.path)
    report = await check(db, settings, web, T0 + timedelta(hours=2))
    flags = open_flags(db)
    assert set(flags) == {
        ("evidence_changed", url["edited"]),
        ("dead", url["gone"]),
        ("dead", url["nxdomain"]),
        ("dead", url["parked"]),
    }
    changed = flags[("evidence_changed", url["edited"])]
    assert changed["severity"] == "high"
    assert "number" in changed["detail"]["changes"]  # type: ignore[index]
    assert {
        flags[("dead", url[k])]["detail"]["reason"] for k in ("gone", "nxdomain", "parked")
    } == {  # type: ignore[index]
        "gone",
        "dns",
        "parked",
    }
    assert [s["url"] for s in report.suspects] == [url["dying"]]  # 1 failure of 2

    # The edited evidence is captured as it now reads.
    edited_captures = [("1", "evidence_changed", "response")]
    assert captures(db)[2:] == edited_captures

    # Checking again at the same moment duplicates nothing.
    await check(db, settings, web, T0 + timedelta(hours=2))
    assert open_flags(db).keys() == flags.keys()
    assert captures(db)[2:] == edited_captures

    # The edit is reverted, the page comes back: their flags resolve themselves.
    web.replace_text(web.NEWS, edited.path, new_number, number.group())
    web.restore(web.NEWS, dying.path)
    await check(db, settings, web, T0 + timedelta(hours=4))
    flags = open_flags(db)
    assert set(flags) == {("dead", url[k]) for k in ("gone", "nxdomain", "parked")}
    resolved = db.run(lambda s: list_flags(s, FlagFilter(status="resolved")))
    assert [(r["kind"], r["resolved_by"]) for r in resolved] == [("evidence_changed", "recovered")]
    # the reverted page has the same content hash: no new snapshot is stored for it
    snapshots = db.run(lambda s: len(list(s.exec(select(Snapshot.id)))))
    assert snapshots == 3  # edited: original + edited; dying: original


@pytest.mark.parametrize("mutation", ["boilerplate", "other_paragraph"])
async def test_changes_outside_the_evidence_raise_no_flag(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], mutation: str
) -> None:
    web = fake_web
    article = next(
        a
        for a in articles
        if evidence_sentence(a) and len(a.paragraphs) > 4 and "wsj.com" not in a.original_url
    )
    claim = evidence_sentence(article)
    assert claim is not None
    source = web.article_url(article)
    db.run(
        lambda s: import_articles(
            s, [ArticleIn("https://paper.example/x", "X", (CitationIn("1", source, claim),))], T0
        )
    )
    settings = settings_for(web)
    await check(db, settings, web, T0)
    if mutation == "boilerplate":
        web.replace_text(
            web.NEWS, article.path, "</body>", "<aside>Most read: 5 tips</aside></body>"
        )
    else:
        other = next(p for p in article.paragraphs if claim not in p and len(p) > 60)
        web.replace_text(web.NEWS, article.path, other[:40], other[:40] + " (updated)")
    await check(db, settings, web, T0 + timedelta(hours=2))
    assert open_flags(db) == {}
