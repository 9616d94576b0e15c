"""The JSON bodies /api/v1 accepts, as pydantic models, and reading one from a request.

The OpenAPI document describes request bodies with these same models, so what the
document allows is what the handlers accept. Validation is strict (no "5" for a number,
no 1 for true) and unknown keys are refused: a misspelt key would otherwise be ignored
in silence. In action and import bodies a null counts as leaving the key out, as it
always has.
"""

from __future__ import annotations

import json
from typing import Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from checker.model import FlagKind, Severity
from checker.web.api_ops_models import DestinationFormat, DestinationMode

Action = Literal["acknowledge", "resolve", "mute", "unmute", "false_alarm", "recheck", "replace"]
ImportFormat = Literal["auto", "json", "text", "markdown", "html"]  # views_import.FORMATS
EventType = Literal["flag.opened", "flag.escalated", "flag.resolved"]  # alert_model.EVENT_TYPES
Body = TypeVar("Body", bound="RequestBody")


class BodyError(ValueError):
    """The request body is not what the operation takes; the message says what to fix."""


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ActionBody(RequestBody):
    """An editor's action on a flag."""

    action: Action
    note: str | None = None
    mute_days: float | None = Field(
        default=None,
        description="mute only: more than 0 and at most 3650 (else 409); omit to mute for good",
    )
    url: str | None = Field(default=None, description="replace only: the new source URL")
    use_archive: bool | None = Field(
        default=None, description="replace only: use the source's archived copy"
    )


class ImportBody(RequestBody):
    """Articles to import, in one of the CLI's input formats."""

    text: str = Field(description="the article file's content")
    format: ImportFormat | None = Field(default=None, description="auto when left out")
    refs: str | None = Field(default=None, description="reference list for [n] markers")
    article_url: str | None = None


class DestinationBody(RequestBody):
    """A webhook destination: the keys of a [[destinations]] table in the config."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    url: str = Field(description="http(s) URL the alerts are POSTed to")
    format: DestinationFormat = "json"
    mode: DestinationMode = "immediate"
    min_severity: Severity = Severity.LOW
    kinds: list[FlagKind] = Field(default_factory=list, description="empty: every kind")
    events: list[EventType] = Field(default_factory=list, description="empty: every event")
    url_prefixes: list[str] = Field(default_factory=list, description="empty: every article")
    tags: list[str] = Field(default_factory=list, description="empty: every article")
    digest_time: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):([0-5]\d)$")
    secret: str = Field(default="", description='"whsec_<base64>" or raw text; empty: unsigned')
    enabled: bool = True


async def read_body(request: web.Request, model: type[Body]) -> Body:
    """The request's JSON body as `model`; BodyError names the first thing wrong."""
    raw = await request.read()
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise BodyError(problem(exc.errors()[0], model)) from None


def problem(error: ErrorDetails, model: type[RequestBody]) -> str:
    """One validation error as one sentence, naming the key."""
    if not error["loc"] or error["type"] in ("json_invalid", "model_type"):
        return "the body must be a JSON object"
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "missing":
        return f"{key} is required"
    if error["type"] == "extra_forbidden":
        return f"{key} is not a key of this body (known: {', '.join(model.model_fields)})"
    message, given = error["msg"], json.dumps(error["input"], ensure_ascii=False, default=str)
    return f"{key}: {message[:1].lower()}{message[1:]}, got {given[:40]}"
