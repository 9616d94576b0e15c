"""Webhook destinations: everyone sees their delivery health; admins add, pause,
re-enable and delete them. Validation is the config file's (parse_destination), so a
destination added here obeys the same rules as one in citecheck.toml.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from checker.alerts.destinations import DestinationError, parse_destination
from checker.web.auth import require
from checker.web.keys import CLOCK, DB
from checker.web.render import render
from store import alerts

FORMATS = ("json", "slack", "teams")
MODES = ("immediate", "hourly", "daily")


async def alerts_page(request: web.Request) -> web.StreamResponse:
    return await _show(request)


async def _show(
    request: web.Request, *, error: str | None = None, done: str | None = None, status: int = 200
) -> web.StreamResponse:
    require(request, "viewer")
    db = request.app[DB]
    destinations = await db.read(alerts.list_destinations)
    messages = await db.read(lambda s: alerts.list_messages(s, limit=50))
    return render(
        request,
        "alerts.html",
        status=status,
        destinations=destinations,
        messages=messages,
        error=error,
        done=done,
        formats=FORMATS,
        modes=MODES,
    )


def destination_table(form: MultiDictProxy[Any] | dict[str, Any]) -> dict[str, Any]:
    """A form's fields as a [[destinations]] table (lists are comma-separated)."""

    def items(key: str) -> list[str]:
        return [p.strip() for p in str(form.get(key, "")).split(",") if p.strip()]

    table: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "url": str(form.get("url", "")).strip(),
        "format": str(form.get("format", "json")),
        "mode": str(form.get("mode", "immediate")),
        "min_severity": str(form.get("min_severity", "low")),
        "kinds": items("kinds"),
        "url_prefixes": items("url_prefixes"),
        "tags": items("tags"),
    }
    if str(form.get("secret", "")).strip():
        table["secret"] = str(form["secret"]).strip()
    return table


async def alerts_submit(request: web.Request) -> web.StreamResponse:
    require(request, "admin")
    form = await request.post()
    op, name = str(form.get("op", "")), str(form.get("name", "")).strip()
    db, now = request.app[DB], request.app[CLOCK]()
    if op == "save":
        try:
            dest = parse_destination(destination_table(form), where="the form")
        except DestinationError as exc:
            return await _show(request, error=str(exc), status=400)
        await db.write(lambda s: alerts.save_destination(s, dest, origin="dashboard", now=now))
        return await _show(request, done=f"Destination {name} saved.")
    if op in ("enable", "disable"):
        found = await db.write(
            lambda s: alerts.set_destination_enabled(s, name, op == "enable", now=now)
        )
    elif op == "delete":
        found = await db.write(lambda s: alerts.delete_destination(s, name))
    else:
        return await _show(request, error=f"unknown operation {op[:40]!r}", status=400)
    if not found:
        return await _show(
            request, error=f"there is no destination named {name[:64]!r}", status=404
        )
    return await _show(request, done=f"Destination {name} {op}d.")
