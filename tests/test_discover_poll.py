"""Discovery polls against the fake web, on SQLite and PostgreSQL: feeds and sitemaps
built over the real news pages, read through the real fetcher, imported like a
re-import of each page."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from discover_fixtures import T0, Item, atom, gz, items_for, rss, sitemap_index, urlset
from fakeweb import FakeWeb, NewsArticle
from publication_web import (
    NEWS,
    expected,
    imported,
    poll,
    publication,
    raw_href,
    reader,
    statuses,
)
from sqlmodel import select

from checker.fetch import Fetcher
from store.db import Database
from store.discovery import (
    publication_health,
)
from store.discovery_tables import DiscoveredArticle
from store.tables import Article, Citation, Source


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
