"""Controls on figures: the same date, amount, percentage, count or unit written another way."""

from __future__ import annotations

import re

from claim_edits_lexicon import (
    CURRENCIES,
    CURRENCY_WORDS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    SCALE_WORDS,
    UNIT_SPELLINGS,
)
from claim_figures import Span, figure_spans, fix_article, month_number, number_value
from claim_text import Edit, occurs, stable_hash

_SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
_US = ("U.S.", "United States", "American", "Americans", "US")


def _abbr(month: str, seed: str, dot: bool = True) -> str | None:
    options = [a for a in MONTH_ABBREVIATIONS[month] if a != month and a.endswith(".") == dot]
    if not options:
        return None
    return options[stable_hash(seed) % len(options)]


def _date_controls(span: Span, seed: str) -> list[tuple[str, str]]:
    g = span.groups
    fmt = span.kind.removeprefix("date_")
    out: list[tuple[str, str]] = []
    if fmt == "iso":
        number = int(g["mm"])
        if 1 <= number <= 12 and 1 <= int(g["dd"]) <= 31:
            out.append(("date_from_iso", f"{MONTHS[number - 1]} {int(g['dd'])}, {g['year']}"))
        return out
    month = MONTHS[month_number(g["month"]) - 1]
    day, year = g.get("day"), g.get("year")
    if g["month"] != month:  # abbreviated in the claim: write it in full
        full = {
            "mdy": f"{month} {day}, {year}",
            "dmy": f"{day} {month} {year}",
            "md": f"{month} {day}",
            "dm": f"{day} {month}",
            "my": f"{month} {year}",
        }[fmt]
        return [("date_unabbrev", full)]
    dotted, bare = _abbr(month, seed), _abbr(month, seed, dot=False)
    if fmt == "mdy":
        out.append(("date_reorder", f"{day} {month} {year}"))
        out.append(("date_ordinal", f"{month} {day}{_SUFFIX.get(int(day or 0), 'th')}, {year}"))
        if dotted:
            out.append(("date_abbrev", f"{dotted} {day}, {year}"))
        if bare:
            out.append(("date_reorder_abbrev", f"{day} {bare} {year}"))
    elif fmt == "dmy":
        out.append(("date_reorder", f"{month} {day}, {year}"))
        if bare:
            out.append(("date_abbrev", f"{day} {bare} {year}"))
        if dotted:
            out.append(("date_reorder_abbrev", f"{dotted} {day}, {year}"))
    elif fmt == "md":
        out.append(("date_reorder", f"{day} {month}"))
        if dotted:
            out.append(("date_abbrev", f"{dotted} {day}"))
    elif fmt == "dm":
        out.append(("date_reorder", f"{month} {day}"))
    elif fmt == "my" and dotted:
        out.append(("date_abbrev", f"{dotted} {year}"))
    return out


