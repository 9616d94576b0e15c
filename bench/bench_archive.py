"""Benchmark: what the archive of record costs.

    .venv/bin/python bench/bench_archive.py [--sources 1000] [--rounds 2] [--data ../shared/data]

1. Serves `--sources` real news pages (shared/data/news-pages, else tests/data; each
   page's HTML made unique by a comment naming its source, so no two payloads share a
   digest) from a local fake web on 50 loopback addresses (127.2.0.x); nothing leaves
   the machine.
2. Imports one article per source and times the real `citecheck check --all` of a first
   check (every source read in full, every citation anchored) with [archive] capture
   off and on, each on a fresh database, alternating, `--rounds` times each; prints the
   median of each and the overhead (goal: at most 10%).
3. With capture on, runs 5 more `citecheck check --all` over the unchanged pages and
   prints the archive's bytes per 1,000 sources after the first check and after the 5
   rechecks (unchanged content is not captured again), with the WARC files and records;
   then has a second article cite every source and checks again: the new citations'
   captures of unchanged payloads are revisit records (dedupe), not second copies.

Not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from fakeweb import FakeWeb  # noqa: E402
from fakeweb.server import Page  # noqa: E402
from real_pages import evidence_candidates, news_pages  # noqa: E402

HOSTS = 50
RECHECKS = 5
CONFIG = """
[fetch]
allow_private_networks = true  # the fake web is on loopback addresses
per_host_delay_s = 0.0
timeout_s = 20.0

[support]
backend = "lexical"

[archive]
enabled = false  # no public archive to ask here
capture = {capture}
folder = "{folder}"
"""


def host(n: int) -> str:
    return f"127.2.0.{n % HOSTS + 1}"


def children_cpu_s() -> float:
    """CPU seconds used so far by finished child processes (and theirs): a figure the
    other work on a shared machine does not move, unlike wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def citecheck(*args: str, config: Path, db: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO))  # this checkout's code, whatever is installed
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "checker.cli", "--config", str(config), "--db", db, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    out, err = await process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"citecheck {args[0]} failed ({process.returncode}): {err.decode()}")
    return out.decode()


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = list(folder.rglob("*.warc.gz"))
    return sum(f.stat().st_size for f in files), len(files)


def count_records(folder: Path) -> dict[str, int]:
    from warcio.archiveiterator import ArchiveIterator

    kinds: dict[str, int] = {}
    for path in folder.rglob("*.warc.gz"):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
    return kinds


