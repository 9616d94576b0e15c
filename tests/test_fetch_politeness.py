"""Per-host politeness: concurrency seen by the server, spacing on a driven clock, backoff."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from fakeweb import FakeWeb

from checker.fetch import Fetcher
from checker.fetch.politeness import HostGates, parse_retry_after
from checker.settings import FetchSettings

NEWS = FakeWeb.NEWS


class DrivenClock:
    """Time that moves only when someone sleeps: spacing is checked exactly, without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def gates(clock: DrivenClock, *, concurrency: int = 10, per_host: int = 1) -> HostGates:
    return HostGates(
        concurrency=concurrency,
        per_host_concurrency=per_host,
        per_host_delay_s=2.0,
        max_backoff_s=30.0,
        clock=clock,
        sleep=clock.sleep,
    )


async def test_request_starts_to_one_host_are_spaced_by_the_delay() -> None:
    clock = DrivenClock()
    limiter = gates(clock)
    starts: list[float] = []

    async def request() -> None:
        async with limiter.slot("news.test"):
            starts.append(clock())

    await asyncio.gather(*(request() for _ in range(4)))
    assert [b - a for a, b in itertools.pairwise(starts)] == [2.0, 2.0, 2.0]


async def test_spacing_counts_from_when_a_request_actually_left() -> None:
    clock = DrivenClock()
    limiter = gates(clock, per_host=2)
    starts: list[float] = []

    async def slow_to_connect() -> None:
        async with limiter.slot("news.test") as sent:
            await clock.sleep(3.0)  # connecting took 3 s
            sent()
            starts.append(clock())

    async def next_request() -> None:
        async with limiter.slot("news.test") as sent:
            sent()
            starts.append(clock())

    await asyncio.gather(slow_to_connect(), next_request())
    assert starts == [1003.0, 1005.0]  # 2 s after the first really left, not after it began


async def test_hosts_do_not_wait_for_each_other() -> None:
    clock = DrivenClock()
    limiter = gates(clock)
    starts: dict[str, float] = {}

    async def request(host: str) -> None:
        async with limiter.slot(host):
            starts[host] = clock()

    await asyncio.gather(*(request(f"site{i}.test") for i in range(5)))
    assert set(starts.values()) == {1000.0}
    assert clock.slept == []


async def test_429_pushes_the_next_start_back_by_retry_after() -> None:
    clock = DrivenClock()
    limiter = gates(clock)
    async with limiter.slot("busy.test"):
        pass
    limiter.answered("busy.test", 429, 12.0)
    async with limiter.slot("busy.test"):
        assert clock() == 1012.0


async def test_repeated_503_without_retry_after_backs_off_exponentially_up_to_the_cap() -> None:
    clock = DrivenClock()
    limiter = gates(clock)
    waits = []
    for _ in range(6):
        before = clock()
        async with limiter.slot("down.test"):
            waits.append(clock() - before)
        limiter.answered("down.test", 503, None)
    assert waits == [0.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    limiter.answered("down.test", 200, None)
    before = clock()
    async with limiter.slot("down.test"):
        assert clock() - before == 30.0  # the pause already set still holds once


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:30:00 GMT", 1800.0),
        ("Wed, 21 Oct 2015 06:00:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-5", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 0, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


async def test_server_never_sees_more_than_per_host_concurrency(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    settings = replace(fetch_settings, per_host_concurrency=2, concurrency=10)
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        held = [
            asyncio.create_task(fetcher.fetch(fake_web.url(NEWS, f"/held/{i}"))) for i in range(6)
        ]
        await fake_web.wait_for_requests(NEWS, 3)  # robots.txt, then two held pages
        # Another host is served meanwhile: the client had every chance to send more.
        other = await fetcher.fetch(fake_web.url(FakeWeb.SOFT404, "/"))
        assert other.status == 200
        assert fake_web.in_flight[NEWS] == 2
        fake_web.release_held()
        results = await asyncio.gather(*held)
    assert [r.status for r in results] == [200] * 6
    assert fake_web.max_in_flight[NEWS] == 2


async def test_global_concurrency_caps_requests_over_all_hosts(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    settings = replace(fetch_settings, respect_robots=False, concurrency=3)
    hosts = [f"site{i}.test" for i in range(6)]
    for host in hosts:
        fake_web.add_host(host, "news")
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        tasks = [asyncio.create_task(fetcher.fetch(fake_web.url(h, "/held/x"))) for h in hosts]
        await fake_web.wait_until(lambda: sum(fake_web.in_flight.values()) >= 3)
        # A fetch by another client meanwhile: the first had every chance to send more.
        async with Fetcher(settings, resolver=fake_web.resolver()) as other:
            assert (await other.fetch(fake_web.url(NEWS, "/"))).status == 200
        assert sum(fake_web.in_flight.values()) == 3
        fake_web.release_held()
        await asyncio.gather(*tasks)
    assert sum(fake_web.hits(h) for h in hosts) == 6


async def test_requests_to_one_host_start_in_order_spaced_by_the_delay(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    clock = DrivenClock()
    settings = replace(fetch_settings, per_host_delay_s=5.0, per_host_concurrency=1)
    async with Fetcher(
        settings, resolver=fake_web.resolver(), clock=clock, sleep=clock.sleep
    ) as fetcher:
        paths = ["/", "/politics/", "/missing.html", "/gone.html"]
        await asyncio.gather(*(fetcher.fetch(fake_web.url(NEWS, p)) for p in paths))
    visits = fake_web.visits_to(NEWS)
    assert [v.path for v in visits] == ["/robots.txt", *paths]
    for earlier, later in itertools.pairwise(visits):
        assert earlier.finished is not None and earlier.finished <= later.started  # no overlap
    assert clock.slept == [5.0] * 4  # robots.txt then four pages, each 5 s after the last


async def test_long_retry_after_pauses_the_host_only_up_to_the_cap(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    clock = DrivenClock()
    settings = replace(fetch_settings, retry_after_wait_s=10.0, respect_robots=False)
    async with Fetcher(
        settings, resolver=fake_web.resolver(), clock=clock, sleep=clock.sleep
    ) as fetcher:
        busy = await fetcher.fetch(fake_web.url(NEWS, "/status/429?retry_after=3600"))
        after = await fetcher.fetch(fake_web.url(NEWS, "/"))
    assert busy.status == 429
    assert after.status == 200
    assert clock.slept == [10.0]
