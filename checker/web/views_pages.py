"""Dashboard pages around the queue: overview, articles, one article, one source."""

from __future__ import annotations

from aiohttp import web

from checker.web.actions import parse_id
from checker.web.keys import CLOCK, COUNTS, DB, SETTINGS
from checker.web.render import bar_chart, render
from store import overview as stats
from store.discovery import publication_health


def _id(request: web.Request, name: str) -> int:
    found = parse_id(request.match_info[name])
    if found is None:
        raise web.HTTPNotFound(text=f"no such {name.removesuffix('_id')}")
    return found


async def overview_page(request: web.Request) -> web.StreamResponse:
    db = request.app[DB]
    now = request.app[CLOCK]()
    data = await db.read(stats.overview, now)
    publications = await db.read(publication_health, now)
    counts = await request.app[COUNTS].get()
    weekly = bar_chart(data["weekly"], ("opened", "resolved"), "week")
    hourly = bar_chart(
        data["hourly_checks"],
        ("checks",),
        "hour",
        label_format=lambda h: h.strftime("%H:00"),
    )
    return render(
        request,
        "overview.html",
        data=data,
        counts=counts,
        weekly=weekly,
        hourly=hourly,
        publications=publications,
    )


async def articles_page(request: web.Request) -> web.StreamResponse:
    after_text = request.query.get("after", "")
    after = parse_id(after_text)
    support = request.query.get("support", "")
    if support not in ("", *stats.SUPPORT_STATES):
        support = ""
    size = request.app[SETTINGS].web.page_size
    rows, next_after = await request.app[DB].read(
        lambda s: stats.article_page(s, after_id=after, limit=size, support=support)
    )
    return render(request, "articles.html", rows=rows, next_after=next_after, support=support)


async def article_page(request: web.Request) -> web.StreamResponse:
    article_id = _id(request, "article_id")
    data = await request.app[DB].read(stats.article_view, article_id)
    if data is None:
        return render(request, "error.html", status=404, message="There is no such article.")
    return render(request, "article.html", d=data)


async def source_page(request: web.Request) -> web.StreamResponse:
    source_id = _id(request, "source_id")
    data = await request.app[DB].read(stats.source_view, source_id)
    if data is None:
        return render(request, "error.html", status=404, message="There is no such source.")
    return render(request, "source.html", d=data)
