"""Importing articles from the browser (paste or upload), with the CLI's parsers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from checker.model import ArticleIn
from checker.web.auth import require
from checker.web.keys import CLOCK, COUNTS, DB
from checker.web.render import render
from store.articles import ImportSummary, import_articles

FORMATS = ("auto", "json", "text", "markdown", "html")


class ImportProblem(ValueError):
    """The pasted or uploaded input cannot be imported; one line for the editor."""


def parse_input(
    data: bytes, fmt: str, *, name: str, refs: str | None, article_url: str | None
) -> Sequence[ArticleIn]:
    """The CLI's parsers, on bytes from a form or the API."""
    from checker.ingest import IngestError, parse_articles

    if fmt not in FORMATS:
        raise ImportProblem(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if not data.strip():
        raise ImportProblem("nothing to import: paste an article or choose a file")
    try:
        encoded_refs = refs.encode() if refs else None
        return parse_articles(data, fmt, name=name, refs=encoded_refs, article_url=article_url)
    except IngestError as exc:
        raise ImportProblem(str(exc)) from None


async def run_import(
    request: web.Request,
    data: bytes,
    fmt: str,
    *,
    name: str,
    refs: str | None,
    article_url: str | None,
) -> tuple[int, ImportSummary]:
    articles = parse_input(data, fmt, name=name, refs=refs, article_url=article_url)
    now = request.app[CLOCK]()
    summary = await request.app[DB].write(lambda s: import_articles(s, articles, now))
    request.app[COUNTS].invalidate()  # a re-import may retire flagged citations
    return len(articles), summary


async def import_page(request: web.Request) -> web.StreamResponse:
    require(request, "editor")
    return render(request, "import.html", formats=FORMATS, error=None, summary=None, form={})


async def import_submit(request: web.Request) -> web.StreamResponse:
    require(request, "editor")
    form = await request.post()
    fmt = str(form.get("format", "auto"))
    data, name = _payload(form)
    refs = str(form.get("refs", "")).strip() or None
    article_url = str(form.get("article_url", "")).strip() or None
    kept = {
        "format": fmt,
        "article_url": article_url or "",
        "refs": refs or "",
        "text": str(form.get("text", "")),
    }
    try:
        count, summary = await run_import(
            request, data, fmt, name=name, refs=refs, article_url=article_url
        )
    except ImportProblem as exc:
        return render(
            request,
            "import.html",
            status=400,
            formats=FORMATS,
            error=str(exc),
            summary=None,
            form=kept,
        )
    return render(
        request,
        "import.html",
        formats=FORMATS,
        error=None,
        form={},
        summary=summary.as_dict() | {"articles": count},
    )


def _payload(form: MultiDictProxy[Any]) -> tuple[bytes, str]:
    upload = form.get("file")
    if isinstance(upload, web.FileField) and upload.filename:
        return upload.file.read(), upload.filename
    return str(form.get("text", "")).encode(), "pasted text"
