from __future__ import annotations

import re

import pytest
from datasets import wice_rows

from checker.model import Support, SupportLabel
from checker.settings import SupportSettings
from checker.support import SupportBackendError, label_for, make_judge, make_scorer
from checker.support import calibration as cal
from checker.support.cache import SupportCache, score_many_cached
from checker.support.lexical import LexicalScorer

PAGE = """City Council Approves Budget After Long Debate
By Jane Doe, March 3, 2023
The Springfield city council voted 7-2 on Tuesday to approve a $4.2 million budget.
Mayor Tom Reyes had threatened to veto the plan over cuts to the library.
Residents packed the chamber for the four-hour meeting.
The budget includes $300,000 for road repairs and freezes hiring at city hall.
Council member Ana Ruiz said the compromise was the best the city could hope for.
Reyes said he would sign the budget on Friday."""


@pytest.fixture
def scorer() -> LexicalScorer:
    return LexicalScorer(SupportSettings(backend="lexical"))


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        ("The Springfield city council approved a $4.2 million budget in a 7-2 vote.", "supported"),
        ("The budget, approved 7-2, sets aside $300,000 for road repairs.", "supported"),
        ("Mayor Tom Reyes threatened a veto but said he would sign the budget.", "supported"),
        # Overstated: right topic, but the source never gives this figure.
        ("The Springfield city council approved a $6.8 million budget in a 7-2 vote.", "not"),
        # Misattribution: the source says something else about the budget.
        ("The council rejected the budget unanimously in 2019, citing library cuts.", "not"),
        # Wrong link pasted: nothing in common.
        ("The new stadium will seat 60,000 fans and open in 2026.", "unsupported"),
    ],
)
def test_lexical_labels_real_looking_claims(claim: str, label: str) -> None:
    support = make_judge(SupportSettings(backend="lexical")).judge(claim, PAGE)
    assert 0.0 <= support.score <= 1.0
    assert support.backend == "lexical"
    if label == "not":
        assert support.label is not SupportLabel.SUPPORTED
    else:
        assert support.label is SupportLabel(label)


def test_best_passage_is_the_supporting_sentence(scorer: LexicalScorer) -> None:
    support = scorer.score("Reyes threatened to veto the budget over library cuts.", PAGE)
    assert "threatened to veto" in support.passages[0]
    assert len(support.passages) <= 2


def test_evidence_split_over_two_distant_sentences_counts(scorer: LexicalScorer) -> None:
    page = "\n".join(
        ["Kate Winslet explains her son's unusual name."]
        + [f"Her film number {i} was released to mixed reviews." for i in range(20)]
        + ["Winslet wed Ned Rocknroll, nephew of Richard Branson, in New York in December 2012."]
        + [f"She won award number {i} that season." for i in range(10)]
        + ["Their son Bear Blaze was born in December 2013."]
    )
    claim = (
        "Winslet wed Ned Rocknroll in New York in December 2012; their son Bear was born in 2013."
    )
    support = scorer.score(claim, page)
    assert support.label is SupportLabel.SUPPORTED
    assert any("Rocknroll" in p for p in support.passages)
    assert any("Bear" in p for p in support.passages)
    half = scorer.score(claim, page.replace("Their son Bear Blaze was born in December 2013.", ""))
    assert half.score < support.score


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_empty_source_is_unsupported(scorer: LexicalScorer, text: str) -> None:
    claim = "The council approved the budget."
    assert scorer.score(claim, text) == Support(0.0, SupportLabel.NOT_CONFIRMED, (), "lexical")
    judged = make_judge(SupportSettings(backend="lexical")).judge(claim, text)
    assert judged.label is SupportLabel.UNSUPPORTED
    assert judged.reason.startswith("the source shares nothing")


def test_score_many_matches_score_and_keeps_order(scorer: LexicalScorer) -> None:
    claims = [
        "The new stadium will seat 60,000 fans.",
        "The Springfield city council approved a $4.2 million budget.",
        "The new stadium will seat 60,000 fans.",
    ]
    batch = scorer.score_many([(c, PAGE) for c in claims])
    fresh = LexicalScorer(SupportSettings())
    assert batch == [fresh.score(c, PAGE) for c in claims]
    assert batch[0] == batch[2]
    assert len(scorer.cache) == 2  # the repeated pair was scored once


@pytest.mark.parametrize(
    ("score", "label"),
    [
        # a score alone never makes a claim unsupported: that takes a reason (judge.py)
        (0.0, SupportLabel.NOT_CONFIRMED),
        (0.3499, SupportLabel.NOT_CONFIRMED),
        (0.4999, SupportLabel.NOT_CONFIRMED),
        (0.5, SupportLabel.SUPPORTED),
        (1.0, SupportLabel.SUPPORTED),
    ],
)
def test_label_for_thresholds(score: float, label: SupportLabel) -> None:
    settings = SupportSettings(supported_threshold=0.5, unsupported_threshold=0.35)
    assert label_for(score, settings) is label


