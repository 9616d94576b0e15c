"""normalize_url / host_of: one spelling per page, clear errors for what cannot be cited."""

from __future__ import annotations

import pytest

from checker.urls import MAX_URL_LENGTH, BadUrl, host_of, normalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com", "http://example.com/"),
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://example.com/../../a", "https://example.com/a"),
        ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
        ("https://example.com/%7Euser/%41", "https://example.com/~user/A"),
        ("https://example.com/caf\u00e9 menu", "https://example.com/caf%C3%A9%20menu"),
        ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://b\u00fccher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com./a", "https://example.com/a"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://127.0.0.1:80/x", "http://127.0.0.1/x"),
        ("  https://example.com/a\n  ", "https://example.com/a"),
        ("https://exam\tple.com/a", "https://example.com/a"),
        (
            "https://example.com/s?utm_source=x&q=heat&UTM_Medium=y&page=2&fbclid=abc",
            "https://example.com/s?q=heat&page=2",
        ),
        ("https://example.com/s?b=2&a=1", "https://example.com/s?b=2&a=1"),
        (
            "https://example.com/s?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref_src=5",
            "https://example.com/s",
        ),
        ("https://example.com/s?q=a+b&x=%7e", "https://example.com/s?q=a+b&x=~"),
        ("https://example.com/s?q=caf\u00e9", "https://example.com/s?q=caf%C3%A9"),
        ("https://example.com/s?flag", "https://example.com/s?flag"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("../d?x=1#y", "https://example.com/a/b/c", "https://example.com/a/d?x=1"),
        ("/about", "https://example.com/news/story", "https://example.com/about"),
        ("//cdn.example.net/x", "https://example.com/", "https://cdn.example.net/x"),
        ("story-2", "https://example.com/news/", "https://example.com/news/story-2"),
        ("https://other.example/x", "https://example.com/", "https://other.example/x"),
    ],
)
def test_relative_urls_resolve_against_the_base(url: str, base: str, expected: str) -> None:
    assert normalize_url(url, base) == expected


def test_equal_pages_normalize_to_one_url() -> None:
    spellings = [
        "HTTPS://WWW.Example.com:443/a/./b?utm_source=x#top",
        "https://www.example.com/a/b",
        "https://www.example.com/a/c/../b?utm_campaign=spring",
    ]
    assert len({normalize_url(u) for u in spellings}) == 1


@pytest.mark.parametrize(
    ("url", "base", "message"),
    [
        ("javascript:alert(1)", None, "javascript:"),
        ("mailto:desk@example.com", None, "mailto:"),
        ("ftp://files.example.com/report.pdf", None, "ftp:"),
        ("data:text/plain,hello", None, "data:"),
        ("file:///etc/passwd", None, "file:"),
        ("/relative/path", None, "not an absolute URL"),
        ("www.example.com/page", None, "not an absolute URL"),
        ("localhost:8000/page", None, "not an absolute URL"),
        ("", None, "empty URL"),
        ("   ", None, "empty URL"),
        ("http://", None, "no host"),
        ("http://example.com:99999/", None, "invalid port"),
        ("http://example.com:abc/", None, "invalid port"),
        ("http://exa mple.com/", None, "invalid host name"),
        ("http://[zz]/", None, "malformed"),
        ("/x", "mailto:a@example.com", "mailto:"),
        ("https://example.com/" + "a" * MAX_URL_LENGTH, None, "longer than"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, base: str | None, message: str) -> None:
    with pytest.raises(BadUrl, match=message):
        normalize_url(url, base)


def test_bad_url_is_a_value_error_naming_the_url() -> None:
    with pytest.raises(ValueError, match=r"'ftp://x\.example/f'"):
        normalize_url("ftp://x.example/f")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Example.com:8443/x", "www.example.com"),
        ("http://user:pw@example.com/", "example.com"),
        ("http://[::1]:8080/", "[::1]"),
        ("https://b\u00fccher.example/", "xn--bcher-kva.example"),
        ("http://127.0.0.1:8765/a", "127.0.0.1"),
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host


def test_host_of_rejects_non_web_urls() -> None:
    with pytest.raises(BadUrl):
        host_of("mailto:a@example.com")
