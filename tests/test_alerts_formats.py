"""The message formats: JSON schema v1, Slack Block Kit and Teams Adaptive Cards.

Slack and Teams cannot be called from tests, so their payloads are checked against the
structural rules both platforms document and enforce: block and element types, required
fields, text length limits, block counts, card schema version and message size.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from checker.alert_model import AlertFacts, Destination
from checker.alerts import slack, teams
from checker.alerts.compose import render
from checker.alerts.payloads import SCHEMA_VERSION, batch_envelope, event_envelope
from checker.alerts.sample import sample_facts

NOW = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
DASH = "https://citecheck.newsroom.example"
DEAD = sample_facts(NOW)
EDITED = replace(
    DEAD,
    event_id="evt_edit",
    kind="evidence_changed",
    detail={
        "before": "Unemployment fell to 4.1% in May.",
        "after": "Unemployment rose to 4.3% in May.",
        "diff": [
            ["=", "Unemployment"],
            ["-", "fell to 4.1%"],
            ["+", "rose to 4.3%"],
            ["=", "in May."],
        ],
        "changes": ["number"],
        "signature": "abc",
    },
)
RESOLVED = replace(
    DEAD,
    event_id="evt_res",
    event_type="flag.resolved",
    status="resolved",
    resolved_at=NOW,
    resolved_by="recovered",
)
HOSTILE = replace(
    DEAD,
    event_id="evt_hostile",
    article_title="Tom & Jerry <script>alert(1)</script> [draft] (v2)",
    claim="Sales > 5% & costs < 2% " + "very long claim " * 800,
    source_url="https://src.example/a|b>c?q=1&r=2",
)
CASES = [DEAD, EDITED, RESOLVED, HOSTILE]

# ------------------------------------------------------------------ Block Kit rules

BLOCK_TYPES = {"header", "section", "divider", "actions", "context"}


def check_text(
    obj: dict[str, Any], limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")
) -> None:
    assert obj["type"] in kinds
    assert isinstance(obj["text"], str) and 1 <= len(obj["text"]) <= limit


def check_block_kit(message: dict[str, Any]) -> None:
    assert isinstance(message["text"], str) and message["text"]  # notification fallback
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    for block in blocks:
        assert block["type"] in BLOCK_TYPES
        assert len(block.get("block_id", "")) <= 255
        if block["type"] == "header":
            check_text(block["text"], 150, ("plain_text",))
        elif block["type"] == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                check_text(block["text"], 3000)
            for f in block.get("fields", []):
                check_text(f, 2000)
            assert len(block.get("fields", [])) <= 10
        elif block["type"] == "actions":
            assert 1 <= len(block["elements"]) <= 25
            ids = [e["action_id"] for e in block["elements"]]
            assert len(ids) == len(set(ids)) and all(len(i) <= 255 for i in ids)
            for button in block["elements"]:
                assert button["type"] == "button"
                check_text(button["text"], 75, ("plain_text",))
                assert len(button["url"]) <= 3000 and urlsplit(button["url"]).scheme == "https"
                assert button.get("style", "primary") in ("primary", "danger")
        elif block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
            for element in block["elements"]:
                check_text(element, 3000)


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


@pytest.mark.parametrize("facts", CASES, ids=lambda f: f.event_id)
def test_slack_event_messages_follow_block_kit_rules(facts: AlertFacts) -> None:
    message = slack.event_message(facts, DASH)
    check_block_kit(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    urls = {e["action_id"]: e["url"] for e in buttons}
    assert urls["flag"] == f"{DASH}/flags/{facts.flag_id}"
    assert urls.get("archived") == facts.archived_url  # only dead flags carry one
    assert urls["source"] == facts.source_url


def test_slack_escapes_control_characters_and_keeps_links_intact() -> None:
    text = "\n".join(mrkdwn_texts(slack.event_message(HOSTILE, DASH)))
    assert "&lt;script&gt;" in text and "Tom &amp; Jerry" in text and "<script>" not in text
    assert "<https://src.example/a%7Cb%3Ec?q=1&r=2|" in text  # | and > would end the link


def test_slack_shows_what_changed_in_the_evidence() -> None:
    text = "\n".join(mrkdwn_texts(slack.event_message(EDITED, DASH)))
    assert "*Before:* Unemployment fell to 4.1% in May." in text
    assert "*Now:* Unemployment rose to 4.3% in May." in text
    header = slack.event_message(EDITED, DASH)["blocks"][0]["text"]["text"]
    assert header == "🔴 High: Evidence edited (changed: number)"


def test_slack_batch_of_many_flags_stays_within_limits() -> None:
    items = [replace(DEAD, event_id=f"e{i}", flag_id=i) for i in range(40)]
    message = slack.batch_message(items, DASH, heading="citecheck: several citations broke")
    check_block_kit(message)
    assert message["blocks"][0]["text"]["text"] == (
        "citecheck: several citations broke on council.example.org"
    )
    assert "40 new problems: 40 × dead link" in message["text"]
    assert "and 25 more" in message["blocks"][-1]["elements"][0]["text"]


# ------------------------------------------------------------------ Adaptive Card rules

ELEMENT_TYPES = {"TextBlock", "FactSet", "Container"}


def check_elements(elements: list[dict[str, Any]]) -> None:
    for element in elements:
        assert element["type"] in ELEMENT_TYPES
        if element["type"] == "TextBlock":
            assert isinstance(element["text"], str) and element["text"]
            assert element.get("wrap") is True  # long claims must wrap on a phone
        elif element["type"] == "FactSet":
            assert element["facts"]
            assert all(
                isinstance(f["title"], str) and isinstance(f["value"], str)
                for f in element["facts"]
            )
        else:
            check_elements(element["items"])


def check_teams(message: dict[str, Any]) -> None:
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] in ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
    assert card["body"]
    check_elements(card["body"])
    for action in card.get("actions", []):
        assert action["type"] == "Action.OpenUrl" and action["title"]
        assert urlsplit(action["url"]).scheme in ("http", "https")
    assert len(json.dumps(message).encode()) < 28_000  # Teams webhook message size limit


@pytest.mark.parametrize("facts", CASES, ids=lambda f: f.event_id)
def test_teams_event_cards_follow_the_adaptive_card_schema(facts: AlertFacts) -> None:
    message = teams.event_card(facts, DASH)
    check_teams(message)
    actions = {a["title"]: a["url"] for a in message["attachments"][0]["content"]["actions"]}
    assert actions.get("Archived copy") == facts.archived_url
    assert actions["Open source"] == facts.source_url
    assert actions["View flag"] == f"{DASH}/flags/{facts.flag_id}"


def test_teams_batch_of_many_flags_stays_within_limits() -> None:
    items = [replace(HOSTILE, event_id=f"e{i}", flag_id=i) for i in range(40)]
    check_teams(teams.batch_card(items, DASH, heading="citecheck hourly digest"))


def test_teams_resolved_card_reads_as_good_news() -> None:
    title = teams.event_card(RESOLVED, DASH)["attachments"][0]["content"]["body"][0]
    assert title["color"] == "Good" and title["text"].startswith("✅ Resolved (recovered)")


# ------------------------------------------------------------------ JSON schema


def test_json_event_envelope_carries_what_a_receiver_needs() -> None:
    body = event_envelope(EDITED, DASH)
    assert body["schema_version"] == SCHEMA_VERSION == 1
    assert (body["id"], body["type"], body["timestamp"]) == (
        "evt_edit",
        "flag.opened",
        "2026-03-02T10:05:00Z",
    )
    data = body["data"]
    assert set(data) == {"flag", "article", "citation", "source", "evidence"}
    assert data["evidence"]["diff"][1] == {"op": "-", "text": "fell to 4.1%"}
    assert data["evidence"]["changes"] == ["number"]
    assert "signature" not in data["flag"]["detail"] and "before" not in data["flag"]["detail"]
    assert event_envelope(DEAD, DASH)["data"]["evidence"] is None


def test_json_batch_and_digest_envelopes() -> None:
    batch = batch_envelope("bat_1", [DEAD, RESOLVED], DASH, NOW)
    assert batch["type"] == "batch" and "period" not in batch["data"]
    assert batch["data"]["counts"] == {"flag.opened": 1, "flag.resolved": 1}
    digest = batch_envelope("dig_1", [DEAD], DASH, NOW, digest_mode="daily")
    assert digest["type"] == "digest" and digest["data"]["period"]["mode"] == "daily"


@pytest.mark.parametrize("fmt", ["json", "slack", "teams"])
def test_a_lone_event_keeps_its_event_id_and_groups_get_a_fresh_one(fmt: str) -> None:
    dest = Destination(name="d", url="https://hooks.example/x", format=fmt)
    one = render(dest, [DEAD], DASH, NOW)
    assert (one.message_id, one.kind) == (DEAD.event_id, "event")
    two = render(dest, [DEAD, EDITED], DASH, NOW)
    assert two.kind == "batch" and two.message_id.startswith("bat_")
    assert two.event_ids == (DEAD.event_id, "evt_edit")
    json.loads(two.body)
