"""Claim judgement: `unsupported` only with a stated reason that quotes the passage read;
weak support without one is "not confirmed"; values, names and negation by family."""

from __future__ import annotations

import pytest

from checker.model import SupportLabel
from checker.settings import SupportSettings
from checker.support import make_judge
from checker.support.judge import ClaimJudge

PAGE = """City budget passes after marathon session
The council approved a $4.2 billion budget for fiscal year 2025 on Tuesday, October 27.
The Keep Washington Working Act prohibits local police and sheriffs from assisting ICE \
with civil immigration enforcement.
Mayor Tom Reyes gave the public service award to Ana Ruiz, a nurse at St. Mary's hospital.
The new bridge over the river is 800 meters long and opened in 1968.
Reyes said he was bullied at school as a child and later became an advocate for students.
Smith is a journalist who has covered city hall for the Ledger for ten years.
Unemployment in the county rose to 5.2 percent last year, the state labor office said.
Many members of the community allow travel by airplane, unlike their neighbours."""


@pytest.fixture(scope="module")
def judge() -> ClaimJudge:
    return make_judge(SupportSettings(backend="lexical"))


@pytest.mark.parametrize(
    "claim",
    [
        # the same values written another way
        "The council approved 4.2 billion dollars for 2025.",
        "The council approved a US$4.2bn budget on 27 October.",
        "The council approved a budget of $4,200 million on Oct. 27.",
        "The bridge over the river is 800 metres long.",
        "Unemployment in the county rose to 5.2% last year.",
        # the same negation said another way
        "Local police may not assist ICE with civil immigration enforcement.",
        "Under the Keep Washington Working Act, sheriffs cannot help ICE with immigration "
        "enforcement.",
        # the same roles in the passive voice
        "Ana Ruiz was given the public service award by Mayor Tom Reyes.",
    ],
)
def test_a_fact_said_another_way_is_supported(judge: ClaimJudge, claim: str) -> None:
    support = judge.judge(claim, PAGE)
    assert support.label is SupportLabel.SUPPORTED, support.reason


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        (
            "The council approved a $4.5 billion budget on Tuesday.",
            "claim says $4.5 billion, source says $4.2 billion",
        ),
        (
            "The council approved a $4.2 million budget on Tuesday.",
            "claim says $4.2 million, source says $4.2 billion",
        ),
        (
            "The council approved the budget on Tuesday, October 28.",
            "claim says 28, source says 27",
        ),
        (
            "The council approved the budget on Tuesday, November 27.",
            "claim says November, source says October",
        ),
        ("The new bridge over the river is 800 feet long.", "claim says feet, source says metres"),
        ("The new bridge over the river opened in 1986.", "claim says 1986, source says 1968"),
        (
            "Unemployment in the county fell to 5.2 percent last year.",
            "claim says 'fell', source says 'rose'",
        ),
        (
            "Mayor Tom Reyes gave the public service award to Ana Lopez.",
            "claim names Lopez, source names Ruiz",
        ),
        (
            "Reyes said he was never bullied at school as a child.",
            "claim negates 'bullied', source does not",
        ),
        ("Smith is not a journalist.", "claim negates 'journalist', source does not"),
        (
            "Smith no longer covers city hall for the Ledger.",
            "claim negates 'covers', source does not",
        ),
        (
            "Mayor Tom Reyes refused to give the public service award to Ana Ruiz.",
            "claim negates 'give', source does not",
        ),
        (
            "The Act allows local police and sheriffs to assist ICE with civil immigration "
            "enforcement.",
            "source negates 'assisting'",
        ),
    ],
)
def test_a_contradiction_is_flagged_with_its_reason(
    judge: ClaimJudge, claim: str, reason: str
) -> None:
    support = judge.judge(claim, PAGE)
    assert support.label is SupportLabel.UNSUPPORTED
    assert support.reason.startswith(f"{reason}: “"), support.reason
    quoted = support.reason.split(": “", 1)[1].rstrip("”").removesuffix(" …")
    assert quoted in " ".join(PAGE.split())  # the passage it read, as the page says it


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        # a name the source never mentions, with no other in its place: not a contradiction
        (
            "Mayor Tom Reyes and Beyoncé gave the public service award to Ana Ruiz.",
            "the source never mentions Beyoncé",
        ),
        # an extra detail the source does not state
        (
            "The new bridge over the river cost $90 million and opened in 1968.",
            "the source never states $90 million",
        ),
    ],
)
def test_weak_support_without_a_reason_is_not_confirmed(
    judge: ClaimJudge, claim: str, reason: str
) -> None:
    support = judge.judge(claim, PAGE)
    assert support.label is SupportLabel.NOT_CONFIRMED
    assert support.reason.startswith(f"{reason}: “"), support.reason


def test_a_negation_out_of_the_claims_context_is_no_contradiction(judge: ClaimJudge) -> None:
    # "allow" on the page is about air travel, not about alcohol
    support = judge.judge("Alcohol and tobacco are also not allowed.", PAGE)
    assert support.label is not SupportLabel.UNSUPPORTED


def test_the_wrong_page_shares_nothing_with_the_claim(judge: ClaimJudge) -> None:
    support = judge.judge("The stadium will seat 60,000 fans when it opens in 2026.", PAGE)
    assert support.label is SupportLabel.UNSUPPORTED
    assert support.reason.startswith("the source shares nothing of substance with it")


def test_a_compound_claim_is_as_good_as_its_weakest_part(judge: ClaimJudge) -> None:
    claim = (
        "The council approved a $4.2 billion budget on Tuesday, and the new bridge over "
        "the river opened in 1986."
    )
    support = judge.judge(claim, PAGE)
    assert [p.label for p in support.parts] == [SupportLabel.SUPPORTED, SupportLabel.UNSUPPORTED]
    assert support.label is SupportLabel.UNSUPPORTED
    weakest = support.weakest
    assert weakest is not None and weakest.text == "the new bridge over the river opened in 1986."
    assert claim[weakest.start : weakest.end] == weakest.text
    assert support.reason.startswith("claim says 1986, source says 1968")


def test_asking_for_more_flags_weak_support_too() -> None:
    claim = "The state labor office praised the county for its record on jobs and training."
    strict = {"supported_threshold": 0.99, "unsupported_threshold": 0.98}
    default = make_judge(SupportSettings(**strict)).judge(claim, PAGE)
    assert default.label is SupportLabel.NOT_CONFIRMED
    more = make_judge(SupportSettings(**strict, flag_not_confirmed=True)).judge(claim, PAGE)
    assert more.label is SupportLabel.UNSUPPORTED
    assert more.reason and "“" in more.reason
