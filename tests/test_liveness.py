"""The liveness classifier, one row per behaviour: what an editor is told about a fetch."""

from __future__ import annotations

import pytest
from liveness_cases import (
    ARTICLE,
    ARTICLE_TEXT,
    NOT_FOUND_TEMPLATE,
    OTHER,
    URL,
    A,
    B,
    D,
    M,
    T,
    U,
    fetched,
    html,
)

from checker.liveness import classify
from checker.model import FetchErrorKind, FetchResult, LivenessState

ERROR_ROWS = [
    ("dns", FetchErrorKind.DNS, D, "dns"),
    ("refused", FetchErrorKind.REFUSED, D, "refused"),
    ("tls", FetchErrorKind.TLS, D, "tls"),
    ("loop", FetchErrorKind.REDIRECT_LOOP, D, "redirect_loop"),
    ("too many redirects", FetchErrorKind.TOO_MANY_REDIRECTS, D, "too_many_redirects"),
    ("bad url", FetchErrorKind.BAD_URL, D, "bad_url"),
    ("timeout", FetchErrorKind.TIMEOUT, T, "timeout"),
    ("reset", FetchErrorKind.RESET, T, "reset"),
    ("protocol", FetchErrorKind.PROTOCOL, T, "protocol"),
    ("robots.txt", FetchErrorKind.ROBOTS, B, "robots"),
    ("ssrf guard", FetchErrorKind.FORBIDDEN_ADDRESS, B, "forbidden_address"),
]


@pytest.mark.parametrize(("case", "error", "state", "reason"), ERROR_ROWS)
def test_fetch_errors(case: str, error: FetchErrorKind, state: LivenessState, reason: str) -> None:
    verdict = classify(fetched(status=None, error=error))
    assert (verdict.state, verdict.reason) == (state, reason)
    assert verdict.detail["error"] == error.value


STATUS_ROWS = [
    ("404", fetched(NOT_FOUND_TEMPLATE, status=404), D, "not_found"),
    ("410", fetched(status=410), D, "gone"),
    ("401", fetched(status=401), B, "auth_required"),
    ("403", fetched(b"Forbidden", status=403), B, "forbidden"),
    ("407", fetched(status=407), B, "proxy_auth"),
    ("429", fetched(status=429), B, "rate_limited"),
    ("451", fetched(status=451), B, "legal"),
    ("500", fetched(status=500), T, "http_500"),
    ("502", fetched(status=502), T, "http_502"),
    ("503", fetched(status=503), T, "http_503"),
    ("400", fetched(status=400), T, "http_400"),
    ("300 without location", fetched(status=300), T, "http_300"),
    ("no status", fetched(status=None), T, "no_answer"),
    ("304", fetched(status=304, not_modified=True), A, "not_modified"),
    (
        "403 challenge page",
        fetched(html("Just a moment...", "<p>Checking your browser</p>"), status=403),
        B,
        "bot_wall",
    ),
    (
        "503 challenge header",
        fetched(b"", status=503, headers={"cf-mitigated": "challenge"}),
        B,
        "bot_wall",
    ),
]


@pytest.mark.parametrize(("case", "result", "state", "reason"), STATUS_ROWS)
def test_http_statuses(case: str, result: FetchResult, state: LivenessState, reason: str) -> None:
    verdict = classify(result)
    assert (verdict.state, verdict.reason) == (state, reason)
    assert verdict.detail["status"] == result.status


