"""What the claim gets wrong about the passage it is aligned to.

Each check compares the claim with its aligned passage (alignment.py), never the whole
page: a number, a name or a "not" elsewhere on the page says nothing about this claim.

- figures, names, months and units: the claim's item is absent from the passage, and
  the passage has a different item of the same kind in the same slot, between the
  words that anchor the claim's item ("claim says 21, source says 12"). Kinds are
  kept apart: a year is never compared with an amount, nor metres with dollars. A
  name the source gives elsewhere counts only where the passage says the rest of the
  claim word for word;
- negation: the claim negates a word the passage states plainly, or the reverse, in
  any of negation's forms and in the claim's context (negation.py);
- polarity: the claim says "rose" where the passage says "fell" (negation.py);
- roles (roles.py): who did what to whom is reversed ("the council fined the company" against
  "the company fined the council"), allowing for the passive voice.

Checks are pure and cheap, and built to stay silent when unsure: a mismatch lowers a
claim's support and is shown to an editor, so a false one costs trust.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from checker.figures import ORDINAL_WORDS
from checker.support.alignment import REACH, Alignment, Token, token_key
from checker.support.negation import in_scope, is_negated, negated_words, opposite_words
from checker.support.roles import swapped_roles

# Names are compared only in a passage that has this share of the claim's words: in a
# loose paraphrase ("third cousin of Prince William" against "William and Harry's
# third cousins") the names of the two sentences do not stand in for one another.
NAME_COVERAGE = 0.7
# Figures, months, units and names are compared only in a passage with this share of
# the claim's words: below it, the passage is about something else.
FIGURE_COVERAGE = 0.5
# A passage that has this share of the rest of the claim says the same sentence: a name
# the source gives elsewhere, put in place of the passage's own, still contradicts it.
HELD = 0.9
# A slot longer than this is not one slot: the sentences are too different to compare.
MAX_SLOT = 6
# Units by what they measure: only units of one dimension stand in for one another.
_DIMENSIONS = {
    "length": """km kilometre kilometres kilometer kilometers mile miles metre metres meter
        meters foot feet inch inches yard yards centimetres millimetres""",
    "mass": """kg kilogram kilograms gram grams pound pounds lb lbs tonne tonnes ton tons
        ounce ounces""",
    "volume": "litre litres liter liters gallon gallons",
    "area": "acre acres hectare hectares",
    "time": """second seconds minute minutes hour hours day days week weeks month months year
        years decade decades century centuries""",
    "money": "dollar dollars euro euros cent cents",
    "temperature": "degree degrees celsius fahrenheit",
    "speed": "mph kph",
}
UNIT_DIMENSION = {
    token_key(word): dimension for dimension, words in _DIMENSIONS.items() for word in words.split()
}
UNITS = frozenset(UNIT_DIMENSION) | {token_key("percent")}
# "second" is left to the units: "30 seconds" is a time far more often than a rank.
ORDINALS = frozenset(token_key(w) for w in ORDINAL_WORDS if w != "second")
_SECOND = token_key("second")
WEEKDAYS = frozenset(
    token_key(w)
    for w in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)


class MismatchKind(StrEnum):
    FIGURE = "figure"  # a number, a year, money, a percentage, a month or a unit
    NEGATION = "negation"
    POLARITY = "polarity"
    NAME = "name"
    ROLE = "role"


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    claim: str  # what the claim says
    source: str  # what the aligned passage says instead

    def explain(self) -> str:
        if self.kind is MismatchKind.NAME:
            return f"claim names {self.claim}, source names {self.source}"
        if self.kind is MismatchKind.NEGATION:
            if self.claim:
                return f"claim negates '{self.claim}', source does not"
            return f"source negates '{self.source}'"
        if self.kind is MismatchKind.ROLE:
            return f"claim says {self.claim}, source says {self.source}"
        if self.kind is MismatchKind.POLARITY:
            return f"claim says '{self.claim}', source says '{self.source}'"
        return f"claim says {self.claim}, source says {self.source}"


def find_mismatches(alignment: Alignment, mentioned: str = "") -> tuple[Mismatch, ...]:
    """Every mismatch between the claim and its aligned passage, in claim order.

    `mentioned` is the whole source folded and space-padded (`" " + fold(text) + " "`):
    a name it holds is mentioned by the source, if not in this passage."""
    if not alignment.source:
        return ()
    found = [
        *substitutions(alignment, mentioned),
        *negation_mismatches(alignment),
        *polarity_mismatches(alignment),
        *(Mismatch(MismatchKind.ROLE, claim, source) for claim, source in swapped_roles(alignment)),
    ]
    return tuple(dict.fromkeys(found))  # one of each


def family(token: Token) -> str:
    """Tokens that can stand in for one another: same kind of figure, names, months,
    weekdays, ordinals ("third" = "3rd"), units of one dimension."""
    if token.figure:
        return token.kind
    if token.key in UNITS:
        return f"unit:{UNIT_DIMENSION.get(token.key, token.key)}"
    if token.key in WEEKDAYS:
        return "weekday"
    if token.key in ORDINALS:
        return "ordinal"
    return token.kind


_RANKED_BY = frozenset(token_key(w) for w in "the a its his her their our this that each".split())


def family_at(tokens: tuple[Token, ...], index: int) -> str:
    """`family`, with "the *second* leg" read as a rank, "30 seconds" as a time."""
    token = tokens[index]
    if token.key == _SECOND and index > 0:
        before = tokens[index - 1]
        if before.key in _RANKED_BY or before.text.lower().endswith("'s"):
            return "ordinal"
    return family(token)


def substitutions(alignment: Alignment, mentioned: str = "") -> Iterator[Mismatch]:
    """Claim figures, names, months and units replaced by others in the same slot."""
    if alignment.coverage < FIGURE_COVERAGE:
        return  # the passage is not where the claim is: its figures and names say nothing of it
    claim, source = alignment.claim, alignment.source
    claim_counts = Counter(t.key for t in claim)
    source_counts = Counter(t.key for t in source)
    i = 0
    while i < len(claim):
        kind = family_at(claim, i)
        if kind == "word" or alignment.found(claim[i]):
            i += 1
            continue
        end = i + 1  # a run of missing tokens of one family: "Mary Smith"
        while (
            end < len(claim) and family_at(claim, end) == kind and not alignment.found(claim[end])
        ):
            end += 1
        if kind == "name" and _rest_coverage(alignment, i, end) < NAME_COVERAGE:
            i = end
            continue  # a loose paraphrase: its names need not line up with the passage's
        if kind == "name" and _mentioned(claim[i:end], mentioned) and not _held(alignment, i, end):
            i = end
            continue  # a name the source gives elsewhere, in a sentence said another way
        slots = [_slot(alignment, i, end, bounded=kind == "name")]
        if kind != "name":
            slots += _beside(alignment, i, end)
        for slot in slots:
            if slot is None:
                continue
            # The passage's own run of that family inside the slot, one the claim does not
            # account for (a name it uses as often elsewhere is not a stand-in).
            run = [
                p
                for p in slot
                if family_at(source, p) == kind
                and source_counts[source[p].key] > claim_counts[source[p].key]
            ]
            if run and all(b - a == 1 for a, b in itertools.pairwise(run)):
                yield Mismatch(
                    MismatchKind.NAME if kind == "name" else MismatchKind.FIGURE,
                    _show(claim[i:end]),
                    _show([source[p] for p in run]),
                )
                break
        i = end


def _beside(alignment: Alignment, start: int, end: int) -> list[range]:
    """Where a figure stands next to the word it counts: "600 *partner agencies*" against
    "400 partner agencies", wherever that word recurs in the passage (a slot between
    two anchors misses it when an anchor word occurs twice)."""
    claim, size = alignment.claim, len(alignment.source)
    slots: list[range] = []
    if end < len(claim) and claim[end].content and not claim[end].figure:
        for place in alignment.positions.get(claim[end].key, ()):
            slots.append(range(max(place - (end - start), 0), place))
    if start > 0 and claim[start - 1].content and not claim[start - 1].figure:
        for place in alignment.positions.get(claim[start - 1].key, ()):
            slots.append(range(place + 1, min(place + 1 + (end - start), size)))
    return slots


def _slot(alignment: Alignment, start: int, end: int, *, bounded: bool) -> range | None:
    """Passage positions that stand where claim tokens start..end-1 stand.

    Between an anchor on each side when the claim has both; else beside the one anchor.
    A `bounded` slot (names) beside one anchor sits exactly as far from it as the claim's
    tokens do, give or take one: a name further off is another part of the sentence."""
    left = _anchor(alignment, start, -1, words_only=bounded)
    right = _anchor(alignment, end - 1, +1, words_only=bounded)
    if left is not None and right is not None:
        pairs = [(lp, rp) for lp in left[1] for rp in right[1] if 0 < rp - lp <= MAX_SLOT + 1]
        if pairs:
            lp, rp = min(pairs, key=lambda pair: pair[1] - pair[0])
            return range(lp + 1, rp)
    length = end - start
    size = len(alignment.source)
    if left is not None and len(left[1]) == 1:
        distance, (lp,) = left
        if bounded:
            return range(max(lp + distance - 1, lp + 1), min(lp + distance + length + 1, size))
        return range(lp + 1, min(lp + 1 + REACH, size))
    if right is not None and len(right[1]) == 1:
        distance, (rp,) = right
        if bounded:
            return range(max(rp - distance - length, 0), min(rp - distance + 2, rp))
        return range(max(rp - REACH, 0), rp)
    return None


def _anchor(
    alignment: Alignment, index: int, step: int, *, words_only: bool = False
) -> tuple[int, tuple[int, ...]] | None:
    """The nearest claim word beside `index` that the passage has: its distance from
    `index` and its passage positions. `words_only`: not a name (a name's slot is not
    found by another name, "Kent State *University*" by "Miami University")."""
    claim = alignment.claim
    for distance in range(1, REACH + 1):
        j = index + step * distance
        if not 0 <= j < len(claim):
            return None
        if claim[j].sentence_start and step < 0 and distance > 1:
            return None
        if words_only and claim[j].name:
            continue
        places = alignment.positions.get(claim[j].key, ())
        if places and claim[j].content:
            return distance, _disambiguated(alignment, j, places, step)
    return None


def _disambiguated(
    alignment: Alignment, j: int, places: tuple[int, ...], step: int
) -> tuple[int, ...]:
    """Of an anchor word's places in the passage, the one whose next word away from the
    run is the claim's too ("Amazon *head*", not "Apple head"), when that settles it."""
    if len(places) < 2 or not 0 <= j + step < len(alignment.claim):
        return places
    beyond = alignment.claim[j + step].key
    source = alignment.source
    fitting = tuple(
        p for p in places if 0 <= p + step < len(source) and source[p + step].key == beyond
    )
    return fitting if len(fitting) == 1 else places


