"""Evidence tracking on real pages: is every change to the evidence behind a claim
reported, and nothing else? And what does it cost next to bare trafilatura?

For each of the 60 saved news pages (shared/data/news-pages) a cited sentence is
picked, the page is mutated in every way tests/mutations.py knows, and each mutated
page goes through extract → compare → verdict.evidence_conditions, as a check does.
Evidence is anchored twice: on the sentence as the editor's quote, and from a claim
alone (the sentence with every third word dropped, no quote).

Prints detection per mutation kind (the flag an editor would see), false alarms on
the kinds that must raise none, throughput of extract + evidence next to bare
`trafilatura.extract` on the same pages in the same run, and peak RSS.

Run: /work/venv/bin/python bench/bench_evidence.py [--rounds 3] [--pages 60]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import mutations  # noqa: E402

from checker import evidence as ev  # noqa: E402
from checker.evidence.match import layout  # noqa: E402
from checker.extract import Extractor, extract  # noqa: E402
from checker.model import Document, Evidence, ExtractError  # noqa: E402
from checker.settings import EvidenceSettings, ExtractSettings  # noqa: E402
from checker.text import fold  # noqa: E402
from checker.verdict import evidence_conditions  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SETTINGS = EvidenceSettings()
GOAL_DETECTED = 0.95
GOAL_FALSE_ALARMS = 0.02
GOAL_SLOWDOWN = 1.5


@dataclass(frozen=True)
class Case:
    page: mutations.NewsPage
    sentence: str
    baseline: Document  # as the store gives it back: rebuilt from its text
    by_quote: Evidence
    by_claim: Evidence


@dataclass(frozen=True)
class Outcome:
    kind: str
    mode: str  # "quote" | "claim"
    flagged: bool  # exactly the expected flags (none for the no-change kinds)
    exact: bool  # and hidden_by / severity / kinds of fact / notices as expected
    same_fingerprint: bool


def claim_from(sentence: str) -> str:
    """A claim that says what the sentence says in fewer words."""
    return " ".join(w for i, w in enumerate(sentence.split()) if i % 3 != 2)


def prepare(pages: list[mutations.NewsPage]) -> tuple[list[Case], list[str]]:
    cases: list[Case] = []
    skipped: list[str] = []
    for page in pages:
        try:
            base = extract(page.html, "text/html", page.url)
        except ExtractError as exc:
            skipped.append(f"{page.id[:8]}: baseline not extracted ({exc})")
            continue

        def usable(sentence: str, base: Document = base) -> bool:
            return ev.quote_found(ev.anchor("", sentence, base, SETTINGS), base)

        sentence = mutations.pick_evidence(page, usable)
        if sentence is None:
            skipped.append(f"{page.id[:8]}: no sentence of the true body in the extraction")
            continue
        stored = Document.from_text(base.title, base.text)
        cases.append(
            Case(
                page,
                sentence,
                stored,
                ev.anchor("", sentence, stored, SETTINGS),
                ev.anchor(claim_from(sentence), None, stored, SETTINGS),
            )
        )
    return cases, skipped


def judge(case: Case, mutation: mutations.Mutation, mode: str) -> Outcome | None:
    evidence = case.by_quote if mode == "quote" else case.by_claim
    try:
        if mutation.name == "other_paragraph_edited":  # edits elsewhere spare all evidence
            html = mutations.edit_other_paragraph(case.page.html, case.sentence, evidence.passages)
        elif mutation.name == "rewritten_elsewhere":
            html = mutations.rewrite_elsewhere(case.page.html, case.sentence, evidence.passages)
        else:
            html = mutation.apply(case.page.html, case.sentence)
    except mutations.MutationError:
        return None
    try:
        current = extract(html, "text/html", case.page.url)
    except ExtractError:
        flagged = mutation.flag is None  # no document: no evidence flag at all
        return Outcome(mutation.name, mode, flagged, flagged, False)
    change = ev.compare(evidence, case.baseline, current, SETTINGS)
    flags = [f.kind.value for f in evidence_conditions(change, SETTINGS)[0]]
    flagged = flags == ([mutation.flag] if mutation.flag else [])
    exact = flagged
    if mutation.flag == "evidence_removed":
        exact &= change.hidden_by == mutation.hidden_by
    if mutation.severity:
        exact &= change.severity == mutation.severity
        exact &= set(mutation.changes) <= set(change.changes)
    if mutation.name == "corrected":
        exact &= any(n.startswith("Correction:") for n in change.notices)
    same = ev.fingerprint(current) == ev.fingerprint(case.baseline)
    return Outcome(mutation.name, mode, flagged, exact, same)


def quality(cases: list[Case]) -> None:
    outcomes: list[Outcome] = []
    skips: Counter[str] = Counter()
    for case in cases:
        for mutation in mutations.MUTATIONS:
            for mode in ("quote", "claim"):
                outcome = judge(case, mutation, mode)
                if outcome is None:
                    skips[mutation.name] += 1
                else:
                    outcomes.append(outcome)
    anchored = sum(
        bool(c.by_claim.passages) and fold(c.by_claim.passages[0]) == fold(c.sentence)
        for c in cases
    )
    print(
        f"\nEvidence anchored from the claim alone on the cited sentence: {anchored}/{len(cases)}"
    )
    by_kind: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[(outcome.kind, outcome.mode)].append(outcome)
    print(
        f"\n{'mutation kind':24} {'expected flag':17} {'quote: ok  exact':>17} "
        f"{'claim: ok  exact':>17} {'same fp':>8} {'skip':>5}"
    )
    for mutation in mutations.MUTATIONS:
        row = []
        for mode in ("quote", "claim"):
            group = by_kind[(mutation.name, mode)]
            n = len(group) or 1
            row.append(
                f"{sum(o.flagged for o in group) / n:9.1%} {sum(o.exact for o in group) / n:6.1%}"
            )
        quote = by_kind[(mutation.name, "quote")]
        same = sum(o.same_fingerprint for o in quote) / (len(quote) or 1)
        print(
            f"{mutation.name:24} {mutation.flag or '(none)':17} {row[0]:>17} {row[1]:>17} "
            f"{same:8.0%} {skips[mutation.name] // 2:5d}"
        )
    for mode in ("quote", "claim"):
        changed = [o for o in outcomes if o.mode == mode and o.kind not in mutations.NO_CHANGE]
        evidence_changed = [o for o in changed if o.kind != "rewritten_elsewhere"]
        quiet = [o for o in outcomes if o.mode == mode and o.kind in mutations.NO_CHANGE]
        detected = sum(o.flagged for o in evidence_changed) / len(evidence_changed)
        alarms = sum(not o.flagged for o in quiet) / len(quiet)
        drift = [o for o in changed if o.kind == "rewritten_elsewhere"]
        print(
            f"{mode:5} anchoring: evidence changes detected {detected:.1%} "
            f"(goal ≥ {GOAL_DETECTED:.0%}, n={len(evidence_changed)}); "
            f"false alarms {alarms:.1%} (goal ≤ {GOAL_FALSE_ALARMS:.0%}, n={len(quiet)}); "
            f"content drift detected {sum(o.flagged for o in drift) / len(drift):.1%}"
        )


def throughput(cases: list[Case], rounds: int) -> None:
    """Per page, the best of `rounds` timings for each side, alternating which goes first."""
    work = [
        (c, mutations.change_figure(c.page.html, c.sentence)) for c in cases
    ]  # an edited page: compare takes its slow path
    bare = [float("inf")] * len(work)
    ours = [float("inf")] * len(work)

    def run_bare(html: bytes) -> float:
        start = time.perf_counter()
        trafilatura.extract(html)
        return time.perf_counter() - start

    def run_ours(case: Case, html: bytes) -> float:
        layout.cache_clear()  # count the sentence layouts of both documents every time
        start = time.perf_counter()
        current = extract(html, "text/html", case.page.url)
        ev.fingerprint(current)
        ev.compare(case.by_quote, case.baseline, current, SETTINGS)
        return time.perf_counter() - start

    for round_ in range(rounds):
        for i, (case, html) in enumerate(work):
            if (i + round_) % 2:
                bare[i] = min(bare[i], run_bare(html))
                ours[i] = min(ours[i], run_ours(case, html))
            else:
                ours[i] = min(ours[i], run_ours(case, html))
                bare[i] = min(bare[i], run_bare(html))
    n = len(work)
    print(f"\nThroughput, one process, {n} pages, best of {rounds} rounds per page:")
    print(f"  bare trafilatura.extract           {n / sum(bare):7.1f} pages/s")
    print(f"  citecheck extract + evidence       {n / sum(ours):7.1f} pages/s")
    print(
        f"  slowdown                           {sum(ours) / sum(bare):7.2f}x "
        f"(goal ≤ {GOAL_SLOWDOWN}x)"
    )

    async def pooled() -> tuple[float, int, float]:
        with Extractor(ExtractSettings()) as extractor:
            warm = [b"<html><body><p>warm up</p></body></html>"] * extractor.processes * 2
            await asyncio.gather(*(extractor.extract(h, "text/html", "bench:") for h in warm))
            wall = float("inf")
            for _ in range(rounds):
                start = time.perf_counter()
                await asyncio.gather(
                    *(extractor.extract(html, "text/html", c.page.url) for c, html in work)
                )
                wall = min(wall, time.perf_counter() - start)
            pids = list(extractor._pool._processes) if extractor._pool else []
            return wall, extractor.processes, max(map(_peak_rss_mb, pids), default=0.0)

    wall, workers, worker_rss = asyncio.run(pooled())
    print(
        f"  Extractor pool ({workers} processes), extract only {n / wall:7.1f} pages/s (best run)"
    )
    print(f"  peak RSS of the largest extraction worker {worker_rss:.0f} MB")


def _peak_rss_mb(pid: int) -> float:
    """VmHWM of a live process (Linux); the pool's workers are not our direct children."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (default 3)")
    parser.add_argument("--pages", type=int, default=60, help="pages to use (default all)")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"bench_evidence: shared data not found at {DATA}")
    started = time.perf_counter()
    cases, skipped = prepare(mutations.news_pages(DATA)[: args.pages])
    print(f"Pages with a cited sentence: {len(cases)}")
    for line in skipped:
        print(f"  skipped {line}")
    quality(cases)
    throughput(cases, args.rounds)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nPeak RSS of the benchmark process (all 60 pages and their mutations held): {own:.0f} MB"
    )
    print(f"Run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
