"""The fetcher against the fake web: what it records for every way a source answers."""

from __future__ import annotations

import asyncio
import gzip
import resource
from dataclasses import replace

import pytest
from fakeweb import FakeWeb, NewsArticle

from checker.fetch import Fetcher
from checker.model import FetchErrorKind
from checker.settings import FetchSettings

NEWS = FakeWeb.NEWS


async def test_real_article_is_fetched_whole_with_its_validators(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    article = articles[0]
    result = await fetcher.fetch(fake_web.article_url(article))
    assert result.status == 200
    assert result.error is None
    assert result.body == article.html  # served compressed, recorded decompressed
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.final_url == fake_web.article_url(article)
    assert result.redirects == ()
    assert result.headers["etag"].startswith('"')
    assert "last-modified" in result.headers
    assert result.elapsed_ms > 0


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
async def test_unchanged_page_answers_304_to_a_conditional_request(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], validator: str
) -> None:
    url = fake_web.article_url(articles[1])
    first = await fetcher.fetch(url)
    kwargs = {"etag": first.headers["etag"]} if validator == "etag" else {}
    if validator == "last_modified":
        kwargs["last_modified"] = first.headers["last-modified"]
    again = await fetcher.fetch(url, **kwargs)
    assert again.status == 304
    assert again.not_modified
    assert again.body == b""


async def test_edited_page_is_fetched_again_despite_its_old_etag(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    article = articles[2]
    first = await fetcher.fetch(fake_web.article_url(article))
    word = article.paragraphs[0].split()[0]
    fake_web.replace_text(NEWS, article.path, word, "Reportedly")
    again = await fetcher.fetch(fake_web.article_url(article), etag=first.headers["etag"])
    assert again.status == 200
    assert not again.not_modified
    assert b"Reportedly" in again.body
    assert again.headers["etag"] != first.headers["etag"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/missing.html", 404), ("/gone.html", 410), ("/auth/401", 401), ("/forbidden", 403)],
)
async def test_http_errors_are_statuses_not_fetch_errors(
    fetcher: Fetcher, fake_web: FakeWeb, path: str, status: int
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, path))
    assert result.status == status
    assert result.error is None


async def test_permanent_redirect_is_followed_and_recorded(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, "/moved.html"))
    target = fake_web.article_url(fake_web.redirect_target)
    assert result.status == 200
    assert result.final_url == target
    assert [(h.url, h.status, h.location) for h in result.redirects] == [
        (fake_web.url(NEWS, "/moved.html"), 301, target)
    ]


async def test_redirect_chain_within_the_limit_is_followed(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, "/chain/3"))
    assert result.status == 200
    assert [h.status for h in result.redirects] == [301, 301, 301, 301]
    assert result.final_url == fake_web.article_url(fake_web.redirect_target)


async def test_too_many_redirects_stop_at_the_limit(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    settings = replace(fetch_settings, max_redirects=5)
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        result = await fetcher.fetch(fake_web.url(NEWS, "/chain/12"))
    assert result.error is FetchErrorKind.TOO_MANY_REDIRECTS
    assert len(result.redirects) == 6
    assert fake_web.hits(NEWS, "/chain/7") == 1  # the original URL and 5 redirects
    assert fake_web.hits(NEWS, "/chain/6") == 0  # never asked past the limit


async def test_redirect_loop_is_detected_before_the_limit(
    fetcher: Fetcher, fake_web: FakeWeb
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, "/loop/a"))
    assert result.error is FetchErrorKind.REDIRECT_LOOP
    assert [h.location for h in result.redirects] == [
        fake_web.url(NEWS, "/loop/b"),
        fake_web.url(NEWS, "/loop/a"),
    ]
    assert fake_web.hits(NEWS, "/loop/a") == 1


async def test_redirect_that_sets_a_cookie_and_comes_back_is_not_a_loop(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, "/cookie-wall"))
    assert result.status == 200
    assert result.body == fake_web.redirect_target.html
    assert [h.status for h in result.redirects] == [302]
    assert [v.headers.get("cookie") for v in fake_web.visits_to(NEWS)][-1] == "visited=1"


async def test_cookies_do_not_leak_from_one_fetch_to_the_next(
    fetcher: Fetcher, fake_web: FakeWeb
) -> None:
    fake_web.set_page(NEWS, "/sets-cookie", "<p>x</p>", headers={"Set-Cookie": "meter=9"})
    await fetcher.fetch(fake_web.url(NEWS, "/sets-cookie"))
    await fetcher.fetch(fake_web.url(NEWS, "/sets-cookie"))
    assert all("cookie" not in v.headers for v in fake_web.visits_to(NEWS))


