"""The dashboard pages, driven in-process: queue, flag, article, source, overview."""

from __future__ import annotations

import pytest

from tests.web_fixtures import ARCHIVE, HOSTILE, Client, Seeded, csrf_of


async def test_every_page_needs_a_login(anon: Client, seeded: Seeded) -> None:
    for path in ("/", f"/flags/{seeded.dead_flag}", "/overview", "/articles", "/import"):
        response = await anon.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"].startswith("/login?next=")


async def test_queue_lists_open_flags_most_severe_first_with_counts(editor: Client) -> None:
    response = await editor.get("/")
    page = await response.text()
    assert response.status == 200
    assert "evidence changed" in page and "not found" in page
    assert "dead <b>1</b>" in page  # the count per kind
    # both flags are high: the older (dead, opened day 2) comes first
    assert page.index("/flags/") < page.index("changed: number")


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?kind=dead", "not found", "changed: number"),
        ("?domain=stats.example", "changed: number", "not found"),
        ("?q=coverage", "changed: number", "not found"),
        ("?since=2026-01-08", "changed: number", "not found"),
        ("?until=2026-01-07", "not found", "changed: number"),
        ("?status=resolved", "No flags match", "changed: number"),
    ],
)
async def test_queue_filters(editor: Client, query: str, shown: str, hidden: str) -> None:
    page = await (await editor.get("/" + query)).text()
    assert shown in page
    assert hidden not in page


async def test_a_bad_filter_is_one_clear_message(editor: Client) -> None:
    response = await editor.get("/?since=yesterday")
    assert response.status == 400
    assert "since must be a date like 2026-01-31" in await response.text()


async def test_queue_pages_with_a_cursor(editor: Client, seeded: Seeded) -> None:
    from checker.settings import Settings, WebSettings
    from checker.web.app import create_app
    from tests.web_fixtures import NOW, TestClient, TestServer, login

    app = create_app(Settings(web=WebSettings(page_size=1)), seeded.db, clock=lambda: NOW)
    async with TestClient(TestServer(app)) as client:
        await login(client, "viewer")
        first = await (await client.get("/")).text()
        assert "not found" in first and "changed: number" not in first
        next_link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
        second = await (await client.get(next_link.replace("&amp;", "&"))).text()
        assert "changed: number" in second and "not found" not in second
        assert 'rel="next"' not in second


async def test_flag_page_shows_what_happened_and_the_diff(editor: Client, seeded: Seeded) -> None:
    page = await (await editor.get(f"/flags/{seeded.edited_flag}")).text()
    assert "<del>94</del>" in page and "<ins>91</ins>" in page
    assert "Correction: an earlier version misstated the figure." in page
    assert "Coverage reached 94 percent in 2024." in page  # the claim as published
    dead = await (await editor.get(f"/flags/{seeded.dead_flag}")).text()
    assert "301 https://gone.example/report" in dead  # redirect chain of the check
    assert ARCHIVE in dead
    assert "not found" in dead


async def test_a_dead_link_page_says_what_we_know_now_and_what_was_last_seen(
    editor: Client, seeded: Seeded
) -> None:
    dead = await (await editor.get(f"/flags/{seeded.dead_flag}")).text()
    assert (
        "When last seen" in dead
        and "The budget rose 3 percent" not in dead.split("Now</h3>")[1][:300]
    )
    assert "Support score" not in dead  # no stale all-clear for a source that is gone
    assert "Failing since 2026-" in dead and " UTC (" in dead  # a human time, with its zone
    token = await csrf_of(editor, f"/flags/{seeded.dead_flag}")
    await editor.post(
        f"/flags/{seeded.dead_flag}/action", data={"csrf_token": token, "action": "resolve"}
    )
    resolved = await (await editor.get(f"/flags/{seeded.dead_flag}")).text()
    assert "Failing since" not in resolved


async def test_hostile_source_content_is_escaped_everywhere(editor: Client, seeded: Seeded) -> None:
    paths = ["/", f"/flags/{seeded.edited_flag}", f"/articles/{seeded.article_id}", "/articles"]
    for path in paths:
        page = await (await editor.get(path)).text()
        assert HOSTILE not in page, path
        assert "&lt;script&gt;" in page, path


async def test_security_headers_on_every_response(editor: Client) -> None:
    for path in ("/", "/login", "/static/style.css", "/nowhere"):
        response = await editor.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_missing_things_are_404_pages(editor: Client) -> None:
    for path in ("/flags/999", "/flags/abc", "/articles/999", "/sources/999"):
        response = await editor.get(path)
        assert response.status == 404, path
        assert "<h1>" in await response.text()


async def test_article_and_source_views(editor: Client, seeded: Seeded) -> None:
    article = await (await editor.get(f"/articles/{seeded.article_id}")).text()
    assert "https://fine.example/page" in article and "evidence changed" in article
    assert article.count("<tr") == 4  # header + three citations
    source_link = article.split('href="/sources/')[1].split('"')[0]
    source = await (await editor.get(f"/sources/{source_link}")).text()
    assert "Cited by" in source and "The budget rose 3 percent." in source


async def test_overview_shows_counts_trend_chart_and_checks(editor: Client) -> None:
    page = await (await editor.get("/overview")).text()
    assert "<svg" in page and 'class="bar-opened"' in page
    assert "<b>1</b> articles" in page
    assert "2026-01-05" in page  # the week both flags opened in
    assert "Workers" in page


def test_charts_have_a_y_axis_and_labels_that_do_not_overlap() -> None:
    from datetime import date, timedelta
    from itertools import pairwise

    from checker.web.render import bar_chart

    weeks = [
        {"week": date(2026, 1, 5) + timedelta(weeks=i), "opened": i * 3, "resolved": i}
        for i in range(52)
    ]
    chart = bar_chart(weeks, ("opened", "resolved"), "week")
    assert [value for _, value in chart.ticks] == ["0", "76", "153"]  # 0, half, peak
    xs = [x for x, _ in chart.labels]
    widest = max(len(text) for _, text in chart.labels) * 6.5
    assert len(xs) > 4 and all(b - a >= widest for a, b in pairwise(xs))
    assert all(bar.x >= chart.left for bar in chart.bars)  # no bar over the y axis labels


async def test_times_are_shown_in_the_configured_zone_and_say_it(seeded: Seeded) -> None:
    import dataclasses

    from aiohttp.test_utils import TestClient, TestServer

    from checker.web.app import create_app
    from tests.web_fixtures import NOW, sign_in_directly, web_settings

    base = web_settings()
    berlin = dataclasses.replace(base, web=dataclasses.replace(base.web, timezone="Europe/Berlin"))
    app = create_app(berlin, seeded.db, clock=lambda: NOW)
    async with TestClient(TestServer(app)) as client:
        await sign_in_directly(client, seeded, "editor")
        page = await (await client.get(f"/flags/{seeded.dead_flag}")).text()
    assert "CET" in page and "UTC" not in page.split("<main")[1]  # January in Berlin
