"""The embedding backend with the bundled all-MiniLM-L6-v2 (skipped without the extra)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from checker.model import SupportLabel
from checker.settings import SupportSettings
from checker.support import make_scorer
from checker.support.embedding import (
    EMBEDDING_SIGNAL_NAMES,
    EmbeddingScorer,
    embedding_available,
    shared_encoder,
)
from checker.support.fitted import EMBEDDING_MODEL

# Loading sentence-transformers and the model takes 10-30 s on a busy 2-core box.
pytestmark = pytest.mark.timeout(240)

PAGE = (
    "Kate Winslet is finally explaining her son's unusual name.\n"
    "Winslet wed Ned Rocknroll, the nephew of Richard Branson, in December 2012.\n"
    "The actress also discussed her upcoming film with reporters.\n"
    "Their son Bear Blaze was born in December 2013."
)


class CountingEncoder:
    """Stands in for the model where only batching is under test: 2-d bag of letters."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return [[float(t.count("e")) + 1.0, float(t.count("a")) + 1.0] for t in texts]


def test_fitted_model_matches_the_signals() -> None:
    assert EMBEDDING_MODEL.names == EMBEDDING_SIGNAL_NAMES


def test_one_encoder_call_per_batch() -> None:
    encoder = CountingEncoder()
    scorer = EmbeddingScorer(SupportSettings(), encoder=encoder)
    supports = scorer.score_many([("Winslet married Rocknroll.", PAGE), ("Bear was born.", PAGE)])
    assert len(encoder.calls) == 1
    assert all(0.0 <= s.score <= 1.0 and s.backend == "embedding" for s in supports)


@pytest.mark.skipif(
    not embedding_available(),
    reason="embedding extra not installed (pip install 'citecheck[embedding]')",
)
def test_real_model_supports_paraphrase_and_rejects_wrong_source() -> None:
    scorer = make_scorer(SupportSettings(backend="embedding"))
    assert scorer.name == "embedding"
    good, wrong = scorer.score_many(
        [
            ("Winslet married Ned Rocknroll in December 2012.", PAGE),
            ("The stadium will seat 60,000 fans when it opens in 2026.", PAGE),
        ]
    )
    assert good.label is SupportLabel.SUPPORTED
    assert "Rocknroll" in good.passages[0]
    assert wrong.label is SupportLabel.NOT_CONFIRMED and wrong.score < 0.1
    vectors = shared_encoder().encode(["married", "wed", "stadium"])
    assert len(vectors[0]) == 384
    assert sum(a * b for a, b in zip(vectors[0], vectors[1], strict=True)) > sum(
        a * b for a, b in zip(vectors[0], vectors[2], strict=True)
    )


def test_auto_picks_lexical_even_when_embedding_is_installed() -> None:
    # lexical measured more accurate and faster on WiCE (bench/bench_support.py)
    assert make_scorer(SupportSettings(backend="auto")).name == "lexical"
