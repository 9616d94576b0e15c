"""Real-site behaviours end to end: every flag is real, every failure is found.

Real news pages sit behind each behaviour of tests/behaviours.py on the fake web; one
run imports a citation per case and checks them all four times, two hours apart, on
SQLite. Each behaviour's test then asserts the exact set of flags that ever opened for
its cases: none for a site that was only unavailable for a while or reformatted a
figure, one of the right kind and severity for a real failure, and never an extra,
misleading kind next to it (a blocked page that "lost its evidence", a redirect to
another article that "moved").
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from behaviour_corpus import (
    CHECKS,
    CaseResult,
    Clock,
    articles,
    build_cases,
    opened_flags,
    score,
    serve,
    unverified,
)
from behaviours import BEHAVIOURS, Behaviour
from fakeweb import FakeWeb
from real_pages import news_pages
from test_pipeline_e2e import settings_for

from checker.engine import CheckRun, open_checker
from store.articles import import_articles
from store.db import Database

pytestmark = pytest.mark.timeout(300)
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PER_BEHAVIOUR = 2


async def run_corpus(db: Database) -> list[CaseResult]:
    clock = Clock()
    async with FakeWeb() as web:
        # Short timeouts: the slow sites answer after 3 s; no waiting out a Retry-After.
        settings = settings_for(web, timeout_s=1.0, connect_timeout_s=1.0, retry_after_wait_s=0)
        cases = build_cases(
            web.port, news_pages(), PER_BEHAVIOUR, lambda b, i: f"{b.name}-{i}.test"
        )
        serve(web, cases, clock)
        db.run(lambda s: import_articles(s, articles(web, cases), T0))
        for check in range(CHECKS):
            clock.check = check
            now = T0 + timedelta(hours=2 * check)
            async with open_checker(settings, resolver=web.resolver(), worker="corpus") as checker:
                run = CheckRun(db, settings, checker, clock=lambda at=now: at)
                await run.run_once(due_only=False)
    return score(cases, db.run(opened_flags), db.run(unverified))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[CaseResult]]:
    path: Path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    try:
        yield asyncio.run(run_corpus(db))
    finally:
        db.close()


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=lambda b: b.name)
def test_behaviour_raises_exactly_its_flags(
    behaviour: Behaviour, results: list[CaseResult]
) -> None:
    mine = [r for r in results if r.behaviour is behaviour]
    assert mine, f"no real page fits {behaviour.name}"
    wrong = {r.case.page.id[:12]: sorted(r.opened) for r in mine if not r.correct}
    assert not wrong, f"{behaviour.name}: expected {sorted(behaviour.expect)}, got {wrong}"


WALLS = {
    "rate_limited": "rate_limited",
    "consent_wall": "consent_wall",
    "login_redirect": "login_wall",
    "challenge_403": "bot_wall",
    "paywall_teaser_hides_evidence": "paywall",
    "server_errors": "http_503",
    "timeouts": "timeout",
}


@pytest.mark.parametrize(("name", "reason"), WALLS.items())
def test_a_citation_behind_a_wall_says_it_cannot_be_verified_and_why(
    name: str, reason: str, results: list[CaseResult]
) -> None:
    mine = [r for r in results if r.behaviour.name == name]
    assert mine and all(r.unverified == reason for r in mine), [r.unverified for r in mine]


def test_citations_of_readable_sources_are_verified(results: list[CaseResult]) -> None:
    readable = ("unchanged", "figure_changed", "evidence_removed", "paywall_teaser_shows_evidence")
    mine = [r for r in results if r.behaviour.name in readable]
    assert len(mine) == 2 * len(readable)
    assert [r.unverified for r in mine] == [None] * len(mine)
