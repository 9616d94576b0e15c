"""How much of the source a check saw: its own content, part of it, or a stand-in. Pure.

Evidence, support and drift are judged only on what the source itself says. A rate
limit, a legal block, a login or consent page, a bot challenge, a server error or a
timeout stands in front of the source: whatever text it carries says nothing about the
citation, so nothing about the citation's evidence opens or resolves ("cannot verify
since …"). A paywall teaser, or a body we cut at `max_bytes`, shows the start of the
source: a citation whose evidence is visible in it is verified, the others are not.

Some classifications rest on the page's wording (a soft 404's "not found", a consent
banner, a login form, a maintenance notice). Such a page that still carries a
citation's baseline evidence is the article itself, whatever its sidebar or banner
says: `reconsider` overturns those to alive. A permanent redirect keeps `moved` only
when the evidence travelled; a redirect to an unrelated page is a dead link.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from checker.model import EvidenceChange, EvidenceStatus, Liveness, LivenessState


class Sight(StrEnum):
    FULL = "full"  # the source's own content
    PARTIAL = "partial"  # its start only (paywall teaser, a body cut at max_bytes)
    NONE = "none"  # something stands in front of it, or nothing readable came back


# 200 answers classified by their wording: the article may still be behind the words.
OVERTURNABLE = frozenset({"soft_404", "consent_wall", "geo_block", "login_wall", "maintenance"})

# A redirect target that keeps less than this share of the last text, under another
# title, is another page.
RELATED_SHARE = 0.2


def worth_reading(liveness: Liveness, status: int | None, has_body: bool) -> bool:
    """Should the body be extracted at all? Only where it may be the source's content."""
    if not has_body:
        return False
    if liveness.state in (LivenessState.ALIVE, LivenessState.MOVED):
        return True
    ok = status is not None and 200 <= status < 300
    return ok and (liveness.reason in OVERTURNABLE or liveness.reason == "paywall")


def reconsider(
    liveness: Liveness,
    changes: Iterable[EvidenceChange],
    *,
    same_text: bool,
    related: bool,
    short: bool = False,
) -> Liveness:
    """Correct a wording-based classification with what the page says about the citations.

    `changes` are the evidence comparisons against this page; `same_text` says the page
    is word for word the last text read of the source; `related` says it shares its
    text or title with that last text; `short` that it has little text at all.
    """
    changes = list(changes)
    statuses = {c.status for c in changes}
    carried = same_text or EvidenceStatus.UNCHANGED in statuses
    if liveness.reason in OVERTURNABLE and carried:
        was = {"reason": liveness.reason, "cue": liveness.detail.get("cue")}
        cue = f"the page still carries the cited evidence (despite: {was['cue']})"
        return Liveness(LivenessState.ALIVE, "", liveness.detail | {"cue": cue, "overturned": was})
    walled = any("paywall" in (c.hidden_by, c.page_cut) for c in changes)
    if liveness.state is LivenessState.ALIVE and walled:
        # A long teaser: too much text for the page cue, but it now stops at a
        # subscription prompt. Citations it still shows are verified (PARTIAL).
        cue = "the page now stops at a subscription prompt"
        return Liveness(LivenessState.BLOCKED, "paywall", liveness.detail | {"cue": cue})
    if not statuses or carried or EvidenceStatus.MODIFIED in statuses or related:
        return liveness  # the article, here or moved (what became of its evidence is per citation)
    if liveness.state is LivenessState.ALIVE and short:
        # A few words that share nothing with the article: an error or placeholder page
        # we have no cue for stands in front of it, which is no proof the evidence went.
        cue = "a short page that shares nothing with the cited article"
        return Liveness(
            LivenessState.TRANSIENT, "unrecognised_page", liveness.detail | {"cue": cue}
        )
    if liveness.state is not LivenessState.MOVED:
        return liveness  # a whole other text at the same address: judged per citation
    target = liveness.detail.get("new_url") or liveness.detail.get("final_url")
    cue = f"permanently redirected to an unrelated page {str(target)[:120]}"
    return Liveness(LivenessState.DEAD, "redirect_unrelated", liveness.detail | {"cue": cue})


def sight_of(liveness: Liveness, *, truncated: bool) -> Sight:
    if liveness.state is LivenessState.BLOCKED and liveness.reason == "paywall":
        return Sight.PARTIAL
    if liveness.state not in (LivenessState.ALIVE, LivenessState.MOVED):
        return Sight.NONE
    if truncated or liveness.detail.get("paywall"):
        return Sight.PARTIAL
    return Sight.FULL


def unseen_reason(liveness: Liveness, *, truncated: bool) -> str:
    """Why the citations could not be verified, in liveness's words."""
    if liveness.state in (LivenessState.ALIVE, LivenessState.MOVED):
        return "truncated" if truncated else ("paywall" if liveness.detail.get("paywall") else "")
    if liveness.state is LivenessState.UNCHECKABLE:
        return "unreadable"
    return liveness.reason or liveness.state.value
