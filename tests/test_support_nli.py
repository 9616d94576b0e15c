"""The nli backend with a tiny randomly initialised model built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.model import SupportLabel
from checker.settings import SupportSettings
from checker.support import SupportBackendError, make_scorer
from checker.support.candidates import find_candidates
from checker.support.nli import NliScorer, nli_available, premises

pytestmark = [
    pytest.mark.skipif(
        not nli_available(), reason="nli extra not installed (pip install 'citecheck[nli]')"
    ),
    # The first import of torch + transformers alone takes 10-30 s on a busy 2-core box.
    pytest.mark.timeout(240),
]

PAGE = (
    "The city council met in March.\n"
    "The mayor refused to sign the budget.\n"
    "The council vote was 7 to 2.\n"
    "Their son was born in 2013."
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from support_fixtures import build_tiny_nli_model

    return build_tiny_nli_model(tmp_path_factory.mktemp("tiny-nli"))


def test_scores_are_entailment_probabilities(model_dir: Path) -> None:
    scorer = make_scorer(SupportSettings(backend="nli", nli_model_path=str(model_dir)))
    assert isinstance(scorer, NliScorer)
    claims = ["The mayor refused to sign the budget.", "The council vote was 7 to 2."]
    supports = scorer.score_many([(c, PAGE) for c in claims] + [("Anything.", "")])
    for support in supports:
        assert 0.0 <= support.score <= 1.0
        assert support.backend == "nli"
    assert "mayor refused" in supports[0].passages[0]
    assert supports[2].score == 0.0  # nothing to read: probability 0
    assert supports[2].label is SupportLabel.NOT_CONFIRMED  # a score alone flags nothing
    # Entailment is read from the label the config names, whatever its position.
    probabilities = scorer.entailment_probabilities([(PAGE, claims[0])])
    assert probabilities == scorer.entailment_probabilities([(PAGE, claims[0])])


def test_entailment_label_found_by_name(tmp_path: Path) -> None:
    from support_fixtures import build_tiny_nli_model

    directory = build_tiny_nli_model(tmp_path, labels=("contradiction", "neutral", "entailment"))
    scorer = NliScorer(SupportSettings(backend="nli", nli_model_path=str(directory)))
    assert scorer.entailment == 2


def test_model_without_entailment_label_is_refused(tmp_path: Path) -> None:
    from support_fixtures import build_tiny_nli_model

    directory = build_tiny_nli_model(tmp_path, labels=("not_entailment", "other"))
    with pytest.raises(SupportBackendError, match="no entailment label"):
        NliScorer(SupportSettings(backend="nli", nli_model_path=str(directory)))


def test_directory_without_model_gives_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(SupportBackendError, match="cannot load a model") as caught:
        NliScorer(SupportSettings(backend="nli", nli_model_path=str(tmp_path)))
    assert "\n" not in str(caught.value)


def test_premises_cover_single_and_joined_sentences() -> None:
    candidates = find_candidates("mayor refused budget vote 7 to 2", PAGE)
    found = premises(candidates)
    assert "The mayor refused to sign the budget." in found
    joined = [p for p in found if "mayor" in p and "vote" in p]
    assert joined and joined[0].index("mayor") < joined[0].index("vote")  # page order


def test_premise_verdicts_give_entailment_contradiction_and_the_passage(model_dir: Path) -> None:
    scorer = NliScorer(SupportSettings(backend="nli", nli_model_path=str(model_dir)))
    [(entailed, contradicted, passage), empty] = scorer.premise_verdicts(
        [("The mayor refused to sign the budget.", PAGE), ("Anything.", "")]
    )
    assert 0.0 <= entailed <= 1.0 and 0.0 <= contradicted <= 1.0
    assert passage and passage in " ".join(PAGE.split())
    assert empty == (0.0, 0.0, "")


def test_a_local_model_as_second_opinion(model_dir: Path) -> None:
    from checker.support import make_judge

    settings = SupportSettings(second_stage="nli", nli_model_path=str(model_dir))
    judge = make_judge(settings)
    assert judge.second is not None and judge.second.name == "nli"
    [support] = judge.judge_many([("The mayor praised the library staff at length.", PAGE)])
    # a tiny random model: any verdict, but each part is the first stage's or the model's
    assert support.parts and {p.backend for p in support.parts} <= {"lexical", "nli"}
