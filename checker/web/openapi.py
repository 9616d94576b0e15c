"""The OpenAPI 3.1 description of /api/v1: paths written as data, schemas generated.

The component schemas come from the pydantic models the handlers send and read
(api_models.py, api_ops_models.py, api_bodies.py), so they say what the API really
does. Tests check that every API route the app registers appears here with its method,
that the document is valid OpenAPI 3.1, and that real answers match it.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from checker.model import FlagKind, Severity
from checker.web.actions import MAX_ID
from checker.web.api_archive_models import CitationArchive
from checker.web.api_bodies import ActionBody, DestinationBody, ImportBody
from checker.web.api_models import (
    ArticlePage,
    ArticleView,
    Counts,
    FlagDetail,
    FlagPage,
    SourceView,
)
from checker.web.api_ops_models import (
    ActionResult,
    DestinationDeleted,
    DestinationList,
    DestinationSaved,
    Error,
    ImportSummary,
    Me,
    MessageList,
    Overview,
)
from store.dashboard import QUEUE_STATUSES

REF = "#/components/schemas/{model}"
ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
OBJ = {"type": "object"}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 500}
# Answers are described as the handlers serialize them, bodies as they validate them.
REPLIES: tuple[type[BaseModel], ...] = (
    Error,
    Me,
    FlagPage,
    Counts,
    FlagDetail,
    ActionResult,
    ArticlePage,
    ArticleView,
    SourceView,
    CitationArchive,
    Overview,
    ImportSummary,
    DestinationList,
    DestinationSaved,
    DestinationDeleted,
    MessageList,
)
BODIES: tuple[type[BaseModel], ...] = (ActionBody, ImportBody, DestinationBody)


class _UntitledFields(GenerateJsonSchema):
    """Pydantic's schemas without a title on every property (the key says it already)."""

    def field_title_should_be_set(self, schema: object) -> bool:
        return False


def component_schemas() -> dict[str, Any]:
    """`components.schemas`: every model's JSON schema, nested models referenced by name."""
    _, schemas = models_json_schema(
        [(m, "serialization") for m in REPLIES] + [(m, "validation") for m in BODIES],
        ref_template=REF,
        schema_generator=_UntitledFields,
    )
    return dict(sorted(schemas["$defs"].items()))


def schema_ref(model: type[BaseModel] | type[FlagKind] | type[Severity]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_CASES = {
    "400": "bad parameter or body",
    "401": "no valid API token",
    "403": "role too low",
    "404": "not found",
    "409": "action refused: the flag's state does not allow it now",
    "422": "the request is wrong (a bad URL, an unknown action, a date in the past)",
}


def _op(
    summary: str,
    ok: type[BaseModel],
    *,
    errors: tuple[str, ...] = (),
    body: type[BaseModel] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    responses = {"200": _json(schema_ref(ok))}
    for code in ("401", *errors):
        responses[code] = _json(schema_ref(Error), ERROR_CASES[code])
    op = {"summary": summary, "responses": responses, **extra}
    if body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema_ref(body)}},
        }
    return op


