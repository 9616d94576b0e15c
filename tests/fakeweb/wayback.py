"""The fake web's web archive (archive.test): the Wayback availability API, a CDX API,
replay of snapshots (`/web/<stamp>/<url>` and the raw `/web/<stamp>id_/<url>`), and a
Memento TimeMap (`/timemap/link/<url>`), all answering from `FakeWeb.wayback`
({url: {stamp: body}}) plus `FakeWeb.mementos` (extra TimeMap entries, any address);
and Save Page Now (POST `/save`, keys "LOW spn-key:spn-secret"), which records the URLs
it is given in `FakeWeb.spn_submissions` and answers as `FakeWeb.spn_answer` says:
"job" (a job id), "429" (Retry-After: 30), "declined" (too many daily captures),
"garbage" (HTML) or "500"."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .server import FakeWeb


SPN_KEYS = "LOW spn-key:spn-secret"


async def answer(fake: FakeWeb, request: web.Request) -> web.Response:
    path = request.path
    if path == "/save" and request.method == "POST":
        return await _save(fake, request)
    if path == "/cdx/search/cdx":
        return _cdx(fake, request)
    if path.startswith("/web/"):
        return _replay(fake, request)
    if path.startswith("/timemap/link/"):
        return _timemap(fake, request)
    return web.json_response({"error": "not found"}, status=404)


def _cdx(fake: FakeWeb, request: web.Request) -> web.Response:
    q = request.query
    url = q.get("url", "")
    rows = sorted(fake.wayback.get(url, {}).items())
    if "from" in q:
        rows = [r for r in rows if r[0] >= q["from"].ljust(14, "0")]
    if "to" in q:
        rows = [r for r in rows if r[0] <= q["to"].ljust(14, "9")]
    out = [[stamp, url, "200", _digest(body)] for stamp, body in rows]
    if q.get("collapse") == "digest":
        out = [r for i, r in enumerate(out) if i == 0 or out[i - 1][3] != r[3]]
    limit = int(q.get("limit", "0") or 0)
    if limit < 0:
        out = out[limit:]
    elif limit > 0:
        out = out[:limit]
    if not out:
        return web.json_response([])
    return web.json_response([["timestamp", "original", "statuscode", "digest"], *out])


def _replay(fake: FakeWeb, request: web.Request) -> web.Response:
    rest = request.raw_path[len("/web/") :]
    stamp, _, url = rest.partition("/")
    stamp = stamp.removesuffix("id_")
    body = fake.wayback.get(url, {}).get(stamp)
    if body is None:
        return web.Response(text="not in the archive", status=404)
    return web.Response(body=body, content_type="text/html", charset="utf-8")


def _timemap(fake: FakeWeb, request: web.Request) -> web.Response:
    url = request.raw_path[len("/timemap/link/") :]
    base = f"http://{request.host}"
    entries = [
        (f"{base}/web/{stamp}id_/{url}", stamp) for stamp in sorted(fake.wayback.get(url, {}))
    ]
    entries += fake.mementos.get(url, [])
    if not entries:
        return web.Response(text="no mementos", status=404)
    lines = [f'<{url}>; rel="original"']
    for uri, stamp in entries:
        taken = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        lines.append(f'<{uri}>; rel="memento"; datetime="{format_datetime(taken, usegmt=True)}"')
    return web.Response(text=",\n".join(lines), content_type="application/link-format")


async def _save(fake: FakeWeb, request: web.Request) -> web.Response:
    if request.headers.get("Authorization") != SPN_KEYS:
        return web.json_response({"message": "bad keys"}, status=401)
    url = str((await request.post()).get("url", ""))
    fake.spn_submissions.append(url)
    mode = fake.spn_answer
    if mode == "429":
        return web.json_response(
            {"message": "slow down"}, status=429, headers={"Retry-After": "30"}
        )
    if mode == "declined":
        return web.json_response(
            {"status": "error", "status_ext": "error:too-many-daily-captures", "message": "…"}
        )
    if mode == "garbage":
        return web.Response(text="<html>maintenance</html>", content_type="text/html")
    if mode == "500":
        return web.Response(text="oops", status=500)
    return web.json_response(
        {"url": url, "job_id": "spn2-" + hashlib.sha1(url.encode()).hexdigest()}
    )


def _digest(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest().upper()
