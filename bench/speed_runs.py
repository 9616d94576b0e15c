"""What bench/bench_speed.py runs and measures: the real commands in subprocesses, the
peers it compares them with (bare trafilatura, LinkChecker, a bare aiohttp fetch), and
the figures it reads back (/metrics, peak RSS)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LCVENV = Path("/tmp/lcvenv")
ADMIN_URL = os.environ.get(
    "CITECHECK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def citecheck_env() -> dict[str, str]:
    """This checkout's code, whatever is installed; no CITECHECK_ setting of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env["PYTHONPATH"] = str(REPO)
    return env


async def citecheck(*args: str, config: Path, db: str) -> tuple[str, float]:
    """Run `citecheck ARGS`; its stdout and wall seconds. Exits the bench if it fails."""
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "checker.cli", "--config", str(config), "--db", db, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=citecheck_env(),
    )  # fmt: skip
    out, err = await process.communicate()
    took = time.perf_counter() - began
    if process.returncode != 0:
        raise SystemExit(f"citecheck {args[0]} failed ({process.returncode}): {err.decode()}")
    return out.decode(), took


# --------------------------------------------------------------------------- workers


def metric(values: dict[str, float], name: str) -> float | None:
    """The sum of a metric's series (all labels), or None when the process has none."""
    found = [v for k, v in values.items() if k == name or k.startswith(name + "{")]
    return sum(found) if found else None


async def scrape(port: int) -> dict[str, float]:
    import aiohttp

    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as resp,
    ):
        body = await resp.text()
    values: dict[str, float] = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def peak_rss_mib(pid: int) -> float:
    """The high-water mark of a live process's resident memory (its main process)."""
    match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


@dataclass
class WorkerRun:
    """What n workers did in the measured window: metrics at its start and end, per worker."""

    seconds: float
    before: list[dict[str, float]]
    after: list[dict[str, float]]
    rss_mib: list[float]
    exit_codes: list[int | None] = field(default_factory=list)

    def delta(self, name: str) -> float | None:
        pairs = [
            (metric(b, name), metric(a, name)) for b, a in zip(self.before, self.after, strict=True)
        ]
        if all(a is None for _, a in pairs):
            return None
        return sum((a or 0.0) - (b or 0.0) for b, a in pairs)

    @property
    def results(self) -> float:
        return self.delta("citecheck_checks_total") or 0.0

    def per_result(self, name: str) -> float | None:
        total = self.delta(name)
        return None if total is None or not self.results else total / self.results


async def start_workers(
    db: str, config: Path, n: int, base_port: int, concurrency: int
) -> list[asyncio.subprocess.Process]:
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
                db,
                "worker",
                "--concurrency",
                str(concurrency),
                "--listen",
                f"127.0.0.1:{base_port + i}",
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                env=citecheck_env(),
            )
        )  # fmt: skip
    for proc in procs:  # "serving on ..." once the worker is up
        assert proc.stdout is not None
        await asyncio.wait_for(proc.stdout.readline(), 120)
    return procs


async def stop_workers(procs: Sequence[asyncio.subprocess.Process]) -> list[int | None]:
    for proc in procs:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    return [await asyncio.wait_for(p.wait(), 90) for p in procs]


async def run_workers(
    db: str,
    config: Path,
    n: int,
    window: float,
    base_port: int,
    *,
    concurrency: int,
    warmup: float = 3.0,
) -> WorkerRun:
    """n real `citecheck worker` processes on `db`; figures of a `window` after warm-up."""
    procs = await start_workers(db, config, n, base_port, concurrency)
    try:
        await asyncio.sleep(warmup)  # connection pools, extraction pool, first batches
        before, t0 = [await scrape(base_port + i) for i in range(n)], time.perf_counter()
        await asyncio.sleep(window)
        after = [await scrape(base_port + i) for i in range(n)]
        seconds = time.perf_counter() - t0
        rss = [peak_rss_mib(p.pid) for p in procs]
    finally:
        codes = await stop_workers(procs)
    return WorkerRun(seconds, before, after, rss, codes)


