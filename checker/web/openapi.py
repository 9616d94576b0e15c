"""The OpenAPI 3.1 description of /api/v1, written as data.

A test checks that every API route the app registers appears here with its method,
and the document is validated against the OpenAPI 3.1 specification.
"""

from __future__ import annotations

import copy
from typing import Any

from checker.model import FlagKind

KINDS = [k.value for k in FlagKind]
SEVERITIES = ["high", "medium", "low"]
STATUSES = ["open", "acknowledged", "muted", "resolved", "all"]
ACTIONS = ["acknowledge", "resolve", "mute", "unmute", "false_alarm", "recheck", "replace"]

TIME = {"type": "string", "format": "date-time"}
MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
MAYBE_STR = {"type": ["string", "null"]}
ID = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
OBJ = {"type": "object"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


SCHEMAS: dict[str, Any] = {
    "Error": _obj(["error"], error={"type": "string"}),
    "QueueItem": _obj(
        ["id", "kind", "severity", "status", "opened_at", "article_id", "source_id", "claim"],
        id=ID,
        kind={"type": "string", "enum": KINDS},
        severity={"type": "string", "enum": SEVERITIES},
        status={"type": "string"},
        summary={"type": "string"},
        opened_at=TIME,
        updated_at=TIME,
        resolved_at=MAYBE_TIME,
        resolved_by=MAYBE_STR,
        muted_until=MAYBE_TIME,
        article_id=ID,
        article_title={"type": "string"},
        article_url={"type": "string"},
        source_id=ID,
        source_url={"type": "string"},
        host={"type": "string"},
        citation_id=ID,
        ref={"type": "string"},
        claim={"type": "string"},
    ),
    "FlagPage": _obj(
        ["items", "next_cursor"],
        items={"type": "array", "items": _ref("QueueItem")},
        next_cursor=MAYBE_STR,
    ),
    "Counts": {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
    "Source": _obj(
        ["id", "url", "state"],
        id=ID,
        url={"type": "string"},
        host={"type": "string"},
        state={"type": "string"},
        reason={"type": "string"},
        last_status={"type": ["integer", "null"]},
        final_url=MAYBE_STR,
        last_checked_at=MAYBE_TIME,
        next_check_at=TIME,
        failure_count={"type": "integer"},
        archived_url=MAYBE_STR,
    ),
    "Article": _obj(
        ["id", "url", "title"],
        id=ID,
        url={"type": "string"},
        title={"type": "string"},
        published_at=MAYBE_TIME,
        tags={"type": "array", "items": {"type": "string"}},
        imported_at=TIME,
    ),
    "Citation": _obj(
        ["id", "ref", "claim", "source_id", "article_id"],
        id=ID,
        ref={"type": "string"},
        claim={"type": "string"},
        quote=MAYBE_STR,
        source_id=ID,
        article_id=ID,
        retired_at=MAYBE_TIME,
        evidence_anchored={"type": "boolean"},
        support_score={"type": ["number", "null"]},
        support_label=MAYBE_STR,
        support_passage=MAYBE_STR,
        support_backend=MAYBE_STR,
    ),
    "Check": _obj(
        ["checked_at", "state"],
        checked_at=TIME,
        status={"type": ["integer", "null"]},
        state={"type": "string"},
        reason={"type": "string"},
        error=MAYBE_STR,
        final_url={"type": "string"},
        elapsed_ms={"type": "number"},
        redirects={"type": "array", "items": OBJ},
        error_message=MAYBE_STR,
    ),
    "FlagDetail": _obj(
        ["flag", "citation", "article", "source", "checks", "events", "evidence"],
        flag=OBJ,
        citation=_ref("Citation"),
        article=_ref("Article"),
        source=_ref("Source"),
        checks={"type": "array", "items": _ref("Check")},
        events={
            "type": "array",
            "items": _obj(
                ["at", "actor", "action"],
                at=TIME,
                actor={"type": "string"},
                action={"type": "string"},
                note=MAYBE_STR,
            ),
        },
        evidence=_obj(
            ["before", "after", "diff"],
            before={"type": "string"},
            after={"type": "string"},
            diff={"type": "array"},
        ),
        other_flags={"type": "array", "items": OBJ},
        archived_url=MAYBE_STR,
        source_moved_since={"type": "boolean"},
    ),
    "ActionRequest": {
        **_obj(
            ["action"],
            action={"type": "string", "enum": ACTIONS},
            note={"type": "string", "maxLength": 2000},
            mute_days={
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 3650,
                "description": "mute only; omit to mute for good",
            },
            url={"type": "string", "description": "replace only: the new source URL"},
            use_archive={"type": "boolean", "description": "replace only: use the archived copy"},
        ),
        "additionalProperties": False,
    },
    "ActionResult": _obj(["message", "flag"], message={"type": "string"}, flag=OBJ),
    "ArticlePage": _obj(
        ["items", "next_after"],
        items={
            "type": "array",
            "items": {
                "allOf": [
                    _ref("Article"),
                    _obj(
                        ["citations", "open_flags"],
                        citations={"type": "integer"},
                        open_flags={"type": "integer"},
                        worst_severity=MAYBE_STR,
                    ),
                ]
            },
        },
        next_after={"type": ["integer", "null"]},
    ),
    "ArticleView": _obj(
        ["article", "citations"],
        article=_ref("Article"),
        citations={"type": "array", "items": _ref("Citation")},
    ),
    "SourceView": _obj(
        ["source", "citations", "checks"],
        source=_ref("Source"),
        citations={"type": "array", "items": _ref("Citation")},
        checks={"type": "array", "items": _ref("Check")},
    ),
    "Overview": _obj(
        ["articles", "citations", "sources", "weekly", "hourly_checks", "open_flags"],
        articles={"type": "integer"},
        citations={"type": "integer"},
        sources={"type": "object", "additionalProperties": {"type": "integer"}},
        weekly={
            "type": "array",
            "items": _obj(
                ["week", "opened", "resolved"],
                week={"type": "string"},
                opened={"type": "integer"},
                resolved={"type": "integer"},
            ),
        },
        hourly_checks={
            "type": "array",
            "items": _obj(["hour", "checks"], hour=TIME, checks={"type": "integer"}),
        },
        workers={"type": ["array", "null"], "items": OBJ},
        open_flags=_ref("Counts"),
    ),
    "ImportRequest": {
        **_obj(
            ["text"],
            text={"type": "string", "description": "the article file's content"},
            format={"type": "string", "enum": ["auto", "json", "text", "markdown", "html"]},
            refs={"type": "string", "description": "reference list for [n] markers"},
            article_url={"type": "string"},
        ),
        "additionalProperties": False,
    },
    "ImportSummary": _obj(
        ["articles", "articles_added", "citations_added"],
        articles={"type": "integer"},
        articles_added={"type": "integer"},
        citations_added={"type": "integer"},
    ),
    "Destination": _obj(
        ["name", "url"],
        name={"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"},
        url={"type": "string"},
        format={"type": "string", "enum": ["json", "slack", "teams"]},
        mode={"type": "string", "enum": ["immediate", "hourly", "daily"]},
        min_severity={"type": "string", "enum": SEVERITIES},
        kinds={"type": "array", "items": {"type": "string", "enum": KINDS}},
        events={"type": "array", "items": {"type": "string"}},
        url_prefixes={"type": "array", "items": {"type": "string"}},
        tags={"type": "array", "items": {"type": "string"}},
        digest_time={"type": "string"},
        secret={"type": "string"},
        enabled={"type": "boolean"},
    ),
    "Me": _obj(
        ["name", "role"],
        name={"type": "string"},
        role={"type": "string", "enum": ["viewer", "editor", "admin"]},
    ),
}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _json(_ref("Error"), "no valid API token"),
}


def _op(summary: str, ok: dict[str, Any], *, errors: tuple[str, ...] = (), **extra: Any) -> Any:
    responses = {"200": _json(ok), **ERRORS}
    for code in errors:
        responses[code] = _json(
            _ref("Error"),
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
    "/api/v1/me": {"get": _op("The token's user", _ref("Me"))},
    "/api/v1/flags": {
        "get": _op(
            "The flags queue, most severe and oldest first",
            _ref("FlagPage"),
            errors=("400",),
            parameters=QUEUE_PARAMS,
        )
    },
    "/api/v1/flags/counts": {"get": _op("Unresolved flags per kind and severity", _ref("Counts"))},
    "/api/v1/flags/{flag_id}": {
        "get": _op(
            "A flag with its citation, source, check history, evidence and audit trail",
            _ref("FlagDetail"),
            errors=("404",),
            parameters=[_p("flag_id")],
        )
    },
    "/api/v1/flags/{flag_id}/actions": {
        "post": _op(
            "Act on a flag (editor role): acknowledge, resolve, mute, unmute, false_alarm, "
            "recheck, replace",
            _ref("ActionResult"),
            errors=("400", "403", "404", "409"),
            parameters=[_p("flag_id")],
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": _ref("ActionRequest")}},
            },
        )
    },
    "/api/v1/articles": {
        "get": _op(
            "Articles with their health, newest first",
            _ref("ArticlePage"),
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
            _ref("ArticleView"),
            errors=("404",),
            parameters=[_p("article_id")],
        )
    },
    "/api/v1/sources/{source_id}": {
        "get": _op(
            "A source, its checks and every citation of it",
            _ref("SourceView"),
            errors=("404",),
            parameters=[_p("source_id")],
        )
    },
    "/api/v1/overview": {"get": _op("Counts, weekly trends and worker status", _ref("Overview"))},
    "/api/v1/import": {
        "post": _op(
            "Import articles (editor role), same formats as the CLI",
            _ref("ImportSummary"),
            errors=("400", "403"),
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": _ref("ImportRequest")}},
            },
        )
    },
    "/api/v1/alerts/destinations": {
        "get": _op(
            "Webhook destinations and their delivery health", {"type": "array", "items": OBJ}
        ),
        "post": _op(
            "Add or change a destination (admin role); fields as in [[destinations]]",
            _obj(["name", "saved"], name={"type": "string"}, saved={"type": "boolean"}),
            errors=("400", "403"),
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": _ref("Destination")}},
            },
        ),
    },
    "/api/v1/alerts/destinations/{name}": {
        "delete": _op(
            "Delete a destination and its delivery history (admin role)",
            _obj(["name", "deleted"], name={"type": "string"}, deleted={"type": "boolean"}),
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
