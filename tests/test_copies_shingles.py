"""Words and shingles: what counts as a word, offsets, determinism, seeds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.copies.shingles import shingle_batch, shingle_sets, tokenize_batch


def words_of(text: str) -> list[str]:
    tokens = tokenize_batch([text], seed=1)
    return [text[s:e] for s, e in zip(tokens.starts.tolist(), tokens.ends.tolist(), strict=True)]


def test_words_are_runs_of_letters_and_digits_with_offsets_into_the_text() -> None:
    text = "MINSK, June 19. /TASS/ — Lukashenko's talks (2020)"
    assert words_of(text) == ["MINSK", "June", "19", "TASS", "Lukashenko", "s", "talks", "2020"]


def test_casefolding_makes_words_equal_and_offsets_keep_their_length() -> None:
    upper, lower = tokenize_batch(["STRASSE Über", "strasse über"], seed=1).hashes.reshape(2, 2)
    assert upper.tolist() == lower.tolist()
    text = "Straße İstanbul"
    assert words_of(text) == ["Straße", "İstanbul"]


def test_hashes_do_not_depend_on_the_batch_or_position() -> None:
    alone = tokenize_batch(["the same words here"], seed=5).hashes
    batch = tokenize_batch(["something else first", "the same words here"], seed=5)
    second = batch.hashes[batch.doc_offsets[1] : batch.doc_offsets[2]]
    assert alone.tolist() == second.tolist()


def test_seed_changes_hashes() -> None:
    assert tokenize_batch(["word"], seed=1).hashes[0] != tokenize_batch(["word"], seed=2).hashes[0]


def test_shingles_stay_inside_their_text_and_short_texts_get_one() -> None:
    tokens = tokenize_batch(["one two three four five six", "tiny text", "", "a b c d e"], seed=1)
    batch = shingle_batch(tokens, 5)
    assert np.diff(batch.doc_offsets).tolist() == [2, 1, 0, 1]
    assert batch.first_word.tolist() == [0, 1, 6, 8]


def test_shingles_are_ordered_word_ngrams() -> None:
    forward, backward = shingle_sets(["alpha beta gamma", "gamma beta alpha"], 3, seed=1)
    assert forward.tolist() != backward.tolist()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=6))
def test_batch_tokenization_equals_one_text_at_a_time(texts: list[str]) -> None:
    together = tokenize_batch(texts, seed=3)
    for index, text in enumerate(texts):
        alone = tokenize_batch([text], seed=3)
        lo, hi = together.doc_offsets[index], together.doc_offsets[index + 1]
        assert together.hashes[lo:hi].tolist() == alone.hashes.tolist()
        assert together.starts[lo:hi].tolist() == alone.starts.tolist()
        assert together.ends[lo:hi].tolist() == alone.ends.tolist()
