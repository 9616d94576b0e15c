"""The Prometheus exposition of the monitoring metrics, and /healthz + /metrics in-process."""

from __future__ import annotations

import re

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from checker.engine import CheckRun
from checker.engine.metrics import Metrics
from checker.engine.worker import MonitorScheduler, Worker
from checker.settings import Settings
from checker.web.monitor import MonitorState, add_monitor_routes
from store.db import Database

# One exposition line: name, optional {labels}, a number.
LABEL = r'[a-z_]+="(?:[^"\\]|\\.)*"'  # \\, " and newline come escaped
SAMPLE = re.compile(rf"^[a-z_:][a-z0-9_:]*(\{{{LABEL}(,{LABEL})*\}})? \S+$")


def parse(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) \w+ ", line), line
            continue
        assert SAMPLE.match(line), line
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)
    return samples


def test_counters_and_labels_render_one_series_each() -> None:
    m = Metrics()
    m.checks.labels(state="alive").inc()
    m.checks.labels(state="alive").inc()
    m.checks.labels(state="dead").inc()
    m.check_failures.labels(reason='say "hi"\\n').inc()

    samples = parse(m.render())

    assert samples['citecheck_checks_total{state="alive"}'] == 2
    assert samples['citecheck_checks_total{state="dead"}'] == 1
    assert samples['citecheck_check_failures_total{reason="say \\"hi\\"\\\\n"}'] == 1
    assert samples["citecheck_flags_opened_total"] == 0  # declared series start at zero


@pytest.mark.parametrize(
    ("observations", "expected"),
    [
        ([0.005], {"0.01": 1, "+Inf": 1}),
        ([0.01, 0.2, 7.0], {"0.01": 1, "0.1": 1, "0.25": 2, "10.0": 3, "+Inf": 3}),
        ([120.0], {"60.0": 0, "+Inf": 1}),
    ],
)
def test_histogram_buckets_are_cumulative(
    observations: list[float], expected: dict[str, int]
) -> None:
    m = Metrics()
    for value in observations:
        m.fetch_latency.observe(value)

    samples = parse(m.render())

    for bound, count in expected.items():
        assert samples[f'citecheck_fetch_latency_seconds_bucket{{le="{bound}"}}'] == count
    assert samples["citecheck_fetch_latency_seconds_count"] == len(observations)
    assert samples["citecheck_fetch_latency_seconds_sum"] == pytest.approx(sum(observations))


class IdlePipeline:
    worker = "idle"

    async def check(self, task: object, now: object) -> object:
        raise AssertionError("nothing is due in this test")


async def test_healthz_and_metrics_routes(db: Database) -> None:
    settings = Settings()
    metrics = Metrics()
    run = CheckRun(db, settings, IdlePipeline(), metrics=metrics)  # type: ignore[arg-type]
    worker = Worker(run)
    scheduler = MonitorScheduler([worker], db=db, settings=settings, metrics=metrics)
    app = web.Application()
    add_monitor_routes(app, MonitorState(db, metrics, [worker], scheduler))

    async with TestClient(TestServer(app)) as client:
        stopped = await client.get("/healthz")
        worker.running = True
        running = await client.get("/healthz")
        health = await running.json()
        exposition = await client.get("/metrics")
        text = await exposition.text()
        open_metrics = await client.get(
            "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
        )
        open_text = await open_metrics.text()

    assert stopped.status == 503  # a worker loop that is not running is unhealthy
    assert running.status == 200 and health["workers"][0]["name"] == "idle"
    assert exposition.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert parse(text)["citecheck_queue_lag_seconds"] == 0  # nothing due
    # a scraper that asks for OpenMetrics gets it, with its end marker
    assert open_metrics.headers["Content-Type"].startswith("application/openmetrics-text")
    assert open_text.rstrip().endswith("# EOF") and "citecheck_workers 0.0" in open_text


@pytest.mark.parametrize(
    ("token", "sent", "status"),
    [
        ("", None, 404),  # the default on the dashboard's port: off
        ("s3cret-token", None, 401),
        ("s3cret-token", "Bearer wrong", 401),
        ("s3cret-token", "Bearer s3cret-token", 200),
        (None, None, 200),  # a private listen address of its own (`worker --listen`)
    ],
)
async def test_metrics_on_the_public_port_need_the_token(
    db: Database, token: str | None, sent: str | None, status: int
) -> None:
    metrics = Metrics()
    app = web.Application()
    add_monitor_routes(app, MonitorState(db, metrics), metrics_token=token)
    headers = {"Authorization": sent} if sent else {}
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics", headers=headers)
        assert response.status == status
        if status == 200:
            assert "citecheck_" in await response.text()
