"""The visible text of an HTML page, editable in place: find a sentence however the
markup splits it, replace any span of text across elements, insert paragraphs.

The building block of tests/mutations.py. Edits keep the JSON-LD `articleBody`
in step, as a CMS that edits an article does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from itertools import takewhile
from typing import Any

import lxml.html

SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "textarea", "title", "head"})
_QUOTES = "\"'`´“”‘’„«»′″"
_DASHES = "-‐‑‒–—―"


class MutationError(ValueError):
    """The page cannot be mutated this way (the evidence is not in it, nothing to edit)."""


class PageText:
    """A parsed page and the running text of its visible text nodes, with their owners."""

    def __init__(self, html: bytes) -> None:
        self.root: Any = lxml.html.document_fromstring(_decode(html))
        self.refresh()

    def refresh(self) -> None:
        """Re-read the text nodes after the tree changed."""
        self.slots: list[tuple[Any, str]] = list(_walk(self.root))
        self.offsets: list[int] = []
        parts: list[str] = []
        total = 0
        for element, attr in self.slots:
            self.offsets.append(total)
            value = getattr(element, attr) or ""
            parts.append(value)
            total += len(value)
        self.text = "".join(parts)

    def find(self, sentence: str) -> tuple[int, int]:
        """Character span of `sentence` in the page text (whitespace and quote style aside)."""
        found = re.search(pattern(sentence), self.text)
        if found is None:
            raise MutationError(f"evidence not found in page: {sentence[:60]!r}")
        return found.span()

    def find_all(self, sentence: str) -> list[tuple[int, int]]:
        spans = [m.span() for m in re.finditer(pattern(sentence), self.text)]
        if not spans:
            raise MutationError(f"evidence not found in page: {sentence[:60]!r}")
        return spans

    def replace(
        self, start: int, end: int, replacement: str, sentence: tuple[int, int] | None = None
    ) -> None:
        """Replace page text [start, end) with `replacement`, whatever nodes it spans.

        `sentence`: the span of the sentence being edited, edited in JSON-LD too.
        """
        lo_s, hi_s = sentence or (start, end)
        old = self.text[lo_s:hi_s]
        placed = False
        for (element, attr), offset in zip(self.slots, self.offsets, strict=True):
            value = getattr(element, attr) or ""
            lo, hi = max(start, offset), min(end, offset + len(value))
            if lo >= hi:
                continue
            new = value[: lo - offset] + ("" if placed else replacement) + value[hi - offset :]
            placed = True
            setattr(element, attr, new)
        if not placed:
            raise MutationError("span outside the page text")
        self.refresh()
        new = self.text[lo_s : hi_s + len(replacement) - (end - start)]
        self.edit_json_ld(
            lambda body: re.sub(pattern(old), lambda _: new, body) if old.strip() else body
        )

    def block(self, start: int, end: int) -> Any:
        """The innermost element holding all of page text [start, end)."""
        owners = []
        for (element, attr), offset in zip(self.slots, self.offsets, strict=True):
            value = getattr(element, attr) or ""
            if offset < end and offset + len(value) > start:
                owners.append(element if attr == "text" else element.getparent())
        chains = [[*reversed(list(o.iterancestors())), o] for o in owners]
        common = chains[0]
        for chain in chains[1:]:
            common = [
                a
                for a, _ in takewhile(
                    lambda pair: pair[0] is pair[1], zip(common, chain, strict=False)
                )
            ]
        return common[-1]

    def edit_json_ld(self, edit: Callable[[str], str]) -> None:
        """Apply `edit` to every JSON-LD articleBody, as the CMS that edited the page would."""
        for script in self.root.iter("script"):
            if script.get("type") != "application/ld+json" or not script.text:
                continue
            try:
                data = json.loads(script.text)
            except ValueError:
                continue
            script.text = json.dumps(_edit_bodies(data, edit), ensure_ascii=False)

    def html(self) -> bytes:
        out: str = lxml.html.tostring(self.root, encoding="unicode", doctype="<!DOCTYPE html>")
        return out.encode("utf-8")


def _edit_bodies(data: Any, edit: Callable[[str], str]) -> Any:
    if isinstance(data, dict):
        return {
            k: edit(v) if k == "articleBody" and isinstance(v, str) else _edit_bodies(v, edit)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_edit_bodies(v, edit) for v in data]
    return data


def _decode(html: bytes) -> str:
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", errors="replace")


def _walk(element: Any) -> Iterator[tuple[Any, str]]:
    if isinstance(element.tag, str) and element.tag not in SKIPPED_TAGS:
        yield element, "text"
        for child in element:
            yield from _walk(child)
    if element.getparent() is not None:
        yield element, "tail"


def pattern(sentence: str) -> str:
    def token(word: str) -> str:
        out = []
        for char in word:
            if char in _QUOTES:
                out.append(f"[{re.escape(_QUOTES)}]")
            elif char in _DASHES:
                out.append(f"[{re.escape(_DASHES)}]")
            else:
                out.append(re.escape(char))
        return "".join(out)

    return r"\s+".join(token(w) for w in sentence.split())


def insert_after_word(page: PageText, start: int, end: int, word: re.Match[str], text: str) -> None:
    """Put `text` after `word` (a match inside page text [start, end))."""
    at = start + word.end()
    page.replace(at - 1, at, page.text[at - 1] + text, (start, end))


def block_end(page: PageText, block: Any) -> int:
    """Page-text offset where the text of `block` ends."""
    return max(
        offset + len(getattr(el, attr) or "")
        for (el, attr), offset in zip(page.slots, page.offsets, strict=True)
        if (el is block and attr == "text") or block in el.iterancestors()
    )


def insert_text(page: PageText, at: int, text: str) -> None:
    page.replace(at - 1, at, page.text[at - 1] + text)


def insert_block_after(page: PageText, end: int, block: Any, html: str) -> None:
    """A new paragraph after the one ending at page-text offset `end` inside `block`.

    A real paragraph gets it as its next sibling; in loose text (sentences straight in
    a column <div>) it goes right after the sentence.
    """
    new = lxml.html.fragment_fromstring(html)
    if block.tag in ("p", "li", "blockquote", "h2", "h3"):
        block.addnext(new)
        page.refresh()
        return
    for (element, attr), offset in zip(page.slots, page.offsets, strict=True):
        value = getattr(element, attr) or ""
        if offset < end <= offset + len(value):
            cut = end - offset
            new.tail = value[cut:]
            setattr(element, attr, value[:cut])
            if attr == "text":
                element.insert(0, new)
            else:
                element.addnext(new)
            break
    page.refresh()