def _grouped(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _money_controls(span: Span, source: str) -> list[tuple[str, str]]:
    g = span.groups
    num, scale = g["num"], g.get("scale")
    if span.kind == "money_word":
        return [("money_symbol", f"{CURRENCY_WORDS[g['word']]}{num} {scale}")]
    cur = g["cur"]
    word = CURRENCIES[cur][0]
    out: list[tuple[str, str]] = []
    full_scale = {"bn": "billion", "m": "million", "M": "million", "B": "billion"}.get(
        scale or "", scale
    )
    if full_scale:
        out.append(("money_words", f"{num} {full_scale} {word}"))
        short = {"billion": "bn", "million": "m"}.get(full_scale)
        if short and scale != short:
            out.append(("money_abbrev", f"{cur}{num}{short}"))
        if cur == "$" and short and any(occurs(us, source) for us in _US):
            out.append(("money_us", f"US${num}{short}"))
        value = number_value(num) * SCALE_WORDS[full_scale]
        if full_scale == "billion" and (value / 1e6) == int(value / 1e6):
            out.append(("money_rescale", f"{cur}{_grouped(value / 1e6)} million"))
        if full_scale == "million" and value == int(value) and value < 1e10:
            out.append(("money_digits", f"{cur}{_grouped(value)}"))
    else:
        out.append(("money_words", f"{num} {word}"))
        value = number_value(num)
        if value >= 1e6 and (value / 1e6) * 100 == int((value / 1e6) * 100):
            out.append(("money_condense", f"{cur}{value / 1e6:g} million"))
    return out


def _number_controls(span: Span, seed: str) -> list[tuple[str, str]]:
    g = span.groups
    words = {n: w for w, n in NUMBER_WORDS.items()}
    ordinals = {n: w for w, n in ORDINAL_WORDS.items()}
    if span.kind == "percent":
        num = g["num"]
        if g["sign"] == "%":
            return [("percent_words", f"{num} percent"), ("percent_words", f"{num} per cent")]
        return [("percent_symbol", f"{num}%")]
    if span.kind == "count":
        num = g["num"]
        value = number_value(num)
        if "," in num and "." not in num:
            plain = num.replace(",", "")
            if stable_hash(seed) % 2:
                return [("thousands_space", num.replace(",", " "))]
            return [("thousands_plain", plain)]
        if num.isdigit() and 2 <= value <= 10:
            return [("digits_to_word", words[int(value)])]
        return []
    if span.kind == "word":
        value = NUMBER_WORDS[g["word"].lower()]
        return [("word_to_digits", str(value))] if value <= 100 else []
    if span.kind == "scale":
        value = number_value(g["num"]) * SCALE_WORDS[g["scale"]]
        return [("million_expand", f"{value:,.0f}")] if value == int(value) else []
    if span.kind == "ordinal_word":
        value = ORDINAL_WORDS[g["word"].lower()]
        if value == 1:
            return []  # "for the first time" is an idiom, not a rank
        return [("ordinal_digits", f"{value}{_SUFFIX.get(value, 'th')}")]
    if span.kind == "ordinal_suffix":
        value = int(g["num"])
        return [("ordinal_spelled", ordinals[value])] if value in ordinals else []
    if span.kind == "unit" and g["sep"] == " ":
        spellings = UNIT_SPELLINGS.get(g["unit"], ())
        return [("unit_spelling", f"{g['num']} {s}") for s in spellings]
    return []


# Words a number labels rather than counts: "group 2", "season 4", "position 8".
_LABELS = set(
    "group type class category level stage phase grade number no. version season episode "
    "chapter page room route highway channel series model gate term position round week day "
    "line section part act verse item figure table step game match race heat lane flight".split()
)
_AFTER_AMOUNT = set(
    "in for to of a an per from and or on at by with over last this each is was were are will "
    "would has had have between into while after before than off worth down up as".split()
)


def _attributive(claim: str, span: Span) -> bool:
    """Does the amount modify the noun after it ("a $3 billion offer", "$99 Logitech mouse")?"""
    if re.search(r"\b(a|an)\s+$", claim[: span.start]):
        return True
    after = claim[span.end :].split(" ", 2)
    word = after[1] if len(after) > 1 and not after[0] else ""
    if claim[span.end : span.end + 1].isalnum() or claim[span.end : span.end + 1] in {"/", "-"}:
        return True
    return bool(word) and word[0].isalnum() and word.lower().strip(",.;") not in _AFTER_AMOUNT


def format_controls(claim: str, source: str) -> list[Edit]:
    """The claim with one figure rewritten in another form that states the same value."""
    out: list[Edit] = []
    for span in figure_spans(claim):
        if span.kind.startswith("date_"):
            rewrites = _date_controls(span, claim)
        elif span.kind.startswith("money"):
            rewrites = _money_controls(span, source)
        else:
            rewrites = _number_controls(span, claim)
        loose = claim[span.end : span.end + 1] in {"/", "-", "–"} or claim[
            span.start - 1 : span.start
        ] in {"/", "-", "–", "*"}
        for variant, new in rewrites:
            if variant == "money_words" and _attributive(claim, span):
                continue  # "a $3 billion offer" is not "a 3 billion dollars offer"
            if variant in {"digits_to_word", "word_to_digits"} and (
                loose
                or not re.match(r" [a-z]", claim[span.end :])
                or span.start == 0
                or (claim[: span.start].split()[-1:] and claim[: span.start].split()[-1] in _LABELS)
            ):
                continue  # "5-8 minutes", "6/8": not a count of something
            if new != span.text:
                if span.text[:1].isupper() and span.start == 0:
                    new = new[:1].upper() + new[1:]
                new_claim = fix_article(claim[: span.start] + new + claim[span.end :], span.start)
                out.append(Edit("control", variant, new_claim))
    return out
