"""Run the behaviour catalogue (tests/behaviours.py) end to end and score what opened.

`build_cases` puts real pages behind each behaviour, `serve` puts the cases on the fake
web, `articles` imports one article per case, and after the checks `score` compares the
flags that ever opened (resolved ones included) with what each behaviour expects.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from behaviours import BEHAVIOURS, OTHER_PAGES, Behaviour, Case, healthy
from fakeweb import FakeWeb
from mutations import MutationError
from real_pages import NewsPage, pick_evidence
from sqlmodel import Session, select

from checker.extract import extract
from checker.model import ArticleIn, CitationIn
from store.tables import Article, Citation, Flag

CHECKS = 4  # the first sees the healthy page; three more, two hours apart


@dataclass
class Clock:
    """Which check the sites are answering for."""

    check: int = 0


@dataclass(frozen=True)
class CaseResult:
    behaviour: Behaviour
    case: Case
    opened: frozenset[tuple[str, str]]
    unverified: str | None = None  # why the citation could not be verified at the end

    @property
    def correct(self) -> bool:
        return self.opened == self.behaviour.expect

    @property
    def false_alarm(self) -> bool:
        return self.behaviour.quiet and bool(self.opened)

    @property
    def missed(self) -> bool:
        return not self.behaviour.quiet and not self.behaviour.expect <= self.opened

    @property
    def wrong_kind(self) -> bool:
        """A decay case that also raised a kind (or severity) it should not have."""
        return not self.behaviour.quiet and bool(self.opened - self.behaviour.expect)


@cache
def _extracted(page: NewsPage) -> str:
    try:
        return " ".join(extract(page.html, "text/html", page.url).text.split())
    except Exception:  # a page trafilatura cannot read is no case
        return ""


def _path(behaviour: Behaviour, page: NewsPage, index: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", page.url.lower().rsplit("/", 1)[-1].split(".")[0])
    slug = slug.strip("-")[:60] or page.id[:12]
    if behaviour.path_style == "id":
        return f"/article/{2_300_417 + 7_919 * index}/{slug}"
    if behaviour.path_style == "short":
        return f"/story/{4_821 + index}/{slug}"
    return f"/2024/05/{slug}.html"


def build_cases(
    port: int,
    pages: list[NewsPage],
    per_behaviour: int,
    host_of: Callable[[Behaviour, int], str],
    behaviours: Iterable[Behaviour] = BEHAVIOURS,
) -> list[Case]:
    """Up to `per_behaviour` cases per behaviour, each page's evidence fit for it."""
    readable = [p for p in pages if "wsj.com" not in p.url and _extracted(p)]
    OTHER_PAGES[:] = readable[-3:]  # moved-to-another-article targets, never cited
    cited = readable[:-3]
    cases = []
    for behaviour in behaviours:
        found = 0
        for page in cited:
            if found == per_behaviour:
                break
            case = _case(behaviour, page, found, host_of(behaviour, found), port)
            if case is not None:
                cases.append(case)
                found += 1
    return cases


def _case(behaviour: Behaviour, page: NewsPage, index: int, host: str, port: int) -> Case | None:
    text = _extracted(page)

    def usable(sentence: str) -> bool:
        if " ".join(sentence.split()) not in text:
            return False
        if behaviour.mutation is None:
            return True
        try:
            behaviour.mutation(page.html, sentence)
        except MutationError:
            return False
        return True

    evidence = pick_evidence(page, usable)
    if evidence is None:
        return None
    case = Case(page, evidence, host, _path(behaviour, page, index), index, behaviour, port)
    try:  # every answer the site will give must be buildable
        for check in range(CHECKS):
            behaviour.answer(case, check, case.path)
    except MutationError:
        return None
    return case


def serve(web: FakeWeb, cases: list[Case], clock: Clock) -> None:
    for case in cases:
        b = case.behaviour
        web.add_site(case.host, lambda path, b=b, case=case: b.answer(case, clock.check, path))
        web.add_site(f"www.{case.host}", lambda path, case=case: healthy(case, 0, path))


def articles(web: FakeWeb, cases: list[Case]) -> list[ArticleIn]:
    return [
        ArticleIn(
            article_url(case),
            f"{case.behaviour.name} {case.index}",
            (CitationIn("1", f"http://{case.host}:{web.port}{case.path}", case.evidence),),
        )
        for case in cases
    ]


def article_url(case: Case) -> str:
    return f"https://paper.example/{case.behaviour.name}/{case.index}"


def opened_flags(session: Session) -> dict[str, set[tuple[str, str]]]:
    """Every flag ever opened (resolved ones too), by the citing article's URL."""
    rows = session.exec(
        select(Article.url, Flag.kind, Flag.severity).where(Flag.article_id == Article.id)
    )
    opened: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for url, kind, severity in rows:
        opened[url].add((kind, severity))
    return opened


def unverified(session: Session) -> dict[str, str | None]:
    """Why each case's citation cannot be verified now (None: verified), by article URL."""
    rows = session.exec(
        select(Article.url, Citation.unverified_reason).where(Citation.article_id == Article.id)
    )
    return dict(rows.all())


def score(
    cases: list[Case],
    opened: dict[str, set[tuple[str, str]]],
    reasons: dict[str, str | None] | None = None,
) -> list[CaseResult]:
    found = reasons or {}
    return [
        CaseResult(
            c.behaviour, c, frozenset(opened.get(article_url(c), ())), found.get(article_url(c))
        )
        for c in cases
    ]


@dataclass
class Tally:
    cases: int = 0
    correct: int = 0
    false_alarms: int = 0
    missed: int = 0
    wrong_kinds: int = 0
    seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, result: CaseResult) -> None:
        self.cases += 1
        self.correct += result.correct
        self.false_alarms += result.false_alarm
        self.missed += result.missed
        self.wrong_kinds += result.wrong_kind
        self.seen |= result.opened


def tally(results: list[CaseResult]) -> dict[str, Tally]:
    by_behaviour: dict[str, Tally] = defaultdict(Tally)
    for result in results:
        by_behaviour[result.behaviour.name].add(result)
    return by_behaviour
