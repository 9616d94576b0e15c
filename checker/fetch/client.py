"""The fetcher: the only code that talks HTTP to sources.

`Fetcher.fetch(url)` follows redirects itself, one checked hop at a time (scheme, SSRF
guard, robots.txt, politeness), records the chain, and returns a `FetchResult`. It
never raises for anything a source does.

Retry-After: a 429/503 asking to wait at most `retry_after_wait_s` is waited out
(through the host gate, so other requests to that host wait too) and retried once;
a longer wait is returned as is, and liveness carries `retry_after_s` to the schedule.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from checker.fetch.content import detect_charset, media_type, sniff_media_type
from checker.fetch.exchange import Answer, exchange, sent_trace
from checker.fetch.guard import (
    AddressPolicy,
    ForbiddenAddressError,
    GuardedResolver,
    allow_any,
    check_literal_host,
    is_forbidden_address,
)
from checker.fetch.politeness import HostGates, parse_retry_after, response_now
from checker.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, agent_token
from checker.model import FetchErrorKind, FetchResult, Hop
from checker.settings import FetchSettings

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.5"
_PROBE_CACHE_SIZE = 4096
_PROBE_MAX_BYTES = 512 * 1024  # enough to compare a "not found" template with a page


class Fetcher:
    """Fetches source URLs politely and safely; use as `async with Fetcher(settings) as f`."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        resolver: AbstractResolver | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        forbidden_address: AddressPolicy = is_forbidden_address,
    ) -> None:
        """`resolver` is wrapped by the SSRF guard, which refuses what `forbidden_address`
        says unless `settings.allow_private_networks`; `clock` and `sleep` drive the
        politeness spacing (tests pass a fake pair)."""
        self.settings = settings
        self._resolver = resolver
        self._clock = clock
        self._forbidden = allow_any if settings.allow_private_networks else forbidden_address
        self._session: aiohttp.ClientSession | None = None
        self._guarded_resolver: GuardedResolver | None = None
        self._gates = HostGates(
            concurrency=settings.concurrency,
            per_host_concurrency=settings.per_host_concurrency,
            per_host_delay_s=settings.per_host_delay_s,
            max_backoff_s=max(settings.retry_after_wait_s, settings.per_host_delay_s),
            clock=clock,
            sleep=sleep,
        )
        self.user_agent = settings.user_agent
        if settings.contact_url:
            self.user_agent = f"{settings.user_agent} (+{settings.contact_url})"
        self._robots = RobotsCache(agent_token(settings.user_agent), self._load_robots, clock)
        self._probes: OrderedDict[str, FetchResult] = OrderedDict()
        self._probe_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Self:
        _ = self.session
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        if self._guarded_resolver is not None:
            await self._guarded_resolver.close()
            self._guarded_resolver = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The pooled session (created on first use, inside the running loop)."""
        if self._session is None:
            inner = self._resolver or aiohttp.ThreadedResolver()
            self._guarded_resolver = GuardedResolver(inner, self._forbidden)
            connector = aiohttp.TCPConnector(
                resolver=self._guarded_resolver,
                limit=max(1, self.settings.concurrency),
                ttl_dns_cache=300,  # answers cached here went through the guard
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # no state carried from one check to the next
                headers={"User-Agent": self.user_agent, "Accept": ACCEPT},
                trust_env=False,
                trace_configs=[sent_trace()],
            )
        return self._session

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch `url`, following redirects; a 304 to the conditional headers means unchanged."""
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        result = await self._follow(url, conditional, self.settings.max_bytes)
        wait = _retry_after_s(result.headers)
        short_wait = wait is not None and wait <= self.settings.retry_after_wait_s
        if result.status in (429, 503) and short_wait:
            retried = await self._follow(url, conditional, self.settings.max_bytes)
            result = replace(retried, elapsed_ms=result.elapsed_ms + retried.elapsed_ms)
        return result

    async def probe_not_found(self, url: str) -> FetchResult | None:
        """The host's answer to a random path shaped like `url`'s (cached per host).

        A site that answers 200 to a path that cannot exist serves "soft 404s";
        liveness compares a page with this answer to tell a real page from the template.
        """
        if not self.settings.soft_404_probe:
            return None
        try:
            target = URL(url)
        except ValueError:
            return None
        if target.scheme not in ("http", "https") or not target.host:
            return None
        key = _origin(target)
        lock = self._probe_locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:  # pages of one host checked at once share one probe
                cached = self._probes.get(key)
                if cached is not None:
                    self._probes.move_to_end(key)
                    return cached
                probe = await self._follow(str(random_sibling(target)), {}, _PROBE_MAX_BYTES)
                self._probes[key] = probe
                if len(self._probes) > _PROBE_CACHE_SIZE:
                    self._probes.popitem(last=False)
                return probe
        finally:
            if not lock.locked():
                self._probe_locks.pop(key, None)

    def next_request_at(self, host: str, now: datetime) -> datetime | None:
        """The wall-clock time this fetcher's gate would next let a request go to `host`
        (a source's host as `checker.urls.host_of` gives it), or None if it has not asked
        that host lately. A worker letting go of a host tells others to wait until then."""
        at = self._gates.next_start(host.strip("[]"))  # gates use yarl's raw_host: no brackets
        if at is None:
            return None
        return now + timedelta(seconds=at - self._clock())

    # ------------------------------------------------------------------ redirects

    async def _follow(
        self, url: str, headers: dict[str, str], max_bytes: int, *, robots: bool = True
    ) -> FetchResult:
        try:
            current = URL(url)
        except ValueError as exc:
            return FetchResult(url, url, None, error=FetchErrorKind.BAD_URL, error_message=str(exc))
        hops: list[Hop] = []
        seen: set[tuple[str, str]] = set()
        cookies: dict[str, dict[str, str]] = {}  # per host, within this one fetch only
        elapsed = 0.0
        for _ in range(self.settings.max_redirects + 1):
            refusal = await self._refusal(current, robots=robots)
            if refusal is not None:
                refused = Answer(None, error=refusal[0], message=refusal[1])
                return _result(url, current, hops, refused, elapsed)
            host_cookies = cookies.setdefault(current.host or "", {})
            seen.add((str(current.with_fragment(None)), _cookie_header(host_cookies)))
            answer, took = await self._exchange(current, headers, host_cookies, max_bytes)
            elapsed += took
            host_cookies.update(answer.cookies)
            location = answer.headers.get("location")
            if answer.error or answer.status not in _REDIRECTS or not location:
                return _result(url, current, hops, answer, elapsed)
            try:
                following = current.join(URL(location)).with_fragment(None)
            except ValueError as exc:
                bad = Answer(answer.status, answer.headers, error=FetchErrorKind.BAD_URL)
                return _result(url, current, hops, replace(bad, message=str(exc)), elapsed)
            hops.append(Hop(str(current), answer.status or 0, str(following)))
            state = (str(following), _cookie_header(cookies.get(following.host or "", {})))
            if state in seen:
                loop = Answer(None, error=FetchErrorKind.REDIRECT_LOOP, message="redirect loop")
                return _result(url, following, hops, loop, elapsed)
            current = following
        too_many = Answer(
            None,
            error=FetchErrorKind.TOO_MANY_REDIRECTS,
            message=f"more than {self.settings.max_redirects} redirects",
        )
        return _result(url, current, hops, too_many, elapsed)

    async def _refusal(self, url: URL, *, robots: bool) -> tuple[FetchErrorKind, str] | None:
        """Why this hop must not be requested at all, if it must not."""
        if url.scheme not in ("http", "https") or not url.host:
            return FetchErrorKind.BAD_URL, f"not an http(s) URL: {str(url)[:200]}"
        try:
            check_literal_host(url.host, self._forbidden)
        except ForbiddenAddressError as exc:
            return FetchErrorKind.FORBIDDEN_ADDRESS, str(exc)
        robots = robots and self.settings.respect_robots
        if robots and not await self._robots.allows(_origin(url), url.raw_path_qs):
            return FetchErrorKind.ROBOTS, f"robots.txt of {url.host} disallows {url.path}"
        return None

    async def _exchange(
        self, url: URL, headers: dict[str, str], cookies: dict[str, str], max_bytes: int
    ) -> tuple[Answer, float]:
        sent = dict(headers)
        if cookies:
            sent["Cookie"] = _cookie_header(cookies)
        host = url.raw_host or ""  # politeness is per host name, whatever the scheme or port
        async with self._gates.slot(host) as mark_sent:
            started = self._clock()
            answer = await exchange(
                self.session,
                url,
                sent,
                timeout_s=self.settings.timeout_s,
                connect_timeout_s=self.settings.connect_timeout_s,
                max_bytes=max_bytes,
                on_sent=mark_sent,
            )
            took = (self._clock() - started) * 1000
        self._gates.answered(host, answer.status, _retry_after_s(answer.headers))
        return answer, took

    async def _load_robots(self, robots_url: str) -> tuple[int | None, str]:
        # robots.txt itself, and wherever it redirects, is fetched without asking robots.txt.
        result = await self._follow(robots_url, {}, ROBOTS_MAX_BYTES, robots=False)
        if result.error not in (None, FetchErrorKind.TOO_LARGE):
            return None, ""
        return result.status, result.body.decode("utf-8", "replace")


