"""Users, for admins: change a role, disable or enable, revoke API tokens, set a new
password. The same account rules as `citecheck users …` (checker.web.accounts)."""

from __future__ import annotations

from aiohttp import web
from sqlmodel import Session, col, func, select

from checker.web import accounts
from checker.web.auth import require
from checker.web.keys import CLOCK, DB
from checker.web.render import render
from store.auth_tables import ROLES, ApiToken

OPS = ("set_role", "disable", "enable", "revoke_tokens", "set_password")


def _rows(session: Session) -> list[dict[str, object]]:
    active = dict(
        session.execute(
            select(col(ApiToken.user_id), func.count())
            .where(col(ApiToken.revoked_at).is_(None))
            .group_by(col(ApiToken.user_id))
        ).all()
    )
    return [
        {
            "name": u.name,
            "role": u.role,
            "disabled": u.disabled,
            "created_at": u.created_at,
            "tokens": active.get(u.id, 0),
        }
        for u in accounts.list_users(session)
    ]


async def users_page(request: web.Request) -> web.StreamResponse:
    return await _show(request)


async def _show(
    request: web.Request, *, error: str | None = None, done: str | None = None, status: int = 200
) -> web.StreamResponse:
    require(request, "admin")
    rows = await request.app[DB].read(_rows)
    return render(
        request,
        "users.html",
        status=status,
        rows=rows,
        roles=ROLES,
        error=error,
        done=done,
    )


async def users_submit(request: web.Request) -> web.StreamResponse:
    principal = require(request, "admin")
    form = await request.post()
    op, name = str(form.get("op", "")), str(form.get("name", "")).strip()
    if op not in OPS:
        return await _show(request, error=f"unknown operation {op[:40]!r}", status=400)
    if name == principal.name and op in ("set_role", "disable"):
        return await _show(request, error="you cannot demote or disable yourself", status=400)
    db, now = request.app[DB], request.app[CLOCK]()
    role, password = str(form.get("role", "")), str(form.get("password", ""))
    changes = {
        "set_role": lambda s: accounts.set_role(s, name, role),
        "disable": lambda s: accounts.set_disabled(s, name, True),
        "enable": lambda s: accounts.set_disabled(s, name, False),
        "revoke_tokens": lambda s: accounts.revoke_tokens(s, name, None, now),
        "set_password": lambda s: accounts.set_password(s, name, password),
    }
    try:
        await db.write(changes[op])
    except accounts.AccountError as exc:
        return await _show(request, error=str(exc), status=400)
    said = {
        "set_role": f"{name} is now {role}.",
        "disable": f"{name} is disabled: signed out, tokens stopped.",
        "enable": f"{name} is enabled again.",
        "revoke_tokens": f"{name}'s API tokens are revoked.",
        "set_password": f"{name} has a new password and was signed out.",
    }
    return await _show(request, done=said[op])
