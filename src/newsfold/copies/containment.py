"""Containment: anchors that reach excerpts, and exact similarity of shingle sets.

A 3-paragraph excerpt of a 20-paragraph article has a Jaccard similarity near 0.15 with it, far below
any banding threshold, yet nearly all of its shingles are in the article. To reach such pairs newsfold
also indexes *anchors*: the shingles chosen by winnowing (Schleimer, Wilkerson and Aiken, "Winnowing:
Local Algorithms for Document Fingerprinting", SIGMOD 2003). Winnowing keeps the smallest hash in every
window of ``w`` consecutive shingles, so the choice depends only on the ``w`` shingles around a
position, not on the rest of the text: any passage of at least ``w + n - 1`` words shared by two texts
gives both texts the same anchor, wherever it sits. About ``2 / (w + 1)`` of the shingles become anchors.
Two texts that share at least ``min_shared_anchors`` anchors are a candidate pair.

Boilerplate (a site's header or footer) would make an anchor shared by thousands of unrelated texts;
anchors held by more than ``max_anchor_df`` texts are not followed (as passim drops frequent n-grams).

:func:`exact_similarity` then measures every candidate on the real shingle sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from newsfold.copies import kernels
from newsfold.copies.shingles import ShingleBatch, mix64, seed_constant

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_MAX64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def sliding_min(values: U64, window: int) -> U64:
    """``min(values[i : i + window])`` for every ``i`` (van Herk / Gil-Werman, three passes)."""
    n = values.size
    if n < window:
        return np.zeros(0, dtype=np.uint64)
    pad = (-n) % window
    padded = np.concatenate([values, np.full(pad, _MAX64, dtype=np.uint64)]).reshape(-1, window)
    prefix = np.minimum.accumulate(padded, axis=1).ravel()
    suffix = np.minimum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[: n - window + 1], prefix[window - 1 : n])


def winnow_anchors(
    shingles: ShingleBatch, window: int, seed: int, key_bits: int = 32
) -> tuple[npt.NDArray[np.unsignedinteger[Any]], U32]:
    """The anchors of each text: ``(keys, docs)``, one entry per distinct (text, anchor), sorted by text.
    Keys are the low 32 bits of the anchor's hash (uint32), or all 64 bits with ``key_bits=64``.

    A text with fewer than ``window`` shingles has one anchor, its smallest shingle.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    if kernels.enabled(shingles.hashes.size):
        keys, texts = kernels.winnow(
            shingles.hashes, shingles.doc_offsets, window, np.uint64(seed_constant(seed, 4)), key_bits != 64
        )
        return (keys if key_bits == 64 else keys.astype(np.uint32)), texts.astype(np.uint32)
    counts = np.diff(shingles.doc_offsets)
    ranked = mix64(shingles.hashes ^ np.uint64(seed_constant(seed, 4)))
    minima = sliding_min(ranked, window)
    starts = np.arange(minima.size, dtype=np.int64)
    doc_of_start = np.repeat(np.arange(counts.size, dtype=np.int64), counts)[: minima.size]
    valid = starts + window <= shingles.doc_offsets[1:][doc_of_start]
    docs = doc_of_start[valid]
    chosen = minima[valid]
    short = np.flatnonzero((counts > 0) & (counts < window))
    if short.size:
        short_min = _segment_min(ranked, shingles.doc_offsets, short)
        docs = np.concatenate([docs, short])
        chosen = np.concatenate([chosen, short_min])
    if key_bits == 64:
        order = np.lexsort((chosen, docs))
        docs, chosen = docs[order], chosen[order]
        distinct = np.ones(docs.size, dtype=bool)
        distinct[1:] = (docs[1:] != docs[:-1]) | (chosen[1:] != chosen[:-1])
        return chosen[distinct], docs[distinct].astype(np.uint32)
    combined = (docs.astype(np.uint64) << np.uint64(32)) | (chosen & np.uint64(0xFFFFFFFF))
    combined = np.unique(combined)
    return (combined & np.uint64(0xFFFFFFFF)).astype(np.uint32), (combined >> np.uint64(32)).astype(np.uint32)


def _segment_min(values: U64, offsets: I64, docs: I64) -> U64:
    """The minimum of ``values[offsets[d]:offsets[d+1]]`` for each (non-empty) ``d`` in ``docs``."""
    counts = offsets[docs + 1] - offsets[docs]
    owner = np.repeat(np.arange(docs.size), counts)
    positions = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts - offsets[docs], counts)
    result = np.full(docs.size, _MAX64, dtype=np.uint64)
    np.minimum.at(result, owner, values[positions])
    return result


