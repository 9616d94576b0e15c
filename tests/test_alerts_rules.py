"""Pure alert rules: signatures, retry timing, due times, who is told what, config."""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from checker.alert_model import Destination
from checker.alerts.compose import select_alertable
from checker.alerts.destinations import DestinationError, parse_destinations, wants
from checker.alerts.policy import due_at, next_attempt_delay, parse_retry_after, retry_delay
from checker.alerts.sample import sample_facts
from checker.alerts.signing import SignatureError, sign, signed_headers, verify

NOW = datetime(2026, 3, 2, 10, 5, 30, tzinfo=UTC)

# ------------------------------------------------------------------ signing


def test_signature_matches_the_standard_webhooks_reference_vector() -> None:
    # The test vector published with the Standard Webhooks specification.
    assert sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    ) == ("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")


@pytest.mark.parametrize("secret", ["whsec_c2VjcmV0LWJ5dGVz", "a raw shared secret"])
def test_verify_accepts_what_was_signed_and_nothing_else(secret: str) -> None:
    body = b'{"type":"flag.opened"}'
    headers = signed_headers(secret, "evt_1", 1_700_000_000, body)
    assert verify(secret, headers, body, now=1_700_000_100) == "evt_1"
    rotated = headers | {"webhook-signature": "v1,bm90IGl0 " + headers["webhook-signature"]}
    assert verify(secret, rotated, body, now=1_700_000_000) == "evt_1"
    with pytest.raises(SignatureError, match="no signature matches"):
        verify(secret, headers, body + b" ", now=1_700_000_000)
    with pytest.raises(SignatureError, match="too far"):
        verify(secret, headers, body, now=1_700_000_000 + 301)
    with pytest.raises(SignatureError, match="missing"):
        verify(secret, {"webhook-id": "evt_1"}, body, now=1_700_000_000)


def test_no_secret_means_no_signature_header() -> None:
    assert "webhook-signature" not in signed_headers("", "evt_1", 1, b"{}")


# ------------------------------------------------------------------ timing


@pytest.mark.parametrize(
    ("failures", "jitter", "expected"),
    [
        (1, 0.5, 60.0),  # first retry a minute later
        (2, 0.5, 120.0),
        (5, 0.5, 960.0),
        (10, 0.5, 6 * 3600.0),  # capped at 6 h
        (40, 0.5, 6 * 3600.0),
        (1, 0.0, 48.0),  # -20 % jitter
        (1, 0.999999, 72.0),  # +20 % jitter
    ],
)
def test_retry_delay_backs_off_exponentially_with_jitter(
    failures: int, jitter: float, expected: float
) -> None:
    assert retry_delay(failures, jitter) == pytest.approx(expected, abs=0.01)


def test_default_attempts_spread_over_about_a_day() -> None:
    total = sum(retry_delay(n, 0.5) for n in range(1, 12))  # 12 attempts: 11 gaps
    assert 18 * 3600 <= total <= 30 * 3600


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Mon, 02 Mar 2026 10:15:30 GMT", 600.0),
        ("Mon, 02 Mar 2026 09:00:00 GMT", 0.0),  # in the past: now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_header(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_retry_after_wins_over_backoff_but_is_capped() -> None:
    assert next_attempt_delay(1, 900.0, 0.5) == 900.0
    assert next_attempt_delay(1, 10 * 86400.0, 0.5) == 6 * 3600.0
    assert next_attempt_delay(3, None, 0.5) == 240.0


@pytest.mark.parametrize(
    ("mode", "digest_time", "expected"),
    [
        ("immediate", "08:00", datetime(2026, 3, 2, 10, 6, 30, tzinfo=UTC)),
        ("hourly", "08:00", datetime(2026, 3, 2, 11, 0, tzinfo=UTC)),
        ("daily", "08:00", datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),
        ("daily", "17:30", datetime(2026, 3, 2, 17, 30, tzinfo=UTC)),
    ],
)
def test_due_at(mode: str, digest_time: str, expected: datetime) -> None:
    assert due_at(mode, NOW, 60.0, digest_time) == expected


# ------------------------------------------------------------------ who is told what

OPENED = sample_facts(NOW)


def ev(flag_id: int, event_type: str = "flag.opened", status: str = "open") -> Any:
    return replace(
        OPENED,
        event_id=f"{event_type}-{flag_id}",
        flag_id=flag_id,
        event_type=event_type,
        status=status,
    )


