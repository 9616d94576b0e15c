"""A captured text cut into parts, the cited evidence marked. Pure.

Evidence passages were taken from the text they are marked in (its passages, or an
editor's quote found in it), so they are looked up as they are; whitespace runs may
differ, so a passage is matched with any run of whitespace between its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_MAX_PASSAGE_WORDS = 400  # a longer "passage" is no highlight, and a costly pattern


def highlight(text: str, passages: Sequence[str]) -> list[tuple[str, bool]]:
    """`text` as consecutive (part, is_evidence) pairs; joined, the parts are `text`."""
    spans: list[tuple[int, int]] = []
    for passage in passages:
        words = passage.split()
        if not words or len(words) > _MAX_PASSAGE_WORDS:
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in _merged(spans):
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text) or not parts:
        parts.append((text[at:], False))
    return parts


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