@pytest.mark.parametrize("location", ["ftp://news.test/file", "javascript:alert(1)"])
async def test_redirect_to_another_scheme_is_not_followed(
    fetcher: Fetcher, fake_web: FakeWeb, location: str
) -> None:
    fake_web.set_page(NEWS, "/elsewhere", status=301, headers={"Location": location})
    result = await fetcher.fetch(fake_web.url(NEWS, "/elsewhere"))
    assert result.error is FetchErrorKind.BAD_URL
    assert len(result.redirects) == 1


@pytest.mark.parametrize("url", ["ftp://news.test/x", "mailto:desk@example.org", "not a url"])
async def test_only_http_and_https_are_fetched(fetcher: Fetcher, url: str) -> None:
    result = await fetcher.fetch(url)
    assert result.error is FetchErrorKind.BAD_URL
    assert result.status is None


@pytest.mark.parametrize(
    ("host", "scheme", "kind"),
    [
        (FakeWeb.NXDOMAIN, "http", FetchErrorKind.DNS),
        (FakeWeb.REFUSED, "http", FetchErrorKind.REFUSED),
        (FakeWeb.NEWS, "https", FetchErrorKind.TLS),  # TLS handshake with a plain-HTTP server
    ],
)
async def test_connection_failures_are_classified(
    fetcher: Fetcher, fake_web: FakeWeb, host: str, scheme: str, kind: FetchErrorKind
) -> None:
    url = fake_web.url(host, "/2020/story.html").replace("http://", f"{scheme}://")
    result = await fetcher.fetch(url)
    assert result.error is kind
    assert result.status is None
    assert result.error_message


@pytest.mark.parametrize(
    ("path", "kind", "status"),
    [
        ("/slow-drip", FetchErrorKind.TIMEOUT, 200),
        ("/hang", FetchErrorKind.TIMEOUT, None),
        ("/close-mid-body", FetchErrorKind.RESET, 200),
        ("/close-before-headers", FetchErrorKind.RESET, None),
    ],
)
async def test_servers_that_stall_or_hang_up_give_timeout_or_reset(
    fake_web: FakeWeb,
    fetch_settings: FetchSettings,
    path: str,
    kind: FetchErrorKind,
    status: int | None,
) -> None:
    settings = replace(fetch_settings, timeout_s=0.5)
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        result = await fetcher.fetch(fake_web.url(NEWS, path))
    assert result.error is kind
    assert result.status == status


@pytest.mark.parametrize("path", ["/bomb.html", "/huge.html"])
async def test_bodies_are_cut_at_max_bytes_even_after_decompression(
    fake_web: FakeWeb, fetch_settings: FetchSettings, path: str
) -> None:
    settings = replace(fetch_settings, max_bytes=1_000_000)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        result = await fetcher.fetch(fake_web.url(NEWS, path))
    peak_growth_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert result.status == 200
    assert result.error is FetchErrorKind.TOO_LARGE
    assert result.truncated
    assert len(result.body) == 1_000_000
    assert peak_growth_mib < 256  # the bomb expands to 1 GiB if read whole


def test_fake_bomb_really_expands_to_a_gigabyte() -> None:
    from fakeweb.pages import gzip_bomb_blocks, gzip_bomb_trailer

    small = b"".join(gzip_bomb_blocks(4)) + gzip_bomb_trailer(4)
    assert len(gzip.decompress(small)) == 4 * (1 << 20) + len(b"<html><body>")
    assert sum(len(b) for b in gzip_bomb_blocks(1024)) < 2_000_000


@pytest.mark.parametrize(
    ("path", "content_type", "charset", "starts"),
    [
        ("/report.pdf", "application/pdf", None, b"%PDF-"),
        ("/image.png", "image/png", None, b"\x89PNG"),
        ("/archive.zip", "application/zip", None, b"PK"),
        ("/notes.txt", "text/plain", "utf-8", b"Meeting"),
        ("/page.xhtml", "application/xhtml+xml", None, b"<?xml"),
        ("/latin1.html", "text/html", "iso8859-1", b"<html>"),
    ],
)
async def test_content_type_and_charset_are_recorded(
    fetcher: Fetcher,
    fake_web: FakeWeb,
    path: str,
    content_type: str,
    charset: str | None,
    starts: bytes,
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, path))
    assert (result.status, result.error) == (200, None)
    assert result.content_type == content_type
    assert result.charset == charset
    assert result.body.startswith(starts)


