"""Per-host politeness across workers: host leases (store.hosts, checker.engine.hosts).

One worker at a time checks a host; a worker keeps at most `per_host_concurrency` checks
of a host in flight; a worker letting a host go says when its gate would next let a
request go there, and no other worker starts on the host before then; a crashed
worker's host lease expires. The engine tests run on SQLite and PostgreSQL with a
stand-in pipeline; the end-to-end test runs two real pipelines (two Fetchers, so two
sets of host gates, like two processes) against a local aiohttp site.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from sqlalchemy import update
from sqlmodel import col, select
from yarl import URL

from checker.engine import CheckRun, open_checker
from checker.engine.worker import MonitorScheduler, Worker, run_workers
from checker.fetch import Fetcher
from checker.outcome import SourceOutcome, SourceTask
from checker.settings import Settings
from checker.urls import host_of
from store.db import Database
from store.hosts import held_hosts
from store.tables import Source
from tests.test_engine import StandInPipeline, settings
from tests.worker_fixtures import check_workers, checks_per_source, held_leases, seed_sources

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def on(host: str, n: int, start: int = 0) -> list[str]:
    return [f"https://{host}/page/{i}" for i in range(start, start + n)]


class PerHostPipeline(StandInPipeline):
    """The stand-in pipeline, also counting the most checks in flight per host (over
    several pipelines when they share `by_host` and `most_by_host`)."""

    def __init__(
        self,
        worker: str,
        by_host: Counter[str] | None = None,
        most_by_host: Counter[str] | None = None,
        takes_s: float = 0.0,
    ) -> None:
        super().__init__(worker)
        self.takes_s = takes_s  # how long a check lasts (checks of two workers overlap)
        self.by_host = Counter[str]() if by_host is None else by_host
        self.most_by_host = Counter[str]() if most_by_host is None else most_by_host

    async def check(self, task: SourceTask, now: datetime) -> SourceOutcome:
        host = host_of(task.url)
        self.by_host[host] += 1
        self.most_by_host[host] = max(self.most_by_host[host], self.by_host[host])
        try:
            await asyncio.sleep(self.takes_s)
            return await super().check(task, now)
        finally:
            self.by_host[host] -= 1


def seed_overdue_first(db: Database, overdue: list[str], due: list[str]) -> None:
    """Sources due at T0, those in `overdue` an hour earlier (first in the queue)."""
    seed_sources(db, overdue + due, T0)
    earlier = (
        update(Source)
        .where(col(Source.url).in_(overdue))
        .values(next_check_at=T0 - timedelta(hours=1))
    )
    db.run(lambda s: s.exec(earlier))


def holders(db: Database, now: datetime) -> dict[str, str]:
    """Hosts under a live lease → their holder."""
    return db.run(lambda s: held_hosts(s, now=now))


def hosts_started(pipeline: StandInPipeline, db: Database) -> Counter[str]:
    urls = dict(db.run(lambda s: list(s.exec(select(Source.id, Source.url)))))
    return Counter(host_of(urls[i]) for i in pipeline.started)


# ---------------------------------------------------------------- one worker per host


async def test_two_workers_racing_for_one_host_never_both_hold_it(db: Database) -> None:
    """Round after round, two runs lease at the same moment (on PostgreSQL in two
    connections at once): one gets the host and its sources, the other nothing."""
    cfg = settings(batch_size=4)
    for round_ in range(6):
        host = f"race{round_}.example"
        seed_sources(db, on(host, 4), T0)
        gate = asyncio.Event()
        pipelines = [StandInPipeline(f"w{i}", gate) for i in range(2)]
        runs = [CheckRun(db, cfg, p, clock=lambda: T0, concurrency=4) for p in pipelines]

        leased = await asyncio.gather(*(r.lease_and_start(4) for r in runs))

        winners = [run.owner for run, ids in zip(runs, leased, strict=True) if ids]
        assert len(winners) == 1, leased
        assert holders(db, T0) == {host: winners[0]}
        assert sorted(len(ids) for ids in leased) == [0, 2]  # per_host_concurrency = 2
        # Two more are due: the winner asks again soon (its own cap holds them back), the
        # other leaves them to the worker holding their host.
        assert [r.held_back for r in runs] == [bool(ids) for ids in leased]
        gate.set()
        for run in runs:
            await run.drain(None)
        assert holders(db, T0) == {}
        assert held_leases(db) == []


async def test_racing_runs_check_one_host_once_each_and_in_turn(db: Database) -> None:
    """Three runs, four slots each, one host: never more than per_host_concurrency (2)
    checks of the host in flight over all three, as if one worker checked it."""
    seed_sources(db, on("busy.example", 12), T0)
    by_host, most = Counter[str](), Counter[str]()
    pipelines = [PerHostPipeline(f"w{i}", by_host, most, takes_s=0.02) for i in range(3)]
    runs = [CheckRun(db, settings(batch_size=4), p, clock=lambda: T0, concurrency=4)
            for p in pipelines]  # fmt: skip

    reports = await asyncio.gather(*(r.run_once() for r in runs))

    assert sum(r.checked for r in reports) == 12
    assert set(checks_per_source(db).values()) == {1}
    assert most == {"busy.example": 2}
    assert holders(db, T0) == {} and held_leases(db) == []


# ---------------------------------------------------------------- per-host cap


async def test_a_busy_host_takes_at_most_its_cap_and_other_hosts_still_get_slots(
    db: Database,
) -> None:
    seed_overdue_first(db, on("a.example", 20), on("b.example", 5))
    gate = asyncio.Event()
    pipeline = StandInPipeline("w", gate)
    cfg = settings(batch_size=10)
    cfg = dataclasses.replace(cfg, fetch=dataclasses.replace(cfg.fetch, per_host_concurrency=3))
    run = CheckRun(db, cfg, pipeline, clock=lambda: T0, concurrency=10)

    first = await run.lease_and_start(10)
    again = await run.lease_and_start(run.free_slots)  # both hosts at their cap

    assert hosts_started(pipeline, db) == {"a.example": 3, "b.example": 3}
    assert len(first) == 6 and again == []
    assert run.held_back  # 19 due sources wait on the caps
    gate.set()
    await run.drain(None)


async def test_run_once_waits_for_room_on_a_capped_host_and_checks_everything(
    db: Database,
) -> None:
    seed_overdue_first(db, on("a.example", 20), on("b.example", 5))
    pipeline = PerHostPipeline("w")
    run = CheckRun(db, settings(batch_size=10), pipeline, clock=lambda: T0, concurrency=10)

    report = await run.run_once()

    assert report.checked == 25
    assert set(checks_per_source(db).values()) == {1}
    assert pipeline.most_by_host == {"a.example": 2, "b.example": 2}
    assert holders(db, T0) == {} and held_leases(db) == []


async def test_the_long_running_worker_keeps_leasing_past_a_capped_host(db: Database) -> None:
    seed_overdue_first(db, on("a.example", 9), on("b.example", 3))
    cfg = settings(batch_size=6)
    pipeline = PerHostPipeline("w")
    worker = Worker(CheckRun(db, cfg, pipeline, concurrency=6), mode="once")
    scheduler = MonitorScheduler([worker], db=db, settings=cfg, metrics=worker.run.metrics)

    [report] = await run_workers(scheduler, asyncio.Event(), once=True)

    assert report.checked == 12
    assert max(pipeline.most_by_host.values()) == 2
    assert held_leases(db) == []


# ---------------------------------------------------------------- a crashed worker


async def test_a_crashed_workers_host_lease_expires_and_another_worker_takes_the_host(
    db: Database,
) -> None:
    seed_sources(db, on("c.example", 4), T0)
    cfg = settings(lease_s=60)
    crashed = CheckRun(db, cfg, StandInPipeline("crashed", asyncio.Event()), clock=lambda: T0)
    assert len(await crashed.lease_and_start(4)) == 2  # then it dies: no heartbeat, no drain
    now = {"t": T0 + timedelta(seconds=30)}
    rescuer = CheckRun(db, cfg, StandInPipeline("rescuer"), clock=lambda: now["t"])

    assert await rescuer.lease_and_start(4) == []  # the host is still the crashed worker's
    assert not rescuer.held_back  # its sources are left to the worker holding the host:
    assert (await rescuer.run_once()).checked == 0  # a burst run ends, it does not wait
    now["t"] = T0 + timedelta(seconds=61)
    report = await rescuer.run_once()

    assert report.checked == 4  # its two free sources and the crashed worker's two
    assert set(check_workers(db).values()) == {"rescuer"}
    assert holders(db, now["t"]) == {}
    await crashed.drain(0)  # tidy the test's tasks: nothing of the rescuer's is released
    assert set(checks_per_source(db).values()) == {1}


# ---------------------------------------------------------------- spacing across workers


class ArrivalSite:
    """One host on 127.0.0.1 that records when each request arrives."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []
        self.answered = asyncio.Event()
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> ArrivalSite:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._page)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _page(self, request: web.Request) -> web.Response:
        self.arrivals.append((time.monotonic(), request.path))
        body = (
            f"<html><head><title>Page {request.path}</title></head><body><article>"
            f"<h1>Report {request.path}</h1>"
            + "<p>The council approved the harbour budget after a long debate.</p>" * 4
            + "</article></body></html>"
        )
        self.answered.set()
        return web.Response(text=body, content_type="text/html")


