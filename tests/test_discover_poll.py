"""Discovery polls against the fake web, on SQLite and PostgreSQL: feeds and sitemaps
built over the real news pages, read through the real fetcher, imported like a
re-import of each page."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from discover_fixtures import T0, Item, atom, gz, items_for, rss, sitemap_index, urlset
from discover_fixtures import raw_href as link_attribute
from fakeweb import FakeWeb, NewsArticle
from sqlmodel import Session, col, select

from checker.discover.config import PublicationSettings
from checker.discover.poll import PollReport, poll_publication
from checker.discover.runner import DiscoveryPoller
from checker.engine import CheckRun, open_checker
from checker.engine.metrics import Metrics
from checker.engine.pipeline import SourceChecker  # noqa: F401  (see below)
from checker.engine.worker import MonitorScheduler, run_workers
from checker.fetch import Fetcher
from checker.ingest import IngestError, parse_articles
from checker.model import ArticleIn
from checker.settings import Settings
from store.db import Database
from store.discovery import (
    Outcome,
    publication_health,
    record_outcome,
    record_poll,
    sync_publication,
)
from store.discovery_tables import DiscoveredArticle
from store.editing import replace_source
from store.flags import FlagFilter, list_flags
from store.tables import Article, Citation, Source
from tests.web_fixtures import Client, Seeded

NEWS = FakeWeb.NEWS
# SourceChecker is imported for its import of trafilatura, whose first import warns (urllib3
# without PySocks): at collection, where warnings are not yet errors, not inside a test.


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


@pytest.fixture
def citing(fake_web: FakeWeb, articles: tuple[NewsArticle, ...]) -> list[NewsArticle]:
    """Real pages whose body cites sources and that name no URL of their own site (their
    canonical URL is on the original site, so the fake web's address is theirs)."""
    found = []
    for a in articles:
        parsed = reader(fake_web, a)
        if parsed is not None and "wsj.com" not in a.original_url and len(parsed.citations) >= 3:
            found.append(a)
    assert len(found) >= 8
    return found


@pytest.fixture
def silent(fake_web: FakeWeb, articles: tuple[NewsArticle, ...]) -> NewsArticle:
    """A real page that cites nothing."""
    return next(a for a in articles if reader(fake_web, a) is None)


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


async def test_rss_feed_imports_its_new_articles_with_their_citations(
    db: Database,
    fetcher: Fetcher,
    fake_web: FakeWeb,
    citing: list[NewsArticle],
    silent: NewsArticle,
) -> None:
    web = fake_web
    chosen = [*citing[:3], silent]
    urls = [web.article_url(a) for a in chosen]
    web.set_page(
        NEWS, "/feed.xml", rss(items_for(urls, chosen)), content_type="application/rss+xml"
    )
    pub = publication(feeds=(web.url(NEWS, "/feed.xml"),))

    report = await poll(db, fetcher, pub)
    assert (report.listed, report.read, report.new, report.no_citations) == (4, 4, 3, 1)
    assert report.problems == [] and report.failing == []
    got = imported(db)
    assert got == {url: expected(web, a) for url, a in zip(urls[:3], chosen[:3], strict=True)}
    assert statuses(db) == dict(zip(urls, ["imported"] * 3 + ["no_citations"], strict=True))

    # Polling again reads the feed, not the articles: nothing in it changed.
    hits = [web.hits(NEWS, a.path) for a in chosen]
    report = await poll(db, fetcher, pub, hours=1)
    assert (report.listed, report.unchanged, report.read, report.new) == (4, 4, 0, 0)
    assert [web.hits(NEWS, a.path) for a in chosen] == hits
    assert imported(db) == got


async def test_atom_entry_updated_is_reimported_in_place(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    story, other = citing[0], citing[1]
    urls = [web.article_url(story), web.article_url(other)]
    items = [
        Item(u, a.title, guid=f"urn:{a.id}", updated=T0)
        for u, a in zip(urls, [story, other], strict=True)
    ]
    web.set_page(NEWS, "/atom.xml", atom(items), content_type="application/atom+xml")
    pub = publication(feeds=(web.url(NEWS, "/atom.xml"),))
    await poll(db, fetcher, pub)
    before = expected(web, story)
    with db.session() as s:
        ids_before = {
            (u, c.claim): c.id for c, u in s.exec(select(Citation, Source.url).join(Source))
        }

    # The newsroom corrects the story: one source is replaced by another page.
    old_source = before[0][0]
    new_source = web.article_url(citing[5])
    web.replace_text(NEWS, story.path, raw_href(web, story, old_source), f'href="{new_source}"')
    # The page changed but the feed does not say so yet: not read again.
    report = await poll(db, fetcher, pub, hours=1)
    assert (report.read, report.updated) == (0, 0)
    # The entry's <updated> moves forward: read again, updated in place.
    items[0] = dataclasses.replace(items[0], updated=T0 + timedelta(hours=2))
    web.set_page(NEWS, "/atom.xml", atom(items), content_type="application/atom+xml")
    report = await poll(db, fetcher, pub, hours=2)
    assert (report.read, report.updated, report.new) == (1, 1, 0)
    after = imported(db)[urls[0]]
    assert after == expected(web, story)
    assert (new_source, before[0][1]) in after and before[0] not in after
    with db.session() as s:
        rows = list(s.exec(select(Citation, Source.url).join(Source)))
    live = {(url, c.claim): c.id for c, url in rows if c.retired_at is None}
    retired = {(url, c.claim) for c, url in rows if c.retired_at is not None}
    # the citations that did not change keep their rows (and so their history)
    assert all(live[key] == ids_before[key] for key in before if key in live)
    assert retired == {key for key in before if key[0] == old_source}


async def test_sitemap_index_with_gzip_children_and_a_news_sitemap(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    urls = [web.article_url(a) for a in citing[:6]]
    news_dates = [T0 - timedelta(hours=i) for i in range(2)]
    web.set_page(
        NEWS,
        "/sitemap-1.xml.gz",
        gz(urlset(urls[:2], lastmod=T0)),
        content_type="application/x-gzip",
    )
    web.set_page(
        NEWS, "/sitemap-2.xml.gz", gz(urlset(urls[2:4])), content_type="application/octet-stream"
    )
    web.set_page(
        NEWS, "/news.xml", urlset(urls[4:], news=news_dates), content_type="application/xml"
    )
    children = [web.url(NEWS, p) for p in ("/sitemap-1.xml.gz", "/sitemap-2.xml.gz", "/news.xml")]
    web.set_page(
        NEWS, "/sitemap_index.xml", sitemap_index(children), content_type="application/xml"
    )
    pub = publication(sitemaps=(web.url(NEWS, "/sitemap_index.xml"),))

    report = await poll(db, fetcher, pub)
    assert report.problems == []
    assert (report.listed, report.new) == (6, 6)
    assert set(imported(db)) == set(urls)
    with db.session() as s:
        found = {r.url: r for r in s.exec(select(DiscoveredArticle))}
        published = {a.url: a.published_at for a in s.exec(select(Article))}
    assert {found[u].listed_modified_at for u in urls[:2]} == {T0}
    assert [found[u].published_at for u in urls[4:]] == news_dates
    # an article whose page states no publication time takes the news sitemap's
    for url, date in zip(urls[4:], news_dates, strict=True):
        page_date = reader(web, citing[urls.index(url)])
        assert published[url] == ((page_date and page_date.published_at) or date)


async def test_a_loop_of_sitemap_indexes_is_reported_and_read_once(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    a, b, leaf = (web.url(NEWS, p) for p in ("/index-a.xml", "/index-b.xml", "/leaf.xml"))
    web.set_page(NEWS, "/index-a.xml", sitemap_index([b]), content_type="application/xml")
    web.set_page(NEWS, "/index-b.xml", sitemap_index([a, leaf]), content_type="application/xml")
    web.set_page(NEWS, "/leaf.xml", urlset([web.article_url(citing[0])]), content_type="text/xml")
    report = await poll(db, fetcher, publication(sitemaps=(a,)))
    assert report.problems == [
        f"sitemap index {b} lists {a}, which this poll already read (a loop of sitemap "
        "indexes); not read again"
    ]
    assert report.new == 1
    assert [web.hits(NEWS, p) for p in ("/index-a.xml", "/index-b.xml", "/leaf.xml")] == [1, 1, 1]


async def test_broken_listings_are_one_line_each_and_the_good_one_is_read(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    good = web.url(NEWS, "/rss.xml")
    web.set_page(NEWS, "/rss.xml", rss(items_for([web.article_url(citing[0])], citing[:1])))
    web.set_page(NEWS, "/broken.xml", "<rss version='2.0'><channel><item><title>x</ti")
    feeds = (good, web.url(NEWS, "/broken.xml"), web.url(NEWS, "/"), web.url(NEWS, "/no-feed.xml"))
    report = await poll(db, fetcher, publication(feeds=feeds))
    assert report.new == 1
    assert len(report.problems) == 3
    broken, html_page, missing = report.problems
    assert broken.startswith(f"feed {feeds[1]} is malformed (") and broken.endswith(
        "0 entries read from it"
    )
    assert html_page.startswith(f"feed {feeds[2]} answers an HTML page, not a feed")
    assert missing == f"feed {feeds[3]}: HTTP 404"
    assert all("\n" not in p and "Traceback" not in p for p in report.problems)


async def test_a_page_that_404s_is_recorded_and_reported_until_it_returns(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    story = citing[0]
    url = web.article_url(story)
    web.set_page(NEWS, "/sitemap.xml", urlset([url]), content_type="application/xml")
    pub = publication(sitemaps=(web.url(NEWS, "/sitemap.xml"),))
    web.remove(NEWS, story.path)
    report = await poll(db, fetcher, pub)
    assert (report.gone, report.new) == (1, 0)
    assert report.failing == [f"{url}: HTTP 404"]
    assert statuses(db) == {url: "gone"}
    [health] = db.run(lambda s: publication_health(s, T0 + timedelta(hours=1)))
    assert (health["name"], health["found"], health["failing"], health["imported"]) == (
        "paper",
        1,
        1,
        0,
    )
    # re-read at the poll interval, then less and less often while it stays gone; each
    # poll's report counts it
    report = await poll(db, fetcher, pub, hours=0.1)
    assert (report.read, report.failing_total) == (0, 1)
    assert "1 article page(s) of paper failed at their last read" in report.describe(0.1)
    assert (await poll(db, fetcher, pub, hours=0.3)).gone == 1
    web.restore(NEWS, story.path)
    assert (await poll(db, fetcher, pub, hours=0.4)).read == 0  # waits 30 min after 2 failures
    report = await poll(db, fetcher, pub, hours=1)
    assert (report.read, report.new) == (1, 1)
    assert statuses(db) == {url: "imported"}


async def test_a_page_that_breaks_imports_nothing_half_way(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    story = citing[1]
    url = web.article_url(story)
    item = Item(url, story.title, guid="urn:1", updated=T0)
    web.set_page(NEWS, "/feed.xml", rss([item]))
    pub = publication(feeds=(web.url(NEWS, "/feed.xml"),))
    await poll(db, fetcher, pub)
    before = imported(db)
    # The update cites one more source, and adds a footnote whose only address is an
    # e-mail: the reader refuses the page, and neither change is imported.
    page = web.page(NEWS, story.path)
    assert page is not None
    first = raw_href(web, story, before[url][0][0]).encode()
    tag = re.search(rb"<a\b[^>]*" + re.escape(first) + rb"[^>]*>", page.body)
    assert tag is not None
    body = page.body.replace(
        tag.group(0),
        b'<sup><a href="#fn-x">9</a></sup>'
        + tag.group(0).replace(first, f'href="{web.article_url(citing[2])}"'.encode()),
        1,
    ).replace(
        b"</body>",
        b'<ol><li id="fn-x"><a href="mailto:press@ministry.example">Press office</a></li>'
        b"</ol></body>",
    )
    web.set_page(NEWS, story.path, body)
    web.set_page(
        NEWS, "/feed.xml", rss([dataclasses.replace(item, updated=T0 + timedelta(hours=1))])
    )
    report = await poll(db, fetcher, pub, hours=1)
    assert (report.read, report.unreadable, report.updated) == (1, 1, 0)
    assert "mailto" in report.failing[0] and "nothing was imported" in report.failing[0]
    assert imported(db) == before
    assert statuses(db) == {url: "unreadable"}


async def test_end_to_end_a_new_entry_is_imported_and_a_later_check_flags_its_dead_source(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    first = citing[0]
    web.set_page(NEWS, "/feed.xml", rss(items_for([web.article_url(first)], [first])))
    pub = publication(feeds=(web.url(NEWS, "/feed.xml"),))
    assert (await poll(db, fetcher, pub)).new == 1

    # A new story goes out: a real page whose first source is another page of the web.
    base, cited = citing[3], citing[6]
    source = web.article_url(cited)
    page = web.page(NEWS, base.path)
    assert page is not None
    original = raw_href(web, base, expected(web, base)[0][0])
    web.set_page(
        NEWS,
        "/2026/03/02/new-story.html",
        page.body.replace(original.encode(), f'href="{source}"'.encode()),
    )
    new_url = web.url(NEWS, "/2026/03/02/new-story.html")
    items = items_for([web.article_url(first), new_url], [first, base])
    web.set_page(NEWS, "/feed.xml", rss(items))
    report = await poll(db, fetcher, pub, hours=1)
    assert (report.read, report.new) == (1, 1)
    assert any(url == source for url, _ in imported(db)[new_url])

    # The cited page dies; checks confirm it over time and flag it on the new article.
    settings = dataclasses.replace(
        Settings(),
        fetch=fetcher.settings,
        monitor=dataclasses.replace(
            Settings().monitor, confirm_failures=2, confirm_interval_s=3600
        ),
        extract=dataclasses.replace(Settings().extract, processes=1),
        support=dataclasses.replace(Settings().support, backend="lexical"),
        archive=dataclasses.replace(Settings().archive, enabled=False),
    )
    await check(db, settings, web, T0 + timedelta(hours=1))
    assert not [f for f in open_dead(db) if f["source_url"] == source]
    web.remove(NEWS, cited.path)
    await check(db, settings, web, T0 + timedelta(hours=3))
    await check(db, settings, web, T0 + timedelta(hours=5))
    dead = [f for f in open_dead(db) if f["source_url"] == source]
    assert [(f["article_url"], f["detail"]["reason"]) for f in dead] == [(new_url, "not_found")]

    # An editor points the citation at another page; then the story is updated. The
    # re-import keeps the editor's replacement, like any re-import.
    replacement = web.article_url(citing[7])
    flag_id = int(dead[0]["id"])
    db.run(lambda s: replace_source(s, flag_id, actor="ed", now=T0, new_url=replacement))
    web.set_page(
        NEWS,
        "/2026/03/02/new-story.html",
        page.body.replace(original.encode(), f'href="{source}"'.encode()).replace(
            b"</body>", b"<p>Updated.</p></body>"
        ),
    )
    items[1] = dataclasses.replace(items[1], guid=f"{items[1].guid}-v2")
    web.set_page(NEWS, "/feed.xml", rss(items))
    report = await poll(db, fetcher, pub, hours=6)
    assert (report.read, report.updated) == (1, 1)
    cited_now = [url for url, _ in imported(db)[new_url]]
    assert replacement in cited_now and source not in cited_now


async def check(db: Database, settings: Settings, web: FakeWeb, now: datetime) -> None:
    async with open_checker(settings, resolver=web.resolver(), worker="e2e") as pipeline:
        await CheckRun(db, settings, pipeline, clock=lambda: now).run_once(due_only=False)


def open_dead(db: Database) -> list[dict[str, Any]]:
    return db.run(lambda s: list_flags(s, FlagFilter(kind="dead")))


async def test_the_scheduler_polls_a_publication_once_per_interval_across_processes(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    web.set_page(NEWS, "/feed.xml", rss(items_for([web.article_url(citing[0])], citing[:1])))
    pub = publication(feeds=(web.url(NEWS, "/feed.xml"),), poll_interval_s=3600.0)
    settings = dataclasses.replace(Settings(), fetch=fetcher.settings, publications=(pub,))
    polled = asyncio.Event()
    reports: list[PollReport] = []

    def on_report(report: PollReport, took: float) -> None:
        reports.append(report)
        polled.set()

    poller = DiscoveryPoller(db, settings, fetcher, on_report=on_report)
    scheduler = MonitorScheduler([], db=db, settings=settings, metrics=Metrics())
    scheduler.add_periodic(poller.poll_due_logged, 0.05, "discover")
    stop = asyncio.Event()
    serving = asyncio.create_task(run_workers(scheduler, stop))
    await polled.wait()
    # another process (or tick) finds the poll claimed until the interval has passed
    other = DiscoveryPoller(db, settings, fetcher, on_report=on_report)
    assert await other.poll(due_only=True) == []
    stop.set()
    await serving
    assert [(r.publication, r.new) for r in reports] == [("paper", 1)]
    [health] = db.run(lambda s: publication_health(s, T0))
    assert (health["found"], health["imported"], health["failing"]) == (1, 1, 0)


async def test_a_url_listed_twice_is_read_once_and_said_so(
    db: Database, fetcher: Fetcher, fake_web: FakeWeb, citing: list[NewsArticle]
) -> None:
    web = fake_web
    url = web.article_url(citing[0])
    web.set_page(NEWS, "/feed.xml", rss(items_for([url], citing[:1])))
    web.set_page(NEWS, "/sitemap.xml", urlset([url, url + "?utm_source=sitemap"]))
    pub = publication(
        feeds=(web.url(NEWS, "/feed.xml"),), sitemaps=(web.url(NEWS, "/sitemap.xml"),)
    )
    report = await poll(db, fetcher, pub)
    assert report.problems == ["2 duplicate URL(s) in the listings; each read once"]
    assert (report.listed, report.read, report.new) == (1, 1, 1)
    assert web.hits(NEWS, citing[0].path) == 1


async def test_the_overview_shows_each_publications_health(
    db: Database, seeded: Seeded, editor: Client
) -> None:
    url = "https://paper.example/2026/03/gone.html"
    now = datetime.now(UTC)

    def record(session: Session) -> None:
        pub_id = sync_publication(session, "paper", {}, now)
        record_outcome(session, pub_id, Outcome(url, "gone", reason="HTTP 404"), now)
        record_poll(session, pub_id, {"problems": ["feed x is malformed"]}, now)

    db.run(record)
    page = await (await editor.get("/overview")).text()
    row = re.search(r"<tr><td>paper</td>(.*?)</tr>", page)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells[:4] == ["1", "0", "1", "1"]  # found, imported, new today, failing
    assert cells[5] == "1"  # problems in the last poll
