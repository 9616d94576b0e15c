"""A sentence that cites several sources, judged against them together.

"… the Act bars local police from assisting ICE, and most agencies refuse to cooperate
[3] [4]": each source supports its half. A claim cited to several sources is supported
when each of its parts is supported by at least one of them; judging each source
against the whole sentence flags sound citations.

`judge_together` takes, per cited source, how it reads each part of the claim (the same
parts for all: the claim is one sentence) and says, per source:

- which parts it supports;
- whether its citation is flagged `unsupported`, and for which part: a part no cited
  source supports is flagged on the sources that contradict it, or, when none does and
  every source shares nothing with it, on the first one (one flag per problem);
- a part that no source supports and none contradicts is not confirmed; while a source
  has not been read yet, its parts wait for it (never flagged before every source spoke).

A claim cited to one source is a group of one, so one rule serves both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.model import PartSupport, SupportLabel


@dataclass(frozen=True)
class SourceVerdict:
    """What one cited source's citation shows after all the claim's sources were heard."""

    label: SupportLabel
    score: float  # the claim's support with every source: its weakest part's best score
    reason: str = ""
    part: str = ""  # the part the label is about (the flagged or unconfirmed one)
    supports: tuple[str, ...] = ()  # the parts this source supports

    @property
    def flagged(self) -> bool:
        return self.label is SupportLabel.UNSUPPORTED


def judge_together(members: Sequence[tuple[PartSupport, ...] | None]) -> list[SourceVerdict]:
    """Per cited source (None: not read yet), its citation's verdict."""
    heard = [m for m in members if m]
    if not heard:
        return [SourceVerdict(SupportLabel.NOT_CONFIRMED, 0.0, "not read yet") for _ in members]
    count = min(len(m) for m in heard)
    waiting = any(not m for m in members)
    # per part: (label, reason, part text) for each member it concerns
    concern: list[dict[int, tuple[SupportLabel, str]]] = []
    scores: list[float] = []
    texts: list[str] = []
    for index in range(count):
        readings = {i: m[index] for i, m in enumerate(members) if m}
        texts.append(next(iter(readings.values())).text)
        scores.append(max(p.score for p in readings.values()))
        concern.append(_part_concern(readings, waiting))
    verdicts: list[SourceVerdict] = []
    for i, member in enumerate(members):
        if not member:
            verdicts.append(SourceVerdict(SupportLabel.NOT_CONFIRMED, 0.0, "not read yet"))
            continue
        supports = tuple(p.text for p in member[:count] if p.label is SupportLabel.SUPPORTED)
        score = min(scores) if scores else 0.0
        worst = (SupportLabel.SUPPORTED, "", "")
        for index, part_concern in enumerate(concern):
            label, reason = part_concern.get(i, (SupportLabel.SUPPORTED, ""))
            if label.rank > worst[0].rank:
                worst = (label, reason, texts[index])
        verdicts.append(SourceVerdict(worst[0], score, worst[1], worst[2], supports))
    return verdicts


def _part_concern(
    readings: dict[int, PartSupport], waiting: bool
) -> dict[int, tuple[SupportLabel, str]]:
    """What one part means for each member it concerns (absent: nothing to show)."""
    if any(p.label is SupportLabel.SUPPORTED for p in readings.values()):
        return {}
    if waiting:
        reason = "not confirmed until every cited source has been read"
        return {i: (SupportLabel.NOT_CONFIRMED, reason) for i in readings}
    unsupported = {i: p for i, p in readings.items() if p.label is SupportLabel.UNSUPPORTED}
    contradicting = {i: p for i, p in unsupported.items() if p.kind != "off_topic"}
    if contradicting:
        return {i: (SupportLabel.UNSUPPORTED, p.reason) for i, p in contradicting.items()}
    if len(unsupported) == len(readings):  # no source shares anything with this part
        first = min(unsupported)
        return {first: (SupportLabel.UNSUPPORTED, unsupported[first].reason)}
    return {
        i: (SupportLabel.NOT_CONFIRMED, p.reason)
        for i, p in readings.items()
        if p.label is SupportLabel.NOT_CONFIRMED
    }


def sentence_label(verdicts: Sequence[SourceVerdict]) -> SourceVerdict:
    """The sentence's state as a check would raise it: flagged if any of its citations
    is, else not confirmed if any is, else supported."""
    return max(verdicts, key=lambda v: v.label.rank)
