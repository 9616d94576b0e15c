"""The archive of record on the dashboard and the API: a real page captured by a real
check, then shown "as captured" with its evidence marked, and downloaded as a WARC."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from fakeweb import FakeWeb, NewsArticle
from sqlmodel import select
from test_archive_capture import cite, usable
from test_pipeline_e2e import check, settings_for
from warcio.archiveiterator import ArchiveIterator

from checker.settings import Settings
from checker.web.app import create_app
from store.archive_tables import ArchivedCopy, Capture
from store.tables import Article, Citation, Flag, Source
from tests.test_web_api import bearer
from tests.web_fixtures import NOW, Client, Seeded, sign_in_directly, web_settings


@dataclasses.dataclass
class Captured:
    client: Client
    seeded: Seeded
    article: NewsArticle
    claim: str
    citation_id: int
    page: bytes
    folder: Path


def app_settings(folder: Path) -> Settings:
    base = web_settings()
    return dataclasses.replace(base, archive=dataclasses.replace(base.archive, folder=str(folder)))


@pytest.fixture
async def captured(
    seeded: Seeded, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> AsyncIterator[Captured]:
    folder = tmp_path / "archive"
    article = usable(articles)[0]
    claim = cite(seeded.db, fake_web, article, key="captured")
    await check(seeded.db, settings_for(fake_web, archive=folder), fake_web, NOW)
    citation_id = seeded.db.run(
        lambda s: s.exec(select(Citation.id).where(Citation.claim == claim)).one()
    )
    app = create_app(app_settings(folder), seeded.db, clock=lambda: NOW)
    async with TestClient(TestServer(app)) as client:
        yield Captured(
            client, seeded, article, claim, citation_id, fake_web.article_page(article).body, folder
        )


def warc_records(data: bytes) -> list[tuple[str, bytes]]:
    return [(r.rec_type, r.content_stream().read()) for r in ArchiveIterator(io.BytesIO(data))]


async def test_the_api_shows_the_source_as_captured_with_its_evidence(
    captured: Captured,
) -> None:
    c = captured
    path = f"/api/v1/citations/{c.citation_id}/archive"
    response = await c.client.get(path, headers=bearer(c.seeded, "viewer"))
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["as_captured"]["captured_at"] == NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert body["warc_available"] is True
    marked = [p["text"] for p in body["as_captured"]["text"] if p["evidence"]]
    assert marked and any(c.claim[:60] in " ".join(m.split()) for m in marked)
    assert [(x["reason"], x["record"], x["error"]) for x in body["captures"]] == [
        ("first_read", "response", None)
    ]


async def test_the_warc_download_replays_the_captured_page(captured: Captured) -> None:
    c = captured
    response = await c.client.get(
        f"/api/v1/citations/{c.citation_id}/archive.warc.gz", headers=bearer(c.seeded, "viewer")
    )
    assert response.status == 200
    assert response.content_type == "application/warc"
    assert "citation-" in response.headers["Content-Disposition"]
    records = warc_records(await response.read())
    assert [kind for kind, _ in records] == ["response", "request"]
    assert records[0][1] == c.page


async def test_a_revisit_download_brings_the_response_it_refers_to(
    captured: Captured, fake_web: FakeWeb
) -> None:
    c = captured
    cite(c.seeded.db, fake_web, c.article, key="second")
    await check(c.seeded.db, settings_for(fake_web, archive=c.folder), fake_web, NOW + timedelta(1))
    second = c.seeded.db.run(
        lambda s: max(s.exec(select(Citation.id).where(Citation.claim == c.claim)))
    )
    assert second != c.citation_id
    response = await c.client.get(
        f"/api/v1/citations/{second}/archive.warc.gz", headers=bearer(c.seeded, "viewer")
    )
    records = warc_records(await response.read())
    assert [kind for kind, _ in records] == ["response", "request", "revisit", "request"]
    assert records[0][1] == c.page


async def test_no_capture_is_a_documented_404(captured: Captured) -> None:
    c = captured
    other = c.seeded.db.run(
        lambda s: s.exec(select(Citation.id).where(Citation.claim != c.claim)).first()
    )
    response = await c.client.get(
        f"/api/v1/citations/{other}/archive.warc.gz", headers=bearer(c.seeded, "viewer")
    )
    assert response.status == 404
    assert "no capture" in (await response.json())["error"]
    missing = await c.client.get(
        "/api/v1/citations/99999/archive", headers=bearer(c.seeded, "viewer")
    )
    assert missing.status == 404


async def test_the_flag_page_shows_what_the_source_said_and_offers_the_warc(
    captured: Captured, fake_web: FakeWeb
) -> None:
    c = captured
    figure = next(w.strip(",.") for w in c.claim.split() if any(ch.isdigit() for ch in w))
    fake_web.replace_text(fake_web.NEWS, c.article.path, figure, str(int(figure) + 7))
    await check(c.seeded.db, settings_for(fake_web, archive=c.folder), fake_web, NOW + timedelta(1))
    flag_id = c.seeded.db.run(
        lambda s: s.exec(
            select(Flag.id).where(
                Flag.citation_id == c.citation_id, Flag.kind == "evidence_changed"
            )
        ).one()
    )
    anonymous = await c.client.get(
        f"/citations/{c.citation_id}/archive.warc.gz", allow_redirects=False
    )
    assert anonymous.status in (302, 303, 401)  # no archive without a login
    failed = Capture(
        citation_id=c.citation_id,
        source_id=c.seeded.db.run(lambda s: s.get(Citation, c.citation_id).source_id),
        captured_at=NOW + timedelta(days=2),
        reason="evidence_changed",
        error="No space left on device (/archive/AB)",
    )
    c.seeded.db.run(lambda s: s.add(failed))
    await sign_in_directly(c.client, c.seeded, "viewer")
    page = await (await c.client.get(f"/flags/{flag_id}")).text()
    assert "failed: No space left on device (/archive/AB)." in page
    assert "As captured on <b>" in page
    assert f'href="/citations/{c.citation_id}/archive.warc.gz"' in page
    assert "<mark>" in page
    assert "3 captures" in page  # the first read, the edited evidence, the failed one
    download = await c.client.get(f"/citations/{c.citation_id}/archive.warc.gz")
    assert download.status == 200
    kinds = [kind for kind, _ in warc_records(await download.read())]
    assert kinds == ["response", "request", "response", "request"]


@pytest.mark.parametrize(
    ("url", "verified", "wording"),
    [
        ("https://web.archive.org/web/20260101/x", True, "verified: carries the cited passage"),
        ("https://web.archive.org/web/20260101/x", False, "No archived copy carries the cited"),
        (None, False, "No archived copy carries the cited passage: none was found"),
    ],
)
async def test_the_flag_page_says_whether_an_archived_copy_carries_the_passage(
    captured: Captured, fake_web: FakeWeb, url: str | None, verified: bool, wording: str
) -> None:
    c = captured
    fake_web.remove(fake_web.NEWS, c.article.path)
    settings = settings_for(fake_web, archive=c.folder)
    for hours in (1, 3):  # confirmed dead
        await check(c.seeded.db, settings, fake_web, NOW + timedelta(hours=hours))

    def found(s: Any) -> int:
        copy = s.exec(select(ArchivedCopy).where(ArchivedCopy.citation_id == c.citation_id)).one()
        copy.snapshot_url, copy.verified = url, verified
        copy.snapshot_at = NOW - timedelta(days=150) if url else None
        s.add(copy)
        flag = s.exec(
            select(Flag).where(Flag.citation_id == c.citation_id, Flag.kind == "dead")
        ).one()
        return int(flag.id)

    flag_id = c.seeded.db.run(found)
    await sign_in_directly(c.client, c.seeded, "viewer")
    page = await (await c.client.get(f"/flags/{flag_id}")).text()
    assert wording in page
    if verified:
        assert "Archived copy of " in page
    body = await (
        await c.client.get(
            f"/api/v1/citations/{c.citation_id}/archive", headers=bearer(c.seeded, "viewer")
        )
    ).json()
    assert body["archived_copy"]["verified"] is verified
    assert body["archived_copy"]["snapshot_url"] == url


async def test_the_article_page_exports_robust_links_and_health(captured: Captured) -> None:
    c = captured
    article_id = c.seeded.db.run(
        lambda s: s.exec(
            select(Article.id).where(Article.url == "https://paper.example/captured")
        ).one()
    )
    path = f"/articles/{article_id}/export"
    anonymous = await c.client.get(path, allow_redirects=False)
    assert anonymous.status in (302, 303, 401)
    await sign_in_directly(c.client, c.seeded, "viewer")
    page = await (await c.client.get(f"/articles/{article_id}")).text()
    assert f'href="{path}?format=robustlinks"' in page
    links = await c.client.get(path + "?format=robustlinks")
    assert links.status == 200 and links.content_type == "text/html"
    text = await links.text()
    assert f'data-originalurl="{fake_url(c)}"' in text
    assert 'data-versiondate="' in text
    report = await c.client.get(path + "?format=csv")
    assert report.content_type == "text/csv"
    assert (await report.text()).startswith("ref,claim,source_url,state")
    assert (await c.client.get(path + "?format=pdf")).status == 400


def fake_url(c: Captured) -> str:
    return c.seeded.db.run(
        lambda s: s.exec(
            select(Source.url).join(Citation).where(Citation.id == c.citation_id)
        ).one()
    )
