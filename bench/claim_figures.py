"""Where the figures of a claim are (dates, years, money, percentages, units, counts) and the
edits that make one of them wrong (number / date / money / percent / unit families)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from claim_edits_lexicon import (
    CURRENCIES,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    SCALE_SWAPS,
    UNIT_SWAPS,
)
from claim_text import Edit, occurs, stable_hash

_FULL = "|".join(MONTHS)
_ABBR = "|".join(
    sorted({a.rstrip(".") for abbrs in MONTH_ABBREVIATIONS.values() for a in abbrs}, key=len)[::-1]
)
MONTH = rf"(?:{_FULL}|(?:{_ABBR})\.?)"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_NAMES = "|".join(re.escape(u) for u in sorted(UNIT_SWAPS, key=len, reverse=True))
_WORDS = "|".join(w for w, n in NUMBER_WORDS.items() if n > 1)
_ORDINALS = "|".join(ORDINAL_WORDS)
_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}

_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# (kind, pattern); earlier kinds win where spans overlap.
_PATTERNS = [
    (
        "money",
        rf"(?P<cur>US\$|\$|€|£)\s?(?P<num>{_NUM})"
        r"(?:\s?(?P<scale>million|billion|trillion|bn|m|M|B)\b)?(?![\w/]|[.,]\d)",
    ),
    # "2 million pounds of beef" is a weight
    (
        "money_word",
        rf"\b(?P<num>{_NUM})\s(?P<scale>million|billion|trillion)\s"
        r"(?P<word>dollars|euros|pounds)\b(?! of\b)",
    ),
    ("percent", rf"\b(?P<num>{_NUM})\s?(?P<sign>%|percent\b|per cent\b)"),
    ("date_mdy", rf"\b(?P<month>{MONTH}) {_DAY},? (?P<year>\d{{4}})\b"),
    ("date_dmy", rf"\b{_DAY} (?P<month>{MONTH}),? (?P<year>\d{{4}})\b"),
    ("date_iso", r"\b(?P<year>\d{4})-(?P<mm>\d\d)-(?P<dd>\d\d)\b"),
    ("date_md", rf"\b(?P<month>{MONTH}) {_DAY}\b(?![\d:,])"),
    ("date_dm", rf"\b{_DAY} (?P<month>{MONTH})\b"),
    ("date_my", rf"\b(?P<month>{MONTH}),? (?:of )?(?P<year>\d{{4}})\b"),
    ("unit", rf"\b(?P<num>{_NUM}|{_WORDS})(?P<sep>[ -])(?P<unit>{_UNIT_NAMES})(?![\w/])"),
    ("scale", rf"\b(?P<num>{_NUM}) (?P<scale>million|billion|trillion)\b"),
    ("year", r"(?<![\w$€£.,–-])(?P<year>1[0-9]\d\d|20[0-3]\d)(?![\w%–-]|[.,]\d)"),
    ("ordinal_suffix", r"\b(?P<num>\d{1,3})(?P<suffix>st|nd|rd|th)\b"),
    ("count", rf"(?<![\w$€£.#])(?P<num>{_NUM})(?![\w%]|[.,]\d)"),
    ("word", rf"(?i)\b(?P<word>{_WORDS})\b(?=[ -][a-z])"),
    ("ordinal_word", rf"(?i)\b(?P<word>{_ORDINALS})\b(?= [a-z])"),
]
PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in _PATTERNS]


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    text: str
    groups: dict[str, str]


@lru_cache(maxsize=8192)
def figure_spans(claim: str) -> tuple[Span, ...]:
    """Figures of the claim, left to right, none overlapping; quoted titles are left alone."""
    taken = [(m.start(), m.end()) for m in re.finditer(r"[\"“][^\"”]*[\"”]", claim)]
    spans: list[Span] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(claim):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            if kind in {"count", "word", "ordinal_suffix"} and _in_name_or_range(claim, m):
                continue
            if kind == "word" and re.match(
                r"-(thirds?|quarters?|halves|fifths?)\b", claim[m.end() :]
            ):
                continue  # "two-thirds": a fraction
            if kind in {"ordinal_word", "ordinal_suffix"} and _not_a_rank(claim, m):
                continue  # "a third of", "the second is": a fraction or a pronoun
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            spans.append(Span(kind, m.start(), m.end(), m.group(), groups))
            taken.append((m.start(), m.end()))
    return tuple(sorted(spans, key=lambda s: s.start))


def _in_name_or_range(claim: str, m: re.Match[str]) -> bool:
    """Is the number part of a name ("Series 4", "iPhone 8", "Cheez-It 355") or of a range, a
    score or a fraction ("28–29", "14-7", "3-in-1")?"""
    before = claim[: m.start()].rstrip().split(" ")[-1:]
    not_first = m.start() > 0 and claim[: m.start()].strip() != (before or [""])[0]
    if before and not_first and any(c.isupper() for c in before[0]):
        return True
    before_text, after_text = claim[max(0, m.start() - 4) : m.start()], claim[m.end() : m.end() + 4]
    if re.search(r"\d[-–/]$", before_text) or re.match(r"[-–/]\d", after_text):
        return True  # one end of a range, a score or a fraction
    return bool(re.match(r"-in-", after_text) or re.search(r"-in-$", before_text))


_NOT_NOUN = set(
    "is was are were of and or to in on at by for with as has had have will would that which who "
    "said says time".split()
)


def _not_a_rank(claim: str, m: re.Match[str]) -> bool:
    after = claim[m.end() :].split()[:1]
    before = claim[: m.start()].split()[-1:]
    if before and before[0].lower() in {"a", "one", "two", "three", "every"}:
        return True
    return not after or after[0].lower().strip(",.;") in _NOT_NOUN


def month_number(name: str) -> int:
    name = name.rstrip(".")
    for index, month in enumerate(MONTHS, start=1):
        if name == month or name in {a.rstrip(".") for a in MONTH_ABBREVIATIONS[month]}:
            return index
    raise ValueError(name)


def month_pattern(month: int) -> str:
    full = MONTHS[month - 1]
    abbrs = {a.rstrip(".") for a in MONTH_ABBREVIATIONS[full]} - {full}
    return "(?:" + "|".join([full, *(rf"{a}\.?" for a in abbrs)]) + ")"


_MONTH_DAY = re.compile(rf"\b(?P<month>{MONTH})\s+0?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?![\d:])")
_DAY_MONTH = re.compile(
    rf"(?<![\d/])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{MONTH})\b"
)
_NUMERIC_DATE = re.compile(
    r"\b\d{4}-(?P<month>\d\d)-(?P<day>\d\d)\b|(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/"
)
_MONTH_YEAR = re.compile(
    rf"\b(?P<month>{MONTH}),?\s+(?:of\s+)?(?:\d{{1,2}},?\s+)?(?P<year>\d{{4}})\b"
    r"|\b(?P<y>\d{4})-(?P<m>\d\d)\b"
)


@lru_cache(maxsize=4096)
def _days(text: str) -> frozenset[tuple[int, int]]:
    """Every (month, day) the text mentions, in any of the usual forms."""
    found: set[tuple[int, int]] = set()
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(text):
            found.add((month_number(m.group("month")), int(m.group("day"))))
    for m in _NUMERIC_DATE.finditer(text):
        month, day = (m.group("month"), m.group("day")) if m.group("month") else (m["m"], m["d"])
        found.add((int(month), int(day)))
    return frozenset(found)


@lru_cache(maxsize=4096)
def _months(text: str) -> frozenset[tuple[int, int]]:
    """Every (month, year) the text mentions."""
    found: set[tuple[int, int]] = set()
    for m in _MONTH_YEAR.finditer(text):
        if m.group("month"):
            found.add((month_number(m.group("month")), int(m.group("year"))))
        else:
            found.add((int(m.group("m")), int(m.group("y"))))
    return frozenset(found)


def mentions_day(month: int, day: int, text: str) -> bool:
    return (month, day) in _days(text)


def mentions_month_year(month: int, year: int, text: str) -> bool:
    return (month, year) in _months(text)


def number_value(text: str) -> float:
    low = text.lower()
    if low in NUMBER_WORDS:
        return NUMBER_WORDS[low]
    return float(text.replace(",", ""))


def format_like(value: float, like: str) -> str:
    """`value` written the way `like` is: thousands commas, decimals, or a number word."""
    if like.lower() in NUMBER_WORDS:
        words = {n: w for w, n in NUMBER_WORDS.items()}
        word = words.get(int(value), str(int(value)))
        return word.capitalize() if like[0].isupper() else word
    decimals = len(like.split(".")[1]) if "." in like else 0
    grouped = "," in like or (value >= 10000 and " " not in like)
    return f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"


def bumps(value: float, seed: str) -> list[float]:
    """Other values for a figure, far enough apart that no reader takes one for the other."""
    if value <= 10:
        out = [value + 1, value + 2, value - 1, value + 3]
    elif value < 100:
        step = max(3, value // 5)
        out = [value + step, value - step, value * 2]
    else:
        out = [value * 2, value + value // 2, value * 3, value - value // 2]
    out = [v for v in out if v > 1 and v != value]
    shift = stable_hash(seed) % len(out)
    return out[shift:] + out[:shift]


def _year_candidates(year: int, seed: str) -> list[tuple[str, int]]:
    shifts = [1, -1, 2, -2, 3, -3, 5, -5, 10, -10, 20, -20]
    shift = stable_hash(seed) % len(shifts)
    out = [("year_shift", year + s) for s in shifts[shift:] + shifts[:shift]]
    swapped = int(f"{year}"[:2] + f"{year}"[3] + f"{year}"[2])
    out.insert(0, ("year_digit_swap", swapped))
    latest = max(year, 2021)  # the data ends in 2020: no edit moves a past event into the future
    return [(v, y) for v, y in out if 1000 <= y <= latest and y != year]


def _number_free(value: str, support: str) -> bool:
    plain = value.replace(",", "")
    forms = {value, plain, f"{int(float(plain)):,}" if "." not in plain else plain}
    if plain.isdigit() and int(plain) <= 20:
        forms |= {w for w, n in NUMBER_WORDS.items() if n == int(plain)}
    return not any(occurs(form, support) for form in forms)


def fix_article(text: str, start: int) -> str:
    """The article before an edit at `start` made to agree: "a eight-round" -> "an eight-round"."""
    m = re.search(r"\b([Aa])(n?) $", text[:start])
    if not m:
        return text
    vowel = bool(re.match(r"(?i)[aeio]|eight|eleven|8|11(?!\d)|18(?!\d)|80(?!\d)", text[start:]))
    article = m.group(1) + ("n" if vowel else "")
    return text[: m.start()] + article + " " + text[start:]


def _edit(claim: str, span: Span, new: str, family: str, variant: str, wrong: str) -> Edit | None:
    new_claim = fix_article(claim[: span.start] + new + claim[span.end :], span.start)
    changed = wrong if new_claim.count(wrong) == 1 else new
    if new_claim.count(changed) != 1 or new_claim == claim:
        return None
    return Edit(family, variant, new_claim, changed)


def _date_edits(claim: str, span: Span, source: str) -> list[Edit]:
    fmt = span.kind.removeprefix("date_")
    g = span.groups
    out: list[Edit | None] = []
    if "year" in g:
        year = int(g["year"])
        for variant, new_year in _year_candidates(year, claim):
            if not occurs(str(new_year), source) and str(new_year) not in claim:
                new = span.text.replace(g["year"], str(new_year))
                out.append(_edit(claim, span, new, "date", variant, str(new_year)))
                break
    if "month" not in g:
        return [e for e in out if e]
    month = month_number(g["month"])
    abbreviated = g["month"] not in MONTHS
    tag = f"{fmt}_abbr" if abbreviated else fmt
    if "day" in g:
        day = int(g["day"])
        for new_day in (day + 1, day - 1, day + 2, day + 9, day - 9):
            if 1 <= new_day <= 28 and not mentions_day(month, new_day, source):
                new = re.sub(rf"(?<!\d){day}(?!\d)", str(new_day), span.text, count=1)
                out.append(_edit(claim, span, new, "date", f"day_change:{tag}", new))
                break
    for step in (1, -1, 2, 5):
        new_month = (month - 1 + step) % 12 + 1
        if "day" in g:
            if mentions_day(new_month, int(g["day"]), source):
                continue
        elif mentions_month_year(new_month, int(g["year"]), source):
            continue
        name = MONTHS[new_month - 1]
        name = MONTH_ABBREVIATIONS[name][0] if abbreviated and name != "May" else name
        if abbreviated and not g["month"].endswith("."):
            name = name.rstrip(".")
        new = span.text.replace(g["month"], name, 1)
        out.append(_edit(claim, span, new, "date", f"month_change:{tag}", new))
        break
    return [e for e in out if e]


def _value_edits(claim: str, span: Span, support: str, source: str) -> list[Edit]:
    g, out = span.groups, []
    kind = span.kind
    if kind == "year":
        year = int(g["year"])
        for variant, new_year in _year_candidates(year, claim):
            if not occurs(str(new_year), source) and str(new_year) not in claim:
                out.append(_edit(claim, span, str(new_year), "date", variant, str(new_year)))
                break
        return [e for e in out if e]
    if kind == "ordinal_word":
        rank = ORDINAL_WORDS[g["word"].lower()]
        names = {n: w for w, n in ORDINAL_WORDS.items()}
        for other in (rank + 2, rank + 1, rank - 1):
            word = names.get(other, "")
            suffix = f"{other}{_ORDINAL_SUFFIX.get(other, 'th')}" if other else ""
            if word and not occurs(word, support) and not occurs(suffix, support):
                word = word.capitalize() if g["word"][0].isupper() else word
                out.append(_edit(claim, span, word, "number", "ordinal_word", word))
                break
        return [e for e in out if e]
    if kind == "ordinal_suffix":
        rank = int(g["num"])
        for other in (rank + 2, rank + 1, rank - 1):
            teen = 10 <= other % 100 <= 20
            text = f"{other}{'th' if teen else _ORDINAL_SUFFIX.get(other % 10, 'th')}"
            if other > 0 and not occurs(text, support):
                out.append(_edit(claim, span, text, "number", "ordinal_suffix", text))
                break
        return [e for e in out if e]
    num = g.get("num") or g.get("word", "")
    value = number_value(num)
    family, variant = {
        "money": ("money", "amount_change"),
        "money_word": ("money", "amount_change"),
        "percent": ("percent", "percent_change"),
        "unit": ("number", "count_change"),
        "scale": ("number", "count_change"),
        "count": ("number", "count_change"),
        "word": ("number", "count_word"),
    }[kind]
    if kind == "percent":
        variant += ":symbol" if g["sign"] == "%" else ":word"
    if kind == "count" and "." in num:
        variant = "decimal_change"
    if kind == "count" and value >= 1000 and "," not in num and value <= 2035:
        return []  # a bare four-digit number that is not a year reads like one
    candidates = bumps(value, claim)
    if "." in num:  # change the whole part, keep the decimals: 8,570.66 -> 25,711.66
        decimals = num.rsplit(".", 1)[1]
        candidates = [float(f"{int(v)}.{decimals}") for v in bumps(float(int(value)) or 1, claim)]
    if kind == "percent" and value <= 100:
        candidates = [v for v in candidates if v < 100]
    for new_value in candidates:
        new_num = format_like(new_value, num)
        probe = str(int(new_value)) if num.lower() in NUMBER_WORDS else new_num
        if _number_free(probe, support) and not occurs(new_num, claim):
            new = (
                span.text[: span.text.index(num)]
                + new_num
                + span.text[span.text.index(num) + len(num) :]
            )
            out.append(_edit(claim, span, new, family, variant, new))
            break
    scale = g.get("scale")
    if kind in {"money", "money_word", "scale"} and scale in SCALE_SWAPS:
        new = span.text.replace(scale, SCALE_SWAPS[scale])
        if not occurs(f"{num} {SCALE_SWAPS[scale]}", source):
            out.append(_edit(claim, span, new, family, "scale_swap", new))
    if kind == "money" and g["cur"] in CURRENCIES:
        sign = CURRENCIES[g["cur"]][1]
        word = CURRENCIES[sign][0]
        if f"{sign}{num}" not in source and not occurs(f"{num} {scale or ''} {word}", source):
            new = sign + span.text[len(g["cur"]) :]
            out.append(_edit(claim, span, new, "money", "currency_swap", new))
    if kind == "unit":
        out += _unit_swap(claim, span, source)
    return [e for e in out if e]


def _unit_swap(claim: str, span: Span, source: str) -> list[Edit | None]:
    g = span.groups
    kind, other = UNIT_SWAPS[g["unit"]]
    if g["sep"] == "-":
        other = {"feet": "foot", "inches": "inch", "km/h": "km/h"}.get(other, other.rstrip("s"))
    new = f"{g['num']}{g['sep']}{other}"
    if occurs(f"{g['num']} {other}", source) or occurs(new, source):
        return []
    return [_edit(claim, span, new, "unit", f"unit_swap:{kind}", new)]


def figure_edits(claim: str, support: str, source: str) -> list[Edit]:
    """Every single-figure edit of the claim that neither its support nor its source states."""
    out: list[Edit] = []
    for span in figure_spans(claim):
        if span.kind.startswith("date_"):
            out += _date_edits(claim, span, source)
        else:
            out += _value_edits(claim, span, support, source)
    return out
