"""Claims of two facts: two supported claims of one source joined in one sentence (compound),
or halves supported by two different sources (multi_source), each also with one half made
wrong."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from claim_base import Origin, Part, page_groups
from claim_figures import figure_edits
from claim_names import name_edits
from claim_negation import negations
from claim_text import (
    Edit,
    find_predicate,
    first_word_case,
    lower_first,
    occurs,
    stable_hash,
    strip_end,
)

STYLES = ("and", "while", "semicolon", "and_also")
MULTI_PAIRS = 400  # pairs tried per split, far more than the cases kept
GROUPS_PER_ORIGIN = 8
MULTI_STYLES = ("and", "while", "semicolon")


@dataclass(frozen=True)
class Joined:
    """A joined claim before it becomes a case: which origins, sources and parts it holds."""

    family: str
    variant: str
    claim: str
    sources: tuple[str, ...]
    label: str
    changed: str
    original: str
    origins: tuple[Origin, ...]


def _with_also(text: str) -> str | None:
    if re.search(r"\balso\b", text):
        return None
    p = find_predicate(text)
    if p is None:
        return None
    possessive = p.word in {"has", "have", "had"} and p.verb is None
    if p.kind == "aux" and not (possessive and not text[p.end :].startswith(" been")):
        return text[: p.end] + " also" + text[p.end :]  # "was also named", "has also been"
    return text[: p.start] + "also " + text[p.start :]


def join(parts: list[str], style: str, source: str = "") -> str | None:
    """One sentence of several claims: "A, and B.", "A, while B.", "A; B.", "A, and B also ...",
    and for three "A, B, and C."; `source` tells a common first word from a name."""
    first, *rest = [strip_end(p) for p in parts]
    if any(first_word_case(r, source) == "unknown" for r in rest):
        return None  # "Joining Rana ...": a name or not? Left out rather than guessed
    rest = [lower_first(r, source) for r in rest]
    if len(rest) == 2:
        return f"{first}, {rest[0]}, and {rest[1]}."
    second = rest[0]
    if style == "and_also":
        also = _with_also(second)
        return f"{first}, and {also}." if also else None
    connector = {"and": ", and ", "while": ", while ", "semicolon": "; "}[style]
    return f"{first}{connector}{second}."


@cache
def part_edits(part: Part, sources: tuple[str, ...]) -> list[Edit]:
    """Unsupported edits of one supported part, checked against its own support and against
    every source the claim cites."""
    edits = figure_edits(part.claim, part.support, sources[0])
    edits += name_edits(part.claim, sources, part.support)
    edits += negations(part.claim, part.support)
    out = []
    for edit in edits:
        if edit.family in {"number", "date", "money", "percent", "unit"} and any(
            occurs(edit.changed, s) for s in sources
        ):
            continue
        out.append(edit)
    return out


def _pick(edits: list[Edit], seed: str) -> Edit | None:
    return edits[stable_hash(seed) % len(edits)] if edits else None


def _located(claim: str, changed: str) -> str | None:
    for form in (changed, changed[:1].lower() + changed[1:]):
        if form and claim.count(form) == 1:
            return form
    return None


def _edited(
    parts: list[Part], index: int, style: str, sources: tuple[str, ...], seed: str
) -> tuple[Edit, str, str] | None:
    """The joined claim with part `index` replaced by one unsupported edit of it."""
    edit = _pick(part_edits(parts[index], sources), seed)
    if edit is None:
        return None
    texts = [p.claim for p in parts]
    texts[index] = edit.claim
    claim = join(texts, style, "\n".join(sources))
    changed = _located(claim, edit.changed) if claim else None
    others = [p.claim for i, p in enumerate(parts) if i != index]
    if claim is None or changed is None or any(occurs(changed, o) for o in others):
        return None
    return edit, claim, changed


def compound(origin: Origin) -> Iterator[Joined]:
    """Two (or three) supported claims of one source in one sentence, and the same with one
    part edited."""
    claims = list(origin.claims)
    groups = [[claims[0], extra] for extra in origin.extras] if claims[0].kind == "wice" else []
    page = [p for p in claims if p.kind == "page"]
    groups += [page[i : i + 2] for i in range(len(page) - 1)]
    groups += [page[i : i + 3] for i in range(0, len(page) - 2, 3)]
    src = (origin.source,)
    for group in groups[:GROUPS_PER_ORIGIN]:
        seed = origin.key + "|".join(p.claim for p in group)
        style = "list3" if len(group) == 3 else STYLES[stable_hash(seed) % len(STYLES)]
        supported = join([p.claim for p in group], style, origin.source)
        if supported is None:
            style = "and"
            supported = join([p.claim for p in group], style, origin.source)
        if supported is None:
            continue
        yield Joined(
            "compound",
            f"both_supported:{style}",
            supported,
            src,
            "supported",
            "",
            supported,
            (origin,),
        )
        for index in range(len(group)):
            found = _edited(group, index, style, src, seed + str(index))
            if found:
                edit, claim, changed = found
                where = ("first", "second", "third")[index]
                yield Joined(
                    "compound",
                    f"{where}_part:{edit.family}",
                    claim,
                    src,
                    "not_supported",
                    changed,
                    supported,
                    (origin,),
                )


def _page(origin: Origin) -> str:
    return page_groups().get(origin.key, origin.key)


def _keys(text: str) -> set[str]:
    return set(re.findall(r"\b[A-Z][\w'-]{2,}|\b\d[\d,.]*\d|\b\d\b", text[1:]))


def _foreign(claim: str, sources: tuple[str, ...]) -> bool:
    """Neither source says this: most of its names and figures are in neither."""
    keys = _keys(claim)
    missing = [k for k in keys if not any(occurs(k, s) for s in sources)]
    return len(missing) >= 2 and len(missing) * 2 >= len(keys)


def multi_source(pool: list[tuple[Origin, Part]]) -> Iterator[Joined]:
    """Part A from one source, part B from another, both cited; then part B edited, and part A
    replaced by a claim of a third source that neither cited source states."""
    ordered = sorted(pool, key=lambda item: stable_hash("multi" + item[1].claim))
    n = len(ordered)
    for i, (origin_a, part_a) in enumerate(ordered[:MULTI_PAIRS]):
        step = next(
            (k for k in range(1, n) if _page(ordered[(i + k) % n][0]) != _page(origin_a)), None
        )
        if step is None:
            return
        origin_b, part_b = ordered[(i + step) % n]
        sources = (origin_a.source, origin_b.source)
        seed = part_a.claim + part_b.claim
        style = MULTI_STYLES[stable_hash(seed) % len(MULTI_STYLES)]
        both = "\n".join(sources)
        supported = join([part_a.claim, part_b.claim], style, both)
        if supported is None:
            continue
        origins = (origin_a, origin_b)
        yield Joined(
            "multi_source",
            f"both_supported:{style}",
            supported,
            sources,
            "supported",
            "",
            supported,
            origins,
        )
        edit = _pick(part_edits(part_b, (origin_b.source, origin_a.source)), seed)
        if edit:
            claim = join([part_a.claim, edit.claim], style, both)
            changed = _located(claim, edit.changed) if claim else None
            if claim and changed and not occurs(changed, part_a.claim):
                yield Joined(
                    "multi_source",
                    f"part_b:{edit.family}",
                    claim,
                    sources,
                    "not_supported",
                    changed,
                    supported,
                    origins,
                )
        for k in range(2, min(n, 12)):
            origin_c, part_c = ordered[(i + step + k) % n]
            if _page(origin_c) in {_page(o) for o in origins} or not _foreign(
                part_c.claim, sources
            ):
                continue
            claim = join([part_c.claim, part_b.claim], style, both)
            changed = strip_end(part_c.claim)
            if claim and claim.count(changed) == 1:
                yield Joined(
                    "multi_source",
                    "part_a_unsupported",
                    claim,
                    sources,
                    "not_supported",
                    changed,
                    supported,
                    origins,
                )
            break