def _rest_coverage(alignment: Alignment, start: int, end: int) -> float:
    """Share of the claim's content words outside start..end that the passage has."""
    rest = [t for i, t in enumerate(alignment.claim) if t.content and not start <= i < end]
    return sum(1 for t in rest if alignment.found(t)) / len(rest) if rest else 0.0


def _held(alignment: Alignment, start: int, end: int) -> bool:
    """Is the claim's run start..end held in place: the passage says the rest of the
    claim (HELD of its other content words) and has an anchor beside the run?"""
    if _rest_coverage(alignment, start, end) < HELD:
        return False
    return _anchor(alignment, start, -1) is not None or _anchor(alignment, end - 1, +1) is not None


def _mentioned(tokens: tuple[Token, ...], mentioned: str) -> bool:
    """Does the source name any of these words anywhere (`mentioned`: folded, padded)?"""
    return any(f" {t.text.lower()} " in mentioned for t in tokens if len(t.text) > 2)


def negation_mismatches(alignment: Alignment) -> Iterator[Mismatch]:
    """A word the claim negates that the passage states plainly in its context, and the
    reverse, whatever form the negation takes (negation.py)."""
    claim, source = alignment.claim, alignment.source
    for i in negated_words(claim, paired=False):
        places = [p for p in alignment.positions.get(claim[i].key, ()) if in_scope(alignment, i, p)]
        if places and not any(is_negated(source, p) for p in places):
            yield Mismatch(MismatchKind.NEGATION, claim[i].text, "")
    for q in negated_words(source):
        at = [i for i, t in enumerate(claim) if t.key == source[q].key]
        if at and not any(is_negated(claim, i) for i in at) and in_scope(alignment, at[0], q):
            yield Mismatch(MismatchKind.NEGATION, "", source[q].text)


