"""The JSON API under /api/v1: the dashboard's data and actions for scripts and tools.

Authentication is a bearer token (`citecheck users token NAME`); the role of the
token's user decides what it may do. Every route is described in openapi.py, whose
schemas are generated from the pydantic models every request and response body passes
through here (api_bodies.py, api_models.py, api_ops_models.py).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from checker.alerts.destinations import DestinationError, parse_destination
from checker.web.actions import MAX_ID, ActionRequest, parse_id, perform, queue_filter
from checker.web.api_archive_models import CitationArchive
from checker.web.api_bodies import ActionBody, BodyError, DestinationBody, ImportBody, read_body
from checker.web.api_models import (
    ArticlePage,
    ArticleView,
    Counts,
    FlagDetail,
    FlagPage,
    SourceView,
)
from checker.web.api_ops_models import (
    ActionResult,
    DestinationDeleted,
    DestinationList,
    DestinationSaved,
    Error,
    ImportSummary,
    Me,
    MessageList,
    Overview,
)
from checker.web.auth import require
from checker.web.keys import CLOCK, COUNTS, DB, PRINCIPAL, SETTINGS
from checker.web.openapi import document
from checker.web.views_archive import warc_download
from checker.web.views_import import ImportProblem, run_import
from store import alerts, capture_views, dashboard, dashboard_detail
from store import overview as stats
from store.dashboard import QueryError
from store.editing import EditError, EditInputError

PREFIX = "/api/v1"
MAX_LIMIT = 500


def _send(data: Any, status: int = 200) -> web.Response:
    body = json.dumps(data, ensure_ascii=False)
    return web.Response(text=body, status=status, content_type="application/json")


def reply(body: BaseModel, status: int = 200) -> web.Response:
    return _send(body.model_dump(mode="json"), status)


def answer(model: type[BaseModel], data: Any) -> web.Response:
    """Send what a store query returned, checked against the model the document shows."""
    return reply(model.model_validate(data))


def fail(status: int, message: str) -> web.Response:
    return reply(Error(error=message), status)


def _path_id(request: web.Request, name: str) -> int:
    found = parse_id(request.match_info[name])
    if found is None:
        raise web.HTTPNotFound(text=f"{name} must be an id from 1 to {MAX_ID}")
    return found


def _limit(request: web.Request) -> int:
    text = request.query.get("limit", "").strip()
    if not text:
        return request.app[SETTINGS].web.page_size
    if (
        not (text.isascii() and text.isdigit() and len(text) <= 6)
        or not 1 <= int(text) <= MAX_LIMIT
    ):
        raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


async def list_flags(request: web.Request) -> web.Response:
    try:
        flt, cursor = queue_filter(request.query)
        limit = _limit(request)
        page = await request.app[DB].read(
            lambda s: dashboard.flag_queue(s, flt, after=cursor, limit=limit)
        )
    except QueryError as exc:
        return fail(400, str(exc))
    return answer(FlagPage, {"items": page.items, "next_cursor": page.next_cursor})


async def flag_counts(request: web.Request) -> web.Response:
    return answer(Counts, await request.app[COUNTS].get())


async def get_flag(request: web.Request) -> web.Response:
    detail = await request.app[DB].read(dashboard_detail.flag_detail, _path_id(request, "flag_id"))
    return answer(FlagDetail, detail) if detail is not None else fail(404, "no such flag")


async def flag_action(request: web.Request) -> web.Response:
    principal = require(request, "editor")
    flag_id = _path_id(request, "flag_id")
    try:
        body = await read_body(request, ActionBody)
    except BodyError as exc:
        return fail(400, str(exc))
    req = ActionRequest(
        action=body.action,
        note=body.note,
        mute_days=body.mute_days,
        url=body.url,
        use_archive=bool(body.use_archive),
    )
    exists = await request.app[DB].read(partial(dashboard_detail.flag_detail, checks=0), flag_id)
    if exists is None:
        return fail(404, "no such flag")
    try:
        message = await perform(
            request.app[DB], flag_id, req, actor=principal.name, now=request.app[CLOCK]()
        )
    except EditInputError as exc:  # the request is wrong: 422, not a conflict
        return fail(422, str(exc))
    except EditError as exc:  # the flag's state does not allow it now
        return fail(409, str(exc))
    request.app[COUNTS].invalidate()
    detail = await request.app[DB].read(partial(dashboard_detail.flag_detail, checks=0), flag_id)
    if detail is None:  # flags are never deleted; kept for the type checker
        return fail(404, "no such flag")
    return answer(ActionResult, {"message": message, "flag": detail["flag"]})


async def list_articles(request: web.Request) -> web.Response:
    after_text = request.query.get("after", "").strip()
    after = parse_id(after_text) if after_text else None
    if after_text and after is None:
        return fail(400, f"after must be an id from 1 to {MAX_ID}")
    support = request.query.get("support", "").strip()
    if support and support not in stats.SUPPORT_STATES:
        return fail(400, f"support must be one of {', '.join(stats.SUPPORT_STATES)}")
    try:
        limit = _limit(request)
    except QueryError as exc:
        return fail(400, str(exc))
    rows, next_after = await request.app[DB].read(
        lambda s: stats.article_page(s, after_id=after, limit=limit, support=support)
    )
    return answer(ArticlePage, {"items": rows, "next_after": next_after})


async def get_article(request: web.Request) -> web.Response:
    data = await request.app[DB].read(stats.article_view, _path_id(request, "article_id"))
    return answer(ArticleView, data) if data is not None else fail(404, "no such article")


async def get_source(request: web.Request) -> web.Response:
    data = await request.app[DB].read(stats.source_view, _path_id(request, "source_id"))
    return answer(SourceView, data) if data is not None else fail(404, "no such source")


async def get_citation_archive(request: web.Request) -> web.Response:
    citation_id = _path_id(request, "citation_id")
    data = await request.app[DB].read(capture_views.citation_archive, citation_id)
    return answer(CitationArchive, data) if data is not None else fail(404, "no such citation")


async def get_overview(request: web.Request) -> web.Response:
    data = await request.app[DB].read(stats.overview, request.app[CLOCK]())
    data["open_flags"] = await request.app[COUNTS].get()
    data["claims"] = await request.app[DB].read(stats.support_counts)
    return answer(Overview, data)


async def post_import(request: web.Request) -> web.Response:
    require(request, "editor")
    try:
        body = await read_body(request, ImportBody)
        count, summary = await run_import(
            request,
            body.text.encode(),
            body.format or "auto",
            name="request body",
            refs=body.refs,
            article_url=body.article_url,
        )
    except (BodyError, ImportProblem) as exc:
        return fail(400, str(exc))
    return answer(ImportSummary, summary.as_dict() | {"articles": count})


async def me(request: web.Request) -> web.Response:
    principal = request[PRINCIPAL]
    return answer(Me, {"name": principal.name, "role": principal.role})


async def openapi(request: web.Request) -> web.Response:
    return _send(document())


async def alert_destinations(request: web.Request) -> web.Response:
    return answer(DestinationList, await request.app[DB].read(alerts.list_destinations))


async def save_destination(request: web.Request) -> web.Response:
    require(request, "admin")
    try:
        body = await read_body(request, DestinationBody)
        # The model checks types and choices; parse_destination, shared with the config
        # file, checks the rest (URL scheme, secret encoding) and builds the value.
        sent = body.model_dump(mode="json", exclude_unset=True)
        dest = parse_destination(sent, where="the request body")
    except (BodyError, DestinationError) as exc:
        return fail(400, str(exc))
    now = request.app[CLOCK]()
    await request.app[DB].write(
        lambda s: alerts.save_destination(s, dest, origin="dashboard", now=now)
    )
    return reply(DestinationSaved(name=dest.name, saved=True))


async def delete_destination(request: web.Request) -> web.Response:
    require(request, "admin")
    name = request.match_info["name"]
    found = await request.app[DB].write(lambda s: alerts.delete_destination(s, name))
    return (
        reply(DestinationDeleted(name=name, deleted=True))
        if found
        else fail(404, "no such destination")
    )


async def alert_messages(request: web.Request) -> web.Response:
    try:
        limit = _limit(request)
    except QueryError as exc:
        return fail(400, str(exc))
    return answer(
        MessageList, await request.app[DB].read(partial(alerts.list_messages, limit=limit))
    )


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(f"{PREFIX}/openapi.json", openapi)
    r.add_get(f"{PREFIX}/me", me)
    r.add_get(f"{PREFIX}/flags", list_flags)
    r.add_get(f"{PREFIX}/flags/counts", flag_counts)
    r.add_get(f"{PREFIX}/flags/{{flag_id}}", get_flag)
    r.add_post(f"{PREFIX}/flags/{{flag_id}}/actions", flag_action)
    r.add_get(f"{PREFIX}/articles", list_articles)
    r.add_get(f"{PREFIX}/articles/{{article_id}}", get_article)
    r.add_get(f"{PREFIX}/sources/{{source_id}}", get_source)
    r.add_get(f"{PREFIX}/citations/{{citation_id}}/archive", get_citation_archive)
    r.add_get(f"{PREFIX}/citations/{{citation_id}}/archive.warc.gz", warc_download)
    r.add_get(f"{PREFIX}/overview", get_overview)
    r.add_post(f"{PREFIX}/import", post_import)
    r.add_get(f"{PREFIX}/alerts/destinations", alert_destinations)
    r.add_post(f"{PREFIX}/alerts/destinations", save_destination)
    r.add_delete(f"{PREFIX}/alerts/destinations/{{name}}", delete_destination)
    r.add_get(f"{PREFIX}/alerts/messages", alert_messages)
