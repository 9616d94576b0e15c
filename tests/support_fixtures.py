"""Test material for the support scorers: a tiny, randomly initialised NLI model.

Built on the spot (never downloaded): a 1-layer BERT with a 3-way head whose config
names the labels the way MNLI checkpoints do. Its predictions are noise; it exists to
exercise loading, tokenization, batching and label lookup for real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

VOCABULARY = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "to",
    "and",
    "was",
    "is",
    "were",
    "be",
    "by",
    "for",
    "with",
    "mayor",
    "council",
    "city",
    "budget",
    "refused",
    "sign",
    "signed",
    "vote",
    "march",
    "april",
    "2012",
    "2013",
    "married",
    "son",
    "born",
]


def build_tiny_nli_model(
    directory: Path,
    labels: tuple[str, ...] = ("ENTAILMENT", "NEUTRAL", "CONTRADICTION"),
    seed: int = 0,
) -> Path:
    """Save a tiny random BERT sequence classifier and its tokenizer in `directory`."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(VOCABULARY) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(vocab_file=str(vocab))
    tokenizer.save_pretrained(str(directory))
    torch.manual_seed(seed)
    # Passed through **: the config's typed signature omits these inherited options.
    label_options: dict[str, Any] = {
        "num_labels": len(labels),
        "id2label": dict(enumerate(labels)),
        "label2id": {label: i for i, label in enumerate(labels)},
    }
    config = BertConfig(
        vocab_size=len(VOCABULARY),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=512,
        **label_options,
    )
    BertForSequenceClassification(config).save_pretrained(str(directory))
    return directory
