"""Delivery end to end on SQLite and PostgreSQL: outbox → receiver on 127.0.0.1.

Time is an injected clock; the receiver is a real HTTP server that records requests and
answers from a script (500, 503 with Retry-After, 410, or hang until the client gives up).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from checker.alerts.dispatcher import AlertDispatcher
from checker.alerts.policy import MAX_DELAY_S
from store.alerts import list_destinations, list_messages
from store.db import Database
from store.flags import apply_action
from store.tables import AlertEvent, Flag
from tests.alerts_fixtures import (
    DASHBOARD,
    DEAD,
    HANG,
    SECRET,
    T0,
    Clock,
    Received,
    Recorder,
    alert_settings,
    destination,
    make_citations,
    set_conditions,
)


def verify_independently(req: Received, secret: str = SECRET) -> dict[str, Any]:
    """Standard Webhooks verification written from the spec, not with our signer."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    h = req.headers
    signed = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + req.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert h["webhook-signature"] == f"v1,{expected}"
    body: dict[str, Any] = json.loads(req.body)
    return body


def dispatcher(db: Database, recorder: Recorder, clock: Clock, **alerts: Any) -> AlertDispatcher:
    dest_keys = alerts.pop("dest", {})
    settings = alert_settings(destination(recorder.url, **dest_keys), **alerts)
    return AlertDispatcher(db, settings, clock=clock)


def event_ids(db: Database) -> list[str]:
    return db.run(
        lambda s: list(
            s.execute(select(col(AlertEvent.event_id)).order_by(col(AlertEvent.id))).scalars()
        )
    )


