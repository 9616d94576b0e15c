"""The dashboard and JSON API as one aiohttp application.

`citecheck serve` calls `create_app(settings, db)` and adds /healthz and /metrics.
Every response carries strict security headers: no inline scripts (CSP), no framing,
no MIME sniffing, no referrer leaking to the cited sites an editor clicks through to.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from checker.settings import Settings
from checker.web import (
    api,
    auth,
    views_alerts,
    views_archive,
    views_flags,
    views_import,
    views_pages,
    views_users,
)
from checker.web.actions import OpenCounts
from checker.web.csrf import csrf_protect
from checker.web.keys import CLOCK, COUNTS, DB, SECRET, SETTINGS
from checker.web.render import render
from store.db import Database, StoreError

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


@web.middleware
async def security_headers(request: web.Request, handler: auth.Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:  # redirects keep travelling as exceptions
            _secure(request, exc.headers)
            raise
        response = _error_page(request, exc)
    except (SQLAlchemyError, StoreError) as exc:  # the database is down or refused
        log.error("%s %s: database error: %s", request.method, request.path, exc)
        unavailable = web.HTTPServiceUnavailable(
            text="the database is not answering; try again shortly", headers={"Retry-After": "30"}
        )
        response = _error_page(request, unavailable)
    except Exception:  # a bug: logged with its traceback, answered like any other error
        log.exception("%s %s failed", request.method, request.path)
        response = _error_page(request, web.HTTPInternalServerError(text="internal error"))
    _secure(request, response.headers)
    return response


def _secure(request: web.Request, headers: MutableMapping[str, str]) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")


def _error_page(request: web.Request, exc: web.HTTPException) -> web.StreamResponse:
    """Errors as the client expects them: JSON for the API, a page for people."""
    if auth.is_api(request):
        if exc.content_type == "application/json":
            return web.Response(text=exc.text, status=exc.status, headers=exc.headers)
        return web.json_response(
            {"error": exc.text or exc.reason},
            status=exc.status,
            headers={k: v for k, v in exc.headers.items() if k.lower() != "content-type"},
        )
    response = render(request, "error.html", status=exc.status, message=exc.text or exc.reason)
    for name in ("Retry-After", "Allow", "WWW-Authenticate"):
        if name in exc.headers:
            response.headers[name] = exc.headers[name]
    return response


def create_app(
    settings: Settings, db: Database, *, clock: Callable[[], datetime] = utcnow
) -> web.Application:
    app = web.Application(
        middlewares=[security_headers, auth.authenticate, csrf_protect],
        client_max_size=MAX_UPLOAD_BYTES,
    )
    app[SETTINGS], app[DB], app[CLOCK] = settings, db, clock
    app[COUNTS] = OpenCounts(db, clock)
    # An empty key means one random key per start: sessions end when the server restarts.
    key = settings.web.secret_key
    app[SECRET] = key.encode() if key else secrets.token_bytes(32)
    r = app.router
    r.add_get("/login", auth.login_page)
    r.add_post("/login", auth.login_submit)
    r.add_post("/logout", auth.logout)
    r.add_get("/", views_flags.queue)
    r.add_get("/flags/{flag_id}", views_flags.flag_page)
    r.add_post("/flags/{flag_id}/action", views_flags.flag_action)
    r.add_get("/overview", views_pages.overview_page)
    r.add_get("/articles", views_pages.articles_page)
    r.add_get("/articles/{article_id}", views_pages.article_page)
    r.add_get("/sources/{source_id}", views_pages.source_page)
    r.add_get("/citations/{citation_id}/archive.warc.gz", views_archive.warc_download)
    r.add_get("/articles/{article_id}/export", views_archive.article_export)
    r.add_get("/import", views_import.import_page)
    r.add_post("/import", views_import.import_submit)
    r.add_get("/users", views_users.users_page)
    r.add_post("/users", views_users.users_submit)
    r.add_get("/alerts", views_alerts.alerts_page)
    r.add_post("/alerts", views_alerts.alerts_submit)
    r.add_static("/static/", STATIC, append_version=False)
    api.add_routes(app)
    return app
