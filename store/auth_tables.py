"""Dashboard accounts: users, login sessions, API tokens and login attempts.

Secrets never reach the database in the clear: passwords are argon2 hashes, and
session ids and API tokens are stored as SHA-256 digests (they are long random
values, so a fast hash is enough; a stolen table cannot be replayed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime

ROLES = ("viewer", "editor", "admin")  # each role may do what the ones before it may


def _time(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class User(SQLModel, table=True):
    __tablename__ = "web_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=256)
    role: str = Field(default="viewer", max_length=16)
    created_at: datetime = _time()
    disabled: bool = False


class WebSession(SQLModel, table=True):
    """A signed-in browser; the cookie carries the id, the row says whose and until when."""

    __tablename__ = "web_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="web_user.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _time()
    expires_at: datetime = _time(index=True)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="web_user.id", index=True)
    name: str = Field(default="", max_length=64)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = _time()
    last_used_at: datetime | None = _time(nullable=True)
    revoked_at: datetime | None = _time(nullable=True)


class LoginAttempt(SQLModel, table=True):
    """Failed logins, counted per user name and per client address to slow guessing."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=128)  # "user:<name>" or "ip:<address>"
    at: datetime = _time()

    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)
