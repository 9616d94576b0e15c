"""`citecheck discover [NAME ...] [--once]`: keep the configured publications' articles
imported, from their feeds and sitemaps.

`--once` polls now and exits (status 0 even when some pages failed: they are reported
and retried next time); without it, each publication is polled whenever its
`poll_interval_s` has passed, until SIGTERM / SIGINT. Each poll prints one line of
counts, then one line per problem and per article page that could not be read.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from checker.cli.common import UserError, open_db, print_json, run_async, table
from checker.settings import Settings

if TYPE_CHECKING:
    from checker.discover.poll import PollReport

SHOWN_FAILURES = 20  # per poll; the rest are counted (and listed by --json)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "discover", help="import the articles of [[publications]] from their feeds and sitemaps"
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="only these publications")
    p.add_argument("--once", action="store_true", help="poll now, then exit")
    p.add_argument("--json", action="store_true", help="print each poll's report as JSON")
    p.add_argument(
        "--status",
        action="store_true",
        help="print each publication's health (articles found, new today, failing, last poll)",
    )
    p.set_defaults(handler=cmd_discover)


def cmd_discover(args: argparse.Namespace, settings: Settings) -> int:
    if args.status:
        return _status(settings, as_json=args.json)
    publications = list(settings.publications)
    if not publications:
        raise UserError(
            "no publications to discover: add a [[publications]] table with its feeds or "
            "sitemaps to the config (see config/citecheck.toml)"
        )
    if args.names:
        known = {p.name for p in publications}
        unknown = [n for n in args.names if n not in known]
        if unknown:
            raise UserError(
                f"no publication named {unknown[0]!r} in the config; "
                f"configured: {', '.join(sorted(known))}"
            )
        publications = [p for p in publications if p.name in args.names]
    with open_db(settings) as db:
        run_async(_discover(db, settings, publications, once=args.once, as_json=args.json))
    return 0


def _status(settings: Settings, *, as_json: bool) -> int:
    from datetime import UTC, datetime

    from store.discovery import publication_health

    with open_db(settings, existing=True) as db:
        rows = db.run(lambda s: publication_health(s, datetime.now(UTC)))
    if as_json:
        print_json(rows)
        return 0
    if not rows:
        print("no publication polled yet: run `citecheck discover --once`")
        return 0
    body = [
        [
            r["name"],
            str(r["found"]),
            str(r["imported"]),
            str(r["new_today"]),
            str(r["failing"]),
            (r["last_poll_at"] or "never")[:16].replace("T", " "),
            str(r["problems"]),
        ]
        for r in rows
    ]
    headers = ["publication", "found", "imported", "new today", "failing", "last poll", "problems"]
    print(table(body, headers, [16, 7, 8, 9, 7, 16, 8]))
    return 0


async def _discover(
    db: Any, settings: Settings, publications: list[Any], *, once: bool, as_json: bool
) -> None:
    from checker.discover.runner import DiscoveryPoller
    from checker.engine.worker import stop_on_signals
    from checker.fetch import Fetcher

    progress = _Progress() if sys.stderr.isatty() and not as_json else None

    def report(poll: PollReport, took: float) -> None:
        if progress is not None:
            progress.clear()
        if as_json:
            print_json(poll.as_dict() | {"seconds": round(took, 2)})
        else:
            print(poll.describe(took, SHOWN_FAILURES), flush=True)

    async with Fetcher(settings.fetch) as fetcher:
        poller = DiscoveryPoller(
            db,
            settings,
            fetcher,
            publications=publications,
            on_report=report,
            on_progress=progress,
        )
        if once:
            await poller.poll(due_only=False)
            return
        stop = asyncio.Event()
        names = ", ".join(p.name for p in publications)
        print(f"citecheck: watching {names}; stop with Ctrl-C", file=sys.stderr, flush=True)
        with stop_on_signals(stop):
            await poller.run(stop)


class _Progress:
    """One line on a terminal's stderr while a poll reads its article pages."""

    def __call__(self, poll: PollReport, left: int) -> None:
        sys.stderr.write(f"\r{poll.publication}: {poll.read} read, {left} to go   ")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()
