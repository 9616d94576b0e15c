"""Claims in parts: a compound sentence is judged fact by fact."""

from __future__ import annotations

import pytest

from checker.support.parts import split_claim


@pytest.mark.parametrize(
    ("claim", "parts"),
    [
        # a second clause after ", and"
        (
            "The couple married in New York in December 2012, and their son, Bear, was born "
            "the next year.",
            [
                "The couple married in New York in December 2012",
                "their son, Bear, was born the next year.",
            ],
        ),
        # two predicates of one subject: the second gets the subject back
        (
            "They became engaged in 2015 and married in 2017.",
            ["They became engaged in 2015", "They married in 2017."],
        ),
        (
            "He studied law and economics at Yale and later taught in Boston.",
            ["He studied law and economics at Yale", "He later taught in Boston."],
        ),
        # a list of figures: the second gets the words before the first figure back
        (
            "Sales rose 5% in 2019 and 7% in 2020.",
            ["Sales rose 5% in 2019", "Sales rose 7% in 2020."],
        ),
        (
            "It took five years to make the film and three years to write it.",
            ["It took five years to make the film", "It took three years to write it."],
        ),
        # semicolons and contrasts
        (
            "The plant closed in 2009; its 400 workers were laid off within a month.",
            ["The plant closed in 2009", "its 400 workers were laid off within a month."],
        ),
        (
            "Opponents stress community trust and civil rights, while proponents emphasize "
            "efficiency and public safety.",
            [
                "Opponents stress community trust and civil rights",
                "proponents emphasize efficiency and public safety.",
            ],
        ),
        (
            "The bill passed the House, but the Senate rejected it in March.",
            ["The bill passed the House", "the Senate rejected it in March."],
        ),
        # a clause after a bare "and" that starts with a name
        (
            "Late that year, Harris left the band and Dennis Whitted took over on drums.",
            ["Late that year, Harris left the band", "Dennis Whitted took over on drums."],
        ),
        # one fact: "and" joins names, nouns or the ends of a range
        (
            "Smith and Jones founded the firm in 1990.",
            ["Smith and Jones founded the firm in 1990."],
        ),
        (
            "The mayor of Boston and the governor signed the bill.",
            ["The mayor of Boston and the governor signed the bill."],
        ),
        (
            "The population grew between 2010 and 2015.",
            ["The population grew between 2010 and 2015."],
        ),
        (
            "Croatia, Germany, Netherlands, and Austria all qualified Saturday.",
            ["Croatia, Germany, Netherlands, and Austria all qualified Saturday."],
        ),
        ("He was born in Ohio and raised in Texas.", ["He was born in Ohio and raised in Texas."]),
        (
            "Police were called, but the members left.",
            ["Police were called, but the members left."],
        ),
        ("While in office, she cut taxes twice.", ["While in office, she cut taxes twice."]),
    ],
)
def test_a_claim_is_cut_where_one_fact_ends_and_the_next_begins(
    claim: str, parts: list[str]
) -> None:
    assert [p.text for p in split_claim(claim)] == parts


def test_each_part_knows_where_it_stands_in_the_claim() -> None:
    claim = "They became engaged in 2015 and married in 2017."
    first, second = split_claim(claim)
    assert claim[first.start : first.end] == "They became engaged in 2015"
    assert claim[second.start : second.end] == "married in 2017."


def test_a_long_list_is_judged_whole() -> None:
    claim = "; ".join(f"item {n} costs {n} dollars in shop {n}" for n in range(10))
    assert len(split_claim(claim)) == 1


@pytest.mark.parametrize("claim", ["", "   "])
def test_nothing_to_split(claim: str) -> None:
    assert split_claim(claim) == ()
