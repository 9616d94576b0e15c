"""`citecheck alerts ...`: see deliveries and failures, send a test, send what is due."""

from __future__ import annotations

import argparse
from typing import Any

from checker.cli.common import UserError, print_json, run_async, table
from checker.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser("alerts", help="webhook alerts: deliveries, failures, tests")
    alerts = p.add_subparsers(dest="alerts_command", metavar="<alerts command>", required=True)

    ls = alerts.add_parser("list", help="destinations and recent messages, failures first")
    ls.add_argument(
        "--status",
        choices=("pending", "failing", "sent", "failed"),
        help="only messages in this state (failing: pending after a failed attempt)",
    )
    ls.add_argument("--destination", metavar="NAME", help="only this destination")
    ls.add_argument("--limit", type=int, default=50, help="messages shown (default 50)")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=cmd_list)

    test = alerts.add_parser("test", help="send a sample alert to a destination now")
    test.add_argument("destination", metavar="DESTINATION", help="destination name")
    test.add_argument("--json", action="store_true", help="print the result as JSON")
    test.set_defaults(handler=cmd_test)

    send = alerts.add_parser("send", help="send the alerts that are due once, then exit")
    send.add_argument("--json", action="store_true", help="print the report as JSON")
    send.set_defaults(handler=cmd_send)

    helps = {
        "enable": "resume a destination (after a 410 Gone, or a pause)",
        "disable": "stop alerts to a destination (nothing new is queued for it)",
    }
    for name, enabled in (("enable", True), ("disable", False)):
        q = alerts.add_parser(name, help=helps[name])
        q.add_argument("destination", metavar="DESTINATION", help="destination name")
        q.set_defaults(handler=cmd_enable, enabled=enabled)


def _dispatcher(db: Any, settings: Settings) -> Any:
    from checker.alerts.dispatcher import AlertDispatcher

    return AlertDispatcher(db, settings)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import open_db
    from store.alerts import list_destinations, list_messages

    with open_db(settings, existing=True) as db:
        run_async(_dispatcher(db, settings).sync())
        dests = db.run(list_destinations)
        msgs = db.run(
            lambda s: list_messages(
                s, status=args.status, destination=args.destination, limit=args.limit
            )
        )
    if args.json:
        print_json({"destinations": dests, "messages": msgs})
        return 0
    print(destinations_table(dests))
    print()
    print(messages_table(msgs))
    return 0


def destinations_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no destinations (add [[destinations]] to the config file)"
    body = [
        [
            r["name"],
            r["format"],
            r["mode"],
            "yes" if r["enabled"] else f"no: {r['disabled_reason']}",
            str(r["sent_messages"]),
            str(r["waiting_events"] + r["pending_messages"]),
            str(r["failing_messages"]),
            str(r["failed_messages"]),
            r["last_error"] or "",
        ]
        for r in rows
    ]
    headers = [
        "destination",
        "format",
        "mode",
        "enabled",
        "sent",
        "waiting",
        "failing",
        "failed",
        "last error",
    ]
    return table(body, headers, [16, 6, 9, 24, 6, 7, 7, 6, 40])


def messages_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no messages"
    body = [
        [
            str(r["id"]),
            r["destination"],
            r["webhook_id"],
            f"{r['kind']} ({r['events']})",
            r["status"],
            str(r["attempts"]),
            (r["next_attempt_at"] or r["sent_at"] or "")[:16],
            r["last_error"] or "",
        ]
        for r in rows
    ]
    headers = [
        "id",
        "destination",
        "webhook-id",
        "kind",
        "status",
        "tries",
        "next/sent",
        "last error",
    ]
    return table(body, headers, [6, 16, 36, 11, 8, 5, 16, 40])


def cmd_test(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import open_db

    async def go(db: Any) -> Any:
        async with _dispatcher(db, settings) as dispatcher:
            try:
                return await dispatcher.send_test(args.destination)
            except LookupError:
                raise UserError(f"no destination named {args.destination!r}") from None

    with open_db(settings, existing=True) as db:
        result = run_async(go(db))
    outcome = {
        "destination": args.destination,
        "ok": result.ok,
        "status": result.status,
        "error": result.error,
    }
    if args.json:
        print_json(outcome)
    elif result.ok:
        print(f"sent a test alert to {args.destination}: HTTP {result.status}")
    else:
        print(f"test alert to {args.destination} failed: {result.error}")
    return 0 if result.ok else 1


def cmd_send(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import open_db

    async def go(db: Any) -> dict[str, Any]:
        async with _dispatcher(db, settings) as dispatcher:
            report = await dispatcher.run_once()
        result: dict[str, Any] = report.as_dict()
        return result

    with open_db(settings, existing=True) as db:
        report = run_async(go(db))
    if args.json:
        print_json(report)
        return 0
    print(
        f"alerts: {report['events']} new event(s), {report['messages']} message(s) composed, "
        f"{report['sent']} sent, {report['retrying']} to retry, {report['given_up']} given up, "
        f"{report['suppressed']} not sent (muted, acknowledged, flapped or never alerted)"
    )
    for name in report["disabled"]:
        print(f"  destination {name} answered 410 Gone and was disabled")
    return 0


def cmd_enable(args: argparse.Namespace, settings: Settings) -> int:
    from checker.alerts.dispatcher import utcnow
    from checker.cli.common import open_db
    from store.alerts import set_destination_enabled

    with open_db(settings, existing=True) as db:
        run_async(_dispatcher(db, settings).sync())
        found = db.run(
            lambda s: set_destination_enabled(s, args.destination, args.enabled, now=utcnow())
        )
    if not found:
        raise UserError(f"no destination named {args.destination!r}")
    print(f"destination {args.destination} {'enabled' if args.enabled else 'disabled'}")
    return 0
