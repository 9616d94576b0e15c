"""The claim of each HTML citation: the sentence around its link or footnote marker.

A block's text is rebuilt as a reader sees it (whitespace collapsed, <br> and nested
blocks as line breaks, footnote markers left out) while recording where each anchor
sits; checker.text.split_sentences then cuts it, and each anchor takes the sentence
it falls in. A marker belongs to the sentence it follows (`claim.<sup>3</sup> Next`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement as Element

from checker.ingest.assemble import clean_claim
from checker.text import split_sentences

BLOCK_TAGS = frozenset(
    """p li dd dt blockquote td th h1 h2 h3 h4 h5 h6 figcaption pre div section article main
    body ul ol dl table tr header footer aside nav figure details summary address""".split()
)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_CLAIM_WORDS = 2


@dataclass
class CitedAnchor:
    anchor: Element
    ref: str  # the marker of a footnote; links are numbered once their claims are known
    url: str
    footnote: bool  # a marker: its text is not part of the claim


def with_claims(cited: list[CitedAnchor], body: Element) -> list[tuple[CitedAnchor, str]]:
    """Each marker or link with the sentence around it, computing each block's text once.

    A link that is all the text of its block (a list of related stories, a promo line),
    or whose sentence has fewer than two words, has no claim around it: it is
    navigation, not a citation, and is left out."""
    by_block: dict[Element, list[CitedAnchor]] = {}
    for item in cited:
        by_block.setdefault(_block_of(item.anchor, body), []).append(item)
    claims: dict[int, str] = {}
    lone_links: set[int] = set()
    for block, items in by_block.items():
        markers = {item.anchor for item in items if item.footnote}
        text, spans = _flow_text(block, {item.anchor for item in items}, markers)
        starts = _sentence_spans(text)
        for item in items:
            start, end = spans.get(item.anchor, (0, 0))
            if not item.footnote:
                link_text = text[start:end]
                start += len(link_text) - len(link_text.lstrip())
                if clean_claim(link_text) == clean_claim(text):
                    lone_links.add(id(item))
            claim = clean_claim(_sentence_at(starts, start, after=item.footnote))
            if not item.footnote and len(_WORD.findall(claim)) < MIN_CLAIM_WORDS:
                lone_links.add(id(item))  # "1 2 3 Next", "Back Print List": navigation
            claims[id(item)] = claim
    return [(item, claims[id(item)]) for item in cited if id(item) not in lone_links]


def _block_of(anchor: Element, root: Element) -> Element:
    for element in anchor.iterancestors():
        if element.tag in BLOCK_TAGS or element is root:
            return element
    return root


def _flow_text(
    block: Element, anchors: set[Element], markers: set[Element]
) -> tuple[str, dict[Element, tuple[int, int]]]:
    """The block's text as a reader sees it (markers left out), and where each anchor is."""
    parts: list[str] = []
    size = 0
    spans: dict[Element, tuple[int, int]] = {}

    def emit(chunk: str | None, *, line_break: bool = False) -> None:
        nonlocal size
        if not chunk:
            return
        if not line_break:  # source newlines are layout; only <br> and blocks break lines
            chunk = _SPACE.sub(" ", chunk)
        if chunk.startswith(" ") and (not parts or parts[-1][-1] in " \n"):
            chunk = chunk[1:]
        if chunk:
            parts.append(chunk)
            size += len(chunk)

    def walk(element: Element) -> None:
        if not isinstance(element.tag, str):
            return  # a comment
        if element in markers or (element.tag == "sup" and _links_in_page(element, markers)):
            for anchor in [element, *element.iter("a")]:
                if anchor in markers:
                    spans[anchor] = (size, size)
            return
        if element.tag == "br":
            emit("\n", line_break=True)
            return
        separate = element is not block and element.tag in BLOCK_TAGS
        if separate:
            emit("\n", line_break=True)
        start = size
        emit(element.text)
        for child in element:
            walk(child)
            emit(child.tail)
        if element in anchors:
            spans[element] = (start, size)
        if separate:
            emit("\n", line_break=True)

    walk(block)
    return "".join(parts), spans


def _links_in_page(sup: Element, markers: set[Element]) -> bool:
    """A superscript holding a note marker, cited or not: its number is no part of the
    sentence, and left in it would glue "rose.4 Prices" into one sentence."""
    return any(a in markers or (a.get("href") or "").startswith("#") for a in sup.iter("a"))


def _sentence_spans(text: str) -> list[tuple[int, str]]:
    spans: list[tuple[int, str]] = []
    cursor = 0
    for sentence in split_sentences(text):
        at = text.find(sentence, cursor)
        if at < 0:
            continue
        spans.append((at, sentence))
        cursor = at + len(sentence)
    return spans


def _sentence_at(spans: list[tuple[int, str]], position: int, *, after: bool) -> str:
    """The sentence at `position`; a marker (`after`) belongs to the sentence it follows."""
    chosen = spans[0][1] if spans else ""
    for start, sentence in spans:
        if start < position or (start == position and not after):
            chosen = sentence
        else:
            break
    return chosen
