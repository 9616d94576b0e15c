"""What a run reports: sources checked, by state, failures awaiting confirmation, errors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from checker.outcome import SourceOutcome, SourceTask


@dataclass
class RunReport:
    checked: int = 0
    states: Counter[str] = field(default_factory=Counter)
    suspects: list[dict[str, Any]] = field(default_factory=list)  # failures awaiting confirmation
    errors: list[dict[str, Any]] = field(default_factory=list)  # internal errors (bugs), per source
    lost_leases: int = 0
    released: int = 0  # leases handed back unchecked (shutdown deadline)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "states": dict(self.states),
            "suspects": self.suspects,
            "errors": self.errors,
            "lost_leases": self.lost_leases,
            "released": self.released,
        }

    def count(self, task: SourceTask, outcome: SourceOutcome, *, confirm_failures: int) -> None:
        """Count a written check."""
        self.checked += 1
        state = outcome.liveness.state.value
        # An answering source we cannot read is no "alive" all-clear in the summary.
        self.states["unreadable" if outcome.detail.get("unreadable") else state] += 1
        if outcome.health.state == "suspect":
            self.suspects.append(
                {
                    "url": task.url,
                    "reason": outcome.liveness.reason,
                    "failures": outcome.health.failure_count,
                    "needed": confirm_failures,
                    "next_check_at": outcome.next_check_at.isoformat(),
                }
            )
