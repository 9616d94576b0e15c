"""Monitoring metrics for Prometheus, kept with `prometheus_client`.

One `Metrics` per process, shared by its workers, each with its own registry (never the
library's global one), so tests and embedded uses stay independent. The names are part
of the interface: dashboards and alert rules refer to them.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import choose_encoder

LATENCY_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

# The `_created` series double the output and no dashboard of ours reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]


class Metrics:
    """The process's counters, gauges and histograms; `render()` is the /metrics body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.checks = Counter(
            "citecheck_checks_total", "Source checks written, by liveness state.", ["state"],
            registry=r,
        )  # fmt: skip
        self.check_failures = Counter(
            "citecheck_check_failures_total",
            "Checks that found the source failing (dead, transient or blocked), by reason.",
            ["reason"],
            registry=r,
        )
        self.check_errors = Counter(
            "citecheck_check_errors_total", "Checks that failed with an internal error.",
            registry=r,
        )  # fmt: skip
        self.lost_leases = Counter(
            "citecheck_lost_leases_total",
            "Checks whose result was dropped because another worker took the source over.",
            registry=r,
        )
        self.flags_opened = Counter(
            "citecheck_flags_opened_total", "Flags opened by checks.", registry=r
        )
        self.flags_resolved = Counter(
            "citecheck_flags_resolved_total", "Flags resolved by checks (recovered).", registry=r
        )
        self.fetch_latency = Histogram(
            "citecheck_fetch_latency_seconds", "Time to fetch a source.",
            buckets=LATENCY_BUCKETS_S, registry=r,
        )  # fmt: skip
        self.check_duration = Histogram(
            "citecheck_check_duration_seconds",
            "Time for the whole pipeline of one check (fetch, extract, judge).",
            buckets=LATENCY_BUCKETS_S,
            registry=r,
        )
        # Dispatch overhead: time outside the pipeline, measured in the database threads.
        self.lease_seconds = Counter(
            "citecheck_lease_seconds_total", "Time spent leasing sources and loading tasks.",
            registry=r,
        )  # fmt: skip
        self.write_seconds = Counter(
            "citecheck_write_seconds_total",
            "Wall time of the transactions writing results (check, snapshot, flags, outbox), "
            "commit included; in a busy process mostly spent waiting for the GIL.",
            registry=r,
        )
        self.write_cpu_seconds = Counter(
            "citecheck_write_cpu_seconds_total",
            "CPU time of the transactions writing results (the writer thread's own).",
            registry=r,
        )
        self.write_batches = Counter(
            "citecheck_write_batches_total",
            "Transactions writing results; results per batch is checks over this.",
            registry=r,
        )
        self.queue_lag = Gauge(
            "citecheck_queue_lag_seconds",
            "How late the most overdue source is (0 when nothing is due).",
            registry=r,
        )
        self.in_flight = Gauge(
            "citecheck_in_flight_checks", "Checks running in this process.", registry=r
        )
        self.workers = Gauge(
            "citecheck_workers", "Worker loops running in this process.", registry=r
        )

    def value(self, name: str, **labels: str) -> float:
        """A series' current value (0 if never touched); for tests and reports."""
        found = self.registry.get_sample_value(name, labels)
        return 0.0 if found is None else found

    def render(self) -> str:
        """The classic text format (0.0.4)."""
        return generate_latest(self.registry).decode()

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The body and content type a scraper asked for (text, or OpenMetrics)."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type
