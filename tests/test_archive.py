"""Archived copies of dead sources, from a fake Wayback availability API on the fake web."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fakeweb import FakeWeb

from checker.fetch import Fetcher
from checker.fetch.archive import ArchivedCopy, closest_copy, find_archived_copy
from checker.settings import ArchiveSettings

SOURCE = "https://stats.example/2019/report.html"
CITED = datetime(2020, 3, 1, tzinfo=UTC)


def snapshot(stamp: str = "20200115120000", status: str = "200", **extra: Any) -> dict[str, Any]:
    closest = {
        "status": status,
        "available": True,
        "url": f"http://web.archive.org/web/{stamp}/{SOURCE}",
        "timestamp": stamp,
        **extra,
    }
    return {"url": SOURCE, "archived_snapshots": {"closest": closest}}


@pytest.mark.parametrize(
    ("answer", "before", "expected_stamp"),
    [
        (snapshot(), CITED, "20200115120000"),
        (snapshot(), None, "20200115120000"),
        (snapshot("20200301000000"), CITED, "20200301000000"),  # the very moment counts
        (snapshot("20200401000000"), CITED, None),  # taken after the citation
        (snapshot(), datetime(2020, 3, 1), "20200115120000"),  # naive dates are UTC
        (snapshot(), datetime(2020, 1, 15, 13, 0, tzinfo=timezone(timedelta(hours=2))), None),
        (snapshot("2020"), CITED, "20200000000000"),
        (snapshot(status="302"), CITED, None),
        (snapshot(status="404"), CITED, None),
        (snapshot(available=False), CITED, None),
        (snapshot(url="javascript:alert(1)"), CITED, None),
        (snapshot(timestamp="soon"), CITED, None),
        ({"url": SOURCE, "archived_snapshots": {}}, CITED, None),
        ({"archived_snapshots": None}, CITED, None),
        ([], CITED, None),
        ("not json", CITED, None),
    ],
)
def test_closest_copy(answer: Any, before: datetime | None, expected_stamp: str | None) -> None:
    copy = closest_copy(answer, before)
    if expected_stamp is None or expected_stamp == "20200000000000":
        assert copy is None
    else:
        assert copy is not None
        assert copy.timestamp.strftime("%Y%m%d%H%M%S") == expected_stamp
        assert copy.url.endswith(SOURCE)
        assert copy.status == "200"


def archive_settings(web: FakeWeb, path: str = "/wayback/available", **kw: Any) -> ArchiveSettings:
    return ArchiveSettings(availability_url=web.url(FakeWeb.ARCHIVE, path), **kw)


async def test_finds_the_capture_before_the_citation(fake_web: FakeWeb, fetcher: Fetcher) -> None:
    fake_web.archive_snapshots[SOURCE] = [("20190601000000", "200"), ("20200501000000", "200")]
    copy = await find_archived_copy(fetcher.session, archive_settings(fake_web), SOURCE, CITED)
    assert copy == ArchivedCopy(
        url=f"http://web.archive.org/web/20190601000000/{SOURCE}",
        timestamp=datetime(2019, 6, 1, tzinfo=UTC),
        status="200",
    )
    first, second = (parse_qs(urlsplit(v.path).query) for v in fake_web.visits_to(FakeWeb.ARCHIVE))
    assert first == {"url": [SOURCE], "timestamp": ["20200301000000"]}  # answered 2020-05-01
    assert second == {"url": [SOURCE], "timestamp": ["20191031000000"]}  # 2 x 61 days back


async def test_no_copy_when_the_only_capture_is_after_the_citation(
    fake_web: FakeWeb, fetcher: Fetcher
) -> None:
    fake_web.archive_snapshots[SOURCE] = [("20200501000000", "200")]
    assert (
        await find_archived_copy(fetcher.session, archive_settings(fake_web), SOURCE, CITED) is None
    )


async def test_no_copy_when_never_archived(fake_web: FakeWeb, fetcher: Fetcher) -> None:
    assert (
        await find_archived_copy(fetcher.session, archive_settings(fake_web), SOURCE, None) is None
    )
    assert fake_web.hits(FakeWeb.ARCHIVE) == 1


async def test_disabled_look_up_asks_nothing(fake_web: FakeWeb, fetcher: Fetcher) -> None:
    fake_web.archive_snapshots[SOURCE] = [("20190601000000", "200")]
    settings = archive_settings(fake_web, enabled=False)
    assert await find_archived_copy(fetcher.session, settings, SOURCE, CITED) is None
    assert fake_web.hits(FakeWeb.ARCHIVE) == 0


@pytest.mark.parametrize(
    ("host", "path"),
    [
        (FakeWeb.NEWS, "/status/500"),  # the archive is failing
        (FakeWeb.NEWS, "/status/429"),  # the archive is rate limiting us
        (FakeWeb.NEWS, "/"),  # HTML where JSON was expected
        (FakeWeb.NEWS, "/hang"),  # never answers
        (FakeWeb.NEWS, "/close-before-headers"),
        (FakeWeb.REFUSED, "/wayback/available"),
        (FakeWeb.NXDOMAIN, "/wayback/available"),
    ],
)
async def test_archive_trouble_means_no_copy_never_an_error(
    fake_web: FakeWeb, fetcher: Fetcher, host: str, path: str
) -> None:
    settings = ArchiveSettings(availability_url=fake_web.url(host, path), timeout_s=0.5)
    assert await find_archived_copy(fetcher.session, settings, SOURCE, CITED) is None
