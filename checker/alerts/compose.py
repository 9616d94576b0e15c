"""Which pending events of one destination become one message, and its body.

Rules (documented in docs/alerts.md, "What alerts and what does not"):
- an opened/escalated event whose flag is now muted or acknowledged is not sent;
- a resolve is sent only if the destination was told about the flag before;
- a flag that opened and resolved within the same group (a flap) is not sent at all.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from checker.alert_model import AlertFacts, Destination, Rendered
from checker.alerts import slack, teams
from checker.alerts.payloads import batch_envelope, event_envelope

QUIET_STATUSES = ("muted", "acknowledged")


def select_alertable(
    items: Sequence[AlertFacts], alerted_flags: Collection[int]
) -> tuple[list[AlertFacts], list[tuple[str, str]]]:
    """Split a group into what is sent and (event id, reason) of what is not."""
    resolved_here = {f.flag_id for f in items if f.event_type == "flag.resolved"}
    opened_here = {f.flag_id for f in items if f.event_type != "flag.resolved"}
    keep: list[AlertFacts] = []
    dropped: list[tuple[str, str]] = []
    for facts in items:
        reason = ""
        flapped = facts.flag_id in resolved_here and facts.flag_id in opened_here
        if flapped and facts.flag_id not in alerted_flags:
            reason = "flapped"  # came and went within one group: nothing to tell
        elif facts.event_type == "flag.resolved":
            if facts.flag_id not in alerted_flags and facts.flag_id not in opened_here:
                reason = "never_alerted"
        elif facts.status in QUIET_STATUSES:
            reason = facts.status
        if reason:
            dropped.append((facts.event_id, reason))
        else:
            keep.append(facts)
    return keep, dropped


def render(
    dest: Destination, items: Sequence[AlertFacts], dashboard_url: str, now: datetime
) -> Rendered:
    """One message body in the destination's format.

    A lone event keeps its event id as message id; a group or digest gets a fresh id,
    stored with the message so that every retry sends the same one.
    """
    event_ids = tuple(f.event_id for f in items)
    digest = dest.mode if dest.mode != "immediate" else None
    if len(items) == 1 and not digest:
        facts = items[0]
        if dest.format == "slack":
            body = slack.render_event(facts, dashboard_url)
        elif dest.format == "teams":
            body = teams.render_event(facts, dashboard_url)
        else:
            body = _dumps(event_envelope(facts, dashboard_url))
        return Rendered(facts.event_id, "event", body, event_ids)
    prefix = "dig" if digest else "bat"
    message_id = f"{prefix}_{uuid.uuid4().hex}"
    heading = f"citecheck {digest} digest" if digest else "citecheck: several citations broke"
    if dest.format == "slack":
        body = slack.render_batch(items, dashboard_url, heading)
    elif dest.format == "teams":
        body = teams.render_batch(items, dashboard_url, heading)
    else:
        envelope = batch_envelope(message_id, items, dashboard_url, now, digest_mode=digest)
        body = _dumps(envelope)
    return Rendered(message_id, "digest" if digest else "batch", body, event_ids)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
