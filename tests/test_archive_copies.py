"""Verified archived copies: snapshots listed by a fake Wayback CDX API and Memento
TimeMap on the fake web, fetched and judged by the evidence matcher; archives in
trouble give no verdict and never an error; archive addresses pass the URL-safety rule."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb, NewsArticle
from sqlmodel import select
from test_archive_capture import usable
from test_pipeline_e2e import check, evidence_sentence, settings_for

from checker import evidence as ev
from checker.archive.indexes import Snapshot, in_order, parse_cdx, parse_timemap
from checker.archive.verify import Wanted, verified_copies
from checker.extract import Extractor
from checker.fetch import Fetcher
from checker.fetch.guard import is_forbidden_address
from checker.model import ArticleIn, CitationIn, Document, Evidence
from checker.settings import ArchiveSettings, EvidenceSettings, ExtractSettings, Settings
from store.archive_tables import ArchivedCopy
from store.articles import import_articles
from store.db import Database
from store.tables import Flag, Source

CITED = datetime(2026, 3, 1, tzinfo=UTC)
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CDX = "https://web.archive.org/cdx/search/cdx"


def stamp(day: datetime) -> str:
    return day.strftime("%Y%m%d%H%M%S")


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"[]", []),
        (
            b'[["timestamp","original","statuscode","digest"],'
            b'["20200115120000","https://a.example/x","200","D1"]]',
            ["https://web.archive.org/web/20200115120000/https://a.example/x"],
        ),
        (
            b'[["timestamp","original","statuscode","digest"],'
            b'["2020","https://a.example/x","200","D1"],'  # no such day
            b'["20200115120000","javascript:alert(1)","200","D2"],'
            b'["20200116120000","https://a.example/x","404","D3"],'
            b'["20200117120000","https://a.example/x"]]',  # short row
            [],
        ),
        (b"<html>Service unavailable</html>", None),
        (b'{"error": "rate limited"}', None),
        (b'[["foo","bar"]]', None),
        (b"", None),
    ],
)
def test_parse_cdx(body: bytes, expected: list[str] | None) -> None:
    found = parse_cdx(body, CDX)
    assert (None if found is None else [s.url for s in found]) == expected
    for snapshot in found or []:
        assert "id_/" in snapshot.fetch_url and snapshot.service == "wayback"


def test_parse_timemap() -> None:
    body = (
        b'<https://a.example/x>; rel="original",\n'
        b'<https://arch.example/20190101/https://a.example/x>; rel="first memento"; '
        b'datetime="Tue, 01 Jan 2019 00:00:00 GMT",\n'
        b'<https://arch.example/20200101/https://a.example/x>; rel="memento"; '
        b'datetime="Wed, 01 Jan 2020 00:00:00 GMT",\n'
        b'<ftp://arch.example/x>; rel="memento"; datetime="Wed, 01 Jan 2020 00:00:00 GMT",\n'
        b'<https://arch.example/bad>; rel="memento"; datetime="someday",\n'
        b'<https://arch.example/timegate>; rel="timegate"'
    )
    found = parse_timemap(body)
    assert [(s.url, s.taken_at.year) for s in found] == [
        ("https://arch.example/20190101/https://a.example/x", 2019),
        ("https://arch.example/20200101/https://a.example/x", 2020),
    ]
    assert parse_timemap(b"garbage <<<") == []


def snap(day: str) -> Snapshot:
    taken = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
    return Snapshot(f"https://arch/{day}", f"https://arch/{day}", taken, "wayback")


@pytest.mark.parametrize(
    ("days", "cited", "limit", "expected"),
    [
        (
            ["2026-01-01", "2026-02-20", "2026-04-01"],
            CITED,
            3,
            ["2026-02-20", "2026-01-01", "2026-04-01"],
        ),
        (["2026-04-01", "2026-05-01"], CITED, 3, ["2026-04-01", "2026-05-01"]),  # only after
        (["2026-01-01", "2026-02-20", "2026-04-01"], CITED, 1, ["2026-02-20"]),
        (["2026-03-01", "2026-03-02"], CITED, 2, ["2026-03-01", "2026-03-02"]),  # the day counts
        (["2026-01-01", "2026-01-01", "2026-02-01"], CITED, 5, ["2026-02-01", "2026-01-01"]),
        (["2026-01-01", "2026-04-01"], None, 5, ["2026-04-01", "2026-01-01"]),  # newest first
        ([], CITED, 3, []),
    ],
)
def test_snapshots_are_tried_closest_before_the_citation_first(
    days: list[str], cited: datetime | None, limit: int, expected: list[str]
) -> None:
    order = in_order([snap(d) for d in days], cited, limit)
    assert [s.url.rsplit("/", 1)[1] for s in order] == expected


# --------------------------------------------------------------------------- against the fake web


def page_without(article: NewsArticle, claim: str) -> bytes:
    """The article with its evidence sentence gone (what a later edit left)."""
    return article.html.replace(claim.encode(), b"Nothing to see here.")


def cite(db: Database, web: FakeWeb, article: NewsArticle) -> str:
    claim = evidence_sentence(article)
    assert claim is not None
    cited = ArticleIn(
        "https://paper.example/c", "C", (CitationIn("1", web.article_url(article), claim),), CITED
    )
    db.run(lambda s: import_articles(s, [cited], T0))
    return claim


async def kill_and_confirm(db: Database, settings: Settings, web: FakeWeb, path: str) -> None:
    """Read it once, then it dies: two failures an hour apart confirm it dead."""
    await check(db, settings, web, T0)
    web.remove(web.NEWS, path)
    await check(db, settings, web, T0 + timedelta(hours=1))
    await check(db, settings, web, T0 + timedelta(hours=3))


def copy_row(db: Database) -> ArchivedCopy | None:
    return db.run(lambda s: s.exec(select(ArchivedCopy)).one_or_none())


async def test_a_dead_source_gets_the_closest_copy_that_carries_the_passage(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    claim = cite(db, fake_web, article)
    url = fake_web.article_url(article)
    kept, edited = datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 2, 20, tzinfo=UTC)
    fake_web.wayback[url] = {
        stamp(kept): article.html,  # carries the passage
        stamp(edited): page_without(article, claim),  # closer to the citation, but edited
        stamp(datetime(2026, 4, 1, tzinfo=UTC)): article.html,  # after the citation
    }
    settings = settings_for(fake_web, archive=tmp_path / "archive")
    await kill_and_confirm(db, settings, fake_web, article.path)

    found = copy_row(db)
    assert found is not None and found.verified and found.service == "wayback"
    assert found.snapshot_at == kept and found.tried == 2  # the edited one was tried first
    assert found.snapshot_url == fake_web.url(FakeWeb.ARCHIVE, f"/web/{stamp(kept)}/{url}")
    source = db.run(lambda s: s.exec(select(Source)).one())
    assert source.state == "dead" and source.archived_url == found.snapshot_url
    dead = db.run(lambda s: s.exec(select(Flag).where(Flag.kind == "dead")).one())
    assert dead.detail["archived_url"] == found.snapshot_url  # the alert offers it
    # looked for once: a later check does not ask the archive again
    asked = fake_web.hits(FakeWeb.ARCHIVE)
    await check(db, settings, fake_web, T0 + timedelta(days=1))
    assert fake_web.hits(FakeWeb.ARCHIVE) == asked


async def test_no_archived_copy_carries_the_passage(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    claim = cite(db, fake_web, article)
    url = fake_web.article_url(article)
    fake_web.wayback[url] = {stamp(datetime(2026, 2, 1, tzinfo=UTC)): page_without(article, claim)}
    settings = settings_for(fake_web, archive=tmp_path / "archive")
    await kill_and_confirm(db, settings, fake_web, article.path)
    found = copy_row(db)
    assert found is not None and not found.verified and found.tried == 1
    assert found.snapshot_url is not None and "/web/20260201000000/" in found.snapshot_url
    source = db.run(lambda s: s.exec(select(Source)).one())
    assert source.archived_url is None  # an unverified copy is not offered as the source


async def test_an_edited_evidence_gets_a_verified_copy_of_what_was_cited(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    claim = cite(db, fake_web, article)
    url = fake_web.article_url(article)
    fake_web.wayback[url] = {stamp(datetime(2026, 2, 1, tzinfo=UTC)): article.html}
    settings = settings_for(fake_web, archive=tmp_path / "archive")
    await check(db, settings, fake_web, T0)
    assert copy_row(db) is None  # nothing wrong: nothing looked for
    figure = next(w.strip(",.") for w in claim.split() if any(ch.isdigit() for ch in w))
    fake_web.replace_text(fake_web.NEWS, article.path, figure, str(int(figure) + 7))
    await check(db, settings, fake_web, T0 + timedelta(hours=1))
    found = copy_row(db)
    assert found is not None and found.verified
    assert found.snapshot_at == datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture
async def two_address_web() -> AsyncIterator[FakeWeb]:
    """The fake web on 127.0.0.1 and 127.0.0.2, for a guard that refuses the second."""
    web = FakeWeb()
    await web.start(("127.0.0.1", "127.0.0.2"))
    try:
        yield web
    finally:
        await web.close()


def guarded_fetcher(web: FakeWeb) -> Fetcher:
    """The real fetcher and SSRF guard, refusing 127.0.0.2 as it refuses private networks."""
    from checker.settings import FetchSettings

    settings = FetchSettings(timeout_s=5.0, per_host_delay_s=0.0, allow_private_networks=False)
    return Fetcher(
        settings,
        resolver=web.resolver(),
        forbidden_address=lambda ip: (
            str(ip) == "127.0.0.2" or (is_forbidden_address(ip) and not ip.is_loopback)
        ),
    )


async def test_memento_copies_pass_the_url_safety_rule(
    two_address_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    web = two_address_web
    article = usable(articles)[0]
    claim = evidence_sentence(article)
    assert claim is not None
    url = web.article_url(article)
    # The TimeMap lists a copy on a forbidden address first (closest before), one with an
    # unusable scheme, and a genuine copy that carries the passage.
    web.mementos[url] = [
        (f"http://127.0.0.2:{web.port}/web/20260228000000id_/{url}", "20260228000000"),
        ("file:///etc/passwd", "20260227000000"),
    ]
    web.wayback[url] = {"20260101000000": article.html}
    settings = ArchiveSettings(
        cdx_url="", timemap_urls=(web.url(FakeWeb.ARCHIVE, "/timemap/link/"),), timeout_s=5.0
    )
    extract = Extractor(ExtractSettings(processes=1))
    try:
        async with guarded_fetcher(web) as fetcher:
            baseline = await extract.extract(article.html, "text/html", url, "utf-8")
            evidence = ev.anchor(claim, None, baseline, EvidenceSettings())
            want = [Wanted(1, evidence, baseline)]
            [verdict] = await verified_copies(
                fetcher, extract, settings, EvidenceSettings(), url, CITED, want
            )
    finally:
        extract.close()
    assert verdict.verified and verdict.service == "memento"
    assert verdict.snapshot_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert verdict.tried == 2  # the forbidden one was tried, refused, then the genuine one
    assert not any("127.0.0.2" in v.host for v in web.visits), "the guard let it through"


ARCHIVE_TROUBLE = [
    (FakeWeb.NEWS, "/status/429"),  # rate limited
    (FakeWeb.NEWS, "/status/503"),
    (FakeWeb.NEWS, "/"),  # HTML where JSON was expected
    (FakeWeb.NEWS, "/hang"),  # never answers
    (FakeWeb.NEWS, "/close-before-headers"),
    (FakeWeb.REFUSED, "/cdx"),
    (FakeWeb.NXDOMAIN, "/cdx"),
]


@pytest.mark.parametrize(("host", "path"), ARCHIVE_TROUBLE)
async def test_an_archive_in_trouble_gives_no_verdict_and_no_error(
    fake_web: FakeWeb, fetcher: Fetcher, host: str, path: str
) -> None:
    document = Document.from_text("T", "The council approved 42 new homes on Tuesday.")
    evidence = Evidence(("The council approved 42 new homes on Tuesday.",), "fp")
    settings = ArchiveSettings(cdx_url=fake_web.url(host, path), timeout_s=0.5)
    extract = Extractor(ExtractSettings(processes=1))
    try:
        verdicts = await verified_copies(
            fetcher,
            extract,
            settings,
            EvidenceSettings(),
            "https://stats.example/x",
            CITED,
            [Wanted(1, evidence, document)],
        )
    finally:
        extract.close()
    assert verdicts == ()


async def test_a_rate_limited_archive_is_asked_again_at_the_next_check(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    cite(db, fake_web, article)
    base = settings_for(fake_web, archive=tmp_path / "archive")
    limited: dict[str, Any] = {"cdx_url": fake_web.url(FakeWeb.NEWS, "/status/429")}
    settings = dataclasses.replace(base, archive=dataclasses.replace(base.archive, **limited))
    await kill_and_confirm(db, settings, fake_web, article.path)
    assert db.run(lambda s: s.exec(select(Source)).one()).state == "dead"  # recorded anyway
    assert copy_row(db) is None  # no verdict: looked for again next time

    def asked() -> int:
        return sum(v.path.startswith("/status/429?") for v in fake_web.visits_to(FakeWeb.NEWS))

    before = asked()
    assert before > 0
    await check(db, settings, fake_web, T0 + timedelta(days=1))
    assert asked() > before


async def test_snapshots_that_cannot_be_read_give_no_verdict(
    fake_web: FakeWeb, fetcher: Fetcher, articles: tuple[NewsArticle, ...]
) -> None:
    """Listed, but the replay answers 429 or nothing: no verdict, so the next check asks
    again instead of recording that no copy carries the passage."""
    article = usable(articles)[0]
    url = fake_web.article_url(article)
    fake_web.mementos[url] = [
        (fake_web.url(FakeWeb.NEWS, "/status/429"), "20260201000000"),
        (fake_web.url(FakeWeb.NEWS, "/hang"), "20260101000000"),
    ]
    settings = ArchiveSettings(
        cdx_url="", timemap_urls=(fake_web.url(FakeWeb.ARCHIVE, "/timemap/link/"),), timeout_s=0.5
    )
    document = Document.from_text("T", "The council approved 42 new homes on Tuesday.")
    evidence = Evidence(("The council approved 42 new homes on Tuesday.",), "fp")
    extract = Extractor(ExtractSettings(processes=1))
    try:
        verdicts = await verified_copies(
            fetcher,
            extract,
            settings,
            EvidenceSettings(),
            url,
            CITED,
            [Wanted(1, evidence, document)],
        )
    finally:
        extract.close()
    assert verdicts == ()
    assert sum(v.path == "/status/429" for v in fake_web.visits_to(FakeWeb.NEWS)) >= 1
