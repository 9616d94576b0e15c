"""Dashboard pages for flags: the queue, one flag, and the editor's actions on it."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from checker.web.actions import ACTIONS, FLAG_KINDS, ActionRequest, parse_id, perform, queue_filter
from checker.web.auth import require
from checker.web.keys import CLOCK, COUNTS, DB, SETTINGS
from checker.web.render import render
from store import dashboard, dashboard_detail
from store.dashboard import SEVERITIES, QueryError
from store.editing import EditError

FILTER_KEYS = ("status", "kind", "severity", "article", "source", "domain", "since", "until", "q")
DONE = {
    "acknowledge": "Acknowledged.",
    "resolve": "Resolved.",
    "mute": "Muted.",
    "unmute": "Unmuted.",
    "false_alarm": "Marked as a false alarm: the same condition will not flag again.",
    "recheck": "Recheck requested: a worker will check the source shortly.",
    "replace": "Source replaced: the new source is the citation's baseline now.",
}


async def queue(request: web.Request) -> web.StreamResponse:
    db = request.app[DB]
    filters = {k: request.query.get(k, "") for k in FILTER_KEYS}
    try:
        flt, cursor = queue_filter(request.query)
        page = await db.read(
            lambda s: dashboard.flag_queue(
                s, flt, after=cursor, limit=request.app[SETTINGS].web.page_size
            )
        )
        error = None
    except QueryError as exc:
        page, error = dashboard.QueuePage([], None), str(exc)
    counts = await request.app[COUNTS].get()
    not_confirmed = await request.app[COUNTS].not_confirmed()
    kept = {k: v for k, v in filters.items() if v}
    next_url = f"/?{urlencode(kept | {'cursor': page.next_cursor})}" if page.next_cursor else None
    return render(
        request,
        "queue.html",
        status=400 if error else 200,
        page=page,
        error=error,
        filters=filters,
        counts=counts,
        not_confirmed=not_confirmed,
        kinds=FLAG_KINDS,
        severities=SEVERITIES,
        statuses=dashboard.QUEUE_STATUSES,
        next_url=next_url,
        first_url=f"/?{urlencode(kept)}" if request.query.get("cursor") else None,
    )


def _flag_id(request: web.Request) -> int:
    found = parse_id(request.match_info["flag_id"])
    if found is None:
        raise web.HTTPNotFound(text="no such flag")
    return found


async def flag_page(request: web.Request) -> web.StreamResponse:
    return await _show_flag(request, _flag_id(request))


async def _show_flag(
    request: web.Request, flag_id: int, *, error: str | None = None, status: int = 200
) -> web.StreamResponse:
    detail = await request.app[DB].read(dashboard_detail.flag_detail, flag_id)
    if detail is None:
        return render(request, "error.html", status=404, message=f"There is no flag {flag_id}.")
    done = DONE.get(request.query.get("done", ""))
    return render(request, "flag.html", status=status, d=detail, error=error, done=done)


async def flag_action(request: web.Request) -> web.StreamResponse:
    principal = require(request, "editor")
    flag_id = _flag_id(request)
    form = await request.post()
    action = str(form.get("action", ""))
    try:
        days_text = str(form.get("mute_days", "")).strip()
        req = ActionRequest(
            action=action,
            note=str(form.get("note", "")).strip()[:2000] or None,
            mute_days=float(days_text) if days_text else None,
            url=str(form.get("url", "")).strip() or None,
            use_archive=form.get("use_archive") == "1",
        )
        await perform(request.app[DB], flag_id, req, actor=principal.name, now=request.app[CLOCK]())
    except ValueError as exc:  # EditError, or mute days that are not a number
        message = str(exc) if isinstance(exc, EditError) else "mute days must be a number"
        return await _show_flag(request, flag_id, error=message, status=409)
    assert action in ACTIONS
    request.app[COUNTS].invalidate()
    raise web.HTTPSeeOther(f"/flags/{flag_id}?done={action}")
