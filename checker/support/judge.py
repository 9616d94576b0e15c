"""Claim judgement: each fact of a claim against its source, and a reason an editor can act on.

The scorer (`[support] backend`) says how well a source supports a claim; a score alone
cannot say what is wrong, and a low score is often only a paraphrase the scorer did
not follow. So a claim is judged part by part (parts.py), and a part is

- **unsupported** only with a stated reason: its aligned passage gives another figure,
  date, unit, name, negation, polarity or role (mismatches.py), or the source shares
  nothing of substance with it (the wrong page). This is the one label that opens a flag;
- **supported** when the scorer is confident and nothing contradicts it;
- **not confirmed** otherwise: weak support with no reason to call it wrong. Shown and
  counted, never alerted, unless `[support] flag_not_confirmed` asks for more.

A claim is as good as its weakest part, whose reason is the claim's. Every reason
quotes the passage it read. A part left not confirmed can go to a second opinion
(second.py) when one is configured.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from checker.model import PartSupport, Support, SupportLabel
from checker.settings import SupportSettings
from checker.support import Scorer
from checker.support.alignment import Token
from checker.support.lexical import LexicalReading, read_pair
from checker.support.mismatches import show_figure
from checker.support.parts import Part, split_claim
from checker.support.signals import SIGNAL_NAMES, SourceAnalysis
from checker.support.together import judge_together
from checker.text import fold

# A part whose words (idf-weighted) the whole source holds less of than this shares
# nothing of substance with it: the wrong page, not weak evidence. On WiCE, half the
# claims paired with another claim's page fall under 0.1 and no supported claim under
# 0.16 (bench/bench_claims.py); up to 0.25 (90% of those pairs) when the source also
# lacks every name and figure the part gives.
OFF_TOPIC_COVERAGE = 0.15
OFF_TOPIC_NAMELESS = 0.25
# Claims judged together: their parts are scored, then read for reasons, while the
# lexical readings of the chunk are still cached (lexical.read_pair).
CHUNK = 32
# How much of a passage a reason quotes.
QUOTE_CHARS = 240
_COVERAGE_SOURCE = SIGNAL_NAMES.index("coverage_source")


class SecondOpinion(Protocol):
    """A second stage for the parts the first leaves not confirmed (second.py)."""

    name: str

    def review(self, parts: Sequence[tuple[str, str]]) -> list[PartSupport | None]:
        """Per (part, source text): a verdict, or None (no answer, or past the budget)."""
        ...


@dataclass
class ClaimJudge:
    scorer: Scorer
    settings: SupportSettings
    second: SecondOpinion | None = None

    @property
    def name(self) -> str:
        return self.scorer.name

    def judge(self, claim: str, text: str) -> Support:
        return self.judge_many([(claim, text)])[0]

    def judge_many(self, items: Sequence[tuple[str, str]]) -> list[Support]:
        """Each (claim, source text) judged part by part, as a check judges a citation."""
        out: list[Support] = []
        for start in range(0, len(items), CHUNK):
            out.extend(self._judge_chunk(items[start : start + CHUNK]))
        return out

    def _judge_chunk(self, items: Sequence[tuple[str, str]]) -> list[Support]:
        split = [split_claim(claim) or (Part(claim, 0, len(claim)),) for claim, _ in items]
        pairs = [
            (part.text, text)
            for (_, text), parts in zip(items, split, strict=True)
            for part in parts
        ]
        scored = iter(self.scorer.score_many(pairs))
        judged = [
            [self._part(part, text, next(scored)) for part in parts]
            for (_, text), parts in zip(items, split, strict=True)
        ]
        if self.second is not None:
            judged = self._second_opinion(items, judged)
        return [claim_support(tuple(parts), backend=self.scorer.name) for parts in judged]

    def _part(self, part: Part, text: str, scored: Support) -> PartSupport:
        reading = read_pair(part.text, text)
        passage = reading.alignment.passage or (reading.candidates.best[:1] or ("",))[0]
        base = PartSupport(
            text=part.text,
            start=part.start,
            end=part.end,
            label=SupportLabel.SUPPORTED,
            score=scored.score,
            passage=passage,
            backend=scored.backend,
        )
        if shares_nothing(reading):
            reason = "the source shares nothing of substance with it" + (
                f"; closest passage: {quote(passage)}" if passage else ""
            )
            return replace(
                base,
                label=SupportLabel.UNSUPPORTED,
                reason=reason,
                kind="off_topic",
                named=(part.text,),
            )
        contradiction = next(iter(reading.mismatches), None)
        if contradiction is not None:
            return replace(
                base,
                label=SupportLabel.UNSUPPORTED,
                reason=f"{contradiction.explain()}: {quote(passage)}",
                kind=str(contradiction.kind.value),
                named=(contradiction.claim or contradiction.source,),
            )
        unstated = never_stated(reading)
        if scored.score >= self.settings.supported_threshold and not unstated:
            return base
        weak = (
            self.settings.flag_not_confirmed and scored.score < self.settings.unsupported_threshold
        )
        why, named = unstated or closest_lacks(reading)
        return replace(
            base,
            label=SupportLabel.UNSUPPORTED if weak else SupportLabel.NOT_CONFIRMED,
            reason=f"{why}: {quote(passage)}",
            kind="weak",
            named=named,
        )

    def _second_opinion(
        self, items: Sequence[tuple[str, str]], judged: list[list[PartSupport]]
    ) -> list[list[PartSupport]]:
        assert self.second is not None
        asked = [
            (i, j)
            for i, parts in enumerate(judged)
            for j, part in enumerate(parts)
            if part.label is SupportLabel.NOT_CONFIRMED
        ]
        if not asked:
            return judged
        answers = self.second.review([(judged[i][j].text, items[i][1]) for i, j in asked])
        for (i, j), answer in zip(asked, answers, strict=True):
            if answer is not None:
                first = judged[i][j]
                judged[i][j] = replace(answer, start=first.start, end=first.end, text=first.text)
        return judged


def claim_support(parts: tuple[PartSupport, ...], *, backend: str) -> Support:
    """One source's support of a claim from its parts: the verdict of a group of one."""
    verdict = judge_together([parts])[0]
    passages = tuple(dict.fromkeys(p.passage for p in parts if p.passage))
    mismatches = tuple(p.reason for p in parts if p.label is SupportLabel.UNSUPPORTED)
    return Support(
        score=verdict.score,
        label=verdict.label,
        passages=passages[:3],
        backend=backend,
        mismatches=mismatches,
        parts=parts,
        reason=verdict.reason,
    )


