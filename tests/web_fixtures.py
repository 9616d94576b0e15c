"""Fixtures for the dashboard and API tests: a store with realistic flags (one of them
carrying hostile page content), three users, and in-process clients.
"""

from __future__ import annotations

import asyncio
import functools
import re
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from sqlalchemy import select

from checker.model import (
    ArticleIn,
    CitationIn,
    Document,
    FlagKind,
    FlagSpec,
    Liveness,
    LivenessState,
    Severity,
)
from checker.outcome import CitationOutcome, SourceHealth, SourceOutcome
from checker.settings import Settings, WebSettings
from checker.web.accounts import create_token, start_session
from checker.web.app import create_app
from store.articles import import_articles
from store.auth_tables import User
from store.db import Database
from store.results import record_outcome
from store.tables import Citation, Flag, Source

Client = TestClient  # type: ignore[type-arg]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=10)
PASSWORD = "correct horse battery"
HOSTILE = "<script>alert('pwned')</script>"
SOURCES = {
    "dead": "https://gone.example/report",
    "edited": "https://stats.example/coverage",
    "fine": "https://fine.example/page",
}
ARCHIVE = "https://web.archive.org/web/2025/https://gone.example/report"


@dataclass
class Seeded:
    db: Database
    dead_flag: int
    edited_flag: int
    article_id: int
    tokens: dict[str, str]


def _article() -> ArticleIn:
    return ArticleIn(
        url="https://news.example/budget",
        title="Budget vote " + HOSTILE,
        citations=(
            CitationIn("1", SOURCES["dead"], "The budget rose 3 percent."),
            CitationIn("2", SOURCES["edited"], "Coverage reached 94 percent in 2024."),
            CitationIn("3", SOURCES["fine"], "Officials credited outreach."),
        ),
    )


def _outcome(source_id: int, cids: list[int], spec: FlagSpec, now: datetime) -> SourceOutcome:
    dead = spec.kind is FlagKind.DEAD
    kinds = frozenset({spec.kind})
    return SourceOutcome(
        source_id=source_id,
        checked_at=now,
        liveness=Liveness(LivenessState.DEAD if dead else LivenessState.ALIVE, "not_found"),
        health=SourceHealth("dead" if dead else "ok", "not_found" if dead else "", 3, T0, now),
        next_check_at=now + timedelta(days=1),
        interval_s=86_400,
        unchanged_checks=0,
        citations=tuple(CitationOutcome(c, (spec,), kinds) for c in cids),
        status=404 if dead else 200,
        final_url=SOURCES["dead"] if dead else SOURCES["edited"],
        document=None if dead else Document.from_text(HOSTILE, "Coverage reached 91 percent."),
        content_hash=None if dead else "h2",
        archived_url=ARCHIVE if dead else None,
        detail={"redirects": [[301, SOURCES["dead"], SOURCES["dead"] + "/"]]} if dead else {},
    )


