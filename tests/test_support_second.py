"""A second opinion on parts the first stage leaves "not confirmed": an llm endpoint (a
local stub here) or a local NLI model, within a daily budget shared by every worker."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from test_support_llm import FakeLlm, completion

from checker.model import SupportLabel
from checker.settings import SupportSettings
from checker.support import SupportBackendError, make_judge
from checker.support.second import DailyBudget, LlmSecondOpinion, MemoryLedger
from store.db import Database
from store.usage import StoreLedger, used_on

PAGE = (
    "The prize is given every two years by the Royal Society to a young chemist.\n"
    "It was first awarded in 1968 to a Swiss chemist, Anna Keller.\n"
    "The winner receives a medal and 10,000 pounds."
)
# The first stage cannot confirm this (nothing on the page says "most prestigious").
WEAK = "The prize is the most prestigious award for young chemists in Europe."
CONTRADICTED = "The prize was first awarded in 1986."  # the first stage flags it itself
SUPPORTED = "The prize was first awarded in 1968 to a Swiss chemist."


def answer(verdict: str, confidence: float, reason: str = "") -> dict[str, Any]:
    return completion(json.dumps({"verdict": verdict, "confidence": confidence, "reason": reason}))


class Stub(FakeLlm):
    """The llm backend's test endpoint, telling which claims it was asked about."""

    @property
    def claims(self) -> list[str]:
        return [r["messages"][-1]["content"].split("\n")[1] for r in self.requests]


@pytest.fixture
async def stub() -> AsyncIterator[tuple[Stub, str]]:
    endpoint = Stub(script=[])
    app = web.Application()
    app.router.add_post("/v1/chat/completions", endpoint.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield endpoint, str(server.make_url("/v1/chat/completions"))
    finally:
        await server.close()


def settings(url: str, **extra: Any) -> SupportSettings:
    return SupportSettings(
        second_stage="llm", llm_url=url, llm_model="judge-1", llm_retries=0, **extra
    )


async def judged(url: str, claims: list[str], **extra: Any) -> list[Any]:
    judge = make_judge(settings(url, **extra))
    # the pipeline judges in a worker thread; the llm client runs its own loop there
    return await asyncio.to_thread(judge.judge_many, [(c, PAGE) for c in claims])


async def test_only_parts_left_not_confirmed_are_sent(stub: tuple[Stub, str]) -> None:
    endpoint, url = stub
    endpoint.script = [answer("supported", 0.95)]
    weak, contradicted, supported = await judged(url, [WEAK, CONTRADICTED, SUPPORTED])
    assert endpoint.claims == [WEAK]
    assert weak.label is SupportLabel.SUPPORTED
    assert weak.parts[0].backend == "llm"
    assert contradicted.label is SupportLabel.UNSUPPORTED  # the first stage's reason stands
    assert contradicted.reason.startswith("claim says 1986, source says 1968")
    assert supported.label is SupportLabel.SUPPORTED


async def test_a_contradiction_it_explains_is_flagged_with_its_reason(
    stub: tuple[Stub, str],
) -> None:
    endpoint, url = stub
    endpoint.script = [
        answer(
            "not_supported",
            0.9,
            "the page calls it a prize for young chemists, not Europe's most prestigious",
        )
    ]
    [weak] = await judged(url, [WEAK])
    assert weak.label is SupportLabel.UNSUPPORTED
    assert weak.reason.startswith("second opinion (judge-1): the page calls it a prize")
    assert "“" in weak.reason  # and it quotes the passage the endpoint was shown


@pytest.mark.parametrize(
    "reply",
    [
        answer("not_supported", 0.9, ""),  # no reason: not enough to flag
        answer("partially_supported", 0.8),  # unsure: stays as the first stage said
        500,  # the endpoint is down: the first stage's verdict stands
    ],
)
async def test_no_clear_answer_leaves_it_not_confirmed(stub: tuple[Stub, str], reply: Any) -> None:
    endpoint, url = stub
    endpoint.script = [reply]
    [weak] = await judged(url, [WEAK])
    assert weak.label is SupportLabel.NOT_CONFIRMED
    assert weak.parts[0].backend == "lexical"


async def test_the_daily_budget_holds(stub: tuple[Stub, str]) -> None:
    endpoint, url = stub
    today = [date(2026, 5, 4)]
    ledger = MemoryLedger()
    second = LlmSecondOpinion(settings(url), DailyBudget(2, ledger, lambda: today[0]))
    parts = [(WEAK, PAGE), (WEAK + " Today.", PAGE), (WEAK + " Again.", PAGE)]
    first = await asyncio.to_thread(second.review, parts)
    assert len(endpoint.claims) == 2 and first[2] is None  # the third waits for tomorrow
    assert await asyncio.to_thread(second.review, parts[2:]) == [None]
    assert len(endpoint.claims) == 2
    today[0] += timedelta(days=1)
    await asyncio.to_thread(second.review, parts[2:])
    assert len(endpoint.claims) == 3


def test_the_budget_is_shared_by_every_worker_through_the_database(db: Database) -> None:
    day = date(2026, 5, 4)
    one, two = StoreLedger(db), StoreLedger(db)
    assert one.take(day, 3, limit=5) == 3
    assert two.take(day, 3, limit=5) == 2  # only what is left
    assert one.take(day, 1, limit=5) == 0
    assert one.take(day + timedelta(days=1), 4, limit=5) == 4
    assert db.run(lambda s: used_on(s, day)) == 5


def test_an_unknown_stage_is_one_clear_error() -> None:
    with pytest.raises(SupportBackendError, match="second_stage: unknown stage 'gpt'"):
        make_judge(SupportSettings(second_stage="gpt"))
