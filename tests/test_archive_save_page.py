"""Save Page Now (SPN2), optional: new sources submitted once to a fake SPN2 service on the
fake web, its rate limits and error answers handled, never failing a check."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb, NewsArticle
from sqlmodel import col, select
from test_archive_capture import cite, usable
from test_pipeline_e2e import check, settings_for

from checker.archive import ArchiveError, open_archive
from checker.archive.save_page import SavePageNow
from checker.fetch import Fetcher
from checker.settings import ArchiveSettings, Settings
from store.db import Database
from store.tables import SourceCheck

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def spn(web: FakeWeb, **kw: object) -> ArchiveSettings:
    values: dict[str, object] = {
        "save_page_now": True,
        "spn_url": web.url(FakeWeb.ARCHIVE, "/save"),
        "spn_access_key": "spn-key",
        "spn_secret_key": "spn-secret",
        "timeout_s": 2.0,
    }
    return ArchiveSettings(**(values | kw))  # type: ignore[arg-type]


async def test_a_new_source_is_submitted_once(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    cite(db, fake_web, article, key="a")
    base = settings_for(fake_web, archive=tmp_path / "archive")
    settings = dataclasses.replace(
        base,
        archive=dataclasses.replace(
            base.archive,
            save_page_now=True,
            spn_url=fake_web.url(FakeWeb.ARCHIVE, "/save"),
            spn_access_key="spn-key",
            spn_secret_key="spn-secret",
        ),
    )
    await check(db, settings, fake_web, T0)
    assert fake_web.spn_submissions == [fake_web.article_url(article)]
    last = db.run(
        lambda s: s.exec(select(SourceCheck).order_by(col(SourceCheck.id).desc())).first()
    )
    assert last.detail["save_page_now"]["job_id"].startswith("spn2-")
    await check(db, settings, fake_web, T0 + timedelta(days=1))
    cite(db, fake_web, article, key="b")  # a new citation of a source already known
    await check(db, settings, fake_web, T0 + timedelta(days=2))
    assert len(fake_web.spn_submissions) == 1


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("declined", "Save Page Now declined: error:too-many-daily-captures"),
        ("garbage", "Save Page Now answered something that is not JSON"),
        ("500", "Save Page Now failed (HTTP 500)"),
    ],
)
async def test_service_errors_are_one_line_messages(
    fake_web: FakeWeb, fetcher: Fetcher, answer: str, message: str
) -> None:
    fake_web.spn_answer = answer
    result = await SavePageNow(fetcher.session, spn(fake_web)).submit("https://a.example/x")
    assert not result.accepted and result.message == message
    assert result.as_detail() == {"error": message}


async def test_refused_keys_and_a_silent_service(fake_web: FakeWeb, fetcher: Fetcher) -> None:
    bad = SavePageNow(fetcher.session, spn(fake_web, spn_secret_key="wrong"))
    assert (await bad.submit("https://a.example/x")).message.endswith("refused the keys (HTTP 401)")
    hanging = spn(fake_web, spn_url=fake_web.url(FakeWeb.NEWS, "/hang"), timeout_s=0.3)
    silent = await SavePageNow(fetcher.session, hanging).submit("https://a.example/x")
    assert silent.message == "Save Page Now did not answer in time"


async def test_a_429_pauses_every_submission_for_its_retry_after(
    fake_web: FakeWeb, fetcher: Fetcher
) -> None:
    now = [100.0]
    service = SavePageNow(fetcher.session, spn(fake_web), clock=lambda: now[0])
    fake_web.spn_answer = "429"
    assert (await service.submit("https://a.example/1")).message == "rate limited (HTTP 429)"
    fake_web.spn_answer = "job"
    paused = await service.submit("https://a.example/2")
    assert not paused.accepted and paused.message.startswith("rate limited: paused for 30 s")
    assert fake_web.spn_submissions == ["https://a.example/1"]  # nothing sent while paused
    now[0] += 31  # Retry-After: 30
    assert (await service.submit("https://a.example/2")).accepted


def test_save_page_now_without_keys_is_a_start_up_error() -> None:
    settings = Settings(archive=ArchiveSettings(save_page_now=True, capture=False))
    with pytest.raises(ArchiveError, match=r"save_page_now needs the SPN2 keys"):
        open_archive(settings)
