"""Pick the few passages of a source worth checking a claim against.

A source page can run to thousands of sentences; every backend looks at the same
short list: the sentences BM25 ranks best for the claim. Evidence often spans two
sentences ("X married Y in 2012. Their son was born in 2013."), so backends judge
the best sentences together as well as one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.evidence.retrieval import PassageIndex
from checker.text import normalize, split_sentences

# Sentences longer than this are cut: a page without punctuation (a table, a menu)
# would otherwise give one "sentence" of the whole page.
MAX_SENTENCE_CHARS = 600
# How many top sentences the backends see. Five covered the supporting sentences of
# most WiCE claims while keeping model backends cheap.
TOP_SENTENCES = 5


@dataclass(frozen=True)
class Candidates:
    """The sentences of a source and the ones ranked best for one claim."""

    sentences: tuple[str, ...]  # every sentence of the source, in order
    ranked: tuple[tuple[int, float], ...]  # (sentence index, BM25 score), best first

    @property
    def best(self) -> tuple[str, ...]:
        """The best sentences, best first."""
        return tuple(self.sentences[i] for i, _ in self.ranked)

    def best_in_order(self, k: int) -> str:
        """The `k` best sentences joined in document order: a passage that reads naturally."""
        chosen = sorted(i for i, _ in self.ranked[:k])
        return " ".join(self.sentences[i] for i in chosen)


def source_sentences(text: str) -> list[str]:
    """The sentences of a source's text, normalized, long runs cut into pieces."""
    out: list[str] = []
    for sentence in split_sentences(text):
        sentence = normalize(sentence)
        while len(sentence) > MAX_SENTENCE_CHARS:
            cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
            cut = cut if cut > MAX_SENTENCE_CHARS // 2 else MAX_SENTENCE_CHARS
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out


def find_candidates(
    claim: str, text: str, k: int = TOP_SENTENCES, index: PassageIndex | None = None
) -> Candidates:
    """Rank the sentences of `text` against `claim`; keep the `k` best."""
    sentences = source_sentences(text)
    if not sentences:
        return Candidates((), ())
    index = index or PassageIndex(sentences)
    return Candidates(tuple(sentences), tuple(index.rank(claim, k)))
