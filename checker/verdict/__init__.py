"""Verdict: what a check saw, and which flags hold because of it. Pure.

`conditions` turns liveness, evidence and support results into flag conditions;
`sight` decides how much of the source a check actually saw; `citation` judges one
citation from what was seen.
"""

from checker.verdict.conditions import (
    EVIDENCE_KINDS,
    SOURCE_KINDS,
    combine,
    evidence_conditions,
    is_confirmed,
    next_health,
    source_conditions,
    support_conditions,
)

__all__ = [
    "EVIDENCE_KINDS",
    "SOURCE_KINDS",
    "combine",
    "evidence_conditions",
    "is_confirmed",
    "next_health",
    "source_conditions",
    "support_conditions",
]