def exact_similarity(set_a: U64, set_b: U64) -> tuple[int, float, float, float]:
    """``(shared, jaccard, containment_a_in_b, containment_b_in_a)`` of two sorted duplicate-free sets.

    ``containment_a_in_b = |A & B| / |A|``. Empty sets have similarity 0 with everything.
    """
    if set_a.size == 0 or set_b.size == 0:
        return 0, 0.0, 0.0, 0.0
    small, large = (set_a, set_b) if set_a.size <= set_b.size else (set_b, set_a)
    where = np.searchsorted(large, small)
    where[where == large.size] = 0
    shared = int(np.count_nonzero(large[where] == small))
    union = set_a.size + set_b.size - shared
    return shared, shared / union, shared / set_a.size, shared / set_b.size


@dataclass(frozen=True, slots=True)
class PairComparison:
    """Exact comparison of many pairs of texts at once (see :func:`compare_pairs`).

    ``left[i]``, ``right[i]``: the texts of pair ``i``. ``shared[i]``, ``size_left[i]``, ``size_right[i]``: distinct shingles pair ``i`` shares and the sizes
    of its two shingle sets. ``match_pair``, ``match_left``, ``match_right``: every shingle position of a
    left text whose shingle occurs in the right text, with the position of its first occurrence there
    (global positions into the concatenated shingle array); the matches of one pair are contiguous and
    in increasing left position.
    """

    left: I64
    right: I64
    shared: I64
    size_left: I64
    size_right: I64
    match_pair: I64
    match_left: I64
    match_right: I64


def compare_pairs(hashes: U64, offsets: I64, left: I64, right: I64) -> PairComparison:
    """Compare texts ``left[i]`` and ``right[i]`` for every ``i``, exactly.

    ``hashes`` holds the shingle hashes of every text in text order, text ``d`` at
    ``offsets[d]:offsets[d+1]``. The 64-bit hashes are first replaced by small ids, exactly (one id per
    distinct hash, :func:`dense_ids`, no sort); then, text by text, a stamp array marks the ranks a right-hand text holds,
    and the left-hand shingles of all its pairs are looked up in it at once (one gather each), so the
    cost is one pass over the shingles of the pairs, not a search per shingle.

    With the compiled kernels (:mod:`newsfold.copies.kernels`) the result is the same, computed without
    the small ids: one open-addressing table per right-hand text, probed by its partners' shingles.
    """
    num_pairs = left.size
    empty = np.zeros(0, dtype=np.int64)
    if num_pairs == 0:
        return PairComparison(left, right, empty, empty, empty, empty, empty, empty)
    if kernels.enabled(hashes.size):
        return _compare_pairs_compiled(hashes, offsets, left, right)
    dense = dense_ids(hashes)
    order = np.argsort(right, kind="stable")
    left_sorted, right_sorted = left[order], right[order]
    pair_of, position = expand_ranges(offsets[left_sorted], offsets[left_sorted + 1])
    left_dense = dense[position]
    element_end = np.cumsum(offsets[left_sorted + 1] - offsets[left_sorted])
    # Pairs are sorted by right text: the elements of right text d are one contiguous slice.
    group_starts = np.flatnonzero(np.concatenate([[True], right_sorted[1:] != right_sorted[:-1]]))
    slice_start = np.full(offsets.size - 1, -1, dtype=np.int64)
    slice_stop = np.full(offsets.size - 1, -1, dtype=np.int64)
    group_docs = right_sorted[group_starts]
    slice_start[group_docs] = np.concatenate([[0], element_end])[group_starts]
    slice_stop[group_docs] = element_end[np.concatenate([group_starts[1:], [num_pairs]]) - 1]
    size = int(dense.max()) + 1 if dense.size else 1
    # One table, one random access per looked-up shingle: (text << 32) | first position in that text.
    # Written backwards, so that the last write, the first occurrence, wins; the text tag makes stale
    # entries of other texts harmless, so the table is never cleared.
    stamp = np.full(size, -1, dtype=np.int64)
    is_first = np.zeros(hashes.size, dtype=bool)
    looked_up = np.full(pair_of.size, -1, dtype=np.int64)
    num_docs = offsets.size - 1
    text_of_position = np.repeat(np.arange(num_docs, dtype=np.int64), np.diff(offsets))
    tagged = (text_of_position << 32) | (np.arange(hashes.size, dtype=np.int64) - offsets[text_of_position])
    docs = np.unique(np.concatenate([left, right]))
    docs = docs[offsets[docs + 1] > offsets[docs]]
    for lo, hi, start, stop in zip(
        offsets[docs].tolist(),
        offsets[docs + 1].tolist(),
        slice_start[docs].tolist(),
        slice_stop[docs].tolist(),
        strict=True,
    ):
        ranks = dense[lo:hi]
        tags = tagged[lo:hi]
        stamp[ranks[::-1]] = tags[::-1]
        is_first[lo:hi] = stamp[ranks] == tags
        if start >= 0:
            looked_up[start:stop] = stamp[left_dense[start:stop]]
    right_of_element = right_sorted[pair_of]
    hit = (looked_up >> 32) == right_of_element
    matched = (looked_up & np.int64(0xFFFFFFFF)) + offsets[right_of_element]  # meaningful where hit
    set_size = np.zeros(offsets.size - 1, dtype=np.int64)
    nonempty = np.diff(offsets) > 0
    if nonempty.any():
        set_size[nonempty] = np.add.reduceat(is_first.astype(np.int64), offsets[:-1][nonempty])
    shared_sorted = np.bincount(pair_of[hit & is_first[position]], minlength=num_pairs).astype(np.int64)
    shared = np.empty(num_pairs, dtype=np.int64)
    shared[order] = shared_sorted
    return PairComparison(
        left=left,
        right=right,
        shared=shared,
        size_left=set_size[left],
        size_right=set_size[right],
        match_pair=order[pair_of[hit]].astype(np.int64),
        match_left=position[hit],
        match_right=matched[hit],
    )


