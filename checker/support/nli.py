"""The nli backend: a local Hugging Face natural-language-inference model.

`[support] nli_model_path` names a directory holding a sequence-classification model
and its tokenizer (for example an MNLI or MiniCheck-style checkpoint saved with
`save_pretrained`). It is loaded with `local_files_only`: nothing is downloaded.
Needs `pip install 'citecheck[nli]'` (transformers and torch, imported lazily).

The claim is the hypothesis; the premises are the best sentences one by one and the
best two and five read together (evidence split over sentences), and the score is the
highest entailment probability among them. That probability is the model's own: run
bench/bench_support.py --nli-model PATH to see where the thresholds should sit for it.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.model import Support
from checker.settings import SupportSettings
from checker.support import SupportBackendError, label_for
from checker.support.cache import SupportCache, score_many_cached
from checker.support.candidates import Candidates, find_candidates
from checker.support.lexical import EVIDENCE_PASSAGES

# Best sentences judged one by one (each also part of the joined premises).
SINGLE_PREMISES = 3
# Longest input fed to the model, in tokens; longer premises are cut, never the claim.
MAX_TOKENS = 512
BATCH = 16


def nli_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("transformers", "torch"))


def premises(candidates: Candidates) -> list[str]:
    """The passages a claim is judged against: best sentences alone, then together."""
    found = list(candidates.best[:SINGLE_PREMISES])
    for k in (2, 5):
        if len(candidates.ranked) > k - 1:
            joined = candidates.best_in_order(k)
            if joined not in found:
                found.append(joined)
    return found


class NliScorer:
    name = "nli"

    def __init__(self, settings: SupportSettings) -> None:
        self.settings = settings
        path = Path(settings.nli_model_path).expanduser()
        if not settings.nli_model_path:
            raise SupportBackendError(
                "[support] backend 'nli' needs nli_model_path: a local Hugging Face model directory"
            )
        if not path.is_dir():
            raise SupportBackendError(f"[support] nli_model_path: no such directory: {path}")
        if not nli_available():
            raise SupportBackendError(
                "[support] backend 'nli' needs its extra: pip install 'citecheck[nli]'"
            )
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self._torch: Any = torch
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.model: Any = AutoModelForSequenceClassification.from_pretrained(
                path, local_files_only=True
            )
        except (OSError, ValueError, KeyError) as exc:
            message = str(exc).strip()
            first_line = message.splitlines()[0] if message else type(exc).__name__
            raise SupportBackendError(
                f"[support] nli_model_path: cannot load a model from {path}: {first_line}"
            ) from None
        self.model.eval()
        self.entailment = entailment_index(self.model.config.label2id, path)
        self.contradiction = contradiction_index(self.model.config.label2id)
        self.max_tokens = min(int(getattr(self.tokenizer, "model_max_length", MAX_TOKENS)), 512)
        self.cache = SupportCache()
        self._lock = threading.Lock()

    def score(self, claim: str, text: str) -> Support:
        return self.score_many([(claim, text)])[0]

    def score_many(self, pairs: Sequence[tuple[str, str]]) -> list[Support]:
        return score_many_cached(self.cache, pairs, self._compute)

    def _compute(self, pairs: list[tuple[str, str]]) -> list[Support]:
        found = [find_candidates(claim, text) for claim, text in pairs]
        jobs = [
            (i, p, claim)
            for i, ((claim, _), c) in enumerate(zip(pairs, found, strict=True))
            for p in premises(c)
        ]
        probabilities = self.entailment_probabilities([(p, h) for _, p, h in jobs])
        best = [0.0] * len(pairs)
        for (i, _, _), probability in zip(jobs, probabilities, strict=True):
            best[i] = max(best[i], probability)
        return [
            Support(
                score=score,
                label=label_for(score, self.settings),
                passages=candidates.best[:EVIDENCE_PASSAGES],
                backend=self.name,
            )
            for score, candidates in zip(best, found, strict=True)
        ]

    def premise_verdicts(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[float, float, str]]:
        """Per (claim, text): the best entailment, the strongest contradiction (0 for a
        two-way model) and the premise that gave the deciding one."""
        found = [find_candidates(claim, text) for claim, text in pairs]
        jobs = [(i, p, c) for i, ((c, _), f) in enumerate(zip(pairs, found, strict=True))
                for p in premises(f)]  # fmt: skip
        rows = self.probabilities([(p, h) for _, p, h in jobs])
        out = [(0.0, 0.0, "") for _ in pairs]
        for (i, premise, _), row in zip(jobs, rows, strict=True):
            entailed, contradicted, passage = out[i]
            if row[self.entailment] > entailed:
                entailed, passage = row[self.entailment], premise
            if self.contradiction is not None and row[self.contradiction] > contradicted:
                contradicted = row[self.contradiction]
                passage = passage if entailed >= contradicted else premise
            out[i] = (entailed, contradicted, passage)
        return out

    def entailment_probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """P(premise entails hypothesis) for each (premise, hypothesis), in batches."""
        return [row[self.entailment] for row in self.probabilities(pairs)]

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
        """The model's label probabilities for each (premise, hypothesis), in batches."""
        out: list[list[float]] = []
        torch = self._torch
        with self._lock, torch.inference_mode():
            for start in range(0, len(pairs), BATCH):
                batch = pairs[start : start + BATCH]
                encoded = self.tokenizer(
                    [p for p, _ in batch],
                    [h for _, h in batch],
                    truncation="only_first",
                    max_length=self.max_tokens,
                    padding=True,
                    return_tensors="pt",
                )
                logits = self.model(**encoded).logits
                out.extend([float(v) for v in row] for row in logits.softmax(dim=-1))
        return out


def contradiction_index(label2id: dict[str, int]) -> int | None:
    """Which output means "contradiction", if the model has one (three-way models)."""
    for label, index in label2id.items():
        if label.strip().lower().startswith("contradict"):
            return int(index)
    return None


def entailment_index(label2id: dict[str, int], path: Path) -> int:
    """Which output of the model means "entailed" (named in its config)."""
    for label, index in label2id.items():
        name = label.strip().lower()
        # "not_entailment" (RTE-style two-way models) contains "entail" but means the opposite.
        if name.startswith("entail") or name in ("supported", "support"):
            return int(index)
    raise SupportBackendError(
        f"[support] nli_model_path: {path} has no entailment label in its config "
        f"(labels: {', '.join(sorted(label2id))})"
    )
