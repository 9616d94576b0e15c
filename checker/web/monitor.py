"""`/healthz` and `/metrics` for process supervisors and Prometheus.

`/healthz` answers 200 when the database answers and every worker loop of this process
is running, 503 otherwise, with a small JSON body saying which part is unhealthy.
`/metrics` renders the process's `Metrics` in the Prometheus text format, after
refreshing the queue lag from the database.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from checker.engine.metrics import Metrics
from checker.engine.worker import MonitorScheduler, Worker
from store.db import Database


@dataclass
class MonitorState:
    db: Database
    metrics: Metrics
    workers: Sequence[Worker] = ()
    scheduler: MonitorScheduler | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def add_monitor_routes(
    app: web.Application, state: MonitorState, *, metrics_token: str | None = None
) -> None:
    """`metrics_token`: None serves /metrics to anyone (a private listen address); on the
    dashboard's public port it is the token a scraper must send, and "" turns it off."""

    async def healthz(_request: web.Request) -> web.Response:
        body: dict[str, Any] = {"status": "ok", "database": "ok"}
        try:
            await state.db.read(_ping)
        except SQLAlchemyError as exc:
            body["status"], body["database"] = "unhealthy", str(exc).splitlines()[0]
        body["workers"] = [
            {"name": w.name, "running": w.running, "in_flight": w.run.in_flight}
            for w in state.workers
        ]
        if not all(w.running for w in state.workers):
            body["status"] = "unhealthy"
        return web.json_response(body, status=200 if body["status"] == "ok" else 503)

    async def metrics(request: web.Request) -> web.Response:
        if metrics_token == "":
            raise web.HTTPNotFound(
                text="/metrics is off on this port: set [web] metrics_token, or scrape "
                "`citecheck worker --listen HOST:PORT`"
            )
        if metrics_token is not None and not hmac.compare_digest(
            request.headers.get("Authorization", ""), f"Bearer {metrics_token}"
        ):
            raise web.HTTPUnauthorized(
                text="/metrics needs Authorization: Bearer <[web] metrics_token>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if state.scheduler is not None:
            await state.scheduler.refresh_lag()
        body, content_type = state.metrics.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)


def _ping(session: Session) -> None:
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
