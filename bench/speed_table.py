"""The table bench/bench_speed.py prints: one row per figure, next to what it is
compared with, and the histogram of gaps between requests to one host."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

GAP_BUCKETS = (0.45, 0.5, 0.6, 1.0)


@dataclass(frozen=True)
class Row:
    what: str
    figure: str
    compared: str
    ratio: str
    goal: str


def ratio(ours: float | None, theirs: float | None) -> str:
    return "n/a" if not ours or not theirs else f"{ours / theirs:.2f}x"


def fmt(value: float | None, spec: str, scale: float = 1.0) -> str:
    return "n/a" if value is None else format(value * scale, spec)


def print_table(rows: Sequence[Row]) -> None:
    widths = [max(len(getattr(r, f)) for r in rows) for f in Row.__dataclass_fields__]
    head = Row("row", "figure", "compared with", "ratio", "goal")
    for row in (head, *rows):
        cells = [
            getattr(row, f).ljust(w) for f, w in zip(Row.__dataclass_fields__, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())


def histogram(gaps: Sequence[float]) -> str:
    edges = (0.0, *GAP_BUCKETS, float("inf"))
    parts = []
    for low, high in itertools.pairwise(edges):
        count = sum(1 for g in gaps if low <= g < high)
        label = (
            f"<{high:g}"
            if low == 0
            else (f">{low:g}" if high == float("inf") else f"{low:g}-{high:g}")
        )
        bar = "#" * round(20 * count / max(1, len(gaps)))
        parts.append(f"{label} {bar}{count}")
    return " | ".join(parts)


def summary(report: dict[str, Any]) -> str:
    errors = len(report.get("errors") or [])
    return f"checked {report.get('checked')}, states {report.get('states')}, errors {errors}"
