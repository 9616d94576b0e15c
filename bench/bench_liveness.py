"""Benchmark: citecheck's liveness check next to LinkChecker, on one local fake web.

    /work/venv/bin/python bench/bench_liveness.py [--sources 2000] [--hosts 100]
        [--no-linkchecker] [--scaling 1,10,100] [--scaling-sources 200]

1. Serves a fake web on 127.0.0.1-127.0.0.N (tests/fakeweb: real news pages as the
   healthy ones) with `--sources` source URLs on `--hosts` hosts in a realistic mix of
   failures (bench/liveness_mix.py): 404/410, soft-404 templates, deep links sent home,
   parked domains, refused connections, and alive-but-hard pages (bot walls, paywalls,
   logins, 429, 503, timeouts) that must not be called dead.
2. Checks every source once with citecheck (fetch, random-path probe, classify) and
   with LinkChecker (`pip install -e .[bench]`), each in its own process with the same
   politeness (10 requests/s per host at most), concurrency and timeout. Prints
   sources/s, peak RSS, dead links found and false alarms (a source called dead that
   is not), per category too, and what the server saw of each tool's politeness.
3. Scaling: citecheck alone on 1, 10 and 100 hosts: throughput should grow with hosts
   while the per-host spacing and concurrency hold (checked from the server's log).

Only loopback addresses are used. Not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from fakeweb import FakeWeb, Visit  # noqa: E402
from liveness_mix import Source, build_mix, host_kinds  # noqa: E402

from checker.fetch import Fetcher  # noqa: E402
from checker.liveness import classify  # noqa: E402
from checker.settings import FetchSettings  # noqa: E402

LINKCHECKER = Path(sys.executable).parent / "linkchecker"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Run:
    tool: str
    wall_s: float
    maxrss_mib: float
    dead: dict[str, bool]  # url → called dead
    verdicts: dict[str, str]  # url → what the tool said
    checking_s: float | None = None  # time spent checking, without the process start


# --------------------------------------------------------------------------- children


async def citecheck_worker(spec: dict[str, Any]) -> None:
    """Child process: check every URL once, print the verdicts and the checking time.

    Checks in progress are bounded (as the engine's leased batches bound them), so
    memory holds the pages being judged, not every page of the run."""
    settings = FetchSettings(**spec["fetch"])
    in_progress = asyncio.Semaphore(2 * settings.concurrency)
    started = time.perf_counter()
    async with Fetcher(settings) as fetcher:

        async def check(url: str) -> tuple[str, str]:
            async with in_progress:
                result = await fetcher.fetch(url)
                probe = None
                if result.status == 200 and result.content_type in HTML_TYPES:
                    probe = await fetcher.probe_not_found(result.final_url)
                verdict = classify(result, probe=probe)
                return verdict.state.value, verdict.reason

        answers = await asyncio.gather(*(check(url) for url in spec["urls"]))
    checking = time.perf_counter() - started
    verdicts = dict(zip(spec["urls"], answers, strict=True))
    json.dump({"verdicts": verdicts, "checking_s": checking}, sys.stdout)


def measure(out_file: str, command: list[str]) -> None:
    """Child process: run `command` (stdin/stdout passed through), record its wall time
    and peak RSS; as this process's only child, RUSAGE_CHILDREN is exactly its peak."""
    started = time.perf_counter()
    code = subprocess.run(command, check=False).returncode
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    Path(out_file).write_text(json.dumps({"rc": code, "wall_s": wall, "maxrss_kib": peak_kib}))


async def run_measured(command: list[str], stdin: bytes = b"") -> tuple[bytes, dict[str, Any]]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        stats_file = handle.name
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--measure", stats_file, "--", *command,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await process.communicate(stdin)
    stats = json.loads(await asyncio.to_thread(Path(stats_file).read_text))
    os.unlink(stats_file)
    if stats["rc"] != 0 and not out:
        raise SystemExit(f"{command[0]} failed with exit code {stats['rc']}")
    return out, stats


# --------------------------------------------------------------------------- the tools


async def run_citecheck(urls: list[str], settings: dict[str, Any]) -> Run:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"urls": urls, "fetch": settings}, handle)
    out, stats = await run_measured([sys.executable, __file__, "--worker", handle.name])
    os.unlink(handle.name)
    answer = json.loads(out)
    verdicts = answer["verdicts"]
    return Run(
        "citecheck",
        stats["wall_s"],
        stats["maxrss_kib"] / 1024,
        {url: state == "dead" for url, (state, _) in verdicts.items()},
        {url: f"{state} {reason}".strip() for url, (state, reason) in verdicts.items()},
        answer["checking_s"],
    )


