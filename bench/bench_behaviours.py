"""Benchmark: are citecheck's flags real on sites that behave as real sites do?

    .venv/bin/python bench/bench_behaviours.py [--per-behaviour 5] [--data ../shared/data]

1. Puts real news pages (shared/data/news-pages, else tests/data) behind every behaviour
   of tests/behaviours.py: rate limits that lift or persist, legal blocks, logins,
   bot challenges, consent walls, paywall teasers, server errors and timeouts, id-routed
   and soft-404 sites, redirects (home, to the same or another article), pages gone,
   and the edits newsrooms make. Each case is one loopback address (127.1.x.y) of a local
   fake web; nothing leaves the machine.
2. Runs the real commands, each in its own process (with `--before REV`, also those of
   an older revision, from a temporary git worktree, on the same web): `citecheck import`, then
   `citecheck check --all` four times (the first sees the healthy page; the sites change
   between runs; failures confirm after 2 checks), then `citecheck flags --status all
   --json` to read every flag that ever opened.
3. Prints, per behaviour: cases, correct, false alarms (a flag on a source that only
   misbehaved for a while, or changed nothing that matters), missed, wrong kinds (a
   decay case that also raised a misleading kind or severity), and the totals next to
   the goals (false alarms ≤ 2%, recall ≥ 95%, wrong kinds 0).

The `www_redirect` behaviour needs host names and is left to the tests. Not part of
the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from behaviour_corpus import (  # noqa: E402
    CHECKS,
    CaseResult,
    Clock,
    articles,
    build_cases,
    score,
    serve,
    tally,
)
from behaviours import BEHAVIOURS, Case  # noqa: E402
from fakeweb import FakeWeb  # noqa: E402
from real_pages import news_pages  # noqa: E402

from checker.model import ArticleIn  # noqa: E402

CITECHECK = Path(sys.executable).parent / "citecheck"
CONFIG = """
[fetch]
allow_private_networks = true  # the fake web is on loopback addresses
per_host_delay_s = 0.0
timeout_s = 1.0
connect_timeout_s = 1.0
retry_after_wait_s = 0.0

[monitor]
confirm_failures = 2
confirm_interval_s = 0.0  # the runs follow each other: count every failure

[support]
backend = "lexical"
"""


def address(n: int) -> str:
    return f"127.1.{n // 250}.{n % 250 + 1}"


async def citecheck(*args: str, config: Path, db: str, code: Path | None = None) -> str:
    """Run the citecheck command; `code`: an older checkout's code instead (same venv)."""
    env = dict(os.environ)
    command = [str(CITECHECK)]
    if code is not None:
        env["PYTHONPATH"] = str(code)
        command = [sys.executable, "-m", "checker.cli"]
    process = await asyncio.create_subprocess_exec(
        *command, "--config", str(config), "--db", db, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=code,
    )  # fmt: skip
    out, err = await process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"citecheck {args[0]} failed ({process.returncode}): {err.decode()}")
    return out.decode()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-behaviour", type=int, default=5)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--before", metavar="REV", help="also run a git revision's commands on the same web"
    )
    args = parser.parse_args()
    data = args.data if (args.data / "news-pages").is_dir() else REPO / "tests" / "data"
    behaviours = [b for b in BEHAVIOURS if b.name != "www_redirect"]
    slots = len(behaviours) * args.per_behaviour
    web = FakeWeb()
    await web.start(tuple(address(n) for n in range(slots)))
    clock = Clock()
    hosts = {b.name: i * args.per_behaviour for i, b in enumerate(behaviours)}
    cases = build_cases(
        web.port,
        news_pages(data),
        args.per_behaviour,
        lambda b, i: address(hosts[b.name] + i),
        behaviours,
    )
    serve(web, cases, clock)
    runs = {"this version": await run_all(web, cases, clock, None)}
    if args.before:
        with tempfile.TemporaryDirectory() as tmp:
            await asyncio.to_thread(git, "worktree", "add", "--detach", "-q", tmp, args.before)
            try:
                runs[f"before ({args.before})"] = await run_all(web, cases, clock, Path(tmp))
            finally:
                await asyncio.to_thread(git, "worktree", "remove", "--force", tmp)
    await web.close()
    pages = len(list((data / "news-pages" / "html").glob("*.html.gz")))
    print(f"{len(cases)} cases over {len(behaviours)} behaviours, real pages from a set of {pages}")
    for name, (results, times) in runs.items():
        took = ", ".join(f"{t:.1f} s" for t in times)
        print(f"\n=== {name}: `citecheck check --all` runs took {took}")
        report(results)
    if len(runs) > 1:
        print("\n=== side by side")
        for name, (results, _) in runs.items():
            print(f"\n{name}")
            totals(results)


