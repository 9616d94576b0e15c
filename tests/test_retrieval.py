from __future__ import annotations

import pytest

from checker.evidence.retrieval import PassageIndex, rank_passages, split_passages

PAGE = (
    "The council met on Monday. The mayor refused to sign the budget. "
    "Officials said the deficit grew to $4.2 million in 2023.\n"
    "Residents protested outside city hall. The vote was postponed until March."
)


@pytest.mark.parametrize(
    ("text", "window", "overlap", "expected"),
    [
        ("", 2, 1, []),
        ("   \n\n ", 2, 1, []),
        ("One sentence only.", 3, 1, ["One sentence only."]),
        (
            "First one. Second one. Third one.",
            2,
            1,
            ["First one. Second one.", "Second one. Third one."],
        ),
        (
            "First one. Second one. Third one.",
            1,
            0,
            ["First one.", "Second one.", "Third one."],
        ),
        (
            "First one. Second one. Third one. Fourth one.",
            2,
            0,
            ["First one. Second one.", "Third one. Fourth one."],
        ),
        # A newline ends a sentence even without a full stop.
        ("A heading\nBody text here.", 1, 0, ["A heading", "Body text here."]),
        # Typographic quotes and runs of spaces come out normalized.
        ("He said \u201cyes\u201d.   Then   left.", 1, 0, ['He said "yes".', "Then left."]),
    ],
)
def test_split_passages_windows(text: str, window: int, overlap: int, expected: list[str]) -> None:
    assert split_passages(text, window=window, overlap=overlap) == expected


def test_split_passages_respects_max_chars_without_dropping_sentences() -> None:
    long_a = "A" * 50 + "."
    long_b = "B" * 50 + "."
    passages = split_passages(f"{long_a} {long_b} Short.", window=3, overlap=1, max_chars=60)
    assert passages == [long_a, f"{long_b} Short."]


def test_split_passages_every_sentence_is_covered() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(1, 12))
    passages = split_passages(text, window=3, overlap=1)
    for i in range(1, 12):
        assert any(f"number {i} " in p for p in passages)


@pytest.mark.parametrize(
    ("window", "overlap"),
    [(0, 0), (2, 2), (2, -1)],
)
def test_split_passages_rejects_bad_windows(window: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="split_passages"):
        split_passages("A. B.", window=window, overlap=overlap)


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("the mayor refuses to sign", 1),  # stems match: refuses ~ refused
        ("deficit of 4.2 million", 2),
        ("protests at City Hall", 3),
        ("vote postponed to March", 4),
    ],
)
def test_rank_passages_finds_the_right_passage(query: str, best: int) -> None:
    passages = split_passages(PAGE, window=1, overlap=0)
    ranked = rank_passages(query, passages, k=3)
    assert ranked[0][0] == best
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)


def test_rank_passages_leaves_out_passages_without_common_words() -> None:
    passages = ["cats sleep all day", "dogs bark at night", "cats chase mice"]
    assert [i for i, _ in rank_passages("cats", passages, k=5)] == [0, 2]
    assert rank_passages("submarine", passages, k=5) == []


@pytest.mark.parametrize(
    ("passages", "k"),
    [([], 3), (["some text"], 0), (["some text"], -1)],
)
def test_rank_passages_empty_cases(passages: list[str], k: int) -> None:
    assert rank_passages("some text", passages, k) == []


def test_rare_terms_outweigh_common_ones() -> None:
    passages = [
        "the report covers the economy",
        "the report covers the economy and inflation",
        "the report covers the economy again",
    ]
    ranked = rank_passages("economy inflation", passages, k=3)
    assert ranked[0][0] == 1


def test_passage_index_is_reusable_across_queries() -> None:
    index = PassageIndex(["alpha beta", "gamma delta"])
    assert index.rank("gamma", 1) == rank_passages("gamma", ["alpha beta", "gamma delta"], 1)
    assert index.rank("alpha", 1)[0][0] == 0