PAGE_ROWS = [
    ("real article", fetched(ARTICLE), A, ""),
    ("image", fetched(b"\x89PNG", content_type="image/png"), U, "content_type"),
    ("zip", fetched(b"PK\x03\x04", content_type="application/zip"), U, "content_type"),
    ("pdf", fetched(b"%PDF-1.4 ...", content_type="application/pdf"), A, ""),
    ("plain text", fetched(b"Minutes.\nThe vote passed.", content_type="text/plain"), A, ""),
    ("empty body", fetched(b"  "), T, "empty_body"),
    ("huge page cut", fetched(ARTICLE, error=FetchErrorKind.TOO_LARGE, truncated=True), A, ""),
    # soft 404 by cue
    (
        "title page not found",
        fetched(html("Page not found | News", "<p>Sorry.</p>")),
        D,
        "soft_404",
    ),
    ("title 404", fetched(html("404 - News Example", "<p>Oops.</p>")), D, "soft_404"),
    (
        "heading",
        fetched(html("News Example", "<h1>Sorry, we couldn't find that page</h1>")),
        D,
        "soft_404",
    ),
    (
        "first lines",
        fetched(html("News", "<p>The page you were looking for has moved or gone.</p>")),
        D,
        "soft_404",
    ),
    ("german", fetched(html("Seite nicht gefunden", "<p>Leider.</p>")), D, "soft_404"),
    (
        "article whose headline says not found",
        fetched(html("Missing hiker still not found after three days", ARTICLE_TEXT)),
        A,
        "",
    ),
    (
        "article about 404 pages",
        fetched(html("Error 404: a history of the page not found", ARTICLE_TEXT)),
        A,
        "",
    ),
    # parked domains
    (
        "sedo lander",
        fetched(html("news.example", "<h1>This domain may be for sale!</h1>")),
        D,
        "parked",
    ),
    ("buy this domain", fetched(html("Welcome", "<p>Buy this domain today.</p>")), D, "parked"),
    (
        "parking markup only",
        fetched(
            html(
                "news.example", "<p>Related links</p>", "<script src='//x/adsense/domains/caf.js'>"
            )
        ),
        D,
        "parked",
    ),
    (
        "article about a domain for sale",
        fetched(html("Why this domain is for sale: a market report", ARTICLE_TEXT)),
        A,
        "",
    ),
    # bot walls
    ("200 just a moment", fetched(html("Just a moment...", "<p>Wait</p>")), B, "bot_wall"),
    (
        "captcha",
        fetched(html("Are you a robot?", "<div class='g-recaptcha'></div>")),
        B,
        "bot_wall",
    ),
    (
        "200 with challenge header",
        fetched(ARTICLE, headers={"cf-mitigated": "challenge"}),
        B,
        "bot_wall",
    ),
    (
        "article with a captcha on its comment form",
        fetched(html("Council approves budget", ARTICLE_TEXT + "<div class='g-recaptcha'></div>")),
        A,
        "",
    ),
    # login walls
    (
        "sign-in form",
        fetched(html("Sign in", "<form><input type='password' name='p'></form>")),
        B,
        "login_wall",
    ),
    (
        "article with a newsletter sign-up",
        fetched(html("Sign in to save: council budget", ARTICLE_TEXT + "<input type='email'>")),
        A,
        "",
    ),
    # paywalls
    (
        "teaser then prompt",
        fetched(html("Budget", "<p>The council met.</p><h2>Subscribe to continue reading</h2>")),
        B,
        "paywall",
    ),
    (
        "schema.org not free, teaser only",
        fetched(
            html(
                "Budget",
                "<p>The council met.</p>",
                '<script>{"isAccessibleForFree": "False"}</script>',
            )
        ),
        B,
        "paywall",
    ),
    (
        "full article on a metered site",
        fetched(html("Budget", ARTICLE_TEXT + "<p>Already a subscriber? Log in.</p>")),
        A,
        "",
    ),
    (
        "full article marked not free",
        fetched(html("Budget", ARTICLE_TEXT, '<script>{"isAccessibleForFree":false}</script>')),
        A,
        "",
    ),
    (
        "geo block",
        fetched(html("Sorry", "<p>This content is not available in your region.</p>")),
        B,
        "geo_block",
    ),
]


@pytest.mark.parametrize(("case", "result", "state", "reason"), PAGE_ROWS)
def test_pages_that_answer_200(
    case: str, result: FetchResult, state: LivenessState, reason: str
) -> None:
    verdict = classify(result)
    assert (verdict.state, verdict.reason) == (state, reason)
    if state is not A:
        assert verdict.detail["cue"]  # the editor sees what fired


