"""Benchmark for issue 15: how fast citecheck checks, next to what it is compared with.

    .venv/bin/python bench/bench_speed.py [--sources 1000] [--rss-sources 10000]
        [--window 15] [--concurrency 32] [--quick] [--skip-pg] [--data ../shared/data]

Serves the real news pages of shared/data/news-pages (repeated with distinct URLs and a
comment naming each source, so no two bodies are the same) from a fake web in its own
process (bench/speed_web.py) on 50 loopback addresses, 127.0.0.2-51, and runs the real
commands in subprocesses on this checkout's code. Prints one table:

1. first check: `citecheck import` + `check --all` on a fresh SQLite database, pages/s,
   vs bare `trafilatura.extract` of the same bytes on a pool of 2 processes (goal >= 0.85x);
2. unchanged recheck, 200 without validators: a second `check --all`, sources/s, vs
   LinkChecker on the same URLs (no recursion, no robots.txt, as many threads as our
   concurrency; goal >= 5x), the ceiling: an aiohttp GET and a hash of every URL, and the
   floor under any `check --all` (a process recheck of one unchanged source);
3. unchanged recheck with 304: the fake web sends ETags and answers If-None-Match with
   304; the recheck after one that learnt the ETags, vs LinkChecker (goal >= 10x);
4. a 2 MB page (real paragraphs repeated): its one check in a real worker (pipeline and
   write time, from /metrics), vs bare trafilatura.extract of the same bytes (goal <= 2x);
5. results/s of one real `citecheck worker` on PostgreSQL and on SQLite over a window, with
   the write CPU and write wall time per result from /metrics (n/a where a metric is missing);
6. politeness: one host (127.0.0.60), per_host_delay_s = 0.5, 40 sources; 1 worker, then 2
   workers on one database; the gaps between requests as the host saw them (goal: none
   under 90% of the delay);
7. peak RSS of one worker over a window with --sources and with --rss-sources sources
   (goal: flat).

Needs the PostgreSQL server at CITECHECK_BENCH_PG (default postgresql+psycopg://
postgres@127.0.0.1:5432/postgres) unless --skip-pg, and LinkChecker (installed into
/tmp/lcvenv on first use). The default run takes about 5-8 minutes on 2 cores. Not part
of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

import speed_runs as runs  # noqa: E402
from speed_corpus import HOSTS, Corpus, load_corpus, write_feed  # noqa: E402
from speed_table import Row, fmt, histogram, print_table, ratio, summary  # noqa: E402
from speed_web import source_body  # noqa: E402

POLITE_HOST = "127.0.0.60"
POLITE_SOURCES = 40
POLITE_DELAY_S = 0.5
WEB_PORT = 18750
METRICS_PORT = 19350
CONFIG = """
[database]
pool_size = 8
[fetch]
allow_private_networks = true  # the fake web is on loopback addresses
per_host_delay_s = {delay}
respect_robots = false
soft_404_probe = false
concurrency = {concurrency}
timeout_s = 30.0
[support]
backend = "lexical"
[archive]
enabled = false
[monitor]
tick_s = 1.0
batch_size = 50
lease_s = 60.0
"""


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the rows


@dataclass
class Bench:
    args: argparse.Namespace
    corpus: Corpus
    tmp: Path
    port: int

    def config(self, delay: float = 0.0) -> Path:
        path = self.tmp / f"citecheck-{delay:g}.toml"
        path.write_text(CONFIG.format(delay=delay, concurrency=self.args.concurrency))
        return path

    def feed(self, n: int, tag: str, host: str | None = None) -> Path:
        cites = [
            (self.corpus.url(i, self.port, host), self.corpus.claims[i % len(self.corpus.claims)])
            for i in range(n)
        ]
        return write_feed(self.tmp / f"feed-{tag}.json", cites, tag)

    async def fresh(self, db: str, feed: Path, config: Path) -> None:
        await runs.citecheck("import", str(feed), config=config, db=db)

    async def check_all(self, db: str, config: Path) -> tuple[dict[str, Any], float]:
        out, took = await runs.citecheck("check", "--all", "--json", config=config, db=db)
        report: dict[str, Any] = json.loads(out)
        return report, took

    async def etag(self, on: bool) -> None:
        import aiohttp

        mode = "on" if on else "off"
        async with aiohttp.ClientSession() as http:
            await http.post(f"http://127.0.0.1:{self.port}/_bench/etag/{mode}")

    async def arrivals(self) -> dict[str, list[float]]:
        taken: dict[str, list[float]] = await self._control("arrivals")
        return taken

    async def statuses(self) -> dict[str, int]:
        taken: dict[str, int] = await self._control("statuses")
        return taken

    async def _control(self, what: str) -> Any:
        import aiohttp

        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{self.port}/_bench/{what}") as resp,
        ):
            return await resp.json()

    async def checks(self) -> list[Row]:
        """Rows 1-3: first check, recheck (200), recheck (304), on one SQLite database."""
        n, config = self.args.sources, self.config()
        db = f"sqlite:///{self.tmp}/checks.db"
        _, imported = await runs.citecheck(
            "import", str(self.feed(n, "checks")), config=config, db=db
        )
        report, checked = await self.check_all(db, config)
        first = imported + checked
        say(f"import {imported:.1f} s, first check {checked:.1f} s; {summary(report)}")
        bodies = [source_body(self.corpus.base, i) for i in range(n)]
        bare = runs.bare_trafilatura(bodies, 2)
        say(f"bare trafilatura, 2 processes: {bare:.1f} s")
        report, again = await self.check_all(db, config)
        say(f"recheck (200, no validators): {again:.1f} s; {summary(report)}")
        urls = [self.corpus.url(i, self.port) for i in range(n)]
        lc_s, lc_valid = runs.linkchecker(urls, self.args.concurrency, self.tmp)
        say(f"LinkChecker: {lc_s:.1f} s, {lc_valid}/{n} valid")
        ceiling = await runs.bare_fetch(urls, self.args.concurrency, 2)
        await self.etag(True)
        _, learn = await self.check_all(db, config)  # 200s with ETags: the ETags are stored
        await self.statuses()  # clear
        report, not_modified = await self.check_all(db, config)
        answered = await self.statuses()
        await self.etag(False)
        say(f"recheck learning ETags {learn:.1f} s; with 304s {not_modified:.1f} s {answered}")
        floor = await self.floor(config, runs.steady_source(self.tmp / "checks.db"))
        lc_rate = n / lc_s if lc_valid else None
        c = self.args.concurrency
        return [
            Row(
                f"1 first check, {n} pages (import+check --all)",
                f"{n / first:.1f} pages/s ({n / checked:.1f} check)",
                f"bare trafilatura.extract x2 procs {n / bare:.1f}/s",
                ratio(n / first, n / bare),
                ">= 0.85x",
            ),
            Row(
                "2 unchanged recheck, 200 no validators",
                f"{n / again:.1f} sources/s",
                f"LinkChecker -t{c} {fmt(lc_rate, '.1f')}/s ({lc_valid} ok)",
                ratio(n / again, lc_rate),
                ">= 5x",
            ),
            Row(
                "  the same, vs a bare fetch",
                f"{n / again:.1f} sources/s",
                f"aiohttp GET+hash x{c} {n / ceiling:.1f}/s",
                ratio(n / again, n / ceiling),
                "(ceiling)",
            ),
            Row(
                "  startup floor: recheck of 1 source",
                f"{floor:.1f} s",
                f"of {again:.1f} s for {n}",
                "",
                "(context)",
            ),
            Row(
                f"3 unchanged recheck, 304 ({answered.get('304', 0)}/{n})",
                f"{n / not_modified:.1f} sources/s",
                f"LinkChecker (row 2) {fmt(lc_rate, '.1f')}/s",
                ratio(n / not_modified, lc_rate),
                ">= 10x",
            ),
        ]

    async def floor(self, config: Path, n: int) -> float:
        """Seconds of a `check --all` recheck of one unchanged source (the n-th): process
        start, imports, opening the database, one fetch."""
        db = f"sqlite:///{self.tmp}/one.db"
        cite = (self.corpus.url(n, self.port), self.corpus.claims[n % len(self.corpus.claims)])
        await self.fresh(db, write_feed(self.tmp / "feed-one.json", [cite], "one"), config)
        await self.check_all(db, config)
        return (await self.check_all(db, config))[1]

    async def big_page(self) -> list[Row]:
        """Row 4: one check of a 2 MB page in a real worker, vs bare trafilatura."""
        config, db = self.config(), f"sqlite:///{self.tmp}/big.db"
        url = f"http://{HOSTS[0]}:{self.port}/big"
        claim = self.corpus.claims[0]
        await self.fresh(db, write_feed(self.tmp / "feed-big.json", [(url, claim)], "big"), config)
        values = await runs.one_check(db, config, METRICS_PORT)
        check_s = runs.metric(values, "citecheck_check_duration_seconds_sum")
        fetch_s = runs.metric(values, "citecheck_fetch_latency_seconds_sum")
        write_s = runs.metric(values, "citecheck_write_seconds_total") or 0.0
        ours = None if check_s is None else check_s + write_s
        bare = runs.bare_trafilatura_once(self.corpus.big)
        mib = len(self.corpus.big) / 2**20
        say(f"{mib:.1f} MiB page: check {fmt(ours, '.2f')} s, bare trafilatura {bare:.2f} s")
        return [
            Row(
                f"4 one check of a {mib:.1f} MiB page (worker)",
                f"{fmt(ours, '.2f')} s",
                f"bare trafilatura.extract {bare:.2f} s (our fetch {fmt(fetch_s, '.2f')} s)",
                ratio(ours, bare),
                "<= 2x",
            )
        ]

    async def worker_window(self, db: str, n: int, tag: str) -> runs.WorkerRun:
        config = self.config()
        await self.fresh(db, self.feed(n, tag), config)
        run = await runs.run_workers(
            db, config, 1, self.args.window, METRICS_PORT, concurrency=self.args.concurrency
        )
        say(f"worker on {tag}, {n} sources: {run.results / run.seconds:.1f} results/s")
        return run

    def worker_row(self, label: str, run: runs.WorkerRun) -> Row:
        cpu = run.per_result("citecheck_write_cpu_seconds_total")
        wall = run.per_result("citecheck_write_seconds_total")
        return Row(
            f"5 results/s, 1 worker, {label}",
            f"{run.results / run.seconds:.1f} results/s",
            f"write/result: CPU {fmt(cpu, '.1f', 1000)} ms, wall {fmt(wall, '.1f', 1000)} ms",
            "",
            "(measure)",
        )

    async def workers(self, pg: bool) -> tuple[list[Row], runs.WorkerRun]:
        """Row 5: one worker's results/s on PostgreSQL and on SQLite."""
        rows = []
        if pg:
            with runs.scratch_database() as url:
                rows.append(
                    self.worker_row(
                        "PostgreSQL", await self.worker_window(url, self.args.sources, "pg")
                    )
                )
        sqlite = await self.worker_window(
            f"sqlite:///{self.tmp}/worker.db", self.args.sources, "sqlite"
        )
        rows.append(self.worker_row("SQLite", sqlite))
        return rows, sqlite

    async def polite_run(self, db: str, workers: int) -> list[float]:
        config = self.config(POLITE_DELAY_S)
        await self.fresh(db, self.feed(POLITE_SOURCES, f"polite{workers}", POLITE_HOST), config)
        await self.arrivals()  # clear
        procs = await runs.start_workers(db, config, workers, METRICS_PORT, 8)
        await asyncio.sleep(self.args.polite_window)
        await runs.stop_workers(procs)
        return sorted((await self.arrivals()).get(POLITE_HOST, []))

    async def politeness(self, pg: bool) -> tuple[list[Row], list[str]]:
        """Row 6: gaps between requests to one host, 1 worker then 2 workers."""
        rows, histograms = [], []
        for workers in (1, 2):
            if pg:
                with runs.scratch_database() as url:
                    times = await self.polite_run(url, workers)
            else:
                times = await self.polite_run(f"sqlite:///{self.tmp}/polite{workers}.db", workers)
            gaps = [b - a for a, b in itertools.pairwise(times)]
            short = sum(1 for g in gaps if g < 0.9 * POLITE_DELAY_S)
            rows.append(
                Row(
                    f"6 politeness, {workers} worker(s), delay {POLITE_DELAY_S:g} s",
                    f"{len(times)} requests, min gap {fmt(min(gaps, default=None), '.3f')} s",
                    f"gaps < {0.9 * POLITE_DELAY_S:g} s: {short}/{len(gaps)}",
                    f"{short / len(gaps):.0%}" if gaps else "n/a",
                    "0 gaps",
                )
            )
            histograms.append(f"  {workers} worker(s): " + histogram(gaps))
            say(f"politeness, {workers} worker(s): {rows[-1].figure}; {histograms[-1].strip()}")
        return rows, histograms

    async def memory(self, small: runs.WorkerRun) -> list[Row]:
        """Row 7: a worker's peak RSS with --sources and with --rss-sources sources."""
        big_n = self.args.rss_sources
        big = await self.worker_window(f"sqlite:///{self.tmp}/rss.db", big_n, "rss")
        return [
            Row(
                f"7 peak RSS, 1 worker, {big_n} sources",
                f"{big.rss_mib[0]:.0f} MiB",
                f"{self.args.sources} sources {small.rss_mib[0]:.0f} MiB",
                ratio(big.rss_mib[0], small.rss_mib[0]),
                "~1x (flat)",
            )
        ]