def _q(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _p(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


QUEUE_PARAMS = [
    _q(
        "status",
        {"type": "string", "enum": list(QUEUE_STATUSES)},
        "open (default) means not resolved",
    ),
    _q("kind", schema_ref(FlagKind), "flag kind"),
    _q("severity", schema_ref(Severity), "severity"),
    _q("article", ID, "article id"),
    _q("source", ID, "source id"),
    _q("domain", {"type": "string"}, "source domain (with or without www.)"),
    _q("since", {"type": "string", "format": "date"}, "opened on or after this day"),
    _q("until", {"type": "string", "format": "date"}, "opened on or before this day"),
    _q("q", {"type": "string"}, "search claims, titles and URLs"),
    _q("cursor", {"type": "string"}, "next_cursor of the previous page"),
    _q("limit", LIMIT, "rows per page"),
]
PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": {
        "get": {"summary": "This document", "security": [], "responses": {"200": _json(OBJ)}}
    },
    "/api/v1/me": {"get": _op("The token's user", Me)},
    "/api/v1/flags": {
        "get": _op(
            "The flags queue, most severe and oldest first",
            FlagPage,
            errors=("400",),
            parameters=QUEUE_PARAMS,
        )
    },
    "/api/v1/flags/counts": {"get": _op("Unresolved flags per kind and severity", Counts)},
    "/api/v1/flags/{flag_id}": {
        "get": _op(
            "A flag with its citation, source, check history, evidence and audit trail",
            FlagDetail,
            errors=("404",),
            parameters=[_p("flag_id")],
        )
    },
    "/api/v1/flags/{flag_id}/actions": {
        "post": _op(
            "Act on a flag (editor role): acknowledge, resolve, mute, unmute, false_alarm, "
            "recheck, replace",
            ActionResult,
            errors=("400", "403", "404", "409", "422"),
            body=ActionBody,
            parameters=[_p("flag_id")],
        )
    },
    "/api/v1/articles": {
        "get": _op(
            "Articles with their health, newest first",
            ArticlePage,
            errors=("400",),
            parameters=[
                _q("after", ID, "next_after of the previous page"),
                _q("limit", LIMIT, "rows per page"),
                _q(
                    "support",
                    {"type": "string", "enum": ["supported", "not_confirmed", "unsupported"]},
                    "only articles with a citation of this support label",
                ),
            ],
        )
    },
    "/api/v1/articles/{article_id}": {
        "get": _op(
            "An article's citations and their health",
            ArticleView,
            errors=("404",),
            parameters=[_p("article_id")],
        )
    },
    "/api/v1/sources/{source_id}": {
        "get": _op(
            "A source, its checks and every citation of it",
            SourceView,
            errors=("404",),
            parameters=[_p("source_id")],
        )
    },
    "/api/v1/citations/{citation_id}/archive": {
        "get": _op(
            "A citation's archive of record: the source as captured when cited (evidence "
            "marked), every capture, and the archived copy found on a public web archive",
            CitationArchive,
            errors=("404",),
            parameters=[_p("citation_id")],
        )
    },
    "/api/v1/citations/{citation_id}/archive.warc.gz": {
        "get": {
            "summary": "The citation's captures as a WARC file (gzip records): request, "
            "response and revisit records, each revisit preceded by the response it refers to",
            "parameters": [_p("citation_id")],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/warc": {"schema": {"type": "string", "format": "binary"}}
                    },
                },
                "401": _json(schema_ref(Error), ERROR_CASES["401"]),
                "404": _json(schema_ref(Error), "no such citation, or nothing captured yet"),
            },
        }
    },
    "/api/v1/overview": {"get": _op("Counts, weekly trends and worker status", Overview)},
    "/api/v1/import": {
        "post": _op(
            "Import articles (editor role), same formats as the CLI",
            ImportSummary,
            errors=("400", "403"),
            body=ImportBody,
        )
    },
    "/api/v1/alerts/destinations": {
        "get": _op("Webhook destinations and their delivery health", DestinationList),
        "post": _op(
            "Add or change a destination (admin role); fields as in [[destinations]]",
            DestinationSaved,
            errors=("400", "403"),
            body=DestinationBody,
        ),
    },
    "/api/v1/alerts/destinations/{name}": {
        "delete": _op(
            "Delete a destination and its delivery history (admin role)",
            DestinationDeleted,
            errors=("403", "404"),
            parameters=[
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
        )
    },
    "/api/v1/alerts/messages": {
        "get": _op(
            "Recent webhook messages",
            MessageList,
            errors=("400",),
            parameters=[_q("limit", LIMIT, "how many")],
        )
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "citecheck API",
        "version": "1",
        "description": "Flags on the sources your articles cite, and the actions editors take.",
    },
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {
        "schemas": component_schemas(),
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "create one with `citecheck users token`",
            }
        },
    },
}


def document() -> dict[str, Any]:
    return copy.deepcopy(DOCUMENT)
