"""What text and Markdown articles share: the reference section, claims around
markers, and the title guess.

A claim is the sentence that carries a marker (checker.text.split_sentences),
markers removed; one citation per (marker, sentence), so a marker cited in two
paragraphs gives two citations. A sentence made only of markers (`[3]` alone on a
line) belongs to the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from checker.ingest.assemble import RawCitation, clean_claim
from checker.ingest.errors import Problems
from checker.ingest.refs import (
    MARKER,
    Reference,
    describe_refs,
    entry_of,
    expand_marker,
    find_url,
    move_markers_before_stop,
)
from checker.text import split_sentences

REFERENCES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:references|sources|notes|citations|footnotes|endnotes"
    r"|bibliography|works cited)\s*:?\s*(?:\*\*|__)?\s*:?\s*$",
    re.IGNORECASE,
)
_DEFINITION = re.compile(r"^\s{0,3}\[\^?[^\]\s]+\]:\s*\S")
# Banner and chrome wording people copy along with an article: such a line is never
# the title, and a link whose text says so (“Donate”, “Subscribe”) is never a citation.
BOILERPLATE = re.compile(
    r"\b(?:donat(?:e|es|ion|ions)|subscri(?:be|ption)|newsletters?|sign (?:up|in)|log ?in"
    r"|advertisement|share (?:this|on|via)|follow us|support (?:us|our)|keep \w+ independent"
    r"|all rights reserved|copyright|read more|related articles?|click here)\b|©",
    re.IGNORECASE,
)
SENTINEL = "\ue000{}\ue001"  # stands in the text for a link whose citation it carries
_SENTINEL = re.compile("\ue000(\\d+)\ue001")
_ANY_MARK = re.compile(f"{MARKER.pattern}|{_SENTINEL.pattern}")
_TERMINAL = tuple('.!?:;"”’)')


@dataclass(frozen=True)
class Block:
    """One paragraph (or list item, table row) of the article body."""

    text: str
    line: int  # where it starts in the file
    lines: tuple[tuple[int, str], ...] = ()  # its source lines, numbered, when it spans several

    def line_of(self, fragment: str) -> int:
        """The file line where `fragment` (a marker, say) first appears in this block."""
        return next((n for n, text in self.lines if fragment in text), self.line)


@dataclass(frozen=True)
class Link:
    """A citation whose marker sits in a block as SENTINEL.format(index)."""

    ref: str
    url: str | None  # None: the ref is resolved through the reference list


@dataclass
class Citations:
    found: list[RawCitation]
    unresolved: dict[str, int]  # ref -> first line it is cited on
    without_url: dict[str, str]  # ref -> where its reference entry is


def split_references(
    lines: list[str], start: int, *, section_ends_at_heading: bool
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(body lines, reference-list lines), both as (line number, text).

    The reference list is what follows the last References/Sources/Notes/Citations
    heading (up to the next Markdown heading, in Markdown), definition lines
    (`[1]: …`, `[^1]: …`) anywhere, or else a trailing run of `[1] https://…` lines.
    """
    numbered = [(i + 1, line) for i, line in enumerate(lines)][start:]
    heading = max(
        (k for k, (_, line) in enumerate(numbered) if REFERENCES_HEADING.match(line)), default=None
    )
    refs: list[tuple[int, str]] = []
    if heading is not None:
        end = len(numbered)
        if section_ends_at_heading:
            end = next(
                (k for k in range(heading + 1, len(numbered)) if numbered[k][1].startswith("#")),
                end,
            )
        refs = numbered[heading + 1 : end]
        numbered = numbered[:heading] + numbered[end:]
    else:
        cut = len(numbered)
        for k in range(len(numbered) - 1, -1, -1):
            line = numbered[k][1]
            if not line.strip():
                continue
            entry = entry_of(line)
            if entry is None or not line.lstrip().startswith("[") or find_url(entry[1]) is None:
                break
            cut = k
        refs = numbered[cut:]
        numbered = numbered[:cut]
    body = [(n, line) for n, line in numbered if not _DEFINITION.match(line)]
    refs = [(n, line) for n, line in numbered if _DEFINITION.match(line)] + refs
    return body, refs