def seed(db: Database) -> Seeded:
    summary = db.run(lambda s: import_articles(s, [_article()], T0))

    def ids(session: object) -> dict[str, tuple[int, list[int]]]:
        out = {}
        for name, url in SOURCES.items():
            src = session.execute(select(Source).where(Source.url == url)).scalar_one()  # type: ignore[attr-defined]
            cites = session.execute(select(Citation.id).where(Citation.source_id == src.id))  # type: ignore[attr-defined]
            out[name] = (src.id, sorted(cites.scalars()))
        return out

    found = db.run(ids)
    dead = FlagSpec(
        FlagKind.DEAD,
        Severity.HIGH,
        {
            "reason": "not_found",
            "archived_url": ARCHIVE,
            "cue": "HTTP 404 Not Found",
            "failing_since": T0.isoformat(),
            "failures": 3,
        },
    )
    edited = FlagSpec(
        FlagKind.EVIDENCE_CHANGED,
        Severity.HIGH,
        {
            "before": "Coverage reached 94 percent.",
            "after": "Coverage reached 91 percent. " + HOSTILE,
            "diff": [
                ["=", "Coverage reached"],
                ["-", "94"],
                ["+", "91"],
                ["=", "percent."],
                ["+", HOSTILE],
            ],
            "changes": ["number"],
            "notices": ["Correction: an earlier version misstated the figure."],
        },
    )
    db.run(lambda s: record_outcome(s, _outcome(*found["dead"], dead, T0 + timedelta(days=2))))
    db.run(lambda s: record_outcome(s, _outcome(*found["edited"], edited, T0 + timedelta(days=3))))

    def flag_ids(session: object) -> dict[str, int]:
        rows = session.execute(select(Flag.kind, Flag.id))  # type: ignore[attr-defined]
        return {kind: ident for kind, ident in rows}

    flags = db.run(flag_ids)
    tokens = {}
    for role in ("viewer", "editor", "admin"):
        user = User(name=role, password_hash=cheap_hash(), role=role, created_at=T0)
        db.run(lambda s, u=user: s.add(u))
        tokens[role] = db.run(lambda s, r=role: create_token(s, r, "tests", T0))
    return Seeded(db, flags["dead"], flags["evidence_changed"], summary.article_ids[0], tokens)


@functools.cache
def cheap_hash() -> str:
    """PASSWORD hashed with small argon2 costs: verifying it is fast (the costs are read
    from the hash), and the first login upgrades it, as it would an old hash."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db)


def web_settings() -> Settings:
    return Settings(web=WebSettings(secret_key="test-secret", page_size=50))


@pytest.fixture
async def anon(seeded: Seeded) -> AsyncIterator[Client]:
    app = create_app(web_settings(), seeded.db, clock=lambda: NOW)
    async with TestClient(TestServer(app)) as client:
        yield client


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_CSRF = re.compile(r'name="login_csrf" value="([^"]+)"')


async def login(client: Client, name: str, password: str = PASSWORD) -> int:
    page = await client.get("/login")
    match = LOGIN_CSRF.search(await page.text())
    assert match is not None
    response = await client.post(
        "/login",
        data={"name": name, "password": password, "login_csrf": match.group(1), "next": "/"},
        allow_redirects=False,
    )
    return response.status


async def csrf_of(client: Client, path: str = "/") -> str:
    match = CSRF.search(await (await client.get(path)).text())
    assert match is not None, "no CSRF token on the page"
    return match.group(1)


async def sign_in_directly(client: Client, seeded: Seeded, name: str) -> None:
    """A session as the login form would create it, without paying for argon2 in every
    test (the login flow itself is tested in test_web_auth.py)."""
    from checker.web.auth import SESSION_COOKIE, sign

    def start(session: object) -> str:
        user = session.execute(select(User).where(User.name == name)).scalar_one()  # type: ignore[attr-defined]
        return start_session(session, user.id, NOW)  # type: ignore[arg-type]

    sid = seeded.db.run(start)
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: sign(b"test-secret", sid)})


@pytest.fixture
async def editor(anon: Client, seeded: Seeded) -> Client:
    await sign_in_directly(anon, seeded, "editor")
    return anon


@dataclass
class LiveServer:
    url: str
    seeded: Seeded


@pytest.fixture
def live_server(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a real 127.0.0.1 port, served from a thread with its own loop, for
    clients that cannot run in the test's loop (schemathesis, a browser). SQLite only."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    yield from _live(Database(f"sqlite:///{path}"))


@pytest.fixture
def live_server_each_db(db_url: str) -> Iterator[LiveServer]:
    """`live_server` on SQLite and on PostgreSQL."""
    yield from _live(Database(db_url))


def _live(db: Database) -> Iterator[LiveServer]:
    seeded = seed(db)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(web_settings(), db, clock=lambda: NOW))

    async def start() -> int:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        return int(server.sockets[0].getsockname()[1])

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    yield LiveServer(f"http://127.0.0.1:{port}", seeded)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()
    db.close()
