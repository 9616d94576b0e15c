"""Markdown articles: `[n]` markers and `[^n]` footnotes like plain text, plus links.

- `[text](https://…)` in a paragraph is a citation with ref `link-N` (N counts the
  article's cited links); its claim is the sentence around it, link syntax replaced
  by its text. A link whose text is a number (`[3](https://…)`) is marker 3.
- `[text][id]` resolves through the definition `[id]: https://…`; `<https://…>` cites too.
- Not citations: images, links in headings, code, lines made only of links
  (navigation), links whose text is a call to action (donate, subscribe, ...:
  prose.BOILERPLATE), and links to `#anchors`, `mailto:` and `tel:`.
Paragraphs follow Markdown: consecutive lines form one paragraph.
Title: the front matter's, else the first heading, else as for plain text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from checker.ingest.frontmatter import read_front_matter
from checker.ingest.prose import (
    BOILERPLATE,
    SENTINEL,
    Block,
    Link,
    guess_title,
    sentence_citations,
    split_references,
)
from checker.ingest.refs import MARKER, Reference, parse_reference_lines
from checker.ingest.text_format import finish_prose
from checker.model import ArticleIn

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_INLINE_LINK = re.compile(
    r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_LINK = re.compile(r"\[([^\]]+)\]\[([^\]]*)\]")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>", re.IGNORECASE)
_NUMBER_TEXT = re.compile(r"^\^?\[?(\d+)\]?$")
_NOT_SOURCES = ("#", "mailto:", "tel:")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = (
    (re.compile(r"\*\*|__|~~|`"), ""),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
)


def parse_markdown(
    text: str,
    *,
    name: str,
    refs: dict[str, Reference] | None,
    given_url: str | None,
    fallback_url: str | None,
) -> ArticleIn:
    # Comments go, their line breaks stay: error messages name lines of the file.
    lines = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text).split("\n")
    meta = read_front_matter(lines)
    body, ref_lines = split_references(lines, meta.body_start, section_ends_at_heading=True)
    references = {**parse_reference_lines(ref_lines), **(refs or {})}
    paragraphs, headings = _paragraphs(body)
    links: list[Link] = []
    link_numbers = itertools.count(1)  # links without a marker are numbered in article order
    blocks = [
        Block(_inline(raw, links, link_numbers), line, sources) for line, raw, sources in paragraphs
    ]
    citations = sentence_citations(blocks, links, references)
    title = meta.title or next(iter(headings), None) or guess_title(body) or Path(name).stem
    return finish_prose(
        meta,
        title,
        citations,
        references,
        name=name,
        given_url=given_url,
        fallback_url=fallback_url,
    )


def _paragraphs(
    body: Sequence[tuple[int, str]],
) -> tuple[list[tuple[int, str, tuple[tuple[int, str], ...]]], list[str]]:
    """(paragraphs as (first line, Markdown text, numbered source lines), heading texts),
    code blocks left out."""
    paragraphs: list[tuple[int, list[str]]] = []
    sources: dict[int, list[tuple[int, str]]] = {}  # by first line
    headings: list[str] = []
    open_paragraph = False
    fence: str | None = None
    for number, raw in body:
        fence_match = _FENCE.match(raw)
        if fence is not None or fence_match:
            if fence is None and fence_match:
                fence = fence_match.group(1)
            elif fence is not None and raw.strip().startswith(fence):
                fence = None
            open_paragraph = False
            continue
        line = _QUOTE.sub("", raw)
        heading = _ATX.match(line)
        underline = open_paragraph and _SETEXT.match(line) and len(paragraphs[-1][1]) == 1
        if underline:
            headings.append(paragraphs.pop()[1][0].strip())
        elif heading and heading.group(1):
            headings.append(heading.group(1).strip())
        if underline or heading or not line.strip() or _RULE.match(line) or _TABLE_RULE.match(line):
            open_paragraph = False
            continue
        item = _LIST_ITEM.match(line)
        if item or line.lstrip().startswith("|") or not open_paragraph:
            text = line[item.end() :] if item else line
            paragraphs.append((number, [_line_text(text.replace("|", " "))]))
            sources[number] = [(number, line)]
            open_paragraph = True
            continue
        paragraphs[-1][1].append(_line_text(line))
        sources[paragraphs[-1][0]].append((number, line))
    joined = [
        (n, " ".join(parts).replace("\n ", "\n"), tuple(sources.get(n, ())))
        for n, parts in paragraphs
    ]
    return joined, headings


def _line_text(line: str) -> str:
    """A paragraph line; two trailing spaces or a backslash are a hard line break."""
    hard_break = line.endswith(("  ", "\\"))
    return line.strip().rstrip("\\").rstrip() + ("\n" if hard_break else "")


def _inline(text: str, links: list[Link], link_numbers: Iterator[int]) -> str:
    """Paragraph text without Markdown syntax; each cited link leaves a SENTINEL."""
    text = _IMAGE.sub("", text)
    rest = _AUTOLINK.sub("", _REF_LINK.sub("", _INLINE_LINK.sub("", text)))
    navigation = not any(ch.isalnum() for ch in rest)

    def cite(ref: str | None, url: str | None) -> str:
        links.append(Link(ref or f"link-{next(link_numbers)}", url))
        return SENTINEL.format(len(links) - 1)

    def inline_link(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if navigation or not target or target.lower().startswith(_NOT_SOURCES):
            return label
        if BOILERPLATE.search(label):
            return label
        number = _NUMBER_TEXT.match(label.strip())
        if number:
            return cite(number.group(1), target)
        return label + cite(None, target)

    def reference_link(match: re.Match[str]) -> str:
        label, ref = match.group(1), match.group(2) or match.group(1)
        if MARKER.fullmatch(f"[{label}]") or label.startswith("^"):
            return match.group(0)  # "[1][2]": two markers, not a link
        return label if navigation else label + cite(ref.strip(), None)

    text = _INLINE_LINK.sub(inline_link, text)
    text = _REF_LINK.sub(reference_link, text)
    text = _AUTOLINK.sub(lambda m: "" if navigation else cite(None, m.group(1)), text)
    text = _HTML_TAG.sub("", text)
    for pattern, replacement in _EMPHASIS:
        text = pattern.sub(replacement, text)
    return text
