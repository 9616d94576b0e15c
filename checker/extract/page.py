"""One parse per page: its liveness and its main text, in one call of the extraction pool.

Pure. `read_page` parses an HTML body once; the liveness cues read a copy of that tree
(cues empty its scripts and navigation chrome) and trafilatura reads the tree itself.
The body is extracted only when the page is worth reading (`sight.worth_reading`) and
is not a script shell, as the pipeline would have asked; the caller gets small plain
values back: a Liveness, and a Document or why there is none.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from checker.extract.read import BYTES_PER_CHAR, HTML_TYPES, extract, html_tree
from checker.liveness import classify
from checker.liveness.facts import PageFacts, facts_of_tree
from checker.model import Document, ExtractError, FetchResult, Liveness
from checker.verdict.sight import worth_reading


@dataclass(frozen=True)
class PageRead:
    liveness: Liveness
    extracted: bool = False  # extraction was tried: `document` or `error` says how it went
    document: Document | None = None
    error: str | None = None


def read_page(
    result: FetchResult,
    probe: FetchResult | None,
    *,
    max_chars: int,
    extract_text: bool = True,
) -> PageRead:
    """The liveness of `result` (with the host's answer to `probe`) and, where worth
    it and `extract_text`, its main text, from one parse of the body."""
    tree = _tree(result, max_chars)
    facts: PageFacts | None = None
    if tree is not None:
        facts = facts_of_tree(deepcopy(tree), result.body, result.charset)
    liveness = classify(result, probe=probe, facts=facts)
    wanted = worth_reading(liveness, result.status, bool(result.body))
    if not extract_text or not wanted or liveness.reason == "script_shell":
        return PageRead(liveness)
    try:
        document = extract(
            result.body,
            result.content_type,
            result.final_url,
            charset=result.charset,
            max_chars=max_chars,
            tree=tree,
        )
    except ExtractError as exc:
        return PageRead(liveness, extracted=True, error=str(exc))
    return PageRead(liveness, extracted=True, document=document)


def _tree(result: FetchResult, max_chars: int) -> Any:
    """The parsed body of a complete-enough 2xx HTML answer; None when there is none to
    share (then classify and extract each read the body their own way, as before)."""
    ok = result.status is not None and 200 <= result.status < 300
    if not ok or result.not_modified or result.content_type not in HTML_TYPES:
        return None
    if not result.body.strip() or len(result.body) > max_chars * BYTES_PER_CHAR:
        return None
    try:
        return html_tree(result.body, result.charset, result.final_url)
    except ExtractError:
        return None
    except Exception:  # a parser failing on hostile input: extract says why, classify copes
        return None
