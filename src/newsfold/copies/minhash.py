"""MinHash signatures by one-permutation hashing with optimal densification.

Classic MinHash (Broder 1997) applies ``k`` independent hash functions to every shingle and keeps each
minimum: ``k`` hash evaluations per shingle. *One-permutation hashing* (Li, Owen and Zhang, "One
Permutation Hashing", NIPS 2012) hashes each shingle once, splits the hash range into ``k`` equal bins
and keeps the minimum inside each bin: one evaluation per shingle. Bins that stay empty (short texts)
are filled by *optimal densification* (Shrivastava, "Optimal Densification for Fast and Accurate Minwise
Hashing", ICML 2017): empty bin ``i`` probes bins ``p_i(1), p_i(2), ...`` given by a hash of ``(i, t)``
that is the same for every document, and copies the value of the first non-empty one. The probability
that two signatures agree in a bin is then the Jaccard similarity of the two shingle sets, as for ``k``
independent permutations, and the variance is close to it.

Everything runs over a whole :class:`~newsfold.copies.shingles.ShingleBatch` at once in numpy. Values
are the low 32 bits of the re-mixed shingle hash, so a signature is ``k`` little-endian uint32 values
(``4k`` bytes). A text with no shingle has the all-:data:`EMPTY` signature, which matches nothing.

Approximation: :func:`estimate_jaccard` is an unbiased estimate; with ``k`` hash values it is within
:func:`jaccard_error_bound` of the exact value with the stated confidence (Hoeffding). newsfold never
reports an estimate as a result: every candidate pair is verified on the real shingle sets.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from newsfold.copies.shingles import ShingleBatch, mix64, seed_constant

U32 = npt.NDArray[np.uint32]

EMPTY = np.uint32(0xFFFFFFFF)
"""The value of a bin no shingle fell into (never a real value: those are capped one below)."""


def oph_signatures(shingles: ShingleBatch, num_hashes: int, seed: int) -> U32:
    """The ``(num_docs, num_hashes)`` uint32 signatures of every text in the batch."""
    if num_hashes < 1:
        raise ValueError(f"num_hashes must be at least 1, got {num_hashes}")
    num_docs = shingles.num_docs
    counts = np.diff(shingles.doc_offsets)
    mixed = mix64(shingles.hashes ^ np.uint64(seed_constant(seed, 2)))
    bins = ((mixed >> np.uint64(32)) * np.uint64(num_hashes)) >> np.uint64(32)
    values = np.minimum((mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32), EMPTY - np.uint32(1))
    slots = np.repeat(np.arange(num_docs, dtype=np.uint64) * np.uint64(num_hashes), counts) + bins
    flat = np.full(num_docs * num_hashes, EMPTY, dtype=np.uint32)
    np.minimum.at(flat, slots.astype(np.intp), values)
    signatures = flat.reshape(num_docs, num_hashes)
    _densify(signatures, counts > 0, seed)
    return signatures


def _densify(signatures: U32, has_shingles: npt.NDArray[np.bool_], seed: int) -> None:
    """Fill empty bins in place by optimal densification (probe sequences shared by all documents)."""
    num_hashes = signatures.shape[1]
    empty_docs, empty_bins = np.nonzero((signatures == EMPTY) & has_shingles[:, None])
    if empty_docs.size == 0:
        return
    original = signatures.copy()
    probe_key = np.uint64(seed_constant(seed, 3))
    bin_keys = empty_bins.astype(np.uint64) << np.uint64(32)
    attempt = 0
    while empty_docs.size:
        attempt += 1
        probe = (
            (mix64(bin_keys ^ probe_key ^ np.uint64(attempt)) >> np.uint64(32)) * np.uint64(num_hashes)
        ) >> np.uint64(32)
        found_values = original[empty_docs, probe.astype(np.intp)]
        found = found_values != EMPTY
        signatures[empty_docs[found], empty_bins[found]] = found_values[found]
        keep = ~found
        empty_docs, empty_bins, bin_keys = empty_docs[keep], empty_bins[keep], bin_keys[keep]


def estimate_jaccard(signature_a: U32, signature_b: U32) -> float:
    """The fraction of bins where the signatures agree: an unbiased estimate of the Jaccard similarity."""
    if signature_a.shape != signature_b.shape:
        raise ValueError("signatures of different lengths cannot be compared")
    if signature_a.size == 0 or bool((signature_a == EMPTY).all()) or bool((signature_b == EMPTY).all()):
        return 0.0
    return float(np.count_nonzero(signature_a == signature_b)) / signature_a.size


def jaccard_error_bound(num_hashes: int, confidence: float = 0.999) -> float:
    """``eps`` such that ``|estimate - J| <= eps`` with probability ``confidence`` (Hoeffding's bound).

    The bound is exact for independent bins; densified one-permutation bins are slightly dependent, and the
    property test checks the bound holds on them too.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return math.sqrt(math.log(2.0 / (1.0 - confidence)) / (2.0 * num_hashes))


def signature_to_bytes(signature: U32) -> bytes:
    """One signature as ``4 * num_hashes`` little-endian bytes (what the store keeps)."""
    return np.ascontiguousarray(signature, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes) -> U32:
    """The inverse of :func:`signature_to_bytes`."""
    if len(data) % 4:
        raise ValueError(f"a signature is a whole number of 4-byte values, got {len(data)} bytes")
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