def test_thresholds_come_from_settings() -> None:
    claim = "The Springfield city council approved a $4.2 million budget in a 7-2 vote."
    strict = SupportSettings(supported_threshold=0.99, unsupported_threshold=0.98)
    assert LexicalScorer(strict).score(claim, PAGE).label is SupportLabel.NOT_CONFIRMED
    assert make_judge(strict).judge(claim, PAGE).label is SupportLabel.NOT_CONFIRMED
    # a desk that asks for more gets weak support flagged, with its reason
    more = SupportSettings(supported_threshold=0.99, unsupported_threshold=0.98,
                           flag_not_confirmed=True)  # fmt: skip
    flagged = make_judge(more).judge(claim, PAGE)
    assert flagged.label is SupportLabel.UNSUPPORTED
    assert "“" in flagged.reason  # quotes the passage it read


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (SupportSettings(backend="magic"), "unknown backend 'magic'"),
        (SupportSettings(supported_threshold=0.2, unsupported_threshold=0.4), "must not be above"),
        (SupportSettings(backend="nli"), "nli_model_path"),
        (SupportSettings(backend="nli", nli_model_path="/no/such/dir"), "no such directory"),
        (SupportSettings(backend="llm"), "llm_url"),
        (SupportSettings(backend="llm", llm_url="ftp://x", llm_model="m"), "not an http"),
    ],
)
def test_make_scorer_explains_bad_configuration(settings: SupportSettings, message: str) -> None:
    with pytest.raises(SupportBackendError, match=message) as caught:
        make_scorer(settings)
    assert "\n" not in str(caught.value)


def test_make_scorer_lexical() -> None:
    assert make_scorer(SupportSettings(backend="Lexical")).name == "lexical"


def test_cache_evicts_least_recently_used() -> None:
    cache = SupportCache(size=2)
    calls: list[list[tuple[str, str]]] = []

    def compute(pairs: list[tuple[str, str]]) -> list[Support]:
        calls.append(pairs)
        return [Support(0.5, SupportLabel.NOT_CONFIRMED, (), "t") for _ in pairs]

    score_many_cached(cache, [("a", "x"), ("b", "x")], compute)
    score_many_cached(cache, [("a", "x")], compute)  # hit; "a" now most recent
    score_many_cached(cache, [("c", "x")], compute)  # evicts "b"
    score_many_cached(cache, [("a", "x"), ("b", "x")], compute)
    assert calls == [[("a", "x"), ("b", "x")], [("c", "x")], [("b", "x")]]


# --------------------------------------------------------------------------- calibration


def test_logistic_fit_separates_and_balances_classes() -> None:
    rows = [[x / 10] for x in range(10)]
    labels = [x >= 7 for x in range(10)]  # 3 positives, 7 negatives
    model = cal.fit_logistic(rows, labels, ["x"], l2=0.01)
    scores = [model.score(r) for r in rows]
    assert scores == sorted(scores)
    assert cal.balanced_accuracy(scores, labels, 0.5) == 1.0


@pytest.mark.parametrize(
    ("scores", "labels", "auc"),
    [
        ([0.1, 0.2, 0.8, 0.9], [False, False, True, True], 1.0),
        ([0.9, 0.8, 0.2, 0.1], [False, False, True, True], 0.0),
        ([0.5, 0.5, 0.5, 0.5], [False, True, False, True], 0.5),
        ([0.1, 0.6, 0.4, 0.9], [False, False, True, True], 0.75),
    ],
)
def test_roc_auc(scores: list[float], labels: list[bool], auc: float) -> None:
    assert cal.roc_auc(scores, labels) == pytest.approx(auc)


def test_stratified_folds_keep_class_shares() -> None:
    labels = [i % 3 == 0 for i in range(30)]
    folds = cal.stratified_folds(labels, 5)
    for k in range(5):
        members = [y for y, f in zip(labels, folds, strict=True) if f == k]
        assert len(members) == 6 and sum(members) == 2


# --------------------------------------------------------------------------- real data


def test_lexical_beats_chance_clearly_on_real_wice_claims() -> None:
    rows = wice_rows()[:120]
    pairs = [
        (r["claim"], "\n".join(re.sub(r"^\(meta data\) [A-Z ]+: ", "", e) for e in r["evidence"]))
        for r in rows
    ]
    labels = [r["label"] == "supported" for r in rows]
    scores = [s.score for s in LexicalScorer(SupportSettings()).score_many(pairs)]
    assert cal.roc_auc(scores, labels) > 0.7
    assert cal.balanced_accuracy(scores, labels, 0.5) > 0.62


SHORT_GARDENING_PAGE = (
    "Growing tomatoes\n\nTomatoes grow best in full sun with at least six hours of light a "
    "day.\n\nWater deeply twice a week rather than a little every day, and mulch to keep the "
    "soil moist.\n\nPinch out side shoots on cordon varieties to focus the plant's energy."
)


def test_wrong_page_pasted_is_unsupported_even_when_short(scorer: LexicalScorer) -> None:
    # A short page shares one word ("twice") with the claim: before the off-topic cap the
    # fitted model, trained only on on-topic WiCE pairs, scored this above 0.5.
    claim = "City engineers warn that the bridge repairs could cost twice the original estimate."
    assert scorer.score(claim, SHORT_GARDENING_PAGE).score <= 0.1
    support = make_judge(SupportSettings()).judge(claim, SHORT_GARDENING_PAGE)
    assert support.label is SupportLabel.UNSUPPORTED
    assert support.reason.startswith("the source shares nothing of substance")
