"""What a URL says about the page behind it: the same resource, a home page, a section.

Pure helpers shared by the classifier and the random-path probe comparison.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ref", "smid", "ocid")
_HOME_PATHS = frozenset(
    {"", "/index.html", "/index.htm", "/index.php", "/index.asp", "/default.aspx", "/home"}
)
GENERIC_SECTIONS = frozenset(
    (
        *("news", "politics", "world", "business", "sport", "sports", "tech", "technology"),
        *("science", "health", "opinion", "culture", "entertainment", "lifestyle", "video"),
        *("videos", "blog", "articles", "stories", "archive", "archives", "search", "latest"),
        *("local", "national", "us", "uk", "europe"),
    )
)
_LANGUAGE_ROOT = re.compile(r"/[a-zA-Z]{2}(?:[-_][a-zA-Z]{2})?")
LISTING_PREFIXES = ("/category/", "/categories/", "/tag/", "/tags/", "/topics/", "/topic/")


def identity(url: str) -> tuple[str, str, str]:
    """What stays the same when a site only canonicalizes a URL: scheme, www., a trailing
    slash, an index file, tracking parameters and the fragment do not count."""
    parts = urlsplit(url)
    query = urlencode(sorted(query_items(parts.query)))
    return site(parts.hostname), clean_path(parts.path).lower(), query


def query_items(query: str) -> list[tuple[str, str]]:
    items = parse_qsl(query, keep_blank_values=True)
    return [(k, v) for k, v in items if not k.lower().startswith(_TRACKING)]


def site(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    for prefix in ("www.", "m."):  # the same site on another front door
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def clean_path(path: str) -> str:
    path = path.rstrip("/")
    for index in ("/index.html", "/index.htm", "/index.php"):
        if path.lower().endswith(index):
            path = path[: -len(index)]
    return path


def is_home(path: str) -> bool:
    # A bare language root ("/en", "/de-at") is a home page too.
    return path.lower() in _HOME_PATHS or _LANGUAGE_ROOT.fullmatch(path) is not None


def is_home_or_listing(url: str) -> bool:
    """A site's home page, a generic section or a tag/category listing: not an article."""
    parts = urlsplit(url)
    path = clean_path(parts.path)
    if is_home(path) and not query_items(parts.query):
        return True
    segments = [s for s in path.split("/") if s]
    if len(segments) == 1 and segments[0].lower() in GENERIC_SECTIONS:
        return True
    return (path + "/").lower().startswith(LISTING_PREFIXES)