async def test_identifies_itself_with_user_agent_and_contact(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    settings = replace(fetch_settings, contact_url="mailto:desk@example.org")
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        await fetcher.fetch(fake_web.url(NEWS, "/"))
    agent = fake_web.visits_to(NEWS)[-1].headers["user-agent"]
    assert agent.startswith("citecheck/")
    assert "mailto:desk@example.org" in agent


async def test_robots_txt_disallow_gives_robots_error_without_asking_the_page(
    fetcher: Fetcher, fake_web: FakeWeb
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, "/private/report.html"))
    assert result.error is FetchErrorKind.ROBOTS
    assert result.status is None
    assert fake_web.hits(NEWS, "/private/report.html") == 0


async def test_robots_txt_is_fetched_once_per_host(fetcher: Fetcher, fake_web: FakeWeb) -> None:
    for path in ("/", "/politics/", "/missing.html", "/private/report.html"):
        await fetcher.fetch(fake_web.url(NEWS, path))
    assert fake_web.hits(NEWS, "/robots.txt") == 1


async def test_robots_txt_is_ignored_when_configured(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    settings = replace(fetch_settings, respect_robots=False)
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        result = await fetcher.fetch(fake_web.url(NEWS, "/private/report.html"))
    assert result.status == 200
    assert fake_web.hits(NEWS, "/robots.txt") == 0


async def test_short_retry_after_is_waited_out_and_retried_once(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    # the second answer is a real article page: needs the shared data (`articles` skips)
    result = await fetcher.fetch(fake_web.url(NEWS, "/flaky/503?retry_after=0"))
    assert result.status == 200
    assert fake_web.hits(NEWS, "/flaky/503?retry_after=0") == 2


async def test_retry_is_tried_only_once(fetcher: Fetcher, fake_web: FakeWeb) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, "/status/429?retry_after=0"))
    assert result.status == 429
    assert fake_web.hits(NEWS, "/status/429?retry_after=0") == 2


async def test_long_retry_after_is_returned_for_the_schedule(
    fetcher: Fetcher, fake_web: FakeWeb
) -> None:
    result = await fetcher.fetch(fake_web.url(NEWS, "/status/503?retry_after=7200"))
    assert result.status == 503
    assert result.headers["retry-after"] == "7200"
    assert fake_web.hits(NEWS, "/status/503?retry_after=7200") == 1


async def test_probe_asks_a_random_sibling_path_once_per_host(
    fetcher: Fetcher, fake_web: FakeWeb
) -> None:
    first = await fetcher.probe_not_found(fake_web.url(FakeWeb.SOFT404, "/2020/05/story.html"))
    again = await fetcher.probe_not_found(fake_web.url(FakeWeb.SOFT404, "/2021/other.html"))
    assert first is not None and first is again
    assert first.status == 200  # the soft-404 host answers 200 to anything
    assert first.url.startswith(fake_web.url(FakeWeb.SOFT404, "/2020/05/"))
    assert first.url.endswith(".html") and "story" not in first.url
    probes = [v for v in fake_web.visits_to(FakeWeb.SOFT404) if v.path != "/robots.txt"]
    assert len(probes) == 1


async def test_probe_is_off_when_disabled(fake_web: FakeWeb, fetch_settings: FetchSettings) -> None:
    settings = replace(fetch_settings, soft_404_probe=False)
    async with Fetcher(settings, resolver=fake_web.resolver()) as fetcher:
        assert await fetcher.probe_not_found(fake_web.url(NEWS, "/a.html")) is None
    assert fake_web.hits(NEWS) == 0


async def test_pages_of_one_host_checked_at_once_share_one_probe(
    fetcher: Fetcher, fake_web: FakeWeb
) -> None:
    urls = [fake_web.url(FakeWeb.SOFT404, f"/2020/story-{i}.html") for i in range(5)]
    probes = await asyncio.gather(*(fetcher.probe_not_found(u) for u in urls))
    assert all(p is probes[0] for p in probes)
    assert len([v for v in fake_web.visits_to(FakeWeb.SOFT404) if v.path != "/robots.txt"]) == 1
