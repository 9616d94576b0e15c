"""Evidence: anchoring, finding it again, and reporting only changes to what the claim relied on."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache, partial

import mutations
import pytest

from checker import evidence as ev
from checker.evidence.match import layout, locate, render_diff, word_diff
from checker.extract import extract
from checker.model import Document, Evidence, EvidenceStatus
from checker.settings import EvidenceSettings
from checker.text import normalize
from checker.verdict import evidence_conditions

SETTINGS = EvidenceSettings()
QUOTE = "The council approved the budget by a vote of 7 to 2 on Tuesday."
PAGE = [
    "Council backs budget",
    "Updated 10:32 AM ET, Tuesday March 5, 2024",
    "City leaders met late into the night to settle the spending plan for next year.",
    f"{QUOTE} The mayor is expected to sign it this week.",
    "Transit gets more money, while the parks department loses two rangers.",
    "Critics said the cuts go too far. Residents packed the hall to speak.",
    "The plan takes effect in July, officials said.",
    "Budget hearings for the schools start next month in the same hall.",
    "The library board will present its own request in the spring.",
    "12 comments",
]


def doc(*passages: str) -> Document:
    return Document.from_text("Council backs budget", "\n\n".join(passages))


def page_with(old: str, new: str, *, drop_from: int | None = None) -> Document:
    passages = [p.replace(old, new) if old else p for p in PAGE]
    return doc(*passages[:drop_from])


BASE = doc(*PAGE)


@pytest.mark.parametrize(
    ("name", "current", "status", "severity", "changes", "hidden_by"),
    [
        ("same page", BASE, "unchanged", "low", (), None),
        ("spacing, quotes, punctuation",
         page_with(QUOTE, "The council approved the budget  by a vote of 7 to 2, on Tuesday!"),
         "unchanged", "low", (), None),
        ("curly quotes and dashes", page_with("said the cuts", "said “the cuts” —"),
         "unchanged", "low", (), None),
        ("date stamp and counter churn",
         doc(*PAGE[:1], "Updated 4:05 PM ET, Wednesday March 6, 2024", *PAGE[2:-1], "97 comments"),
         "unchanged", "low", (), None),
        ("evidence moved to another paragraph",
         doc(*PAGE[:3], PAGE[3].replace(QUOTE, ""), *PAGE[4:6], QUOTE, *PAGE[6:]),
         "unchanged", "low", (), None),
        ("figure changed", page_with("7 to 2", "6 to 3"), "modified", "high", ("number",), None),
        ("negation inserted", page_with("council approved", "council has not approved"),
         "modified", "high", ("negation",), None),
        ("date changed", page_with("on Tuesday", "in March"), "modified", "high", ("date",), None),
        ("name changed", page_with("The council", "Mayor Jones"),
         "modified", "high", ("entity",), None),
        ("hedge added", page_with("approved the budget", "narrowly approved the budget"),
         "modified", "medium", (), None),
        ("sentence deleted", page_with(QUOTE, ""), "removed", "high", (), None),
        ("article cut behind a paywall",
         doc(*PAGE[:3], "Subscribe to continue reading. Already a subscriber? Sign in."),
         "removed", "high", (), "paywall"),
        ("article cut short", doc(*PAGE[:3]), "removed", "high", (), "truncated"),
        ("a look-alike elsewhere is not the evidence",
         doc(*PAGE[:3], "The mayor is expected to sign it this week.", *PAGE[4:8],
             "The board approved the budget by a vote of 5 to 4 last year.", *PAGE[8:]),
         "removed", "high", (), None),
    ],
)  # fmt: skip
def test_compare(
    name: str,
    current: Document,
    status: str,
    severity: str,
    changes: tuple[str, ...],
    hidden_by: str | None,
) -> None:
    evidence = ev.anchor("", QUOTE, BASE, SETTINGS)
    change = ev.compare(evidence, BASE, current, SETTINGS)
    assert (change.status.value, change.severity, change.changes, change.hidden_by) == (
        status,
        severity,
        changes,
        hidden_by,
    ), name
    flags, _ = evidence_conditions(change, SETTINGS)
    if status == "unchanged":
        assert flags == [], name  # no alarm at all, not even content drift


def test_modified_evidence_carries_a_readable_word_diff() -> None:
    evidence = ev.anchor("", QUOTE, BASE, SETTINGS)
    change = ev.compare(evidence, BASE, page_with("7 to 2", "6 to 3"), SETTINGS)
    assert change.before == QUOTE
    assert change.after == QUOTE.replace("7 to 2", "6 to 3")
    assert render_diff(change.diff) == (
        "The council approved the budget by a vote of [-7-] {+6+} to [-2-] {+3+} on Tuesday."
    )


@pytest.mark.parametrize(
    ("before", "after", "diff"),
    [
        ("a b c", "a b c", (("=", "a b c"),)),
        ("Sales rose 5% in May.", "Sales rose 7% in May.",
         (("=", "Sales rose"), ("-", "5%"), ("+", "7%"), ("=", "in May."))),
        ("He said “no.”", 'He said "no".', (("=", 'He said "no".'),)),
        ("one two three four five six seven eight nine ten eleven twelve end",
         "one two three four five six seven eight nine ten eleven twelve END now",
         (("=", "… ten eleven twelve END"), ("+", "now"))),
        ("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 X w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 Y",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 Z w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 Y",
         (("=", "… w9 w10 w11 w12"), ("-", "X"), ("+", "Z"),
          ("=", "w13 w14 w15 w16 …"))),
    ],
)  # fmt: skip
def test_word_diff(before: str, after: str, diff: tuple[tuple[str, str], ...]) -> None:
    assert word_diff(before, after) == diff


def test_render_diff_marks_removed_and_added_words() -> None:
    assert render_diff((("=", "rose"), ("-", "5%"), ("+", "7%"))) == "rose [-5%-] {+7%+}"


def test_quote_is_anchored_as_the_source_words_it() -> None:
    typed = "the council approved the budget by a vote of 7-2 on Tuesday"
    evidence = ev.anchor("", typed, BASE, SETTINGS)
    assert evidence.from_quote and ev.quote_found(evidence, BASE)
    assert evidence.passages == (QUOTE,)


def test_quote_not_in_the_page_is_kept_and_reported_but_never_flagged_as_removed() -> None:
    quote = "Ten rangers will lose their jobs under the new plan."
    evidence = ev.anchor("claim", quote, BASE, SETTINGS)
    assert evidence.from_quote and evidence.passages == (quote,)
    assert not ev.quote_found(evidence, BASE)
    change = ev.compare(evidence, BASE, page_with(QUOTE, ""), SETTINGS)
    assert change.status is EvidenceStatus.UNCHANGED


def test_without_a_quote_the_best_matching_sentences_are_anchored() -> None:
    claim = "Parks will lose two rangers under the budget, while transit gets more money."
    evidence = ev.anchor(claim, None, BASE, SETTINGS)
    assert not evidence.from_quote and ev.quote_found(evidence, BASE)
    assert evidence.passages[0] == PAGE[4]
    assert 1 <= len(evidence.passages) <= SETTINGS.passages
    nothing = ev.anchor("Quantum chromodynamics", None, BASE, SETTINGS)
    assert nothing.passages == ()


def test_evidence_survives_the_store_as_json() -> None:
    evidence = ev.anchor("", QUOTE, BASE, SETTINGS)
    stored = json.loads(json.dumps(asdict(evidence)))
    again = Evidence(**{**stored, "passages": tuple(stored["passages"])})
    assert again == evidence
    assert evidence.fingerprint == ev.fingerprint(BASE)


@pytest.mark.parametrize(
    ("current", "same"),
    [
        (doc(*PAGE), True),
        (doc(*[p.replace(". ", ".  ").replace("budget", "budget ") for p in PAGE]), True),
        (doc(*PAGE[:2], " ".join(PAGE[2:6]), *PAGE[6:]), True),  # paragraphs cut differently
        (doc(*PAGE[:1], "Updated 1 hour ago", *PAGE[2:-1], "13 comments"), True),
        (page_with("7 to 2", "6 to 3"), False),
        (page_with("rangers", "gardeners"), False),
    ],
)
def test_fingerprint_ignores_markup_spacing_and_stamps_only(current: Document, same: bool) -> None:
    assert (ev.fingerprint(current) == ev.fingerprint(BASE)) is same


def test_content_drift_is_measured_outside_the_evidence() -> None:
    evidence = ev.anchor("", QUOTE, BASE, SETTINGS)
    one_edit = page_with("two rangers", "three rangers")
    assert ev.compare(evidence, BASE, one_edit, SETTINGS).drift < 0.1
    rewritten = doc(
        *PAGE[:3],
        QUOTE,
        "Opinion: the weather this week will be mild, forecasters said.",
        "The museum reopens after a two-year renovation with a new wing.",
        "A local bakery won a national award for its sourdough bread.",
        "Fans lined up for hours to buy tickets for the final concert.",
    )
    change = ev.compare(evidence, BASE, rewritten, SETTINGS)
    assert change.status is EvidenceStatus.UNCHANGED
    assert change.drift >= SETTINGS.drift_threshold
    flags, _ = evidence_conditions(change, SETTINGS)
    assert [f.kind.value for f in flags] == ["content_drift"]


@pytest.mark.parametrize(
    ("notice", "surfaced"),
    [
        ("Correction: An earlier version of this article misstated the vote.", True),
        ("Editor’s note: This story was updated with the mayor's comments.", True),
        ("This article has been updated to include the final vote count.", True),
        ("Update (March 6): The mayor signed the budget.", True),
        ("Updated 4:05 PM ET, Wednesday March 6, 2024", False),  # a date stamp, not a notice
        ("The correction of the budget error took weeks, officials said.", False),
    ],
)
def test_notices_near_the_evidence_are_surfaced(notice: str, surfaced: bool) -> None:
    evidence = ev.anchor("", QUOTE, BASE, SETTINGS)
    current = doc(*PAGE[:4], notice, *PAGE[4:])
    change = ev.compare(evidence, BASE, current, SETTINGS)
    assert change.notices == ((normalize(notice),) if surfaced else ())
    unchanged = ev.compare(evidence, current, current, SETTINGS)
    assert unchanged.notices == ()  # a notice already there at baseline is not news


def test_locate_finds_a_fragment_and_its_edited_form() -> None:
    where = layout(BASE)
    exact = locate("approved the budget by a vote", where)
    assert exact is not None and exact.similarity == 1.0
    edited = locate("The council approved the budget by a vote of 9 to 0 on Tuesday.", where)
    assert edited is not None and 0.8 < edited.similarity < 1.0
    assert edited.text == QUOTE
    assert locate("zebra quasar", where) is None


# --------------------------------------------------------------------------- real pages


def found_in(doc: Document, sentence: str) -> bool:
    return ev.quote_found(ev.anchor("", sentence, doc, SETTINGS), doc)


@cache
def real_cases() -> list[tuple[mutations.NewsPage, str, Document, Evidence]]:
    """A fixed sample of the saved news pages with a cited sentence and its baseline."""
    cases = []
    for page in mutations.news_pages()[::5]:
        base = extract(page.html, "text/html", page.url)
        sentence = mutations.pick_evidence(page, partial(found_in, base))
        assert sentence is not None, page.id
        cases.append((page, sentence, base, ev.anchor("", sentence, base, SETTINGS)))
    return cases


@pytest.mark.parametrize("mutation", mutations.MUTATIONS, ids=lambda m: m.name)
def test_real_page_changes_are_flagged_exactly_when_the_evidence_changed(
    mutation: mutations.Mutation,
) -> None:
    """Every mutation kind on real pages: the flag an editor would see, and only that one."""
    for page, sentence, base, evidence in real_cases():
        current = extract(mutation.apply(page.html, sentence), "text/html", page.url)
        # The store keeps the baseline as text: compare against the rebuilt document.
        stored = Document.from_text(base.title, base.text)
        change = ev.compare(evidence, stored, current, SETTINGS)
        flags, _ = evidence_conditions(change, SETTINGS)
        kinds = [f.kind.value for f in flags]
        assert kinds == ([mutation.flag] if mutation.flag else []), (page.id, change)
        if mutation.hidden_by or mutation.flag == "evidence_removed":
            assert change.hidden_by == mutation.hidden_by, (page.id, change)
        if mutation.severity:
            assert change.severity == mutation.severity, (page.id, change)
            assert set(mutation.changes) <= set(change.changes), (page.id, change)
            assert any(op in ("-", "+") for op, _ in change.diff)
        if mutation.name == "corrected":
            assert any(n.startswith("Correction:") for n in change.notices), page.id


def test_figures_written_another_way_on_real_pages_are_no_change() -> None:
    """ "12,500" → "12500", "40 percent" → "40%", "$3 million" → "$3m": same values, no flag."""
    tried = 0
    for page in mutations.news_pages():
        base = extract(page.html, "text/html", page.url)

        def usable(sentence: str, base: Document = base, page: mutations.NewsPage = page) -> bool:
            try:
                mutations.reformat_figures(page.html, sentence)
            except mutations.MutationError:
                return False
            return found_in(base, sentence)

        sentence = mutations.pick_evidence(page, usable)
        if sentence is None:
            continue
        tried += 1
        evidence = ev.anchor("", sentence, base, SETTINGS)
        current = extract(mutations.reformat_figures(page.html, sentence), "text/html", page.url)
        stored = Document.from_text(base.title, base.text)
        change = ev.compare(evidence, stored, current, SETTINGS)
        assert change.status is EvidenceStatus.UNCHANGED, (page.id, change.diff)
        assert evidence_conditions(change, SETTINGS)[0] == [], page.id
    assert tried >= 10  # the saved pages have figures written with commas, "percent", ...
