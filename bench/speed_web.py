"""The fake web of bench/bench_speed.py, run in its own process.

    python bench/speed_web.py PORT PAGES_DIR HOST [HOST ...]

Answers on every HOST (loopback addresses) and on 127.0.0.1 at PORT:

- `/s/<n>`: the n-th source, the real page `PAGES_DIR/base-<n % k>.html` made unique by a
  comment naming n (so no two sources share a body hash);
- `/big`: `PAGES_DIR/big.html` (the 2 MB page);
- `/_bench/etag/on` and `/_bench/etag/off` (POST): whether answers carry an ETag and a
  matching If-None-Match gets a 304 (off at start: plain 200s without validators);
- `/_bench/arrivals` (GET): the arrival times (monotonic seconds) of the requests made to
  each address since the last call, as JSON {address: [t, ...]}; the call clears them;
- `/_bench/statuses` (GET): how many 200s and 304s were answered since the last call.

Every answer carries a `LinkChecker` header: LinkChecker then lifts its own per-host rate
limit (as citecheck's per_host_delay_s is 0 in the throughput runs), so both run unthrottled.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

CONTROL = "127.0.0.1"


def make_app(pages_dir: Path) -> web.Application:
    base = [p.read_bytes() for p in sorted(pages_dir.glob("base-*.html"), key=_number)]
    big_path = pages_dir / "big.html"
    big = big_path.read_bytes() if big_path.is_file() else b""
    state = {"etag": False}
    arrivals: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[int] = Counter()

    def answer(request: web.Request, body: bytes) -> web.Response:
        headers = {"LinkChecker": "1"}
        if state["etag"]:
            etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                statuses[304] += 1
                return web.Response(status=304, headers=headers)
        statuses[200] += 1
        return web.Response(body=body, headers=headers, content_type="text/html", charset="utf-8")

    @web.middleware
    async def record(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        if sockname and sockname[0] != CONTROL:
            arrivals[sockname[0]].append(time.monotonic())
        return await handler(request)

    async def source(request: web.Request) -> web.Response:
        return answer(request, source_body(base, int(request.match_info["n"])))

    async def big_page(request: web.Request) -> web.Response:
        return answer(request, big) if big else web.Response(status=404)

    async def etag(request: web.Request) -> web.Response:
        state["etag"] = request.match_info["mode"] == "on"
        return web.json_response(state)

    async def arrivals_since(request: web.Request) -> web.Response:
        taken = {host: list(times) for host, times in arrivals.items()}
        arrivals.clear()
        return web.json_response(taken)

    async def statuses_since(request: web.Request) -> web.Response:
        taken = {str(status): count for status, count in statuses.items()}
        statuses.clear()
        return web.json_response(taken)

    app = web.Application(middlewares=[record])
    app.router.add_get(r"/s/{n:\d+}", source)
    app.router.add_get("/big", big_page)
    app.router.add_post("/_bench/etag/{mode:on|off}", etag)
    app.router.add_get("/_bench/arrivals", arrivals_since)
    app.router.add_get("/_bench/statuses", statuses_since)
    return app


def source_body(base: list[bytes], n: int) -> bytes:
    """The n-th source's page: a real page made unique by a comment naming n."""
    page = base[n % len(base)]
    marker = f"<!-- source {n} -->".encode()
    at = page.rfind(b"</body>")
    return page + marker if at < 0 else page[:at] + marker + page[at:]


def _number(path: Path) -> int:
    return int(path.stem.split("-")[1])


if __name__ == "__main__":
    port, pages, *hosts = sys.argv[1:]
    web.run_app(
        make_app(Path(pages)),
        host=[CONTROL, *hosts],
        port=int(port),
        print=None,
        access_log=None,
    )
