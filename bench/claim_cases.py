"""Held-out test cases for the claim-support checker, built from real data.

    python bench/claim_cases.py --summary
    python bench/claim_cases.py --split heldout --out heldout.jsonl
    python bench/claim_cases.py --split tune --examples 2

Each case is a claim, the source text(s) it cites and whether they support it. Supported
claims come from WiCE dev rows labelled `supported` and from sentences of the pages WiCE cites
and of English news pages (lightly rewritten, never word for word); every other case is one of
them edited: a name swapped, the statement negated, a figure changed (each edit checked against
the source), two claims joined, or the claim rewritten in another form that keeps its facts
(controls, which measure false alarms). See bench/CLAIM_CASES.md.

The word lists (bench/claim_edits_lexicon.py) are this generator's own, written apart from the
checker's detectors, so the cases do not share the checker's blind spots.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claim_base import Origin, Part, all_origins, page_groups
from claim_figures import figure_edits
from claim_formats import format_controls
from claim_joins import Joined, compound, multi_source
from claim_names import name_edits
from claim_negation import negation_controls, negations
from claim_paraphrase import paraphrase_controls
from claim_text import Edit, occurs, stable_hash

SPLITS = ("tune", "heldout")
HELDOUT_SHARE = 40  # percent of origins
FAMILY_CAP = 120  # cases per family per split
ORIGIN_CAP = 12  # cases per origin per family per split
FAMILIES = tuple(
    "control name negation number date money percent unit compound multi_source".split()
)


@dataclass(frozen=True)
class ClaimCase:
    id: str
    split: str
    family: str
    variant: str
    claim: str
    sources: tuple[str, ...]
    label: str  # "supported" or "not_supported"
    changed: str  # the wrong span of `claim` ("" when supported)
    original: str  # the supported claim this case was built from
    origin: str  # "wice:dev02986", "news:<page id>", or several joined by "+"

    def row(self) -> dict[str, object]:
        evidence: str | list[str] = (
            self.sources[0] if len(self.sources) == 1 else list(self.sources)
        )
        return {
            "id": self.id,
            "family": self.family,
            "variant": self.variant,
            "claim": self.claim,
            "evidence": evidence,
            "sources": list(self.sources),
            "label": self.label,
            "changed": self.changed,
            "original": self.original,
            "origin": self.origin,
            "split": self.split,
        }


def split_of(origin_id: str) -> str:
    """The split of an origin: "heldout" for about 40% of origins, "tune" for the rest, by the
    sha256 of the origin id (for WiCE rows citing the same page, of the first such row's id).
    A case of several origins ("a+b") goes with its first; the generator only joins origins of
    one split, so no held-out page is ever seen while tuning."""
    first = origin_id.split("+")[0]
    first = page_groups().get(first, first)  # WiCE rows citing one page split together
    return "heldout" if stable_hash(first) % 100 < HELDOUT_SHARE else "tune"


def _single(origin: Origin, part: Part) -> Iterator[tuple[Edit, str]]:
    """(edit, label) for every one-claim case built from a supported claim."""
    source = origin.source
    base = {"wice": "base:wice_claim", "page": "base:wice_page"}.get(part.kind, "base:news")
    if origin.key.startswith("news:"):
        base = "base:news"
    yield Edit("control", base, part.claim), "supported"
    for edit in (
        format_controls(part.claim, source)
        + negation_controls(part.claim)
        + paraphrase_controls(part.claim)
    ):
        yield edit, "supported"
    for edit in (
        name_edits(part.claim, (source,), part.support)
        + negations(part.claim, part.support)
        + figure_edits(part.claim, part.support, source)
    ):
        yield edit, "not_supported"


def _candidates(origins: list[Origin]) -> Iterator[Joined]:
    for origin in origins:
        for part in origin.claims:
            for edit, label in _single(origin, part):
                yield Joined(
                    edit.family,
                    edit.variant,
                    edit.claim,
                    (origin.source,),
                    label,
                    edit.changed,
                    part.claim,
                    (origin,),
                )
        yield from compound(origin)
    for split in SPLITS:
        pool = [(o, p) for o in origins if split_of(o.key) == split for p in o.claims]
        yield from multi_source(pool)


def _interleave(groups: Iterable[list[ClaimCase]]) -> list[ClaimCase]:
    queues = [list(g) for g in groups]
    out: list[ClaimCase] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out


def _select(found: list[ClaimCase]) -> list[ClaimCase]:
    """At most FAMILY_CAP cases per family and split: labels alternate, variants take turns,
    and no origin fills more than ORIGIN_CAP places."""
    by_key: dict[tuple[str, str], list[ClaimCase]] = defaultdict(list)
    for case in found:
        by_key[(case.split, case.family)].append(case)
    chosen: list[ClaimCase] = []
    for key in sorted(by_key):
        per_label: dict[str, dict[str, list[ClaimCase]]] = defaultdict(lambda: defaultdict(list))
        for case in sorted(by_key[key], key=lambda c: stable_hash(c.id)):
            per_label[case.label][case.variant].append(case)
        label_queues = [
            _interleave(per_label[label][v] for v in sorted(per_label[label]))
            for label in sorted(per_label)
        ]
        taken: Counter[str] = Counter()
        for case in _interleave(label_queues):
            if taken[case.origin] < ORIGIN_CAP and sum(taken.values()) < FAMILY_CAP:
                taken[case.origin] += 1
                chosen.append(case)
    return sorted(chosen, key=lambda c: (SPLITS.index(c.split), FAMILIES.index(c.family), c.id))


def _sound(case: Joined) -> bool:
    """The last, independent check of a case before it is kept."""
    if case.label == "supported":
        rewritten = case.claim != case.original or case.family != "control"
        return not case.changed and (rewritten or case.variant.startswith("base"))
    if not case.changed or case.claim.count(case.changed) != 1 or case.changed in case.original:
        return False
    if case.variant.startswith("outside_"):  # an outside name: in none of the sources
        return not any(occurs(case.changed, source) for source in case.sources)
    return case.claim != case.original


@cache
def build_cases() -> list[ClaimCase]:
    """Every case of both splits, the same on every run."""
    origins = all_origins()
    counters: Counter[tuple[str, str]] = Counter()
    candidates = [c for c in _candidates(origins) if _sound(c)]
    labels: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    for joined in candidates:
        labels[(joined.claim, joined.sources)].add(joined.label)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    found: list[ClaimCase] = []
    for joined in candidates:
        key = (joined.claim, joined.sources)
        if key in seen or len(labels[key]) > 1:
            continue  # a duplicate, or a text made both as a control and as an edit
        seen.add(key)
        short = "+".join(o.short for o in joined.origins)
        origin = "+".join(o.key for o in joined.origins)
        number = counters[(joined.family, short)]
        counters[(joined.family, short)] += 1
        found.append(
            ClaimCase(
                f"{joined.family}:{short}:{number}",
                split_of(origin),
                joined.family,
                joined.variant,
                joined.claim,
                joined.sources,
                joined.label,
                joined.changed,
                joined.original,
                origin,
            )
        )
    return _select(found)


def cases(split: str) -> list[ClaimCase]:
    if split not in SPLITS:
        raise ValueError(f"split is one of {SPLITS}, not {split!r}")
    return [case for case in build_cases() if case.split == split]


def summary(chosen: list[ClaimCase]) -> str:
    lines = []
    for split in SPLITS:
        mine = [c for c in chosen if c.split == split]
        origins = {o for c in mine for o in c.origin.split("+")}
        labels = Counter(c.label for c in mine)
        lines.append(
            f"{split}: {len(mine)} cases from {len(origins)} origins "
            f"({labels['supported']} supported, {labels['not_supported']} not_supported)"
        )
        for family in FAMILIES:
            fam = [c for c in mine if c.family == family]
            if not fam:
                continue
            lines.append(f"  {family}: {len(fam)}")
            for (variant, label), count in sorted(
                Counter((c.variant, c.label) for c in fam).items()
            ):
                lines.append(f"    {variant:<34} {label:<14} {count}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--out", type=Path, help="write the cases here as JSON Lines")
    parser.add_argument("--summary", action="store_true", help="counts per split/family/variant")
    parser.add_argument("--examples", type=int, default=0, help="print N cases of each family")
    args = parser.parse_args(argv)
    chosen = build_cases() if args.split == "all" else cases(args.split)
    if args.out:
        with args.out.open("w", encoding="utf-8") as file:
            for case in chosen:
                file.write(json.dumps(case.row(), ensure_ascii=False) + "\n")
        print(f"{len(chosen)} cases -> {args.out}")
    if args.summary:
        print(summary(chosen))
    for family in FAMILIES if args.examples else ():
        fam = [c for c in chosen if c.family == family]
        for case in sorted(fam, key=lambda c: stable_hash(c.id))[: args.examples]:
            print(f"[{case.id} {case.split} {case.variant} {case.label}]")
            print(f"  original: {case.original}")
            print(f"  claim:    {case.claim}")
            if case.changed:
                print(f"  changed:  {case.changed}")


if __name__ == "__main__":
    main()
