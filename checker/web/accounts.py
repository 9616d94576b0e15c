"""Users, sessions, API tokens and the login rate limit, over the store (sync; run these
through `db.read` / `db.write`). Used by the web app and by `citecheck users`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, delete, func, select, update
from sqlmodel import Session, col

from store.auth_tables import ROLES, ApiToken, LoginAttempt, User, WebSession

HASHER = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = HASHER.hash("not a password")
SESSION_DAYS = 14
FAILURE_WINDOW = timedelta(minutes=15)
# Failed logins for one user from one address before each further try waits (1 s,
# 2 s, 4 s, ... up to the window): slows guessing, and never locks the real user out
# from their own address because someone else guessed elsewhere.
FREE_FAILURES = 3
# Failed logins one address may make in the window, whatever the user names.
ADDRESS_BUDGET = 50
TOKEN_PREFIX = "cc_"
TOKEN_TOUCH = timedelta(minutes=1)


class AccountError(ValueError):
    """A user-management request that cannot apply; one line."""


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user or a token holder."""

    user_id: int
    name: str
    role: str
    csrf_token: str = ""  # empty for API tokens (no cookies, no CSRF)
    token_id: int | None = None  # set when the API token's last use should be recorded

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def add_user(session: Session, name: str, password: str, role: str, now: datetime) -> User:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AccountError(f"user name {name!r} must be 1-64 characters without spaces")
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise AccountError("password must have at least 8 characters")
    if session.execute(select(col(User.id)).where(col(User.name) == name)).first() is not None:
        raise AccountError(f"user {name!r} already exists")
    user = User(name=name, password_hash=HASHER.hash(password), role=role, created_at=now)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(col(User.name))).scalars())


def _user(session: Session, name: str) -> User:
    user: User | None = session.execute(
        select(User).where(col(User.name) == name)
    ).scalar_one_or_none()
    if user is None or user.id is None:
        raise AccountError(f"no user named {name!r}: see `citecheck users list`")
    return user


def _end_sessions(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(col(WebSession.user_id) == user.id))


def set_password(session: Session, name: str, password: str) -> None:
    """A new password; the user's browsers are signed out."""
    if len(password) < 8:
        raise AccountError("password must have at least 8 characters")
    user = _user(session, name)
    user.password_hash = HASHER.hash(password)
    _end_sessions(session, user)


def set_role(session: Session, name: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    _user(session, name).role = role


def set_disabled(session: Session, name: str, disabled: bool) -> None:
    """A disabled user cannot sign in and their tokens stop working (kept, not revoked)."""
    user = _user(session, name)
    user.disabled = disabled
    if disabled:
        _end_sessions(session, user)


def revoke_tokens(session: Session, name: str, label: str | None, now: datetime) -> int:
    """Revoke the user's tokens with this label (all of them when None); how many."""
    user = _user(session, name)
    stmt = update(ApiToken).where(
        col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None)
    )
    if label is not None:
        stmt = stmt.where(col(ApiToken.name) == label)
    result: CursorResult[Any] = session.execute(stmt.values(revoked_at=now))  # type: ignore[assignment]
    count = int(result.rowcount)
    if count == 0:
        which = f" labelled {label!r}" if label is not None else ""
        raise AccountError(f"user {name!r} has no active token{which}")
    return count


def create_token(session: Session, user_name: str, label: str, now: datetime) -> str:
    """A new API token for the user; the clear text is returned once, only its digest kept."""
    user = session.execute(select(User).where(col(User.name) == user_name)).scalar_one_or_none()
    if user is None or user.id is None:
        raise AccountError(f"no user named {user_name!r}: create it with `citecheck users add`")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, name=label[:64], token_hash=digest(token), created_at=now)
    )
    return token


def token_principal(session: Session, token: str, now: datetime) -> Principal | None:
    """The token's user; marks the token used at most once a minute (reads stay reads)."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(col(ApiToken.token_hash) == digest(token), col(ApiToken.revoked_at).is_(None))
    ).first()
    if row is None or row[1].disabled:
        return None
    api_token, user = row
    assert user.id is not None and api_token.id is not None
    stale = api_token.last_used_at is None or now - api_token.last_used_at > TOKEN_TOUCH
    return Principal(user.id, user.name, user.role, token_id=api_token.id if stale else None)


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    session.execute(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now))


def login_wait(session: Session, name: str, address: str, now: datetime) -> float:
    """Seconds this user and address must wait before the next try (0: go ahead)."""
    since = now - FAILURE_WINDOW

    def failures(key: str) -> tuple[int, datetime | None, datetime | None]:
        stmt = select(
            func.count(), func.min(col(LoginAttempt.at)), func.max(col(LoginAttempt.at))
        ).where(col(LoginAttempt.key) == key, col(LoginAttempt.at) >= since)
        count, first, last = session.execute(stmt).one()
        return int(count), first, last

    wait = 0.0
    count, _, last = failures(_pair(name, address))
    if count >= FREE_FAILURES and last is not None:
        backoff = min(2.0 ** (count - FREE_FAILURES), FAILURE_WINDOW.total_seconds())
        wait = backoff - (now - last).total_seconds()
    spent, first, _ = failures(f"ip:{address[:100]}")
    if spent >= ADDRESS_BUDGET and first is not None:
        wait = max(wait, (first + FAILURE_WINDOW - now).total_seconds())
    return max(0.0, wait)


def _pair(name: str, address: str) -> str:
    return f"pair:{name.lower()[:60]}|{address[:60]}"


def check_password(
    session: Session, name: str, password: str, address: str, now: datetime
) -> User | None:
    """The user if the password is right; a wrong one is counted for the rate limit."""
    user: User | None = session.execute(
        select(User).where(col(User.name) == name)
    ).scalar_one_or_none()
    ok: bool
    try:
        ok = HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and user is not None and not user.disabled:
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
        return user
    session.add(LoginAttempt(key=_pair(name, address), at=now))
    session.add(LoginAttempt(key=f"ip:{address[:100]}", at=now))
    return None


def start_session(session: Session, user_id: int, now: datetime) -> str:
    """A new session for the user; returns the session id (the cookie signs it)."""
    sid = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id_hash=digest(sid),
            user_id=user_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    )
    # Expired sessions and old failures are swept at each login: no cron needed.
    session.execute(delete(WebSession).where(col(WebSession.expires_at) < now))
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < now - FAILURE_WINDOW))
    return sid


def session_principal(session: Session, sid: str, now: datetime) -> Principal | None:
    row = session.execute(
        select(WebSession, User)
        .join(User, col(User.id) == col(WebSession.user_id))
        .where(col(WebSession.id_hash) == digest(sid), col(WebSession.expires_at) > now)
    ).first()
    if row is None or row[1].disabled:
        return None
    web_session, user = row
    assert user.id is not None
    return Principal(user.id, user.name, user.role, web_session.csrf_token)


def end_session(session: Session, sid: str) -> None:
    session.execute(delete(WebSession).where(col(WebSession.id_hash) == digest(sid)))