def polite_settings(delay_s: float) -> Settings:
    base = settings()
    return dataclasses.replace(
        base,
        fetch=dataclasses.replace(
            base.fetch,
            allow_private_networks=True,
            per_host_delay_s=delay_s,
            per_host_concurrency=2,
            respect_robots=False,
            soft_404_probe=False,
            timeout_s=5.0,
        ),
        extract=dataclasses.replace(base.extract, processes=1),
        support=dataclasses.replace(base.support, backend="lexical"),
    )


@pytest.fixture
async def arrival_site() -> AsyncIterator[ArrivalSite]:
    async with ArrivalSite() as site:
        yield site


async def test_two_workers_with_their_own_gates_keep_one_hosts_requests_spaced(
    db: Database, arrival_site: ArrivalSite
) -> None:
    """The first worker checks three pages and stops; the second, running again and
    again meanwhile (each run leaves the host's sources to the worker holding it), takes
    the host over no earlier than the first one's gate allows."""
    delay_s = 0.3
    urls = [f"http://127.0.0.1:{arrival_site.port}/page/{i}" for i in range(8)]
    seed_sources(db, urls, datetime.now(UTC) - timedelta(minutes=1))
    cfg = polite_settings(delay_s)
    async with (
        open_checker(cfg, worker="first") as first_checker,
        open_checker(cfg, worker="second") as second_checker,
    ):
        first = CheckRun(db, cfg, first_checker, concurrency=2)
        second = CheckRun(db, cfg, second_checker, concurrency=2)
        first_done = asyncio.create_task(first.run_once(limit=3))
        await arrival_site.answered.wait()  # the first worker holds the host
        checked_second = 0
        while checked_second < 5:
            checked_second += (await second.run_once()).checked
            await asyncio.sleep(0.02)
        checked_first = (await first_done).checked

    assert (checked_second, checked_first) == (5, 3)
    assert set(checks_per_source(db).values()) == {1}
    assert sorted(path for _, path in arrival_site.arrivals) == sorted(URL(u).path for u in urls)
    times = [t for t, _ in arrival_site.arrivals]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.9 * delay_s, gaps


