"""How each kind of fake site answers: the catalogue of behaviours, one stable path each."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import web

from . import pages, wayback

if TYPE_CHECKING:
    from .server import FakeWeb

SITE = "The Daily Test"
NEWS_ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: citecheck\nDisallow: /private/\n"


async def answer(
    fake: FakeWeb, request: web.Request, kind: str, host: str, path: str
) -> web.StreamResponse:
    if kind == "archive":
        if request.path != "/wayback/available":
            return await wayback.answer(fake, request)
        return _wayback(fake, request)
    if kind == "parked":
        return _html(pages.parked_page(host))
    if kind == "botwall":
        return _challenge()
    if kind == "news":
        special = await _news_catalogue(fake, request, path)
        if special is not None:
            return special
    elif path == "/":
        return _html(pages.home_page(SITE, _links(fake)))
    article = fake.article_at(path)
    if article is not None:
        return fake.serve(request, fake.article_page(article))
    return missing(fake, request, kind, host, path)


def missing(
    fake: FakeWeb, request: web.Request, kind: str, host: str, path: str
) -> web.StreamResponse:
    """How a site of this kind answers for a page it does not have."""
    if kind == "soft404":
        return _html(pages.not_found_template(SITE, request.path))
    if kind == "catchall":
        return _html(pages.home_page(SITE, _links(fake)))
    if kind == "redirecthome":
        raise web.HTTPMovedPermanently("/")
    if kind == "parked":
        return _html(pages.parked_page(host))
    if kind == "botwall":
        return _challenge()
    return _html(pages.not_found_template(SITE, request.path), status=404)


async def _news_catalogue(
    fake: FakeWeb, request: web.Request, path: str
) -> web.StreamResponse | None:
    first = fake.redirect_target.path if fake.articles else "/"
    route = request.path
    redirects = {
        "/moved.html": (301, first),
        "/temporary.html": (302, first),
        "/old/section/story.html": (301, "/"),
        "/section-redirect.html": (301, "/politics/"),
        "/loop/a": (302, "/loop/b"),
        "/loop/b": (302, "/loop/a"),
    }
    if route in redirects:
        status, target = redirects[route]
        return web.Response(status=status, headers={"Location": target})
    simple: dict[str, Callable[[], web.StreamResponse]] = {
        "/": lambda: _html(pages.home_page(SITE, _links(fake))),
        "/robots.txt": lambda: web.Response(text=NEWS_ROBOTS, content_type="text/plain"),
        "/politics/": lambda: _html(pages.section_page(SITE, "politics", _links(fake))),
        "/private/report.html": lambda: _html(pages.site_page(SITE, "Report", ["<p>x</p>"])),
        "/gone.html": lambda: _html(pages.not_found_template(SITE, route), status=410),
        "/forbidden": lambda: web.Response(status=403, text="403 Forbidden", headers=_NGINX),
        "/challenge": _challenge,
        "/captcha": lambda: _html(pages.captcha_page()),
        "/login": lambda: _html(pages.login_page(SITE)),
        "/auth/401": lambda: web.Response(
            status=401, text="Unauthorized", headers={"WWW-Authenticate": 'Basic realm="x"'}
        ),
        "/image.png": lambda: web.Response(body=pages.PNG_1PX, content_type="image/png"),
        "/archive.zip": lambda: web.Response(body=pages.ZIP_EMPTY, content_type="application/zip"),
        "/report.pdf": lambda: web.Response(
            body=pages.tiny_pdf("Annual report: revenue grew 12 percent in 2023."),
            content_type="application/pdf",
        ),
        "/notes.txt": lambda: web.Response(text="Meeting notes.\nThe vote passed 7 to 2.\n"),
        "/page.xhtml": lambda: web.Response(
            body=b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/'
            b'xhtml"><head><title>XHTML page</title></head><body><p>Fine.</p></body></html>',
            content_type="application/xhtml+xml",
        ),
        "/latin1.html": lambda: web.Response(
            body="<html><head><meta charset='iso-8859-1'><title>Café</title></head>"
            "<body><p>Crème brûlée</p></body></html>".encode("latin-1"),
            headers={"Content-Type": "text/html"},
        ),
    }
    if route in simple:
        return simple[route]()
    if route.startswith("/chain/") and route[7:].isdigit():
        left = int(route[7:])
        target = f"/chain/{left - 1}" if left > 0 else first
        return web.Response(status=301, headers={"Location": target})
    if route.startswith("/status/") and route[8:].isdigit():
        return _status(int(route[8:]), request)
    if route.startswith("/flaky/") and route[7:].isdigit():
        if fake.hits("news.test", path) <= 1:
            return _status(int(route[7:]), request)
        return fake.serve(request, fake.article_page(fake.redirect_target))
    if route == "/cookie-wall":  # sets a cookie and sends the visitor back, like many sites
        if "visited" in request.cookies:
            return fake.serve(request, fake.article_page(fake.redirect_target))
        return web.Response(
            status=302, headers={"Location": route, "Set-Cookie": "visited=1; Path=/"}
        )
    if route.startswith("/members/"):
        return web.Response(status=302, headers={"Location": f"/login?next={quote(route)}"})
    if route.startswith("/paywall/") and route.endswith(".html") and route[9:-5].isdigit():
        article = fake.articles[int(route[9:-5]) % len(fake.articles)]
        return _html(pages.paywall_page(SITE, article))
    if route.startswith("/held/"):
        await fake.held()
        return _html(pages.site_page(SITE, "Held", ["<p>Released.</p>"]))
    streaming = {
        "/slow-drip": _slow_drip,
        "/hang": _hang,
        "/close-mid-body": _close_mid_body,
        "/close-before-headers": _close_before_headers,
        "/bomb.html": _gzip_bomb,
        "/huge.html": _huge,
    }
    if route in streaming:
        try:
            return await streaming[route](fake, request)
        except ConnectionError:  # the client went away mid-body: what these paths are for
            return web.Response(status=499)
    return None


_NGINX = {"Server": "nginx"}


def _html(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="text/html", charset="utf-8")


def _links(fake: FakeWeb) -> list[tuple[str, str]]:
    return [(a.path, a.title) for a in fake.articles[:12]]


def _status(status: int, request: web.Request) -> web.Response:
    headers = {}
    retry_after = request.query.get("retry_after")
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    body = f"<html><head><title>Error {status}</title></head><body><h1>Error {status}</h1>"
    return web.Response(
        status=status, text=body + "</body></html>", headers=headers, content_type="text/html"
    )


def _challenge() -> web.Response:
    response = _html(pages.challenge_page(), status=403)
    response.headers["cf-mitigated"] = "challenge"
    response.headers["Server"] = "cloudflare"
    return response


def _wayback(fake: FakeWeb, request: web.Request) -> web.Response:
    url = request.query.get("url", "")
    wanted = request.query.get("timestamp", "99991231235959").ljust(14, "0")
    snapshots = fake.archive_snapshots.get(url, [])
    if not snapshots:
        return web.json_response({"url": url, "archived_snapshots": {}})
    stamp, status = min(snapshots, key=lambda s: abs(int(s[0]) - int(wanted[:14])))
    closest = {
        "status": status,
        "available": True,
        "url": f"http://web.archive.org/web/{stamp}/{url}",
        "timestamp": stamp,
    }
    return web.json_response({"url": url, "archived_snapshots": {"closest": closest}})


async def _slow_drip(fake: FakeWeb, request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    await response.write(b"<html><body>")
    while not await fake.closing(0.05):
        await response.write(b".")
    return response


async def _hang(fake: FakeWeb, request: web.Request) -> web.StreamResponse:
    await fake.closing(3600)
    return web.Response(text="too late")


async def _close_mid_body(fake: FakeWeb, request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Length": "100000"})
    await response.prepare(request)
    await response.write(b"<html><body><p>" + b"x" * 1000)
    assert request.transport is not None
    request.transport.close()
    return response


async def _close_before_headers(fake: FakeWeb, request: web.Request) -> web.StreamResponse:
    assert request.transport is not None
    request.transport.close()
    await fake.closing(3600)  # cancelled when the server notices the connection is gone
    return web.Response()


async def _gzip_bomb(fake: FakeWeb, request: web.Request) -> web.StreamResponse:
    """1 GiB of HTML in about 1 MB of gzip."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
    )
    await response.prepare(request)
    for part in pages.gzip_bomb_blocks(1024):
        await response.write(part)
    await response.write(await asyncio.to_thread(pages.gzip_bomb_trailer, 1024))
    await response.write_eof()
    return response


async def _huge(fake: FakeWeb, request: web.Request) -> web.StreamResponse:
    """An HTML page that goes on for a gigabyte."""
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    await response.prepare(request)
    chunk = b"<p>" + b"lorem ipsum " * 5000 + b"</p>\n"
    sent = 0
    while sent < 1 << 30:
        await response.write(chunk)
        sent += len(chunk)
    await response.write_eof()
    return response
