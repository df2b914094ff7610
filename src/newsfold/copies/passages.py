"""Shared passages: the aligned stretches of text two copies have in common, as character offsets.

Like passim's alignments (Smith, Cordell and Mullen, "Computational Methods for Uncovering Reprinted
Texts in Antebellum American Newspapers", 2015), but local and greedy rather than Smith-Waterman: every
shingle of ``a`` is matched to the first shingle of ``b`` with the same hash; matches on one diagonal
(next shingle of ``a`` to next shingle of ``b``) form runs; a run covers the words of all its shingles.
A run that follows the run before it in both texts with at most ``max_gap_words`` words between them
continues its passage, so a changed word, a typo or a dropped sentence inside a copied stretch does not cut
it in two. A reordered paragraph gives a passage of its own. Passages are half-open character offsets
into the two texts, from the first character of the first word to the last character of the last word.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newsfold.copies import kernels
from newsfold.copies.containment import PairComparison, compare_pairs
from newsfold.model import Passage

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class DocShingles:
    """One text's words and shingles in text order (a slice of a batch; offsets are into the text).

    ``shingle_first_word[k]`` is ``k`` for a batch made by :func:`~newsfold.copies.shingles.shingle_batch`
    (passages rely on it: see :class:`WordLayout`).
    """

    word_starts: I64
    word_ends: I64
    shingle_hashes: U64
    shingle_first_word: I64

    @property
    def num_words(self) -> int:
        return int(self.word_starts.size)


@dataclass(frozen=True, slots=True)
class WordLayout:
    """Where the words of many concatenated texts sit (all indices global).

    Text ``t`` has shingles ``shingle_offsets[t]:shingle_offsets[t+1]`` and words
    ``word_offsets[t]:word_offsets[t+1]``; its ``k``-th shingle starts at its ``k``-th word (as
    :func:`~newsfold.copies.shingles.shingle_batch` makes them; a text shorter than one shingle has one,
    at its first word). ``word_starts`` / ``word_ends``: each word's character offsets in its own text.
    """

    shingle_offsets: I64
    word_offsets: I64
    word_starts: I64
    word_ends: I64


def passages_from_matches(
    comparison: PairComparison,
    keep: npt.NDArray[np.bool_],
    layout: WordLayout,
    shingle_size: int,
    max_gap_words: int,
    min_words: int = 1,
    *,
    swap: npt.NDArray[np.bool_] | None = None,
) -> dict[int, tuple[Passage, ...]]:
    """The shared passages of every pair ``i`` with ``keep[i]``, from a :func:`compare_pairs` result.

    Passages of fewer than ``min_words`` words in the left text are dropped, unless they span all of it.
    ``a`` is the left text and ``b`` the right one, except for pairs with ``swap[i]``, whose passages
    have the two exchanged.
    """
    if kernels.enabled(comparison.match_pair.size):
        passage_pair, p_a0, p_a1, p_b0, p_b1 = kernels.passage_spans(
            comparison.match_pair,
            comparison.match_left,
            comparison.match_right,
            np.ascontiguousarray(keep, dtype=np.bool_),
            comparison.left,
            comparison.right,
            layout.shingle_offsets,
            layout.word_offsets,
            shingle_size,
            max_gap_words,
            min_words,
        )
    else:
        passage_pair, p_a0, p_a1, p_b0, p_b1 = _passage_spans(
            comparison, keep, layout, shingle_size, max_gap_words, min_words
        )
    return _passages_by_pair(passage_pair, p_a0, p_a1, p_b0, p_b1, layout, swap)


def _passage_spans(
    comparison: PairComparison,
    keep: npt.NDArray[np.bool_],
    layout: WordLayout,
    shingle_size: int,
    max_gap_words: int,
    min_words: int,
) -> tuple[I64, I64, I64, I64, I64]:
    """The passages of the kept pairs as word spans ``(pair, a0, a1, b0, b1)``, ends exclusive."""
    selected = keep[comparison.match_pair]
    pair = comparison.match_pair[selected]
    left = comparison.match_left[selected]
    right = comparison.match_right[selected]
    if pair.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty
    breaks = np.flatnonzero((np.diff(pair) != 0) | (np.diff(left) != 1) | (np.diff(right) != 1))
    run_first = np.concatenate([[0], breaks + 1])
    run_last = np.concatenate([breaks, [pair.size - 1]])
    run_pair = pair[run_first]
    shingle_offsets, word_offsets = layout.shingle_offsets, layout.word_offsets
    left_text, right_text = comparison.left[run_pair], comparison.right[run_pair]
    a_shift = word_offsets[left_text] - shingle_offsets[left_text]
    b_shift = word_offsets[right_text] - shingle_offsets[right_text]
    a_start = left[run_first] + a_shift
    a_end = np.minimum(left[run_last] + a_shift + shingle_size, word_offsets[left_text + 1])
    b_start = right[run_first] + b_shift
    b_end = np.minimum(right[run_last] + b_shift + shingle_size, word_offsets[right_text + 1])
    # A run continues the passage of the run before it when both belong to one pair and it starts at most
    # max_gap_words after that run in both texts (and not before it in b).
    follows = np.zeros(run_pair.size, dtype=bool)
    follows[1:] = (
        (run_pair[1:] == run_pair[:-1])
        & (a_start[1:] <= a_end[:-1] + max_gap_words)
        & (b_start[1:] >= b_start[:-1])
        & (b_start[1:] <= b_end[:-1] + max_gap_words)
    )
    heads = np.flatnonzero(~follows)
    passage_pair = run_pair[heads]
    p_a0, p_b0 = a_start[heads], b_start[heads]
    p_a1 = np.maximum.reduceat(a_end, heads)
    p_b1 = np.maximum.reduceat(b_end, heads)
    head_text = left_text[heads]
    text_a0, text_a1 = word_offsets[head_text], word_offsets[head_text + 1]
    keep_passage = (p_a1 - p_a0 >= min_words) | ((p_a0 == text_a0) & (p_a1 == text_a1))
    passage_pair, p_a0, p_a1, p_b0, p_b1 = (
        x[keep_passage] for x in (passage_pair, p_a0, p_a1, p_b0, p_b1)
    )
    return passage_pair, p_a0, p_a1, p_b0, p_b1


def _passages_by_pair(
    passage_pair: I64,
    p_a0: I64,
    p_a1: I64,
    p_b0: I64,
    p_b1: I64,
    layout: WordLayout,
    swap: npt.NDArray[np.bool_] | None,
) -> dict[int, tuple[Passage, ...]]:
    """Word spans of passages (grouped by pair) as :class:`Passage` tuples in characters, per pair."""
    starts, ends = layout.word_starts, layout.word_ends
    result: dict[int, tuple[Passage, ...]] = {}
    if passage_pair.size == 0:
        return result
    a0, a1, b0, b1 = starts[p_a0], ends[p_a1 - 1], starts[p_b0], ends[p_b1 - 1]
    if swap is not None:
        exchanged = swap[passage_pair]
        a0, b0 = np.where(exchanged, b0, a0), np.where(exchanged, a0, b0)
        a1, b1 = np.where(exchanged, b1, a1), np.where(exchanged, a1, b1)
    char_a0, char_a1, char_b0, char_b1 = a0.tolist(), a1.tolist(), b0.tolist(), b1.tolist()
    bounds = np.flatnonzero(np.diff(passage_pair)) + 1
    first_of = np.concatenate([[0], bounds]).tolist()
    last_of = np.concatenate([bounds, [passage_pair.size]]).tolist()
    every = list(map(Passage, char_a0, char_a1, char_b0, char_b1))
    for pair_index, lo, hi in zip(passage_pair[first_of].tolist(), first_of, last_of, strict=True):
        result[pair_index] = tuple(every[lo:hi])
    return result


def shared_passages(
    doc_a: DocShingles, doc_b: DocShingles, shingle_size: int, max_gap_words: int, min_words: int = 1
) -> tuple[Passage, ...]:
    """The shared passages of two texts, ordered by their start in ``a`` (see the module docstring)."""
    hashes = np.concatenate([doc_a.shingle_hashes, doc_b.shingle_hashes])
    offsets = np.array([0, doc_a.shingle_hashes.size, hashes.size], dtype=np.int64)
    comparison = compare_pairs(hashes, offsets, np.array([0], dtype=np.int64), np.array([1], dtype=np.int64))
    layout = WordLayout(
        shingle_offsets=offsets,
        word_offsets=np.array([0, doc_a.num_words, doc_a.num_words + doc_b.num_words], dtype=np.int64),
        word_starts=np.concatenate([doc_a.word_starts, doc_b.word_starts]),
        word_ends=np.concatenate([doc_a.word_ends, doc_b.word_ends]),
    )
    found = passages_from_matches(
        comparison, np.ones(1, dtype=bool), layout, shingle_size, max_gap_words, min_words
    )
    return found.get(0, ())


def whole_text_passage(doc: DocShingles) -> tuple[Passage, ...]:
    """The one passage of two identical texts: from the first word to the last."""
    if doc.num_words == 0:
        return ()
    start, end = int(doc.word_starts[0]), int(doc.word_ends[-1])
    return (Passage(start, end, start, end),)
