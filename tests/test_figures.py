"""Figures by value: a number written another way is the same number; another number is not."""

from __future__ import annotations

import pytest

from checker.evidence.context import changed_facts
from checker.evidence.match import token_words
from checker.figures import canonical_figures


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Sales reached 12,500 units.", "Sales reached 12500 units."),
        ("Sales reached 12,500 units.", "Sales reached 12\u00a0500 units."),
        ("Sales reached 12,500 units.", "Sales reached 12\u2009500 units."),
        ("Sales reached 1,234,567 units.", "Sales reached 1 234 567 units."),
        ("Turnout rose 40 percent.", "Turnout rose 40%."),
        ("Turnout rose 40 per cent.", "Turnout rose 40 %."),
        ("It cost $3 million.", "It cost $3m."),
        ("It cost $3 million.", "It cost $3,000,000."),
        ("It cost €2.5 billion.", "It cost €2.5bn."),
        ("The rate was 3.0 points.", "The rate was 3 points."),
        ("Die Quote lag bei 3,5 Prozent.", "Die Quote lag bei 3.5 Prozent."),
        ("Five people were hurt.", "5 people were hurt."),
        ("Temperatures fell to -5 degrees.", "Temperatures fell to \u22125 degrees."),
        ("Seats 5-7 were empty.", "Seats 5\u20137 were empty."),
    ],
)
def test_formatting_only_is_the_same_figure(before: str, after: str) -> None:
    assert token_words(before) == token_words(after)
    assert "number" not in changed_facts(before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Sales reached 12,500 units.", "Sales reached 12,600 units."),
        ("Turnout rose 40 percent.", "Turnout rose 40 points."),
        ("It cost $3 million.", "It cost $3 billion."),
        ("It cost $3 million.", "It cost $30 million."),
        ("The rate was 3.5 points.", "The rate was 35 points."),
        ("Five people were hurt.", "Six people were hurt."),
        ("The race was 3m long.", "The race was 3km long."),
    ],
)
def test_another_value_is_a_number_change(before: str, after: str) -> None:
    assert "number" in changed_facts(before, after)


def test_canonical_figures_keeps_the_words_around_them() -> None:
    assert canonical_figures("a rise of 40 percent to $3 million") == "a rise of 40pct to $3000000"
    assert canonical_figures("no figures here") == "no figures here"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "The council approved the new budget for schools and parks after a long debate.",
            "The council approved the new budget.",
        ),
        (
            "Der Stadtrat hat den neuen Haushalt für Schulen und Parks nach langer Debatte "
            "beschlossen.",
            "Der Stadtrat hat den neuen Haushalt.",
        ),
        (
            "Le conseil municipal a adopté le nouveau budget des écoles et des parcs après un "
            "long débat.",
            "Le conseil municipal a adopté le nouveau budget.",
        ),
    ],
)
def test_a_sentence_cut_by_half_is_a_serious_change_in_any_language(
    before: str, after: str
) -> None:
    assert "cut" in changed_facts(before, after)
