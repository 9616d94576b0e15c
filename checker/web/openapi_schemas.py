"""The data shapes of /api/v1 (OpenAPI components), used by openapi.py."""

from __future__ import annotations

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


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def object_schema(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


SCHEMAS: dict[str, Any] = {
    "Error": object_schema(["error"], error={"type": "string"}),
    "QueueItem": object_schema(
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
    "FlagPage": object_schema(
        ["items", "next_cursor"],
        items={"type": "array", "items": schema_ref("QueueItem")},
        next_cursor=MAYBE_STR,
    ),
    "Counts": {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
    "Source": object_schema(
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
    "Article": object_schema(
        ["id", "url", "title"],
        id=ID,
        url={"type": "string"},
        title={"type": "string"},
        published_at=MAYBE_TIME,
        tags={"type": "array", "items": {"type": "string"}},
        imported_at=TIME,
    ),
    "Citation": object_schema(
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
    "Check": object_schema(
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
    "FlagDetail": object_schema(
        ["flag", "citation", "article", "source", "checks", "events", "evidence"],
        flag=OBJ,
        citation=schema_ref("Citation"),
        article=schema_ref("Article"),
        source=schema_ref("Source"),
        checks={"type": "array", "items": schema_ref("Check")},
        events={
            "type": "array",
            "items": object_schema(
                ["at", "actor", "action"],
                at=TIME,
                actor={"type": "string"},
                action={"type": "string"},
                note=MAYBE_STR,
            ),
        },
        evidence=object_schema(
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
        **object_schema(
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
    "ActionResult": object_schema(["message", "flag"], message={"type": "string"}, flag=OBJ),
    "ArticlePage": object_schema(
        ["items", "next_after"],
        items={
            "type": "array",
            "items": {
                "allOf": [
                    schema_ref("Article"),
                    object_schema(
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
    "ArticleView": object_schema(
        ["article", "citations"],
        article=schema_ref("Article"),
        citations={"type": "array", "items": schema_ref("Citation")},
    ),
    "SourceView": object_schema(
        ["source", "citations", "checks"],
        source=schema_ref("Source"),
        citations={"type": "array", "items": schema_ref("Citation")},
        checks={"type": "array", "items": schema_ref("Check")},
    ),
    "Overview": object_schema(
        ["articles", "citations", "sources", "weekly", "hourly_checks", "open_flags"],
        articles={"type": "integer"},
        citations={"type": "integer"},
        sources={"type": "object", "additionalProperties": {"type": "integer"}},
        weekly={
            "type": "array",
            "items": object_schema(
                ["week", "opened", "resolved"],
                week={"type": "string"},
                opened={"type": "integer"},
                resolved={"type": "integer"},
            ),
        },
        hourly_checks={
            "type": "array",
            "items": object_schema(["hour", "checks"], hour=TIME, checks={"type": "integer"}),
        },
        workers={"type": ["array", "null"], "items": OBJ},
        open_flags=schema_ref("Counts"),
    ),
    "ImportRequest": {
        **object_schema(
            ["text"],
            text={"type": "string", "description": "the article file's content"},
            format={"type": "string", "enum": ["auto", "json", "text", "markdown", "html"]},
            refs={"type": "string", "description": "reference list for [n] markers"},
            article_url={"type": "string"},
        ),
        "additionalProperties": False,
    },
    "ImportSummary": object_schema(
        ["articles", "articles_added", "citations_added"],
        articles={"type": "integer"},
        articles_added={"type": "integer"},
        citations_added={"type": "integer"},
    ),
    "Destination": object_schema(
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
    "Me": object_schema(
        ["name", "role"],
        name={"type": "string"},
        role={"type": "string", "enum": ["viewer", "editor", "admin"]},
    ),
}
