"""The OpenAPI 3.1 description of /api/v1, written as data.

A test checks that every API route the app registers appears here with its method,
and the document is validated against the OpenAPI 3.1 specification.
"""

from __future__ import annotations

import copy
from typing import Any

from checker.web.openapi_schemas import (
    ID,
    KINDS,
    OBJ,
    SCHEMAS,
    SEVERITIES,
    STATUSES,
    object_schema,
    schema_ref,
)


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _json(schema_ref("Error"), "no valid API token"),
}


def _op(summary: str, ok: dict[str, Any], *, errors: tuple[str, ...] = (), **extra: Any) -> Any:
    responses = {"200": _json(ok), **ERRORS}
    for code in errors:
        responses[code] = _json(
            schema_ref("Error"),
            {
                "400": "bad parameter",
                "403": "role too low",
                "404": "not found",
                "409": "action refused",
            }[code],
        )
    return {"summary": summary, "responses": responses, **extra}


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
    _q("status", {"type": "string", "enum": STATUSES}, "open (default) means not resolved"),
    _q("kind", {"type": "string", "enum": KINDS}, "flag kind"),
    _q("severity", {"type": "string", "enum": SEVERITIES}, "severity"),
    _q("article", ID, "article id"),
    _q("source", ID, "source id"),
    _q("domain", {"type": "string"}, "source domain (with or without www.)"),
    _q("since", {"type": "string", "format": "date"}, "opened on or after this day"),
    _q("until", {"type": "string", "format": "date"}, "opened on or before this day"),
    _q("q", {"type": "string"}, "search claims, titles and URLs"),
    _q("cursor", {"type": "string"}, "next_cursor of the previous page"),
    _q("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "rows per page"),
]
PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": {
        "get": {**_op("This document", OBJ), "security": [], "responses": {"200": _json(OBJ)}}
    },
    "/api/v1/me": {"get": _op("The token's user", schema_ref("Me"))},
    "/api/v1/flags": {
        "get": _op(
            "The flags queue, most severe and oldest first",
            schema_ref("FlagPage"),
            errors=("400",),
            parameters=QUEUE_PARAMS,
        )
    },
    "/api/v1/flags/counts": {
        "get": _op("Unresolved flags per kind and severity", schema_ref("Counts"))
    },
    "/api/v1/flags/{flag_id}": {
        "get": _op(
            "A flag with its citation, source, check history, evidence and audit trail",
            schema_ref("FlagDetail"),
            errors=("404",),
            parameters=[_p("flag_id")],
        )
    },
    "/api/v1/flags/{flag_id}/actions": {
        "post": _op(
            "Act on a flag (editor role): acknowledge, resolve, mute, unmute, false_alarm, "
            "recheck, replace",
            schema_ref("ActionResult"),
            errors=("400", "403", "404", "409"),
            parameters=[_p("flag_id")],
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": schema_ref("ActionRequest")}},
            },
        )
    },
    "/api/v1/articles": {
        "get": _op(
            "Articles with their health, newest first",
            schema_ref("ArticlePage"),
            errors=("400",),
            parameters=[
                _q("after", ID, "next_after of the previous page"),
                _q("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "rows per page"),
            ],
        )
    },
    "/api/v1/articles/{article_id}": {
        "get": _op(
            "An article's citations and their health",
            schema_ref("ArticleView"),
            errors=("404",),
            parameters=[_p("article_id")],
        )
    },
    "/api/v1/sources/{source_id}": {
        "get": _op(
            "A source, its checks and every citation of it",
            schema_ref("SourceView"),
            errors=("404",),
            parameters=[_p("source_id")],
        )
    },
    "/api/v1/overview": {
        "get": _op("Counts, weekly trends and worker status", schema_ref("Overview"))
    },
    "/api/v1/import": {
        "post": _op(
            "Import articles (editor role), same formats as the CLI",
            schema_ref("ImportSummary"),
            errors=("400", "403"),
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": schema_ref("ImportRequest")}},
            },
        )
    },
    "/api/v1/alerts/destinations": {
        "get": _op(
            "Webhook destinations and their delivery health", {"type": "array", "items": OBJ}
        ),
        "post": _op(
            "Add or change a destination (admin role); fields as in [[destinations]]",
            object_schema(["name", "saved"], name={"type": "string"}, saved={"type": "boolean"}),
            errors=("400", "403"),
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": schema_ref("Destination")}},
            },
        ),
    },
    "/api/v1/alerts/destinations/{name}": {
        "delete": _op(
            "Delete a destination and its delivery history (admin role)",
            object_schema(
                ["name", "deleted"], name={"type": "string"}, deleted={"type": "boolean"}
            ),
            errors=("403", "404"),
            parameters=[
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
        )
    },
    "/api/v1/alerts/messages": {
        "get": _op(
            "Recent webhook messages",
            {"type": "array", "items": OBJ},
            errors=("400",),
            parameters=[_q("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "how many")],
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
        "schemas": SCHEMAS,
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
