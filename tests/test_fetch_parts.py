"""The pure parts of the fetcher: robots.txt rules, media type and charset, probe paths."""

from __future__ import annotations

import pytest
from yarl import URL

from checker.fetch import random_sibling
from checker.fetch.content import detect_charset, media_type, sniff_media_type
from checker.fetch.robots import agent_token, parse_robots, rules_for_status

ROBOTS = """
# a news site
User-agent: *
Disallow: /private/
Disallow: /search
Allow: /private/press/
Disallow: /*.json$
Disallow: /tmp/*/draft

User-agent: citecheck
User-agent: other-bot
Disallow: /no-checkers/

User-agent: BadBot
Disallow: /
"""


@pytest.mark.parametrize(
    ("agent", "path", "allowed"),
    [
        ("somebot", "/", True),
        ("somebot", "/private/", False),
        ("somebot", "/private/memo.html", False),
        ("somebot", "/private/press/release.html", True),  # longer Allow wins
        ("somebot", "/search?q=x", False),
        ("somebot", "/searching", False),  # prefix match, as RFC 9309 says
        ("somebot", "/data/feed.json", False),
        ("somebot", "/data/feed.json?x=1", True),  # $ anchors the end
        ("somebot", "/tmp/a/b/draft-1", False),
        ("somebot", "/tmp/draft", True),
        ("citecheck", "/private/memo.html", True),  # its own group replaces the * group
        ("citecheck", "/no-checkers/x", False),
        ("other-bot", "/no-checkers/x", False),  # a group may name several agents
        ("badbot", "/anything", False),
    ],
)
def test_robots_rules(agent: str, path: str, allowed: bool) -> None:
    assert parse_robots(ROBOTS, agent).allows(path) is allowed


@pytest.mark.parametrize(
    ("text", "path", "allowed"),
    [
        ("", "/x", True),
        ("User-agent: *\nDisallow:\n", "/x", True),  # empty Disallow allows all
        ("User-agent: *\nDisallow: /\nAllow: /news/\n", "/news/story", True),
        ("User-agent: *\nDisallow: /\nAllow: /news/\n", "/sport/story", False),
        ("User-agent: *\nAllow: /a\nDisallow: /a\n", "/a", True),  # tie: allow
        ("User-agent: *\nDisallow: /caf%C3%A9/\n", "/café/menu", False),
        ("<html><body>Page not found</body></html>", "/x", True),  # HTML served as robots.txt
        ("Disallow: /orphan\n", "/orphan", True),  # rules before any User-agent line
    ],
)
def test_robots_edge_cases(text: str, path: str, allowed: bool) -> None:
    assert parse_robots(text, "citecheck").allows(path) is allowed


@pytest.mark.parametrize(
    ("status", "allowed", "long_lived"),
    [
        (200, False, True),
        (404, True, True),
        (403, True, True),
        (503, True, False),
        (None, True, False),
    ],
)
def test_robots_answer_statuses(status: int | None, allowed: bool, long_lived: bool) -> None:
    rules, ttl = rules_for_status(status, "User-agent: *\nDisallow: /\n", "citecheck")
    assert rules.allows("/page") is allowed
    assert (ttl > 3600) is long_lived


@pytest.mark.parametrize(
    ("user_agent", "token"),
    [("citecheck/0.1 (+https://x)", "citecheck"), ("MyChecker", "MyChecker"), ("", "*")],
)
def test_agent_token(user_agent: str, token: str) -> None:
    assert agent_token(user_agent) == token


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/html; charset=UTF-8", "text/html"),
        ("Application/PDF", "application/pdf"),
        ("", ""),
        ("text/plain;format=flowed", "text/plain"),
    ],
)
def test_media_type(header: str, expected: str) -> None:
    assert media_type(header) == expected


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        ("text/html; charset=UTF-8", b"<html>", "utf-8"),
        ('text/html; charset="windows-1252"', b"<html>", "cp1252"),
        ("text/html", b"<html><head><meta charset='iso-8859-1'>", "iso8859-1"),
        (
            "text/html",
            b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
            "shift_jis",
        ),
        ("text/html; charset=no-such-charset", b"<html>", None),
        ("text/html", b"\xef\xbb\xbf<html>", "utf-8"),  # BOM beats everything
        ("text/html; charset=latin-1", b"\xef\xbb\xbf<html>", "utf-8"),
        ("text/html", b"<html><body>no declaration</body></html>", None),
        ("application/pdf", b"%PDF-1.4 <meta charset='utf-8'>", None),
    ],
)
def test_detect_charset(header: str, body: bytes, expected: str | None) -> None:
    assert detect_charset(header, body, media_type(header)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\n  <!DOCTYPE html><html>", "text/html"),
        (b"<HTML><BODY>", "text/html"),
        (b"\x89PNG\r\n", ""),
        (b"plain words", ""),
    ],
)
def test_sniff_media_type(body: bytes, expected: str) -> None:
    assert sniff_media_type(body) == expected


@pytest.mark.parametrize(
    ("url", "prefix", "suffix"),
    [
        ("http://a.test/2024/05/story-name.html", "http://a.test/2024/05/", ".html"),
        ("http://a.test/news/story-name", "http://a.test/news/", ""),
        ("http://a.test/section/", "http://a.test/section/", "/"),
        ("http://a.test/", "http://a.test/", ""),
        ("http://a.test/a.php?id=5#top", "http://a.test/", ".php"),
    ],
)
def test_random_sibling_keeps_the_shape_of_the_path(url: str, prefix: str, suffix: str) -> None:
    sibling = random_sibling(URL(url))
    text = str(sibling)
    assert text.startswith(prefix) and text.endswith(suffix)
    assert sibling.query_string == "" and sibling.fragment == ""
    assert sibling != URL(url)
    assert random_sibling(URL(url)) != sibling  # random each time