async def test_an_opened_flag_is_delivered_once_signed_with_its_event_id(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    cids = make_citations(db, 1)
    set_conditions(db, cids, (DEAD,), T0)
    async with dispatcher(db, recorder, clock) as d:
        report = await d.run_once()
        again = await d.run_once()
    assert (report.events, report.sent, again.sent) == (1, 1, 0)
    assert len(recorder.requests) == 1
    req = recorder.requests[0]
    body = verify_independently(req)
    assert req.headers["webhook-id"] == event_ids(db)[0] == body["id"]
    assert req.headers["webhook-timestamp"] == str(int(T0.timestamp()))
    assert body["type"] == "flag.opened" and body["schema_version"] == 1
    flag_id = body["data"]["flag"]["id"]
    assert body["data"]["flag"]["url"] == f"{DASHBOARD}/flags/{flag_id}"
    assert body["data"]["source"]["archived_url"].startswith("https://web.archive.org/")
    assert body["data"]["article"]["url"] == "https://news.example/politics/budget"
    assert body["data"]["citation"]["claim"] == "Claim number 0 says 3 percent."


async def test_a_500_is_retried_later_with_the_same_id_and_body(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    set_conditions(db, make_citations(db, 1), (DEAD,), T0)
    recorder.reply(500)
    async with dispatcher(db, recorder, clock) as d:
        first = await d.run_once()
        clock.advance(30)  # before the first backoff (60 s ± 20 %)
        early = await d.run_once()
        clock.advance(60)
        second = await d.run_once()
    assert (first.retrying, early.sent, second.sent) == (1, 0, 1)
    a, b = recorder.requests
    assert a.headers["webhook-id"] == b.headers["webhook-id"] and a.body == b.body
    verify_independently(b)
    [msg] = db.run(lambda s: list_messages(s))
    assert (msg["status"], msg["attempts"]) == ("sent", 2)


async def test_a_receiver_that_does_not_answer_is_retried(db: Database, recorder: Recorder) -> None:
    clock = Clock()
    set_conditions(db, make_citations(db, 1), (DEAD,), T0)
    recorder.reply(HANG)
    async with dispatcher(db, recorder, clock, timeout_s=0.2) as d:
        first = await d.run_once()
        [failing] = db.run(lambda s: list_messages(s, status="failing"))
        clock.advance(MAX_DELAY_S)
        second = await d.run_once()
    assert (first.retrying, second.sent) == (1, 1)
    assert "no answer within 0.2s" in failing["last_error"]
    assert len({r.headers["webhook-id"] for r in recorder.requests}) == 1


async def test_retry_after_is_honoured(db: Database, recorder: Recorder) -> None:
    clock = Clock()
    set_conditions(db, make_citations(db, 1), (DEAD,), T0)
    recorder.reply((503, {"Retry-After": "600"}))
    async with dispatcher(db, recorder, clock) as d:
        await d.run_once()
        clock.advance(599)
        assert (await d.run_once()).sent == 0
        clock.advance(2)
        assert (await d.run_once()).sent == 1
    assert len(recorder.requests) == 2


async def test_410_gone_disables_the_destination(db: Database, recorder: Recorder) -> None:
    clock = Clock()
    cids = make_citations(db, 2)
    set_conditions(db, cids[:1], (DEAD,), T0)
    recorder.reply(410)
    async with dispatcher(db, recorder, clock) as d:
        report = await d.run_once()
        set_conditions(db, cids[1:], (DEAD,), T0)
        clock.advance(MAX_DELAY_S)
        later = await d.run_once()
    assert report.disabled == ["desk"] and later.sent == 0
    assert len(recorder.requests) == 1
    [dest] = db.run(list_destinations)
    assert dest["enabled"] is False and "410" in dest["disabled_reason"]
    assert dest["failed_messages"] == 1


async def test_gives_up_after_max_attempts_and_shows_it(db: Database, recorder: Recorder) -> None:
    clock = Clock()
    set_conditions(db, make_citations(db, 1), (DEAD,), T0)
    recorder.reply(500, 500, 500, 500, 500)
    async with dispatcher(db, recorder, clock, max_attempts=3) as d:
        for _ in range(5):
            await d.run_once()
            clock.advance(MAX_DELAY_S * 1.3)
    assert len(recorder.requests) == 3
    [msg] = db.run(lambda s: list_messages(s, status="failed"))
    assert msg["attempts"] == 3 and msg["last_error"].startswith("HTTP 500")


async def test_a_crash_after_claiming_resends_the_same_id_after_the_lease(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    set_conditions(db, make_citations(db, 1), (DEAD,), T0)
    crashed = dispatcher(db, recorder, clock)
    await crashed.sync()
    await db.write(crashed._fan_out)
    await db.write(lambda s: crashed._compose(s, clock(), _report()))
    assert len(await db.write(crashed._claim)) == 1  # committed, then the process died
    async with dispatcher(db, recorder, clock) as d:
        assert (await d.run_once()).sent == 0  # still claimed: nobody sends it twice at once
        clock.advance(0.5 * 2 + 31)
        assert (await d.run_once()).sent == 1
    [req] = recorder.requests
    assert req.headers["webhook-id"] == event_ids(db)[0]


async def test_a_crash_after_sending_resends_only_the_same_id(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    set_conditions(db, make_citations(db, 1), (DEAD,), T0)

    class DiesBeforeRecording(AlertDispatcher):
        async def _send_all(self, claimed: Any, report: Any) -> None:
            await self.post(claimed[0])
            raise RuntimeError("killed")

    doomed = DiesBeforeRecording(db, alert_settings(destination(recorder.url)), clock=clock)
    with pytest.raises(RuntimeError, match="killed"):
        await doomed.run_once()
    await doomed.close()
    async with dispatcher(db, recorder, clock) as d:
        clock.advance(60)
        await d.run_once()
    a, b = recorder.requests
    assert a.headers["webhook-id"] == b.headers["webhook-id"] and a.body == b.body


def _report() -> Any:
    from checker.alerts.dispatcher import DispatchReport

    return DispatchReport()


async def test_a_burst_is_grouped_into_one_message_per_destination(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    cids = make_citations(db, 30)
    for i, cid in enumerate(cids):
        clock.now = T0.replace(second=i)
        set_conditions(db, [cid], (DEAD,), clock.now)
    recorder.reply(500)
    async with dispatcher(db, recorder, clock, group_window_s=60.0) as d:
        clock.now = T0.replace(second=50)
        assert (await d.run_once()).messages == 0  # the window is still open
        clock.advance(20)
        first = await d.run_once()
        clock.advance(MAX_DELAY_S)
        await d.run_once()
    assert first.messages == 1
    a, b = recorder.requests
    assert a.headers["webhook-id"] == b.headers["webhook-id"]
    assert a.headers["webhook-id"].startswith("bat_")
    body = verify_independently(b)
    assert body["type"] == "batch" and body["data"]["count"] == 30
    assert {e["id"] for e in body["data"]["events"]} == set(event_ids(db))


async def test_muted_acknowledged_and_flapping_flags_stay_quiet(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    cids = make_citations(db, 4)
    set_conditions(db, cids, (DEAD,), T0)
    flag_ids = db.run(
        lambda s: list(s.execute(select(col(Flag.id)).order_by(col(Flag.id))).scalars())
    )
    db.run(lambda s: apply_action(s, flag_ids[0], "mute", actor="ed", now=T0))
    db.run(lambda s: apply_action(s, flag_ids[1], "acknowledge", actor="ed", now=T0))
    set_conditions(db, cids[2:3], (), T0)  # flag 3 came and went within the window
    async with dispatcher(db, recorder, clock, group_window_s=60.0) as d:
        clock.advance(61)
        report = await d.run_once()
    [req] = recorder.requests
    body = verify_independently(req)
    assert body["type"] == "flag.opened" and body["data"]["flag"]["id"] == flag_ids[3]
    assert report.suppressed == 4  # muted, acknowledged, flapped opened + resolved


async def test_a_resolve_is_sent_only_to_destinations_told_of_the_problem(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    cids = make_citations(db, 2)
    set_conditions(db, cids[:1], (DEAD,), T0)
    async with dispatcher(db, recorder, clock) as d:
        await d.run_once()
        set_conditions(db, cids[1:], (DEAD,), T0)
        flag_2 = db.run(lambda s: max(s.execute(select(col(Flag.id))).scalars()))
        db.run(lambda s: apply_action(s, flag_2, "mute", actor="ed", now=T0))
        await d.run_once()  # muted: not alerted
        clock.advance(3600)
        set_conditions(db, cids, (), clock())  # both recover
        report = await d.run_once()
    types = [json.loads(r.body)["type"] for r in recorder.requests]
    assert types == ["flag.opened", "flag.resolved"]
    assert report.suppressed == 1


async def test_an_hourly_digest_lists_the_hours_events(db: Database, recorder: Recorder) -> None:
    clock = Clock()  # 10:05
    cids = make_citations(db, 3)
    set_conditions(db, cids[:2], (DEAD,), T0)
    async with dispatcher(db, recorder, clock, dest={"mode": "hourly"}) as d:
        assert (await d.run_once()).sent == 0  # nothing before 11:00
        clock.advance(30 * 60)
        set_conditions(db, cids[2:], (DEAD,), clock())
        clock.now = T0.replace(hour=10, minute=59)
        assert (await d.run_once()).sent == 0
        clock.now = T0.replace(hour=11, minute=0)
        report = await d.run_once()
    assert report.sent == 1
    body = verify_independently(recorder.requests[0])
    assert body["type"] == "digest" and body["id"].startswith("dig_")
    assert body["data"]["count"] == 3 and body["data"]["counts"] == {"flag.opened": 3}
    assert body["data"]["period"] == {
        "mode": "hourly",
        "from": "2026-03-02T10:05:00Z",
        "to": "2026-03-02T11:00:00Z",
    }
    claims = sorted(e["data"]["citation"]["claim"] for e in body["data"]["events"])
    assert claims == [f"Claim number {i} says 3 percent." for i in range(3)]


async def test_destinations_only_get_what_they_subscribe_to(
    db: Database, recorder: Recorder
) -> None:
    clock = Clock()
    sport = make_citations(db, 1, article_url="https://news.example/sport/a", tags=("sport",))
    politics = make_citations(db, 1)
    set_conditions(db, sport + politics, (DEAD,), T0)
    settings = alert_settings(
        destination(
            recorder.url + "/politics",
            name="politics",
            url_prefixes=["https://news.example/politics/"],
        ),
        destination(recorder.url + "/sport", name="sport", tags=["sport"]),
        destination(recorder.url + "/low", name="evidence", kinds=["evidence_changed"]),
    )
    async with AlertDispatcher(db, settings, clock=clock) as d:
        await d.run_once()
    got = sorted((r.path, json.loads(r.body)["data"]["article"]["url"]) for r in recorder.requests)
    assert got == [
        ("/hook/politics", "https://news.example/politics/budget"),
        ("/hook/sport", "https://news.example/sport/a"),
    ]


async def test_run_forever_delivers_survives_errors_and_stops_when_asked(
    db: Database, recorder: Recorder
) -> None:
    import asyncio

    set_conditions(db, make_citations(db, 1), (DEAD,), T0)
    calls = 0

    class FailsOnce(AlertDispatcher):
        async def run_once(self) -> Any:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise RuntimeError("database went away")
            return await super().run_once()

    settings = alert_settings(destination(recorder.url), poll_s=0.01)
    stop = asyncio.Event()
    dispatcher = FailsOnce(db, settings, clock=Clock())
    task = asyncio.create_task(dispatcher.run_forever(stop))
    await asyncio.wait_for(recorder.received.wait(), timeout=10)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert calls >= 2 and len(recorder.requests) == 1
    assert dispatcher._session is None  # its HTTP session was closed on the way out
