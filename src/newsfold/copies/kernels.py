"""Compiled loops for the hot paths of the copies engine (numba), with the numpy code as fallback.

Tokenizing, winnowing, verifying every candidate pair on its real shingle sets, aligning passages and
union-find over the verified pairs are, in numpy, many passes over large temporary arrays (a
64-bit-to-small-id table, gathers, masks); here each is one loop that stays in cache. Verification
builds, per right-hand text, an open-addressing table from shingle hash to first position, at most half
full, and probes it with the shingles of all its left-hand partners.

The kernels give exactly the results of the numpy code they replace (``tests/test_copies_kernels.py``).
They are used when numba is installed and ``NEWSFOLD_COPIES_KERNELS`` is not ``numpy``; set it to
``numpy`` to run the pure-numpy path. numba is imported and each kernel compiled at its first call, and
the machine code is cached on disk (``cache=True``): the first call in a fresh environment costs a few
seconds of compilation (see docs/copies.md), later processes load the cached code.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
Bools = npt.NDArray[np.bool_]

KERNELS_ENV = "NEWSFOLD_COPIES_KERNELS"
"""Environment variable: ``numpy`` selects the pure-numpy path; anything else (or unset) the kernels."""


@lru_cache(maxsize=1)
def _numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


MIN_SIZE = 50_000
"""Inputs smaller than this many elements (code points, shingles, matches; pairs count ten each) take
the numpy path, which is quick enough there: a short fold (one posted article, a small demo corpus) in a
fresh environment then does not wait seconds for the kernels to compile."""


def enabled(size: int | None = None) -> bool:
    """Whether the compiled kernels are used (numba installed and not switched off), for an input of
    ``size`` elements when given (see :data:`MIN_SIZE`)."""
    if size is not None and size < MIN_SIZE:
        return False
    return os.environ.get(KERNELS_ENV, "numba").strip().lower() != "numpy" and _numba_installed()


class _Kernel:
    """A function compiled by numba on its first call: numba (about 0.5 s to import) is imported then,
    not whenever newsfold is. Kernels call no other kernel, so each compiles on its own."""

    __slots__ = ("_compiled", "_function")

    def __init__(self, function: Callable[..., Any]) -> None:
        self._function = function
        self._compiled: Callable[..., Any] | None = None

    def __call__(self, *args: Any) -> Any:
        compiled = self._compiled
        if compiled is None:
            import numba

            compiled = self._compiled = numba.njit(cache=True, nogil=True)(self._function)
        return compiled(*args)


def _distinct_counts(hashes: U64, offsets: I64, needed: Bools) -> I64:
    """The number of distinct hashes of every text ``d`` with ``needed[d]`` (0 for the others)."""
    num_docs = offsets.size - 1
    longest = 0
    for d in range(num_docs):
        longest = max(longest, offsets[d + 1] - offsets[d])
    bits = 4
    while (1 << bits) < 2 * longest:
        bits += 1
    table = np.empty(1 << bits, dtype=np.uint64)
    owner = np.full(table.size, -1, dtype=np.int64)
    counts = np.zeros(num_docs, dtype=np.int64)
    for d in range(num_docs):
        if not needed[d]:
            continue
        lo, hi = offsets[d], offsets[d + 1]
        bits = 4
        while (1 << bits) < 2 * (hi - lo):
            bits += 1
        mask = (1 << bits) - 1
        distinct = 0
        for p in range(lo, hi):
            value = hashes[p]
            slot = np.int64(value & np.uint64(mask))
            while True:
                if owner[slot] != d:
                    owner[slot] = d
                    table[slot] = value
                    distinct += 1
                    break
                if table[slot] == value:
                    break
                slot = (slot + 1) & mask
        counts[d] = distinct
    return counts


def _compare_sorted(
    hashes: U64, offsets: I64, left: I64, right: I64, pair_number: I64
) -> tuple[I64, I64, I64, I64, I64]:
    """:func:`~newsfold.copies.containment.compare_pairs` for pairs sorted by ``right``: per pair the
    shared distinct shingles; the matches (``pair_number`` of the pair, left position, first right
    position), in pair order and increasing left position, as arrays cut to their length; and the number
    of distinct shingles of every right-hand text (-1 for the other texts)."""
    num_pairs = left.size
    set_size = np.full(offsets.size - 1, -1, dtype=np.int64)
    total = 0
    longest = 0
    for i in range(num_pairs):
        total += offsets[left[i] + 1] - offsets[left[i]]
        longest = max(longest, offsets[right[i] + 1] - offsets[right[i]])
    match_pair = np.empty(total, dtype=np.int64)
    match_left = np.empty(total, dtype=np.int64)
    match_right = np.empty(total, dtype=np.int64)
    shared = np.zeros(num_pairs, dtype=np.int64)
    bits = 4
    while (1 << bits) < 2 * longest:
        bits += 1
    size = 1 << bits
    table = np.empty(size, dtype=np.uint64)
    first = np.empty(size, dtype=np.int64)
    built = np.full(size, -1, dtype=np.int64)  # which build wrote a slot: stale slots read as empty
    counted = np.full(size, -1, dtype=np.int64)  # the last pair that counted a slot as shared
    found = 0
    i = 0
    while i < num_pairs:
        d = right[i]
        lo, hi = offsets[d], offsets[d + 1]
        bits = 4
        while (1 << bits) < 2 * (hi - lo):  # at least two slots per shingle
            bits += 1
        mask = (1 << bits) - 1
        distinct = 0
        for p in range(lo, hi):
            value = hashes[p]
            slot = np.int64(value & np.uint64(mask))
            while True:
                if built[slot] != i:
                    built[slot] = i
                    table[slot] = value
                    first[slot] = p
                    distinct += 1
                    break
                if table[slot] == value:
                    break
                slot = (slot + 1) & mask
        set_size[d] = distinct
        j = i
        while j < num_pairs and right[j] == d:
            if hi > lo:
                other = left[j]
                common = 0
                for p in range(offsets[other], offsets[other + 1]):
                    value = hashes[p]
                    slot = np.int64(value & np.uint64(mask))
                    while built[slot] == i:
                        if table[slot] == value:
                            match_pair[found] = pair_number[j]
                            match_left[found] = p
                            match_right[found] = first[slot]
                            found += 1
                            if counted[slot] != j:
                                counted[slot] = j
                                common += 1
                            break
                        slot = (slot + 1) & mask
                shared[j] = common
            j += 1
        i = j
    return shared, match_pair[:found], match_left[:found], match_right[:found], set_size


def _passage_spans(
    match_pair: I64,
    match_left: I64,
    match_right: I64,
    keep: Bools,
    left_text: I64,
    right_text: I64,
    shingle_offsets: I64,
    word_offsets: I64,
    shingle_size: int,
    max_gap_words: int,
    min_words: int,
) -> tuple[I64, I64, I64, I64, I64]:
    """The passages of the kept pairs as word spans ``(pair, a0, a1, b0, b1)`` (ends exclusive), exactly
    as :func:`~newsfold.copies.passages.passages_from_matches` builds them (see there): runs of matches on
    one diagonal, joined into a passage while each follows the one before within ``max_gap_words``."""
    count = match_pair.size
    out_pair = np.empty(count, dtype=np.int64)
    out_a0 = np.empty(count, dtype=np.int64)
    out_a1 = np.empty(count, dtype=np.int64)
    out_b0 = np.empty(count, dtype=np.int64)
    out_b1 = np.empty(count, dtype=np.int64)
    written = 0
    have_run = False
    run_pair = run_last_left = run_last_right = 0
    run_a0 = run_b0 = 0
    have_passage = False
    p_pair = p_a0 = p_a1 = p_b0 = p_b1 = 0
    prev_a_end = prev_b0 = prev_b_end = 0
    pair = left = right = 0
    k = 0
    while k <= count:
        continues = False
        if k < count:
            pair = match_pair[k]
            if not keep[pair]:
                k += 1
                continue
            left = match_left[k]
            right = match_right[k]
            continues = have_run and pair == run_pair and left == run_last_left + 1 and right == run_last_right + 1
        if have_run and not continues:
            # Close the run: it continues the current passage or starts the next one.
            a_text, b_text = left_text[run_pair], right_text[run_pair]
            a_shift = word_offsets[a_text] - shingle_offsets[a_text]
            b_shift = word_offsets[b_text] - shingle_offsets[b_text]
            a_end = min(run_last_left + a_shift + shingle_size, word_offsets[a_text + 1])
            b_end = min(run_last_right + b_shift + shingle_size, word_offsets[b_text + 1])
            follows = (
                have_passage
                and p_pair == run_pair
                and run_a0 <= prev_a_end + max_gap_words
                and run_b0 >= prev_b0
                and run_b0 <= prev_b_end + max_gap_words
            )
            if follows:
                p_a1 = max(p_a1, a_end)
                p_b1 = max(p_b1, b_end)
            else:
                if have_passage:
                    head_text = left_text[p_pair]
                    whole = p_a0 == word_offsets[head_text] and p_a1 == word_offsets[head_text + 1]
                    if p_a1 - p_a0 >= min_words or whole:
                        out_pair[written] = p_pair
                        out_a0[written] = p_a0
                        out_a1[written] = p_a1
                        out_b0[written] = p_b0
                        out_b1[written] = p_b1
                        written += 1
                have_passage = True
                p_pair, p_a0, p_a1, p_b0, p_b1 = run_pair, run_a0, a_end, run_b0, b_end
            prev_a_end, prev_b0, prev_b_end = a_end, run_b0, b_end
            have_run = False
        if k == count:
            break
        if continues:
            run_last_left, run_last_right = left, right
        else:
            have_run = True
            run_pair, run_last_left, run_last_right = pair, left, right
            a_text, b_text = left_text[pair], right_text[pair]
            run_a0 = left + word_offsets[a_text] - shingle_offsets[a_text]
            run_b0 = right + word_offsets[b_text] - shingle_offsets[b_text]
        k += 1
    if have_passage:
        head_text = left_text[p_pair]
        whole = p_a0 == word_offsets[head_text] and p_a1 == word_offsets[head_text + 1]
        if p_a1 - p_a0 >= min_words or whole:
            out_pair[written] = p_pair
            out_a0[written] = p_a0
            out_a1[written] = p_a1
            out_b0[written] = p_b0
            out_b1[written] = p_b1
            written += 1
    return out_pair[:written], out_a0[:written], out_a1[:written], out_b0[:written], out_b1[:written]


def _gather_ranges(source: npt.NDArray[Any], lo: I64, hi: I64, out: npt.NDArray[Any], start: int) -> int:
    """Copy ``source[lo[i]:hi[i]]`` for every ``i`` into ``out`` from ``start`` on; return the end."""
    at = start
    for i in range(lo.size):
        for p in range(lo[i], hi[i]):
            out[at] = source[p]
            at += 1
    return at


def _tokenize_codes(
    codes: npt.NDArray[np.uint32],
    table: npt.NDArray[np.uint32],
    char_starts: I64,
    seed_constant: np.uint64,
    poly_base: np.uint64,
) -> tuple[U64, I64, I64, I64]:
    """The words of texts joined into ``codes`` (text ``d`` from ``char_starts[d]``, one separator after
    each): their hashes, start and end offsets in their text, and per-text word offsets, exactly as
    :func:`~newsfold.copies.shingles.tokenize_batch` computes them (the word's ``k``-th folded code point
    times ``poly_base**k``, summed modulo 2**64, xored with ``seed_constant`` and mixed)."""
    num_docs = char_starts.size - 1
    bound = codes.size // 2 + 1
    hashes = np.empty(bound, dtype=np.uint64)
    starts = np.empty(bound, dtype=np.int64)
    ends = np.empty(bound, dtype=np.int64)
    doc_offsets = np.zeros(num_docs + 1, dtype=np.int64)
    words = 0
    for d in range(num_docs):
        first, stop = char_starts[d], min(char_starts[d + 1] - 1, codes.size)
        i = first
        while i < stop:
            folded = table[codes[i]]
            if folded == 0:
                i += 1
                continue
            begin = i
            value = np.uint64(0)
            power = np.uint64(1)
            while i < stop:
                folded = table[codes[i]]
                if folded == 0:
                    break
                value += np.uint64(folded) * power
                power *= poly_base
                i += 1
            value ^= seed_constant  # then murmur3 fmix64, as shingles.mix64
            value ^= value >> np.uint64(33)
            value *= np.uint64(0xFF51AFD7ED558CCD)
            value ^= value >> np.uint64(33)
            value *= np.uint64(0xC4CEB9FE1A85EC53)
            hashes[words] = value ^ (value >> np.uint64(33))
            starts[words] = begin - first
            ends[words] = i - first
            words += 1
        doc_offsets[d + 1] = words
    return hashes[:words].copy(), starts[:words].copy(), ends[:words].copy(), doc_offsets


def _winnow(hashes: U64, offsets: I64, window: int, seed_constant: np.uint64, low_bits: bool) -> tuple[U64, I64]:
    """The anchors of every text, exactly as :func:`~newsfold.copies.containment.winnow_anchors` chooses
    them: the smallest ``mix64(hash ^ seed_constant)`` of every window of ``window`` shingles (a text with
    fewer has one, its smallest), kept as the low 32 bits with ``low_bits``; distinct per text, sorted by
    text and key. Returns ``(keys, texts)``."""
    num_docs = offsets.size - 1
    keys = np.empty(hashes.size, dtype=np.uint64)
    docs = np.empty(hashes.size, dtype=np.int64)
    ranked = np.empty(hashes.size, dtype=np.uint64)
    for p in range(hashes.size):
        value = hashes[p] ^ seed_constant  # then murmur3 fmix64, as shingles.mix64
        value ^= value >> np.uint64(33)
        value *= np.uint64(0xFF51AFD7ED558CCD)
        value ^= value >> np.uint64(33)
        value *= np.uint64(0xC4CEB9FE1A85EC53)
        ranked[p] = value ^ (value >> np.uint64(33))
    mask = np.uint64(0xFFFFFFFF) if low_bits else np.uint64(0xFFFFFFFFFFFFFFFF)
    queue = np.empty(hashes.size + 1, dtype=np.int64)  # positions whose values increase front to back
    count = 0
    for d in range(num_docs):
        lo, hi = offsets[d], offsets[d + 1]
        if hi == lo:
            continue
        start = count
        if hi - lo < window:
            smallest = ranked[lo]
            for p in range(lo + 1, hi):
                smallest = min(smallest, ranked[p])
            keys[count] = smallest & mask
            docs[count] = d
            count += 1
            continue
        head = tail = 0
        for p in range(lo, hi):
            while tail > head and ranked[queue[tail - 1]] >= ranked[p]:
                tail -= 1
            queue[tail] = p
            tail += 1
            if queue[head] <= p - window:
                head += 1
            if p >= lo + window - 1:
                key = ranked[queue[head]] & mask
                if count == start or keys[count - 1] != key:
                    keys[count] = key
                    docs[count] = d
                    count += 1
        chosen = np.sort(keys[start:count])
        distinct = 0
        for i in range(chosen.size):
            if i == 0 or chosen[i] != chosen[i - 1]:
                keys[start + distinct] = chosen[i]
                distinct += 1
        count = start + distinct
    return keys[:count].copy(), docs[:count].copy()


def _spanning_forest(num_items: int, a: I64, b: I64, order: I64) -> tuple[I64, I64]:
    """Kruskal over the edges ``(a[e], b[e])`` taken in ``order``: every item's root (the smallest item
    of its component) and, per edge, whether it joined two components (1) or not (0)."""
    parent = np.arange(num_items, dtype=np.int64)
    joined = np.zeros(a.size, dtype=np.int64)
    for e in order:
        root_a = a[e]
        while parent[root_a] != root_a:
            parent[root_a] = parent[parent[root_a]]  # path halving
            root_a = parent[root_a]
        root_b = b[e]
        while parent[root_b] != root_b:
            parent[root_b] = parent[parent[root_b]]
            root_b = parent[root_b]
        if root_a == root_b:
            continue
        if root_b < root_a:
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        joined[e] = 1
    roots = np.empty(num_items, dtype=np.int64)
    for item in range(num_items):
        # Roots are the smallest item of their component, so parents come before children.
        roots[item] = item if parent[item] == item else roots[parent[item]]
    return roots, joined


tokenize_codes = _Kernel(_tokenize_codes)
winnow = _Kernel(_winnow)
distinct_counts = _Kernel(_distinct_counts)
compare_sorted = _Kernel(_compare_sorted)
passage_spans = _Kernel(_passage_spans)
gather_ranges = _Kernel(_gather_ranges)
spanning_forest = _Kernel(_spanning_forest)


def warm_up() -> None:
    """Compile (or load from the cache) every kernel on a tiny input, so a timed run excludes it. The
    inputs have the types the engine passes (numba compiles once per argument type)."""
    if not enabled():
        return
    hashes = np.array([1, 2, 3, 2], dtype=np.uint64)
    offsets = np.array([0, 2, 4], dtype=np.int64)
    pairs_left, pairs_right = np.array([0], dtype=np.int64), np.array([1], dtype=np.int64)
    distinct_counts(hashes, offsets, np.ones(2, dtype=np.bool_))
    _, match_pair, match_left, match_right, _ = compare_sorted(
        hashes, offsets, pairs_left, pairs_right, np.zeros(1, dtype=np.int64)
    )
    passage_spans(
        match_pair, match_left, match_right, np.ones(1, dtype=np.bool_), pairs_left, pairs_right, offsets,
        offsets, 1, 8, 1,
    )
    gather_ranges(hashes, offsets[:1], offsets[1:2], np.empty(4, dtype=np.uint64), 0)
    gather_ranges(offsets, offsets[:1], offsets[1:2], np.empty(4, dtype=np.int64), 0)
    gather_ranges(offsets.astype(np.int32), offsets[:1], offsets[1:2], np.empty(4, dtype=np.int64), 0)
    codes = np.frombuffer("hi\x00!".encode("utf-32-le"), dtype=np.uint32)  # read-only, as the tokenizer's
    tokenize_codes(codes, np.arange(128, dtype=np.uint32), offsets[:2] * 3, np.uint64(1), np.uint64(3))
    winnow(hashes, offsets, 2, np.uint64(1), True)
    spanning_forest(2, pairs_left, pairs_right, np.zeros(1, dtype=np.int64))
