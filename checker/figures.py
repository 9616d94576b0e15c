"""Figures by value: formatting a number differently is not changing it.

"12,500" = "12500" = "12 500" = "12.500,0", "40 percent" = "40%" = "40 per cent",
"$3 million" = "$3m" = "$3,000,000", "3.0" = "3", "3,5" (a decimal comma) = "3.5",
"five" = "5", "4.2 billion dollars" = "US$4.2bn" = "$4,200 million", "800 metres" =
"800 meters", "5 km" = "5 kilometres", "3rd" = "third"; dates and times too
(checker.dates: "Oct. 27" = "27 October"). `canonical_figures` rewrites every figure of
a text into one token per value, so that word-level comparisons (evidence keys,
fingerprints, changed facts) see a formatting-only edit as no edit at all.

Ambiguous spellings are read one way, consistently on both sides of a comparison, so a
wrong reading can only make two different spellings of one value look different (a
missed formatting equivalence), never two different values look the same: "3,500" is
three thousand five hundred, "12.500" twelve and a half, "3m" three metres unless a
currency sign stands before it.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from checker.dates import canonical_dates

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
# Powers of ten of scale words; the one-letter ones only count after a currency sign.
_SCALES = {
    "hundred": 2, "thousand": 3, "thousands": 3, "k": 3,
    "million": 6, "millions": 6, "millionen": 6, "millones": 6, "milioni": 6,
    "miljoen": 6, "mio": 6, "mln": 6, "mn": 6, "m": 6,
    "billion": 9, "billions": 9, "milliard": 9, "milliards": 9, "milliarden": 9,
    "miliardi": 9, "mrd": 9, "bln": 9, "bn": 9, "b": 9,
    "trillion": 12, "trillions": 12, "tn": 12, "trn": 12,
}  # fmt: skip
_LETTER_SCALES = frozenset({"k", "m", "b"})
_PERCENT = r"%|percent|per ?cent|pct|prozent|pour ?cent|por ?ciento|per ?cento|procent|por ?cento"
_CURRENCY = r"(?:US|U\.S\.|A|C|NZ|HK|S)?[$€£¥₹]|(?:USD|EUR|GBP|JPY|CHF|INR|CAD|AUD)\s?"
# One way to write each currency: "US$", "USD" and "dollars" are all "$".
_SYMBOL = {"us$": "$", "u.s.$": "$", "usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹"}
# A currency named after the amount: "4.2 billion dollars", "300 euros". Plain "pounds"
# is money only after a scale word ("3 million pounds"); "200 pounds" is a weight.
_CURRENCY_WORDS = {
    "dollars": "$", "dollar": "$", "us dollars": "$", "u.s. dollars": "$", "euros": "€",
    "euro": "€", "yen": "¥", "rupees": "₹", "rupee": "₹", "pounds sterling": "£",
}  # fmt: skip
_CURRENCY_WORD = "|".join(sorted(map(re.escape, _CURRENCY_WORDS), key=len, reverse=True))
_DIGITS = (  # grouped (12,500 / 1 000 000 / 1.234,5), else plain (12500 / 3.5 / 3,5)
    r"\d{1,3}(?P<sep>[ ,.'\u00a0\u2009\u202f’])\d{3}(?:(?P=sep)\d{3})*(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?"
)
_FIGURE = re.compile(
    rf"(?<![\w.,'’])(?P<cur>{_CURRENCY})?"
    rf"(?:(?P<num>{_DIGITS})|(?P<word>{'|'.join(_WORD_NUMBERS)}))"
    rf"(?:\s?(?P<scale>{'|'.join(sorted(_SCALES, key=len, reverse=True))})\.?(?![\w]))?"
    rf"(?:\s?(?P<pct>{_PERCENT})(?![\w]))?"
    rf"(?:\s(?P<curword>{_CURRENCY_WORD}|(?<=illion )pounds)(?![\w]))?"
    r"(?![\w]|[.,]\d)",
    re.IGNORECASE,
)
# The lookahead on first letters spares trying every number word at every position:
# a sentence is checked several times faster, with the same answer.
_FIRST_LETTERS = "".join(sorted({word[0] for word in _WORD_NUMBERS}))
_HINT = re.compile(
    rf"(?=[\d{_FIRST_LETTERS}])(?:\d|\b(?:{'|'.join(_WORD_NUMBERS)})\b)", re.IGNORECASE
)


def may_hold_figures(text: str) -> bool:
    """False when `text` holds no figure (no digit, no number word): nor does any part of it."""
    return _HINT.search(text) is not None


def canonical_figures(text: str) -> str:
    """`text` with each figure written as its value ("$3 million" → "$3000000", "40
    percent" → "40pct", "12,500" → "12500"); everything else left as it was."""
    if not _HINT.search(text):
        return text
    text = _FIGURE.sub(_rewrite, canonical_dates(text))
    return _UNIT.sub(_rewrite_unit, _ORDINAL.sub(_rewrite_ordinal, text))


def figure_value(match: re.Match[str]) -> Decimal | None:
    """The value a `_FIGURE` match stands for, scale applied; None if not a figure."""
    if match.group("word"):
        value = Decimal(_WORD_NUMBERS[match.group("word").lower()])
    else:
        parsed = _parse_digits(match.group("num"), match.group("sep"))
        if parsed is None:
            return None
        value = parsed
    scale = (match.group("scale") or "").lower()
    if scale:
        if scale in _LETTER_SCALES and not match.group("cur"):
            return None  # "3m" is three metres, "5k" a distance: only "$3m" is money
        value *= Decimal(10) ** _SCALES[scale]
    return value


def _rewrite(match: re.Match[str]) -> str:
    value = figure_value(match)
    if value is None:
        return _without_scale(match)
    if match.group("word") and not (match.group("scale") or match.group("pct")):
        return str(value)  # "five" → "5"
    currency = (match.group("cur") or "").strip()
    currency = _SYMBOL.get(currency.lower(), currency)
    if match.group("curword") and not currency:
        currency = _CURRENCY_WORDS.get(match.group("curword").lower(), "£")
    elif match.group("curword"):
        return f"{currency}{_plain(value)}"  # "$5 dollars": one currency
    suffix = "pct" if match.group("pct") else ""
    return f"{currency}{_plain(value)}{suffix}"


def _without_scale(match: re.Match[str]) -> str:
    """A figure whose scale word is not one ("3m" of distance): its number only."""
    number = match.group("num")
    if number is None:
        return match.group(0)
    value = _parse_digits(number, match.group("sep"))
    if value is None:
        return match.group(0)
    start, end = match.span("num")
    rest = match.string[end : match.end()]
    return match.string[match.start() : start] + _plain(value) + rest


def _parse_digits(number: str, sep: str | None) -> Decimal | None:
    if not sep:
        whole, comma, fraction = number.partition(",")
        return _decimal(f"{whole}.{fraction}" if comma else number)  # "3,5": a decimal comma
    rest, fraction = number, ""
    for mark in (",", "."):  # the decimal mark is whichever of the two does not group
        if mark != sep and mark in number:
            rest, _, fraction = number.partition(mark)
    groups = rest.split(sep)
    if sep == "." and len(groups) == 2 and not fraction:
        return _decimal(f"{groups[0]}.{groups[1]}")  # "12.500": read as a decimal point
    return _decimal("".join(groups) + (f".{fraction}" if fraction else ""))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> str:
    """1000 not 1E+3; 3 not 3.0; 3.5 not 3.50."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# Spellings of one unit after a figure, and the one they are written as. One-letter
# symbols are left alone: "5G" is a network, "5m people" five million of them.
_UNITS = {
    "kilometres": "km kilometre kilometer kilometers kms",
    "metres": "metre meter meters",
    "centimetres": "cm centimetre centimeter centimeters",
    "millimetres": "mm millimetre millimeter millimeters",
    "miles": "mi mile",
    "feet": "ft foot",
    "inches": "inch",
    "kilograms": "kg kgs kilo kilos kilogram",
    "grams": "gram",
    "pounds": "lb lbs",
    "tonnes": "tonne tons ton",
    "litres": "litre liter liters",
    "hectares": "ha hectare",
    "acres": "acre",
    "mph": "miles_per_hour",
    "km/h": "kph kmh kilometres_per_hour kilometers_per_hour",
    "celsius": "°c ºc degrees_celsius degrees_c",
    "fahrenheit": "°f ºf degrees_fahrenheit degrees_f",
}
_UNIT_OF = {
    form: unit
    for unit, forms in _UNITS.items()
    for form in (unit, *(f.replace("_", " ") for f in forms.split()))
}
_UNIT = re.compile(
    r"(?<=\d)\s?(?P<unit>"
    + "|".join(sorted(map(re.escape, _UNIT_OF), key=len, reverse=True))
    + r")(?![\w/])",
    re.IGNORECASE,
)
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
).split()
ORDINAL_WORDS = frozenset(_ORDINAL_WORDS)
_ORDINAL = re.compile(r"(?<![\w.,])(?P<n>1[0-2]|[1-9])(?:st|nd|rd|th)(?![\w])", re.IGNORECASE)


def _rewrite_unit(match: re.Match[str]) -> str:
    return " " + _UNIT_OF[match.group("unit").lower()]


def _rewrite_ordinal(match: re.Match[str]) -> str:
    """ "3rd" → "third": the word and the figure are one value."""
    return _ORDINAL_WORDS[int(match.group("n")) - 1]


_FIGURE_AND_UNIT = re.compile(
    r"(?P<figure>[$€£¥₹]?\d(?:[\d.]*\d)?(?:pct)?)(?:\s(?P<unit>"
    + "|".join(sorted(map(re.escape, set(_UNITS)), key=len, reverse=True))
    + r")(?![\w/]))?"
)


def figures_with_units(canonical: str) -> Counter[str]:
    """Each figure of a `canonical_figures` text with its currency and unit: "$4200000000",
    "800 metres", "12": what a change of value, currency or unit changes."""
    return Counter(
        f"{m.group('figure')} {m.group('unit') or ''}".strip()
        for m in _FIGURE_AND_UNIT.finditer(canonical)
    )
