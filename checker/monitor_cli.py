"""`citecheck worker` and `citecheck serve`: the long-running commands."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from checker.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser("worker", help="check sources continuously as they fall due")
    p.add_argument("--once", action="store_true", help="burst mode: check what is due, then exit")
    p.set_defaults(handler=cmd_worker)

    p = sub.add_parser("serve", help="run the scheduler, workers and dashboard in one process")
    p.set_defaults(handler=cmd_serve)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from checker.commands import open_db, print_check_report
    from checker.engine import CheckRun, open_checker

    async def go() -> None:
        with open_db(settings) as db:
            async with open_checker(settings) as checker:
                run = CheckRun(db, settings, checker)
                while True:
                    report = await run.run_once()
                    if args.once:
                        print_check_report(report.as_dict() | {"open_flags": {}})
                        return
                    await asyncio.sleep(settings.monitor.tick_s)

    asyncio.run(go())
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    return cmd_worker(argparse.Namespace(once=False), settings)
