"""The types every API model shares: the reply base, ids, counts and times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from checker.web.actions import MAX_ID


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Times go out in UTC with a "Z", as they always have; a naive time is a store bug.
Time = Annotated[AwareDatetime, AfterValidator(_utc)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0)]


class Reply(BaseModel):
    """Base of every response body: a key the model does not declare is a bug, not data."""

    model_config = ConfigDict(extra="forbid")
