"""The alert dispatcher: outbox → deliveries → messages → HTTP, with retries.

It runs in its own task (`run_forever`), next to the checker but never in its way: all
database work goes through `db.write` (off the event loop), every request has a timeout,
and a failing receiver only delays its own messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from sqlmodel import Session
from yarl import URL

from checker.alert_model import Destination
from checker.alerts.compose import render, select_alertable
from checker.alerts.destinations import parse_destinations, wants
from checker.alerts.policy import due_at, next_attempt_delay, parse_retry_after
from checker.alerts.sample import sample_facts
from checker.alerts.signing import signed_headers
from checker.fetch.guard import (
    AddressPolicy,
    ForbiddenAddressError,
    GuardedResolver,
    allow_any,
    check_literal_host,
    is_forbidden_address,
)
from checker.settings import Settings
from store.alert_attempts import AttemptResult, OutgoingMessage, claim_due, record_attempts
from store.alert_outbox import Composed, OutboxEvent, fan_out, pending_groups, save_messages
from store.alerts import get_destination, sync_config_destinations
from store.db import Database

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
USER_AGENT = "citecheck-webhooks/1"
MAX_GROUP = 200  # events in one batch or digest message; a bigger burst goes in several
ERROR_SNIPPET = 200


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class DispatchReport:
    events: int = 0  # outbox events fanned out
    deliveries: int = 0  # (event, destination) pairs created
    messages: int = 0  # messages composed
    suppressed: int = 0  # deliveries not sent (muted, acknowledged, flapped, never alerted)
    sent: int = 0
    retrying: int = 0  # failed attempts that will be retried
    given_up: int = 0  # messages that failed for good (max_attempts, 410)
    disabled: list[str] = field(default_factory=list)  # destinations disabled by a 410

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class AlertDispatcher:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        session: aiohttp.ClientSession | None = None,
        clock: Clock = utcnow,
        *,
        rng: random.Random | None = None,
        batch_size: int = 500,
        concurrency: int = 16,
    ) -> None:
        self.db = db
        self.settings = settings
        self.alerts = settings.alerts
        self.destinations = parse_destinations(settings.destinations)  # fails fast on bad config
        self.clock = clock
        self.rng = rng or random.Random()
        self.batch_size = batch_size
        self.concurrency = concurrency
        self._session = session
        self._owns_session = session is None
        self._synced = False

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> AlertDispatcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            # The same address rule as every fetch: a destination must not reach into
            # the newsroom's network unless [fetch] allow_private_networks says so.
            resolver = GuardedResolver(aiohttp.ThreadedResolver(), self._forbidden)
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.alerts.timeout_s),
                connector=aiohttp.TCPConnector(limit=self.concurrency, resolver=resolver),
                headers={"user-agent": USER_AGENT},
            )
        return self._session

    @property
    def _forbidden(self) -> AddressPolicy:
        return allow_any if self.settings.fetch.allow_private_networks else is_forbidden_address

    async def sync(self) -> None:
        """Write the config's destinations to the store (dashboard ones are left alone)."""
        await self.db.write(sync_config_destinations, self.destinations, self.clock())
        self._synced = True

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; errors are logged and retried, never raised."""
        try:
            while not stop.is_set():
                try:
                    report = await self.run_once()
                    if report.sent or report.given_up or report.disabled:
                        log.info("alerts: %s", report.as_dict())
                except Exception:  # a bug or the database down: keep the service up
                    log.exception("alert dispatch failed; retrying in %ss", self.alerts.poll_s)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.alerts.poll_s)
        finally:
            await self.close()

    # ------------------------------------------------------------------ one pass

    async def run_once(self) -> DispatchReport:
        """Fan out new events, compose what is due, send what is due; then return."""
        if not self._synced:
            await self.sync()
        report = DispatchReport()
        while True:
            events, deliveries = await self.db.write(self._fan_out)
            report.events += events
            report.deliveries += deliveries
            if events < self.batch_size:
                break
        while await self.db.write(self._compose, self.clock(), report):
            pass
        while True:
            claimed = await self.db.write(self._claim)
            if not claimed:
                break
            await self._send_all(claimed, report)
            if len(claimed) < self.batch_size:
                break
        return report

    def _fan_out(self, session: Session) -> tuple[int, int]:
        return fan_out(session, self.clock(), route=self._route, limit=self.batch_size)

    def _route(self, dest: Destination, event: OutboxEvent) -> datetime | None:
        """When `dest` should hear of `event`, or None when it does not subscribe to it."""
        subscribed = wants(
            dest,
            event_type=event.type,
            kind=event.kind,
            severity=event.severity,
            article_url=event.article_url,
            article_tags=event.article_tags,
        )
        if not subscribed:
            return None
        return due_at(dest.mode, event.created_at, self.alerts.group_window_s, dest.digest_time)

    def _claim(self, session: Session) -> list[OutgoingMessage]:
        # The claim outlives a request (timeout) by a margin: a crash mid-send means a resend
        # with the same id after this, never a lost alert.
        lease_s = self.alerts.timeout_s * 2 + 30
        return claim_due(session, self.clock(), lease_s=lease_s, limit=self.batch_size)

    def _compose(self, session: Session, now: datetime, report: DispatchReport) -> bool:
        groups = pending_groups(
            session,
            now,
            window_s=self.alerts.group_window_s,
            max_group=MAX_GROUP,
            limit=self.batch_size,
        )
        told: dict[int, set[int]] = {}  # flags queued in this pass, per destination
        composed = []
        for group in groups:
            known = told.setdefault(group.destination_id, set())
            facts = [f for _, f in group.items]
            keep, dropped = select_alertable(facts, group.alerted_flags | known)
            rendered = (
                render(group.destination, keep, self.alerts.dashboard_url, now) if keep else None
            )
            composed.append(Composed(group, rendered, tuple(dropped)))
            known.update(f.flag_id for f in keep if f.event_type != "flag.resolved")
            report.messages += rendered is not None
            report.suppressed += len(dropped)
        save_messages(session, composed, now)
        return bool(groups)

    async def _send_all(self, claimed: list[OutgoingMessage], report: DispatchReport) -> None:
        limit = asyncio.Semaphore(self.concurrency)

        async def one(msg: OutgoingMessage) -> AttemptResult:
            async with limit:
                return await self.post(msg)

        results = await asyncio.gather(*(one(m) for m in claimed))
        recorded = await self.db.write(
            lambda s: record_attempts(
                s,
                results,
                self.clock(),
                max_attempts=self.alerts.max_attempts,
                retry_delay_s=lambda n, after: next_attempt_delay(n, after, self.rng.random()),
            )
        )
        report.sent += recorded.sent
        report.retrying += recorded.retrying
        report.given_up += recorded.given_up
        names = {m.destination_id: m.destination for m in claimed}
        report.disabled.extend(names[d] for d in recorded.disabled)
        for dest_id in recorded.disabled:
            log.warning("alerts: destination %s answered 410 Gone and is disabled", names[dest_id])

    # ------------------------------------------------------------------ HTTP

    async def post(self, msg: OutgoingMessage) -> AttemptResult:
        """One signed POST; never raises for network trouble."""
        body = msg.body.encode()
        now = self.clock()
        headers = {"content-type": "application/json"}
        headers |= signed_headers(msg.secret, msg.webhook_id, int(now.timestamp()), body)
        try:
            check_literal_host(URL(msg.url).host or "", self._forbidden)
        except (ForbiddenAddressError, ValueError) as exc:
            refused = f"refused: {exc} (see [fetch] allow_private_networks)"
            return AttemptResult(msg.id, msg.destination_id, False, None, refused)
        try:
            async with self._http().post(
                msg.url, data=body, headers=headers, allow_redirects=False
            ) as resp:
                snippet = (await resp.content.read(ERROR_SNIPPET)).decode("utf-8", "replace")
                if 200 <= resp.status < 300:
                    return AttemptResult(msg.id, msg.destination_id, ok=True, status=resp.status)
                retry_after = parse_retry_after(resp.headers.get("retry-after"), now)
                said = " ".join(snippet.split())
                error = f"HTTP {resp.status}: {said}" if said else f"HTTP {resp.status}"
                return AttemptResult(
                    msg.id, msg.destination_id, False, resp.status, error, retry_after
                )
        except TimeoutError:
            error = f"no answer within {self.alerts.timeout_s:g}s"
        except aiohttp.ClientError as exc:
            error = f"{type(exc).__name__}: {exc}"[:ERROR_SNIPPET]
            if isinstance(exc.__cause__, ForbiddenAddressError) or "non-public" in str(exc):
                error = f"refused: {exc.__cause__ or exc} (see [fetch] allow_private_networks)"
                error = error[:ERROR_SNIPPET]
        return AttemptResult(msg.id, msg.destination_id, False, None, error)

    async def send_test(self, name: str) -> AttemptResult:
        """Send a sample event to one destination now, outside the outbox."""
        if not self._synced:
            await self.sync()
        found = await self.db.read(get_destination, name)
        if found is None:
            raise LookupError(name)
        dest_id, dest = found
        facts = sample_facts(self.clock())
        rendered = render(dest, [facts], self.alerts.dashboard_url, self.clock())
        msg = OutgoingMessage(
            0, rendered.message_id, rendered.body, 1, dest_id, dest.name, dest.url, dest.secret
        )
        return await self.post(msg)
