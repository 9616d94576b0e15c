"""The lexical backend: BM25 passage retrieval plus coverage signals, no dependencies.

The signals (signals.py) are combined by a logistic model fitted on the WiCE dev set
(fitted.py, written by bench/bench_support.py), so the score is calibrated: 0.5 is
where supported and unsupported claims are equally likely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from checker.figures import canonical_figures
from checker.model import Support
from checker.settings import SupportSettings
from checker.support import label_for
from checker.support.alignment import EMPTY, Alignment, align
from checker.support.cache import SupportCache, score_many_cached
from checker.support.calibration import LogisticModel
from checker.support.candidates import TOP_SENTENCES, Candidates
from checker.support.fitted import LEXICAL_MODEL
from checker.support.mismatches import Mismatch, find_mismatches
from checker.support.signals import SIGNAL_NAMES, SourceAnalysis, analyse_source, idf, signals

# Passages reported as evidence: the best two sentences, enough to show a two-part match.
EVIDENCE_PASSAGES = 2
# A claim stating a number its source never states is not supported, however well the
# words match ("$6.8 million" against a page saying "$4.2 million"): its score is held
# just under the calibrated decision point 0.5. On WiCE, 4 of 115 supported claims
# and 76 of 234 unsupported ones have such a number.
MISSING_NUMBER_CAP = 0.45
# A source that lacks most of the claim's words anywhere (idf-weighted coverage of the
# whole source under OFF_TOPIC_COVERAGE) is the wrong page, not weak evidence. WiCE has
# no such pairs (every claim there cites a page on its topic), so the fitted model never
# learned them, and on a short page it can even score one above 0.5; held at
# OFF_TOPIC_CAP, under any sensible unsupported_threshold.
OFF_TOPIC_COVERAGE = 0.25
OFF_TOPIC_CAP = 0.1
# A claim its aligned passage contradicts (another number, name, "not" or role in the
# very sentence that carries it) is not supported, however well the rest matches.
MISMATCH_CAP = 0.3
_NUMBERS_MISSING = SIGNAL_NAMES.index("numbers_missing")
_COVERAGE_SOURCE = SIGNAL_NAMES.index("coverage_source")
_MISMATCHES = tuple(
    SIGNAL_NAMES.index(name)
    for name in ("figure_mismatches", "name_mismatches", "negation_mismatches", "role_swaps")
)


def capped(score: float, signals: Sequence[float]) -> float:
    """`score`, held down when the claim's numbers or most of its words are not in the
    source, or its aligned passage contradicts it."""
    if signals[_COVERAGE_SOURCE] < OFF_TOPIC_COVERAGE:
        score = min(score, OFF_TOPIC_CAP)
    if any(signals[i] for i in _MISMATCHES):
        score = min(score, MISMATCH_CAP)
    return min(score, MISSING_NUMBER_CAP) if signals[_NUMBERS_MISSING] >= 1 else score


@dataclass(frozen=True)
class LexicalReading:
    """The lexical view of one (claim, source) pair, reused by richer backends."""

    candidates: Candidates
    signals: list[float]
    alignment: Alignment = EMPTY
    mismatches: tuple[Mismatch, ...] = ()
    source: SourceAnalysis | None = None  # the source as analysed for this reading

    @property
    def passages(self) -> tuple[str, ...]:
        """The aligned passage first, then the best sentences it does not hold."""
        best = self.candidates.best
        if not self.alignment.passage:
            return best[:EVIDENCE_PASSAGES]
        rest = tuple(s for s in best if s not in self.alignment.passage)
        return (self.alignment.passage, *rest)[:EVIDENCE_PASSAGES]

    @property
    def explanations(self) -> tuple[str, ...]:
        return tuple(m.explain() for m in self.mismatches)


# A claim judged part by part reads each part once for its score and once for its
# reasons (judge.py): the second read is a hit.
@lru_cache(maxsize=256)
def read_pair(claim: str, text: str, k: int = TOP_SENTENCES) -> LexicalReading:
    source = analyse_source(text)
    candidates = Candidates(source.sentences, tuple(source.index.rank(canonical_figures(claim), k)))
    alignment = align(claim, candidates, lambda word: idf(word, source))
    found = find_mismatches(alignment, source.folded)
    found_signals = signals(claim, source, candidates, found)
    return LexicalReading(candidates, found_signals, alignment, found, source)


class LexicalScorer:
    name = "lexical"

    def __init__(self, settings: SupportSettings, model: LogisticModel = LEXICAL_MODEL) -> None:
        self.settings = settings
        self.model = model
        self.cache = SupportCache()

    def score(self, claim: str, text: str) -> Support:
        return self.score_many([(claim, text)])[0]

    def score_many(self, pairs: Sequence[tuple[str, str]]) -> list[Support]:
        return score_many_cached(self.cache, pairs, self._compute)

    def _compute(self, pairs: list[tuple[str, str]]) -> list[Support]:
        return [self.support_from(read_pair(claim, text)) for claim, text in pairs]

    def support_from(self, reading: LexicalReading) -> Support:
        found = bool(reading.candidates.ranked)
        score = capped(self.model.score(reading.signals), reading.signals) if found else 0.0
        return Support(
            score=score,
            label=label_for(score, self.settings),
            passages=reading.passages,
            backend=self.name,
            mismatches=reading.explanations,
        )
