"""CPU cost of a first check of a page against bare trafilatura on the same bytes.

    /work/main/.venv/bin/python bench/bench_page_cost.py [--pages N] [--no-command]

For each real English news page (../shared/data/news-pages, else tests/data) and for a
2 MB page built from real paragraphs (tests/long_page.py), prints:

- bare: `trafilatura.extract` with the options our Extractor passes (tables kept,
  comments left out) plus `htmldate.find_date` as we call it (original date, no
  extensive search), each on the raw bytes;
- check: the CPU time of the whole process (every thread) for one first check by the
  real `SourceChecker` (fetch from a local aiohttp server on 127.0.0.1, liveness with
  the random-path probe, extraction in a thread, evidence anchoring, lexical support);
- the ratio check / bare.

Then, unless --no-command, the end-to-end figure: the real `citecheck check --all`
command on a temporary SQLite database citing the 2 MB page, its CPU (user + system,
extraction processes included) minus that of the same command with the page cited
replaced by a short one (start-up, imports, store; the short page's own check, as
measured above, added back), against bare on the 2 MB page. The command extracts in a
thread (`[extract] processes = 1`) so that all of its CPU is counted.
Times are medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import trafilatura
from aiohttp import web
from htmldate import find_date

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from long_page import long_page  # noqa: E402

from checker.engine import open_checker  # noqa: E402
from checker.evidence.match import layout  # noqa: E402
from checker.outcome import CitationTask, SourceHealth, SourceTask  # noqa: E402
from checker.settings import Settings  # noqa: E402
from checker.support.signals import analyse_source  # noqa: E402
from checker.text import STOPWORDS, split_sentences  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
NOW = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
LONG_ID = "long-2mb"


@dataclasses.dataclass(frozen=True)
class Page:
    id: str
    html: bytes
    claim: str


def data_dir() -> Path:
    shared = SHARED / "news-pages"
    return shared if shared.is_dir() else ROOT / "tests" / "data" / "news-pages"


def load_pages() -> list[Page]:
    folder = data_dir()
    plain = folder / "ground-truth.json"
    if plain.is_file():
        truth = json.loads(plain.read_text("utf-8"))
    else:
        with gzip.open(plain.with_suffix(".json.gz"), "rt", encoding="utf-8") as file:
            truth = json.load(file)
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        body = truth[page_id]["articleBody"]
        tokens = body.lower().split()
        if not tokens or sum(t in STOPWORDS for t in tokens) < 0.2 * len(tokens):
            continue  # not English: our support scorer reads English
        pages.append(Page(page_id, gzip.decompress(path.read_bytes()), _claim(body)))
    return pages


def _claim(body: str) -> str:
    """A sentence of the article fit to be cited (the longest of moderate length)."""
    sentences = [s for p in body.split("\n") for s in split_sentences(p.strip())]
    fit = [s for s in sentences if 60 <= len(s) <= 300] or sentences or [body[:200]]
    return max(fit[: len(fit) // 2 + 1], key=len)


def the_long_page(pages: list[Page]) -> Page:
    """2 MB: the first page's markup, its paragraphs repeated, another page's claim deep."""
    folder = data_dir()
    first, other = pages[0], pages[1]
    truth = _truth_of(folder, first.id)
    paragraphs = [p.strip() for p in truth.split("\n") if p.strip()]
    built = long_page(first.html, paragraphs, other.claim)
    return Page(LONG_ID, built.html, other.claim)


def _truth_of(folder: Path, page_id: str) -> str:
    plain = folder / "ground-truth.json"
    if plain.is_file():
        return str(json.loads(plain.read_text("utf-8"))[page_id]["articleBody"])
    with gzip.open(plain.with_suffix(".json.gz"), "rt", encoding="utf-8") as file:
        return str(json.load(file)[page_id]["articleBody"])


def bare_ms(page: Page, repeat: int) -> float:
    url = f"http://127.0.0.1/{page.id}"

    def once() -> None:
        trafilatura.extract(page.html, url=url, include_comments=False, include_tables=True)
        find_date(page.html, extensive_search=False, original_date=True, url=url)

    return _median_cpu_ms(once, repeat)


def _median_cpu_ms(job: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        job()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


@contextmanager
def serving(pages: list[Page]) -> Iterator[str]:
    """A local web server on 127.0.0.1, in another process (its CPU is not the check's),
    serving each page at /<id>; anything else is 404."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for page in pages:
            (folder / page.id).write_bytes(page.html)
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(folder)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            yield server.stdout.readline().strip()  # the server prints its base URL
        finally:
            server.terminate()
            server.wait()


def serve(folder: Path) -> None:
    """Serve the files of `folder` at /<name> until terminated; print the base URL first."""
    bodies = {f"/{f.name}": f.read_bytes() for f in folder.iterdir()}

    async def answer(request: web.Request) -> web.Response:
        body = bodies.get(request.path)
        if body is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=body, content_type="text/html")

    async def run() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", answer)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(f"http://127.0.0.1:{runner.addresses[0][1]}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


