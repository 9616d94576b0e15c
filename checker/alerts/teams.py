"""Microsoft Teams messages: an Adaptive Card in the `message`/`attachments` envelope that
Teams incoming webhooks and Workflows ("post to a channel when a webhook request is
received") accept. Card schema 1.4, which every current Teams client renders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from checker.alert_model import AlertFacts
from checker.alerts.payloads import flag_link
from checker.alerts.wording import article_name, batch_summary, cut, evidence_lines, title

CARD_VERSION = "1.4"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_ITEMS = 15  # flags listed in a grouped message: Teams refuses messages over ~28 KB
_COLORS = {"high": "Attention", "medium": "Warning", "low": "Default"}


def envelope(card: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return card


def _block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _md(label: str, url: str) -> str:
    # Adaptive Card markdown links; brackets/parentheses in labels would end the link early.
    clean = label.replace("[", "(").replace("]", ")")
    return f"[{clean}]({url.replace(' ', '%20').replace(')', '%29')})"


def _color(facts: AlertFacts) -> str:
    return "Good" if facts.event_type == "flag.resolved" else _COLORS.get(facts.severity, "Default")


def _open_url(label: str, url: str) -> dict[str, Any]:
    return {"type": "Action.OpenUrl", "title": label, "url": url}


def event_card(facts: AlertFacts, dashboard_url: str) -> dict[str, Any]:
    body = [
        _block(title(facts), weight="Bolder", size="Medium", color=_color(facts)),
        _block(_md(cut(article_name(facts), 200), facts.article_url), spacing="Small"),
        {
            "type": "FactSet",
            "facts": [
                {"title": f"Claim [{facts.citation_ref}]", "value": cut(facts.claim, 1500)},
                {"title": "Source", "value": cut(facts.source_url, 300)},
            ],
        },
    ]
    lines = evidence_lines(facts)
    if lines:
        before, after = lines
        body.append(_block(f"**Before:** {cut(before, 1200)}", isSubtle=True))
        body.append(_block(f"**Now:** {cut(after, 1200) or '—'}"))
    actions = [_open_url("Open source", facts.source_url)]
    if facts.archived_url:
        actions.append(_open_url("Archived copy", facts.archived_url))
    actions.append(_open_url("View flag", flag_link(dashboard_url, facts.flag_id)))
    return envelope(_card(body, actions))


def batch_card(items: Sequence[AlertFacts], dashboard_url: str, *, heading: str) -> dict[str, Any]:
    hosts = sorted({urlsplit(f.source_url).hostname or "" for f in items} - {""})
    where = f" on {hosts[0]}" if len(hosts) == 1 else ""
    body: list[dict[str, Any]] = [
        _block(f"{heading}{where}", weight="Bolder", size="Medium"),
        _block(batch_summary(items), spacing="Small"),
    ]
    for facts in items[:MAX_ITEMS]:
        links = [_md("Source", facts.source_url)]
        if facts.archived_url:
            links.append(_md("Archived", facts.archived_url))
        links.append(_md("Flag", flag_link(dashboard_url, facts.flag_id)))
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    _block(title(facts), weight="Bolder", color=_color(facts)),
                    _block(
                        f"{_md(cut(article_name(facts), 120), facts.article_url)}: "
                        f"{cut(facts.claim, 300)}",
                        spacing="None",
                    ),
                    _block(" · ".join(links), spacing="None"),
                ],
            }
        )
    rest = len(items) - MAX_ITEMS
    if rest > 0:
        body.append(_block(f"and {rest} more", isSubtle=True))
    actions = [_open_url("Open the dashboard", dashboard_url.rstrip("/") + "/flags")]
    return envelope(_card(body, actions))


def render_event(facts: AlertFacts, dashboard_url: str) -> str:
    return json.dumps(event_card(facts, dashboard_url), ensure_ascii=False)


def render_batch(items: Sequence[AlertFacts], dashboard_url: str, heading: str) -> str:
    return json.dumps(batch_card(items, dashboard_url, heading=heading), ensure_ascii=False)
