"""Which listed URLs are article pages: a publication's include / exclude patterns.

A pattern is a glob matched against the URL's path (and query, when it has one):
`/2024/*/*.html`, `/news/**`, `*/tag/*`. `*` and `**` both match across `/` (fnmatch),
`?` one character, `[abc]` a set. A pattern starting with `re:` is a Python regular
expression searched anywhere in the whole URL: `re:/\\d{4}/\\d{2}/`.

A URL is an article when it matches no exclude pattern and, if include patterns are
given, at least one of them. Without include patterns, pages that are navigation by
their address (tag, category, author, archive and pagination pages, login and search
pages: courlan's filters, the ones trafilatura's crawler uses) are left out too.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit


class PatternError(ValueError):
    """A pattern that cannot be used; the message quotes it."""


@dataclass(frozen=True)
class UrlPattern:
    text: str
    regex: re.Pattern[str]
    whole_url: bool

    def matches(self, url: str) -> bool:
        if self.whole_url:
            return self.regex.search(url) is not None
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        return self.regex.match(target) is not None


def compile_pattern(text: str) -> UrlPattern:
    if not text.strip():
        raise PatternError("an empty pattern matches nothing useful")
    if text.startswith("re:"):
        try:
            return UrlPattern(text, re.compile(text[3:]), whole_url=True)
        except re.error as exc:
            raise PatternError(f"{text!r} is not a valid regular expression ({exc})") from None
    return UrlPattern(text, re.compile(fnmatch.translate(text)), whole_url=False)


@dataclass(frozen=True)
class UrlFilter:
    include: tuple[UrlPattern, ...] = ()
    exclude: tuple[UrlPattern, ...] = ()

    @classmethod
    def of(cls, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> UrlFilter:
        return cls(
            tuple(compile_pattern(p) for p in include), tuple(compile_pattern(p) for p in exclude)
        )

    def accepts(self, url: str) -> bool:
        if any(p.matches(url) for p in self.exclude):
            return False
        if self.include:
            return any(p.matches(url) for p in self.include)
        return not _navigation(url)


def _navigation(url: str) -> bool:
    # imported here: settings validate patterns at start-up, and courlan takes 80 ms to load
    from courlan.filters import is_navigation_page, is_not_crawlable

    return bool(is_navigation_page(url) or is_not_crawlable(url))