# ---------------------------------------------------------------- the gate's next start


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/a",
        "https://WWW.Example.COM:8443/a?b=c",
        "http://127.0.0.1:8080/page/1",
        "http://bücher.de/x",
        "http://[::1]:8080/",
    ],
)
async def test_the_fetchers_next_request_time_is_keyed_like_source_hosts(url: str) -> None:
    """A source's host (checker.urls.host_of) finds the gate the fetcher used for it."""
    cfg = polite_settings(2.0).fetch
    clock = {"t": 100.0}
    fetcher = Fetcher(cfg, clock=lambda: clock["t"])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert fetcher.next_request_at(host_of(url), now) is None  # never asked
    gates = fetcher._gates
    async with gates.slot(URL(url).raw_host or ""):
        pass
    clock["t"] = 101.5
    assert fetcher.next_request_at(host_of(url), now) == now + timedelta(seconds=0.5)
    gates.answered(URL(url).raw_host or "", 429, 5.0)  # a 429's Retry-After counts too
    assert fetcher.next_request_at(host_of(url), now) == now + timedelta(seconds=5.0)
    await fetcher.close()


async def test_an_idle_worker_lets_its_hosts_go_without_waiting_for_its_tick(
    db: Database,
) -> None:
    seed_sources(db, on("d.example", 1), T0)
    cfg = settings()
    cfg = dataclasses.replace(cfg, monitor=dataclasses.replace(cfg.monitor, tick_s=3600))
    worker = Worker(CheckRun(db, cfg, StandInPipeline("w"), clock=lambda: T0))
    stop = asyncio.Event()
    serving = asyncio.create_task(worker.serve(stop))  # no scheduler: no tick ever comes
    try:
        for _ in range(200):  # the database tells nobody: look until the host is let go
            written = checks_per_source(db) == {on("d.example", 1)[0]: 1}
            if written and worker.run.in_flight == 0 and not holders(db, T0):
                break
            await asyncio.sleep(0.02)
        assert holders(db, T0) == {}
        assert worker.run.in_flight == 0
    finally:
        stop.set()
        await serving
