"""Slack incoming-webhook messages (Block Kit) that read well on a phone.

One event: header (what broke), the article and claim, before/after for edited evidence,
and buttons to the source, the archived copy and the flag. A batch or digest: a summary
and one short section per flag, up to MAX_ITEMS. Block Kit limits are respected: at most
50 blocks, header text 150 characters, section text 3000, button text 75, button URL 3000.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from checker.alert_model import AlertFacts
from checker.alerts.payloads import flag_link
from checker.alerts.wording import article_name, batch_summary, cut, evidence_lines, title

HEADER_MAX = 150
SECTION_MAX = 3000
BUTTON_TEXT_MAX = 75
URL_MAX = 3000
MAX_ITEMS = 15  # flags listed in a grouped message; the rest are counted, with a link


def escape(text: str) -> str:
    """Slack mrkdwn: &, < and > are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe_url}|{escape(label)}>"


def _text(kind: str, text: str) -> dict[str, Any]:
    if kind == "plain_text":
        return {"type": "plain_text", "text": cut(text, HEADER_MAX), "emoji": True}
    return {"type": "mrkdwn", "text": text[:SECTION_MAX]}


def _button(label: str, url: str, action_id: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": cut(label, BUTTON_TEXT_MAX), "emoji": True},
        "url": url,
        "action_id": action_id,
    }
    if primary:
        button["style"] = "primary"
    return button


def _links(facts: AlertFacts, dashboard_url: str) -> list[tuple[str, str, str]]:
    found = [("Open source", facts.source_url, "source")]
    if facts.archived_url:
        found.append(("Archived copy", facts.archived_url, "archived"))
    found.append(("View flag", flag_link(dashboard_url, facts.flag_id), "flag"))
    return found


def event_message(facts: AlertFacts, dashboard_url: str) -> dict[str, Any]:
    head = title(facts)
    claim = f"*Claim* [{escape(facts.citation_ref)}]: _{escape(cut(facts.claim, 1500))}_"
    article = f"*Article:* {link(facts.article_url, cut(article_name(facts), 200))}"
    source = f"*Source:* {link(facts.source_url, cut(facts.source_url, 200))}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _text("plain_text", head)},
        {"type": "section", "text": _text("mrkdwn", f"{article}\n{claim}\n{source}")},
    ]
    lines = evidence_lines(facts)
    if lines:
        before, after = lines
        text = f"*Before:* {escape(cut(before, 1200))}\n*Now:* {escape(cut(after, 1200)) or '—'}"
        blocks.append({"type": "section", "text": _text("mrkdwn", text)})
    buttons = [
        _button(label, url, action_id, primary=action_id == "flag")
        for label, url, action_id in _links(facts, dashboard_url)
        if len(url) <= URL_MAX
    ]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    context = f"citecheck · flag #{facts.flag_id} · {facts.severity} · {facts.event_type}"
    blocks.append({"type": "context", "elements": [_text("mrkdwn", escape(context))]})
    fallback = f"{head} — {article_name(facts)}"
    return {"text": cut(fallback, SECTION_MAX), "blocks": blocks}


def batch_message(
    items: Sequence[AlertFacts], dashboard_url: str, *, heading: str
) -> dict[str, Any]:
    """A grouped burst or a digest: summary first, then one section per flag."""
    summary = batch_summary(items)
    hosts = sorted({urlsplit(f.source_url).hostname or "" for f in items} - {""})
    where = f" on {hosts[0]}" if len(hosts) == 1 else ""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _text("plain_text", f"{heading}{where}")},
        {"type": "section", "text": _text("mrkdwn", escape(summary))},
        {"type": "divider"},
    ]
    for facts in items[:MAX_ITEMS]:
        refs = [link(url, label) for label, url, _ in _links(facts, dashboard_url)]
        text = (
            f"*{escape(title(facts))}*\n"
            f"{link(facts.article_url, cut(article_name(facts), 120))}: "
            f"_{escape(cut(facts.claim, 300))}_\n" + " · ".join(refs)
        )
        blocks.append({"type": "section", "text": _text("mrkdwn", text)})
    rest = len(items) - MAX_ITEMS
    if rest > 0:
        more = (
            f"and {rest} more: {link(dashboard_url.rstrip('/') + '/flags', 'open the dashboard')}"
        )
        blocks.append({"type": "context", "elements": [_text("mrkdwn", more)]})
    return {"text": cut(f"{heading}{where}: {summary}", SECTION_MAX), "blocks": blocks}


def render_event(facts: AlertFacts, dashboard_url: str) -> str:
    return json.dumps(event_message(facts, dashboard_url), ensure_ascii=False)


def render_batch(items: Sequence[AlertFacts], dashboard_url: str, heading: str) -> str:
    return json.dumps(batch_message(items, dashboard_url, heading=heading), ensure_ascii=False)
