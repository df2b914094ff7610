"""Words and word n-gram shingles, hashed to 64 bits, for whole batches of texts at once.

A *word* is a maximal run of word characters (``str.isalnum`` or a combining mark, as Python's ``\\w``
without the underscore), casefolded character by character (simple case folding: ``ß`` stays one
character so that offsets keep pointing into the original text). A *shingle* is ``n`` consecutive words;
a text with fewer than ``n`` (but at least one) words has exactly one shingle, made of all its words.

Everything is vectorized in numpy over a batch of texts joined into one code-point array, with no Python
string object made per word: a word's hash is a polynomial hash of its folded code points modulo 2**64,
seeded and finished with the murmur3 ``fmix64`` mixer; a shingle's hash combines its words' hashes with
distinct odd multipliers and is mixed again. Hashes are deterministic functions of (text, seed) across
runs, platforms and batch compositions. Sets of shingle hashes stand for sets of shingles: two different
shingles collide with probability about 2**-64, which is the only sense in which the "exact" Jaccard and
containment computed from them are approximate.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from newsfold.copies import kernels

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_MASK64 = (1 << 64) - 1
_POLY_BASE = 0x100000001B3  # the FNV-1 64-bit prime
# The prefix-sum form below weighs a word's j-th code point by B**-j: the hash is a polynomial in B**-1.
_INVERSE_BASE = pow(_POLY_BASE, -1, 1 << 64)
_SHINGLE_MULTIPLIERS = (
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD,
    0xC4CEB9FE1A85EC53,
    0x94D049BB133111EB,
    0xBF58476D1CE4E5B9,
)


def mix64(values: U64) -> U64:
    """The murmur3 ``fmix64`` finalizer, elementwise over uint64 (a bijection that spreads every bit)."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def mix64_int(value: int) -> int:
    """:func:`mix64` for one Python int (used to derive constants from a seed)."""
    value &= _MASK64
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & _MASK64
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & _MASK64
    return value ^ (value >> 33)


def seed_constant(seed: int, purpose: int) -> int:
    """A 64-bit constant derived from ``seed`` for one ``purpose`` (so different uses are independent)."""
    return mix64_int(mix64_int(seed & _MASK64) ^ (purpose * 0x9E3779B97F4A7C15))


@lru_cache(maxsize=1)
def _fold_table() -> npt.NDArray[np.uint32]:
    """Code point -> folded code point for word characters, 0 for everything else (built once, ~0.4 s)."""
    table = np.zeros(0x110000, dtype=np.uint32)
    for code in range(1, 0x110000):
        char = chr(code)
        if not (char.isalnum() or unicodedata.category(char)[0] == "M"):
            continue
        folded = char.casefold()
        if len(folded) != 1:
            folded = char.lower()
        table[code] = ord(folded) if len(folded) == 1 else code
    return table


_CHAR_BUDGET = 1 << 20
_power_tables: list[tuple[U64, U64]] = []


def _powers(count: int) -> tuple[U64, U64]:
    """``(B**-i, B**i) mod 2**64`` for ``i < count`` (kept and grown on demand)."""
    if not _power_tables or _power_tables[0][0].size < count:
        size = max(count, _CHAR_BUDGET + 1)
        inverse = np.full(size, pow(_POLY_BASE, -1, 1 << 64), dtype=np.uint64)
        inverse[0] = 1
        forward = np.full(size, _POLY_BASE, dtype=np.uint64)
        forward[0] = 1
        _power_tables[:] = [(np.cumprod(inverse, dtype=np.uint64), np.cumprod(forward, dtype=np.uint64))]
    inverse_table, forward_table = _power_tables[0]
    return inverse_table[:count], forward_table[:count]


@dataclass(frozen=True, slots=True)
class TokenBatch:
    """The words of a batch of texts.

    ``hashes[k]`` is the seeded 64-bit hash of word ``k``; ``starts[k]``/``ends[k]`` are its half-open
    character offsets in its own text; the words of text ``d`` are ``doc_offsets[d]:doc_offsets[d+1]``.
    """

    hashes: U64
    starts: I64
    ends: I64
    doc_offsets: I64

    @property
    def num_docs(self) -> int:
        return int(self.doc_offsets.size - 1)


def tokenize_batch(texts: list[str], seed: int) -> TokenBatch:
    """Find and hash the words of every text in ``texts`` (see the module docstring for the contract).

    Texts are processed about a million characters at a time, to bound the temporary arrays.
    """
    parts: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if parts[-1] and size + len(text) > _CHAR_BUDGET:
            parts.append([])
            size = 0
        parts[-1].append(text)
        size += len(text) + 1
    if len(parts) == 1:
        return _tokenize_some(parts[0], seed)
    done = [_tokenize_some(part, seed) for part in parts]
    word_shift = np.cumsum([0] + [int(d.hashes.size) for d in done[:-1]])
    return TokenBatch(
        hashes=np.concatenate([d.hashes for d in done]),
        starts=np.concatenate([d.starts for d in done]),
        ends=np.concatenate([d.ends for d in done]),
        doc_offsets=np.concatenate(
            [np.zeros(1, dtype=np.int64)] + [d.doc_offsets[1:] + shift for d, shift in zip(done, word_shift, strict=True)]
        ),
    )


