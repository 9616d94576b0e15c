"""Fetch + liveness end to end on the fake web, with real news pages as the healthy ones."""

from __future__ import annotations

import pytest
from fakeweb import FakeWeb, NewsArticle

from checker.fetch import Fetcher
from checker.liveness import classify
from checker.model import Liveness, LivenessState

A, D, B = LivenessState.ALIVE, LivenessState.DEAD, LivenessState.BLOCKED
M, T, U = LivenessState.MOVED, LivenessState.TRANSIENT, LivenessState.UNCHECKABLE
SITES = (FakeWeb.NEWS, FakeWeb.SOFT404, FakeWeb.CATCHALL, FakeWeb.REDIRECT_HOME)


async def check(fetcher: Fetcher, url: str) -> Liveness:
    """What the pipeline does: fetch, ask the random-path probe for a 200 HTML page, classify."""
    result = await fetcher.fetch(url)
    probe = None
    if result.status == 200 and result.content_type in ("text/html", "application/xhtml+xml"):
        probe = await fetcher.probe_not_found(result.final_url)
    return classify(result, probe=probe)


def paywalled(article: NewsArticle) -> bool:
    return "wsj.com" in article.original_url  # saved as teasers: "To Read the Full Story"


@pytest.mark.parametrize("host", SITES)
async def test_every_real_page_is_alive_on_every_kind_of_site(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], host: str
) -> None:
    verdicts = {a.path: await check(fetcher, fake_web.url(host, a.path)) for a in articles}
    alarms = {
        path: (v.state.value, v.reason, v.detail.get("cue"))
        for path, v in verdicts.items()
        if v.state is not A and not paywalled(fake_web.article_at(path))  # type: ignore[arg-type]
    }
    assert alarms == {}
    walled = [v for a, v in zip(articles, verdicts.values(), strict=True) if paywalled(a)]
    assert walled and all((v.state, v.reason) == (B, "paywall") for v in walled)


@pytest.mark.parametrize(
    ("host", "state", "reason"),
    [
        (FakeWeb.NEWS, D, "not_found"),
        (FakeWeb.SOFT404, D, "soft_404"),  # 200 "Page not found" template
        (FakeWeb.CATCHALL, D, "soft_404"),  # 200 home page: only the probe tells
        (FakeWeb.REDIRECT_HOME, D, "redirect_home"),
    ],
)
async def test_a_removed_article_is_dead_however_the_site_says_so(
    fetcher: Fetcher,
    fake_web: FakeWeb,
    articles: tuple[NewsArticle, ...],
    host: str,
    state: LivenessState,
    reason: str,
) -> None:
    article = fake_web.redirect_target
    assert (await check(fetcher, fake_web.url(host, article.path))).state is A
    fake_web.remove(host, article.path)
    verdict = await check(fetcher, fake_web.url(host, article.path))
    assert (verdict.state, verdict.reason) == (state, reason)


@pytest.mark.parametrize(
    ("host", "path", "state", "reason"),
    [
        (FakeWeb.NEWS, "/gone.html", D, "gone"),
        (FakeWeb.NEWS, "/moved.html", M, "moved"),
        (FakeWeb.NEWS, "/temporary.html", A, ""),
        (FakeWeb.NEWS, "/old/section/story.html", D, "redirect_home"),
        (FakeWeb.NEWS, "/section-redirect.html", D, "redirect_home"),
        (FakeWeb.NEWS, "/loop/a", D, "redirect_loop"),
        (FakeWeb.NEWS, "/chain/12", D, "too_many_redirects"),
        (FakeWeb.NEWS, "/status/503?retry_after=7200", T, "http_503"),
        (FakeWeb.NEWS, "/status/500", T, "http_500"),
        (FakeWeb.NEWS, "/status/429?retry_after=7200", B, "rate_limited"),
        (FakeWeb.NEWS, "/auth/401", B, "auth_required"),
        (FakeWeb.NEWS, "/forbidden", B, "forbidden"),
        (FakeWeb.NEWS, "/challenge", B, "bot_wall"),
        (FakeWeb.NEWS, "/captcha", B, "bot_wall"),
        (FakeWeb.NEWS, "/members/story.html", B, "login_wall"),
        (FakeWeb.NEWS, "/paywall/3.html", B, "paywall"),
        (FakeWeb.NEWS, "/private/report.html", B, "robots"),
        (FakeWeb.NEWS, "/close-mid-body", T, "reset"),
        (FakeWeb.NEWS, "/close-before-headers", T, "reset"),
        (FakeWeb.NEWS, "/image.png", U, "content_type"),
        (FakeWeb.NEWS, "/report.pdf", A, ""),
        (FakeWeb.NEWS, "/notes.txt", A, ""),
        (FakeWeb.NEWS, "/bomb.html", A, ""),
        (FakeWeb.PARKED, "/2019/11/story.html", D, "parked"),
        (FakeWeb.BOTWALL, "/2019/11/story.html", B, "bot_wall"),
        (FakeWeb.NXDOMAIN, "/2019/11/story.html", D, "dns"),
        (FakeWeb.REFUSED, "/2019/11/story.html", D, "refused"),
    ],
)
async def test_the_catalogue_is_judged_as_an_editor_would(
    fetcher: Fetcher,
    fake_web: FakeWeb,
    articles: tuple[NewsArticle, ...],
    host: str,
    path: str,
    state: LivenessState,
    reason: str,
) -> None:
    verdict = await check(fetcher, fake_web.url(host, path))
    assert (verdict.state, verdict.reason) == (state, reason)


async def test_rate_limited_source_tells_the_schedule_when_to_come_back(
    fetcher: Fetcher, fake_web: FakeWeb
) -> None:
    verdict = await check(fetcher, fake_web.url(FakeWeb.NEWS, "/status/429?retry_after=7200"))
    assert verdict.detail["retry_after_s"] == 7200.0


async def test_moved_source_names_the_new_url(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    verdict = await check(fetcher, fake_web.url(FakeWeb.NEWS, "/moved.html"))
    assert verdict.detail["new_url"] == fake_web.article_url(fake_web.redirect_target)
    assert verdict.detail["redirects"] == [
        f"301 {fake_web.url(FakeWeb.NEWS, '/moved.html')} -> {verdict.detail['new_url']}"
    ]


async def test_page_that_recovers_is_alive_again(
    fetcher: Fetcher, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    path = fake_web.redirect_target.path
    fake_web.set_page(FakeWeb.NEWS, path, "<h1>Service unavailable</h1>", status=503)
    assert (await check(fetcher, fake_web.url(FakeWeb.NEWS, path))).state is T
    fake_web.restore(FakeWeb.NEWS, path)
    assert (await check(fetcher, fake_web.url(FakeWeb.NEWS, path))).state is A