@pytest.mark.parametrize(
    ("items", "alerted", "sent", "dropped"),
    [
        ([ev(1)], set(), ["flag.opened-1"], []),
        ([ev(1, status="muted")], set(), [], [("flag.opened-1", "muted")]),
        ([ev(1, status="acknowledged")], set(), [], [("flag.opened-1", "acknowledged")]),
        ([ev(1, "flag.escalated", "muted")], {1}, [], [("flag.escalated-1", "muted")]),
        ([ev(1, "flag.resolved", "resolved")], set(), [], [("flag.resolved-1", "never_alerted")]),
        ([ev(1, "flag.resolved", "resolved")], {1}, ["flag.resolved-1"], []),
        (  # opened and resolved in one group: a flap, nothing to say
            [ev(1, status="resolved"), ev(1, "flag.resolved", "resolved")],
            set(),
            [],
            [("flag.opened-1", "flapped"), ("flag.resolved-1", "flapped")],
        ),
        (  # escalated then resolved after the opening was sent: both are news
            [ev(1, "flag.escalated", "resolved"), ev(1, "flag.resolved", "resolved")],
            {1},
            ["flag.escalated-1", "flag.resolved-1"],
            [],
        ),
    ],
)
def test_select_alertable(
    items: list[Any], alerted: set[int], sent: list[str], dropped: list[tuple[str, str]]
) -> None:
    keep, quiet = select_alertable(items, alerted)
    assert [f.event_id for f in keep] == sent
    assert quiet == dropped


DEST = Destination(name="d", url="https://h.example/x")


@pytest.mark.parametrize(
    ("dest", "event", "expected"),
    [
        (DEST, {}, True),
        (replace(DEST, enabled=False), {}, False),
        (replace(DEST, kinds=("moved",)), {}, False),
        (replace(DEST, kinds=("dead", "moved")), {}, True),
        (replace(DEST, min_severity="high"), {"severity": "medium"}, False),
        (replace(DEST, min_severity="medium"), {"severity": "high"}, True),
        (replace(DEST, events=("flag.opened",)), {"event_type": "flag.resolved"}, False),
        (replace(DEST, url_prefixes=("https://news.example/sport/",)), {}, False),
        (replace(DEST, url_prefixes=("https://news.example/politics/",)), {}, True),
        (replace(DEST, tags=("sport", "culture")), {}, False),
        (replace(DEST, tags=("politics",)), {}, True),
    ],
)
def test_wants(dest: Destination, event: dict[str, Any], expected: bool) -> None:
    facts: dict[str, Any] = {
        "event_type": "flag.opened",
        "kind": "dead",
        "severity": "high",
        "article_url": "https://news.example/politics/x",
        "article_tags": ["politics"],
    } | event
    assert wants(dest, **facts) is expected


# ------------------------------------------------------------------ config


def table(**keys: Any) -> dict[str, Any]:
    return {"name": "desk", "url": "https://hooks.example/citecheck"} | keys


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ([{"url": "https://h.example"}], r"\[\[destinations\]\] #1: key 'name'"),
        ([table(format="xml")], "destination 'desk': key 'format' must be one of json, slack"),
        ([table(url="ftp://h.example")], "destination 'desk': key 'url' must be an http"),
        ([table(kinds=["dead", "zombie"])], "key 'kinds' has unknown value 'zombie'"),
        ([table(kinds="dead")], "key 'kinds' must be a list of strings"),
        ([table(min_severity="urgent")], "key 'min_severity' must be one of low, medium, high"),
        ([table(mode="weekly")], "key 'mode' must be one of immediate, hourly, daily"),
        ([table(digest_time="8am")], "key 'digest_time' must be HH:MM"),
        ([table(secret="whsec_!!!")], "key 'secret': a whsec_ secret must be followed by base64"),
        ([table(colour="red")], "unknown key 'colour'"),
        ([table(enabled="yes")], "key 'enabled' must be true or false"),
        ([table(url_prefixes=["news.example/"])], "url_prefixes' entries must start with http"),
        ([table(), table()], "destination 'desk': name used twice"),
    ],
)
def test_bad_destination_config_is_one_clear_error(tables: list[Any], message: str) -> None:
    with pytest.raises(DestinationError, match=message):
        parse_destinations(tables)


def test_the_documented_example_destination_is_valid() -> None:
    reference = Path(__file__).resolve().parents[1] / "config" / "citecheck.toml"
    lines = reference.read_text().split("# [[destinations]]", 1)[1].splitlines()
    block = list(itertools.takewhile(str.strip, lines[1:]))  # up to the next blank line
    example = "[[destinations]]\n" + "\n".join(line.removeprefix("# ") for line in block)
    [dest] = parse_destinations(tomllib.loads(example)["destinations"])
    assert dest.name == "desk" and dest.format == "slack"
    assert due_at(dest.mode, NOW, 60, dest.digest_time) - NOW < timedelta(minutes=2)
