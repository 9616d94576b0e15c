"""Claim support that notices a wrong number, a missing "not" and the wrong person."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from datasets import wice_rows
from perturbations import KINDS, perturbations

from checker.cli.main import main
from checker.model import SupportLabel
from checker.settings import SupportSettings
from checker.support import make_judge
from checker.support.lexical import LexicalScorer, read_pair

pytestmark = pytest.mark.timeout(120)

PAGE = (
    "The Springfield council voted on Tuesday. "
    "The council fined the company $40,000 for the spill in March 2021. "
    "Mayor Tom Reyes gave the award to Ana Ruiz. "
    "Unemployment rose to 5.2 percent last year. "
    "The bridge is 230 metres long."
)


@pytest.fixture(scope="module")
def scorer() -> LexicalScorer:
    return LexicalScorer(SupportSettings(backend="lexical"))


@pytest.mark.parametrize(
    ("claim", "explanation"),
    [
        (
            "The council fined the company $14,000 for the spill in March 2021.",
            "claim says $14,000, source says $40,000",
        ),
        (
            "The council fined the company $40,000 for the spill in March 2019.",
            "claim says 2019, source says 2021",
        ),
        (
            "The council fined the company $40,000 for the spill in May 2021.",
            "claim says May, source says March",
        ),
        ("The bridge is 230 feet long.", "claim says feet, source says metres"),
        (
            "Mayor Tom Reyes did not give the award to Ana Ruiz.",
            "claim negates 'give', source does not",
        ),
        (
            "Mayor Tom Reyes never gave the award to Ana Ruiz.",
            "claim negates 'gave', source does not",
        ),
        (
            "Mayor Tom Reyes gave the award to Ana Lopez.",
            "claim names Lopez, source names Ruiz",
        ),
        ("Unemployment fell to 5.2 percent last year.", "claim says 'fell', source says 'rose'"),
        (
            "The company fined the council $40,000 for the spill.",
            "claim says company fined council, source says council fined company",
        ),
    ],
)
def test_a_changed_fact_is_explained_and_not_supported(claim: str, explanation: str) -> None:
    support = make_judge(SupportSettings(backend="lexical")).judge(claim, PAGE)
    assert support.label is SupportLabel.UNSUPPORTED
    assert support.reason.startswith(explanation + ": “")  # the reason quotes the passage


@pytest.mark.parametrize(
    "claim",
    [
        "The council fined the company $40,000 for the spill in March 2021.",
        "The company was fined $40,000 by the council for the spill.",  # passive: same roles
        "Mayor Tom Reyes gave the award to Ana Ruiz.",
        "Unemployment rose to 5.2% last year.",  # a figure written another way
        "The bridge is 230 meters long.",  # the same unit spelled another way
    ],
)
def test_the_same_fact_said_another_way_is_no_mismatch(scorer: LexicalScorer, claim: str) -> None:
    support = scorer.score(claim, PAGE)
    assert support.mismatches == ()
    assert support.label is SupportLabel.SUPPORTED
    assert support.passages and support.passages[0] in PAGE  # the aligned passage comes first


def test_perturbations_of_each_kind_are_caught(scorer: LexicalScorer) -> None:
    """Each kind of change to a supported claim is caught in at least 80% of cases."""
    caught: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    for case in perturbations(per_kind=40):
        original, changed = scorer.score_many(
            [(case.original, case.source), (case.claim, case.source)]
        )
        if original.label is not SupportLabel.SUPPORTED:
            continue  # the source must support the claim before the change
        judged[case.kind] += 1
        caught[case.kind] += changed.label is not SupportLabel.SUPPORTED
    for kind in KINDS:
        assert judged[kind] >= 5, f"too few {kind} perturbations to judge: {judged[kind]}"
        assert caught[kind] >= 0.8 * judged[kind], (kind, caught[kind], judged[kind])


def test_supported_wice_claims_rarely_get_a_mismatch() -> None:
    """A mismatch is shown to an editor: it must be rare on claims people judged supported."""
    rows = [r for r in wice_rows() if r["label"] == "supported"]
    flagged = [
        r["claim"] for r in rows if read_pair(r["claim"], "\n".join(r["evidence"])).mismatches
    ]
    assert len(flagged) <= 0.05 * len(rows), flagged


def test_support_eval_prints_figures_on_labelled_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = tmp_path / "pairs.jsonl"
    lines = [
        {"claim": "The council fined the company $40,000.", "evidence": PAGE, "label": "supported"},
        {"claim": "Mayor Tom Reyes gave the award to Ana Ruiz.", "evidence": [PAGE], "label": True},
        {"claim": "The council fined the company $14,000.", "evidence": PAGE, "label": "refuted"},
        {"claim": "Penguins live in the desert.", "evidence": PAGE, "label": "not_supported"},
        # a sentence citing two sources, each stating its half
        {
            "claim": "The council fined the company $40,000, and penguins live in Antarctica.",
            "sources": [PAGE, "Penguins live in Antarctica and on southern coasts."],
            "label": "supported",
        },
    ]
    pairs.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert main(["support", "eval", str(pairs), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["pairs"] == 5 and figures["supported"] == 3
    assert figures["balanced_accuracy"] == 1.0
    assert figures["outcomes"]["supported"] == {
        "supported": 3,
        "not_confirmed": 0,
        "unsupported": 0,
    }
    # the wrong figure is contradicted, the penguins share nothing with the page: both flagged
    assert figures["outcomes"]["not supported"]["unsupported"] == 2
    assert figures["supported_flagged"] == 0.0 and figures["not_supported_flagged"] == 1.0


def test_support_eval_names_the_bad_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"claim": "a", "evidence": "b", "label": 1}\n{"claim": 3}\n', "utf-8")
    assert main(["support", "eval", str(pairs)]) == 1
    assert f"{pairs}:2: 'claim' must be a non-empty string" in capsys.readouterr().err


def test_support_score_explains_one_pair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.txt"
    source.write_text(PAGE, encoding="utf-8")
    claim = "Mayor Tom Reyes did not give the award to Ana Ruiz."
    assert main(["support", "score", "--claim", claim, "--text", str(source)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("unsupported")
    assert (
        "reason: claim negates 'give', source does not: "
        "“Mayor Tom Reyes gave the award to Ana Ruiz.”" in out
    )


def test_support_score_refuses_a_private_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["support", "score", "--claim", "x", "--url", "http://10.0.0.1/"]) == 1
    assert "not a public address" in capsys.readouterr().err
