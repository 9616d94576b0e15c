"""Fuzz the JSON API from its OpenAPI document with schemathesis: generated requests
must never crash the server (5xx) and every answer must match the document
(status codes, content types, response schemas). Every operation, the state-changing
ones included, with a token of each role, on SQLite and on PostgreSQL. Bounded: a few
examples per route. Webhook destinations the fuzzer saves are never sent to (nothing
dispatches in this server) and private addresses stay refused.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from checker.web.openapi import document
from tests.web_fixtures import LiveServer

EXAMPLES_PER_ROUTE = 10
# Not positive_data_acceptance: a schema-valid but meaningless value (a random cursor,
# a flag that is already resolved) is rightly refused with 400/409.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_generated_requests_match_the_document(live_server_each_db: LiveServer, role: str) -> None:
    live_server = live_server_each_db
    base_url, token = live_server.url, live_server.seeded.tokens[role]
    schema = schemathesis.openapi.from_dict(document())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_ROUTE,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)

        check()
