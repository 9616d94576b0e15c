"""What the claim gets wrong about the passage it is aligned to.

Each check compares the claim with its aligned passage (alignment.py), never the whole
page: a number, a name or a "not" elsewhere on the page says nothing about this claim.

- figures, names, months and units: the claim's item is absent from the passage, and
  the passage has a different item of the same kind in the same slot, between the
  words that anchor the claim's item ("claim says 21, source says 12");
- negation: the claim negates a word the passage states plainly, or the reverse;
- polarity: the claim says "rose" where the passage says "fell";
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

from checker.support.alignment import REACH, Alignment, Token, token_key
from checker.support.roles import swapped_roles

# Names are compared only in a passage that has this share of the claim's words: in a
# loose paraphrase ("third cousin of Prince William" against "William and Harry's
# third cousins") the names of the two sentences do not stand in for one another.
NAME_COVERAGE = 0.7
# A slot longer than this is not one slot: the sentences are too different to compare.
MAX_SLOT = 6
UNITS = frozenset(
    token_key(w)
    for w in """
    km kilometre kilometres kilometer kilometers mile miles metre metres meter meters
    foot feet inch inches yard yards kg kilogram kilograms gram grams pound pounds lb
    lbs tonne tonnes ton tons ounce ounces litre litres liter liters gallon gallons acre
    acres hectare hectares second seconds minute minutes hour hours day days week weeks
    month months year years decade decades century centuries dollar dollars euro euros
    cent cents degree degrees celsius fahrenheit mph kph percent
    """.split()
)
WEEKDAYS = frozenset(
    token_key(w)
    for w in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
# Claim-side negations: plain ones only ("refused" is a negation for the source side).
PLAIN_NEGATIONS = frozenset(
    ["not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot", "without"]
)
_ANTONYMS = [
    ("rise", "fall"),
    ("increase", "decrease"),
    ("increase", "fall"),
    ("rise", "decline"),
    ("gain", "loss"),
    ("win", "lose"),
    ("won", "lost"),
    ("victory", "defeat"),
    ("higher", "lower"),
    ("more", "fewer"),
    ("more", "less"),
    ("largest", "smallest"),
    ("most", "least"),
    ("oldest", "youngest"),
    ("older", "younger"),
    ("first", "last"),
    ("approve", "reject"),
    ("accept", "reject"),
    ("support", "oppose"),
    ("allow", "ban"),
    ("allow", "forbid"),
    ("legal", "illegal"),
    ("open", "close"),
    ("hire", "fire"),
    ("convict", "acquit"),
    ("guilty", "innocent"),
    ("profit", "loss"),
    ("majority", "minority"),
    ("maximum", "minimum"),
    ("north", "south"),
    ("east", "west"),
    ("male", "female"),
    ("expand", "shrink"),
    ("success", "failure"),
]
ANTONYMS: dict[str, frozenset[str]] = {}
for _a, _b in _ANTONYMS:
    _ka, _kb = token_key(_a), token_key(_b)
    ANTONYMS[_ka] = ANTONYMS.get(_ka, frozenset()) | {_kb}
    ANTONYMS[_kb] = ANTONYMS.get(_kb, frozenset()) | {_ka}


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


def find_mismatches(alignment: Alignment) -> tuple[Mismatch, ...]:
    """Every mismatch between the claim and its aligned passage, in claim order."""
    if not alignment.source:
        return ()
    found = [
        *substitutions(alignment),
        *negation_mismatches(alignment),
        *polarity_mismatches(alignment),
        *(Mismatch(MismatchKind.ROLE, claim, source) for claim, source in swapped_roles(alignment)),
    ]
    return tuple(dict.fromkeys(found))  # one of each


def family(token: Token) -> str:
    """Tokens that can stand in for one another: same kind of figure, names, months,
    weekdays, units."""
    if token.figure:
        return token.kind
    if token.key in UNITS:
        return "unit"
    if token.key in WEEKDAYS:
        return "weekday"
    return token.kind


def substitutions(alignment: Alignment) -> Iterator[Mismatch]:
    """Claim figures, names, months and units replaced by others in the same slot."""
    claim, source = alignment.claim, alignment.source
    claim_counts = Counter(t.key for t in claim)
    source_counts = Counter(t.key for t in source)
    i = 0
    while i < len(claim):
        kind = family(claim[i])
        if kind == "word" or alignment.found(claim[i]):
            i += 1
            continue
        end = i + 1  # a run of missing tokens of one family: "Mary Smith"
        while end < len(claim) and family(claim[end]) == kind and not alignment.found(claim[end]):
            end += 1
        if kind == "name" and alignment.coverage < NAME_COVERAGE:
            i = end
            continue  # a loose paraphrase: its names need not line up with the passage's
        slot = _slot(alignment, i, end, bounded=kind == "name")
        if slot is not None:
            # The passage's own run of that family inside the slot, one the claim does not
            # account for (a name it uses as often elsewhere is not a stand-in).
            run = [
                p
                for p in slot
                if family(source[p]) == kind
                and source_counts[source[p].key] > claim_counts[source[p].key]
            ]
            if run and all(b - a == 1 for a, b in itertools.pairwise(run)):
                yield Mismatch(
                    MismatchKind.NAME if kind == "name" else MismatchKind.FIGURE,
                    _show(claim[i:end]),
                    _show([source[p] for p in run]),
                )
        i = end


def _slot(alignment: Alignment, start: int, end: int, *, bounded: bool) -> range | None:
    """Passage positions that stand where claim tokens start..end-1 stand.

    Between an anchor on each side when the claim has both; else beside the one anchor.
    A `bounded` slot (names) beside one anchor sits exactly as far from it as the claim's
    tokens do, give or take one: a name further off is another part of the sentence."""
    left = _anchor(alignment, start, -1)
    right = _anchor(alignment, end - 1, +1)
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


def _anchor(alignment: Alignment, index: int, step: int) -> tuple[int, tuple[int, ...]] | None:
    """The nearest claim word beside `index` that the passage has: its distance from
    `index` and its passage positions."""
    claim = alignment.claim
    for distance in range(1, REACH + 1):
        j = index + step * distance
        if not 0 <= j < len(claim):
            return None
        if claim[j].sentence_start and step < 0 and distance > 1:
            return None
        places = alignment.positions.get(claim[j].key, ())
        if places and claim[j].content:
            return distance, places
    return None


def negation_mismatches(alignment: Alignment) -> Iterator[Mismatch]:
    claim, source = alignment.claim, alignment.source
    for i, token in enumerate(claim):
        if not _plain_negation(token):
            continue
        governed = _governed(claim, i)
        if governed is None:
            continue
        places = alignment.positions.get(claim[governed].key, ())
        if places and not any(_negated(source, p) for p in places):
            yield Mismatch(MismatchKind.NEGATION, claim[governed].text, "")
    for q, token in enumerate(source):
        if not _plain_negation(token):
            continue
        governed = _governed(source, q)
        if governed is None:
            continue
        key = source[governed].key
        at = [i for i, t in enumerate(claim) if t.key == key]
        if at and not any(_negated(claim, i) for i in at):
            yield Mismatch(MismatchKind.NEGATION, "", source[governed].text)


def _plain_negation(token: Token) -> bool:
    return token.key in PLAIN_NEGATIONS or token.text.lower().endswith("n't")


def _governed(tokens: tuple[Token, ...], index: int) -> int | None:
    """The word a negation bears on: the next content word ("did not *give*")."""
    for j in range(index + 1, min(index + 1 + REACH, len(tokens))):
        token = tokens[j]
        if token.sentence_start:
            return None
        if token.key in ("1", "one") and tokens[index].key == "no":
            continue  # "no one was hurt": the negation bears on "hurt"
        if token.key == "only" and j == index + 1:
            return None  # "not only … but": no negation at all
        if token.content and not token.negation and not token.figure:
            return j
    return None


def _negated(tokens: tuple[Token, ...], index: int) -> bool:
    """Is the word at `index` negated: any negation (refused, denied, …) just before it."""
    for j in range(index - 1, max(index - 1 - REACH, -1), -1):
        if tokens[j].negation:
            return True
        if tokens[j + 1].sentence_start:
            return False
    return False


def polarity_mismatches(alignment: Alignment) -> Iterator[Mismatch]:
    claim_keys = {t.key for t in alignment.claim}
    for token in alignment.claim:
        opposites = ANTONYMS.get(token.key)
        if not opposites or token.key in alignment.positions:
            continue
        for opposite in sorted(opposites - claim_keys):
            places = alignment.positions.get(opposite)
            if places:
                yield Mismatch(MismatchKind.POLARITY, token.text, alignment.source[places[0]].text)
                break


def _show(tokens: list[Token] | tuple[Token, ...]) -> str:
    return " ".join(_figure_text(t) if t.figure else t.text for t in tokens)


def _figure_text(token: Token) -> str:
    """A canonical figure as a reader writes it: "$6800000" → "$6,800,000", "40pct" → "40%"."""
    text = token.text
    currency = "" if text[0].isdigit() else text[0]
    number = text[len(currency) :]
    percent = number.endswith("pct")
    number = number.removesuffix("pct")
    whole, dot, fraction = number.partition(".")
    if whole.isdigit() and len(whole) > 4 and token.kind != "year":
        whole = f"{int(whole):,}"
    return f"{currency}{whole}{dot}{fraction}{'%' if percent else ''}"
