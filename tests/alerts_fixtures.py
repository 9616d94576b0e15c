"""Alert test fixtures: a recording webhook receiver on 127.0.0.1, a settable clock, and
flags made through the real store functions."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlmodel import Session, select

from checker.model import ArticleIn, CitationIn, FlagKind, FlagSpec, Severity
from checker.settings import AlertSettings, FetchSettings, Settings
from store.articles import import_articles
from store.db import Database
from store.flags import CitationConditions, reconcile_flags
from store.tables import Article, Citation

T0 = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
DASHBOARD = "https://citecheck.newsroom.example"
HANG = "hang"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    path: str


@dataclass
class Recorder:
    """Answers each POST with the next scripted reply: (status, headers) or HANG."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: deque[Any] = field(default_factory=deque)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    received: asyncio.Event = field(default_factory=asyncio.Event)  # set at each request

    def reply(self, *replies: Any) -> None:
        self.script.extend(replies)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append(
            Received({k.lower(): v for k, v in request.headers.items()}, body, request.path)
        )
        self.received.set()
        action = self.script.popleft() if self.script else (200, {})
        if action == HANG:
            await self.release.wait()
            return web.Response(status=200)
        status, headers = action if isinstance(action, tuple) else (action, {})
        return web.Response(status=status, headers=headers, text="ok" if status < 300 else "no")


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    rec = Recorder()
    app = web.Application()
    app.router.add_post("/{tail:.*}", rec.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    rec.url = f"http://127.0.0.1:{port}/hook"
    yield rec
    rec.release.set()
    await runner.cleanup()


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def alert_settings(*destinations: dict[str, Any], **alerts: Any) -> Settings:
    values: dict[str, Any] = {
        "dashboard_url": DASHBOARD,
        "group_window_s": 0.0,
        "timeout_s": 0.5,
        "max_attempts": 4,
    } | alerts
    # The test receivers listen on loopback: a private address the guard must let through.
    fetch = FetchSettings(allow_private_networks=True)
    return Settings(alerts=AlertSettings(**values), fetch=fetch, destinations=tuple(destinations))


def destination(url: str, **keys: Any) -> dict[str, Any]:
    return {"name": "desk", "url": url, "format": "json", "secret": SECRET} | keys


DEAD = FlagSpec(
    FlagKind.DEAD,
    Severity.HIGH,
    {
        "reason": "not_found",
        "archived_url": "https://web.archive.org/web/2025/https://src.example/0",
    },
)
SOURCE_KINDS = frozenset({FlagKind.DEAD, FlagKind.UNREACHABLE, FlagKind.BLOCKED})


def make_citations(
    db: Database,
    n: int,
    *,
    host: str = "src.example",
    article_url: str = "https://news.example/politics/budget",
    tags: tuple[str, ...] = ("politics",),
) -> list[int]:
    """One article citing n sources on `host`; returns the citation ids."""
    cites = tuple(
        CitationIn(str(i + 1), f"https://{host}/{i}", f"Claim number {i} says 3 percent.")
        for i in range(n)
    )
    art = ArticleIn(url=article_url, title="Budget rises", citations=cites, tags=tags)
    db.run(lambda s: import_articles(s, [art], T0 - timedelta(days=30)))

    def ids(s: Session) -> list[int]:
        stmt = select(Citation.id).join(Article).where(Article.url == article_url)
        return sorted(i for i in s.exec(stmt) if i is not None)

    return db.run(ids)


def set_conditions(
    db: Database, citation_ids: list[int], specs: tuple[FlagSpec, ...], now: datetime
) -> None:
    """What a check would do: open (or resolve, with no specs) the citations' flags."""

    judged = SOURCE_KINDS | {spec.kind for spec in specs}

    def apply(s: Session) -> None:
        results = []
        for cid in citation_ids:
            citation = s.get(Citation, cid)
            assert citation is not None
            results.append(CitationConditions(citation, specs, judged))
        reconcile_flags(s, results, now)

    db.run(apply)
