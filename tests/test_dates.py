"""Dates, times, currencies, units and ordinals by value: another spelling is no edit,
another value is one."""

from __future__ import annotations

import pytest

from checker.dates import canonical_dates, month_number
from checker.evidence.context import changed_facts
from checker.evidence.match import token_words


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "The storm hit on October 27, 2006, killing three.",
            "The storm hit on 27 October 2006, killing three.",
        ),
        ("The storm hit on October 27.", "The storm hit on 27 October."),
        ("Talks resume July 10 in Geneva.", "Talks resume Jul. 10 in Geneva."),
        ("He was born July 27, 2006.", "He was born Jul. 27, 2006."),
        ("Filed on Sept. 3, 2019.", "Filed on 3 September 2019."),
        ("Filed on Sep 3 2019.", "Filed on 3rd of September, 2019."),
        ("The law took effect 2021-01-15.", "The law took effect January 15, 2021."),
        ("The vote was on 27/10/2006.", "The vote was on October 27, 2006."),
        ("The vote was on 10/27/2006.", "The vote was on 27 Oct 2006."),
        ("Polls close at 8 p.m. local time.", "Polls close at 8pm local time."),
        ("Polls close at 8 PM local time.", "Polls close at 20:00 local time."),
        ("The briefing starts at 9:30 a.m.", "The briefing starts at 9:30am."),
        ("In May 2006 the plant closed.", "In May, 2006 the plant closed."),
        (
            "The city will spend 4.2 billion dollars in 2025.",
            "The city will spend $4.2 billion in 2025.",
        ),
        ("The city will spend US$4.2bn in 2025.", "The city will spend USD 4.2 billion in 2025."),
        ("The deal is worth $4,200 million.", "The deal is worth $4.2 billion."),
        ("Tickets cost 30 euros.", "Tickets cost €30."),
        ("The bridge is 800 metres long.", "The bridge is 800 meters long."),
        ("The route is 5 km long.", "The route is 5 kilometers long."),
        ("He finished 3rd in the race.", "He finished third in the race."),
        ("It weighs 20 kg.", "It weighs 20 kilograms."),
    ],
)
def test_another_spelling_of_a_value_is_no_edit(before: str, after: str) -> None:
    assert token_words(before) == token_words(after)
    assert not changed_facts(before, after) & {"number", "date", "entity"}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("The storm hit on October 27, 2006.", "The storm hit on October 28, 2006."),
        ("The storm hit on October 27, 2006.", "The storm hit on 27 November 2006."),
        ("The storm hit on October 27, 2006.", "The storm hit on Oct. 27, 2007."),
        ("The law took effect 2021-01-15.", "The law took effect January 16, 2021."),
        ("Polls close at 8 p.m.", "Polls close at 8 a.m."),
        ("The city will spend $4.2 billion.", "The city will spend $4.5 billion."),
        ("The city will spend $4.2 billion.", "The city will spend €4.2 billion."),
        ("The bridge is 800 metres long.", "The bridge is 800 feet long."),
        ("He finished 3rd in the race.", "He finished fifth in the race."),
    ],
)
def test_another_value_is_an_edit(before: str, after: str) -> None:
    assert token_words(before) != token_words(after)
    assert changed_facts(before, after)


@pytest.mark.parametrize(
    "text",
    [
        "It may not work.",
        "The 12 may be released later.",
        "Thousands march 3 miles to the capitol.",
        "The ratio was 03/04/2006 in the table.",  # day and month cannot be told apart
        "Decent 5 people came.",
    ],
)
def test_what_is_not_surely_a_date_is_left_as_written(text: str) -> None:
    assert canonical_dates(text) == text


@pytest.mark.parametrize(
    ("word", "number"), [("October", 10), ("Oct.", 10), ("sept", 9), ("May", 5), ("maybe", None)]
)
def test_month_number(word: str, number: int | None) -> None:
    assert month_number(word) == number