async def run_linkchecker(urls: list[str], concurrency: int, timeout_s: float) -> Run:
    home = tempfile.mkdtemp()
    os.chmod(home, 0o777)  # LinkChecker run as root drops to "nobody"
    config = Path(home) / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=10\n")
    os.chmod(config, 0o644)
    command = [
        str(LINKCHECKER), "--stdin", "--recursion-level", "0", "--verbose", "--no-status",
        "--output", "csv", "--threads", str(concurrency), "--timeout", str(int(timeout_s)),
        "--config", str(config),
    ]  # fmt: skip
    out, stats = await run_measured(command, "\n".join(urls).encode())
    rows = [line for line in out.decode().splitlines() if line and not line.startswith("#")]
    dead, verdicts = {}, {}
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        dead[row["urlname"]] = row["valid"] != "True"
        verdicts[row["urlname"]] = row["result"][:40]
    return Run("LinkChecker", stats["wall_s"], stats["maxrss_kib"] / 1024, dead, verdicts)


# --------------------------------------------------------------------------- measures


def politeness(visits: list[Visit], delay_s: float) -> dict[str, Any]:
    """What the server saw: most requests in flight on one host, closest two starts."""
    by_host: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_host[visit.host].append(visit)
    most, gaps = 0, []
    for host_visits in by_host.values():
        events = sorted(
            [(v.started, 1) for v in host_visits]
            + [(v.finished if v.finished is not None else v.started, -1) for v in host_visits],
            key=lambda e: (e[0], e[1]),
        )
        level = 0
        for _, step in events:
            level += step
            most = max(most, level)
        starts = sorted(v.started for v in host_visits)
        gaps += [b - a for a, b in itertools.pairwise(starts)]
    close = sum(1 for g in gaps if g < 0.9 * delay_s)
    return {
        "hosts": len(by_host),
        "requests": len(visits),
        "max_in_flight_per_host": most,
        "min_start_gap_ms": round(min(gaps) * 1000, 1) if gaps else None,
        # Server-side times carry the server's own scheduling jitter: count the close ones.
        "close_gaps": f"{close}/{len(gaps)}",
    }


def accuracy(run: Run, sources: list[Source]) -> dict[str, Any]:
    truly_dead = [s for s in sources if s.dead]
    alive = [s for s in sources if not s.dead]
    found = sum(1 for s in truly_dead if run.dead.get(s.url))
    alarms = sum(1 for s in alive if run.dead.get(s.url))
    missing = sum(1 for s in sources if s.url not in run.dead)
    return {
        "dead_found": found,
        "dead_total": len(truly_dead),
        "false_alarms": alarms,
        "not_dead_total": len(alive),
        "no_verdict": missing,
    }


def report(sources: list[Source], runs: list[Run], seen: dict[str, dict[str, Any]]) -> None:
    print(f"\n{len(sources)} sources, {sum(s.dead for s in sources)} truly dead\n")
    header = f"{'':28}" + "".join(f"{r.tool:>16}" for r in runs)
    print(header)
    rows: list[tuple[str, list[str]]] = []
    for run in runs:
        score = accuracy(run, sources)
        cells = {
            "sources / s": f"{len(sources) / run.wall_s:.1f}",
            "wall time (s)": f"{run.wall_s:.1f}",
            "peak RSS (MiB)": f"{run.maxrss_mib:.0f}",
            "dead found": f"{score['dead_found']}/{score['dead_total']}"
            f" ({100 * score['dead_found'] / score['dead_total']:.0f}%)",
            "false alarms": f"{score['false_alarms']}/{score['not_dead_total']}"
            f" ({100 * score['false_alarms'] / score['not_dead_total']:.1f}%)",
            "no verdict": str(score["no_verdict"]),
            "max in flight / host": str(seen[run.tool]["max_in_flight_per_host"]),
            "min start gap / host (ms)": str(seen[run.tool]["min_start_gap_ms"]),
            "gaps < 90% of the delay": seen[run.tool]["close_gaps"],
        }
        for name, value in cells.items():
            found = next((r for r in rows if r[0] == name), None)
            if found is None:
                rows.append((name, [value]))
            else:
                found[1].append(value)
    for name, values in rows:
        print(f"{name:28}" + "".join(f"{v:>16}" for v in values))
    print("\ncalled dead, by category (truth in brackets):")
    by_category: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_category[source.category].append(source)
    for category, members in by_category.items():
        truth = "dead" if members[0].dead else "not dead"
        called = "".join(
            f"{sum(1 for s in members if r.dead.get(s.url)):>10}/{len(members):<5}" for r in runs
        )
        print(f"  {category:26} [{truth:8}]{called}")
    for run in runs:
        said = Counter(run.verdicts[s.url] for s in sources if s.url in run.verdicts)
        print(f"\n{run.tool} verdicts: " + ", ".join(f"{k}: {n}" for k, n in said.most_common(12)))


