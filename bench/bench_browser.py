"""Benchmark: checking sources written by JavaScript, rendered in headless Chromium.

    .venv/bin/python bench/bench_browser.py [--pages 200] [--contexts 1,2,4]

Serves `--pages` script-rendered article pages (real news text from shared/data, else
tests/data, written into an empty root by a script that fetches it from a JSON
endpoint) on 20 loopback hosts, and the same articles as plain static HTML on 20 more.
Runs the real command, `citecheck check --all`, in its own process: once on the static
pages (browser off), then on the rendered pages with `[browser] contexts` = 1, 2 and 4.
Prints checks/s, peak RSS of the whole process tree (citecheck, its extraction pool and
Chromium), and how many citations got evidence anchored. Loopback only; not part of
the test run. Needs Debian's chromium (/usr/bin/chromium) and Playwright.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from fakeweb import FakeWeb, Page  # noqa: E402
from fakeweb.scripted import spa_pages  # noqa: E402
from real_pages import news_pages  # noqa: E402

from checker.extract import extract  # noqa: E402

CITECHECK = Path(sys.executable).parent / "citecheck"
HOSTS = 20
CONFIG = """
[fetch]
allow_private_networks = true  # the fake web is on loopback addresses
per_host_delay_s = 0.0
per_host_concurrency = 4
[browser]
enabled = {enabled}
contexts = {contexts}
page_timeout_s = 15.0
settle_s = 0.3
[support]
backend = "lexical"
"""


def address(kind: int, n: int) -> str:
    return f"127.4.{kind}.{n + 1}"


def descendants_rss_kib(root: int) -> int:
    """Resident memory of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


async def citecheck(*args: str, config: Path, db: str) -> tuple[str, float, int]:
    """Run a command; its output, wall time and peak RSS (KiB) of its process tree."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        str(CITECHECK), "--config", str(config), "--db", db, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    peak = 0
    waiting = asyncio.ensure_future(process.communicate())
    while not waiting.done():
        peak = max(peak, await asyncio.to_thread(descendants_rss_kib, process.pid))
        await asyncio.wait([waiting], timeout=0.2)
    out, err = waiting.result()
    if process.returncode != 0:
        raise SystemExit(f"citecheck {args[0]} failed: {err.decode()[-500:]}")
    return out.decode(), time.perf_counter() - started, peak


async def run(urls: list[tuple[str, str]], *, enabled: bool, contexts: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        config, db = Path(tmp) / "citecheck.toml", f"sqlite:///{tmp}/bench.db"
        config.write_text(CONFIG.format(enabled=str(enabled).lower(), contexts=contexts))
        feed = Path(tmp) / "articles.json"
        feed.write_text(
            json.dumps(
                [
                    {"url": f"https://paper.example/{i}", "title": f"Story {i}",
                     "citations": [{"ref": "1", "url": url, "claim": claim}]}
                    for i, (url, claim) in enumerate(urls)
                ]
            )
        )  # fmt: skip
        await citecheck("import", str(feed), config=config, db=db)
        out, wall, peak = await citecheck("check", "--all", "--json", config=config, db=db)
        report = json.loads(out)
    return {
        "wall_s": wall,
        "per_s": len(urls) / wall,
        "peak_mib": peak / 1024,
        "alive": report["states"].get("alive", 0),
        "unreadable": report["states"].get("unreadable", 0),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--contexts", default="1,2,4")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    data = args.data if (args.data / "news-pages").is_dir() else REPO / "tests" / "data"
    articles = []
    for page in news_pages(data):
        try:
            doc = extract(page.html, "text/html", page.url)
        except Exception:
            continue
        paragraphs = [p for p in doc.passages if len(p.split()) > 5]
        if "wsj.com" not in page.url and len(paragraphs) >= 3:
            articles.append((doc.title, paragraphs))
    web = FakeWeb()
    await web.start(tuple(address(k, n) for k in (0, 1) for n in range(HOSTS)))
    static: dict[str, dict[str, Page]] = {}
    scripted: dict[str, dict[str, Page]] = {}
    static_urls, rendered_urls = [], []
    for i in range(args.pages):
        title, paragraphs = articles[i % len(articles)]
        claim = max(paragraphs[1:-1] or paragraphs, key=len)
        n, path = i % HOSTS, f"/{i}"
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        static.setdefault(address(0, n), {})[path] = Page(
            f"{html}{body}</article></body></html>".encode()
        )
        scripted.setdefault(address(1, n), {}).update(spa_pages(title, paragraphs, "api", path))
        static_urls.append((f"http://{address(0, n)}:{web.port}{path}", claim))
        rendered_urls.append((f"http://{address(1, n)}:{web.port}{path}", claim))
    for host, pages in {**static, **scripted}.items():
        web.add_site(host, lambda p, pages=pages: pages.get(p))
    print(f"{args.pages} pages ({len(articles)} real articles), {HOSTS} hosts per kind")
    head = ("run", "checks/s", "wall s", "peak RSS MiB", "read", "unreadable")
    print(f"{head[0]:36} " + " ".join(f"{h:>{max(len(h), 5)}}" for h in head[1:]))
    results = [("static HTML, no browser", await run(static_urls, enabled=False, contexts=1))]
    results.append(
        ("script-rendered, no browser", await run(rendered_urls, enabled=False, contexts=1))
    )
    for contexts in (int(c) for c in args.contexts.split(",")):
        name = f"script-rendered, browser, {contexts} context(s)"
        results.append((name, await run(rendered_urls, enabled=True, contexts=contexts)))
    for name, r in results:
        print(
            f"{name:36} {r['per_s']:9.1f} {r['wall_s']:7.1f} {r['peak_mib']:13.0f} "
            f"{r['alive']:5.0f} {r['unreadable']:11.0f}"
        )
    await web.close()


if __name__ == "__main__":
    asyncio.run(main())
