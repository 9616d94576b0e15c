"""Benchmark of the monitoring engine on PostgreSQL.

    /work/venv/bin/python bench/bench_engine.py [--sources 100000] [--window 15]

1. Builds a throwaway database with 100,000 sources, 1,000,000 citations (20,000
   articles citing 50 sources each) and 100,000 flags (half open), inserted with COPY.
2. Times the queries the engine and dashboard run on it: picking due sources (the
   lease), the next due time, and listing open flags (goal: milliseconds).
3. Runs 1, 2 and 4 real `citecheck worker` processes against a fake web on 127.0.0.2-5
   (another process) for a fixed window each, and reports checks per second, the
   engine's dispatch overhead per check (leasing, loading and writing, measured in the
   workers, against the pipeline's own time), queue lag and peak RSS per worker. All
   100k sources are due; each run checks a time-boxed sample of them (the window).
4. Repeats the 1-worker run on a database with a tenth of the sources: peak RSS should
   not change (memory is bounded by the checks in flight, not by the sources).

Needs the PostgreSQL server at CITECHECK_BENCH_PG (default postgresql+psycopg://
postgres@127.0.0.1:5432/postgres). Not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from store import hosts as store_hosts  # noqa: E402
from store import sources as store_sources  # noqa: E402
from store.dashboard import QueueFilter, flag_queue  # noqa: E402
from store.flags import FlagFilter, count_open_by_kind, list_flags  # noqa: E402
from store.migrate import upgrade  # noqa: E402

sys.path.insert(0, str(REPO / "bench"))
from speed_runs import peak_rss_mib, scrape  # noqa: E402

ADMIN_URL = os.environ.get(
    "CITECHECK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
WEB_HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
PARAGRAPH = (
    "The regional health agency reported that vaccination rates rose by 4.2 percent in "
    "the last quarter, with the largest gains among adults over sixty-five."
)


# --------------------------------------------------------------------------- fake web


def fake_web(port: int) -> None:
    from aiohttp import web

    async def page(request: web.Request) -> web.Response:
        body = (
            f"<html><head><title>Source {request.path}</title></head><body><article>"
            f"<h1>Report {request.path}</h1>{('<p>' + PARAGRAPH + '</p>') * 6}"
            "</article></body></html>"
        )
        return web.Response(text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    web.run_app(app, host=list(WEB_HOSTS), port=port, print=None, access_log=None)


# --------------------------------------------------------------------------- database


@contextmanager
def scratch_database() -> Iterator[str]:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"citecheck_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(url: str, n_sources: int, port: int, *, per_article: int = 50, cites: int = 10) -> float:
    """Insert n sources, n*cites citations and n flags in SQL; returns the seconds it took."""
    began = time.perf_counter()
    engine = create_engine(url)
    upgrade(engine)
    hosts = "ARRAY[" + ",".join(f"'{h}'" for h in WEB_HOSTS) + "]"
    n_cites = n_sources * cites
    # citation c belongs to article c / per_article and cites a source spread over all
    cited = f"((c / {per_article}) * {per_article} + (c % {per_article}) * 7) % {n_sources} + 1"
    statements = [
        # bulk load: skip the per-row foreign key triggers (the ids are consistent)
        "SET session_replication_role = replica",
        f"""INSERT INTO source (url, host, created_at, next_check_at, interval_s,
               unchanged_checks, state, reason, failure_count)
            SELECT 'http://' || ({hosts})[i % 4 + 1] || ':{port}/s/' || i, ({hosts})[i % 4 + 1],
                   now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC' - ((i * 7919) % 3600) * interval '1 second',
                   86400, 0, 'ok', '', 0
            FROM generate_series(0, {n_sources - 1}) AS i""",
        f"""INSERT INTO article (url, title, tags, imported_at, updated_at)
            SELECT 'https://news.example/' || a, 'Article ' || a, '[]',
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
            FROM generate_series(0, {n_cites // per_article - 1}) AS a""",
        f"""INSERT INTO citation (article_id, source_id, key, ref, claim, position,
               created_at, evidence)
            SELECT c / {per_article} + 1, {cited}, 'k' || c, (c % {per_article})::text,
                   'Vaccination rates rose by ' || (c % 9) || '.2 percent in the last '
                   || 'quarter (' || c || ').', c % {per_article}, now() AT TIME ZONE 'UTC',
                   'null'
            FROM generate_series(0, {n_cites - 1}) AS c""",
        f"""INSERT INTO flag (citation_id, article_id, source_id, kind, severity, status,
               opened_at, updated_at, resolved_at, detail)
            SELECT c + 1, c / {per_article} + 1, {cited},
                   (ARRAY['dead','evidence_changed','unsupported','moved'])[f % 4 + 1],
                   (ARRAY['high','medium','medium','low'])[f % 4 + 1],
                   CASE WHEN f % 2 = 1 THEN 'resolved' ELSE 'open' END,
                   now() AT TIME ZONE 'UTC' - (f % 10000) * interval '1 minute',
                   now() AT TIME ZONE 'UTC',
                   CASE WHEN f % 2 = 1 THEN now() AT TIME ZONE 'UTC' END, '{{}}'
            FROM generate_series(0, {n_sources - 1}) AS f, LATERAL (SELECT f * {cites} AS c) x""",
        "SET session_replication_role = DEFAULT",
    ]
    raw = engine.raw_connection()  # plain SQL, no bind parameters (":18600" is a port)
    try:
        cur = raw.cursor()
        for statement in statements:
            cur.execute(statement)
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    engine.dispose()
    return time.perf_counter() - began


def time_queries(url: str) -> list[tuple[str, float]]:
    engine = create_engine(url)
    now = datetime.now(UTC)

    def lease(s: Session) -> object:
        return store_sources.lease_sources(s, owner="bench", now=now, limit=50, lease_s=60)

    def lease_by_host(s: Session) -> object:
        return store_hosts.lease_by_host(
            s, owner="bench", now=now, limit=50, lease_s=60, per_host=2, in_flight={}
        )

    queries: list[tuple[str, Callable[[Session], object]]] = [
        ("pick 50 due sources (lease, rolled back)", lease),
        ("pick 50 due sources host by host (host leases, rolled back)", lease_by_host),
        ("next due time", store_sources.next_due_at),
        ("queue lag (oldest due)", lambda s: store_sources.oldest_due(s, now)),
        ("list open flags, first 50 (dashboard queue)", lambda s: flag_queue(s, QueueFilter())),
        (
            "list open flags, first 50 (CLI list_flags)",
            lambda s: list_flags(s, FlagFilter(limit=50)),
        ),
        ("count open flags by kind", count_open_by_kind),
    ]
    timings = []
    for name, fn in queries:
        samples = []
        for _ in range(12):
            with engine.connect() as conn:
                trans = conn.begin()
                began = time.perf_counter()
                fn(Session(bind=conn))
                samples.append(time.perf_counter() - began)
                trans.rollback()
        timings.append((name, statistics.median(samples[2:]) * 1000))
    engine.dispose()
    return timings


# --------------------------------------------------------------------------- workers


def write_config(directory: Path) -> Path:
    path = directory / "bench.toml"
    path.write_text(
        "[database]\npool_size = 8\n"
        "[fetch]\nallow_private_networks = true\nper_host_delay_s = 0.0\n"
        "respect_robots = false\nsoft_404_probe = false\nper_host_concurrency = 16\n"
        "timeout_s = 10.0\n[extract]\nprocesses = 1\n"
        '[support]\nbackend = "lexical"\n[archive]\nenabled = false\n'
        "[monitor]\ntick_s = 1.0\nbatch_size = 50\nlease_s = 60.0\n"
    )
    return path


def count_checks(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM source_check")).scalar_one())
    engine.dispose()
    return n


async def run_workers(
    url: str, config: Path, n: int, window: float, base_port: int
) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    procs = []
    for i in range(n):
        procs.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "checker.cli",
                "--config",
                str(config),
                "--db",
                url,
                "worker",
                "--concurrency",
                "32",
                "--listen",
                f"127.0.0.1:{base_port + i}",
                cwd=REPO,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
            )
        )
    for proc in procs:  # "serving on ..." once the worker is up
        assert proc.stdout is not None
        await proc.stdout.readline()
    await asyncio.sleep(3.0)  # warm-up: connection pools, extraction pool, first batches
    before, t0 = count_checks(url), time.perf_counter()
    await asyncio.sleep(window)
    after, t1 = count_checks(url), time.perf_counter()
    metrics = [await scrape(base_port + i) for i in range(n)]
    rss = [peak_rss_mib(p.pid) for p in procs]
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    codes = [await p.wait() for p in procs]
    checks = sum(m.get("citecheck_check_duration_seconds_count", 0.0) for m in metrics)
    pipeline_s = sum(m.get("citecheck_check_duration_seconds_sum", 0.0) for m in metrics)
    fetch_s = sum(m.get("citecheck_fetch_latency_seconds_sum", 0.0) for m in metrics)
    lease_s = sum(m.get("citecheck_lease_seconds_total", 0.0) for m in metrics)
    write_s = sum(m.get("citecheck_write_seconds_total", 0.0) for m in metrics)
    return {
        "rate": (after - before) / (t1 - t0),
        "check_ms": 1000 * pipeline_s / max(1, checks),
        "fetch_ms": 1000 * fetch_s / max(1, checks),
        "lease_ms": 1000 * lease_s / max(1, checks),
        "write_ms": 1000 * write_s / max(1, checks),
        "lag_s": max(m.get("citecheck_queue_lag_seconds", 0.0) for m in metrics),
        "rss": rss,
        "exit": codes,
    }