# --------------------------------------------------------------------------- runs


def fetch_settings(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "timeout_s": args.timeout,
        "connect_timeout_s": args.timeout,
        "concurrency": args.concurrency,
        "per_host_concurrency": 2,
        "per_host_delay_s": args.delay,
        "allow_private_networks": True,
    }


async def compare(args: argparse.Namespace, web: FakeWeb, hosts: list[str]) -> None:
    sources = build_mix(web, hosts, refused_host="127.0.0.250", total=args.sources)
    urls = [s.url for s in sources]
    runs, seen = [], {}
    web.visits.clear()
    run = await run_citecheck(urls, fetch_settings(args))
    runs.append(run)
    seen[run.tool] = politeness(web.visits, args.delay)
    if not args.no_linkchecker:
        if not LINKCHECKER.exists():
            raise SystemExit("LinkChecker is not installed: pip install -e '.[bench]'")
        web.visits.clear()
        run = await run_linkchecker(urls, args.concurrency, args.timeout)
        runs.append(run)
        seen[run.tool] = politeness(web.visits, args.delay)
    report(sources, runs, seen)


async def scaling(args: argparse.Namespace, web: FakeWeb, hosts: list[str]) -> None:
    usable = [a for a in web.articles if "wsj.com" not in a.original_url]
    print(f"\nscaling: {args.scaling_sources} healthy sources, per-host delay {args.delay}s,")
    print("2 requests in flight per host at most; the ceiling is what politeness allows")
    print(f"{'hosts':>6} {'sources/s':>10} {'checking/s':>11} {'ceiling/s':>10}"
          f" {'max in flight/host':>19} {'min gap/host ms':>16} {'gaps<90%':>10}"
          f" {'peak RSS MiB':>13}")  # fmt: skip
    for count in args.scaling:
        chosen = hosts[:count]
        urls = []
        for i in range(args.scaling_sources):
            host, article = chosen[i % count], usable[i % len(usable)]
            path = f"/scale/{count}/{i}{article.path}"
            web.set_page(host, path, article.html)
            urls.append(web.url(host, path))
        web.visits.clear()
        run = await run_citecheck(urls, fetch_settings(args))
        seen = politeness(web.visits, args.delay)
        ceiling = count / args.delay
        checking = len(urls) / run.checking_s if run.checking_s else float("nan")
        print(
            f"{count:>6} {len(urls) / run.wall_s:>10.1f} {checking:>11.1f} {ceiling:>10.0f}"
            f" {seen['max_in_flight_per_host']:>19} {seen['min_start_gap_ms']!s:>16}"
            f" {seen['close_gaps']:>10} {run.maxrss_mib:>13.0f}"
        )


async def bench(args: argparse.Namespace) -> None:
    count = max(args.hosts, *args.scaling) + 10
    addresses = tuple(f"127.0.0.{i}" for i in range(1, count + 2))
    web = FakeWeb(latency_s=args.latency)
    await web.start(addresses)
    if not web.articles:
        raise SystemExit("shared/data/news-pages is missing")
    try:
        print(f"fake web: {len(addresses)} loopback hosts, {args.latency * 1000:.0f} ms latency;")
        print(f"both tools: concurrency {args.concurrency}, timeout {args.timeout}s,"
              f" at most {1 / args.delay:.0f} requests/s per host")  # fmt: skip
        main_hosts = list(addresses[1 : args.hosts + 1])
        await compare(args, web, main_hosts)
        if args.scaling:
            kinds = host_kinds(main_hosts)
            readable = [h for h in addresses[1:] if kinds.get(h, "news") != "parked"]
            for host in readable:
                web.add_host(host, kinds.get(host, "news"))
            await scaling(args, web, readable)
    finally:
        await web.close()


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        asyncio.run(citecheck_worker(json.loads(Path(sys.argv[2]).read_text())))
        return
    if len(sys.argv) > 3 and sys.argv[1] == "--measure" and sys.argv[3] == "--":
        measure(sys.argv[2], sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--delay", type=float, default=0.1, help="per-host spacing, seconds")
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--latency", type=float, default=0.03, help="fake network delay, s")
    parser.add_argument("--no-linkchecker", action="store_true")
    parser.add_argument(
        "--scaling", type=lambda t: [int(x) for x in t.split(",") if x], default=[1, 10, 100]
    )
    parser.add_argument("--scaling-sources", type=int, default=200)
    args = parser.parse_args()
    if args.sources < 100 or args.hosts < 10:
        parser.error("use at least 100 sources on 10 hosts (the mix needs every kind of site)")
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
