"""Real `citecheck worker` processes against one database (SQLite and PostgreSQL) and a
small local site: exactly-once checking with 2 and 3 workers, take-over after kill -9,
clean draining on SIGTERM, the health probe, and `serve`'s /healthz and /metrics."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from store.db import Database
from tests.worker_fixtures import check_workers, checks_per_source, held_leases, seed_sources

# The workers run the whole pipeline in real processes.
# Each test starts real processes (a few seconds of imports each on a small machine).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
REPO = Path(__file__).resolve().parents[1]
PARAGRAPH = (
    "The city council approved the new budget on Tuesday after a long debate about "
    "transport, housing and the future of the harbour district."
)


class Site:
    """Pages /page/N answer at once; /hang/N never answers its first request (a check
    stuck mid-flight), later ones answer; /slow/N answers after `slow_s`. The site answers
    on `hosts` loopback addresses (127.0.0.1, 127.0.0.2, ...): to politeness, as many
    hosts, each checked by one worker at a time."""

    def __init__(self, slow_s: float = 0.25, hosts: int = 1) -> None:
        self.hits: Counter[str] = Counter()
        self.slow_s = slow_s
        self.hosts = hosts
        self._seen = asyncio.Condition()
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> Site:
        app = web.Application()
        app.router.add_get("/{kind}/{n}", self._page)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        for n in range(2, self.hosts + 1):
            await web.TCPSite(self._runner, f"127.0.0.{n}", self.port).start()
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, kind: str, n: int, host: int = 1) -> str:
        return f"http://127.0.0.{host}:{self.port}/{kind}/{n}"

    async def seen(self, predicate: object) -> None:
        """Wait until `predicate(hits)` holds."""
        async with self._seen:
            await self._seen.wait_for(lambda: bool(predicate(self.hits)))  # type: ignore[operator]

    async def _page(self, request: web.Request) -> web.Response:
        path = request.path
        async with self._seen:
            self.hits[path] += 1
            first = self.hits[path] == 1
            self._seen.notify_all()
        kind = request.match_info["kind"]
        if kind == "hang" and first:
            await asyncio.Event().wait()  # until the client goes away
        if kind == "slow":
            await asyncio.sleep(self.slow_s)
        body = f"<html><head><title>Page {path}</title></head><body><article>"
        body += f"<h1>Report {path}</h1>" + f"<p>{PARAGRAPH}</p>" * 4 + "</article></body></html>"
        return web.Response(text=body, content_type="text/html")


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    s = await Site().start()
    yield s
    await s.close()


def write_config(path: Path, *, lease_s: float = 30.0, grace_s: float = 10.0) -> Path:
    path.write_text(
        "[fetch]\nallow_private_networks = true\nper_host_delay_s = 0.0\n"
        "respect_robots = false\nsoft_404_probe = false\nper_host_concurrency = 8\n"
        "[extract]\nprocesses = 1\n"  # extract in a thread: no process pool to start
        f"[monitor]\nlease_s = {lease_s}\ntick_s = 0.2\nbatch_size = 4\n"
        f"shutdown_grace_s = {grace_s}\n"
        '[support]\nbackend = "lexical"\n[archive]\nenabled = false\n'
        f'folder = "{path.parent / "archive"}"\n'  # never beside a server database: in the repo
    )
    return path


async def start(
    config: Path, db_url: str, *args: str, port: int | None = None
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    if port is not None:
        env["CITECHECK_WEB_PORT"] = str(port)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "checker.cli", "--config", str(config), "--db", db_url, *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def finish(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode()


def due_now() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


@pytest.mark.parametrize("workers", [2, 3])
async def test_workers_check_every_due_source_exactly_once(
    db: Database, db_url: str, tmp_path: Path, workers: int
) -> None:
    # Slow pages and two checks in flight per worker: one worker alone would need 3 s,
    # far longer than the workers take to start, so they all get a share. One worker at
    # a time checks a host: the pages are spread over six hosts.
    site = await Site(hosts=6).start()
    try:
        urls = [site.url("slow", i, host=1 + i % 6) for i in range(24)]
        seed_sources(db, urls, due_now())
        config = write_config(tmp_path / "c.toml")

        once = ("worker", "--once", "--concurrency", "2")
        procs = [await start(config, db_url, *once) for _ in range(workers)]
        results = [await finish(p) for p in procs]
    finally:
        await site.close()

    assert [code for code, _ in results] == [0] * workers, results
    assert set(checks_per_source(db).values()) == {1}
    assert set(site.hits.values()) == {1}  # each page fetched once, by one worker
    assert len(set(check_workers(db).values())) == workers  # the work was shared
    assert held_leases(db) == []


async def test_a_killed_workers_leases_are_taken_over_without_duplicates(
    db: Database, db_url: str, site: Site, tmp_path: Path
) -> None:
    hung = [site.url("hang", i) for i in range(3)]
    urls = hung + [site.url("page", i) for i in range(12)]
    seed_sources(db, urls, due_now())
    config = write_config(tmp_path / "c.toml", lease_s=1.5)

    doomed = await start(config, db_url, "worker", "--concurrency", "4")
    await site.seen(lambda h: all(h[f"/hang/{i}"] == 1 for i in range(3)))
    doomed.kill()  # kill -9 while three checks hang mid-fetch
    await doomed.wait()
    orphaned = {url for url, _ in held_leases(db)}
    assert set(hung) <= orphaned  # the dead worker still holds them, until they expire

    rescuers = [await start(config, db_url, "worker") for _ in range(2)]
    await site.seen(
        lambda h: (
            all(h[f"/hang/{i}"] == 2 for i in range(3))
            and all(h[f"/page/{i}"] >= 1 for i in range(12))
        )
    )
    # A page the dead worker fetched but never wrote waits for its lease to expire:
    # stop the rescuers only once every source has a check written.
    for _ in range(300):
        if 0 not in checks_per_source(db).values():
            break
        await asyncio.sleep(0.05)
    for proc in rescuers:  # SIGTERM: they finish writing what is in flight, then exit
        proc.send_signal(signal.SIGTERM)
    codes = [(await finish(p))[0] for p in rescuers]

    assert codes == [0, 0]
    assert set(checks_per_source(db).values()) == {1}  # nothing lost, nothing twice
    # The killed worker may have fetched pages it never wrote: those are checked again.
    assert set(site.hits.values()) <= {1, 2}
    dead = doomed.pid
    taken = {url: w for url, w in check_workers(db).items() if url in hung}
    assert not any(w.endswith(f":{dead}") for w in taken.values())
    assert held_leases(db) == []


async def test_sigterm_finishes_in_flight_checks_and_releases_the_rest(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    site = await Site(slow_s=0.5).start()
    try:
        slow, stuck = site.url("slow", 1), site.url("hang", 1)
        seed_sources(db, [slow, stuck], due_now())
        config = write_config(tmp_path / "c.toml", grace_s=3.0)
        worker = await start(config, db_url, "worker")
        await site.seen(lambda h: h["/slow/1"] == 1 and h["/hang/1"] == 1)
        probe = await start(config, db_url, "worker", "--check")
        probe_code, probe_out = await finish(probe)

        worker.send_signal(signal.SIGTERM)
        code, output = await finish(worker)
    finally:
        await site.close()

    assert probe_code == 0 and "ok:" in probe_out
    assert code == 0, output
    checked = checks_per_source(db)
    assert checked[slow] == 1  # finished within the grace period
    assert checked[stuck] == 0  # still hanging at the deadline: released, not written
    assert held_leases(db) == []
    after = await finish(await start(config, db_url, "worker", "--check"))
    assert after[0] == 1 and "unhealthy" in after[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_serve_answers_healthz_and_metrics_and_stops_on_sigterm(
    db: Database, db_url: str, site: Site, tmp_path: Path
) -> None:
    seed_sources(db, [site.url("page", i) for i in range(3)], due_now())
    config = write_config(tmp_path / "c.toml")
    config.write_text(config.read_text() + '[web]\nmetrics_token = "scrape-me"\n')
    port = free_port()
    serve = await start(config, db_url, "serve", port=port)
    assert serve.stdout is not None
    line = await serve.stdout.readline()  # "citecheck: serving on ..."
    assert b"serving on" in line, line

    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
        await site.seen(lambda h: len(h) == 3)
        async with http.get("/healthz") as resp:
            health = (resp.status, await resp.json())
        async with http.get("/metrics") as resp:
            anonymous = resp.status  # the dashboard's port: metrics only with the token
        scraper = {"Authorization": "Bearer scrape-me"}
        async with http.get("/metrics", headers=scraper) as resp:
            metrics = (resp.headers["Content-Type"], await resp.text())
    serve.send_signal(signal.SIGTERM)
    code, output = await finish(serve)

    assert health[0] == 200 and health[1]["status"] == "ok"
    assert anonymous == 401
    assert metrics[0].startswith("text/plain; version=0.0.4")
    assert "# TYPE citecheck_queue_lag_seconds gauge" in metrics[1]
    assert "citecheck_workers 1" in metrics[1]
    assert code == 0, output
    assert set(checks_per_source(db).values()) == {1}
    assert held_leases(db) == []


async def test_a_worker_logs_a_line_per_check_with_v(
    db: Database, db_url: str, site: Site, tmp_path: Path
) -> None:
    urls = [site.url("page", i) for i in range(3)]
    seed_sources(db, urls, due_now())
    config = write_config(tmp_path / "c.toml")
    code, output = await finish(await start(config, db_url, "-v", "worker", "--once"))
    assert code == 0, output
    for url in urls:
        assert f"checked {url}: alive" in output
    assert "checked 3 source(s): 3 alive" in output


async def on_a_terminal(config: Path, db_url: str, *args: str) -> tuple[int, bytes, bytes]:
    """Run citecheck with stderr on a pseudo-terminal: (exit code, stdout, what it showed)."""
    import pty
    import select

    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    leader, follower = pty.openpty()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "checker.cli", "--config", str(config), "--db", db_url, *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    out, _ = await proc.communicate()
    shown = b""
    while select.select([leader], [], [], 0.5)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.returncode is not None
    return proc.returncode, out, shown


async def test_check_and_import_show_progress_on_a_terminal_only(
    db: Database, db_url: str, site: Site, tmp_path: Path
) -> None:
    seed_sources(db, [site.url("page", i) for i in range(4)], due_now())
    config = write_config(tmp_path / "c.toml")
    code, out, shown = await on_a_terminal(config, db_url, "check")
    assert code == 0
    assert b"4/4 sources checked" in shown and b"left" in shown  # on the terminal
    assert b"/4 sources" not in out  # the report on stdout stays clean for a pipe

    feed = tmp_path / "more.json"
    feed.write_text(
        json.dumps(
            [
                {"url": f"https://paper.example/{i}", "title": "t",
                 "citations": [{"ref": "1", "url": site.url("page", i), "claim": "c."}]}
                for i in range(3)
            ]
        )
    )  # fmt: skip
    code, out, shown = await on_a_terminal(config, db_url, "import", str(feed))
    assert code == 0 and b"3/3 articles imported" in shown and b"imported 3 article" in out
