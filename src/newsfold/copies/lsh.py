"""Locality-sensitive hashing by banding, and the sorted key tables that find equal keys.

Banding (Leskovec, Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3.4): a signature of ``k``
values is cut into ``b`` bands of ``r`` rows; two texts become a candidate pair when all ``r`` values of
at least one band agree, which happens with probability ``1 - (1 - J**r)**b`` for Jaccard similarity
``J``. :func:`optimal_bands` picks ``(b, r)`` with ``b * r <= k`` minimizing the weighted areas of false
positives below the threshold and false negatives above it, the rule of datasketch's ``MinHashLSH``.

A band is reduced to one 32-bit key that also encodes the band's position, so all bands share one table.
Keys of different bands can collide by chance (probability ``2**-32`` per pair of keys): that only adds
a candidate, and every candidate is verified on the real shingle sets.

:class:`KeyTable` is a multimap from key to uint32 owner kept as a few sorted segments (a
log-structured merge: a new batch is one segment; segments of similar size are merged), so lookups are
binary searches over flat arrays and the memory is 8 bytes per stored key (12 with 64-bit keys, for
corpora of hundreds of millions of texts, where 32-bit keys would collide by chance too often).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from newsfold.copies.shingles import mix64, seed_constant

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
Keys = npt.NDArray[np.unsignedinteger[Any]]
"""uint32 keys by default; uint64 with ``CopyOptions(key_bits=64)``."""


def collision_probability(similarity: npt.NDArray[np.float64] | float, bands: int, rows: int) -> npt.NDArray[
    np.float64
]:
    """``1 - (1 - s**rows)**bands``: the chance that two texts of Jaccard ``s`` share a band."""
    s = np.asarray(similarity, dtype=np.float64)
    return np.asarray(1.0 - (1.0 - s**rows) ** bands, dtype=np.float64)


def optimal_bands(
    threshold: float,
    num_hashes: int,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """``(bands, rows)`` minimizing ``fp_weight * FP + fn_weight * FN`` for a Jaccard ``threshold``.

    ``FP`` is the integral of the collision probability over ``[0, threshold]`` and ``FN`` the integral of
    its complement over ``[threshold, 1]`` (as datasketch's ``MinHashLSH`` does); ties go to fewer bands.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    if num_hashes < 1:
        raise ValueError(f"num_hashes must be at least 1, got {num_hashes}")
    below = np.linspace(0.0, threshold, 401)
    above = np.linspace(threshold, 1.0, 401)
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_hashes + 1):
        for rows in range(1, num_hashes // bands + 1):
            false_positive = np.trapezoid(collision_probability(below, bands, rows), below)
            false_negative = np.trapezoid(1.0 - collision_probability(above, bands, rows), above)
            error = false_positive_weight * false_positive + false_negative_weight * false_negative
            if best is None or error < best[0] - 1e-12:
                best = (float(error), bands, rows)
    assert best is not None
    return best[1], best[2]


def band_keys(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int, seed: int, key_bits: int = 32
) -> Keys:
    """The ``(num_docs, bands)`` band keys of a batch of signatures: uint32, or uint64 for ``key_bits=64``."""
    num_docs, num_hashes = signatures.shape
    if bands * rows > num_hashes:
        raise ValueError(f"{bands} bands of {rows} rows need {bands * rows} hash values, have {num_hashes}")
    multipliers = np.array([seed_constant(seed, 100 + row) | 1 for row in range(rows)], dtype=np.uint64)
    band_ids = np.array([seed_constant(seed, 1000 + band) for band in range(bands)], dtype=np.uint64)
    cube = signatures[:, : bands * rows].reshape(num_docs, bands, rows).astype(np.uint64)
    combined = (cube * multipliers).sum(axis=2, dtype=np.uint64)
    mixed = mix64(combined ^ band_ids)
    if key_bits == 64:
        return mixed
    return (mixed >> np.uint64(32)).astype(np.uint32)


def _exclusive_cumsum(counts: I64) -> I64:
    offsets = np.zeros(counts.size, dtype=np.int64)
    if counts.size > 1:
        np.cumsum(counts[:-1], out=offsets[1:])
    return offsets


def _expand_ranges(lo: I64, hi: I64) -> tuple[I64, I64]:
    """For ranges ``[lo[i], hi[i])``: (i repeated, every position in the range), flat."""
    counts = hi - lo
    total = int(counts.sum())
    which = np.repeat(np.arange(lo.size, dtype=np.int64), counts)
    positions = np.arange(total, dtype=np.int64) - np.repeat(_exclusive_cumsum(counts) - lo, counts)
    return which, positions


def pairs_sharing_keys(keys: Keys, owners: U32, max_df: int | None = None) -> tuple[U32, U32]:
    """Every pair of different owners that hold an equal key (once per shared key; may repeat).

    Keys held by more than ``max_df`` entries are skipped when ``max_df`` is given.
    """
    order = np.argsort(keys, kind="stable")
    sorted_keys, sorted_owners = keys[order], owners[order]
    if sorted_keys.size == 0:
        empty = np.zeros(0, dtype=np.uint32)
        return empty, empty
    boundary = np.flatnonzero(np.diff(sorted_keys) != 0) + 1
    group_starts = np.concatenate([[0], boundary])
    group_ends = np.concatenate([boundary, [sorted_keys.size]])
    sizes = group_ends - group_starts
    keep = sizes > 1
    if max_df is not None:
        keep &= sizes <= max_df
    group_starts, group_ends = group_starts[keep], group_ends[keep]
    members = _expand_ranges(group_starts, group_ends)[1]
    member_end = np.repeat(group_ends, group_ends - group_starts)
    left, right_positions = _expand_ranges(members + 1, member_end)
    left_owner = sorted_owners[members[left]]
    right_owner = sorted_owners[right_positions]
    distinct = left_owner != right_owner
    return left_owner[distinct], right_owner[distinct]


@dataclass(slots=True)
class KeyTable:
    """A multimap key -> uint32 owner in sorted segments (see the module docstring)."""

    _keys: list[Keys] = field(default_factory=list)
    _owners: list[U32] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(k.size for k in self._keys)

    @property
    def nbytes(self) -> int:
        return sum(k.nbytes for k in self._keys) + sum(o.nbytes for o in self._owners)

    def search(self, keys: Keys) -> list[tuple[I64, I64]]:
        """Per segment, the range ``[lo[i], hi[i])`` of its entries equal to ``keys[i]`` (for
        :meth:`counts` and :meth:`lookup` on the same keys, so the segments are searched once)."""
        # Searching in key order lets each binary search start where the previous one ended.
        order = np.argsort(keys)
        ordered = keys[order]
        ranges: list[tuple[I64, I64]] = []
        for segment in self._keys:
            lo = np.empty(keys.size, dtype=np.int64)
            hi = np.empty(keys.size, dtype=np.int64)
            lo[order] = np.searchsorted(segment, ordered, side="left")
            hi[order] = np.searchsorted(segment, ordered, side="right")
            ranges.append((lo, hi))
        return ranges

    def counts(self, keys: Keys, ranges: list[tuple[I64, I64]] | None = None) -> I64:
        """How many entries hold each of ``keys`` (``ranges``: :meth:`search` of these keys, if done)."""
        total = np.zeros(keys.size, dtype=np.int64)
        for lo, hi in self.search(keys) if ranges is None else ranges:
            total += hi - lo
        return total

    def lookup(
        self, keys: Keys, skip: npt.NDArray[np.bool_] | None = None, ranges: list[tuple[I64, I64]] | None = None
    ) -> tuple[I64, U32]:
        """All ``(i, owner)`` with a stored entry ``(keys[i], owner)``; keys where ``skip`` is true are not
        looked up (``ranges``: :meth:`search` of these keys, if done)."""
        positions = np.flatnonzero(~skip) if skip is not None else None
        found_index: list[I64] = []
        found_owner: list[U32] = []
        for (lo, hi), owners in zip(self.search(keys) if ranges is None else ranges, self._owners, strict=True):
            if positions is not None:
                lo, hi = lo[positions], hi[positions]
            which, where = _expand_ranges(lo, hi)
            found_index.append(which if positions is None else positions[which])
            found_owner.append(owners[where])
        if not found_index:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
        return np.concatenate(found_index), np.concatenate(found_owner)

    def insert(self, keys: Keys, owners: U32) -> None:
        """Add entries ``(keys[i], owners[i])``."""
        if keys.size == 0:
            return
        order = np.argsort(keys)
        self._keys.append(np.ascontiguousarray(keys[order]))
        self._owners.append(np.ascontiguousarray(owners[order], dtype=np.uint32))
        while len(self._keys) >= 2 and self._keys[-2].size <= 2 * self._keys[-1].size:
            merged_keys = np.concatenate([self._keys[-2], self._keys[-1]])
            merged_owners = np.concatenate([self._owners[-2], self._owners[-1]])
            order = np.argsort(merged_keys, kind="stable")
            del self._keys[-2:], self._owners[-2:]
            self._keys.append(merged_keys[order])
            self._owners.append(merged_owners[order])
