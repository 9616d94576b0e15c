"""`citecheck demo`: the whole product in a minute, with no server and no network.

Starts the demo web (checker.cli.demo_web) on 127.0.0.1, imports examples/demo-article.md,
checks every source, lets simulated days pass while the web decays, checks again, and
prints the open flags. Dead links are confirmed by two failures a day apart, exactly
as in production (with production's default of three).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from checker.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo-article.md"
DEMO_DB = "citecheck-demo.db"
DAYS = 3


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="run a self-contained demo: a local web of sources that decays over three days",
        description=f"Imports {EXAMPLE.name} into a fresh database ({DEMO_DB} in the working "
        "directory unless --db is given), checks its sources on three simulated days and "
        "prints the open flags.",
    )
    p.add_argument("--article", type=Path, default=EXAMPLE, help="article file to import")
    p.set_defaults(handler=cmd_demo)


def demo_settings(settings: Settings, web_base: str, db_url: str) -> Settings:
    return dataclasses.replace(
        settings,
        database=dataclasses.replace(settings.database, url=db_url),
        fetch=dataclasses.replace(
            settings.fetch,
            allow_private_networks=True,  # the demo web runs on 127.0.0.1
            per_host_delay_s=0.0,
            timeout_s=10.0,
        ),
        monitor=dataclasses.replace(
            settings.monitor, confirm_failures=2, confirm_interval_s=86_400.0
        ),
        archive=dataclasses.replace(
            settings.archive,
            enabled=True,
            availability_url=f"{web_base}/wayback/available",
            cdx_url="",  # the demo asks its own web only: no CDX API there
            timemap_urls=(),
        ),
    )


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import UserError

    if not args.article.is_file():
        raise UserError(
            f"demo article not found: {args.article} (run the demo from a source checkout, "
            "or pass --article FILE)"
        )
    db_url = settings.database.url
    if args.db is None and not _env_db(settings):
        Path(DEMO_DB).unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(DEMO_DB + suffix).unlink(missing_ok=True)
        db_url = f"sqlite:///{DEMO_DB}"
    return asyncio.run(_demo(args.article, settings, db_url))


def _at(moment: datetime) -> datetime:
    """The demo's clock: simulated days, fixed for the whole of one day's checks."""
    return moment


def _env_db(settings: Settings) -> bool:
    from checker.settings import DEFAULT_DB_URL

    return settings.database.url != DEFAULT_DB_URL


async def _demo(article: Path, settings: Settings, db_url: str) -> int:
    from checker.cli.common import flags_table, open_db, print_check_report
    from checker.cli.demo_web import DEMO_HOSTS, DemoWeb, LoopbackResolver
    from checker.engine import CheckRun, open_checker
    from checker.ingest import load_articles
    from store.articles import import_articles
    from store.flags import FlagFilter, count_open_by_kind, list_flags

    webapp = DemoWeb()
    await webapp.start()
    try:
        settings = demo_settings(settings, webapp.base, db_url)
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=DAYS - 1)
        resolver = LoopbackResolver(DEMO_HOSTS, webapp.port)
        with open_db(settings) as db:
            articles = load_articles(article)
            summary = await db.write(import_articles, articles, start)
            print(
                f"demo: imported {article.name}: {summary.citations_added} citations of "
                f"{summary.sources_added} sources (database {db.describe()})"
            )
            async with open_checker(settings, resolver=resolver, worker="demo") as checker:
                for day in range(DAYS):
                    webapp.day = day
                    now = start + timedelta(days=day)
                    run = CheckRun(db, settings, checker, clock=functools.partial(_at, now))
                    report = (await run.run_once(due_only=False)).as_dict()
                    report["open_flags"] = await db.read(count_open_by_kind)
                    print(f"\n== day {day} ({now:%Y-%m-%d}) ==")
                    print_check_report(report)
            rows = await db.read(lambda s: list_flags(s, FlagFilter()))
        print("\nopen flags:")
        print(flags_table(rows))
        print(
            "\nexplore: citecheck --db " + db_url + " flags --json   "
            "(or `citecheck --db " + db_url + " serve` for the dashboard)"
        )
    finally:
        await webapp.stop()
    return 0
