"""The JSON API: token authentication, roles, every route, and its OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from checker.web.openapi import document
from tests.web_fixtures import ARCHIVE, HOSTILE, Client, Seeded


def bearer(seeded: Seeded, role: str = "editor") -> dict[str, str]:
    return {"Authorization": f"Bearer {seeded.tokens[role]}"}


async def _get(client: Client, seeded: Seeded, path: str, role: str = "viewer") -> Any:
    response = await client.get(path, headers=bearer(seeded, role))
    assert response.status == 200, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic ZWRpdG9yOng="}],
)
async def test_api_needs_a_valid_token(anon: Client, headers: dict[str, str]) -> None:
    response = await anon.get("/api/v1/flags", headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in (await response.json())["error"]


async def test_a_session_cookie_does_not_open_the_api(editor: Client) -> None:
    assert (await editor.get("/api/v1/flags")).status == 401


async def test_flag_list_filters_and_pages(anon: Client, seeded: Seeded) -> None:
    data = await _get(anon, seeded, "/api/v1/flags")
    assert [i["kind"] for i in data["items"]] == ["dead", "evidence_changed"]
    assert data["items"][0]["opened_at"] == "2026-01-07T09:00:00Z"
    page1 = await _get(anon, seeded, "/api/v1/flags?limit=1")
    page2 = await _get(anon, seeded, f"/api/v1/flags?limit=1&cursor={page1['next_cursor']}")
    assert [i["kind"] for i in page1["items"] + page2["items"]] == ["dead", "evidence_changed"]
    assert page2["next_cursor"] is None
    only = await _get(anon, seeded, "/api/v1/flags?kind=evidence_changed&domain=stats.example")
    assert len(only["items"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=fire", "kind 'fire' is not one of"),
        ("severity=urgent", "severity 'urgent'"),
        ("status=gone", "status 'gone'"),
        ("cursor=%%%", "cursor"),
        ("limit=0", "limit must be"),
        ("article=x", "article must be an id"),
        ("article=2147483648", "article must be an id from 1 to 2147483647"),
        ("source=99999999999999999999", "source must be an id"),
        ("source=%C2%B2", "source must be an id"),
        ("q=%00", "q must not contain control characters"),
        ("domain=a%0Ab", "domain must not contain control characters"),
        ("limit=%C2%B2", "limit must be"),
    ],
)
async def test_bad_queries_are_400_with_the_reason(
    anon: Client, seeded: Seeded, query: str, message: str
) -> None:
    response = await anon.get(f"/api/v1/flags?{query}", headers=bearer(seeded))
    assert response.status == 400
    assert message in (await response.json())["error"]


async def test_flag_detail_article_source_overview_and_counts(anon: Client, seeded: Seeded) -> None:
    flag = await _get(anon, seeded, f"/api/v1/flags/{seeded.edited_flag}")
    assert flag["evidence"]["diff"][1] == ["-", "94"]
    assert flag["article"]["title"].endswith(HOSTILE)  # JSON carries the text as it is
    article = await _get(anon, seeded, f"/api/v1/articles/{seeded.article_id}")
    assert len(article["citations"]) == 3
    source_id = flag["source"]["id"]
    source = await _get(anon, seeded, f"/api/v1/sources/{source_id}")
    assert source["citations"][0]["claim"] == "Coverage reached 94 percent in 2024."
    overview = await _get(anon, seeded, "/api/v1/overview")
    assert overview["articles"] == 1 and overview["open_flags"]["dead"] == {"high": 1}
    assert await _get(anon, seeded, "/api/v1/flags/counts") == overview["open_flags"]
    articles = await _get(anon, seeded, "/api/v1/articles")
    assert articles["items"][0]["open_flags"] == 2
    me = await _get(anon, seeded, "/api/v1/me", role="admin")
    assert me == {"name": "admin", "role": "admin"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/flags/999",
        "/api/v1/articles/999",
        "/api/v1/sources/9",
        # beyond what an id column holds, on PostgreSQL too: not found, never a 500
        "/api/v1/flags/2147483648",
        "/api/v1/articles/9223372036854775808",
        "/api/v1/sources/2147483648",
        "/api/v1/flags/%C2%B2",
    ],
)
async def test_missing_things_are_json_404(anon: Client, seeded: Seeded, path: str) -> None:
    response = await anon.get(path, headers=bearer(seeded))
    assert response.status == 404
    assert "error" in await response.json()


async def test_actions_through_the_api(anon: Client, seeded: Seeded) -> None:
    url = f"/api/v1/flags/{seeded.dead_flag}/actions"
    viewer = await anon.post(url, json={"action": "acknowledge"}, headers=bearer(seeded, "viewer"))
    assert viewer.status == 403
    ack = await anon.post(url, json={"action": "acknowledge"}, headers=bearer(seeded))
    assert ack.status == 200 and (await ack.json())["flag"]["status"] == "acknowledged"
    replace = await anon.post(
        url, json={"action": "replace", "use_archive": True}, headers=bearer(seeded)
    )
    body = await replace.json()
    assert replace.status == 200 and body["flag"]["resolved_by"] == "replaced"
    again = await anon.post(url, json={"action": "resolve"}, headers=bearer(seeded))
    assert again.status == 409 and "already resolved" in (await again.json())["error"]
    detail = await _get(anon, seeded, f"/api/v1/flags/{seeded.dead_flag}")
    assert [e["action"] for e in detail["events"]][-3:] == [
        "acknowledged",
        "source_replaced",
        "resolved",
    ]
    assert detail["events"][-1]["actor"] == "editor"
    citation = await _get(anon, seeded, f"/api/v1/articles/{seeded.article_id}")
    assert ARCHIVE in json.dumps(citation)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ("[1]", 400),
        ('{"action": 5}', 400),
        ('{"note": "x"}', 400),
        ('{"action": "mute", "mute_days": -1}', 422),  # a wrong request, not a conflict
        ('{"action": "replace", "url": "ftp://x"}', 422),
        ('{"action": "replace"}', 422),
    ],
)
async def test_bad_action_bodies(anon: Client, seeded: Seeded, body: str, status: int) -> None:
    response = await anon.post(
        f"/api/v1/flags/{seeded.dead_flag}/actions",
        data=body,
        headers=bearer(seeded) | {"Content-Type": "application/json"},
    )
    assert response.status == status


async def test_import_through_the_api(anon: Client, seeded: Seeded) -> None:
    article = {
        "url": "https://news.example/x",
        "title": "X",
        "citations": [{"url": "https://src.example/x", "claim": "A claim."}],
    }
    body = {"text": json.dumps(article), "format": "json"}
    refused = await anon.post("/api/v1/import", json=body, headers=bearer(seeded, "viewer"))
    assert refused.status == 403
    done = await anon.post("/api/v1/import", json=body, headers=bearer(seeded))
    assert done.status == 200 and (await done.json())["articles_added"] == 1
    bad = await anon.post("/api/v1/import", json={"text": "{"}, headers=bearer(seeded))
    assert bad.status == 400 and "invalid JSON" in (await bad.json())["error"]


def test_openapi_document_is_valid_openapi_3_1() -> None:
    validate(document())


async def test_every_api_route_is_documented(anon: Client) -> None:
    paths = document()["paths"]
    routes = [
        (r.resource.canonical, r.method.lower())
        for r in anon.app.router.routes()
        if r.resource is not None
        and r.resource.canonical.startswith("/api/")
        and r.method != "HEAD"
    ]
    assert routes
    for path, method in routes:
        assert path in paths, path
        assert method in paths[path], (path, method)
    served = await (await anon.get("/api/v1/openapi.json")).json()
    assert served == document()


async def test_huge_ids_in_actions_and_cursors_are_client_errors(
    anon: Client, seeded: Seeded
) -> None:
    action = await anon.post(
        "/api/v1/flags/2147483648/actions",
        json={"action": "acknowledge"},
        headers=bearer(seeded, "editor"),
    )
    assert action.status == 404 and "error" in await action.json()
    after = await anon.get("/api/v1/articles?after=9223372036854775808", headers=bearer(seeded))
    assert after.status == 400 and "after must be an id" in (await after.json())["error"]


async def test_a_database_that_is_down_answers_a_json_503_with_the_security_headers() -> None:
    """No bare text/plain 500: the API says so in JSON, the page in HTML, both with the
    headers every response carries."""
    from aiohttp.test_utils import TestClient, TestServer

    from checker.web.app import create_app
    from store.db import Database
    from tests.web_fixtures import NOW, web_settings

    down = Database("postgresql://citecheck@127.0.0.1:1/none")  # nothing listens there
    app = create_app(web_settings(), down, clock=lambda: NOW)
    try:
        async with TestClient(TestServer(app)) as client:
            api = await client.get("/api/v1/flags", headers={"Authorization": "Bearer abc"})
            assert api.status == 503 and api.content_type == "application/json"
            assert "database" in (await api.json())["error"]
            assert api.headers["X-Content-Type-Options"] == "nosniff"
            assert "Content-Security-Policy" in api.headers
    finally:
        down.close()
