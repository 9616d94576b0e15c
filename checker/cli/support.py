"""`citecheck support …`: measure claim support on your own labelled pairs, or score one.

    citecheck support eval pairs.jsonl [--backend B] [--json]
    citecheck support score --claim TEXT (--text FILE | --url URL) [--backend B] [--json]

A pairs file holds one JSON object per line: {"claim": ..., "evidence": text or list of
sentences, "label": ...}, or "sources": [text, text, ...] for a sentence that cites
several sources (judged with all of them, as a check does). Labels "supported" / true / 1
are supported; any other label ("not_supported", "partially_supported", false, 0) is not.
`eval` reports the three outcomes exactly as a check raises them: flagged unsupported
(a stated reason), not confirmed (shown, never alerted) and supported.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.cli.common import UserError, print_json, run_async
from checker.settings import Settings

POSITIVE_LABELS = frozenset({"supported", "support", "true", "1", "yes", "entailment"})


def register(sub: Any) -> None:
    p = sub.add_parser("support", help="measure or try the claim-support scorer")
    support = p.add_subparsers(dest="support_command", metavar="<support command>", required=True)
    evaluate = support.add_parser(
        "eval",
        help="flagged / not confirmed / supported, as a check would raise them, on labelled pairs",
    )
    evaluate.add_argument("file", type=Path, help="JSON Lines: claim, evidence, label")
    _backend_option(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(handler=cmd_eval)
    score = support.add_parser("score", help="score one claim against a text or a URL")
    score.add_argument("--claim", required=True, help="the claim as the article states it")
    where = score.add_mutually_exclusive_group(required=True)
    where.add_argument("--text", type=Path, metavar="FILE", help="the source's text ('-': stdin)")
    where.add_argument("--url", help="fetch the source (same fetcher and safety rules as checks)")
    _backend_option(score)
    score.add_argument("--json", action="store_true", help="print the result as JSON")
    score.set_defaults(handler=cmd_score)


def _backend_option(parser: argparse.ArgumentParser) -> None:
    from checker.support import BACKENDS

    parser.add_argument(
        "--backend", choices=BACKENDS, help="scorer to use (default: [support] backend)"
    )


def _judge(args: argparse.Namespace, settings: Settings) -> Any:
    from checker.support import SupportBackendError, make_judge

    chosen = settings.support
    if args.backend:
        chosen = dataclasses.replace(chosen, backend=args.backend)
    try:
        return make_judge(chosen)
    except SupportBackendError as exc:
        raise UserError(str(exc)) from None


@dataclass(frozen=True)
class LabelledClaim:
    claim: str
    sources: tuple[str, ...]  # one text per cited source
    supported: bool


def read_pairs(path: Path) -> list[LabelledClaim]:
    """The labelled claims of a JSON Lines file; one-line errors naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    found: list[LabelledClaim] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise UserError(f"{where}: expected an object with claim, evidence and label")
        claim, label = row.get("claim"), row.get("label")
        if not isinstance(claim, str) or not claim.strip():
            raise UserError(f"{where}: 'claim' must be a non-empty string")
        sources = row.get("sources")
        if sources is not None:
            if not (
                isinstance(sources, list) and sources and all(isinstance(t, str) for t in sources)
            ):
                raise UserError(f"{where}: 'sources' must be a non-empty list of texts")
            texts = tuple(sources)
        else:
            texts = (_evidence_text(row.get("evidence"), where),)
        if label is None or isinstance(label, (dict, list)):
            raise UserError(f"{where}: 'label' is missing (supported or not)")
        found.append(LabelledClaim(claim, texts, str(label).strip().lower() in POSITIVE_LABELS))
    if not found:
        raise UserError(f"{path}: no pairs in the file")
    return found


def _evidence_text(evidence: object, where: str) -> str:
    if isinstance(evidence, list) and all(isinstance(s, str) for s in evidence):
        return "\n".join(evidence)
    if not isinstance(evidence, str):
        raise UserError(f"{where}: 'evidence' must be a string or a list of strings")
    return evidence


OUTCOMES = ("supported", "not_confirmed", "unsupported")
_SHOWN = {"supported": "supported", "not_confirmed": "not confirmed", "unsupported": "flagged"}


