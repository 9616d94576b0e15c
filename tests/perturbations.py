"""Claims changed in the ways that matter to a newsroom, built from real claims and pages.

Each perturbation takes a claim its source supports and changes one fact: a number,
a unit, a date, an inserted negation, another person or organisation named on the same
page, or who did what to whom. The source still supports the original, so a scorer that
still calls the changed claim supported has missed the change.

Claims come from the WiCE dev set (human-written claims with the page they cite) and
from sentences of the shared news pages (a claim quoting its source). The edits are
plain text rewrites, deterministic, independent of how citecheck detects them.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from datasets import ground_truth, wice_rows

from checker.text import split_sentences

KINDS = ("number", "unit", "date", "negation", "entity", "role")
_META = re.compile(r"^\(meta data\) [A-Z ]+: ")
_NUMBER = re.compile(r"(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w,]\d|\.\d)")
_YEAR = re.compile(r"\b(1[6-9]\d\d|20[0-4]\d)\b")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH = re.compile(rf"\b({'|'.join(_MONTHS)})\b")
_UNITS = {
    "million": "billion", "billion": "million", "thousand": "million", "km": "miles",
    "kilometres": "miles", "kilometers": "miles", "miles": "kilometres", "metres": "feet",
    "meters": "feet", "feet": "metres", "hours": "days", "minutes": "hours", "days": "weeks",
    "weeks": "months", "months": "years", "years": "months", "kg": "pounds",
    "pounds": "kilograms", "percent": "points",
}  # fmt: skip
_UNIT = re.compile(rf"(?<=\d )({'|'.join(_UNITS)})\b")
_AUX = re.compile(r"\b(was|were|is|are|has|have|had|will|would|can|could)\b (?!not\b)")
_PAST = re.compile(r"(?<=[a-z] )([a-z]{3,}ed)\b")
_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})\b")
_ARGUMENT = r"[A-Z][a-z]+(?: [A-Z][a-z]+)?|the [a-z]{4,}"
_ROLE = re.compile(
    rf"\b(?P<a>{_ARGUMENT}) (?P<v>(?:(?:was|were|has been|had been) )?[a-z]{{3,}}ed(?: by)?"
    rf"|beat|hit|sued|won over) (?P<b>{_ARGUMENT})\b"
)
_NOT_NAMES = frozenset(_MONTHS) | {
    "The", "This", "That", "But", "And", "He", "She", "It", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday",
}  # fmt: skip
_NOT_ARGUMENTS = frozenset("We He She They It I You Mr Mrs Ms Dr The This That".split())
_NOT_NOUNS = frozenset("most same first last best other next only whole rest".split())
_ENGLISH = frozenset("the and of to in is was that for with".split())


@dataclass(frozen=True)
class Perturbation:
    kind: str
    original: str  # a claim the source supports
    claim: str  # the same claim with one fact changed
    source: str  # the source text


@cache
def claims_with_sources() -> tuple[tuple[str, str], ...]:
    """(claim, source text): supported WiCE claims, then sentences of the news pages."""
    out: list[tuple[str, str]] = []
    for row in wice_rows():
        if row["label"] == "supported":
            text = "\n".join(_META.sub("", s) for s in row["evidence"])
            out.append((row["claim"], text))
    for page in sorted(ground_truth().values(), key=lambda p: str(p.get("url", ""))):
        body = str(page.get("articleBody") or "")
        if not _english(body):
            continue  # names by capital letters, negation by "not": English pages only
        for sentence in split_sentences(body):
            if 8 <= len(sentence.split()) <= 40:
                out.append((sentence, body))
    return tuple(out)


def _english(text: str) -> bool:
    words = text.lower().split()
    return sum(w in _ENGLISH for w in words) > 0.12 * max(len(words), 1)


def _number(claim: str, _source: str, rng: random.Random) -> str | None:
    for match in _NUMBER.finditer(claim):
        digits = match.group(1).replace(",", "")
        if _YEAR.fullmatch(digits) or digits.startswith("0"):
            continue
        value = int(digits)
        new = int(digits[::-1]) if len(digits) > 1 and digits[::-1] != digits else value + 3
        if new == value or digits[::-1].startswith("0"):
            new = value * 2 + 1
        return claim[: match.start(1)] + f"{new:,}" + claim[match.end(1) :]
    return None


def _unit(claim: str, _source: str, rng: random.Random) -> str | None:
    match = _UNIT.search(claim)
    if not match:
        return None
    return claim[: match.start()] + _UNITS[match.group(1)] + claim[match.end() :]


def _date(claim: str, _source: str, rng: random.Random) -> str | None:
    year = _YEAR.search(claim)
    if year:
        shifted = int(year.group()) + rng.choice((-3, -2, 2, 3))
        return claim[: year.start()] + str(shifted) + claim[year.end() :]
    month = _MONTH.search(claim)
    if month:
        other = _MONTHS[(_MONTHS.index(month.group()) + rng.choice((3, 5))) % 12]
        return claim[: month.start()] + other + claim[month.end() :]
    return None


def _negation(claim: str, _source: str, rng: random.Random) -> str | None:
    aux = _AUX.search(claim)
    if aux:
        return claim[: aux.end(1)] + " not" + claim[aux.end(1) :]
    past = _PAST.search(claim)
    if past:
        return claim[: past.start()] + "never " + claim[past.start() :]
    return None


def _entity(claim: str, source: str, rng: random.Random) -> str | None:
    """Another name of the same length from the same page: the hard case."""
    mine = [m for m in _NAME.finditer(claim) if m.group(1).split()[0] not in _NOT_NAMES]
    if not mine:
        return None
    target = mine[0]
    words = len(target.group(1).split())
    counts = Counter(
        m.group(1)
        for m in _NAME.finditer(source)
        if len(m.group(1).split()) == words and not set(m.group(1).split()) & _NOT_NAMES
    )
    # A name the page uses more than once: a real person, place or organisation.
    others = sorted(
        n
        for n, seen in counts.items()
        if seen > 1 and n not in claim and not set(n.split()) & set(claim.split())
    )
    if not others:
        return None
    return claim[: target.start(1)] + rng.choice(others) + claim[target.end(1) :]


def _role(claim: str, source: str, rng: random.Random) -> str | None:
    """Swap who did what to whom, where one sentence of the source names both."""
    for match in _ROLE.finditer(claim):
        a, b = match.group("a"), match.group("b")
        if not any(a in line and b in line for line in split_sentences(source)):
            continue
        if a.lower() == b.lower() or {a.split()[0], b.split()[0]} & _NOT_ARGUMENTS:
            continue
        if a.startswith("the ") and a.split()[1] in _NOT_NOUNS:
            continue
        if b.startswith("the ") and b.split()[1] in _NOT_NOUNS:
            continue
        before = claim[: match.start()].split()
        if before and (before[-1] in ("in", "of", "and", "&") or before[-1][:1].isupper()):
            continue  # a part of a longer name: "Alice in Chains"
        if claim[match.end() : match.end() + 1] == ".":
            continue  # "Mr."
        swapped = f"{b} {match.group('v')} {a}"
        if match.start() == 0:
            swapped = swapped[0].upper() + swapped[1:]
        return claim[: match.start()] + swapped + claim[match.end() :]
    return None


EDITS: dict[str, Callable[[str, str, random.Random], str | None]] = {
    "number": _number,
    "unit": _unit,
    "date": _date,
    "negation": _negation,
    "entity": _entity,
    "role": _role,
}


def perturbations(per_kind: int = 40, seed: int = 7) -> list[Perturbation]:
    """Up to `per_kind` perturbations of each kind, the same ones on every run."""
    out: list[Perturbation] = []
    for kind in KINDS:
        rng = random.Random(f"{seed}-{kind}")
        made = 0
        for claim, source in _shuffled(seed):
            changed = EDITS[kind](claim, source, rng)
            if changed and changed != claim:
                out.append(Perturbation(kind, claim, changed, source))
                made += 1
                if made == per_kind:
                    break
    return out


def _shuffled(seed: int) -> Iterator[tuple[str, str]]:
    pairs = list(claims_with_sources())
    random.Random(seed).shuffle(pairs)
    yield from pairs
