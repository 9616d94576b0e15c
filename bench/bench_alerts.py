"""Alert delivery benchmark: 10,000 outbox events to a local receiver.

Scenarios (each on a fresh SQLite database, or PostgreSQL with --db URL):
  ok       every request answered 204; one message per event (group window 0)
  flaky    30 % of requests answered 500; the clock is driven forward between passes
           until every message is delivered; checks nothing is lost or duplicated
  grouped  group window 60 s: the 10,000 events leave as batches of 200
Compared against: bare aiohttp POSTs of the same bodies to the same receiver (no
database, no signing): the ceiling for this machine.

The receiver runs in its own process so its CPU does not count against the dispatcher.
Run: /work/venv/bin/python bench/bench_alerts.py [--events 10000] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import socket
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.alerts.dispatcher import AlertDispatcher
from checker.alerts.policy import MAX_DELAY_S
from checker.settings import AlertSettings, Settings
from store.db import Database
from store.schema import metadata
from store.tables import AlertEvent, Article, Citation, Flag, Source

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


# ------------------------------------------------------------------ receiver process


def run_receiver(port: int, fail_rate: float) -> None:
    rng = random.Random(8)
    requests: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    events_accepted: Counter[str] = Counter()
    failures = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal failures
        body = await request.read()
        msg_id = request.headers["webhook-id"]
        requests[msg_id] += 1
        if rng.random() < fail_rate:
            failures += 1
            return web.Response(status=500)
        accepted[msg_id] += 1
        if accepted[msg_id] == 1:  # count the events of a message once, like a receiver
            message = json.loads(body)
            inner = message["data"]["events"] if message["type"] == "batch" else [message]
            for event in inner:
                events_accepted[event["id"]] += 1
        return web.Response(status=204)

    async def stats(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "requests": sum(requests.values()),
                "failures": failures,
                "ids": len(requests),
                "accepted_ids": len(accepted),
                "accepted_twice": sum(1 for n in accepted.values() if n > 1),
                "events": len(events_accepted),
                "events_twice": sum(1 for n in events_accepted.values() if n > 1),
            }
        )

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/hook", hook)
    app.router.add_get("/stats", stats)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


class Receiver:
    def __init__(self, fail_rate: float) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        ctx = multiprocessing.get_context("spawn")
        self.proc = ctx.Process(target=run_receiver, args=(self.port, fail_rate), daemon=True)
        self.proc.start()

    async def ready(self) -> None:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(self.url + "/stats"):
                        return
                except aiohttp.ClientError:
                    await asyncio.sleep(0.05)
        raise RuntimeError("receiver did not start")

    async def stats(self) -> dict[str, int]:
        async with aiohttp.ClientSession() as http, http.get(self.url + "/stats") as resp:
            result: dict[str, int] = await resp.json()
            return result

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.join(5)


# ------------------------------------------------------------------ data


def seed(db: Database, events: int) -> None:
    """`events` open flags, 100 per article, each with its flag.opened outbox row."""
    per_article = 100

    def go(session: Any) -> None:
        articles = [
            {
                "id": a + 1,
                "url": f"https://news.example/a/{a}",
                "title": f"Article {a}",
                "tags": ["politics"],
                "imported_at": T0,
                "updated_at": T0,
            }
            for a in range(events // per_article + 1)
        ]
        session.execute(insert(Article), articles)
        sources = [
            {
                "id": i + 1,
                "url": f"https://src{i % 50}.example/{i}",
                "host": f"src{i % 50}.example",
                "created_at": T0,
                "next_check_at": T0,
            }
            for i in range(events)
        ]
        session.execute(insert(Source), sources)
        citations = [
            {
                "id": i + 1,
                "article_id": i // per_article + 1,
                "source_id": i + 1,
                "key": f"k{i}",
                "ref": str(i % per_article + 1),
                "claim": f"Claim {i}: spending rose 3 percent.",
                "evidence": None,
                "created_at": T0,
            }
            for i in range(events)
        ]
        session.execute(insert(Citation), citations)
        flags = [
            {
                "id": i + 1,
                "citation_id": i + 1,
                "article_id": i // per_article + 1,
                "source_id": i + 1,
                "kind": "dead",
                "severity": "high",
                "status": "open",
                "opened_at": T0,
                "updated_at": T0,
                "detail": {"reason": "not_found"},
            }
            for i in range(events)
        ]
        session.execute(insert(Flag), flags)
        outbox = [
            {
                "event_id": f"evt_{i:08d}",
                "type": "flag.opened",
                "flag_id": i + 1,
                "created_at": T0,
                "payload": {"kind": "dead", "severity": "high", "status": "open"},
            }
            for i in range(events)
        ]
        session.execute(insert(AlertEvent), outbox)

    db.run(go)


def fresh_db(url: str | None, tmp: Path, name: str) -> Database:
    if url:
        db = Database(url)
        db.upgrade()
        with db.engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return db
    db = Database(f"sqlite:///{tmp / name}.db")
    db.upgrade()
    return db


# ------------------------------------------------------------------ measurement


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # Linux: restart VmHWM from VmRSS


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class DrivenClock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def scenario(
    name: str, args: argparse.Namespace, tmp: Path, fail_rate: float, window_s: float
) -> dict[str, Any]:
    receiver = Receiver(fail_rate)
    await receiver.ready()
    db = fresh_db(args.db, tmp, name)
    seed(db, args.events)
    settings = Settings(
        alerts=AlertSettings(group_window_s=window_s, max_attempts=12, timeout_s=10.0),
        destinations=({"name": "bench", "url": receiver.url + "/hook", "secret": SECRET},),
    )
    clock = DrivenClock()
    reset_peak_rss()
    started = time.perf_counter()
    passes = 0
    totals: Counter[str] = Counter()
    async with AlertDispatcher(db, settings, clock=clock, rng=random.Random(1)) as dispatcher:
        while passes < 40:
            passes += 1
            report = await dispatcher.run_once()
            totals.update({k: v for k, v in report.as_dict().items() if isinstance(v, int)})
            if window_s and passes == 1 and not report.messages:
                clock.offset += timedelta(seconds=window_s + 1)
                continue
            pending = db.run(
                lambda s: s.execute(
                    text("SELECT count(*) FROM alert_message WHERE status = 'pending'")
                ).scalar_one()
            )
            if not pending and report.events == 0:
                break
            clock.offset += timedelta(seconds=MAX_DELAY_S * 1.3)  # make every retry due
    elapsed = time.perf_counter() - started
    peak = peak_rss_mb()
    stats = await receiver.stats()
    given_up = db.run(
        lambda s: s.execute(
            text(
                "SELECT count(*) FROM alert_delivery d JOIN alert_message m"
                " ON m.id = d.message_id WHERE m.status = 'failed'"
            )
        ).scalar_one()
    )
    failed = db.run(
        lambda s: list(
            s.execute(
                text("SELECT attempts, last_error FROM alert_message WHERE status = 'failed'")
            )
        )
    )
    if failed:
        print(f"  failed messages (attempts, last error): {failed[:5]}")
    statuses = dict(
        db.run(
            lambda s: list(
                s.execute(text("SELECT status, count(*) FROM alert_message GROUP BY status"))
            )
        )
    )
    receiver.stop()
    db.close()
    return {
        "name": name,
        "elapsed_s": elapsed,
        "events_per_s": args.events / elapsed,
        "peak_rss_mb": peak,
        "passes": passes,
        "stats": stats,
        "messages": statuses,
        "report": dict(totals),
        "given_up_events": given_up,
    }


async def bare_posts(events: int) -> float:
    receiver = Receiver(0.0)
    await receiver.ready()
    body = json.dumps({"type": "flag.opened", "id": "x", "data": {"pad": "x" * 1200}}).encode()
    limit = asyncio.Semaphore(16)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=16)) as http:

        async def one(i: int) -> None:
            async with (
                limit,
                http.post(
                    receiver.url + "/hook", data=body, headers={"webhook-id": f"b{i}"}
                ) as resp,
            ):
                await resp.read()

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(events)))
        elapsed = time.perf_counter() - started
    receiver.stop()
    return events / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--db", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--only", choices=("ok", "flaky", "grouped"), help="run one scenario")
    args = parser.parse_args()
    n = args.events
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        ceiling = await bare_posts(n)
        print(
            f"backend: {'PostgreSQL' if args.db else 'SQLite (WAL)'}; {n} events, one destination"
        )
        print(f"ceiling: bare aiohttp POSTs, no DB, 16 in flight: {ceiling:,.0f} requests/s")
        for name, fail_rate, window in (
            ("ok", 0.0, 0.0),
            ("flaky", 0.3, 0.0),
            ("grouped", 0.0, 60.0),
        ):
            if args.only and name != args.only:
                continue
            r = await scenario(name, args, tmp, fail_rate, window)
            s = r["stats"]
            # lost: neither accepted by the receiver nor visibly given up (status failed)
            lost = n - s["events"] - r["given_up_events"]
            print(f"\n[{name}] fail rate {fail_rate:.0%}, group window {window:g}s")
            print(
                f"  {r['events_per_s']:,.0f} events/s ({r['elapsed_s']:.1f}s, {r['passes']} "
                f"passes), peak RSS {r['peak_rss_mb']:.0f} MB"
            )
            print(
                f"  receiver: {s['requests']} requests, {s['failures']} answered 500, "
                f"{s['ids']} distinct webhook-ids, {s['events']} distinct events accepted"
            )
            print(
                f"  lost events: {lost}; given up after max_attempts (shown as failed): "
                f"{r['given_up_events']}; events accepted twice: {s['events_twice']}; "
                f"ids accepted twice: {s['accepted_twice']}; "
                f"same-id retries: {s['requests'] - s['ids']}"
            )
            print(f"  messages: {r['messages']}")
            assert lost == 0 and s["events_twice"] == 0, "an alert was lost or duplicated"


if __name__ == "__main__":
    asyncio.run(main())
