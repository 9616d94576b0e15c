"""How an alert reads to a person: the words shared by the Slack and Teams formats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from checker.alert_model import AlertFacts

KIND_LABELS = {
    "dead": "Dead link",
    "unreachable": "Source unreachable",
    "blocked": "Source blocks checking",
    "moved": "Source moved",
    "evidence_removed": "Evidence removed",
    "evidence_changed": "Evidence edited",
    "unsupported": "Claim not supported by source",
    "content_drift": "Source page changed",
    "unreadable": "Source cannot be read",
}
SEVERITY_MARKS = {"high": "🔴", "medium": "🟠", "low": "🟡"}
RESOLVED_MARK = "✅"


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def why(facts: AlertFacts) -> str:
    """The condition in a few words: the reason, where it moved, what changed."""
    d = facts.detail
    if facts.kind in ("dead", "unreachable", "blocked"):
        return str(d.get("reason") or "").replace("_", " ")
    if facts.kind == "moved":
        target = d.get("final_url") or d.get("new_url") or d.get("moved_to")
        return f"now at {target}" if target else ""
    if facts.kind == "evidence_changed":
        changes = d.get("changes") or []
        return ("changed: " + ", ".join(map(str, changes))) if changes else "wording changed"
    if facts.kind == "evidence_removed":
        hidden = d.get("hidden_by")
        return f"hidden by {hidden}" if hidden else "the cited passage is gone"
    if facts.kind == "unsupported":
        score = d.get("score")
        return f"support score {score}" if score is not None else ""
    drift = d.get("drift")
    return f"{round(float(drift) * 100)}% of the page changed" if drift is not None else ""


def title(facts: AlertFacts) -> str:
    """One line: what happened, how bad, why."""
    label = kind_label(facts.kind)
    reason = why(facts)
    tail = f" ({reason})" if reason else ""
    if facts.event_type == "flag.resolved":
        by = (facts.resolved_by or "resolved").replace("_", " ")
        return f"{RESOLVED_MARK} Resolved ({by}): {label}{tail}"
    mark = SEVERITY_MARKS.get(facts.severity, "")
    verb = "Escalated to " if facts.event_type == "flag.escalated" else ""
    return f"{mark} {verb}{facts.severity.capitalize()}: {label}{tail}".strip()


def article_name(facts: AlertFacts) -> str:
    return facts.article_title.strip() or facts.article_url


def evidence_lines(facts: AlertFacts) -> tuple[str, str] | None:
    """(before, after) of an edited or removed passage, when the flag carries them."""
    before = str(facts.detail.get("before") or "")
    after = str(facts.detail.get("after") or "")
    if facts.kind not in ("evidence_changed", "evidence_removed") or not (before or after):
        return None
    return before, after


def batch_summary(items: Sequence[AlertFacts]) -> str:
    """ "12 new problems, 3 resolved: 10 dead links, 2 evidence edited" for a grouped message."""
    opened = [f for f in items if f.event_type != "flag.resolved"]
    resolved = len(items) - len(opened)
    parts = []
    if opened:
        parts.append(f"{len(opened)} new problem{'s' if len(opened) != 1 else ''}")
    if resolved:
        parts.append(f"{resolved} resolved")
    kinds = Counter(kind_label(f.kind).lower() for f in opened)
    detail = ", ".join(f"{n} × {k}" for k, n in kinds.most_common(4))
    head = ", ".join(parts) or "no changes"
    return f"{head}: {detail}" if detail else head


def cut(text: str, limit: int) -> str:
    """Shorten to at most `limit` characters with an ellipsis (platform length limits)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
