"""`citecheck support …`: measure claim support on your own labelled pairs, or score one.

    citecheck support eval pairs.jsonl [--backend B] [--json]
    citecheck support score --claim TEXT (--text FILE | --url URL) [--backend B] [--json]

A pairs file holds one JSON object per line: {"claim": ..., "evidence": text or list of
sentences, "label": ...}. Labels "supported" / true / 1 are supported; any other label
("not_supported", "partially_supported", false, 0) is not.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from checker.cli.common import UserError, print_json, run_async
from checker.settings import Settings

POSITIVE_LABELS = frozenset({"supported", "support", "true", "1", "yes", "entailment"})


def register(sub: Any) -> None:
    p = sub.add_parser("support", help="measure or try the claim-support scorer")
    support = p.add_subparsers(dest="support_command", metavar="<support command>", required=True)
    evaluate = support.add_parser(
        "eval", help="balanced accuracy, AUC and confusion table on labelled pairs"
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


def _scorer(args: argparse.Namespace, settings: Settings) -> Any:
    from checker.support import SupportBackendError, make_scorer

    chosen = settings.support
    if args.backend:
        chosen = dataclasses.replace(chosen, backend=args.backend)
    try:
        return make_scorer(chosen)
    except SupportBackendError as exc:
        raise UserError(str(exc)) from None


def read_pairs(path: Path) -> tuple[list[tuple[str, str]], list[bool]]:
    """The (claim, evidence text) pairs and labels of a JSON Lines file; one-line errors."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    pairs: list[tuple[str, str]] = []
    labels: list[bool] = []
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
        claim, evidence, label = row.get("claim"), row.get("evidence"), row.get("label")
        if not isinstance(claim, str) or not claim.strip():
            raise UserError(f"{where}: 'claim' must be a non-empty string")
        if isinstance(evidence, list) and all(isinstance(s, str) for s in evidence):
            evidence = "\n".join(evidence)
        if not isinstance(evidence, str):
            raise UserError(f"{where}: 'evidence' must be a string or a list of strings")
        if label is None or isinstance(label, (dict, list)):
            raise UserError(f"{where}: 'label' is missing (supported or not)")
        pairs.append((claim, evidence))
        labels.append(str(label).strip().lower() in POSITIVE_LABELS)
    if not pairs:
        raise UserError(f"{path}: no pairs in the file")
    return pairs, labels


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from checker.support import calibration as cal
    from checker.support import label_for

    pairs, labels = read_pairs(args.file)
    scorer = _scorer(args, settings)
    start = time.perf_counter()
    supports = scorer.score_many(pairs)
    elapsed = time.perf_counter() - start
    scores = [s.score for s in supports]
    threshold = settings.support.supported_threshold
    table = {
        row: {"supported": 0, "uncertain": 0, "unsupported": 0}
        for row in ("supported", "not supported")
    }
    for support, is_supported in zip(supports, labels, strict=True):
        label = label_for(support.score, settings.support).value
        table["supported" if is_supported else "not supported"][label] += 1
    figures = {
        "backend": scorer.name,
        "pairs": len(pairs),
        "supported": sum(labels),
        "balanced_accuracy": round(cal.balanced_accuracy(scores, labels, threshold), 4),
        "auc": round(cal.roc_auc(scores, labels), 4) if 0 < sum(labels) < len(labels) else None,
        "threshold": threshold,
        "confusion": table,
        "claims_per_s": round(len(pairs) / elapsed, 1) if elapsed > 0 else None,
    }
    if args.json:
        print_json(figures)
        return 0
    auc = figures["auc"]
    print(f"{args.file}: {len(pairs)} pairs, {sum(labels)} supported ({scorer.name} backend)")
    print(
        f"balanced accuracy {100 * figures['balanced_accuracy']:.1f} at {threshold:g}; "
        f"AUC {'n/a (one class only)' if auc is None else f'{auc:.3f}'}; "
        f"{figures['claims_per_s']} claims/s"
    )
    heading = "truth / scored"
    print(f"\n{heading:16s} {'supported':>10s} {'uncertain':>10s} {'unsupported':>12s}")
    for truth, row in table.items():
        print(f"{truth:16s} {row['supported']:10d} {row['uncertain']:10d} {row['unsupported']:12d}")
    return 0


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    claim = args.claim.strip()
    if not claim:
        raise UserError("--claim: empty claim")
    text = _source_text(args, settings)
    support = _scorer(args, settings).score(claim, text)
    if args.json:
        print_json(
            {
                "score": round(support.score, 4),
                "label": support.label.value,
                "backend": support.backend,
                "passage": support.passages[0] if support.passages else None,
                "mismatches": list(support.mismatches),
            }
        )
        return 0
    print(f"{support.label.value} ({support.score:.2f}, {support.backend})")
    if support.passages:
        print(f"passage: {support.passages[0]}")
    for mismatch in support.mismatches:
        print(f"mismatch: {mismatch}")
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