async def main(args: argparse.Namespace) -> None:
    data = args.data if (args.data / "news-pages").is_dir() else REPO / "tests" / "data"
    corpus = load_corpus(data, int(args.big_mb * 2**20))
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pages = tmp / "pages"
        pages.mkdir()
        for i, html in enumerate(corpus.base):
            (pages / f"base-{i}.html").write_bytes(html)
        (pages / "big.html").write_bytes(corpus.big)
        web = await asyncio.create_subprocess_exec(
            sys.executable, str(REPO / "bench" / "speed_web.py"), str(WEB_PORT), str(pages),
            *HOSTS, POLITE_HOST,
        )  # fmt: skip
        try:
            await runs.wait_for_web(WEB_PORT)
            rows, histograms = await run_all(args, Bench(args, corpus, tmp, WEB_PORT))
        finally:
            web.terminate()
            await web.wait()
    print(
        f"\ncitecheck speed (issue 15): {os.cpu_count()} CPU(s), {len(corpus.base)} real pages "
        f"({sum(map(len, corpus.base)) / len(corpus.base) / 1024:.0f} KiB average) served as "
        f"{args.sources} sources over {len(HOSTS)} loopback hosts; concurrency "
        f"{args.concurrency}; worker windows {args.window:g} s"
    )
    print_table(rows)
    print(f"gaps between requests to {POLITE_HOST} (row 6), seconds:")
    print("\n".join(histograms))
    print(f"done in {time.perf_counter() - began:.0f} s; load average {os.getloadavg()[0]:.1f}")


