"""The liveness classifier against the host's answer to a random path (soft 404s), and
what its verdict carries for the schedule and the store."""

from __future__ import annotations

import json

import pytest
from liveness_cases import (
    ARTICLE,
    NOT_FOUND_TEMPLATE,
    OTHER,
    A,
    D,
    fetched,
)

from checker.liveness import classify
from checker.model import FetchErrorKind, FetchResult, LivenessState


def _probe_answer(path: str, status: int = 200, body: bytes | None = None) -> FetchResult:
    template = NOT_FOUND_TEMPLATE.replace(b"{path}", path.encode())
    return fetched(
        body if body is not None else template, status=status, url=f"https://news.example{path}"
    )


PROBE = "/2024/05/7f3a9c1e2b4d6f80.html"
PROBE_ROWS = [
    (
        "same template, other path echoed",
        fetched(NOT_FOUND_TEMPLATE.replace(b"{path}", b"/2024/05/council-budget-vote.html")),
        _probe_answer(PROBE),
        D,
        "soft_404",
    ),
    (
        "host does real 404s",
        fetched(NOT_FOUND_TEMPLATE.replace(b"{path}", b"/2024/05/council-budget-vote.html")),
        _probe_answer(PROBE, status=404),
        A,
        "",
    ),
    ("real article on a soft-404 host", fetched(ARTICLE), _probe_answer(PROBE), A, ""),
    ("probe failed", fetched(ARTICLE), fetched(status=None, error=FetchErrorKind.TIMEOUT), A, ""),
    (
        "both sent to the same search page",
        fetched(NOT_FOUND_TEMPLATE, hops=((302, "https://news.example/oops"),)),
        fetched(
            NOT_FOUND_TEMPLATE,
            url=f"https://news.example{PROBE}",
            hops=((302, "https://news.example/oops"),),
        ),
        D,
        "soft_404",
    ),
]


@pytest.mark.parametrize(("case", "result", "probe", "state", "reason"), PROBE_ROWS)
def test_comparison_with_the_hosts_answer_to_a_random_path(
    case: str, result: FetchResult, probe: FetchResult, state: LivenessState, reason: str
) -> None:
    verdict = classify(result, probe=probe)
    assert (verdict.state, verdict.reason) == (state, reason)


def test_soft_404_by_probe_reports_similarity_and_probe_url() -> None:
    result = fetched(NOT_FOUND_TEMPLATE.replace(b"{path}", b"/2024/05/council-budget-vote.html"))
    verdict = classify(result, probe=_probe_answer(PROBE))
    assert verdict.detail["probe_similarity"] >= 0.85
    assert verdict.detail["probe_url"] == f"https://news.example{PROBE}"
    assert "random path" in verdict.detail["cue"]


def test_alive_page_still_reports_how_it_compared_with_the_probe() -> None:
    verdict = classify(fetched(ARTICLE), probe=_probe_answer(PROBE))
    assert verdict.state is A
    assert verdict.detail["probe_similarity"] < 0.2


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "120"}, 120.0),
        (
            {
                "retry-after": "Wed, 21 Oct 2015 07:30:00 GMT",
                "date": "Wed, 21 Oct 2015 07:28:00 GMT",
            },
            120.0,
        ),
        ({"retry-after": "Wed, 21 Oct 2015 07:30:00 GMT"}, None),  # no Date: no "now" to count from
        ({}, None),
    ],
)
def test_retry_after_is_carried_for_the_schedule(
    headers: dict[str, str], expected: float | None
) -> None:
    verdict = classify(fetched(status=503, headers=headers))
    assert verdict.detail.get("retry_after_s") == expected


def test_detail_is_plain_json_for_the_store() -> None:
    result = fetched(ARTICLE, hops=((301, OTHER),), error=FetchErrorKind.TOO_LARGE, truncated=True)
    verdict = classify(result, probe=_probe_answer(PROBE))
    assert json.loads(json.dumps(verdict.detail)) == verdict.detail
    assert verdict.detail["truncated"] is True