async def main(args: argparse.Namespace) -> None:
    web_port = 18600
    web = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--fake-web", str(web_port), cwd=REPO
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp))
            await bench(args, config, web_port)
    finally:
        web.send_signal(signal.SIGTERM)
        await web.wait()


async def bench(args: argparse.Namespace, config: Path, web_port: int) -> None:
    n = args.sources
    print(f"citecheck engine benchmark: {os.cpu_count()} CPU(s), PostgreSQL at {ADMIN_URL}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} (other work on this machine)")
    with scratch_database() as url:
        took = seed(url, n, web_port)
        print(f"seeded {n:,} sources, {n * 10:,} citations, {n:,} flags in {took:.0f}s\n")
        print(f"{'query (1M citations)':<44}{'median ms':>10}   goal")
        for name, ms in time_queries(url):
            print(f"{name:<44}{ms:>10.2f}   < 10 ms")
        print(
            f"\nworkers against {n:,} due sources, {args.window:.0f}s window each "
            "(a time-boxed sample of the backlog; 32 checks in flight per worker)"
        )
        head = f"{'workers':>7}{'checks/s':>10}{'check ms':>10}{'fetch ms':>10}"
        head += f"{'lease ms':>10}{'write ms':>10}{'lease %':>9}{'write %':>9}{'lag s':>8}"
        print(head + f"{'peak RSS MiB/worker':>22}   exit")
        rss_big = 0.0
        for workers in (1, 2, 4):
            r = await run_workers(url, config, workers, args.window, 19100)
            total = r["check_ms"] + r["lease_ms"] + r["write_ms"] or 1.0
            rss = "/".join(f"{x:.0f}" for x in r["rss"])
            print(
                f"{workers:>7}{r['rate']:>10.1f}{r['check_ms']:>10.1f}{r['fetch_ms']:>10.1f}"
                f"{r['lease_ms']:>10.2f}{r['write_ms']:>10.2f}{r['lease_ms'] / total:>9.1%}"
                f"{r['write_ms'] / total:>9.1%}{r['lag_s']:>8.0f}{rss:>22}   {r['exit']}"
            )
            rss_big = rss_big or r["rss"][0]
        print(
            "check = the pipeline (fetch, extract, judge 10 citations); lease = leasing and "
            "loading tasks;\nwrite = writing one result (check, snapshot, 10 citations' "
            "flags and outbox rows) in one transaction"
        )
        print("goal: overhead < 5% of a check; checks/s grows with workers (2 CPUs here)")
    with scratch_database() as small:
        seed(small, n // 10, web_port)
        r = await run_workers(small, config, 1, args.window, 19200)
    print(
        f"\npeak RSS of 1 worker: {r['rss'][0]:.0f} MiB with {n // 10:,} sources, "
        f"{rss_big:.0f} MiB with {n:,} (goal: flat)"
    )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sources", type=int, default=100_000)
    parser.add_argument("--window", type=float, default=15.0, help="seconds measured per run")
    parser.add_argument("--fake-web", type=int, metavar="PORT", help=argparse.SUPPRESS)
    cli = parser.parse_args()
    if cli.fake_web:
        fake_web(cli.fake_web)  # the fake web's own process
    else:
        asyncio.run(main(cli))
