"""Editor actions from the dashboard: each recorded in the audit trail, each guarded by
the login, the role and the session's CSRF token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from store.tables import Citation, Flag, FlagEvent, Source
from tests.web_fixtures import ARCHIVE, NOW, SOURCES, Client, Seeded, csrf_of, sign_in_directly


async def _act(client: Client, flag_id: int, **form: str) -> tuple[int, str]:
    token = await csrf_of(client, f"/flags/{flag_id}")
    response = await client.post(f"/flags/{flag_id}/action", data={"csrf_token": token, **form})
    return response.status, await response.text()


def _flag(seeded: Seeded, flag_id: int) -> Flag:
    return seeded.db.run(lambda s: s.get(Flag, flag_id))


def _trail(seeded: Seeded, flag_id: int) -> list[tuple[str, str]]:
    rows = seeded.db.run(
        lambda s: list(
            s.execute(
                select(FlagEvent.actor, FlagEvent.action)
                .where(FlagEvent.flag_id == flag_id)
                .order_by(FlagEvent.id)
            )
        )
    )
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(
    ("form", "status", "shown"),
    [
        ({"action": "acknowledge"}, "acknowledged", "Acknowledged."),
        ({"action": "resolve", "note": "fixed the link"}, "resolved", "Resolved."),
        ({"action": "mute", "mute_days": "7"}, "muted", "muted until 2026-01-22"),
        ({"action": "mute", "mute_days": ""}, "muted", "muted for good"),
    ],
)
async def test_flag_actions_are_applied_and_audited(
    editor: Client, seeded: Seeded, form: dict[str, str], status: str, shown: str
) -> None:
    code, page = await _act(editor, seeded.dead_flag, **form)
    assert code == 200  # followed the redirect back to the flag page
    assert shown in page
    assert _flag(seeded, seeded.dead_flag).status == status
    assert _trail(seeded, seeded.dead_flag)[-1][0] == "editor"


async def test_recheck_makes_the_source_due_now(editor: Client, seeded: Seeded) -> None:
    code, page = await _act(editor, seeded.dead_flag, action="recheck")
    assert code == 200 and "Recheck requested" in page
    flag = _flag(seeded, seeded.dead_flag)
    due = seeded.db.run(lambda s: s.get(Source, flag.source_id).next_check_at)
    assert due == NOW
    assert _trail(seeded, seeded.dead_flag)[-1] == ("editor", "recheck_requested")


async def test_false_alarm_keeps_the_same_condition_quiet(editor: Client, seeded: Seeded) -> None:
    from checker.model import FlagKind, FlagSpec, Severity
    from store.results import record_outcome
    from tests.web_fixtures import _outcome

    code, _ = await _act(editor, seeded.dead_flag, action="false_alarm")
    assert code == 200
    flag = _flag(seeded, seeded.dead_flag)
    assert flag.resolved_by == "false_alarm"
    spec = FlagSpec(FlagKind.DEAD, Severity.HIGH, dict(flag.detail))
    spec.detail.pop("signature")
    again = _outcome(flag.source_id, [flag.citation_id], spec, NOW + timedelta(days=1))
    seeded.db.run(lambda s: record_outcome(s, again))
    open_dead = seeded.db.run(
        lambda s: s.execute(
            select(Flag.id).where(Flag.kind == "dead", Flag.resolved_at.is_(None))
        ).all()
    )
    assert open_dead == []


async def test_replace_a_dead_source_with_its_archived_copy(editor: Client, seeded: Seeded) -> None:
    code, page = await _act(editor, seeded.dead_flag, action="replace", use_archive="1")
    assert code == 200 and "Source replaced" in page
    flag = _flag(seeded, seeded.dead_flag)
    assert (flag.status, flag.resolved_by) == ("resolved", "replaced")
    citation = seeded.db.run(lambda s: s.get(Citation, flag.citation_id))
    source = seeded.db.run(lambda s: s.get(Source, citation.source_id))
    assert source.url == ARCHIVE and source.next_check_at == NOW
    assert citation.evidence is None and citation.support_score is None
    assert ("editor", "source_replaced") in _trail(seeded, seeded.dead_flag)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "replace", "url": "ftp://x"}, "new URL"),
        ({"action": "replace", "url": "https://gone.example/report"}, "already points at"),
        ({"action": "replace"}, "replace needs a new URL"),
        ({"action": "mute", "mute_days": "soon"}, "mute days must be a number"),
        ({"action": "explode"}, "unknown action"),
    ],
)
async def test_refused_actions_say_why(
    editor: Client, seeded: Seeded, form: dict[str, str], message: str
) -> None:
    code, page = await _act(editor, seeded.dead_flag, **form)
    assert code == 409
    assert message in page
    assert _flag(seeded, seeded.dead_flag).status == "open"


async def test_an_action_on_a_resolved_flag_is_refused(editor: Client, seeded: Seeded) -> None:
    await _act(editor, seeded.dead_flag, action="resolve")
    code, page = await _act(editor, seeded.dead_flag, action="acknowledge")
    assert code == 409 and "already resolved" in page


async def test_actions_need_the_csrf_token(editor: Client, seeded: Seeded) -> None:
    path = f"/flags/{seeded.dead_flag}/action"
    missing = await editor.post(path, data={"action": "resolve"})
    forged = await editor.post(path, data={"action": "resolve", "csrf_token": "forged"})
    assert (missing.status, forged.status) == (403, 403)
    assert "CSRF" in await forged.text()
    assert _flag(seeded, seeded.dead_flag).status == "open"


async def test_viewers_cannot_act(anon: Client, seeded: Seeded) -> None:
    await sign_in_directly(anon, seeded, "viewer")
    page = await (await anon.get(f"/flags/{seeded.dead_flag}")).text()
    assert "Replace source" not in page  # no buttons for what the role may not do
    code, _ = await _act(anon, seeded.dead_flag, action="resolve")
    assert code == 403
    assert _flag(seeded, seeded.dead_flag).status == "open"


async def test_actions_without_a_session_are_refused(anon: Client, seeded: Seeded) -> None:
    response = await anon.post(f"/flags/{seeded.dead_flag}/action", data={"action": "resolve"})
    assert response.status == 401


async def test_import_by_pasting_json(editor: Client, seeded: Seeded) -> None:
    article = {
        "url": "https://news.example/ferry",
        "title": "Ferry timetable",
        "citations": [{"ref": "1", "url": "https://port.example/ferry", "claim": "Every 30 min."}],
    }
    token = await csrf_of(editor, "/import")
    response = await editor.post(
        "/import", data={"csrf_token": token, "format": "json", "text": json.dumps(article)}
    )
    page = await response.text()
    assert response.status == 200 and "Imported 1 article(s): 1 new" in page
    articles = await (await editor.get("/articles")).text()
    assert "Ferry timetable" in articles


async def test_import_of_bad_input_is_one_clear_error(editor: Client) -> None:
    token = await csrf_of(editor, "/import")
    response = await editor.post(
        "/import", data={"csrf_token": token, "format": "json", "text": "{not json"}
    )
    page = await response.text()
    assert response.status == 400
    assert "invalid JSON at line 1" in page
    assert "{not json" in page  # the pasted text is kept for fixing


async def test_counts_follow_an_editors_action_at_once(editor: Client, seeded: Seeded) -> None:
    assert "dead <b>1</b>" in await (await editor.get("/")).text()
    await _act(editor, seeded.dead_flag, action="resolve")
    assert "dead <b>0</b>" in await (await editor.get("/")).text()


def test_a_re_import_keeps_the_editors_replacement(seeded: Seeded) -> None:
    """The article still cites the dead URL; re-importing it must not undo the editor's
    "Replace source": the citation keeps pointing at the replacement, nothing retires,
    no dead citation comes back, and the summary says so."""
    from store.articles import import_articles
    from store.editing import replace_source
    from tests.web_fixtures import _article

    seeded.db.run(
        lambda s: replace_source(
            s, seeded.dead_flag, actor="editor", now=NOW, new_url="https://mirror.example/r"
        )
    )
    summary = seeded.db.run(lambda s: import_articles(s, [_article()], NOW))
    assert summary.replacements_kept == 1
    assert (summary.citations_added, summary.citations_retired) == (0, 0)
    live = seeded.db.run(
        lambda s: sorted(
            url
            for url, retired in s.execute(
                select(Source.url, Citation.retired_at).join(
                    Citation, Citation.source_id == Source.id
                )
            )
            if retired is None
        )
    )
    assert "https://mirror.example/r" in live and SOURCES["dead"] not in live


async def test_an_admin_manages_users_on_the_dashboard(anon: Client, seeded: Seeded) -> None:
    from checker.web.accounts import token_principal
    from tests.web_fixtures import sign_in_directly

    await sign_in_directly(anon, seeded, "admin")

    async def post(**form: str) -> tuple[int, str]:
        token = await csrf_of(anon, "/users")
        response = await anon.post("/users", data={"csrf_token": token, **form})
        return response.status, await response.text()

    page = await (await anon.get("/users")).text()
    assert "editor" in page and "viewer" in page
    status, page = await post(op="set_role", name="viewer", role="editor")
    assert status == 200 and "viewer is now editor." in page
    status, page = await post(op="disable", name="editor")
    assert status == 200 and "editor is disabled" in page
    assert seeded.db.run(lambda s: token_principal(s, seeded.tokens["editor"], NOW)) is None
    status, page = await post(op="disable", name="admin")
    assert status == 400 and "cannot demote or disable yourself" in page
    status, page = await post(op="set_password", name="viewer", password="short")
    assert status == 400 and "at least 8 characters" in page


async def test_editors_cannot_manage_users(editor: Client) -> None:
    assert (await editor.get("/users")).status == 403
