"""One HTTP exchange: a GET without following redirects, its body read within limits.

Never raises for network or HTTP trouble: every failure becomes an `Answer` whose
`error` says which kind it was (the classes an editor can act on: DNS, refused,
TLS, timeout, reset, ...).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from checker.fetch.guard import ForbiddenAddressError
from checker.model import FetchErrorKind

# Response headers worth keeping: what liveness, the schedule and conditional requests read.
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "date",
    "retry-after",
    "location",
    "x-robots-tag",
    "server",
    "www-authenticate",
    "cf-mitigated",
    "refresh",
)
_CHUNK = 64 * 1024
_RAW_HEADERS = 200  # headers kept for the archive's record, at most


@dataclass(frozen=True)
class Answer:
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    error: FetchErrorKind | None = None
    message: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    raw_headers: tuple[tuple[str, str], ...] = ()  # all of them, in order: the archive's record


async def exchange(
    session: aiohttp.ClientSession,
    url: URL,
    headers: dict[str, str],
    *,
    timeout_s: float,
    connect_timeout_s: float,
    max_bytes: int,
    read_body: bool = True,
    on_sent: Callable[[], None] | None = None,
) -> Answer:
    """GET `url` once. The body is read (up to `max_bytes`, after decompression) only when
    `read_body` is set and the answer is not a redirect, so a hop costs no body bytes.
    `on_sent` is called when the request has left (the session needs `sent_trace()`)."""
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout_s or None)
    status: int | None = None
    kept: dict[str, str] = {}
    try:
        async with asyncio.timeout(timeout_s or None):
            async with session.get(
                url,
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
                trace_request_ctx={"on_sent": on_sent},
            ) as response:
                status = response.status
                kept = kept_headers(response.headers)
                cookies = {name: morsel.value for name, morsel in response.cookies.items()}
                raw = tuple(response.headers.items())[:_RAW_HEADERS]
                if not read_body or (300 <= status < 400 and "location" in kept):
                    return Answer(status, kept, cookies=cookies, raw_headers=raw)
                body, truncated = await _read_limited(response.content, max_bytes)
                error = FetchErrorKind.TOO_LARGE if truncated else None
                message = f"body larger than {max_bytes} bytes; cut there" if truncated else ""
                return Answer(status, kept, body, truncated, error, message, cookies, raw)
    except Exception as exc:  # everything a source can do to us ends up in the answer
        kind, message = error_kind(exc)
        return Answer(status, kept, error=kind, message=message)


def sent_trace() -> aiohttp.TraceConfig:
    """The session hook that tells `exchange`'s caller when a request has left."""

    async def headers_sent(
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestHeadersSentParams,
    ) -> None:
        request_context = context.trace_request_ctx
        if isinstance(request_context, dict) and request_context.get("on_sent"):
            request_context["on_sent"]()

    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(headers_sent)
    return trace


def kept_headers(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}


async def _read_limited(stream: aiohttp.StreamReader, max_bytes: int) -> tuple[bytes, bool]:
    # aiohttp decompresses as it reads, in bounded pieces, so stopping here bounds memory
    # by max_bytes plus one piece even when a small gzip body would expand to gigabytes.
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream.iter_chunked(_CHUNK):
        room = max_bytes - size
        if len(chunk) > room:
            chunks.append(chunk[:room])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


def error_kind(exc: BaseException) -> tuple[FetchErrorKind, str]:
    """The error class of a failed exchange and a one-line message for the editor."""
    text = _describe(exc)
    os_error = getattr(exc, "os_error", None)
    if isinstance(exc, ForbiddenAddressError) or isinstance(os_error, ForbiddenAddressError):
        return FetchErrorKind.FORBIDDEN_ADDRESS, str(os_error or exc)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return FetchErrorKind.TLS, text
    if isinstance(exc, ssl.SSLError) or isinstance(os_error, ssl.SSLError):
        return FetchErrorKind.TLS, text
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return FetchErrorKind.DNS, text
    if isinstance(exc, TimeoutError) or isinstance(os_error, TimeoutError):
        return FetchErrorKind.TIMEOUT, text
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(os_error, ConnectionRefusedError):
            return FetchErrorKind.REFUSED, text
        return FetchErrorKind.RESET, text  # unreachable network/host: maybe temporary
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return FetchErrorKind.BAD_URL, text
    if isinstance(exc, aiohttp.ClientPayloadError):
        if "encoding" in text.lower() or "decompress" in text.lower():
            return FetchErrorKind.PROTOCOL, text  # a body that does not decode
        return FetchErrorKind.RESET, f"connection closed before the body was complete ({text})"
    if isinstance(exc, aiohttp.ServerDisconnectedError | ConnectionError):
        return FetchErrorKind.RESET, text
    if isinstance(exc, aiohttp.ClientOSError):
        return FetchErrorKind.RESET, text
    return FetchErrorKind.PROTOCOL, text


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError) and not str(exc):
        return "no complete answer within the time limit"
    detail = str(exc) or exc.__class__.__name__
    return " ".join(detail.split())[:300]