def _compare_pairs_compiled(hashes: U64, offsets: I64, left: I64, right: I64) -> PairComparison:
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    order = np.argsort(right, kind="stable")
    shared_sorted, match_pair, match_left, match_right, set_size = kernels.compare_sorted(
        hashes,
        offsets,
        np.ascontiguousarray(left[order], dtype=np.int64),
        np.ascontiguousarray(right[order], dtype=np.int64),
        order.astype(np.int64),
    )
    # Right-hand texts were counted while their tables were built; count the others.
    missing = set_size < 0
    set_size[missing] = kernels.distinct_counts(hashes, offsets, missing)[missing]
    shared = np.empty(left.size, dtype=np.int64)
    shared[order] = shared_sorted
    return PairComparison(
        left=left,
        right=right,
        shared=shared,
        size_left=set_size[left],
        size_right=set_size[right],
        match_pair=match_pair,
        match_left=match_left,
        match_right=match_right,
    )


def dense_ids(values: U64) -> I64:
    """A small id for each value: equal values get equal ids, distinct values distinct ids in
    ``0 .. distinct - 1``, exactly (ids are not in value order; :func:`dense_ranks` gives ranks).

    A vectorized linear-probing hash table of at least twice as many slots as values, filled in rounds:
    every value still unplaced probes its next slot; an empty slot is claimed (one claimant wins), a slot
    holding the same value places it, any other slot sends it on. Equal values probe in lockstep, so they
    always land in one slot. No sort: about two passes over the values plus one over the table.
    """
    size = values.size
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    bits = max(4, (2 * size - 1).bit_length())
    mask = np.uint64((1 << bits) - 1)
    table = np.zeros(1 << bits, dtype=np.uint64)
    used = np.zeros(1 << bits, dtype=bool)
    slot_of = np.empty(size, dtype=np.int64)
    pending = np.arange(size, dtype=np.int64)
    pending_values = values
    slots = (values & mask).astype(np.int64)
    while pending.size:
        free = ~used[slots]
        if free.any():
            claimed = slots[free]
            table[claimed] = pending_values[free]
            used[claimed] = True
        placed = table[slots] == pending_values
        slot_of[pending[placed]] = slots[placed]
        moving = ~placed
        pending, pending_values = pending[moving], pending_values[moving]
        slots = (slots[moving] + 1) & np.int64((1 << bits) - 1)
    compact = np.cumsum(used, dtype=np.int32)
    return compact[slot_of].astype(np.int64) - 1


def dense_ranks(values: U64) -> I64:
    """The rank of each value among the distinct values (equal values, equal ranks), exactly.

    Fast path: the position is packed into the low bits of each value, so one plain sort (no argsort)
    orders values by their high bits and carries the positions along; the rare groups of distinct values
    that share those high bits are then ordered by full value, so ranks are exact and in value order.
    """
    size = values.size
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    bits = max(1, size.bit_length())
    mask = np.uint64((1 << bits) - 1)
    packed = (values & ~mask) | np.arange(size, dtype=np.uint64)
    packed.sort()
    positions = (packed & mask).astype(np.int64)
    ordered = values[positions]
    new_value = np.ones(size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new_value[1:])
    high = packed >> np.uint64(bits)
    new_high = np.ones(size, dtype=bool)
    np.not_equal(high[1:], high[:-1], out=new_high[1:])
    clash = new_value & ~new_high
    if clash.any():
        # A few high-bit groups hold several distinct values: order just those groups by full value.
        group = np.cumsum(new_high) - 1
        bad = np.zeros(int(group[-1]) + 1, dtype=bool)
        bad[group[clash]] = True
        inside = np.flatnonzero(bad[group])
        reorder = np.lexsort((ordered[inside], group[inside]))
        positions[inside] = positions[inside][reorder]
        ordered = values[positions]
        new_value[1:] = ordered[1:] != ordered[:-1]
    ranks = np.empty(size, dtype=np.int64)
    ranks[positions] = np.cumsum(new_value) - 1
    return ranks


def expand_ranges(lo: I64, hi: I64) -> tuple[I64, I64]:
    """For ranges ``[lo[i], hi[i])``: (i repeated once per position, every position), flat."""
    counts = hi - lo
    which = np.repeat(np.arange(lo.size, dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    positions = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts - lo, counts)
    return which, positions
