"""Monitoring metrics, kept in-process and rendered in the Prometheus text format.

One `Metrics` per process, shared by its workers. Counters only go up; gauges are set;
histograms count observations into fixed buckets. The text format (version 0.0.4) is
small enough to write directly: `# HELP`, `# TYPE`, then one `name{labels} value`
line per series.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

Labels = tuple[tuple[str, str], ...]

_HELP = {
    "citecheck_checks_total": ("counter", "Source checks written, by liveness state."),
    "citecheck_check_failures_total": (
        "counter",
        "Checks that found the source failing (dead or transient), by reason.",
    ),
    "citecheck_check_errors_total": ("counter", "Checks that failed with an internal error."),
    "citecheck_lost_leases_total": (
        "counter",
        "Checks whose result was dropped because another worker took the source over.",
    ),
    "citecheck_flags_opened_total": ("counter", "Flags opened by checks."),
    "citecheck_flags_resolved_total": ("counter", "Flags resolved by checks (recovered)."),
    "citecheck_fetch_latency_seconds": ("histogram", "Time to fetch a source."),
    "citecheck_check_duration_seconds": (
        "histogram",
        "Time for the whole pipeline of one check (fetch, extract, judge).",
    ),
    # Dispatch overhead: time outside the pipeline, measured in the database threads
    # (time running queries, not time queued behind other writes).
    "citecheck_lease_seconds_total": ("counter", "Time spent leasing sources and loading tasks."),
    "citecheck_write_seconds_total": (
        "counter",
        "Time spent writing results (check, snapshot, flags, outbox) in one transaction.",
    ),
    "citecheck_queue_lag_seconds": (
        "gauge",
        "How late the most overdue source is (0 when nothing is due).",
    ),
    "citecheck_in_flight_checks": ("gauge", "Checks running in this process."),
    "citecheck_workers": ("gauge", "Worker loops running in this process."),
}


@dataclass
class _Histogram:
    buckets: tuple[float, ...]
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    n: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        index = bisect.bisect_left(self.buckets, value)
        if index < len(self.counts):
            self.counts[index] += 1
        self.total += value
        self.n += 1


class Metrics:
    def __init__(self) -> None:
        self._counters: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._gauges: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._histograms: dict[str, dict[Labels, _Histogram]] = defaultdict(dict)

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        series = self._counters[name]
        key = _key(labels)
        series[key] = series.get(key, 0.0) + amount

    def set(self, name: str, value: float, **labels: str) -> None:
        self._gauges[name][_key(labels)] = value

    def observe(self, name: str, value: float, **labels: str) -> None:
        series = self._histograms[name]
        key = _key(labels)
        if key not in series:
            series[key] = _Histogram(LATENCY_BUCKETS_S)
        series[key].observe(value)

    def value(self, name: str, **labels: str) -> float:
        """A counter's or gauge's current value (0 if never touched); for tests and reports."""
        key = _key(labels)
        return self._counters[name].get(key, self._gauges[name].get(key, 0.0))

    def render(self) -> str:
        lines: list[str] = []
        for name in sorted(set(_HELP) | set(self._counters) | set(self._gauges)):
            kind, text = _HELP.get(name, ("untyped", ""))
            if kind == "histogram":
                lines += _header(name, kind, text)
                lines += self._render_histograms(name)
                continue
            series = self._counters.get(name) or self._gauges.get(name) or {}
            lines += _header(name, kind, text)
            if not series and kind in ("counter", "gauge"):
                lines.append(f"{name} 0")
            lines += (f"{name}{_labels(k)} {_number(v)}" for k, v in sorted(series.items()))
        return "\n".join(lines) + "\n"

    def _render_histograms(self, name: str) -> Iterable[str]:
        for key, hist in sorted(self._histograms.get(name, {}).items()):
            cumulative = 0
            for bound, count in zip(hist.buckets, hist.counts, strict=True):
                cumulative += count
                yield f"{name}_bucket{_labels(key, le=_number(bound))} {cumulative}"
            yield f"{name}_bucket{_labels(key, le='+Inf')} {hist.n}"
            yield f"{name}_sum{_labels(key)} {_number(hist.total)}"
            yield f"{name}_count{_labels(key)} {hist.n}"


def _key(labels: dict[str, str]) -> Labels:
    return tuple(sorted(labels.items()))


def _header(name: str, kind: str, text: str) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]


def _labels(key: Labels, **extra: str) -> str:
    pairs = [*key, *extra.items()]
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