def _tokenize_some(texts: list[str], seed: int) -> TokenBatch:
    table = _fold_table()
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    # One separator code point (NUL, not a word character) between texts keeps words from joining.
    char_starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=char_starts[1:])
    joined = "\x00".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if kernels.enabled(codes.size):
        hashes, starts, ends, doc_offsets = kernels.tokenize_codes(
            codes, table, char_starts, np.uint64(seed_constant(seed, 1)), np.uint64(_INVERSE_BASE)
        )
        return TokenBatch(hashes=hashes, starts=starts, ends=ends, doc_offsets=doc_offsets)
    folded = table[codes]
    is_word = (folded != 0).view(np.int8)
    edges = np.diff(is_word, prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    # sum_j c_j * B**(start - j) over each word: a prefix sum of c_j * B**-j, differenced at the word's
    # ends and shifted by B**start, so the hash does not depend on where the word sits.
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    inverse, forward = _powers(codes.size)
    np.cumsum(folded.astype(np.uint64) * inverse, out=prefix[1:])
    poly = (prefix[ends] - prefix[starts]) * forward[starts]
    hashes = mix64(poly ^ np.uint64(seed_constant(seed, 1)))
    doc_of_word = np.searchsorted(char_starts, starts, side="right") - 1
    doc_offsets = np.searchsorted(doc_of_word, np.arange(len(texts) + 1), side="left").astype(np.int64)
    base = char_starts[doc_of_word]
    return TokenBatch(
        hashes=hashes,
        starts=(starts - base).astype(np.int64),
        ends=(ends - base).astype(np.int64),
        doc_offsets=doc_offsets,
    )


@dataclass(frozen=True, slots=True)
class ShingleBatch:
    """The shingles of a batch of texts, in text order.

    ``hashes[k]`` is shingle ``k``'s 64-bit hash; it starts at word ``first_word[k]`` of the batch's
    :class:`TokenBatch`; the shingles of text ``d`` are ``doc_offsets[d]:doc_offsets[d+1]``. A text's
    shingles may repeat (the same n words twice); sets are taken where needed.
    """

    hashes: U64
    first_word: I64
    doc_offsets: I64

    @property
    def num_docs(self) -> int:
        return int(self.doc_offsets.size - 1)

    def doc(self, index: int) -> U64:
        return self.hashes[self.doc_offsets[index] : self.doc_offsets[index + 1]]


def shingle_batch(tokens: TokenBatch, shingle_size: int) -> ShingleBatch:
    """Hash every run of ``shingle_size`` consecutive words within each text (see module docstring)."""
    if not 1 <= shingle_size <= len(_SHINGLE_MULTIPLIERS):
        raise ValueError(f"shingle_size must be in 1..{len(_SHINGLE_MULTIPLIERS)}, got {shingle_size}")
    words = tokens.hashes
    counts = np.diff(tokens.doc_offsets)
    total = words.size
    span = total - shingle_size + 1
    if span > 0:
        combined = words[:span] * np.uint64(_SHINGLE_MULTIPLIERS[0])
        for offset in range(1, shingle_size):
            combined += words[offset : offset + span] * np.uint64(_SHINGLE_MULTIPLIERS[offset])
        full = mix64(combined ^ np.uint64(shingle_size))
        # A window is a shingle when it ends inside the text where it starts.
        doc_end = np.repeat(tokens.doc_offsets[1:], counts)[:span]
        valid = np.arange(span) + shingle_size <= doc_end
        first_word = np.flatnonzero(valid)
        hashes = full[first_word]
    else:
        first_word = np.zeros(0, dtype=np.int64)
        hashes = np.zeros(0, dtype=np.uint64)
    short = np.flatnonzero((counts > 0) & (counts < shingle_size))
    per_doc = np.maximum(counts - shingle_size + 1, 0)
    if short.size:
        # Texts shorter than one shingle get one shingle of all their words.
        short_hashes = np.empty(short.size, dtype=np.uint64)
        for slot, doc in enumerate(short.tolist()):
            start = int(tokens.doc_offsets[doc])
            combined_one = 0
            for offset in range(int(counts[doc])):
                combined_one += int(words[start + offset]) * _SHINGLE_MULTIPLIERS[offset]
            combined_one = (combined_one & _MASK64) ^ int(counts[doc])
            short_hashes[slot] = mix64(np.array([combined_one], dtype=np.uint64))[0]
        per_doc[short] = 1
        doc_of_shingle = np.searchsorted(tokens.doc_offsets, first_word, side="right") - 1
        short_first = tokens.doc_offsets[short]
        all_first = np.concatenate([first_word, short_first])
        all_docs = np.concatenate([doc_of_shingle, short])
        order = np.lexsort((all_first, all_docs))
        first_word = all_first[order]
        hashes = np.concatenate([hashes, short_hashes])[order]
    doc_offsets = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(per_doc, out=doc_offsets[1:])
    return ShingleBatch(hashes=hashes, first_word=first_word.astype(np.int64), doc_offsets=doc_offsets)


def shingle_sets(texts: list[str], shingle_size: int, seed: int) -> list[U64]:
    """The sorted, duplicate-free shingle hashes of each text (for tests and exact comparisons)."""
    batch = shingle_batch(tokenize_batch(texts, seed), shingle_size)
    return [np.unique(batch.doc(index)) for index in range(batch.num_docs)]