def quote(passage: str) -> str:
    """A passage as a reason quotes it: in quotation marks, cut at a word if long."""
    text = " ".join(passage.split())
    if len(text) > QUOTE_CHARS:
        text = text[: text.rfind(" ", 0, QUOTE_CHARS)].rstrip(",;:") + " …"
    return f"“{text}”"


def shares_nothing(reading: LexicalReading) -> bool:
    """Does the source share nothing of substance with this part: few of its words, and
    none of its names and figures when it gives any?"""
    if not reading.candidates.ranked:
        return True
    coverage = reading.signals[_COVERAGE_SOURCE]
    if coverage < OFF_TOPIC_COVERAGE:
        return True
    if coverage >= OFF_TOPIC_NAMELESS:
        return False
    source = _source_of(reading)
    names = [t for t in reading.alignment.claim if t.kind == "name" and len(t.text) > 2]
    figures = [t for t in reading.alignment.claim if t.figure]
    if not names and not figures:
        return False
    return not any(_mentioned(t, source) for t in names + figures)


def never_stated(reading: LexicalReading) -> tuple[str, tuple[str, ...]] | None:
    """The names and figures of the part the source never gives, anywhere, and why: "the
    source never mentions Beyoncé", "the source never states $90 million"; None when it
    has them all."""
    claim = reading.alignment.claim
    source = _source_of(reading)
    names: list[str] = []
    for run in _name_runs(claim):
        # "Houston, Tennessee": the page gives Houston, never Tennessee
        if any(t.kind == "name" and len(t.text) > 2 and not _mentioned(t, source) for t in run):
            names.append(" ".join(t.text for t in run))
    if names:
        named = tuple(dict.fromkeys(names[:3]))
        return "the source never mentions " + ", ".join(named), named
    figures = [show_figure(t) for t in claim if t.figure and not _mentioned(t, source)]
    if figures:
        named = tuple(dict.fromkeys(figures[:3]))
        return "the source never states " + ", ".join(named), named
    return None


def closest_lacks(reading: LexicalReading) -> tuple[str, tuple[str, ...]]:
    """The part's words its closest passage does not have, or "weak support"."""
    alignment = reading.alignment
    missing = tuple(
        dict.fromkeys(t.text for t in alignment.claim if t.content and not alignment.found(t))
    )
    if missing:
        shown = ", ".join(f"'{w}'" for w in missing[:4])
        return f"the closest passage does not say {shown}", missing
    return "weak support", ()


def _source_of(reading: LexicalReading) -> SourceAnalysis:
    assert reading.source is not None  # read_pair always sets it
    return reading.source


def _mentioned(token: Token, source: SourceAnalysis) -> bool:
    """Does the source give this name or figure anywhere (figures by value)?"""
    if token.figure:
        return token.text.lstrip("$€£¥₹").removesuffix("pct") in source.numbers
    return f" {fold(token.text)} " in source.folded


def _name_runs(tokens: Sequence[Token]) -> Iterator[list[Token]]:
    """Consecutive name tokens as one name: "Tom Reyes", "St. Mary"."""
    run: list[Token] = []
    for token in tokens:
        if token.name and not token.figure:
            run.append(token)
            continue
        if run:
            yield run
        run = []
    if run:
        yield run
