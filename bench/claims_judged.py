"""Judge labelled claims as a check would raise them, with whichever citecheck is importable.

    python bench/claims_judged.py IN.jsonl OUT.jsonl

IN holds {"claim", "sources": [text, ...]} per line; OUT gets, per line, {"outcome":
"supported" | "not_confirmed" | "unsupported", "score", "reason", "named": [words the
reason is about]}. bench_claims.py runs it in-process for this tree, and as a
subprocess with PYTHONPATH set to an older revision's worktree for `--before REV`: a
revision from before claims were judged part by part (no `make_judge`) is read the way
it raised flags then: each source scored against the whole sentence, "unsupported"
under unsupported_threshold, "uncertain" as not confirmed, and the sentence as bad as
its worst citation.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

_CLAIM_SAYS = re.compile(r"claim (?:says|names|negates) '?([^,']+)'?")
RANK = {"supported": 0, "not_confirmed": 1, "uncertain": 1, "unsupported": 2}


def judge_rows(rows: list[dict[str, Any]], backend: str = "lexical") -> list[dict[str, Any]]:
    from checker.settings import SupportSettings

    settings = SupportSettings(backend=backend)
    try:
        from checker.support import make_judge
    except ImportError:
        return _judge_before(rows, settings)
    from checker.support.together import judge_together, sentence_label

    judge = make_judge(settings)
    flat = [(row["claim"], text) for row in rows for text in row["sources"]]
    supports = iter(judge.judge_many(flat))
    out = []
    for row in rows:
        per_source = [next(supports) for _ in row["sources"]]
        verdict = sentence_label(judge_together([s.parts for s in per_source]))
        named = [
            word
            for s in per_source
            for part in s.parts
            if part.text == verdict.part and part.label.value == verdict.label.value
            for word in part.named
        ]
        out.append(
            {
                "outcome": verdict.label.value,
                "score": verdict.score,
                "reason": verdict.reason,
                "named": named or ([verdict.part] if verdict.part else []),
            }
        )
    return out


def _judge_before(rows: list[dict[str, Any]], settings: Any) -> list[dict[str, Any]]:
    """The flags of a revision that scored each source against the whole sentence."""
    from checker.support import make_scorer

    scorer = make_scorer(settings)
    flat = [(row["claim"], text) for row in rows for text in row["sources"]]
    supports = iter(scorer.score_many(flat))
    out = []
    for row in rows:
        per_source = [next(supports) for _ in row["sources"]]
        worst = max(per_source, key=lambda s: RANK[s.label.value])
        label = "not_confirmed" if worst.label.value == "uncertain" else worst.label.value
        reason = "; ".join(worst.mismatches)
        named = [m.group(1) for m in _CLAIM_SAYS.finditer(reason)]
        out.append(
            {
                "outcome": label,
                "score": min(s.score for s in per_source),
                "reason": reason,
                "named": named or [row["claim"]],
            }
        )
    return out


def main() -> int:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    judged = judge_rows(rows, sys.argv[3] if len(sys.argv) > 3 else "lexical")
    target.write_text("".join(json.dumps(r) + "\n" for r in judged), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
