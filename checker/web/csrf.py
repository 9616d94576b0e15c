"""CSRF protection: every state-changing dashboard request carries the session's token.

Forms send it as the `csrf_token` field, scripts as the X-CSRF-Token header. The API is
exempt: it authenticates with a bearer token, which a browser never sends on its own.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from checker.web.auth import Handler, is_api
from checker.web.keys import PRINCIPAL

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@web.middleware
async def csrf_protect(request: web.Request, handler: Handler) -> web.StreamResponse:
    principal = request.get(PRINCIPAL)
    if request.method in SAFE_METHODS or is_api(request) or principal is None:
        return await handler(request)
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent:
        form = await request.post()
        sent = str(form.get("csrf_token", ""))
    if not sent or not hmac.compare_digest(sent, principal.csrf_token):
        raise web.HTTPForbidden(text="invalid or missing CSRF token: reload the page and retry")
    return await handler(request)
