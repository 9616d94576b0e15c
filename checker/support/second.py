"""A second opinion on the parts the first stage leaves not confirmed.

`[support] second_stage` names it: `llm` (the OpenAI-compatible endpoint of `llm_url`,
asked for a verdict, a confidence and a reason) or `nli` (the local model directory of
`nli_model_path`: entailment or contradiction). Only "not confirmed" parts are sent,
and at most `second_stage_daily_parts` a day (UTC), counted in the database across every
worker and run when the engine gives a ledger, else in this process. Its answer is
stored like the first stage's: a part it finds supported is supported, a part it finds
contradicted, with a reason, is unsupported (and flagged); anything else stays not
confirmed. An endpoint that does not answer leaves the first stage's verdict as it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Protocol

from checker.model import PartSupport, Support, SupportLabel
from checker.settings import SupportSettings
from checker.support import SupportBackendError

if TYPE_CHECKING:
    from checker.support.judge import SecondOpinion

STAGES = ("", "llm", "nli")
# How sure the second stage must be to overrule "not confirmed".
SURE = 0.85


class Ledger(Protocol):
    """Counts the parts sent to the second stage per day: `take` grants up to `wanted`."""

    def take(self, day: date, wanted: int, limit: int) -> int: ...


@dataclass
class MemoryLedger:
    """A ledger for one process (tests, `support eval`, or no database at hand)."""

    used: dict[date, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, day: date, wanted: int, limit: int) -> int:
        with self.lock:
            granted = max(0, min(wanted, limit - self.used.get(day, 0)))
            self.used[day] = self.used.get(day, 0) + granted
            return granted


@dataclass
class DailyBudget:
    limit: int
    ledger: Ledger = field(default_factory=MemoryLedger)
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())

    def take(self, wanted: int) -> int:
        return self.ledger.take(self.today(), wanted, self.limit) if wanted > 0 else 0


class LlmSecondOpinion:
    """The llm endpoint's verdict and reason, for a part and the passages it is read on."""

    name = "llm"

    def __init__(self, settings: SupportSettings, budget: DailyBudget) -> None:
        from checker.support.llm import LlmScorer

        self.scorer = LlmScorer(settings, fallback=_Silent())
        self.budget = budget
        self.model = settings.llm_model

    def review(self, parts: Sequence[tuple[str, str]]) -> list[PartSupport | None]:
        granted = self.budget.take(len(parts))
        answers = self.scorer.score_many(list(parts[:granted]))
        out: list[PartSupport | None] = []
        for (part, _), answer in zip(parts, answers, strict=False):
            if answer.backend != self.name:
                out.append(None)  # no answer: the first stage's verdict stands
                continue
            passage = answer.passages[0] if answer.passages else ""
            out.append(_verdict(part, answer.score, answer.reason, passage, self.model))
        return out + [None] * (len(parts) - len(out))


class NliSecondOpinion:
    """A local NLI model: entailment supports, contradiction (over SURE) contradicts."""

    name = "nli"

    def __init__(self, settings: SupportSettings, budget: DailyBudget) -> None:
        from checker.support.nli import NliScorer

        self.scorer = NliScorer(settings)
        self.budget = budget

    def review(self, parts: Sequence[tuple[str, str]]) -> list[PartSupport | None]:
        granted = self.budget.take(len(parts))
        out: list[PartSupport | None] = []
        for (part, _), (entailed, contradicted, passage) in zip(
            parts, self.scorer.premise_verdicts(list(parts[:granted])), strict=False
        ):
            if entailed >= SURE:
                out.append(_part(part, SupportLabel.SUPPORTED, entailed, passage, "nli"))
            elif contradicted >= SURE:
                why = f"second opinion (NLI model): a contradiction (p={contradicted:.2f})"
                score = 1 - contradicted
                out.append(_part(part, SupportLabel.UNSUPPORTED, score, passage, "nli", why))
            else:
                out.append(None)
        return out + [None] * (len(parts) - len(out))


def make_second_opinion(
    settings: SupportSettings, ledger: Ledger | None = None
) -> SecondOpinion | None:
    stage = settings.second_stage.strip().lower()
    if stage not in STAGES:
        raise SupportBackendError(
            f"[support] second_stage: unknown stage {settings.second_stage!r} "
            "(choose llm, nli or leave it empty)"
        )
    if not stage:
        return None
    budget = DailyBudget(settings.second_stage_daily_parts, ledger or MemoryLedger())
    if stage == "llm":
        return LlmSecondOpinion(settings, budget)
    return NliSecondOpinion(settings, budget)


def _verdict(part: str, score: float, reason: str, passage: str, model: str) -> PartSupport | None:
    """An llm answer on the shared scale: sure support, or a contradiction it explains."""
    if score >= SURE:
        return _part(part, SupportLabel.SUPPORTED, score, passage, "llm")
    if score <= 1 - SURE and reason.strip():
        why = f"second opinion ({model}): {reason.strip()}"
        return _part(part, SupportLabel.UNSUPPORTED, score, passage, "llm", why)
    return None


def _part(
    text: str, label: SupportLabel, score: float, passage: str, backend: str, reason: str = ""
) -> PartSupport:
    from checker.support.judge import quote

    if reason and passage:
        reason = f"{reason}: {quote(passage)}"
    kind = "second_opinion" if label is SupportLabel.UNSUPPORTED else ""
    return PartSupport(text, 0, len(text), label, score, passage, reason, kind, backend)


class _Silent:
    """The llm's fallback here: none (an unanswered part keeps its first verdict)."""

    name = "none"

    def score(self, claim: str, text: str) -> Support:
        return Support(0.0, SupportLabel.NOT_CONFIRMED, (), self.name)

    def score_many(self, pairs: Sequence[tuple[str, str]]) -> list[Support]:
        return [self.score(c, t) for c, t in pairs]
