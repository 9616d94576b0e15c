"""`citecheck export`: Robust Links with the verified archived copy, and CSV / JSON of an
article's flags and citation health, from real checks against the fake web."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb, NewsArticle
from test_archive_capture import usable
from test_pipeline_e2e import check, evidence_sentence, settings_for

from checker.cli.main import main
from checker.exports import robust_links
from checker.model import ArticleIn, CitationIn
from store.articles import import_articles
from store.db import Database

PUBLISHED = datetime(2026, 3, 1, tzinfo=UTC)
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ARTICLE = "https://paper.example/budget"


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.found.append(dict(attrs))


def anchors(html: str) -> list[dict[str, str | None]]:
    parser = Anchors()
    parser.feed(html)
    return parser.found


@pytest.fixture
async def checked(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> dict[str, Any]:
    """An article citing two pages: one dies (with a verified copy archived), one lives."""
    dying, living = usable(articles)[:2]
    claims = [evidence_sentence(dying), evidence_sentence(living)]
    urls = [fake_web.article_url(dying), fake_web.article_url(living)]
    refs = tuple(
        CitationIn(str(i), u, str(c)) for i, (u, c) in enumerate(zip(urls, claims, strict=True), 1)
    )
    db.run(lambda s: import_articles(s, [ArticleIn(ARTICLE, "Budget", refs, PUBLISHED)], T0))
    fake_web.wayback[urls[0]] = {"20260110000000": dying.html}
    settings = settings_for(fake_web, archive=tmp_path / "archive")
    await check(db, settings, fake_web, T0)
    fake_web.remove(fake_web.NEWS, dying.path)
    for hours in (1, 3):
        await check(db, settings, fake_web, T0 + timedelta(hours=hours))
    return {"urls": urls, "db": db.url.render_as_string(hide_password=False)}


def export(checked: dict[str, Any], fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--db", checked["db"], "export", ARTICLE, "--format", fmt]) == 0
    return capsys.readouterr().out


async def test_robust_links_carry_the_verified_archived_copy(
    checked: dict[str, Any], fake_web: FakeWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    dead, alive = anchors(export(checked, "robustlinks", capsys))
    assert dead["href"] == dead["data-originalurl"] == checked["urls"][0]
    assert dead["data-versionurl"] == fake_web.url(
        FakeWeb.ARCHIVE, f"/web/20260110000000/{checked['urls'][0]}"
    )
    assert dead["data-versiondate"] == "2026-01-10"
    # no verified copy: the link still says when it was cited
    assert alive["data-originalurl"] == checked["urls"][1] and "data-versionurl" not in alive
    assert alive["data-versiondate"] == "2026-03-01"


async def test_csv_and_json_report_flags_and_health(
    checked: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(csv.DictReader(io.StringIO(export(checked, "csv", capsys))))
    assert [r["ref"] for r in rows] == ["1", "2"]
    dead, alive = rows
    assert (dead["state"], dead["open_flags"], dead["worst_severity"]) == (
        "dead",
        "dead:high",
        "high",
    )
    assert dead["archived_copy_verified"] == "yes" and dead["archived_copy_date"].startswith(
        "2026-01-10"
    )
    assert (alive["state"], alive["open_flags"], alive["archived_copy_verified"]) == ("ok", "", "")
    assert alive["captured_at"].startswith("2026-06-01") and alive["verified_at"]
    data = json.loads(export(checked, "json", capsys))
    assert data["article"]["url"] == ARTICLE
    assert data["citations"][0]["archived_copy"]["verified"] is True
    assert data["citations"][0]["open_flags"] == [{"kind": "dead", "severity": "high"}]


def test_an_unknown_article_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sqlite_template: Path
) -> None:
    import shutil

    db = tmp_path / "c.db"
    shutil.copy(sqlite_template, db)
    assert main(["--db", f"sqlite:///{db}", "export", "https://nowhere.example/x"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("citecheck: error: no article at https://nowhere.example/x")
    assert "\n" not in err


def test_robust_links_escape_what_they_quote() -> None:
    data = {
        "article": {"url": "https://paper.example/a--b", "title": "", "published_at": None},
        "citations": [
            {
                "ref": "1",
                "claim": 'He said "no" --> <script>',
                "source_url": 'https://s.example/?a=1&b="2"',
                "cited_at": PUBLISHED,
                "archived_copy": {"url": "https://arch.example/x", "date": None, "verified": False},
            }
        ],
    }
    html = robust_links(data)
    assert "<script>" not in html and html.count("-->") == 2  # the comments' own ends
    [anchor] = anchors(html)
    assert anchor["href"] == 'https://s.example/?a=1&b="2"'
    assert "data-versionurl" not in anchor  # an unverified copy is not offered
