"""The fake web's server: one aiohttp app on loopback that answers for many host names."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from types import TracebackType
from typing import Self

from aiohttp import web

from . import sites
from .pages import NewsArticle, news_articles
from .resolver import FakeResolver, Route

_BASE_DATE = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Page:
    """What a host answers at one path: tests put these with `FakeWeb.set_page`."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    version: int = 0  # bumped on every change: drives ETag and Last-Modified
    delay_s: float = 0.0  # answer this late (a site's own answer: see FakeWeb.add_site)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        return format_datetime(_BASE_DATE + timedelta(hours=self.version), usegmt=True)


@dataclass(frozen=True)
class Visit:
    """One request as the server saw it; times are the server's loop clock."""

    host: str
    path: str  # path and query, as sent
    started: float
    finished: float | None
    status: int | None
    headers: dict[str, str]


class FakeWeb:
    """See the package docstring (tests/fakeweb/__init__.py) for the catalogue and API."""

    NEWS = "news.test"
    SOFT404 = "soft404.test"
    CATCHALL = "catchall.test"
    REDIRECT_HOME = "redirecthome.test"
    PARKED = "parked.test"
    BOTWALL = "botwall.test"
    ARCHIVE = "archive.test"
    NXDOMAIN = "nxdomain.test"
    REFUSED = "refused.test"
    KINDS = ("news", "soft404", "catchall", "redirecthome", "parked", "botwall", "archive")

    def __init__(self, *, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        self.port = 0
        self.articles: tuple[NewsArticle, ...] = news_articles()
        self._by_path = {a.path: a for a in self.articles}
        self.hosts: dict[str, str] = {
            self.NEWS: "news",
            self.SOFT404: "soft404",
            self.CATCHALL: "catchall",
            self.REDIRECT_HOME: "redirecthome",
            self.PARKED: "parked",
            self.BOTWALL: "botwall",
            self.ARCHIVE: "archive",
        }
        self.overrides: dict[tuple[str, str], Page | None] = {}
        self.sites: dict[str, Callable[[str], Page | None]] = {}
        self.archive_snapshots: dict[str, list[tuple[str, str]]] = {}
        self.wayback: dict[str, dict[str, bytes]] = {}  # CDX, replay, TimeMap: {url: {stamp: body}}
        self.mementos: dict[str, list[tuple[str, str]]] = {}  # extra TimeMap (uri, stamp) entries
        self.spn_submissions: list[str] = []  # URLs given to Save Page Now (POST /save)
        self.spn_answer = "job"  # job | 429 | declined | garbage | 500
        self.visits: list[Visit] = []
        self.counters: Counter[tuple[str, str]] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self._held = asyncio.Event()
        self._closing = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._refused_socket: socket.socket | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self, addresses: tuple[str, ...] = ("127.0.0.1",)) -> Self:
        """Listen on one free port, on each loopback address given."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=0.1, access_log=None
        )
        await self._runner.setup()
        first = web.TCPSite(self._runner, addresses[0], 0)
        await first.start()
        server = first._server
        assert isinstance(server, asyncio.base_events.Server)
        self.port = server.sockets[0].getsockname()[1]
        for address in addresses[1:]:
            await web.TCPSite(self._runner, address, self.port).start()
        # Bound, never listening: a connection there is refused, and no one else can take it.
        self._refused_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._refused_socket.bind(("127.0.0.1", 0))
        return self

    async def close(self) -> None:
        self._closing.set()
        self._held.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._refused_socket is not None:
            self._refused_socket.close()
            self._refused_socket = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # ------------------------------------------------------------------ addressing

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def article_url(self, article: NewsArticle, host: str = NEWS) -> str:
        return self.url(host, article.path)

    def resolver(self, extra: dict[str, Route] | None = None) -> FakeResolver:
        """Every fake host on 127.0.0.1; nxdomain.test unknown; refused.test on a closed port."""
        routes: dict[str, Route] = dict.fromkeys(self.hosts, "127.0.0.1")
        if self._refused_socket is not None:
            routes[self.REFUSED] = ("127.0.0.1", self._refused_socket.getsockname()[1])
        routes.update(extra or {})
        return FakeResolver(routes)

    def add_host(self, name: str, kind: str) -> None:
        """Serve `name` (a host name or a 127.0.0.N address) as a site of `kind`."""
        if kind not in self.KINDS:
            raise ValueError(f"unknown fake site kind {kind!r}; one of {', '.join(self.KINDS)}")
        self.hosts[name.lower()] = kind

    def add_site(self, name: str, answer: Callable[[str], Page | None]) -> None:
        """Serve `name` with `answer(path_and_query)`: a Page, or None for a plain 404.

        For sites with a behaviour of their own (routing by id, a consent wall in front
        of every path, a limit that lifts): the function sees every request, probes
        included, and may change its answer between checks.
        """
        self.sites[name.lower()] = answer
        self.hosts[name.lower()] = "custom"

    # ------------------------------------------------------------------ mutation

    def set_page(
        self,
        host: str,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> Page:
        """From now on `host` answers `path` with this (any path, even a catalogue one)."""
        previous = self.overrides.get((host, path))
        data = body.encode() if isinstance(body, str) else body
        page = Page(data, status, content_type, dict(headers or {}))
        page.version = (previous.version + 1) if previous else 1
        self.overrides[(host, path)] = page
        return page

    def remove(self, host: str, path: str) -> None:
        """The page is gone: the host answers as it does for any missing page (404 on
        news.test, a 200 "not found" template on soft404.test, a redirect home, ...)."""
        self.overrides[(host, path)] = None

    def restore(self, host: str, path: str) -> None:
        self.overrides.pop((host, path), None)

    def replace_text(self, host: str, path: str, old: str, new: str) -> Page:
        """Edit the page as served now: replace `old` by `new` (which must be there)."""
        current = self.page(host, path)
        if current is None or old.encode() not in current.body:
            raise ValueError(f"{old!r} is not on {host}{path}")
        body = current.body.replace(old.encode(), new.encode())
        return self.set_page(
            host, path, body, content_type=current.content_type, headers=current.headers
        )

    def page(self, host: str, path: str) -> Page | None:
        """The page `host` serves at `path` now (None when it is missing or dynamic)."""
        if (host, path) in self.overrides:
            return self.overrides[(host, path)]
        article = self.article_at(path)
        return self.article_page(article) if article is not None else None

    @property
    def redirect_target(self) -> NewsArticle:
        """The article the catalogue's redirects lead to: the first one that is not one of
        the data set's WSJ pages (those were saved as paywall teasers)."""
        return next(a for a in self.articles if "wsj.com" not in a.original_url)

    def article_at(self, path: str) -> NewsArticle | None:
        return self._by_path.get(path)

    def article_page(self, article: NewsArticle) -> Page:
        return Page(article.html)

    def release_held(self) -> None:
        """Let every request to /held/... answer (they wait until this is called)."""
        self._held.set()

    # ------------------------------------------------------------------ observation

    def hits(self, host: str, path: str | None = None) -> int:
        """Requests `host` received (at `path`, path and query as sent, when given)."""
        if path is None:
            return sum(n for (h, _), n in self.counters.items() if h == host)
        return self.counters[(host, path)]

    def visits_to(self, host: str) -> list[Visit]:
        return [v for v in self.visits if v.host == host]

    async def wait_for_requests(self, host: str, count: int) -> None:
        """Return once `host` has received at least `count` requests."""
        await self.wait_until(lambda: self.hits(host) >= count)

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once `condition()` holds; it is checked whenever a request arrives."""
        async with self._arrived:
            await self._arrived.wait_for(condition)

    # ------------------------------------------------------------------ serving

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].strip("[]").lower()
        if request.host and request.host.startswith("["):
            host = request.host[1:].split("]", 1)[0].lower()
        path = request.path_qs
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.counters[(host, path)] += 1
        self.in_flight[host] += 1
        self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
        async with self._arrived:
            self._arrived.notify_all()
        response: web.StreamResponse | None = None
        try:
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            response = await self._answer(request, host, path)
            return response
        finally:
            self.in_flight[host] -= 1
            headers = {k.lower(): v for k, v in request.headers.items()}
            status = response.status if response is not None else None
            self.visits.append(Visit(host, path, started, loop.time(), status, headers))

    async def _answer(self, request: web.Request, host: str, path: str) -> web.StreamResponse:
        kind = self.hosts.get(host)
        if kind is None:
            return web.Response(status=421, text=f"no site {host!r} on the fake web")
        if host in self.sites:
            own = self.sites[host](path)
            if own is None:
                return web.Response(status=404, text="Not Found")
            if own.delay_s and await self.closing(own.delay_s):
                return web.Response(status=503)
            return self.serve(request, own)
        if (host, path) in self.overrides:
            page = self.overrides[(host, path)]
            if page is None:
                return sites.missing(self, request, kind, host, path)
            return self.serve(request, page)
        return await sites.answer(self, request, kind, host, path)

    def serve(self, request: web.Request, page: Page) -> web.Response:
        """A page, with validators; 304 to a matching conditional request."""
        headers = {"ETag": page.etag, "Last-Modified": page.last_modified, **page.headers}
        if page.status == 200 and _not_modified(request, page):
            return web.Response(status=304, headers=headers)
        body = page.body
        if len(body) > 1024 and "gzip" in request.headers.get("Accept-Encoding", ""):
            body = _gzipped(body)  # compressed once per body, as a CDN would cache it
            headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        response = web.Response(status=page.status, body=body, headers=headers)
        response.headers["Content-Type"] = page.content_type
        return response

    async def held(self) -> None:
        await self._held.wait()

    async def closing(self, seconds: float) -> bool:
        """Wait up to `seconds`; True when the fake web is shutting down meanwhile."""
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return False
        return True


@lru_cache(maxsize=512)
def _gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


def _not_modified(request: web.Request, page: Page) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return page.etag in [tag.strip() for tag in if_none_match.split(",")]
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(page.last_modified)
        except (TypeError, ValueError):
            return False
    return False
