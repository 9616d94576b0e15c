"""Save Page Now (SPN2): ask the Internet Archive to capture a new source, so that a
public copy exists besides citecheck's own. Off by default ([archive] save_page_now).

One POST per new source, with the account's S3-style keys. The service's limits are
honoured: a 429 pauses every submission for its Retry-After (a minute without one), and
its error answers ("error:too-many-daily-captures", refused keys, 5xx, garbage, no
answer in time) come back as a one-line message. A submission never fails a check.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from checker.settings import ArchiveSettings

_MAX_ANSWER_BYTES = 65_536
_DEFAULT_PAUSE_S = 60.0


@dataclass(frozen=True)
class Submission:
    accepted: bool
    job_id: str | None = None
    message: str = ""  # why it was not accepted

    def as_detail(self) -> dict[str, str]:
        return {"job_id": self.job_id or ""} if self.accepted else {"error": self.message}


class SavePageNow:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: ArchiveSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._settings = settings
        self._clock = clock
        self._paused_until = 0.0

    async def submit(self, url: str) -> Submission:
        wait = self._paused_until - self._clock()
        if wait > 0:
            return Submission(False, message=f"rate limited: paused for {wait:.0f} s more")
        s = self._settings
        headers = {
            "Accept": "application/json",
            "Authorization": f"LOW {s.spn_access_key}:{s.spn_secret_key}",
        }
        try:
            async with asyncio.timeout(s.timeout_s or None):
                async with self._session.post(
                    s.spn_url, data={"url": url}, headers=headers, allow_redirects=False
                ) as response:
                    if response.status == 429:
                        self._pause(response.headers.get("Retry-After"))
                        return Submission(False, message="rate limited (HTTP 429)")
                    raw = await response.content.read(_MAX_ANSWER_BYTES)
                    status = response.status
        except TimeoutError:
            return Submission(False, message="Save Page Now did not answer in time")
        except (aiohttp.ClientError, OSError) as exc:
            return Submission(False, message=f"Save Page Now unreachable: {exc}"[:200])
        if status in (401, 403):
            return Submission(False, message=f"Save Page Now refused the keys (HTTP {status})")
        if status != 200:
            return Submission(False, message=f"Save Page Now failed (HTTP {status})")
        return _read(raw)

    def _pause(self, retry_after: str | None) -> None:
        try:
            pause = float(retry_after) if retry_after else _DEFAULT_PAUSE_S
        except ValueError:
            pause = _DEFAULT_PAUSE_S
        self._paused_until = self._clock() + min(max(pause, 1.0), 3600.0)


def _read(raw: bytes) -> Submission:
    try:
        answer = json.loads(raw)
    except ValueError:
        return Submission(False, message="Save Page Now answered something that is not JSON")
    if not isinstance(answer, dict):
        return Submission(False, message="Save Page Now answered an unexpected JSON value")
    job = answer.get("job_id")
    if isinstance(job, str) and job:
        return Submission(True, job_id=job[:100])
    reason = answer.get("status_ext") or answer.get("message") or "no job id"
    return Submission(False, message=f"Save Page Now declined: {str(reason)[:150]}")