def random_sibling(url: URL) -> URL:
    """A path on the same host that cannot exist, shaped like `url`'s: same directory and
    extension, a random name of similar length ("/2024/05/story.html" → "/2024/05/k3…q.html").

    Ids in the directories are made random too ("/article/99123/slug" → "/article/x7f3a/…"):
    many sites route articles by id and ignore the slug, and a probe sharing the id would
    get the article itself. An index file's directory is the name ("/story/index.html").
    """
    path = url.path or "/"
    directory, _, name = path.rpartition("/")
    if name.lower() in _INDEX_FILES and directory:
        directory, _, name = directory.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 5:
        stem, extension = name, ""
    token = secrets.token_hex(max(8, min(len(stem), 40)) // 2 + 1)
    new_name = f"{token}.{extension}" if extension else token
    directory = "/".join(_ID_RUN.sub(_random_id, segment) for segment in directory.split("/"))
    if not name and directory:  # ".../section/": probe ".../section/<token>/"
        return url.with_path(f"{directory}/{token}/").with_query(None).with_fragment(None)
    return url.with_path(f"{directory}/{new_name}").with_query(None).with_fragment(None)


_INDEX_FILES = frozenset({"index.html", "index.htm", "index.php", "default.aspx", "index.shtml"})
# A run of five or more digits, or four that cannot be a year: an article id, not a date.
_ID_RUN = re.compile(r"\d{5,}|(?!(?:19|20)\d\d)\d{4}")


def _random_id(match: re.Match[str]) -> str:
    """Random letters and digits of the id's length, never a number a site could know."""
    return ("x" + secrets.token_hex(len(match.group())))[: max(len(match.group()), 4)]


def _origin(url: URL) -> str:
    return f"{url.scheme}://{url.raw_host}:{url.port}"


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in sorted(cookies.items()))


def _retry_after_s(headers: dict[str, str]) -> float | None:
    now = response_now(headers.get("date"), datetime.now(UTC))
    return parse_retry_after(headers.get("retry-after"), now=now)


def _result(url: str, final: URL, hops: list[Hop], answer: Answer, elapsed: float) -> FetchResult:
    content_type = answer.headers.get("content-type", "")
    media = media_type(content_type) or (sniff_media_type(answer.body) if answer.body else "")
    return FetchResult(
        url=url,
        final_url=str(final),
        status=answer.status,
        headers=answer.headers,
        redirects=tuple(hops),
        body=answer.body,
        content_type=media,
        charset=detect_charset(content_type, answer.body, media) if answer.body else None,
        error=answer.error,
        error_message=answer.message,
        elapsed_ms=round(elapsed, 1),
        not_modified=answer.status == 304,
        truncated=answer.truncated,
        raw_headers=answer.raw_headers,
    )
