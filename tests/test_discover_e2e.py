"""Discovery end to end: a new entry is imported and a later check flags its dead source;
an editor's replacement survives an update; the scheduler polls; the overview reports."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from discover_fixtures import T0, items_for, rss
from fakeweb import FakeWeb, NewsArticle
from publication_web import (
    NEWS,
    expected,
    imported,
    poll,
    publication,
    raw_href,
)
from sqlmodel import Session

from checker.discover.poll import PollReport
from checker.discover.runner import DiscoveryPoller
from checker.engine import CheckRun, open_checker
from checker.engine.metrics import Metrics

# trafilatura's first import warns (urllib3 without PySocks): imported at collection, where
# warnings are not yet errors, rather than inside the test that checks sources
from checker.engine.pipeline import SourceChecker  # noqa: F401
from checker.engine.worker import MonitorScheduler, run_workers
from checker.fetch import Fetcher
from checker.settings import Settings
from store.db import Database
from store.discovery import (
    Outcome,
    publication_health,
    record_outcome,
    record_poll,
    sync_publication,
)
from store.editing import replace_source
from store.flags import FlagFilter, list_flags
from tests.web_fixtures import Client, Seeded


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
        archive=dataclasses.replace(Settings().archive, enabled=False, capture=False),
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
    settings = dataclasses.replace(
        Settings(),
        fetch=fetcher.settings,
        publications=(pub,),
        archive=dataclasses.replace(Settings().archive, capture=False),
    )
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
