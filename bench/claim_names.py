"""Name edits: a person, place, organisation or work in the claim swapped for another of the
same type, either from outside the source (never mentioned there) or from elsewhere on it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from claim_edits_lexicon import (
    CITIES,
    COUNTRIES,
    FEMALE_NAMES,
    KNOWN_ORGS,
    MALE_NAMES,
    MONTHS,
    ORG_ACRONYMS,
    ORG_KINDS,
    OUTSIDE_MEN,
    OUTSIDE_WOMEN,
    OUTSIDE_WORKS,
    PERSON_TITLES,
    REGIONS,
    US_STATES,
    WORK_KIND_WORDS,
)
from claim_text import Edit, occurs, sentences_of, stable_hash

_CAP = r"[A-Z][\w'’.&!-]*[\w!.]|[A-Z]"
_RUN = re.compile(rf"(?:{_CAP})(?: (?:(?:of|for|the|de|van|von) )?(?:{_CAP}))*")
_NAME_TOKEN = re.compile(
    r"[A-Z]\.|[A-Z][a-zà-ÿ]+(?:[-'’][A-Z]?[a-zà-ÿ]+)*|Ma?c[A-Z][a-z]+|[IVX]+|Jr\.?|Sr\.?"
)
_HONORIFICS = {"Dr.", "Mr.", "Mrs.", "Ms.", "President", "Senator", "Sen.", "Rep.", "Gov.", "Judge"}
_QUOTED = re.compile(r"[\"“]([^\"”]{2,60})[\"”]")
_PLACES = {"country": COUNTRIES, "state": US_STATES, "region": REGIONS, "city": CITIES}
_SMALL = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "by", "with", "from"}


@dataclass(frozen=True)
class Name:
    kind: str  # "person:female", "place:city", "org:school", "work:film", ...
    text: str
    start: int
    end: int


def _clean_run(text: str, start: int) -> tuple[str, int]:
    """Trim a possessive and a sentence-final full stop off a run of capitalised words."""
    run = re.sub(r"['’]s$", "", text)
    if run.startswith("The ") and len(run.split()) > 2:
        run, start = run[4:], start + 4  # "The Yale University graduate": the article stays
    if run.endswith(".") and not re.search(r"\b[A-Z]\.$", run):
        run = run[:-1]
    return run, start


def _person_gender(run: str, claim: str) -> str | None:
    tokens = run.split()
    if tokens[0] in _HONORIFICS:
        tokens = tokens[1:]
    if len(tokens) < 2 or len(tokens) > 4 or any(t in MONTHS or t in PERSON_TITLES for t in tokens):
        return None
    if not all(_NAME_TOKEN.fullmatch(t) for t in tokens):
        return None  # "BrokawMusicMusic": page debris, not a name
    if tokens[0] in FEMALE_NAMES:
        return "female"
    if tokens[0] in MALE_NAMES:
        return "male"
    return None


def _org_kind(run: str) -> str | None:
    tokens = run.split()
    if len(tokens) == 1:
        return KNOWN_ORGS.get(run)
    if tokens[0] == "United" and tokens[1] in {"States", "Kingdom", "Nations", "Arab"}:
        return None
    for kind, (heads, _) in ORG_KINDS.items():
        if tokens[-1] in heads or (kind == "school" and tokens[0] in {"University", "College"}):
            return kind
    return None


def find_names(text: str) -> list[Name]:
    """Names in the text with their type; a name inside a longer capitalised name is skipped."""
    names: list[Name] = []
    for m in _QUOTED.finditer(text):
        title = m.group(1).strip().rstrip(".,;:")
        if re.search(r"[A-Z][a-z]* $", text[: m.start()]) and re.match(r" [A-Z]", text[m.end() :]):
            continue  # a nickname: Jose "Dr. Drum" Ortiz
        caps = [w for w in title.split() if w.lower() not in _SMALL]
        if title[0].isupper() and caps and sum(w[0].isupper() for w in caps) / len(caps) >= 0.75:
            before = [w.strip(",;:") for w in text[max(0, m.start() - 30) : m.start()].split()[-3:]]
            kind = next((WORK_KIND_WORDS[w] for w in reversed(before) if w in WORK_KIND_WORDS), "")
            if not kind and len(title.split()) < 2:
                continue  # one quoted word of unknown kind: a plant, a magazine, a nickname
            kind = kind or "film"
            names.append(Name(f"work:{kind}", title, m.start(1), m.start(1) + len(title)))
    quoted = [(n.start, n.end) for n in names]
    for m in _RUN.finditer(text):
        if any(m.start() < end and start < m.end() for start, end in quoted):
            continue
        run, start = _clean_run(m.group(), m.start())
        sentence_start = m.start() == 0 or text[: m.start()].rstrip().endswith((".", "\n"))
        gender = _person_gender(run, text)
        org = _org_kind(run)
        if org and not (sentence_start and len(run.split()) == 1 and run not in KNOWN_ORGS):
            names.append(Name(f"org:{org}", run, start, start + len(run)))
        elif gender:
            names.append(Name(f"person:{gender}", run, start, start + len(run)))
        else:
            for kind, places in _PLACES.items():
                if run in places:
                    names.append(Name(f"place:{kind}", run, start, start + len(run)))
                    break
    return names


@cache
def _page_names(source: str) -> tuple[Name, ...]:
    return tuple(find_names(source))


@lru_cache(maxsize=1024)
def _given_names(source: str) -> dict[str, str]:
    """Surname -> gender, for every "Given Surname" of the source with a known given name (the
    first such pair of a surname wins)."""
    out: dict[str, str] = {}
    for m in re.finditer(r"\b([A-Z][a-z]+) (?:[A-Z]\. )?([A-Z][a-zà-ÿ'’-]{2,})\b", source):
        given, surname = m.groups()
        if surname not in out and (given in FEMALE_NAMES or given in MALE_NAMES):
            out[surname] = "female" if given in FEMALE_NAMES else "male"
    return out


def _surnames(claim: str, source: str) -> list[Name]:
    """Single capitalised words that the source writes after a known given name (people named by
    surname alone, as Wikipedia does)."""
    out: list[Name] = []
    for m in re.finditer(r"(?<=\s)([A-Z][a-zà-ÿ'’-]{2,})\b", claim):
        word = m.group(1)
        if (
            word in MONTHS
            or word in KNOWN_ORGS
            or (
                claim[m.end() : m.end() + 2].startswith(" ")
                and claim[m.end() + 1 : m.end() + 2].isupper()
            )
        ):
            continue
        if claim[: m.start()].rstrip().split(" ")[-1][:1].isupper():
            continue  # the last word of a longer name
        gender = _given_names(source).get(word)
        if gender:
            out.append(Name(f"person:{gender}:surname", word, m.start(), m.end()))
    return out


@cache
def _outside(kind: str) -> tuple[str, ...]:
    family, _, sub = kind.partition(":")
    if family == "person":
        return tuple(OUTSIDE_WOMEN if sub.startswith("female") else OUTSIDE_MEN)
    if family == "place":
        return tuple(_PLACES[sub])
    if family == "org":
        return ORG_KINDS[sub][1]
    return OUTSIDE_WORKS[sub]


def _absent(name: str, sources: tuple[str, ...]) -> bool:
    parts = [name, *(w for w in name.split() if w[0].isupper() and len(w) > 3)]
    return not any(occurs(part, source) for part in parts for source in sources)


def _replace(claim: str, name: Name, new: str, variant: str) -> Edit | None:
    if new.startswith("The ") and claim[: name.start].lower().endswith("the "):
        new = new[4:]  # "the The Economist"
    new_claim = claim[: name.start] + new + claim[name.end :]
    if new_claim.count(new) != 1 or claim.count(name.text) != 1:
        return None
    return Edit("name", variant, new_claim, new)


def _outside_edit(claim: str, name: Name, sources: tuple[str, ...]) -> Edit | None:
    pool = _outside(name.kind)
    if name.kind.startswith("org") and name.text.isupper():
        pool = ORG_ACRONYMS
    offset = stable_hash(claim + name.text) % len(pool)
    for candidate in pool[offset:] + pool[:offset]:
        if name.kind.endswith("surname"):
            candidate = candidate.split()[-1]
        if candidate != name.text and _absent(candidate, sources) and not occurs(candidate, claim):
            variant = "outside_" + name.kind.split(":")[0]
            return _replace(claim, name, candidate, variant)
    return None


def _kind_word(claim: str, name: Name) -> bool:
    before = [w.strip(',;:"“') for w in claim[max(0, name.start - 32) : name.start].split()[-3:]]
    return any(w in WORK_KIND_WORDS for w in before)


def _clean_name(text: str, source: str) -> bool:
    """A name of the page, not a headline run ("Kevin Feige Says Deal"): none of its later
    words is written in lower case elsewhere on the page."""
    return not any(w.lower() in _lower_words(source) for w in text.split()[1:] if len(w) > 2)


@lru_cache(maxsize=1024)
def _lower_words(source: str) -> frozenset[str]:
    return frozenset(re.findall(r"\b[a-z][a-z'’-]+\b", source))


def _key_tokens(claim: str, skip: str) -> set[str]:
    keys = set(re.findall(r"\b[A-Z][\w'-]+|\b\d[\d,.]*\d|\b\d\b", claim)) - set(skip.split())
    return {k for k in keys if k.lower() not in _SMALL and k not in MONTHS}


def _other_on_page(claim: str, name: Name, source: str, support: str) -> Edit | None:
    if name.kind.endswith("surname") or (name.kind == "work:film" and not _kind_word(claim, name)):
        return None  # a title of unknown kind: another title on the page may be anything
    family = name.kind.split(":")[0]
    pool = sorted(
        {
            n.text
            for n in _page_names(source)
            if n.kind.split(":")[:2] == name.kind.split(":")[:2] and _clean_name(n.text, source)
        },
        key=lambda text: stable_hash(claim + text),
    )
    keys = _key_tokens(claim, name.text)
    own = set(name.text.split())
    for candidate in pool:
        if own & set(candidate.split()) or occurs(candidate, claim) or occurs(candidate, support):
            continue
        if family == "person" and any(occurs(w, claim) for w in candidate.split()[1:]):
            continue
        near = [s for s in sentences_of(source) if occurs(candidate, s)]
        if any(sum(occurs(k, s) for k in keys) * 2 >= max(1, len(keys)) for s in near):
            continue  # the page may say the same thing about the other name
        return _replace(claim, name, candidate, f"other_on_page:{family}")
    return None


def name_edits(claim: str, sources: tuple[str, ...], support: str) -> list[Edit]:
    """Name swaps of the claim; `sources` are every text the claim cites, `support` the part of
    them that supports it."""
    names = find_names(claim) + _surnames(claim, "\n".join(sources))
    out: list[Edit] = []
    seen: set[str] = set()
    for name in names:
        surname = name.text.split()[-1]
        if name.kind.startswith("person") and claim.count(surname) > 1:
            continue  # "Tony Stewart ... after Stewart hit": one swap would leave the other
        if name.text in seen:
            continue
        seen.add(name.text)
        for edit in (
            _outside_edit(claim, name, sources),
            _other_on_page(claim, name, sources[0], support),
        ):
            if edit:
                out.append(edit)
    return out