def settings() -> Settings:
    base = Settings()
    return dataclasses.replace(
        base,
        fetch=dataclasses.replace(
            base.fetch,
            allow_private_networks=True,
            per_host_delay_s=0.0,
            respect_robots=False,
        ),
        extract=dataclasses.replace(base.extract, processes=1),  # in a thread: CPU counted
        support=dataclasses.replace(base.support, backend="lexical"),
        archive=dataclasses.replace(base.archive, enabled=False, capture=False),
    )


def check_ms(pages: list[Page], base: str, repeat: int) -> dict[str, float]:
    """Process CPU (every thread) of one first check of each page, median of `repeat`."""

    async def run() -> dict[str, float]:
        out: dict[str, float] = {}
        async with open_checker(settings(), worker="bench") as checker:
            for n, page in enumerate(pages):
                times = []
                for r in range(repeat):
                    citation = CitationTask(n * 100 + r, page.claim, None, None, None, None)
                    task = SourceTask(n, f"{base}/{page.id}", SourceHealth(), (citation,))
                    forget(checker.scorer)  # a first check: nothing computed before
                    start = time.process_time()
                    await checker.check(task, NOW)
                    times.append((time.process_time() - start) * 1000)
                out[page.id] = statistics.median(times)
        return out

    return asyncio.run(run())


def forget(scorer: object) -> None:
    """Empty the per-text caches (layouts, source analyses, support results) so that a
    repeated check of one page costs what its first check costs."""
    layout.cache_clear()
    analyse_source.cache_clear()
    cache = getattr(scorer, "cache", None)
    if cache is not None:
        cache._items.clear()


def command_cpu_s(page: Page, base: str, repeat: int) -> float:
    """CPU seconds of `citecheck check --all` citing `page`, median of `repeat` runs."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            config = folder / "citecheck.toml"
            config.write_text(
                "[fetch]\nallow_private_networks = true\nper_host_delay_s = 0.0\n"
                "respect_robots = false\n"
                # in a thread: a pool's processes are not all counted in RUSAGE_CHILDREN
                "[extract]\nprocesses = 1\n"
                '[support]\nbackend = "lexical"\n'
                "[archive]\nenabled = false\ncapture = false\n",
                "utf-8",
            )
            article = folder / "article.json"
            cited = {"ref": "1", "url": f"{base}/{page.id}", "claim": page.claim}
            article.write_text(
                json.dumps({"url": "https://example.org/a", "citations": [cited]}), "utf-8"
            )
            env = os.environ | {
                "CITECHECK_CONFIG": str(config),
                "CITECHECK_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
                "PYTHONPATH": str(ROOT),
            }
            cli = [sys.executable, "-m", "checker.cli"]
            subprocess.run([*cli, "import", str(article)], env=env, check=True, capture_output=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([*cli, "check", "--all"], env=env, check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=0, help="first N pages (default all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--no-command", action="store_true", help="skip the CLI figure")
    parser.add_argument("--serve", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve))
        return
    pages = load_pages()
    big = the_long_page(pages)
    if args.pages:
        pages = pages[: args.pages]
    print(f"{len(pages)} English pages from {data_dir()}; long page {len(big.html):,} bytes")
    with serving([*pages, big]) as base:
        checked = check_ms([*pages, big], base, args.repeat)
        bare = {p.id: bare_ms(p, args.repeat) for p in [*pages, big]}
        print(f"\n{'page':<42} {'bare ms':>9} {'check ms':>9} {'ratio':>6}")
        for page in pages:
            print(
                f"{page.id[:42]:<42} {bare[page.id]:9.1f} {checked[page.id]:9.1f} "
                f"{checked[page.id] / bare[page.id]:6.2f}"
            )
        total_bare = sum(bare[p.id] for p in pages)
        total_check = sum(checked[p.id] for p in pages)
        print(
            f"{'all pages (sum)':<42} {total_bare:9.1f} {total_check:9.1f} "
            f"{total_check / total_bare:6.2f}"
        )
        print(
            f"{'2 MB page':<42} {bare[LONG_ID]:9.1f} {checked[LONG_ID]:9.1f} "
            f"{checked[LONG_ID] / bare[LONG_ID]:6.2f}"
        )
        if not args.no_command:
            small = dataclasses.replace(pages[0])
            command = command_cpu_s(big, base, args.repeat)
            floor = command_cpu_s(small, base, args.repeat)
            net = command - floor + checked[small.id] / 1000
            print(
                f"\n`citecheck check --all` on the 2 MB page: {command:.2f} s CPU; on a "
                f"short page {floor:.2f} s (start-up, imports, store).\n"
                f"2 MB page, net of start-up: {net:.2f} s vs bare {bare[LONG_ID] / 1000:.2f} s "
                f"(ratio {net * 1000 / bare[LONG_ID]:.2f})"
            )


if __name__ == "__main__":
    re.purge()
    main()
