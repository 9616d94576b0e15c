"""Sources written by JavaScript: never an all-clear without text; rendered with the browser.

The fake web serves script-rendered pages (text written on load, after a delay, after a
fetch of a JSON endpoint), one whose script reaches for a private address, one that
never finishes, and an image-only PDF. Without the browser each is `unreadable`; with
Debian's chromium (Playwright) the text is read, evidence anchored, and a later edit of
the rendered text is flagged like any other edit.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb, NewsArticle, Page, image_only_pdf
from fakeweb.scripted import spa_pages
from sqlmodel import select
from test_pipeline_e2e import open_flags, settings_for

from checker.engine import CheckRun, RunReport, open_checker
from checker.fetch import Fetcher
from checker.fetch.browser import Renderer
from checker.fetch.guard import is_forbidden_address
from checker.model import ArticleIn, CitationIn
from checker.settings import BrowserSettings, Settings
from store.articles import import_articles
from store.db import Database
from store.tables import Citation, SourceCheck

CHROMIUM = Path("/usr/bin/chromium")
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
HOST = "spa.test"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)


def spa(article: NewsArticle, how: str, edit: tuple[str, str] = ("", "")) -> dict[str, Page]:
    """The pages of one script-rendered article; `edit`: a paragraph replaced by another."""
    old, new = edit
    paragraphs = [new if old and p == old else p for p in article.paragraphs]
    return spa_pages(article.title, paragraphs, how)


def serve(web: FakeWeb, pages: dict[str, Page]) -> Callable[[str], Page | None]:
    def answer(path: str) -> Page | None:
        if path == "/hang":
            return Page(b"{}", content_type="application/json", delay_s=30)
        return pages.get(path)

    web.add_site(HOST, answer)
    return answer


def claim_of(article: NewsArticle) -> str:
    return next(p for p in article.paragraphs if len(p.split()) > 12)


async def check(db: Database, settings: Settings, web: FakeWeb, now: datetime) -> RunReport:
    async with open_checker(settings, resolver=web.resolver(), worker="browser") as checker:
        run = CheckRun(db, settings, checker, clock=lambda: now)
        return await run.run_once(due_only=False)


def import_one(db: Database, web: FakeWeb, path: str, claim: str) -> None:
    url = f"http://{HOST}:{web.port}{path}"
    article = ArticleIn(f"https://paper.example{path}", "Story", (CitationIn("1", url, claim),))
    db.run(lambda s: import_articles(s, [article], T0))


@pytest.mark.parametrize("how", ["load", "delay", "api", "never", "pdf"])
async def test_without_a_browser_a_page_we_cannot_read_is_flagged_not_all_clear(
    how: str, db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    article = articles[3]
    pages = spa(article, how) if how != "pdf" else {}
    pages["/pdf"] = Page(image_only_pdf(), content_type="application/pdf")
    serve(fake_web, pages)
    import_one(db, fake_web, f"/{how}", claim_of(article))
    settings = settings_for(fake_web, timeout_s=2.0)
    report = await check(db, settings, fake_web, T0)
    assert report.states == {"unreadable": 1}  # not "1 alive"
    first = db.run(lambda s: s.exec(select(Citation)).one())
    assert first.unverified_reason == "unreadable"  # shown at once: "cannot verify"
    assert open_flags(db) == {}  # flagged when the next check cannot read it either
    await check(db, settings, fake_web, T0 + timedelta(hours=2))
    flags = open_flags(db)
    assert [kind for kind, _ in flags] == ["unreadable"]
    (flag,) = flags.values()
    assert flag["severity"] == "low"
    reason = db.run(lambda s: s.exec(select(Citation)).one())
    assert reason.unverified_reason == "unreadable" and reason.evidence is None


@needs_chromium
@pytest.mark.browser
@pytest.mark.timeout(120)
@pytest.mark.parametrize("how", ["load", "delay", "api"])
async def test_with_the_browser_rendered_text_is_monitored_like_any_other(
    how: str, db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    article = articles[3]
    pages = spa(article, how)
    serve(fake_web, pages)
    claim = claim_of(article)
    import_one(db, fake_web, f"/{how}", claim)
    base = settings_for(fake_web)
    settings = dataclasses.replace(
        base, browser=BrowserSettings(enabled=True, page_timeout_s=10.0, settle_s=0.5)
    )
    report = await check(db, settings, fake_web, T0)
    assert report.states == {"alive": 1}
    citation = db.run(lambda s: s.exec(select(Citation)).one())
    assert citation.evidence is not None and citation.unverified_reason is None
    last = db.run(lambda s: s.exec(select(SourceCheck)).one())
    assert last.detail["rendered"]["requests"] >= 1 and last.detail["rendered"]["ms"] > 0
    assert open_flags(db) == {}

    # The rendered text is edited: a figure in the cited paragraph changes.
    words = claim.split()
    edited = claim.replace(words[len(words) // 2], "seventeen", 1)
    pages.update(spa(article, how, (claim, edited)))
    await check(db, settings, fake_web, T0 + timedelta(hours=2))
    assert [kind for kind, _ in open_flags(db)] == ["evidence_changed"]


@needs_chromium
@pytest.mark.browser
@pytest.mark.timeout(120)
async def test_a_page_cannot_make_the_browser_reach_a_private_address(
    fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    """The page's own script asks for 10.0.0.1: the fetcher refuses it before connecting."""
    serve(fake_web, spa(articles[3], "private"))
    loopback = ipaddress.ip_address("127.0.0.1")
    settings = dataclasses.replace(settings_for(fake_web).fetch, allow_private_networks=False)
    async with Fetcher(
        settings,
        resolver=fake_web.resolver(),
        forbidden_address=lambda a: a != loopback and is_forbidden_address(a),
    ) as fetcher:
        first = await fetcher.fetch(f"http://{HOST}:{fake_web.port}/private")
        async with Renderer(BrowserSettings(page_timeout_s=10.0, settle_s=0.5), fetcher) as r:
            rendered = await r.render(first)
    assert any("10.0.0.1" in refusal for refusal in rendered.refused), rendered.refused
    assert b"<article>" in rendered.html  # the page itself still rendered


@needs_chromium
@pytest.mark.browser
@pytest.mark.timeout(120)
async def test_a_page_that_never_finishes_is_cut_at_its_time_limit(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    serve(fake_web, spa(articles[3], "never"))
    import_one(db, fake_web, "/never", claim_of(articles[3]))
    base = settings_for(fake_web, timeout_s=2.0)
    settings = dataclasses.replace(
        base, browser=BrowserSettings(enabled=True, page_timeout_s=3.0, settle_s=0.5)
    )
    report = await check(db, settings, fake_web, T0)
    assert report.states == {"unreadable": 1}
    last = db.run(lambda s: s.exec(select(SourceCheck)).one())
    assert last.detail["rendered"]["timed_out"] is True
    assert "rendered, but still" in last.detail["extract_error"]
