"""Managing webhook destinations from the dashboard and the API (admin role)."""

from __future__ import annotations

from tests.test_web_api import bearer
from tests.web_fixtures import Client, Seeded, csrf_of, sign_in_directly

DESK = {
    "op": "save",
    "name": "desk",
    "url": "https://hooks.example/desk",
    "format": "slack",
    "mode": "immediate",
    "min_severity": "high",
    "kinds": "dead, evidence_changed",
}


async def _post(client: Client, **form: str) -> tuple[int, str]:
    token = await csrf_of(client, "/alerts")
    response = await client.post("/alerts", data={"csrf_token": token, **form})
    return response.status, await response.text()


async def test_an_admin_adds_pauses_and_deletes_a_destination(anon: Client, seeded: Seeded) -> None:
    await sign_in_directly(anon, seeded, "admin")
    status, page = await _post(anon, **DESK)
    assert status == 200 and "Destination desk saved." in page
    # The URL is a credential: shown as its origin only, even to the admin who set it.
    assert "https://hooks.example/…" in page and "/desk" not in page and "slack" in page
    status, page = await _post(anon, op="disable", name="desk")
    assert "Destination desk disabled." in page and "disabled by an editor" in page
    status, page = await _post(anon, op="delete", name="desk")
    assert status == 200 and "https://hooks.example/…" not in page


async def test_a_bad_destination_is_refused_with_the_reason(anon: Client, seeded: Seeded) -> None:
    await sign_in_directly(anon, seeded, "admin")
    status, page = await _post(anon, **(DESK | {"url": "ftp://hooks.example"}))
    assert status == 400 and "must be an http(s) URL" in page
    status, page = await _post(anon, op="enable", name="ghost")
    assert status == 404 and "no destination named" in page


async def test_editors_see_destinations_but_cannot_change_them(editor: Client) -> None:
    page = await (await editor.get("/alerts")).text()
    assert "Destinations" in page and "Save destination" not in page
    status, _ = await _post(editor, **DESK)
    assert status == 403


async def test_destinations_through_the_api(anon: Client, seeded: Seeded) -> None:
    body = {"name": "desk", "url": "https://hooks.example/desk", "kinds": ["dead"]}
    url = "/api/v1/alerts/destinations"
    refused = await anon.post(url, json=body, headers=bearer(seeded, "editor"))
    assert refused.status == 403
    saved = await anon.post(url, json=body, headers=bearer(seeded, "admin"))
    assert saved.status == 200
    listed = await (await anon.get(url, headers=bearer(seeded, "viewer"))).json()
    assert [d["name"] for d in listed] == ["desk"]
    for role in ("viewer", "editor", "admin"):  # secrets are set, never read back
        text = await (await anon.get(url, headers=bearer(seeded, role))).text()
        assert "/desk" not in text and "hooks.example/…" in text and "secret" not in text
    bad = await anon.post(url, json=body | {"format": "fax"}, headers=bearer(seeded, "admin"))
    assert bad.status == 400 and "format" in (await bad.json())["error"]
    gone = await anon.delete(f"{url}/desk", headers=bearer(seeded, "admin"))
    assert gone.status == 200
    again = await anon.delete(f"{url}/desk", headers=bearer(seeded, "admin"))
    assert again.status == 404
    messages = await anon.get("/api/v1/alerts/messages?limit=5", headers=bearer(seeded))
    assert await messages.json() == []
