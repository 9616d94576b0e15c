"""The demo's small web of sources, served on 127.0.0.1 under made-up `.demo.test` hosts.

`DemoWeb` changes over simulated days, the way real sources decay: on day 1 a figure is
corrected, a passage is deleted, a page dies, another moves. Hosts resolve through
`LoopbackResolver`, so the article can cite realistic URLs without any DNS or network.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<header><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/about">About</a></nav>
</header><main><article><h1>{title}</h1><p class="byline">Published by the {site} desk</p>
{paragraphs}</article></main>
<aside><h2>Most read</h2><ul><li>Council votes on parking fees</li>
<li>Weekend weather outlook</li></ul></aside><footer>© {site}</footer></body></html>"""

BUDGET = [
    "The city council on Tuesday approved the annual budget after a four-hour session.",
    "The budget totals $4.2 billion for fiscal year 2025, an increase of 3 percent over the "
    "previous year, driven mostly by transit and housing spending.",
    "Council members also agreed to review library opening hours before the summer.",
]
VACCINATION = [
    "The regional health office published its yearly immunization report on Monday.",
    "Measles vaccination coverage among children aged two reached 94 percent in 2024, "
    "up from 91 percent in 2022.",
    "Officials said school outreach programmes explained most of the improvement.",
]
BRIDGE = [
    "The Harbor Street bridge will close to car traffic for eighteen months starting in "
    "September while engineers replace its deck.",
    "Buses will be rerouted over the Mill Road crossing during the works.",
    "Cyclists and pedestrians will keep one protected lane throughout the closure.",
]
SURVEY = [
    "Our annual survey of 2,000 residents found that 61 percent use public transit at "
    "least once a week.",
    "Satisfaction with bus punctuality fell to 48 percent, the lowest in five years.",
]
GARDENING = [
    "Tomatoes grow best in full sun with at least six hours of light a day.",
    "Water deeply twice a week rather than a little every day, and mulch to keep the soil moist.",
    "Pinch out side shoots on cordon varieties to focus the plant's energy on fruit.",
]
FERRY = [
    "The island ferry will run every thirty minutes during the summer season, the port "
    "authority announced.",
    "Tickets bought online are ten percent cheaper than at the terminal.",
]


class DemoWeb:
    """The demo's sources; `day` moves them through their changes."""

    def __init__(self) -> None:
        self.day = 0
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/wayback/available", self._wayback)
        app.router.add_route("*", "/{tail:.*}", self._page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _page(self, request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0]
        path = request.path
        day = self.day
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nDisallow: /private/\n")
        if (host, path) == ("cityhall.demo.test", "/budget/2025"):
            paras = list(BUDGET)
            if day >= 1:  # the figure was quietly corrected
                paras[1] = paras[1].replace("$4.2 billion", "$3.9 billion")
            return _html("Council approves 2025 budget", "City Hall", paras)
        if (host, path) == ("health.demo.test", "/reports/immunization-2024"):
            return _html("Immunization report 2024", "Regional Health", VACCINATION)
        if (host, path) == ("news.demo.test", "/2024/06/harbor-bridge-closure"):
            paras = BRIDGE if day < 1 else [BRIDGE[1], BRIDGE[2]]  # the key passage was cut
            return _html("Harbor Street bridge to close", "Demo News", paras)
        if (host, path) == ("transit.demo.test", "/survey/2024"):
            if day >= 1:  # the survey page died on day 1
                return _not_found()
            return _html("Transit survey 2024", "Transit Authority", SURVEY)
        if (host, path) == ("garden.demo.test", "/tomatoes"):
            return _html("Growing tomatoes", "Garden Club", GARDENING)
        if (host, path) == ("ferry.demo.test", "/news/summer-timetable"):
            if day >= 1:  # the site was reorganised: permanent redirect
                raise web.HTTPMovedPermanently("/2024/summer-ferry-timetable")
            return _html("Summer ferry timetable", "Port Authority", FERRY)
        if (host, path) == ("ferry.demo.test", "/2024/summer-ferry-timetable"):
            return _html("Summer ferry timetable", "Port Authority", FERRY)
        if (host, path) == ("press.demo.test", "/releases/2023/transit-plan"):
            raise web.HTTPGone()
        return _not_found()

    async def _wayback(self, request: web.Request) -> web.Response:
        url = request.query.get("url", "")
        snapshot: dict[str, Any] = {}
        if "transit.demo.test" in url or "press.demo.test" in url:
            snapshot = {
                "closest": {
                    "available": True,
                    "url": f"http://web.archive.demo.test/web/20240101000000/{url}",
                    "timestamp": "20240101000000",
                    "status": "200",
                }
            }
        return web.json_response({"url": url, "archived_snapshots": snapshot})


def _html(title: str, site: str, paragraphs: list[str]) -> web.Response:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return web.Response(
        text=PAGE.format(title=title, site=site, paragraphs=body), content_type="text/html"
    )


def _not_found() -> web.Response:
    return web.Response(
        status=404,
        text="<html><head><title>Page not found</title></head><body>Not found</body></html>",
        content_type="text/html",
    )


class LoopbackResolver(AbstractResolver):
    """Resolves the given host names to 127.0.0.1:`port`; anything else fails like DNS."""

    def __init__(self, hosts: set[str] | None, port: int) -> None:
        self.hosts = hosts
        self.port = port

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        known = host in ("127.0.0.1", "localhost") or (self.hosts is None or host in self.hosts)
        if not known:
            raise OSError(socket.EAI_NONAME, f"Name or service not known: {host}")
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=self.port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


DEMO_HOSTS = {
    "cityhall.demo.test",
    "health.demo.test",
    "news.demo.test",
    "transit.demo.test",
    "garden.demo.test",
    "ferry.demo.test",
    "press.demo.test",
    "web.archive.demo.test",
}