def judge_claims(judge: Any, claims: list[LabelledClaim]) -> list[Any]:
    """Each claim's verdict as a check raises it: every cited source judged part by part,
    then all of them together (checker.support.together)."""
    from checker.support.together import judge_together, sentence_label

    flat = [(c.claim, text) for c in claims for text in c.sources]
    supports = iter(judge.judge_many(flat))
    verdicts = []
    for c in claims:
        per_source = [next(supports) for _ in c.sources]
        verdicts.append(sentence_label(judge_together([s.parts for s in per_source])))
    return verdicts


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from checker.support import calibration as cal

    claims = read_pairs(args.file)
    judge = _judge(args, settings)
    start = time.perf_counter()
    verdicts = judge_claims(judge, claims)
    elapsed = time.perf_counter() - start
    labels = [c.supported for c in claims]
    scores = [v.score for v in verdicts]
    table = {row: dict.fromkeys(OUTCOMES, 0) for row in ("supported", "not supported")}
    for verdict, is_supported in zip(verdicts, labels, strict=True):
        table["supported" if is_supported else "not supported"][verdict.label.value] += 1
    positives, negatives = sum(labels), len(labels) - sum(labels)
    outcome = [1.0 if v.label.value == "supported" else 0.0 for v in verdicts]
    both = 0 < positives < len(labels)
    figures = {
        "backend": judge.name,
        "pairs": len(claims),
        "supported": positives,
        "balanced_accuracy": round(cal.balanced_accuracy(outcome, labels, 0.5), 4),
        "auc": round(cal.roc_auc(scores, labels), 4) if both else None,
        "supported_flagged": _share(table["supported"]["unsupported"], positives),
        "not_supported_flagged": _share(table["not supported"]["unsupported"], negatives),
        "outcomes": table,
        "claims_per_s": round(len(claims) / elapsed, 1) if elapsed > 0 else None,
    }
    if args.json:
        print_json(figures)
        return 0
    auc = figures["auc"]
    print(f"{args.file}: {len(claims)} claims, {positives} supported ({judge.name} backend)")
    print(
        f"balanced accuracy {100 * figures['balanced_accuracy']:.1f} (supported or not); "
        f"AUC {'n/a (one class only)' if auc is None else f'{auc:.3f}'}; "
        f"{figures['claims_per_s']} claims/s"
    )
    print(
        f"supported claims flagged unsupported: {_percent(figures['supported_flagged'])}; "
        f"not-supported claims flagged with a reason: "
        f"{_percent(figures['not_supported_flagged'])}"
    )
    heading = "truth / outcome"
    print(f"\n{heading:16s} " + " ".join(f"{_SHOWN[o]:>13s}" for o in OUTCOMES))
    for truth, row in table.items():
        print(f"{truth:16s} " + " ".join(f"{row[o]:13d}" for o in OUTCOMES))
    return 0


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def _percent(share: object) -> str:
    return "n/a" if share is None else f"{100 * float(share):.1f}%"  # type: ignore[arg-type]


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    claim = args.claim.strip()
    if not claim:
        raise UserError("--claim: empty claim")
    text = _source_text(args, settings)
    support = _judge(args, settings).judge(claim, text)
    if args.json:
        print_json(
            {
                "score": round(support.score, 4),
                "label": support.label.value,
                "backend": support.backend,
                "reason": support.reason,
                "passage": support.passages[0] if support.passages else None,
                "parts": [
                    {
                        "part": p.text,
                        "label": p.label.value,
                        "score": round(p.score, 4),
                        "reason": p.reason,
                        "passage": p.passage,
                    }
                    for p in support.parts
                ],
            }
        )
        return 0
    print(f"{support.label.value.replace('_', ' ')} ({support.score:.2f}, {support.backend})")
    if support.reason:
        print(f"reason: {support.reason}")
    if len(support.parts) > 1:
        for part in support.parts:
            print(f"part: {part.label.value.replace('_', ' '):13s} {part.text}")
    elif support.passages:
        print(f"passage: {support.passages[0]}")
    return 0


def _source_text(args: argparse.Namespace, settings: Settings) -> str:
    if args.text is not None:
        if str(args.text) == "-":
            return sys.stdin.read()
        try:
            path: Path = args.text
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise UserError(f"{args.text}: cannot read ({exc.strerror or exc})") from None
    return str(run_async(_fetch_text(args.url, settings)))


async def _fetch_text(url: str, settings: Settings) -> str:
    from checker.extract import extract
    from checker.fetch import Fetcher
    from checker.model import ExtractError
    from checker.urls import BadUrl, normalize_url

    try:
        url = normalize_url(url)
    except BadUrl as exc:
        raise UserError(f"--url: {exc}") from None
    async with Fetcher(settings.fetch) as fetcher:
        result = await fetcher.fetch(url)
    if result.error is not None or result.status != 200:
        why = result.error_message or f"HTTP {result.status}"
        raise UserError(f"{url}: cannot read the source ({why})")
    try:
        document = extract(result.body, result.content_type, result.final_url,
                           charset=result.charset)  # fmt: skip
    except ExtractError as exc:
        raise UserError(str(exc)) from None
    text: str = document.text
    return text
