"""Who is asking: session cookies for the dashboard, bearer tokens for the API, and the
login / logout pages (rate-limited).

The cookie holds a random session id and its HMAC; the server keeps only the id's
digest, the user and the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from aiohttp import web

from checker.web import accounts
from checker.web.keys import CLOCK, DB, PRINCIPAL, SECRET, SETTINGS, Principal
from checker.web.render import render

log = logging.getLogger(__name__)

SESSION_COOKIE = "citecheck_session"
LOGIN_CSRF_COOKIE = "citecheck_login"
PUBLIC = frozenset(
    {"/login", "/healthz", "/metrics", "/favicon.ico", "/robots.txt", "/api/v1/openapi.json"}
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def sign(secret: bytes, sid: str) -> str:
    mac = hmac.new(secret, sid.encode(), hashlib.sha256).hexdigest()
    return f"{sid}.{mac}"


def unsign(secret: bytes, value: str) -> str | None:
    sid, _, mac = value.rpartition(".")
    expected = hmac.new(secret, sid.encode(), hashlib.sha256).hexdigest()
    return sid if sid and hmac.compare_digest(mac, expected) else None


def came_over_https(request: web.Request) -> bool:
    """Secure cookies: configured, https, or https as a trusted proxy reports it."""
    settings = request.app[SETTINGS].web
    if settings.secure_cookies or request.secure:
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return forwarded == "https" and request.remote in settings.trusted_proxies


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in PUBLIC or request.path.startswith("/static/"):
        return await handler(request)
    db, now = request.app[DB], request.app[CLOCK]()
    if is_api(request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        principal = None
        if scheme.lower() == "bearer" and token.strip():
            principal = await db.read(accounts.token_principal, token.strip(), now)
            if principal is not None and principal.token_id is not None:
                await db.write(accounts.touch_token, principal.token_id, now)
        if principal is None:
            return api_error(
                401,
                "a valid API token is required (Authorization: Bearer <token>)",
                **{"WWW-Authenticate": 'Bearer realm="citecheck"'},
            )
        request[PRINCIPAL] = principal
        return await handler(request)
    sid = unsign(request.app[SECRET], request.cookies.get(SESSION_COOKIE, ""))
    principal = await db.read(accounts.session_principal, sid, now) if sid else None
    if principal is None:
        if request.method in ("GET", "HEAD"):
            raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='')}")
        raise web.HTTPUnauthorized(text="sign in first")
    request[PRINCIPAL] = principal
    return await handler(request)


def require(request: web.Request, role: str) -> Principal:
    principal: Principal = request[PRINCIPAL]
    if not principal.may(role):
        if is_api(request):
            raise web.HTTPForbidden(
                text=f'{{"error": "this needs the {role} role"}}', content_type="application/json"
            )
        raise web.HTTPForbidden(text=f"this needs the {role} role")
    return principal


def _safe_next(target: str) -> str:
    """Only a same-site path: an attacker's ?next= must not bounce the user out.

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
    "/<tab>/evil.example" or "/\\evil.example" would become "//evil.example": any control
    character, space or backslash makes the whole target unsafe.
    """
    if not target.startswith("/") or target.startswith("//"):
        return "/"
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return "/"
    return target


async def login_page(request: web.Request) -> web.StreamResponse:
    # Reuse the token a previous login page set: a second tab (or the browser's favicon
    # request bounced here) must not invalidate the form already on screen.
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if len(token) < 24:
        token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        login_csrf=token,
        error=None,
        next=_safe_next(request.query.get("next", "/")),
        name="",
    )
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/")))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, str(form.get("login_csrf", ""))):
        raise web.HTTPForbidden(text="the login form expired: reload the page and try again")
    db, now = request.app[DB], request.app[CLOCK]()
    address = request.remote or "unknown"
    wait = await db.read(accounts.login_wait, name, address, now)
    if wait > 0:
        seconds = math.ceil(wait)
        log.warning("login for %r from %s throttled: %d s to wait", name[:60], address, seconds)
        response = render(
            request,
            "login.html",
            status=429,
            login_csrf=expected,
            next=target,
            name=name,
            error=f"Too many failed attempts: try again in {seconds} s.",
        )
        response.headers["Retry-After"] = str(seconds)
        return response
    user = await db.write(accounts.check_password, name, password, address, now)
    if user is None or user.id is None:
        return render(
            request,
            "login.html",
            status=401,
            login_csrf=expected,
            next=target,
            name=name,
            error="Wrong user name or password.",
        )
    sid = await db.write(accounts.start_session, user.id, now)
    response = web.HTTPSeeOther(target)
    _set_cookie(
        request,
        response,
        SESSION_COOKIE,
        sign(request.app[SECRET], sid),
        max_age=accounts.SESSION_DAYS * 86_400,
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    sid = unsign(request.app[SECRET], request.cookies.get(SESSION_COOKIE, ""))
    if sid:
        await request.app[DB].write(accounts.end_session, sid)
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


def _set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str, *, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=came_over_https(request),
    )
