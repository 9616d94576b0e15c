"""What the liveness cues read from a body, read once: `PageFacts`.

Pure. `page_facts` parses the head of a page (title, headings, visible text without
navigation chrome, how much paragraph text there is, the canonical URL, a few markup
markers); `facts_of_tree` reads them from a tree the extraction worker parsed already;
`similarity` compares two pages' visible text, for the random-path probe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from checker.text import normalize, words

_PARSE_BYTES = 1_500_000  # the head of a page is enough to know what kind of page it is
_MARKUP_CHARS = 300_000
_TEXT_CHARS = 50_000  # visible text kept: cues read the top, similarity needs no more
SHORT_PAGE_WORDS = 200  # fewer paragraph words than this: not an article
_DROPPED = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside")


@dataclass(frozen=True)
class PageFacts:
    title: str = ""
    headings: tuple[str, ...] = ()  # h1/h2 texts, in order
    text: str = ""  # visible text without scripts and navigation chrome
    paragraph_words: int = 0  # words in <p> elements: a proxy for article text
    password_field: bool = False
    markup: str = ""  # lower-cased head of the raw markup (short pages only), for markers
    canonical: str = ""  # <link rel=canonical> or og:url, as written (may be relative)

    @property
    def short(self) -> bool:
        return self.paragraph_words < SHORT_PAGE_WORDS


def page_facts(body: bytes, content_type: str, charset: str | None = None) -> PageFacts:
    """What the cues look at; empty facts for bodies that are not HTML or text."""
    if content_type == "text/plain":
        raw = body[:_PARSE_BYTES].decode(charset or "utf-8", "replace").strip()
        text = normalize(raw)
        first_line = normalize(raw.split("\n", 1)[0])[:200]
        return PageFacts(title=first_line, text=text, paragraph_words=len(words(text)))
    if content_type not in ("text/html", "application/xhtml+xml", ""):
        return PageFacts()
    head = body[:_PARSE_BYTES]
    root = _parse(head, charset)
    if root is None:
        return PageFacts(markup=_markup(head, charset))
    return facts_of_tree(root, body, charset)


def facts_of_tree(root: Any, body: bytes, charset: str | None = None) -> PageFacts:
    """The facts of an HTML page already parsed into `root` (from `body`), so that the
    extraction worker reads cues and main text from one parse. `root` is changed: its
    scripts and navigation chrome are emptied (pass a copy to keep it)."""
    head = body[:_PARSE_BYTES]
    title = _clean(_text_of(root.find(".//title")))
    password = bool(root.xpath(".//input[@type='password']"))
    canonical = _canonical(root)
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROPPED)):
        element.clear(keep_tail=True)  # gone, but the text that follows it stays
    headings = tuple(_clean(_text_of(h)) for h in root.xpath("//h1|//h2")[:8])
    # Whitespace-separated tokens are close enough to words for "is this an article?".
    paragraph_words = sum(len("".join(p.itertext()).split()) for p in root.iter("p"))
    # Not normalized (the cues' patterns accept typographic apostrophes): on a long page
    # only the probe comparison reads the text, and it normalizes what it reads.
    text = _opening_text(root)
    # Markup markers only matter on short pages (every cue that reads them says so).
    markup = _markup(head, charset) if paragraph_words < SHORT_PAGE_WORDS else ""
    return PageFacts(title, headings, text, paragraph_words, password, markup, canonical)


def _opening_text(root: Any) -> str:
    """The first _TEXT_CHARS characters of the visible text, spaces collapsed, read no
    further than needed (a 2 MB page has megabytes more)."""
    kept: list[str] = []
    length = 0
    for chunk in root.itertext():
        words = chunk.split()
        kept.extend(words)
        length += sum(map(len, words)) + len(words)
        if length > _TEXT_CHARS:
            break
    return " ".join(kept)[:_TEXT_CHARS]


def _canonical(root: Any) -> str:
    """The URL the page says it lives at: rel=canonical first, then og:url."""
    for href in root.xpath("//link[@href]"):
        if "canonical" in (href.get("rel") or "").lower().split():
            return str(href.get("href")).strip()[:2048]
    for meta in root.xpath("//meta[@content]"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            return str(meta.get("content")).strip()[:2048]
    return ""


def _markup(head: bytes, charset: str | None) -> str:
    return head[:_MARKUP_CHARS].decode(charset or "utf-8", "replace").lower()


def _parse(head: bytes, charset: str | None) -> Any:
    # lxml.etree's parser, not lxml.html's: no Python call per element, several times faster.
    for encoding in (charset, None) if charset else (None,):
        try:
            parser = etree.HTMLParser(encoding=encoding, remove_comments=True)
            return etree.fromstring(head, parser=parser)
        except LookupError:  # a charset Python knows and libxml2 does not: let it sniff
            continue
        except (etree.ParserError, ValueError):
            return None
    return None


def _text_of(element: Any) -> str:
    return "" if element is None else " ".join("".join(element.itertext()).split())


def _clean(text: str) -> str:
    return normalize(text)


def first_match(patterns: re.Pattern[str], *texts: str) -> str | None:
    for text in texts:
        match = patterns.search(text)
        if match:
            return match.group(0)
    return None


def any_of(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def similarity(a: PageFacts, b: PageFacts, *, ignore: frozenset[str] = frozenset()) -> float:
    """Jaccard similarity of the word 3-shingles of two pages' visible text (0..1),
    leaving out `ignore` (the words of both URLs, which a template echoes back)."""
    first = _shingles(a.title + " " + a.text, ignore)
    second = _shingles(b.title + " " + b.text, ignore)
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


def _shingles(text: str, ignore: frozenset[str]) -> set[tuple[str, ...]]:
    tokens = [w for w in words(text) if w not in ignore and not _looks_random(w)]
    if len(tokens) < 3:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def _looks_random(token: str) -> bool:
    # Request ids, cache busters and echoed random paths differ on every answer.
    return len(token) >= 12 and any(c.isdigit() for c in token)
