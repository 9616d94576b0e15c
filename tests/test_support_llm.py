"""The llm backend against a fake OpenAI-compatible endpoint on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from checker.model import SupportLabel
from checker.settings import SupportSettings
from checker.support import make_scorer
from checker.support.llm import LlmScorer, MalformedAnswer, parse_answer

PAGE = (
    "The Springfield city council voted 7-2 on Tuesday to approve a $4.2 million budget.\n"
    "Mayor Tom Reyes had threatened to veto the plan over cuts to the library.\n"
    "Reyes said he would sign the budget on Friday."
)
CLAIM = "The Springfield council approved a $4.2 million budget."


def completion(content: str, tokens: int = 120) -> dict[str, Any]:
    return {
        "choices": [{"message": {"role": "assistant", "content": content}}],
        "usage": {"total_tokens": tokens},
    }


SUPPORTED = completion(json.dumps({"verdict": "supported", "confidence": 0.9}))


@dataclass
class FakeLlm:
    """Plays one scripted answer per request: a dict (JSON body), an int (HTTP status
    with an empty body) or "hang" (never answers until the test ends)."""

    script: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await request.json())
        self.headers.append(dict(request.headers))
        action = self.script.pop(0) if self.script else SUPPORTED
        if action == "hang":
            await self.release.wait()
            return web.Response(status=504)
        if isinstance(action, int):
            return web.Response(status=action)
        return web.json_response(action)


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeLlm, str]]:
    llm = FakeLlm()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", llm.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield llm, str(server.make_url("/v1/chat/completions"))
    finally:
        llm.release.set()
        await server.close()


def make(url: str, **overrides: Any) -> LlmScorer:
    settings = SupportSettings(
        backend="llm",
        llm_url=url,
        llm_model="judge-1",
        llm_api_key="sk-test",
        llm_timeout_s=overrides.pop("timeout", 5.0),
        llm_token_budget=overrides.pop("budget", 100_000),
        llm_retries=overrides.pop("retries", 2),
    )
    return LlmScorer(settings, retry_delay_s=0.0)


async def test_strict_json_answer_is_parsed_and_request_is_well_formed(
    fake: tuple[FakeLlm, str],
) -> None:
    llm, url = fake
    [support] = await make(url).ascore_many([(CLAIM, PAGE)])
    assert support.backend == "llm"
    assert support.label is SupportLabel.SUPPORTED
    assert support.score == pytest.approx(0.75 + 0.25 * 0.9)
    assert "$4.2 million" in support.passages[0]
    body = llm.requests[0]
    assert body["model"] == "judge-1"
    assert body["response_format"] == {"type": "json_object"}
    user = body["messages"][-1]["content"]
    assert CLAIM in user and "voted 7-2" in user
    assert llm.headers[0]["Authorization"] == "Bearer sk-test"


@pytest.mark.parametrize(
    "answer",
    [
        completion("Yes, the source supports it."),
        completion('```json\n{"verdict": "supported", "confidence": 0.9}\n```'),
        completion(json.dumps({"verdict": "maybe", "confidence": 0.5})),
        completion(json.dumps({"verdict": "supported", "confidence": 7})),
        {"unexpected": "shape"},
    ],
)
async def test_malformed_answer_falls_back_to_lexical(
    fake: tuple[FakeLlm, str], answer: dict[str, Any]
) -> None:
    llm, url = fake
    llm.script = [answer]
    [support] = await make(url).ascore_many([(CLAIM, PAGE)])
    assert support.backend == "lexical"
    assert len(llm.requests) == 1  # a wrong answer is not retried


async def test_timeout_is_retried(fake: tuple[FakeLlm, str]) -> None:
    llm, url = fake
    llm.script = ["hang", SUPPORTED]
    [support] = await make(url, timeout=0.3).ascore_many([(CLAIM, PAGE)])
    assert support.backend == "llm"
    assert len(llm.requests) == 2


async def test_server_errors_are_retried_then_lexical_answers(fake: tuple[FakeLlm, str]) -> None:
    llm, url = fake
    llm.script = [503, 429, 500]
    scorer = make(url, retries=2)
    [support] = await scorer.ascore_many([(CLAIM, PAGE)])
    assert support.backend == "lexical"
    assert len(llm.requests) == 3
    assert scorer.tokens_used == 0  # nothing was answered, nothing is charged


async def test_token_budget_exhausted_falls_back_to_lexical(fake: tuple[FakeLlm, str]) -> None:
    llm, url = fake
    llm.script = [completion(json.dumps({"verdict": "supported", "confidence": 1}), 900)]
    scorer = make(url, budget=1000)
    first = await scorer.ascore_many([(CLAIM, PAGE)])
    second = await scorer.ascore_many([("Reyes said he would sign the budget.", PAGE)])
    assert first[0].backend == "llm"
    assert scorer.tokens_used == 900
    assert second[0].backend == "lexical"
    assert len(llm.requests) == 1
    scorer.reset_budget()
    assert (await scorer.ascore_many([("Reyes will sign it.", PAGE)]))[0].backend == "llm"


async def test_cache_hit_avoids_a_second_request(fake: tuple[FakeLlm, str]) -> None:
    llm, url = fake
    scorer = make(url)
    first = await scorer.ascore_many([(CLAIM, PAGE), (CLAIM, PAGE)])
    again = await scorer.ascore_many([(CLAIM, PAGE)])
    assert len(llm.requests) == 1
    assert first[0] == first[1] == again[0]


async def test_sync_score_many_works_from_a_worker_thread(fake: tuple[FakeLlm, str]) -> None:
    llm, url = fake
    scorer = make_scorer(
        SupportSettings(backend="llm", llm_url=url, llm_model="judge-1", llm_timeout_s=5.0)
    )
    supports = await asyncio.to_thread(scorer.score_many, [(CLAIM, PAGE)])
    assert supports[0].backend == "llm"
    assert len(llm.requests) == 1
    with pytest.raises(RuntimeError, match="ascore_many"):
        scorer.score_many([(CLAIM, PAGE)])  # inside this test's running loop


async def test_source_without_text_needs_no_request(fake: tuple[FakeLlm, str]) -> None:
    llm, url = fake
    [support] = await make(url).ascore_many([(CLAIM, "")])
    assert support.label is SupportLabel.NOT_CONFIRMED
    assert support.score == 0.0
    assert llm.requests == []


@pytest.mark.parametrize(
    ("content", "verdict", "score"),
    [
        ('{"verdict": "supported", "confidence": 1}', "supported", 1.0),
        ('{"verdict": "supported", "confidence": 0}', "supported", 0.75),
        (' {"verdict": "partially_supported", "confidence": 0.5} ', "partially_supported", 0.35),
        ('{"verdict": "not_supported", "confidence": 1.0}', "not_supported", 0.0),
    ],
)
def test_parse_answer(content: str, verdict: str, score: float) -> None:
    parsed = parse_answer(content)
    assert parsed.verdict == verdict
    assert parsed.score == pytest.approx(score)


@pytest.mark.parametrize(
    "content",
    [
        "",
        "supported",
        "[]",
        '{"verdict": "supported"}',
        '{"verdict": "supported", "confidence": true}',
        '{"verdict": "supported", "confidence": -0.1}',
        '{"verdict": "SUPPORTED", "confidence": 0.5}',
    ],
)
def test_parse_answer_rejects(content: str) -> None:
    with pytest.raises(MalformedAnswer):
        parse_answer(content)