def text_blocks(body: Sequence[tuple[int, str]]) -> list[Block]:
    """Plain text: every line is a paragraph, unless it starts in lower case after a line
    without closing punctuation (a sentence hard-wrapped over two lines)."""
    blocks: list[Block] = []
    previous = ""
    for number, raw in body:
        line = raw.strip()
        if not line:
            previous = ""
            continue
        continues = line[0].islower() or bool(MARKER.match(line))
        if blocks and previous and continues and not previous.endswith(_TERMINAL):
            last = blocks[-1]
            lines = last.lines or ((last.line, last.text),)
            blocks[-1] = Block(f"{last.text} {line}", last.line, (*lines, (number, line)))
        else:
            blocks.append(Block(line, number))
        previous = line
    return blocks


def sentence_citations(
    blocks: Sequence[Block], links: Sequence[Link], references: dict[str, Reference]
) -> Citations:
    """A citation for every (marker, sentence) pair of the body."""
    result = Citations([], {}, {})
    previous_claim = ""
    for block in blocks:
        for sentence in split_sentences(move_markers_before_stop(block.text)):
            cited: list[tuple[str, str | None, str]] = []  # (ref, url, the marker as written)

            def take(match: re.Match[str], cited: list[tuple[str, str | None, str]] = cited) -> str:
                if match.group(3) is not None:
                    link = links[int(match.group(3))]
                    cited.append((link.ref, link.url, match.group(0)))
                    return ""
                refs = expand_marker(match)
                if refs is None:
                    return match.group(0)  # "[1990-2020]" stays text
                cited.extend((ref, None, match.group(0)) for ref in refs)
                return ""

            claim = clean_claim(_ANY_MARK.sub(take, sentence))
            if not cited:
                previous_claim = claim
                continue
            claim = claim if _has_words(claim) else previous_claim
            for ref, url, marker in cited:
                _add(result, ref, url, claim, block.line_of(marker), references)
            previous_claim = claim
    return result


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _add(
    result: Citations,
    ref: str,
    url: str | None,
    claim: str,
    line: int,
    references: dict[str, Reference],
) -> None:
    if url is None:
        reference = references.get(ref) or _lookup_folded(references, ref)
        if reference is None:
            result.unresolved.setdefault(ref, line)
            return
        if reference.url is None:
            result.without_url.setdefault(ref, reference.where)
            return
        url = reference.url
    result.found.append(RawCitation(ref=ref, url=url, claim=claim, where=f"line {line}"))


def _lookup_folded(references: dict[str, Reference], ref: str) -> Reference | None:
    folded = ref.casefold()
    return next((r for key, r in references.items() if key.casefold() == folded), None)


def report_unresolved(
    citations: Citations, references: dict[str, Reference], problems: Problems
) -> None:
    """Problems for markers that resolve to nothing, or to an entry without a URL."""
    for ref, where in citations.without_url.items():
        problems.add(f"reference [{ref}] ({where}) has no URL; add its https:// address")
    unresolved = citations.unresolved
    if not unresolved:
        return
    refs = list(unresolved)
    plural = len(refs) > 1
    first = min(unresolved.values())
    where = f"(first at line {first})" if plural else f"(line {first})"
    example = f"[{refs[0]}] https://…" if refs[0].isdigit() else f"[^{refs[0]}]: https://…"
    if references:
        problems.add(
            f"{'markers' if plural else 'marker'} {describe_refs(refs)} {where} "
            f"{'are' if plural else 'is'} not in the reference list; add lines like `{example}`"
        )
        return
    problems.add(
        f"{'markers' if plural else 'marker'} {describe_refs(refs)} {where} "
        f"{'have' if plural else 'has'} nothing to resolve to: add a References section with "
        f"lines like `{example}` or supply a separate reference list (--refs FILE)"
    )


def guess_title(lines: Sequence[tuple[int, str]]) -> str | None:
    """The first line that reads like a headline: 3 to 25 words, no closing full stop,
    not a banner line (donate, subscribe, ...), not a citation or list entry."""
    for _, raw in lines:
        line = raw.strip().strip("#*_ ").strip()
        words = line.split()
        if not 3 <= len(words) <= 25 or line.endswith((".", ",", ";", ":")):
            continue
        if BOILERPLATE.search(line) or MARKER.search(line) or entry_of(line) is not None:
            continue
        return line
    return None
