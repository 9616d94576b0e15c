"""What editors see of claim judgement: the part flagged and why, which part each of a
sentence's sources supports, and claims not confirmed (counted, never flagged)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from fakeweb import FakeWeb
from sqlmodel import select

from checker.settings import Settings
from checker.web.accounts import create_token
from checker.web.app import create_app
from store.auth_tables import User
from store.db import Database
from store.tables import Flag
from tests.test_seed_factcheck import T0, check, import_seed, pages, serve_sources
from tests.web_fixtures import cheap_hash, login

pytestmark = pytest.mark.timeout(120)


async def test_flag_article_queue_and_api_show_the_part_and_the_reason(
    db: Database, fake_web: FakeWeb, tmp_path: Path
) -> None:
    # [5] [6] cite one sentence; [6] now contradicts its half. [7] states its sentence only
    # weakly (its page lost the second half of what it said): not confirmed, not flagged.
    served = pages(
        ref6=("The 287(g) program remains", "The 287(g) program no longer remains"),
        ref7=(
            "The continued availability of the program highlights that refusal to cooperate "
            "is an affirmative policy choice, not an absence of federal tools to secure "
            "assistance.",
            "Sheriffs in several states spoke to reporters about their budgets.",
        ),
    )
    serve_sources(fake_web, served)
    import_seed(db, fake_web, tmp_path)
    await check(db, fake_web, T0)
    db.run(
        lambda s: s.add(User(name="ed", password_hash=cheap_hash(), role="editor", created_at=T0))
    )
    token = db.run(lambda s: create_token(s, "ed", "tests", T0))
    bearer = {"Authorization": f"Bearer {token}"}
    [flag_id] = db.run(lambda s: list(s.exec(select(Flag.id))))
    app = create_app(Settings(), db, clock=lambda: T0)
    async with TestClient(TestServer(app)) as client:
        await login(client, "ed")
        flag_page = await (await client.get(f"/flags/{flag_id}")).text()
        assert 'Not supported: <q class="part">this program remains the primary legal' in flag_page
        assert "Why: source negates &#39;remains&#39;" in flag_page
        assert "The sentence also cites: [5] (supports “Federal programs such as" in flag_page
        queue = await (await client.get("/")).text()
        assert "source negates &#39;remains&#39;" in queue  # the reason is the flag's summary
        assert 'href="/articles?support=not_confirmed">1</a>' in queue
        listed = await (await client.get("/articles?support=not_confirmed")).text()
        assert "Can local law enforcement refuse" in listed
        api = await client.get("/api/v1/overview", headers=bearer)
        assert (await api.json())["claims"]["not_confirmed"] == 1
        listed_api = await client.get("/api/v1/articles?support=not_confirmed", headers=bearer)
        article_id = (await listed_api.json())["items"][0]["id"]
        article = await (await client.get(f"/api/v1/articles/{article_id}", headers=bearer)).json()
        by_ref = {c["ref"]: c for c in article["citations"]}
        assert by_ref["7"]["support_label"] == "not_confirmed"
        assert by_ref["7"]["support_reason"]
        assert [p["label"] for p in by_ref["6"]["support_parts"]] == [
            "not_confirmed",
            "unsupported",
        ]
        page = await (await client.get(f"/articles/{article_id}")).text()
        assert '<span class="support-not_confirmed">not confirmed</span>' in page