async def first_check(
    tmp: Path, feed: Path, *, capture: bool, tag: str
) -> tuple[float, Path, str, Path]:
    folder = tmp / f"archive-{tag}"
    config = tmp / f"citecheck-{tag}.toml"
    config.write_text(CONFIG.format(capture=str(capture).lower(), folder=folder))
    db = f"sqlite:///{tmp}/bench-{tag}.db"
    await citecheck("import", str(feed), config=config, db=db)
    started, cpu = time.perf_counter(), children_cpu_s()
    report = json.loads(await citecheck("check", "--all", "--json", config=config, db=db))
    took, cpu = time.perf_counter() - started, children_cpu_s() - cpu
    if report["checked"] == 0 or report["errors"]:
        raise SystemExit(f"the first check went wrong: {report}")
    return took, cpu, config, db, folder


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    data = args.data if (args.data / "news-pages").is_dir() else REPO / "tests" / "data"
    pages = [p for p in news_pages(data) if evidence_candidates(p)]
    bodies: dict[tuple[str, str], bytes] = {}
    feed_rows = []
    for n in range(args.sources):
        page = pages[n % len(pages)]
        path = f"/story/{n}.html"
        marker = f"<!-- source {n} -->".encode()
        bodies[(host(n), path)] = (
            page.html.replace(b"</body>", marker + b"</body>", 1)
            if (b"</body>" in page.html)
            else page.html + marker
        )
        claim = evidence_candidates(page)[0]
        url = f"http://{host(n)}:{{port}}{path}"
        feed_rows.append((f"https://paper.example/a/{n}", url, claim))

    web = FakeWeb()
    await web.start(tuple(host(n) for n in range(HOSTS)))
    for n in range(HOSTS):
        name = host(n)
        web.add_site(name, lambda p, name=name: _page(bodies.get((name, p))))
    feed = [
        {
            "url": a,
            "title": a,
            "citations": [{"ref": "1", "url": u.format(port=web.port), "claim": c}],
        }
        for a, u, c in feed_rows
    ]
    page_bytes = sum(len(b) for b in bodies.values())
    gzip_bytes = sum(len(gzip.compress(b)) for b in bodies.values())
    print(
        f"{args.sources} sources: {len(pages)} real pages made unique, "
        f"{page_bytes / args.sources / 1024:.1f} KiB of HTML each on average "
        f"({gzip_bytes / args.sources / 1024:.1f} KiB gzip)"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            feed_file = tmp / "articles.json"
            feed_file.write_text(json.dumps(feed))
            times: dict[bool, list[float]] = {False: [], True: []}
            cpus: dict[bool, list[float]] = {False: [], True: []}
            kept: tuple[Path, str, Path] | None = None
            for round_ in range(args.rounds):
                for capture in (False, True):
                    took, cpu, config, db, folder = await first_check(
                        tmp, feed_file, capture=capture, tag=f"{capture}-{round_}"
                    )
                    times[capture].append(took)
                    cpus[capture].append(cpu)
                    print(
                        f"  round {round_ + 1}, capture {'on ' if capture else 'off'}:"
                        f" {took:.1f} s wall, {cpu:.1f} s CPU"
                    )
                    if capture:
                        kept = (config, db, folder)
            print(
                f"\nfirst `citecheck check --all` of {args.sources} sources"
                f" (median of {args.rounds}; goal: capture costs at most +10%):"
            )
            for what, figures in (("wall time", times), ("CPU time", cpus)):
                off, on = statistics.median(figures[False]), statistics.median(figures[True])
                print(
                    f"  {what}: capture off {off:.1f} s, on {on:.1f} s:"
                    f" overhead {100 * (on - off) / off:+.1f}%"
                )
            assert kept is not None
            config, db, folder = kept
            first_bytes, first_files = folder_bytes(folder)
            for _ in range(RECHECKS):
                await citecheck("check", "--all", config=config, db=db)
            after_bytes, after_files = folder_bytes(folder)
            per = 1000 / args.sources
            print(
                f"\narchive bytes per 1,000 sources:"
                f"\n  after the first check:        {first_bytes * per / 1e6:.2f} MB"
                f" ({first_files} WARC files)"
                f"\n  after {RECHECKS} unchanged rechecks:  {after_bytes * per / 1e6:.2f} MB"
                f" ({after_files} WARC files; growth {after_bytes - first_bytes} bytes)"
                f"\n  records: {count_records(folder)}"
                f"\n  (the pages' own HTML: {page_bytes * per / 1e6:.2f} MB,"
                f" gzip {gzip_bytes * per / 1e6:.2f} MB)"
            )
            # Every source cited by a second article: each new citation is captured, its
            # payload unchanged: a revisit record, not a second copy.
            again = tmp / "again.json"
            again.write_text(json.dumps([dict(a, url=a["url"] + "/again") for a in feed]))
            await citecheck("import", str(again), config=config, db=db)
            await citecheck("check", "--all", config=config, db=db)
            cited_bytes, cited_files = folder_bytes(folder)
            print(
                f"  after a second article cites every source (unchanged pages):"
                f" {cited_bytes * per / 1e6:.2f} MB ({cited_files} WARC files;"
                f" {(cited_bytes - after_bytes) * per / 1e3:.0f} KB more per 1,000 sources)"
                f"\n  records: {count_records(folder)}"
            )
    finally:
        await web.close()


def _page(body: bytes | None) -> Page | None:
    return None if body is None else Page(body)


if __name__ == "__main__":
    asyncio.run(main())
