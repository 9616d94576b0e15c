"""Benchmark of discovery: a 10,000-URL sitemap index on loopback, through the real command.

    /work/main/.venv/bin/python bench/bench_discover.py [--urls 10000] [--db URL]

A fake publication runs in another process on 127.0.0.1: a sitemap index of gzip
sitemaps (1,000 URLs each) whose article pages are the real news pages of
tests/data/news-pages, served in turn (each at its own URL). Then, as separate
processes, like a user would run them:

1. `citecheck discover --once` on an empty database: every URL is new, every page is
   fetched, read and imported (politeness off: [fetch] per_host_delay_s = 0 and 8
   requests in flight to the host: the figures are what citecheck itself can do);
2. the same again: nothing changed, the listings are read and compared, no page is;
3. a small publication (30 URLs) with the default politeness ([fetch] per_host_delay_s
   = 1.0): requests per second to the host should stay at or under 1.

Printed: URLs listed per second, articles imported per second, peak RSS of the command,
and requests per second the host received (mean and busiest second). Not part of the
test run.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "fakeweb")]

PER_SITEMAP = 1_000
HOST = "127.0.0.1"


# --------------------------------------------------------------------------- the site


def fake_site(port: int, urls: int, log: Path) -> None:
    """The publication: /sitemap_index.xml, /sitemap-N.xml.gz, /story/N.html."""
    from aiohttp import web
    from pages import news_articles

    pages = [a.html for a in news_articles() if "wsj.com" not in a.original_url]
    base = f"http://{HOST}:{port}"
    children = (urls + PER_SITEMAP - 1) // PER_SITEMAP
    index = "".join(
        f"<sitemap><loc>{base}/sitemap-{n}.xml.gz</loc></sitemap>" for n in range(children)
    )
    index_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>'
    ).encode()
    seconds: Counter[int] = Counter()

    def sitemap(n: int) -> bytes:
        rows = "".join(
            f"<url><loc>{base}/story/{i}.html</loc><lastmod>2026-03-02</lastmod></url>"
            for i in range(n * PER_SITEMAP, min(urls, (n + 1) * PER_SITEMAP))
        )
        return gzip.compress(
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'
            ).encode()
        )

    async def answer(request: web.Request) -> web.Response:
        seconds[int(time.time())] += 1
        path = request.path
        if path == "/sitemap_index.xml":
            return web.Response(body=index_xml, content_type="application/xml")
        if path.startswith("/sitemap-") and path.endswith(".xml.gz"):
            body = sitemap(int(path[len("/sitemap-") : -len(".xml.gz")]))
            return web.Response(body=body, content_type="application/x-gzip")
        if path.startswith("/story/") and path.endswith(".html"):
            i = int(path[len("/story/") : -len(".html")])
            return web.Response(body=pages[i % len(pages)], content_type="text/html")
        return web.Response(status=404, text="not found")

    async def save(app: web.Application) -> None:
        await asyncio.to_thread(log.write_text, json.dumps(sorted(seconds.items())))

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    app.on_shutdown.append(save)
    web.run_app(app, host=HOST, port=port, print=None, access_log=None)


# --------------------------------------------------------------------------- the command


def write_config(folder: Path, port: int, *, polite: bool) -> Path:
    fetch = "per_host_delay_s = 1.0\n" if polite else "per_host_delay_s = 0.0\n"
    fetch += "per_host_concurrency = 2\n" if polite else "per_host_concurrency = 8\n"
    path = folder / ("polite.toml" if polite else "fast.toml")
    path.write_text(
        f"[fetch]\nallow_private_networks = true\nrespect_robots = true\n{fetch}"
        f'[[publications]]\nname = "paper"\n'
        f'sitemaps = ["http://{HOST}:{port}/sitemap_index.xml"]\n'
    )
    return path


def discover(config: Path, db: str) -> tuple[dict[str, object], float, float]:
    """(the poll's report, wall seconds, peak RSS in MiB) of one `discover --once`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env["PYTHONPATH"] = str(REPO)
    started = time.perf_counter()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the command, as a user runs it
        os.close(read)
        os.dup2(write, 1)
        argv = [sys.executable, "-m", "checker.cli", "--config", str(config), "--db", db]
        os.execve(sys.executable, [*argv, "discover", "--once", "--json"], env)
    os.close(write)
    with os.fdopen(read) as out:
        text = out.read()
    _, status, usage = os.wait4(pid, 0)
    took = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"discover exited with {status}: {text[-2000:]}")
    return json.loads(text), took, usage.ru_maxrss / 1024


def host_rate(log: Path, since: float, until: float) -> tuple[float, int]:
    per_second = {s: n for s, n in json.loads(log.read_text()) if since <= s <= until}
    if not per_second:
        return 0.0, 0
    span = max(1.0, until - since)
    return sum(per_second.values()) / span, max(per_second.values())


def run_site(port: int, urls: int, log: Path) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            fake_site(port, urls, log)
        finally:
            os._exit(0)
    return pid


def stop_site(pid: int) -> None:
    os.kill(pid, signal.SIGINT)
    os.waitpid(pid, 0)


async def wait_for_port(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise SystemExit(f"the fake site did not start on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = args.db or f"sqlite:///{folder / 'bench.db'}"
        port = 18710
        log = folder / "requests.json"
        site = run_site(port, args.urls, log)
        try:
            asyncio.run(wait_for_port(port))
            fast = write_config(folder, port, polite=False)
            t0 = time.time()
            first, took1, rss1 = discover(fast, db)
            t1 = time.time()
            second, took2, rss2 = discover(fast, db)
        finally:
            stop_site(site)
        rate1 = host_rate(log, t0, t1)

        small = folder / "small"
        small.mkdir()
        site = run_site(port + 1, 30, small / "requests.json")
        try:
            asyncio.run(wait_for_port(port + 1))
            polite = write_config(small, port + 1, polite=True)
            t2 = time.time()
            third, took3, rss3 = discover(polite, f"sqlite:///{small / 'polite.db'}")
            t3 = time.time()
        finally:
            stop_site(site)
        rate3 = host_rate(small / "requests.json", t2, t3)

    print(f"discovery over a {args.urls:,}-URL sitemap index on loopback ({db.split(':')[0]})")
    print(
        f"  first poll: {first['listed']:,} URLs listed, {first['new']:,} articles imported "
        f"({first['no_citations']:,} cite nothing, {first['failed']} failed) in {took1:.1f} s: "
        f"{first['listed'] / took1:,.0f} URLs/s, {first['new'] / took1:,.1f} articles "
        f"imported/s; {first['citations_added']:,} citations; peak RSS {rss1:.0f} MiB"
    )
    print(
        f"    requests to the host: {rate1[0]:.1f}/s on average, {rate1[1]} in the busiest "
        "second (politeness off: per_host_delay_s 0, 8 in flight)"
    )
    print(
        f"  second poll, nothing changed: {second['listed']:,} URLs listed, "
        f"{second['unchanged']:,} unchanged, {second['read']} pages read in {took2:.1f} s: "
        f"{second['listed'] / took2:,.0f} URLs/s; peak RSS {rss2:.0f} MiB"
    )
    print(
        f"  default politeness (per_host_delay_s 1.0), {third['listed']} URLs: "
        f"{third['read']} pages read in {took3:.1f} s; requests to the host "
        f"{rate3[0]:.2f}/s on average, {rate3[1]} in the busiest second; "
        f"peak RSS {rss3:.0f} MiB"
    )


if __name__ == "__main__":
    main()
