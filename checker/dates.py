"""Dates and times by value: writing a date another way is not changing it.

"October 27, 2006" = "27 October 2006" = "Oct. 27, 2006" = "27th of Oct 2006" =
"2006-10-27" = "10/27/2006", and "3 p.m." = "3pm" = "15:00" = "3:00 PM".
`canonical_dates` rewrites each date as "27 October 2006" (day, month in full, year:
whichever of them the text gives) and each clock time as "15:00", so that comparisons
of words see a reordered or abbreviated date as no edit, and another day, month or
year as an edit of that value.

Only what is unambiguous is rewritten: a month is a capitalized month word beside a day
or a year ("12 may be", "they march 3 miles" are left alone), and a numeric date only
when its order cannot be mistaken (an ISO date, or a day above 12: "27/10/2006");
"03/04/2006" is left as written.
"""

from __future__ import annotations

import re

MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()
# Every spelling of a month, lower case, and the month it is.
_MONTH_OF: dict[str, str] = {}
for _number, _name in enumerate(MONTH_NAMES):
    for _form in (_name, _name[:3], "sept" if _name == "September" else _name[:3]):
        _MONTH_OF[_form.lower()] = _name
_MONTH_OF["sept"] = "September"
_MONTH_NUMBER = {name: index + 1 for index, name in enumerate(MONTH_NAMES)}
# A month word: full or abbreviated ("Oct", "Oct.", "Sept."); abbreviations must not be
# the start of a longer word ("Mart", "Decent").
_MONTH = (
    r"(?P<{g}>(?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)(?![\w])|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
    r"(?:\.|(?![\w])))"
)
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?(?![\w])"
_YEAR = r"(?P<{g}>1[5-9]\d\d|20\d\d)(?![\w])"
# "October 27, 2006", "Oct. 27th 2006", "October 27"
_MONTH_FIRST = (
    _MONTH.format(g="m1") + r"\s+" + _DAY.format(g="d1") + r"(?:,?\s+" + _YEAR.format(g="y1") + ")?"
)
# "27 October 2006", "27th of Oct. 2006", "27 Oct"
_DAY_FIRST = (
    _DAY.format(g="d2")
    + r"\s+(?:of\s+)?"
    + _MONTH.format(g="m2")
    + r"(?:,?\s+"
    + _YEAR.format(g="y2")
    + ")?"
)
# "May 2006", "Oct. 2006": the month stands next to a year only
_MONTH_YEAR = _MONTH.format(g="m3") + r",?\s+" + _YEAR.format(g="y3")
_ISO = r"(?P<iy>1[5-9]\d\d|20\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?![\w:])"
_NUMERIC = r"(?P<na>[0-3]?\d)[/.](?P<nb>[0-3]?\d)[/.](?P<ny>1[5-9]\d\d|20\d\d)(?![\w/.]\d)"
_DATE = re.compile(
    rf"(?<![\w$€£¥₹/.-])(?:{_MONTH_FIRST}|{_DAY_FIRST}|{_MONTH_YEAR}|{_ISO}|{_NUMERIC})",
    re.IGNORECASE,
)
# "3 p.m.", "3pm", "3:30 PM", "15:00", "11 a.m. ET" (the zone is left as written)
_TIME = re.compile(
    r"(?<![\w:.])(?P<h>[0-2]?\d)(?::(?P<min>[0-5]\d))?\s?"
    r"(?:(?P<ampm>[ap])(?:\.\s?m\.|\s?m\b)|(?<=\d:\d\d)(?![\w:]))",
    re.IGNORECASE,
)
# Cheap look before the work: a month spelling, a digit-dash-digit or a clock time.
_HINT = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\d[-/.:]\d|\d\s?[ap]\.?m\b",
    re.IGNORECASE,
)


def canonical_dates(text: str) -> str:
    """`text` with every unambiguous date as "27 October 2006" and time as "15:00"."""
    if not _HINT.search(text):
        return text
    text = _DATE.sub(_rewrite_date, text)
    return _TIME.sub(_rewrite_time, text)


def _rewrite_date(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["iy"]:
        return _spelled(int(groups["id"]), int(groups["im"]), groups["iy"]) or match.group(0)
    if groups["ny"]:
        first, second = int(groups["na"]), int(groups["nb"])
        if first > 12 >= second:  # 27/10/2006: day first
            return _spelled(first, second, groups["ny"]) or match.group(0)
        if second > 12 >= first:  # 10/27/2006: month first
            return _spelled(second, first, groups["ny"]) or match.group(0)
        return match.group(0)  # 03/04/2006: either
    for month, day, year in (("m1", "d1", "y1"), ("m2", "d2", "y2"), ("m3", None, "y3")):
        if groups[month]:
            name = _MONTH_OF[groups[month].lower().rstrip(".")]
            number = int(groups[day]) if day else None
            if number is not None and not 1 <= number <= 31:
                return match.group(0)
            if groups[month][0].islower():
                return match.group(0)  # "12 may be", "they march 3 miles": not months
            parts = [str(number)] if number is not None else []
            parts.append(name)
            if groups[year]:
                parts.append(groups[year])
            return " ".join(parts)
    return match.group(0)


def _spelled(day: int, month: int, year: str) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{day} {MONTH_NAMES[month - 1]} {year}"


def _rewrite_time(match: re.Match[str]) -> str:
    hour, minutes, ampm = int(match.group("h")), match.group("min") or "00", match.group("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            return match.group(0)
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    elif hour > 23:
        return match.group(0)
    tail = " " if match.group(0).endswith(" ") else ""
    return f"{hour:02d}:{minutes}{tail}"


def month_number(word: str) -> int | None:
    """1..12 for a month's name or abbreviation ("Sept." → 9); None for any other word."""
    name = _MONTH_OF.get(word.lower().rstrip("."))
    return _MONTH_NUMBER[name] if name else None