async def one_check(db: str, config: Path, port: int, within_s: float = 180.0) -> dict[str, float]:
    """A worker's metrics once it has written its first result (one source due)."""
    procs = await start_workers(db, config, 1, port, 4)
    try:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            values = await scrape(port)
            if (metric(values, "citecheck_checks_total") or 0) >= 1:
                return values
            await asyncio.sleep(0.1)
        raise SystemExit(f"the worker wrote no result within {within_s:.0f} s")
    finally:
        await stop_workers(procs)


# --------------------------------------------------------------------------- PostgreSQL


def postgres_answers() -> str | None:
    """None when the bench's PostgreSQL answers, else why not."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: skip it, saying why
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    return None


@contextmanager
def scratch_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

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


# --------------------------------------------------------------------------- peers


def _extract_one(body: bytes) -> int:
    import trafilatura

    # The Extractor's options (checker/extract/read.py): no comments, tables kept.
    return len(trafilatura.extract(body, include_comments=False, include_tables=True) or "")


def bare_trafilatura(bodies: Sequence[bytes], processes: int = 2) -> float:
    """Seconds for `trafilatura.extract` over every body on a pool of `processes`."""
    with get_context("forkserver").Pool(processes) as pool:
        pool.map(_extract_one, bodies[:processes])  # warm-up: trafilatura imported
        began = time.perf_counter()
        pool.map(_extract_one, bodies, chunksize=4)
        return time.perf_counter() - began


def bare_trafilatura_once(body: bytes) -> float:
    import trafilatura

    trafilatura.extract(b"<html><body><p>warm up</p></body></html>")
    began = time.perf_counter()
    _extract_one(body)
    return time.perf_counter() - began


async def bare_fetch(urls: Sequence[str], concurrency: int, per_host: int) -> float:
    """Seconds for an aiohttp GET and a hash of every URL: the ceiling of a recheck."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=per_host)
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(url: str) -> None:
            async with gate, http.get(url) as resp:
                hashlib.blake2b(await resp.read(), digest_size=16).hexdigest()

        began = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return time.perf_counter() - began


def linkchecker_bin() -> Path:
    """LinkChecker in its own venv (installed there on first use)."""
    binary = LCVENV / "bin" / "linkchecker"
    if not binary.exists():
        print("installing LinkChecker into /tmp/lcvenv ...", file=sys.stderr)
        subprocess.run(["python3", "-m", "venv", str(LCVENV)], check=True)
        subprocess.run(
            [str(LCVENV / "bin" / "pip"), "install", "-q", "linkchecker"],
            check=True,
        )
    return binary


def linkchecker(urls: Sequence[str], threads: int, scratch: Path) -> tuple[float, int]:
    """Seconds for LinkChecker to check the URLs (no recursion, no robots.txt), and how
    many it reported valid."""
    config = scratch / "linkcheckerrc"
    # No per-host rate limit: the fake web sends the `LinkChecker` header that lifts it
    # (as citecheck's per_host_delay_s is 0 here); no warnings for local addresses.
    config.write_text("[checking]\nmaxrequestspersecond=1000\n[filtering]\ncheckextern=1\n")
    command = [
        str(linkchecker_bin()), "-f", str(config), "--no-robots", "-r0", "--no-status",
        "--no-warnings", "-t", str(threads), "--timeout", "30", "-o", "csv", "-v", "--stdin",
    ]  # fmt: skip
    began = time.perf_counter()
    done = subprocess.run(command, input="\n".join(urls).encode(), capture_output=True, check=False)
    took = time.perf_counter() - began
    out = done.stdout.decode(errors="replace")
    valid = sum(1 for line in out.splitlines() if ";True;" in line or ";200 OK;" in line)
    return took, valid


async def wait_for_web(port: int, within_s: float = 30.0) -> None:
    import aiohttp

    deadline = time.monotonic() + within_s
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/_bench/arrivals") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                if time.monotonic() > deadline:
                    raise SystemExit("the fake web did not start") from None
            await asyncio.sleep(0.2)


def steady_source(db_path: Path) -> int:
    """The number of a source whose recheck let its last verdict stand: the floor must
    time one that is not read again (a paywalled page, say, is read on every check)."""
    with closing(sqlite3.connect(db_path)) as conn:
        row = conn.execute(
            "SELECT url FROM source WHERE reason = 'unchanged' ORDER BY id LIMIT 1"
        ).fetchone()
    return int(row[0].rsplit("/", 1)[1]) if row else 0
