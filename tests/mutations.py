"""Page mutators: change a saved HTML page the ways real pages change between two visits.

Each mutator takes the page's HTML bytes and the evidence sentence (as a reader sees
it) and returns new HTML bytes (UTF-8). They edit the parsed page, not the bytes, so
the evidence is found however the markup splits it (links, entities, line breaks),
and they edit the JSON-LD `articleBody` alongside, as a CMS does. `MUTATIONS` lists
every kind with the flag a correct checker raises for it (None: no flag at all).
Used by tests/test_evidence.py, bench/bench_evidence.py and end-to-end tests that
serve the pages from a local fake web.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import lxml.html
from page_text import (
    SKIPPED_TAGS,
    MutationError,
    PageText,
    block_end,
    insert_after_word,
    insert_block_after,
    insert_text,
    pattern,
)
from real_pages import NewsPage, evidence_candidates, news_pages, pick_evidence

__all__ = [
    "MUTATIONS",
    "NO_CHANGE",
    "Mutation",
    "MutationError",
    "NewsPage",
    "evidence_candidates",
    "news_pages",
    "pick_evidence",
]

_WORDS = re.compile(r"\b[^\W\d_]{2,}\b(?=\s)")  # whole words of letters, followed by a space
_FIGURE = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w])")
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|can|could|did|does|do|should|must|might)\b"
)
_PAYWALL_PROMPT = (
    '<div class="article-gate"><p>Subscribe to continue reading this article.</p>'
    "<p>Already a subscriber? Sign in.</p></div>"
)
_CORRECTION = "<p><em>Correction: An earlier version of this article misstated a figure.</em></p>"
_HEADLINES = (
    "Storm knocks out power to thousands across the region",
    "City council approves new budget after late-night vote",
    "Local bakery wins national award for sourdough",
    "Five things to know before the market opens",
    "Quarterback ruled out for the season with knee injury",
    "Scientists map the ocean floor in record detail",
    "Opinion: The case for a four-day week",
    "Train strike called off at the last minute",
    "Watch: Firefighters rescue kitten from drain",
    "Museum reopens after two-year renovation",
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


# --------------------------------------------------------------------------- evidence edits


def _edit_each(html: bytes, evidence: str, edit: Callable[[PageText, int, int], None]) -> bytes:
    """Apply `edit` to every copy of the evidence (pages may render the article twice)."""
    page = PageText(html)
    for start, end in reversed(page.find_all(evidence)):  # last first: spans before stay put
        edit(page, start, end)
    return page.html()


def change_figure(html: bytes, evidence: str) -> bytes:
    """A figure in the evidence sentence changes (37 → 38); one is added if it has none."""
    return _edit_each(html, evidence, _change_figure)


def _change_figure(page: PageText, start: int, end: int) -> None:
    figure = _FIGURE.search(page.text[start:end])
    if figure is None:
        words = list(_WORDS.finditer(page.text[start:end]))
        if not words:
            raise MutationError("no word in the evidence to attach a figure to")
        insert_after_word(page, start, end, words[len(words) // 2], " (12%)")
        return
    old = figure.group()
    digits = old.replace(",", "").split(".")[0]
    new = str(int(digits) + 1) if len(digits) < 15 else "1" + digits
    page.replace(start + figure.start(), start + figure.end(), new, (start, end))


def insert_negation(html: bytes, evidence: str) -> bytes:
    """An inserted "not": "was approved" → "was not approved"."""
    return _edit_each(html, evidence, _negate)


def _negate(page: PageText, start: int, end: int) -> None:
    aux = _AUXILIARY.search(page.text[start:end])
    words = list(_WORDS.finditer(page.text[start:end]))
    if aux is None and not words:
        raise MutationError("no word in the evidence to negate")
    insert_after_word(page, start, end, aux or words[min(2, len(words) - 1)], " not")


def reword(html: bytes, evidence: str) -> bytes:
    """A hedging word slips in ("reportedly"): an edit that changes no number, date or name."""
    return _edit_each(html, evidence, _reword)


def _reword(page: PageText, start: int, end: int) -> None:
    # After a lower-case word and before one, so no name or number gains a neighbour.
    pairs = list(re.finditer(r"\b[a-z]{2,}(?= [a-z]{3,}\b)", page.text[start:end]))
    if not pairs:
        pairs = list(_WORDS.finditer(page.text[start:end]))
    if not pairs:
        raise MutationError("no word in the evidence to reword")
    insert_after_word(page, start, end, pairs[len(pairs) // 2], " reportedly")


def delete_sentence(html: bytes, evidence: str) -> bytes:
    """The evidence sentence is taken out of the article."""
    return _edit_each(html, evidence, _delete)


def _delete(page: PageText, start: int, end: int) -> None:
    stop = end
    while stop < len(page.text) and page.text[stop].isspace():
        stop += 1
    page.replace(start, stop, "", (start, end))


def cut_sentence(html: bytes, evidence: str) -> bytes:
    """The evidence sentence loses its second half ("… said the figure rose.")."""
    return _edit_each(html, evidence, _cut_sentence)


def _cut_sentence(page: PageText, start: int, end: int) -> None:
    words = list(re.finditer(r"\S+", page.text[start:end]))
    if len(words) < 8:
        raise MutationError("the evidence is too short to cut in half")
    half = words[len(words) // 2 - 1]
    page.replace(start + half.end(), end, ".", (start, end))


# Same value, another way of writing it, as style guides and CMS migrations do.
_REFORMATS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+)(?![\w,])"), lambda m: m[1].replace(",", "")),
    (re.compile(r"(?<![\w.,])(\d{5,})(?![\w.,])"), lambda m: f"{int(m[1]):,}"),
    (re.compile(r"(\d) ?(?:per ?cent|percent)\b"), lambda m: f"{m[1]}%"),
    (re.compile(r"(\d)%"), lambda m: f"{m[1]} percent"),
    (re.compile(r"\$(\d+(?:\.\d+)?) (million|billion)\b"), lambda m: f"${m[1]}{m[2][0]}"),
)


def reformat_figures(html: bytes, evidence: str) -> bytes:
    """A figure is written another way, same value: "12,500" → "12500", "40 percent" → "40%"."""
    return _edit_each(html, evidence, _reformat)


def _reformat(page: PageText, start: int, end: int) -> None:
    text = page.text[start:end]
    for figure, rewrite in _REFORMATS:
        found = figure.search(text)
        if found is not None:
            new = rewrite(found)
            page.replace(start + found.start(), start + found.end(), new, (start, end))
            return
    raise MutationError("no figure in the evidence that can be written another way")


def add_correction(html: bytes, evidence: str) -> bytes:
    """The figure is corrected and a correction notice follows the paragraph."""

    def correct(page: PageText, start: int, end: int) -> None:
        block = page.block(start, end)
        length = len(page.text)
        _change_figure(page, start, end)
        insert_block_after(page, end + len(page.text) - length, block, _CORRECTION)

    return _edit_each(html, evidence, correct)


def cut_by_paywall(html: bytes, evidence: str) -> bytes:
    """The article stops before the evidence paragraph, behind a subscription prompt."""
    return _cut(html, evidence, _PAYWALL_PROMPT)


def truncate(html: bytes, evidence: str) -> bytes:
    """The article stops before the evidence paragraph, with no explanation."""
    return _cut(html, evidence, "")


def paywall_after_evidence(html: bytes, evidence: str) -> bytes:
    """A paywall teaser that still shows the evidence: the article stops after its paragraph."""
    return _cut(html, evidence, _PAYWALL_PROMPT, keep_evidence=True)


def _cut(html: bytes, evidence: str, prompt: str, *, keep_evidence: bool = False) -> bytes:
    page = PageText(html)
    start, end = page.find(evidence)
    block = page.block(start, end)
    if not keep_evidence:
        page.replace(start, block_end(page, block), "")  # the block's text from the evidence on
    node, parent = block, block.getparent()
    while parent is not None and node.tag != "body":
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node, parent = parent, parent.getparent()
    if prompt:
        gate = lxml.html.fragment_fromstring(prompt)
        if block.text_content().strip() and not keep_evidence:
            block.append(gate)
        else:
            block.addnext(gate)
    cut = re.compile(pattern(evidence))
    stop = (lambda m: m.end()) if keep_evidence else (lambda m: m.start())
    page.edit_json_ld(lambda body: body[: stop(m)] if (m := cut.search(body)) else body)
    return page.html()


# --------------------------------------------------------------------------- no-flag edits


def edit_other_paragraph(
    html: bytes, evidence: str, avoid: Sequence[str] = (), seed: int = 1
) -> bytes:
    """Another paragraph of the article is edited: a figure changed, a sentence added.

    `avoid`: other sentences the paragraph must not contain (more anchored evidence).
    Where the article is loose text with no paragraphs, the sentence is added at its end.
    """
    page = PageText(html)
    block = page.block(*page.find(evidence))
    addition = " A spokesperson later declined to comment further. "
    page.edit_json_ld(lambda body: body + "\n" + addition.strip())
    candidates = _other_paragraphs(block, (evidence, *avoid))
    if not candidates:
        insert_text(page, block_end(page, block), addition)
        return page.html()
    target = random.Random(seed).choice(candidates)
    figure = _FIGURE.search(target.text)
    if figure is not None:
        value = int(figure.group().replace(",", "").split(".")[0]) + 7
        target.text = f"{target.text[: figure.start()]}{value}{target.text[figure.end() :]}"
    target.text = target.text.rstrip() + addition
    return page.html()


def rewrite_elsewhere(
    html: bytes, evidence: str, avoid: Sequence[str] = (), seed: int = 1
) -> bytes:
    """The page is rewritten all around the evidence paragraph, which stays as it was.

    `avoid`: other sentences to leave as they are (more anchored evidence).
    """
    page = PageText(html)
    keep = page.find_all(evidence)
    for sentence in avoid:
        keep += [m.span() for m in re.finditer(pattern(sentence), page.text)]
    rng = random.Random(seed)
    vocabulary = " ".join(_HEADLINES).lower().split()

    def swap(word: re.Match[str]) -> str:
        return rng.choice(vocabulary) if rng.random() < 0.6 else word.group()

    for (element, attr), offset in zip(page.slots, page.offsets, strict=True):
        value = getattr(element, attr) or ""
        if all(offset + len(value) <= start or offset >= end for start, end in keep):
            setattr(element, attr, re.sub(r"\b[^\W\d_]{3,}\b", swap, value))
    page.refresh()
    page.edit_json_ld(lambda body: "")
    return page.html()


def _other_paragraphs(block: Any, avoid: Sequence[str]) -> list[Any]:
    """Paragraphs near `block` (same container, up to four levels up) holding none of `avoid`."""
    avoided = [re.compile(pattern(s)) for s in avoid if s.strip()]
    for container in list(block.iterancestors())[:4]:
        candidates = [
            p
            for p in container.iter("p", "div", "li", "blockquote")
            if p is not block
            and block not in p.iterancestors()
            and len(p) <= 3
            and len((p.text or "").split()) >= 8
            and not any(a.search(p.text_content()) for a in avoided)
        ]
        if candidates:
            return candidates
    return []


def churn_boilerplate(html: bytes, evidence: str, seed: int = 1) -> bytes:
    """Rotating headlines, date stamps, ad slots, comment counts and tracking parameters."""
    page = PageText(html)
    block = page.block(*page.find(evidence))
    rng = random.Random(seed)
    container = block.getparent()
    article = container.getparent() if container.getparent() is not None else container
    stamp = (
        f'<div class="dateline">Updated {rng.randint(1, 12)}:{rng.randint(0, 59):02d} PM ET, '
        f"{rng.choice(_WEEKDAYS)} {rng.choice(_MONTHS)} {rng.randint(1, 28)}, 2019</div>"
    )
    items = "".join(
        f'<li><a href="/story/{rng.randint(1000, 9999)}">{h}</a></li>'
        for h in rng.sample(_HEADLINES, 5)
    )
    most_read = f'<section class="mostread-box"><h2>Most read</h2><ol>{items}</ol></section>'
    counts = f'<div class="engagement"><a href="#comments">{rng.randint(2, 900)} comments</a></div>'
    article.addprevious(lxml.html.fragment_fromstring(stamp))
    article.addprevious(lxml.html.fragment_fromstring(most_read))
    article.addnext(lxml.html.fragment_fromstring(counts))
    first_p = next(iter(container.iter("p")), None)
    if first_p is not None and first_p is not block:
        ad = f'<div class="ad-slot" id="ad-{seed}"><span>Advertisement</span></div>'
        first_p.addnext(lxml.html.fragment_fromstring(ad))
    for time in page.root.iter("time"):
        time.set("datetime", f"2019-11-{rng.randint(10, 28)}T{rng.randint(0, 23):02d}:00:00Z")
        if time.text and any(c.isdigit() for c in time.text):
            time.text = f"{rng.randint(2, 11)} hours ago"
    _track_links(page.root, rng)
    return page.html()


def change_markup(html: bytes, evidence: str, seed: int = 1) -> bytes:
    """Only markup changes: attributes, a wrapper, curly quotes, line breaks, link parameters."""
    page = PageText(html)
    rng = random.Random(seed)
    for element in page.root.iter():
        if isinstance(element.tag, str) and element.tag not in SKIPPED_TAGS:
            element.set("data-v", str(rng.randint(1, 10**6)))
    for element, attr in page.slots:
        value = getattr(element, attr)
        if value and value.strip():
            value = re.sub(r'"(?=\w)', "“", value)
            value = re.sub(r'(?<=\S)"', "”", value)
            value = value.replace("'", "’")
            value = re.sub(r"(?<=\S) (?=\S)", lambda _: rng.choice((" ", "\n", "  ")), value)
            setattr(element, attr, value)
    page.refresh()
    block = page.block(*page.find(evidence))
    if block.text and len(block.text.split()) > 2:
        head, _, rest = block.text.lstrip().partition(" ")
        span = lxml.html.fragment_fromstring(f'<span class="dropcap">{head}</span>')
        span.tail = " " + rest
        block.text = ""
        block.insert(0, span)
    _track_links(page.root, rng)
    return page.html()


def _track_links(root: Any, rng: random.Random) -> None:
    for link in root.iter("a"):
        href = link.get("href")
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            glue = "&" if "?" in href else "?"
            link.set("href", f"{href}{glue}utm_source=hp&utm_campaign={rng.randint(1, 99999)}")


def reserialize(html: bytes, evidence: str) -> bytes:
    """The page parsed and written back: no change a reader could see."""
    return PageText(html).html()


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Mutation:
    name: str
    apply: Callable[[bytes, str], bytes]
    flag: str | None  # the flag a correct checker raises; None: no flag at all
    hidden_by: str | None = None  # for evidence_removed: "paywall" / "truncated" / None
    severity: str | None = None  # for evidence_changed
    changes: tuple[str, ...] = ()  # kinds of fact the change report must name


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("figure_changed", change_figure, "evidence_changed", None, "high", ("number",)),
    Mutation("negation_inserted", insert_negation, "evidence_changed", None, "high", ("negation",)),
    Mutation("reworded", reword, "evidence_changed", severity="medium"),
    Mutation("corrected", add_correction, "evidence_changed", None, "high", ("number",)),
    Mutation("sentence_cut", cut_sentence, "evidence_changed", severity="high"),
    Mutation("sentence_deleted", delete_sentence, "evidence_removed"),
    Mutation("paywalled", cut_by_paywall, "evidence_removed", hidden_by="paywall"),
    Mutation("truncated", truncate, "evidence_removed", hidden_by="truncated"),
    Mutation("boilerplate_churn", churn_boilerplate, None),
    Mutation("other_paragraph_edited", edit_other_paragraph, None),
    Mutation("markup_only", change_markup, None),
    Mutation("rewritten_elsewhere", rewrite_elsewhere, "content_drift"),
    Mutation("reserialized", reserialize, None),
)
NO_CHANGE = frozenset(m.name for m in MUTATIONS if m.flag is None)