async def run_all(args: argparse.Namespace, bench: Bench) -> tuple[list[Row], list[str]]:
    pg = not args.skip_pg
    if pg and (why := runs.postgres_answers()):
        print(f"PostgreSQL rows skipped: {why}", file=sys.stderr)
        pg = False
    rows = await bench.checks()
    rows += await bench.big_page()
    worker_rows, sqlite_run = await bench.workers(pg)
    rows += worker_rows
    polite_rows, histograms = await bench.politeness(pg)
    rows += polite_rows
    rows += await bench.memory(sqlite_run)
    return rows, histograms


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--rss-sources", type=int, default=10_000)
    parser.add_argument(
        "--window", type=float, default=15.0, help="seconds measured per worker run"
    )
    parser.add_argument(
        "--polite-window", type=float, default=12.0, help="seconds per politeness run"
    )
    parser.add_argument("--concurrency", type=int, default=32, help="checks / threads in flight")
    parser.add_argument("--big-mb", type=float, default=2.0, help="size of the big page, MiB")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 200 / 1,000 sources, short windows"
    )
    parser.add_argument("--skip-pg", action="store_true", help="no PostgreSQL rows")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args(argv)
    if args.quick:
        args.sources, args.rss_sources = 200, 1000
        args.window, args.polite_window = 6.0, 6.0
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
