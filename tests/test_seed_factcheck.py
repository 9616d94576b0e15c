"""The real fact-check the project was built around, end to end: sentences that cite two
sources ("… [1] [2]") are judged against both, on both databases.

Local pages stand in for its nine sources (tests/seed_sources.py), each stating its
half of the sentences its marker is on. Sound citations give no `unsupported` flag; one
page that states another figure gives exactly one, naming the part and the reason; a
figure that changes later is one edit, not also a claim without support.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from datasets import SEED_ARTICLE
from fakeweb import FakeWeb
from fakeweb.server import Page
from seed_sources import SOURCES, source_page
from sqlmodel import col, select

from checker.engine import CheckRun, open_checker
from checker.ingest import load_articles
from checker.settings import Settings
from store.articles import import_articles
from store.db import Database
from store.flags import FlagFilter, list_flags
from store.tables import Citation

pytestmark = pytest.mark.timeout(120)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOSTS = {ref: f"source{ref}.test" for ref in SOURCES}


def serve_sources(web: FakeWeb, pages: dict[str, bytes]) -> None:
    for ref, host in HOSTS.items():
        web.add_site(host, lambda path, ref=ref: _page(pages, ref, path))


def _page(pages: dict[str, bytes], ref: str, path: str) -> Page | None:
    return Page(pages[ref]) if path == "/story" else None


def import_seed(db: Database, web: FakeWeb, tmp_path: Path) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_text("".join(f"[{r}] http://{h}:{web.port}/story\n" for r, h in HOSTS.items()))
    articles = load_articles(SEED_ARTICLE, refs=refs, article_url="https://factually.test/ice")
    db.run(lambda s: import_articles(s, articles, T0))


def settings_for(web: FakeWeb) -> Settings:
    base = Settings()
    return dataclasses.replace(
        base,
        fetch=dataclasses.replace(
            base.fetch, allow_private_networks=True, per_host_delay_s=0.0, timeout_s=5.0
        ),
        extract=dataclasses.replace(base.extract, processes=1),
        support=dataclasses.replace(base.support, backend="lexical"),
        archive=dataclasses.replace(base.archive, enabled=False, capture=False),
    )


async def check(db: Database, web: FakeWeb, now: datetime) -> None:
    settings = settings_for(web)
    async with open_checker(settings, resolver=web.resolver(), worker="seed") as checker:
        await CheckRun(db, settings, checker, clock=lambda: now).run_once(due_only=False)


def flags(db: Database) -> list[dict[str, object]]:
    return db.run(lambda s: list_flags(s, FlagFilter()))


def citations(db: Database) -> dict[str, list[Citation]]:
    """The live citations by ref ([2] is cited by two sentences)."""
    rows = db.run(lambda s: list(s.exec(select(Citation).order_by(col(Citation.position)))))
    found: dict[str, list[Citation]] = {}
    for row in rows:
        found.setdefault(row.ref, []).append(row)
    return found


def pages(**changed: tuple[str, str]) -> dict[str, bytes]:
    """Every source page, with (old, new) replacements in some of them."""
    out = {ref: source_page(ref) for ref in SOURCES}
    for key, (old, new) in changed.items():
        ref = key.removeprefix("ref")
        assert old.encode() in out[ref], f"{old!r} is not on page {ref}"
        out[ref] = out[ref].replace(old.encode(), new.encode())
    return out


async def test_each_source_supporting_its_half_raises_no_flag(
    db: Database, fake_web: FakeWeb, tmp_path: Path
) -> None:
    serve_sources(fake_web, pages())
    import_seed(db, fake_web, tmp_path)
    await check(db, fake_web, T0)
    assert flags(db) == []
    cited = citations(db)
    assert sum(len(v) for v in cited.values()) == 10
    assert all(c.support_label == "supported" for v in cited.values() for c in v)
    # "… [1] [2]": each citation says which part of the sentence its source supports
    [first], [second, _] = cited["1"], cited["2"]
    assert first.claim == second.claim
    own = {c.ref: [p["label"] for p in c.support_parts or []] for c in (first, second)}
    assert own == {"1": ["supported", "not_confirmed"], "2": ["unsupported", "supported"]}


async def test_a_page_stating_another_figure_raises_exactly_one_flag(
    db: Database, fake_web: FakeWeb, tmp_path: Path
) -> None:
    serve_sources(fake_web, pages(ref8=("more than 600 partner", "more than 400 partner")))
    import_seed(db, fake_web, tmp_path)
    await check(db, fake_web, T0)
    [flag] = flags(db)
    assert (flag["kind"], flag["ref"]) == ("unsupported", "8")
    detail = flag["detail"]
    assert isinstance(detail, dict)
    assert detail["reason"].startswith("claim says 600, source says 400: “")
    assert "more than 400 partner agencies" in detail["reason"]  # the passage it read
    assert "hundreds of local law enforcement agencies" in detail["part"]


async def test_a_sentence_whose_second_source_contradicts_its_half_flags_that_source(
    db: Database, fake_web: FakeWeb, tmp_path: Path
) -> None:
    # [5] [6]: the program page now says 287(g) is no longer the primary mechanism
    changed = ("The 287(g) program remains", "The 287(g) program no longer remains")
    serve_sources(fake_web, pages(ref6=changed))
    import_seed(db, fake_web, tmp_path)
    await check(db, fake_web, T0)
    [flag] = flags(db)
    assert (flag["kind"], flag["ref"]) == ("unsupported", "6")
    detail = flag["detail"]
    assert isinstance(detail, dict)
    assert detail["reason"].startswith("source negates 'remains'")
    assert detail["part"].startswith("this program remains the primary legal mechanism")
    assert {entry["ref"] for entry in detail["co_cited"]} == {"5", "6"}
    assert citations(db)["5"][0].support_label == "supported"  # [5] states its half


async def test_a_figure_edited_later_is_one_edit_and_no_unsupported_flag(
    db: Database, fake_web: FakeWeb, tmp_path: Path
) -> None:
    served = pages()
    serve_sources(fake_web, served)
    import_seed(db, fake_web, tmp_path)
    await check(db, fake_web, T0)
    assert flags(db) == []
    served.update(pages(ref8=("more than 600 partner", "more than 400 partner")))
    await check(db, fake_web, T0 + timedelta(days=1))
    [flag] = flags(db)
    assert (flag["kind"], flag["severity"], flag["ref"]) == ("evidence_changed", "high", "8")
