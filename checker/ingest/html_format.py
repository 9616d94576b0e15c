"""HTML article pages: metadata from the head, citations from the article body.

Article URL: <link rel=canonical>, else og:url, else the URL given by the caller,
else the file's URI. Title: og:title, else <title>, else the first <h1>.
The body is the largest of [itemprop=articleBody], <article>, <main>, [role=main]
(with at least a paragraph's worth of text), else the element with the most
paragraph text. Which links in it are citations: see html_links.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from checker.ingest.assemble import article_url, build_article, web_base
from checker.ingest.errors import IngestError, NoCitationsError, Problems
from checker.ingest.html_links import collect_citations, resolve_href
from checker.model import ArticleIn
from checker.urls import BadUrl, normalize_url

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROPPED = "//script|//style|//noscript|//template|//svg|//iframe"
_BODY_CANDIDATES = (
    "//*[@itemprop='articleBody']",
    "//article",
    "//main",
    "//*[@role='main']",
)
MIN_BODY_CHARS = 200  # a teaser card is an <article> too; the article has paragraphs


def parse_html(
    text: str,
    *,
    name: str,
    given_url: str | None,
    fallback_url: str | None,
    same_site_only: bool = False,
) -> ArticleIn:
    """The article of one page. `same_site_only` (a page fetched from its site): a
    canonical URL or og:url on another host than `given_url` is ignored; a syndicated
    copy names its original there, and the copy is the article being watched."""
    try:
        doc = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise IngestError(
            f"{name}: not a readable HTML page ({exc}); save the page again"
        ) from None
    for element in doc.xpath(_DROPPED):
        element.drop_tree()
    problems = Problems(name)
    url = _article_url(doc, given_url, fallback_url, problems, same_site_only)
    base = _base(doc, url)
    body = _article_body(doc)
    citations = collect_citations(doc, body, base=base, article_url=url, problems=problems)
    if not citations and not problems:
        raise NoCitationsError(
            f"{name}: no citations found: the article body has no links to sources "
            "nor footnotes that point to one"
        )
    article = build_article(
        url=url,
        title=_title(doc) or Path(name).stem,
        citations=citations,
        published_at=_published(doc),
        tags=tuple(_meta_all(doc, "article:tag")),
        label="",
        problems=problems,
    )
    problems.raise_if_any()
    assert article is not None  # a missing URL is a recorded problem
    return article


def _meta_all(doc: lxml.html.HtmlElement, key: str) -> list[str]:
    values = doc.xpath("//meta[@property=$key or @name=$key or @itemprop=$key]/@content", key=key)
    return [str(v).strip() for v in values if str(v).strip()]


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _article_url(
    doc: lxml.html.HtmlElement,
    given: str | None,
    fallback: str | None,
    problems: Problems,
    same_site_only: bool = False,
) -> str | None:
    """The page's own declaration wins; an unusable one is skipped, not an error."""
    declared = doc.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
    ) + _meta_all(doc, "og:url")
    for raw in declared:
        try:
            url = normalize_url(str(raw), web_base(given))
        except BadUrl:
            continue
        if same_site_only and given and _site(url) != _site(given):
            continue
        return url
    if given:
        return article_url(given, "the given article URL", problems)
    if fallback:
        return fallback
    problems.add(
        "the page names no URL (no <link rel=canonical> or og:url); give the article's URL"
    )
    return None


def _site(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _base(doc: lxml.html.HtmlElement, url: str | None) -> str | None:
    """What relative links are resolved against: <base href>, else the article URL."""
    declared = _first([str(h) for h in doc.xpath("//base/@href")])
    if declared:
        resolved = resolve_href(declared, web_base(url))
        if resolved:
            return resolved
    return web_base(url)


def _title(doc: lxml.html.HtmlElement) -> str | None:
    for candidate in (
        _first(_meta_all(doc, "og:title")),
        _first([t.text_content() for t in doc.xpath("//title")]),
        _first([h.text_content() for h in doc.xpath("//h1")]),
    ):
        if candidate and candidate.strip():
            return " ".join(candidate.split())
    return None


def _published(doc: lxml.html.HtmlElement) -> datetime | None:
    """The publication time the page states; pages often carry junk here, so a value
    that does not parse is ignored rather than failing the import."""
    values = _meta_all(doc, "article:published_time") + _meta_all(doc, "datePublished")
    values += [str(v) for v in doc.xpath("//*[@itemprop='datePublished']/@datetime")]
    for value in values:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _paragraph_chars(element: lxml.html.HtmlElement) -> int:
    return sum(len(" ".join(p.text_content().split())) for p in element.iter("p"))


def _article_body(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for xpath in _BODY_CANDIDATES:
        found = [(el, _paragraph_chars(el)) for el in doc.xpath(xpath)]
        found = [pair for pair in found if pair[1] >= MIN_BODY_CHARS]
        if found:
            return max(found, key=lambda pair: pair[1])[0]
    best, best_chars = doc.body, 0
    for element in doc.iter("div", "section", "td"):
        chars = sum(
            len(" ".join(child.text_content().split())) for child in element if child.tag == "p"
        )
        if chars > best_chars:
            best, best_chars = element, chars
    return best
