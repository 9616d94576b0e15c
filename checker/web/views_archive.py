"""Downloads from the archive of record: a citation's WARC (dashboard and API alike: the
records of every capture, read from the archive folder off the event loop), and an
article's export (Robust Links for the CMS, its health as CSV or JSON)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from checker.archive import FolderArchive, archive_folder
from checker.archive.download import citation_warc
from checker.exports import FORMATS
from checker.exports import render as render_export
from checker.web.actions import MAX_ID, parse_id
from checker.web.auth import api_error, is_api
from checker.web.keys import DB, SETTINGS
from checker.web.render import render
from store import capture_views, exports
from store.tables import Article


def _citation_id(request: web.Request) -> int:
    found = parse_id(request.match_info["citation_id"])
    if found is None:
        raise web.HTTPNotFound(text=f"citation_id must be an id from 1 to {MAX_ID}")
    return found


def _missing(request: web.Request, message: str) -> web.StreamResponse:
    if is_api(request):
        return api_error(404, message)
    return render(request, "error.html", status=404, message=message)


async def warc_download(request: web.Request) -> web.StreamResponse:
    """GET …/citations/{citation_id}/archive.warc.gz: every capture of the citation."""
    citation_id = _citation_id(request)
    spans = await request.app[DB].read(capture_views.warc_spans, citation_id)
    if not spans:
        return _missing(request, "This citation has no capture in the archive yet.")
    archive = FolderArchive(archive_folder(request.app[SETTINGS]))
    try:
        data = await asyncio.to_thread(citation_warc, archive, spans)
    except OSError:
        return _missing(request, "The capture's WARC file is no longer in the archive folder.")
    return web.Response(
        body=data,
        content_type="application/warc",
        headers={"Content-Disposition": f'attachment; filename="citation-{citation_id}.warc.gz"'},
    )


_EXPORT_TYPES = {
    "robustlinks": ("text/html", "html"),
    "csv": ("text/csv", "csv"),
    "json": ("application/json", "json"),
}


async def article_export(request: web.Request) -> web.StreamResponse:
    """GET /articles/{article_id}/export?format=robustlinks|csv|json"""
    found = parse_id(request.match_info["article_id"])
    fmt = request.query.get("format", "robustlinks")
    if fmt not in FORMATS:
        return render(
            request,
            "error.html",
            status=400,
            message=f"format must be one of {', '.join(FORMATS)}.",
        )

    def read(session: Any) -> dict[str, Any] | None:
        article = session.get(Article, found) if found else None
        return None if article is None else exports.article_health(session, article)

    data = await request.app[DB].read(read)
    if data is None:
        return _missing(request, "There is no such article.")
    media, extension = _EXPORT_TYPES[fmt]
    return web.Response(
        text=render_export(data, fmt),
        content_type=media,
        headers={"Content-Disposition": f'attachment; filename="article-{found}.{extension}"'},
    )