HOME = "https://news.example/"
REDIRECT_ROWS = [
    ("deep link to home", [(301, HOME)], ARTICLE, D, "redirect_home"),
    ("deep link to home via 302", [(302, HOME)], ARTICLE, D, "redirect_home"),
    ("to index.html", [(301, "https://news.example/index.html")], ARTICLE, D, "redirect_home"),
    ("to language root", [(301, "https://news.example/en/")], ARTICLE, D, "redirect_home"),
    ("to another site's home", [(301, "https://buyer.example/")], ARTICLE, D, "redirect_home"),
    ("to parent section", [(301, "https://news.example/2024/")], ARTICLE, D, "redirect_home"),
    ("to generic section", [(301, "https://news.example/politics")], ARTICLE, D, "redirect_home"),
    (
        "to the search page",
        [(302, "https://news.example/search?q=budget")],
        ARTICLE,
        D,
        "redirect_home",
    ),
    ("to tag listing", [(301, "https://news.example/tag/budget/")], ARTICLE, D, "redirect_home"),
    ("to login", [(302, "https://news.example/login?next=/x")], ARTICLE, B, "login_wall"),
    ("to consent wall", [(302, "https://consent.news.example/v2?x=1")], ARTICLE, B, "consent_wall"),
    ("permanent to new article", [(301, OTHER)], ARTICLE, M, "moved"),
    ("308 to another site", [(308, "https://archive.example/budget")], ARTICLE, M, "moved"),
    ("temporary to new article", [(302, OTHER)], ARTICLE, A, ""),
    ("https upgrade", [(301, URL.replace("https:", "http:"))], ARTICLE, A, ""),
    ("www added", [(301, URL.replace("news.", "www.news."))], ARTICLE, A, ""),
    ("trailing slash", [(301, URL + "/")], ARTICLE, A, ""),
    ("tracking stripped", [(301, URL)], ARTICLE, A, ""),  # from a utm-tagged URL, see below
    ("canonical then temporary", [(301, URL + "/"), (302, OTHER)], ARTICLE, A, ""),
    (
        "moved to a paywalled article",
        [(301, OTHER)],
        html("Budget", "<p>x</p><h2>Subscribe to continue reading</h2>"),
        M,
        "moved",
    ),
]


@pytest.mark.parametrize(("case", "hops", "body", "state", "reason"), REDIRECT_ROWS)
def test_redirects(
    case: str,
    hops: list[tuple[int, str]],
    body: bytes,
    state: LivenessState,
    reason: str,
) -> None:
    start = URL + "?utm_source=x&utm_medium=y" if case == "tracking stripped" else URL
    result = fetched(body, url=start, hops=tuple(hops))
    verdict = classify(result)
    assert (verdict.state, verdict.reason) == (state, reason)
    assert verdict.detail["redirects"][0].startswith(f"{hops[0][0]} {start} -> ")
    assert verdict.detail["final_url"] == hops[-1][1]
    if state is M:
        assert verdict.detail["new_url"] == hops[-1][1]


def test_home_page_redirecting_to_a_language_root_is_alive() -> None:
    result = fetched(ARTICLE, url=HOME, hops=((301, "https://news.example/en/"),))
    assert classify(result).state is A


SHELL = (
    b"<!DOCTYPE html><html><head><title>News</title><script src='/app.js'></script></head>"
    b'<body><div id="root"></div><script>window.__DATA__ = {}</script></body></html>'
)


def test_a_page_written_by_javascript_is_alive_even_when_every_path_serves_it() -> None:
    """A single-page app answers every path, the probe's too, with the same shell: it is
    a page we cannot read without a browser, never a soft 404."""
    probe = fetched(SHELL, url=URL.replace("council", "x7f3a9"))
    verdict = classify(fetched(SHELL), probe=probe)
    assert (verdict.state, verdict.reason) == (A, "script_shell")
    assert "JavaScript" in verdict.detail["cue"]
    article = classify(fetched(ARTICLE), probe=probe)
    assert article.reason != "script_shell"  # an article with scripts is an article