def git(*args: str) -> None:
    subprocess.run(["git", "-C", str(REPO), *args], check=True)


async def run_all(
    web: FakeWeb, cases: list[Case], clock: Clock, code: Path | None
) -> tuple[list[CaseResult], list[float]]:
    """Import, four checks, and every flag that ever opened, with one version's commands."""
    with tempfile.TemporaryDirectory() as tmp:
        config, db = Path(tmp) / "citecheck.toml", f"sqlite:///{tmp}/bench.db"
        config.write_text(CONFIG)
        feed = Path(tmp) / "articles.json"
        feed.write_text(json.dumps([_as_json(a) for a in articles(web, cases)]))
        await citecheck("import", str(feed), config=config, db=db, code=code)
        times = []
        for check in range(CHECKS):
            clock.check = check
            started = time.perf_counter()
            await citecheck("check", "--all", config=config, db=db, code=code)
            times.append(time.perf_counter() - started)
        every = ("--status", "all", "--json", "--limit", "100000")
        listed = json.loads(await citecheck("flags", *every, config=config, db=db, code=code))
    opened: dict[str, set[tuple[str, str]]] = {}
    for flag in listed:
        opened.setdefault(flag["article_url"], set()).add((flag["kind"], flag["severity"]))
    return score(cases, opened), times


def _as_json(article: ArticleIn) -> dict[str, object]:
    citations = [{"ref": c.ref, "url": c.url, "claim": c.claim} for c in article.citations]
    return {"url": article.url, "title": article.title, "citations": citations}


def report(results: list[CaseResult]) -> None:
    rows = tally(results)
    head = (
        f"{'behaviour':34} {'expect':34} {'cases':>5} {'correct':>7} "
        f"{'false al.':>9} {'missed':>6} {'wrong k.':>8}"
    )
    print(head)
    print("-" * len(head))
    behaviours = {r.behaviour.name: r.behaviour for r in results}
    for name, t in rows.items():
        expect = ", ".join(f"{k} {s}" for k, s in sorted(behaviours[name].expect)) or "quiet"
        seen = ", ".join(f"{k} {s}" for k, s in sorted(t.seen)) or "nothing"
        extra = "" if t.correct == t.cases else f"   saw: {seen}"
        print(
            f"{name:34} {expect:34} {t.cases:5} {t.correct:7} {t.false_alarms:9} "
            f"{t.missed:6} {t.wrong_kinds:8}{extra}"
        )
    print()
    totals(results)


def totals(results: list[CaseResult]) -> None:
    quiet = [r for r in results if r.behaviour.quiet]
    decay = [r for r in results if not r.behaviour.quiet]
    false_alarms = sum(r.false_alarm for r in quiet)
    found = sum(not r.missed for r in decay)
    wrong = sum(r.wrong_kind for r in decay)
    print(f"{'':34} {'measured':>24} {'goal':>12}")
    line("false alarms (quiet cases)", false_alarms, len(quiet), "≤ 2%")
    line("recall (decay cases)", found, len(decay), "≥ 95%")
    line("wrong kinds (decay cases)", wrong, len(decay), "0")
    line("all correct", sum(r.correct for r in results), len(results), "")


def line(name: str, count: int, total: int, goal: str) -> None:
    share = 100 * count / max(total, 1)
    print(f"{name:34} {count:>6} / {total:<5} {share:6.1f}% {goal:>12}")


if __name__ == "__main__":
    asyncio.run(main())
