"""Plain values that flow between the stages of one source check.

Every stage but fetch and store is a pure function over these types, so each
stage is tested without a network or a database (see DESIGN.md, "One check").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class CitationIn:
    """One citation as an article states it: a claim attributed to a source."""

    ref: str  # the marker or footnote id as published ("3", "fn2", "link-1")
    url: str  # normalized absolute http(s) URL
    claim: str  # the sentence that carries the citation
    quote: str | None = None  # the passage of the source the editor relied on


@dataclass(frozen=True)
class ArticleIn:
    url: str
    title: str
    citations: tuple[CitationIn, ...]
    published_at: datetime | None = None
    tags: tuple[str, ...] = ()


# --------------------------------------------------------------------------- fetch


class FetchErrorKind(StrEnum):
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    TIMEOUT = "timeout"
    RESET = "reset"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    BAD_URL = "bad_url"
    FORBIDDEN_ADDRESS = "forbidden_address"  # SSRF guard refused the address
    ROBOTS = "robots"  # robots.txt disallows us
    PROTOCOL = "protocol"  # malformed HTTP, bad encoding, ...


@dataclass(frozen=True)
class Hop:
    """One step of a redirect chain."""

    url: str
    status: int
    location: str


@dataclass(frozen=True)
class FetchResult:
    url: str  # what we asked for
    final_url: str  # where we ended after redirects
    status: int | None  # None when no HTTP answer came back
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased, the ones that matter
    redirects: tuple[Hop, ...] = ()
    body: bytes = b""
    content_type: str = ""  # media type only, lower-cased ("text/html")
    charset: str | None = None
    error: FetchErrorKind | None = None
    error_message: str = ""
    elapsed_ms: float = 0.0
    not_modified: bool = False  # 304 to a conditional request
    truncated: bool = False  # body cut at max_bytes (error is TOO_LARGE when it mattered)
    raw_headers: tuple[tuple[str, str], ...] = ()  # every response header, for the archive


# --------------------------------------------------------------------------- liveness


class LivenessState(StrEnum):
    ALIVE = "alive"
    DEAD = "dead"  # proven gone (still needs confirmation over time before a flag)
    BLOCKED = "blocked"  # we are refused: cannot verify
    MOVED = "moved"  # permanent redirect to another article URL
    TRANSIENT = "transient"  # timeouts, resets, 5xx: maybe temporary
    UNCHECKABLE = "uncheckable"  # alive, but a type we cannot read (image, zip, ...)


# The reasons liveness gives for a BLOCKED answer: something stands in front of the page.
BLOCKED_REASONS = frozenset(
    {
        *("auth_required", "forbidden", "proxy_auth", "rate_limited", "legal", "bot_wall"),
        *("consent_wall", "geo_block", "login_wall", "paywall", "robots", "forbidden_address"),
    }
)


@dataclass(frozen=True)
class Liveness:
    state: LivenessState
    reason: str = ""  # not_found, gone, dns, soft_404, parked, paywall, timeout, http_503, ...
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def is_failure(self) -> bool:
        """Failures count towards confirmation of `dead`, `unreachable` or `blocked`: a
        single refusal (a one-off 429, a passing bot check) is never flagged."""
        return self.state in (LivenessState.DEAD, LivenessState.TRANSIENT, LivenessState.BLOCKED)

    @property
    def failure_class(self) -> str:
        """Failures of one class add up; a failure of the other class starts a new count:
        "gone" (dead or transient: the page is not there) or "refused" (blocked)."""
        return "refused" if self.state is LivenessState.BLOCKED else "gone"


# --------------------------------------------------------------------------- extract

# Media types whose text citecheck can read; anything else is recorded, not judged dead.
CHECKABLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/pdf"})


@dataclass(frozen=True)
class Document:
    title: str
    text: str  # main text, passages separated by blank lines
    passages: tuple[str, ...]  # paragraphs / sentences of the main text, in order
    published: str | None = None  # date string as found in the page, if any
    kind: str = "html"  # html | text | pdf

    @classmethod
    def from_text(cls, title: str, text: str, kind: str = "html") -> Document:
        """Rebuild a stored document: passages are the blank-line-separated blocks of text."""
        blocks = (b.strip() for b in text.split("\n\n"))
        return cls(title=title, text=text, passages=tuple(b for b in blocks if b), kind=kind)


class RenderError(Exception):
    """The browser could not render a page (not installed, not started, crashed)."""


class ExtractError(Exception):
    """The body could not be turned into text (binary, malformed, empty, too big)."""


# --------------------------------------------------------------------------- evidence


class EvidenceStatus(StrEnum):
    UNCHANGED = "unchanged"
    MODIFIED = "modified"
    REMOVED = "removed"


@dataclass(frozen=True)
class Evidence:
    """The anchored evidence of one citation, taken at its first successful check."""

    passages: tuple[str, ...]
    fingerprint: str  # content fingerprint of the whole document at anchoring time
    from_quote: bool = False  # anchored on the editor's quote rather than found by us


@dataclass(frozen=True)
class EvidenceChange:
    status: EvidenceStatus
    severity: str = "medium"  # high when numbers, dates, negation or entities changed
    before: str = ""
    after: str = ""
    diff: tuple[tuple[str, str], ...] = ()  # (op, text) with op in "=", "-", "+"
    changes: tuple[str, ...] = ()  # what changed: "number", "negation", "entity", "date"
    drift: float = 0.0  # 0..1, how much of the rest of the page changed
    notices: tuple[str, ...] = ()  # correction / update notices near the evidence
    hidden_by: str | None = None  # "paywall" / "truncated" when removal is due to a cut
    page_cut: str | None = None  # "paywall" when the page now stops at a subscription prompt


# --------------------------------------------------------------------------- support


class SupportLabel(StrEnum):
    SUPPORTED = "supported"
    # contradicted with a stated reason, or the source shares nothing with the claim:
    # the one label that opens an `unsupported` flag
    UNSUPPORTED = "unsupported"
    # weak support and no reason to call it wrong: shown, counted, never alerted
    NOT_CONFIRMED = "not_confirmed"

    @property
    def rank(self) -> int:
        """How bad: a claim is as good as its weakest part."""
        return {"supported": 0, "not_confirmed": 1, "unsupported": 2}[self.value]


@dataclass(frozen=True)
class PartSupport:
    """What one source says of one part (one fact) of a claim."""

    text: str  # the part as judged
    start: int  # where the part stands in the claim
    end: int
    label: SupportLabel
    score: float
    passage: str = ""  # the passage of the source it was read against
    # why it is unsupported or not confirmed, quoting what the source says instead
    reason: str = ""
    kind: str = ""  # what decided it: figure, name, negation, polarity, role, off_topic, ...
    backend: str = ""
    named: tuple[str, ...] = ()  # the words of the part the reason is about ("1986", "Lopez")


@dataclass(frozen=True)
class Support:
    score: float  # 0..1
    label: SupportLabel
    passages: tuple[str, ...]  # best evidence passage(s), best first: the aligned one
    backend: str
    # what the aligned passage contradicts, as an editor reads it
    # ("claim says 21, source says 12", "source negates 'give'")
    mismatches: tuple[str, ...] = ()
    parts: tuple[PartSupport, ...] = ()  # the claim's facts, each as the source reads it
    reason: str = ""  # the weakest part's reason (empty when supported)

    @property
    def weakest(self) -> PartSupport | None:
        """The part that decides the label: the first of the worst."""
        if not self.parts:
            return None
        return max(self.parts, key=lambda p: (p.label.rank, -p.score, -p.start))


# --------------------------------------------------------------------------- verdict


class FlagKind(StrEnum):
    DEAD = "dead"
    UNREACHABLE = "unreachable"
    BLOCKED = "blocked"
    MOVED = "moved"
    EVIDENCE_REMOVED = "evidence_removed"
    EVIDENCE_CHANGED = "evidence_changed"
    UNSUPPORTED = "unsupported"
    CONTENT_DRIFT = "content_drift"
    UNREADABLE = "unreadable"  # the source answers, but with no text we can read


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"low": 0, "medium": 1, "high": 2}[self.value]


@dataclass(frozen=True)
class FlagSpec:
    """A condition that holds for a citation now: the store opens or keeps its flag."""

    kind: FlagKind
    severity: Severity
    detail: dict[str, Any] = field(default_factory=dict)
