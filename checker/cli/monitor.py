"""`citecheck worker` and `citecheck serve`: the long-running commands.

`worker` checks sources as they fall due until SIGTERM / SIGINT (exit 0 after draining);
`worker --once` checks what is due and exits; `worker --check` is a health probe for
process supervisors (exit 0 when a worker on this host has beaten recently).
`serve` runs the dashboard / API, /healthz, /metrics and [monitor] workers worker loops
in one event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from checker.settings import Settings

if TYPE_CHECKING:
    from checker.alerts.dispatcher import AlertDispatcher

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("worker", help="check sources continuously as they fall due")
    p.add_argument("--once", action="store_true", help="burst mode: check what is due, then exit")
    p.add_argument(
        "--check",
        action="store_true",
        help="health probe: exit 0 if a worker on this host has beaten within [monitor] lease_s",
    )
    p.add_argument(
        "--concurrency",
        type=_positive_int,
        default=0,
        metavar="N",
        help="checks in flight at most (default: [fetch] concurrency)",
    )
    p.add_argument(
        "--listen",
        type=_host_port,
        metavar="HOST:PORT",
        help="also serve /healthz and /metrics on this address (for Prometheus)",
    )
    p.set_defaults(handler=cmd_worker)

    p = sub.add_parser("serve", help="run the dashboard, API and workers in one process")
    p.add_argument("--host", help="address to listen on (default: [web] host, 127.0.0.1)")
    p.add_argument(
        "--port", type=_positive_int, help="port to listen on (default: [web] port, 8080)"
    )
    p.set_defaults(handler=cmd_serve)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (e.g. 0.0.0.0:9100), got {text!r}")
    return host, int(port)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    if args.check:
        return check_health(settings)
    from checker.cli.common import print_check_report, run_async

    mode = "once" if args.once else "worker"
    report = run_async(
        _run_monitor(settings, mode=mode, concurrency=args.concurrency, listen=args.listen)
    )
    if args.once:
        print_check_report(report)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import run_async

    listen = (args.host or settings.web.host, args.port or settings.web.port)
    run_async(_run_monitor(settings, mode="serve", concurrency=0, listen=listen))
    return 0


async def _run_monitor(
    settings: Settings, *, mode: str, concurrency: int, listen: tuple[str, int] | None
) -> dict[str, Any]:
    from checker.alerts.dispatcher import AlertDispatcher
    from checker.cli.common import open_db
    from checker.engine import CheckRun, open_checker
    from checker.engine.metrics import Metrics
    from checker.engine.worker import MonitorScheduler, Worker, run_workers, stop_on_signals
    from store.usage import StoreLedger

    stop = asyncio.Event()
    metrics = Metrics()
    with open_db(settings) as db, stop_on_signals(stop):
        ledger = StoreLedger(db)
        async with open_checker(settings, warm=mode != "once", ledger=ledger) as pipeline:
            count = settings.monitor.workers if mode == "serve" else 1
            workers = [
                Worker(
                    CheckRun(
                        db,
                        settings,
                        pipeline,
                        concurrency=concurrency,
                        metrics=metrics,
                        name=f"{pipeline.worker}:{i}" if count > 1 else "",
                    ),
                    mode=mode,
                )
                for i in range(count)
            ]
            scheduler = MonitorScheduler(workers, db=db, settings=settings, metrics=metrics)
            discovery = _discovery(settings, db, scheduler) if mode != "once" else None
            alerts = AlertDispatcher(db, settings)  # a bad [[destinations]] fails here
            stop_http: Callable[[], Awaitable[None]] | None = None
            if listen is not None:
                stop_http = await _start_http(
                    settings, db, scheduler, listen, dashboard=mode == "serve"
                )
            # Burst mode sends what its checks raised once, at the end; the others keep
            # delivering alerts alongside the checks.
            delivery = None if mode == "once" else asyncio.create_task(_deliver(alerts, stop))
            try:
                reports = await run_workers(scheduler, stop, once=mode == "once")
                if delivery is None:
                    await _deliver_once(alerts)
            finally:
                stop.set()
                if delivery is not None:
                    await delivery
                if stop_http is not None:
                    await stop_http()
                if discovery is not None:
                    await discovery.close()
    merged: dict[str, Any] = {"checked": 0, "states": {}, "suspects": [], "errors": []}
    for report in reports:
        merged["checked"] += report.checked
        merged["suspects"] += report.suspects
        merged["errors"] += report.errors
        for state, n in report.states.items():
            merged["states"][state] = merged["states"].get(state, 0) + n
    if mode == "once":  # the same summary as `check`: what is open now
        from store.flags import count_open_by_kind

        with open_db(settings) as db:
            merged["open_flags"] = db.run(count_open_by_kind)
    return merged


def _discovery(settings: Settings, db: Any, scheduler: Any) -> Any:
    """[[publications]] are polled by the scheduler as they fall due, with a fetcher of
    their own; returns that fetcher (to close), or None without publications."""
    if not settings.publications:
        return None
    from checker.discover.runner import TICK_S, DiscoveryPoller
    from checker.fetch import Fetcher

    fetcher = Fetcher(settings.fetch)

    def report(poll: Any, took: float) -> None:
        level = logging.WARNING if poll.problems or poll.failing else logging.INFO
        log.log(level, "discovery: %s", poll.describe(took, 5))

    poller = DiscoveryPoller(db, settings, fetcher, on_report=report)
    scheduler.add_periodic(poller.poll_due_logged, TICK_S, "discover")
    return fetcher


async def _start_http(
    settings: Settings,
    db: Any,
    scheduler: Any,
    listen: tuple[str, int],
    *,
    dashboard: bool,
) -> Callable[[], Awaitable[None]]:
    """/healthz and /metrics, plus the dashboard (when checker.web is installed)."""
    from aiohttp import web

    from checker.cli.common import UserError
    from checker.web.monitor import MonitorState, add_monitor_routes

    app = web.Application()
    token = None  # a listen address of its own: private, /metrics for the scraper
    if dashboard:
        try:
            from checker.web.app import create_app
        except ImportError:
            log.warning("checker.web is not available: serving /healthz and /metrics only")
        else:
            app = create_app(settings, db)
            token = settings.web.metrics_token  # the public port: behind a token, or off
    state = MonitorState(db, scheduler.metrics, scheduler.workers, scheduler)
    add_monitor_routes(app, state, metrics_token=token)
    runner = web.AppRunner(app)
    await runner.setup()
    host, port = listen
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    print(f"citecheck: serving on http://{host}:{port}", flush=True)
    return runner.cleanup


async def _deliver_once(dispatcher: AlertDispatcher) -> None:
    async with dispatcher:
        try:
            await dispatcher.run_once()
        except Exception:  # the checks are written; alerts stay in the outbox for next time
            log.exception("alert delivery failed; the alerts stay queued")


async def _deliver(dispatcher: AlertDispatcher, stop: asyncio.Event) -> None:
    """The alert outbox delivery loop, next to the workers (it never raises)."""
    async with dispatcher:
        await dispatcher.run_forever(stop)


def check_health(settings: Settings) -> int:
    """`worker --check`: exit 0 if a worker on this host beat within [monitor] lease_s."""
    from checker.cli.common import UserError
    from checker.engine import utcnow
    from store.db import Database, StoreError
    from store.worker_tables import list_workers

    db = Database(settings.database.url, pool_size=1, readers=1)
    try:
        db.ping()
        host = socket.gethostname()
        try:
            workers = db.run(lambda s: list_workers(s, host=host))
        except Exception as exc:  # no schema yet, most likely
            raise StoreError(f"cannot read worker status: {str(exc).splitlines()[0]}") from None
    finally:
        db.close()
    now = utcnow()
    alive = [w for w in workers if w.alive(now, settings.monitor.lease_s)]
    if not alive:
        raise UserError(f"unhealthy: no worker on {host} has beaten in {settings.monitor.lease_s}s")
    for w in alive:
        age = (now - w.beat_at).total_seconds()
        print(f"ok: {w.name} beat {age:.1f}s ago, {w.in_flight} in flight, {w.checked} checked")
    return 0
