"""A realistic sample event for `citecheck alerts test`: a dead source with an archived copy."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from checker.alert_model import AlertFacts


def sample_facts(now: datetime) -> AlertFacts:
    return AlertFacts(
        event_id=f"test_{uuid.uuid4().hex}",
        event_type="flag.opened",
        created_at=now,
        flag_id=0,
        kind="dead",
        severity="high",
        status="open",
        opened_at=now,
        resolved_at=None,
        resolved_by=None,
        article_id=0,
        article_url="https://news.example.org/2026/budget-rises",
        article_title="City budget rises 3 percent (citecheck test alert)",
        article_tags=("test",),
        citation_id=0,
        citation_ref="1",
        claim="The city budget rose 3 percent this year, the council's report says.",
        quote=None,
        source_id=0,
        source_url="https://council.example.org/reports/budget-2026.pdf",
        detail={
            "reason": "not_found",
            "failures": 3,
            "failing_since": (now - timedelta(days=2)).isoformat(),
            "archived_url": "https://web.archive.org/web/2026/https://council.example.org/reports/budget-2026.pdf",
            "test": True,
        },
    )