def polarity_mismatches(alignment: Alignment) -> Iterator[Mismatch]:
    for i, place in opposite_words(alignment):
        yield Mismatch(MismatchKind.POLARITY, alignment.claim[i].text, alignment.source[place].text)


def _show(tokens: list[Token] | tuple[Token, ...]) -> str:
    return " ".join(show_figure(t) if t.figure else t.text for t in tokens)


def show_figure(token: Token) -> str:
    """A canonical figure as a reader writes it: "$4200000000" → "$4.2 billion",
    "12500" → "12,500", "40pct" → "40%"."""
    text = token.text
    currency = "" if text[0].isdigit() else text[0]
    number = text[len(currency) :]
    percent = number.endswith("pct")
    number = number.removesuffix("pct")
    whole, dot, fraction = number.partition(".")
    if whole.isdigit() and token.kind != "year":
        value = int(whole)
        for power, scale in ((12, "trillion"), (9, "billion"), (6, "million")):
            if value >= 10**power and not fraction and value % 10 ** (power - 3) == 0:
                shown = f"{value / 10**power:.3f}".rstrip("0").rstrip(".")
                return f"{currency}{shown} {scale}"
        if len(whole) > 4:
            whole = f"{value:,}"
    return f"{currency}{whole}{dot}{fraction}{'%' if percent else ''}"
