"""Real answers of the JSON API match the OpenAPI document it serves.

The app runs in-process over a store holding every kind of row the API shows: open,
acknowledged and replaced flags, a citation with anchored evidence and a support score,
checks with redirects, snapshots, a worker heartbeat, webhook messages sent and failing.
Every GET operation of the served document is called for every id in the store, and
the action POST for each outcome; each answer is validated with jsonschema against the
schema the document gives for its status. The schemas forbid unknown keys, so a handler
that starts answering a key or a type the document does not show fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, get_args

import pytest
from aiohttp import ClientResponse
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select
from sqlmodel import col

from checker.alert_model import EVENT_TYPES, FORMATS, MODES
from checker.alerts.dispatcher import AlertDispatcher
from checker.model import (
    Document,
    Evidence,
    FlagKind,
    FlagSpec,
    Liveness,
    LivenessState,
    Severity,
    Support,
    SupportLabel,
)
from checker.outcome import (
    CitationCapture,
    CitationOutcome,
    SourceHealth,
    SourceOutcome,
    StoredRecord,
)
from checker.web import api_bodies, api_models, api_ops_models, views_import
from checker.web.actions import ACTIONS
from checker.web.openapi import document
from store import editing
from store.alert_tables import MESSAGE_STATUSES
from store.auth_tables import ROLES
from store.results import record_outcome
from store.tables import FLAG_STATUSES, Article, Citation, Flag, Source
from store.worker_tables import record_beat
from tests.alerts_fixtures import Clock, Recorder, alert_settings, destination
from tests.test_web_api import bearer
from tests.web_fixtures import NOW, SOURCES, T0, Client, Seeded

DOC_URI = "urn:citecheck:openapi"
# GETs answering JSON (a WARC download is checked in test_archive_web.py)
GET_PATHS = [
    path
    for path, ops in document()["paths"].items()
    if "get" in ops and "application/json" in ops["get"]["responses"]["200"]["content"]
]
QUERIES = {"/api/v1/flags": ["", "?status=all", "?status=resolved&limit=1"]}
PARAM = re.compile(r"\{(\w+)\}")


STORED = StoredRecord(
    path="AB/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567.warc.gz",
    offset=0,
    length=1234,
    digest="sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    record="response",
    record_id="<urn:uuid:6a0e2c3e-2f4f-4a47-9b7e-1c1f4f0d9d11>",
    url="https://fine.example/report",
)


@dataclass
class World:
    seeded: Seeded
    ids: dict[str, list[int]]  # path parameter → every id of that kind in the store


def _anchor_fine_source(seeded: Seeded) -> None:
    """A check that anchors evidence and scores support on the "fine" source, and finds
    the claim unsupported: a medium flag with a baseline snapshot behind it."""

    def ids(s: Any) -> tuple[int, int]:
        source = s.execute(select(Source).where(col(Source.url) == SOURCES["fine"])).scalar_one()
        citation = s.execute(select(col(Citation.id)).where(col(Citation.source_id) == source.id))
        return source.id, citation.scalar_one()

    source_id, citation_id = seeded.db.run(ids)
    text = "Officials credited outreach.\n\nThe programme reached 91 percent."
    spec = FlagSpec(FlagKind.UNSUPPORTED, Severity.MEDIUM, {"score": 0.21})
    support = Support(0.21, SupportLabel.UNSUPPORTED, ("The programme reached",), "lexical")
    outcome = SourceOutcome(
        source_id=source_id,
        checked_at=T0 + timedelta(days=4),
        liveness=Liveness(LivenessState.ALIVE),
        health=SourceHealth("ok"),
        next_check_at=NOW + timedelta(days=1),
        interval_s=86_400,
        unchanged_checks=0,
        citations=(
            CitationOutcome(
                citation_id,
                (spec,),
                frozenset({FlagKind.UNSUPPORTED}),
                evidence=Evidence(("Officials credited outreach.",), "fp1"),
                support=support,
            ),
        ),
        status=200,
        final_url=SOURCES["fine"],
        elapsed_ms=123.456,
        document=Document.from_text("Outreach", text),
        content_hash="h-fine",
        captures=(CitationCapture(citation_id, "first_read", record=STORED),),
    )
    seeded.db.run(lambda s: record_outcome(s, outcome))


@pytest.fixture
async def world(anon: Client, seeded: Seeded, recorder: Recorder) -> World:
    db = seeded.db
    _anchor_fine_source(seeded)
    later = NOW - timedelta(hours=1)
    db.run(
        lambda s: editing.act_on_flag(
            s, seeded.edited_flag, "acknowledge", actor="editor", now=later, note="checking"
        )
    )
    db.run(
        lambda s: editing.replace_source(
            s, seeded.dead_flag, actor="editor", now=later, use_archive=True
        )
    )
    db.run(
        lambda s: record_beat(
            s,
            name="host-a:41",
            host="host-a",
            pid=41,
            mode="worker",
            started_at=T0,
            now=later,
            in_flight=1,
            checked=12,
            failed=2,
        )
    )
    recorder.reply(200, 500)  # one message delivered, the next one failing
    settings = alert_settings(destination(recorder.url))
    async with AlertDispatcher(db, settings, clock=Clock(NOW)) as dispatcher:
        await dispatcher.run_once()
    saved = await anon.post(
        "/api/v1/alerts/destinations",
        json={"name": "digest", "url": "https://hooks.example/d", "mode": "daily"},
        headers=bearer(seeded, "admin"),
    )
    assert saved.status == 200, await saved.text()

    def ids(s: Any) -> dict[str, list[int]]:
        return {
            name: sorted(s.execute(select(col(column))).scalars())
            for name, column in [
                ("flag_id", Flag.id),
                ("article_id", Article.id),
                ("source_id", Source.id),
                ("citation_id", Citation.id),
            ]
        }

    return World(seeded, db.run(ids))


async def served_document(client: Client) -> dict[str, Any]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    served: dict[str, Any] = await response.json()
    return served


def answer_schema(served: dict[str, Any], path: str, method: str, status: int) -> Any:
    """A validator for one documented answer; $refs resolve inside the served document."""
    responses = served["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered {status}, not documented"
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"#/paths/{escaped}/{method}/responses/{status}/content/application~1json/schema"
    registry = Registry().with_resource(DOC_URI, DRAFT202012.create_resource(served))
    return Draft202012Validator(
        {"$ref": DOC_URI + pointer},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


async def assert_documented(
    served: dict[str, Any], path: str, method: str, response: ClientResponse
) -> Any:
    assert response.content_type == "application/json"
    body = await response.json()
    validator = answer_schema(served, path, method, response.status)
    problems = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(body)]
    assert not problems, f"{method.upper()} {response.url.path_qs}: " + "; ".join(problems[:5])
    return body


def concrete_urls(path: str, ids: dict[str, list[int]]) -> list[str]:
    """The path once per id of its parameter, with each documented query variant."""
    names = PARAM.findall(path)
    assert len(names) <= 1, f"give {path} a sample URL for each parameter"
    paths = (
        [path] if not names else [path.replace(f"{{{names[0]}}}", str(i)) for i in ids[names[0]]]
    )
    return [p + query for p in paths for query in QUERIES.get(path, [""])]


@pytest.mark.parametrize("path", GET_PATHS)
async def test_every_get_answer_matches_the_document(anon: Client, world: World, path: str) -> None:
    served = await served_document(anon)
    urls = concrete_urls(path, world.ids)
    assert urls
    for url in urls:
        response = await anon.get(url, headers=bearer(world.seeded, "viewer"))
        assert response.status == 200, await response.text()
        await assert_documented(served, path, "get", response)


async def test_the_world_shows_every_kind_of_row(anon: Client, world: World) -> None:
    """The answers validated above are not empty lists and nulls."""
    headers = bearer(world.seeded, "viewer")
    detail = await (
        await anon.get(f"/api/v1/flags/{world.seeded.dead_flag}", headers=headers)
    ).json()
    assert detail["source_moved_since"] and detail["checks"] == []
    assert detail["flag"]["resolved_by"] == "replaced"
    flags = await (await anon.get("/api/v1/flags?status=all", headers=headers)).json()
    unsupported = next(i for i in flags["items"] if i["kind"] == "unsupported")
    detail = await (await anon.get(f"/api/v1/flags/{unsupported['id']}", headers=headers)).json()
    assert detail["citation"]["support_label"] == "unsupported"
    assert detail["evidence"]["baseline_snapshot"]["title"] == "Outreach"
    captured = detail["archive"]["as_captured"]
    assert captured["title"] == "Outreach" and captured["evidence_found"]
    assert {"text": "Officials credited outreach.", "evidence": True} in captured["text"]
    source = await (
        await anon.get(f"/api/v1/sources/{detail['source']['id']}", headers=headers)
    ).json()
    assert source["checks"][0]["elapsed_ms"] == 123.5
    overview = await (await anon.get("/api/v1/overview", headers=headers)).json()
    assert overview["workers"][0]["name"] == "host-a:41"
    messages = await (await anon.get("/api/v1/alerts/messages", headers=headers)).json()
    assert {m["status"] for m in messages} == {"sent", "pending"}
    assert any(m["last_error"] and m["next_attempt_at"] for m in messages)
    dests = await (await anon.get("/api/v1/alerts/destinations", headers=headers)).json()
    assert {d["origin"] for d in dests} == {"config", "dashboard"}
    assert any(d["last_sent_at"] and d["failing_messages"] for d in dests)


@pytest.mark.parametrize(
    ("role", "flag", "body", "status"),
    [
        ("editor", "edited", {"action": "resolve", "note": "fixed upstream"}, 200),
        ("editor", "edited", {"action": "recheck"}, 200),
        ("editor", "edited", {"action": "mute", "mute_days": 2.5}, 200),
        ("editor", "dead", {"action": "resolve"}, 409),  # already resolved as replaced
        ("editor", "dead", {"action": "mute", "bogus": 1}, 400),
        ("editor", "missing", {"action": "acknowledge"}, 404),
        ("viewer", "edited", {"action": "acknowledge"}, 403),
    ],
)
async def test_action_answers_match_the_document(
    anon: Client, world: World, role: str, flag: str, body: dict[str, Any], status: int
) -> None:
    flag_id = {"edited": world.seeded.edited_flag, "dead": world.seeded.dead_flag}.get(flag, 999)
    served = await served_document(anon)
    response = await anon.post(
        f"/api/v1/flags/{flag_id}/actions", json=body, headers=bearer(world.seeded, role)
    )
    assert response.status == status, await response.text()
    answer = await assert_documented(served, "/api/v1/flags/{flag_id}/actions", "post", response)
    if status == 200:
        assert answer["flag"]["id"] == flag_id


async def test_validation_rejects_a_key_or_type_the_document_does_not_show(
    anon: Client, world: World
) -> None:
    """The check above can fail: the schemas are closed and typed."""
    served = await served_document(anon)
    validator = answer_schema(served, "/api/v1/flags/{flag_id}", "get", 200)
    url = f"/api/v1/flags/{world.seeded.edited_flag}"
    good = await (await anon.get(url, headers=bearer(world.seeded, "viewer"))).json()
    assert validator.is_valid(good)
    assert not validator.is_valid(good | {"debug": True})
    assert not validator.is_valid(good | {"flag": good["flag"] | {"opened_at": 5}})
    assert not validator.is_valid(good | {"flag": good["flag"] | {"kind": "on_fire"}})


def _objects(schema: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """Every object schema with declared properties, nested anywhere in `schema`."""
    found = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append((where, schema))
        for key, value in schema.items():
            found += _objects(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            found += _objects(value, f"{where}/{index}")
    return found


def test_every_documented_object_refuses_unknown_keys() -> None:
    objects = _objects(document()["components"]["schemas"], "#/components/schemas")
    assert len(objects) > 30
    open_ones = [
        where for where, schema in objects if schema.get("additionalProperties") is not False
    ]
    assert open_ones == []


@pytest.mark.parametrize(
    ("documented", "actual"),
    [
        (api_models.FlagStatus, FLAG_STATUSES),
        (api_ops_models.Role, ROLES),
        (api_ops_models.DestinationFormat, FORMATS),
        (api_ops_models.DestinationMode, MODES),
        (api_ops_models.MessageStatus, MESSAGE_STATUSES),
        (api_bodies.EventType, EVENT_TYPES),
        (api_bodies.ImportFormat, views_import.FORMATS),
        (api_bodies.Action, ACTIONS),
    ],
)
def test_documented_choices_are_the_ones_the_code_knows(
    documented: Any, actual: tuple[str, ...]
) -> None:
    assert get_args(documented) == actual
