"""Shared passages: offsets into both texts, merged across small edits."""

from __future__ import annotations

from newsfold.copies.passages import DocShingles, shared_passages
from newsfold.copies.shingles import shingle_batch, tokenize_batch

BODY = (
    "The minister said on Friday that the talks had been honest and useful for both sides. "
    "He added that the two governments would meet again in the autumn to sign the agreement. "
    "Officials declined to say which questions were still open after the meeting in the capital."
)


def docs(*texts: str) -> list[DocShingles]:
    tokens = tokenize_batch(list(texts), seed=1)
    shingles = shingle_batch(tokens, 5)
    result = []
    for row in range(len(texts)):
        w0, w1 = tokens.doc_offsets[row], tokens.doc_offsets[row + 1]
        s0, s1 = shingles.doc_offsets[row], shingles.doc_offsets[row + 1]
        result.append(
            DocShingles(tokens.starts[w0:w1], tokens.ends[w0:w1], shingles.hashes[s0:s1], shingles.first_word[s0:s1] - w0)
        )
    return result


def test_a_copy_with_a_header_shares_the_body_at_the_right_offsets() -> None:
    copy = "Daily Herald | News | Subscribe\n\n" + BODY
    passages = shared_passages(*docs(BODY, copy), shingle_size=5, max_gap_words=8)
    assert len(passages) == 1
    (p,) = passages
    assert BODY[p.a_start : p.a_end] == copy[p.b_start : p.b_end] == BODY[: len(BODY) - 1]


def test_a_changed_word_does_not_cut_the_passage() -> None:
    edited = BODY.replace("useful", "fruitful")
    passages = shared_passages(*docs(BODY, edited), shingle_size=5, max_gap_words=8)
    assert len(passages) == 1
    assert passages[0].a_start == 0 and passages[0].b_end == len(edited) - 1


def test_without_gap_tolerance_the_edit_splits_the_passage() -> None:
    edited = BODY.replace("useful", "fruitful")
    assert len(shared_passages(*docs(BODY, edited), shingle_size=5, max_gap_words=0)) == 2


def test_reordered_paragraphs_are_separate_passages_and_short_matches_are_dropped() -> None:
    first, second = BODY.split(". He ")
    reordered = "He " + second + " Meanwhile " + first + "."
    passages = shared_passages(*docs(BODY, reordered), shingle_size=5, max_gap_words=2, min_words=8)
    assert len(passages) == 2
    for p in passages:
        assert BODY[p.a_start : p.a_end] == reordered[p.b_start : p.b_end]


def test_texts_with_nothing_in_common_share_no_passage() -> None:
    assert shared_passages(*docs(BODY, "entirely different words in this one text"), shingle_size=5, max_gap_words=8) == ()
