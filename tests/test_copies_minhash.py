"""One-permutation MinHash with optimal densification: estimates, bounds, bytes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.copies.minhash import (
    EMPTY,
    estimate_jaccard,
    jaccard_error_bound,
    oph_signatures,
    signature_from_bytes,
    signature_to_bytes,
)
from newsfold.copies.shingles import ShingleBatch, mix64


def batch_of(*sets: np.ndarray) -> ShingleBatch:
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([s.size for s in sets], out=offsets[1:])
    hashes = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    return ShingleBatch(hashes=hashes, first_word=np.arange(hashes.size, dtype=np.int64), doc_offsets=offsets)


def items(start: int, stop: int) -> np.ndarray:
    return mix64(np.arange(start, stop, dtype=np.uint64))


@settings(max_examples=60, deadline=None)
@given(
    shared=st.integers(0, 600),
    only_a=st.integers(0, 600),
    only_b=st.integers(0, 600),
    seed=st.integers(0, 2**32),
)
def test_estimate_is_within_its_error_bound_of_the_exact_jaccard(
    shared: int, only_a: int, only_b: int, seed: int
) -> None:
    if shared + only_a == 0 or shared + only_b == 0:
        return
    set_a = items(0, shared + only_a)
    set_b = np.concatenate([items(0, shared), items(10_000, 10_000 + only_b)])
    exact = shared / (shared + only_a + only_b)
    signatures = oph_signatures(batch_of(set_a, set_b), 128, seed)
    estimate = estimate_jaccard(signatures[0], signatures[1])
    assert abs(estimate - exact) <= jaccard_error_bound(128, confidence=0.9999)


def test_estimates_are_unbiased_on_average() -> None:
    set_a, set_b = items(0, 300), items(100, 400)  # Jaccard 0.5
    estimates = []
    for seed in range(200):
        signatures = oph_signatures(batch_of(set_a, set_b), 64, seed)
        estimates.append(estimate_jaccard(signatures[0], signatures[1]))
    assert abs(float(np.mean(estimates)) - 0.5) < 0.02


def test_short_sets_are_densified_and_identical_sets_agree_everywhere() -> None:
    tiny = items(0, 3)
    signatures = oph_signatures(batch_of(tiny, tiny.copy()), 128, 1)
    assert not (signatures == EMPTY).any()
    assert estimate_jaccard(signatures[0], signatures[1]) == 1.0


def test_an_empty_text_has_the_empty_signature_and_matches_nothing() -> None:
    signatures = oph_signatures(batch_of(items(0, 0), items(0, 50)), 32, 1)
    assert (signatures[0] == EMPTY).all()
    assert estimate_jaccard(signatures[0], signatures[1]) == 0.0


def test_signature_bytes_round_trip() -> None:
    signature = oph_signatures(batch_of(items(0, 200)), 128, 9)[0]
    data = signature_to_bytes(signature)
    assert len(data) == 512
    assert signature_from_bytes(data).tolist() == signature.tolist()
    with pytest.raises(ValueError, match="4-byte"):
        signature_from_bytes(b"abc")


def test_error_bound_shrinks_with_more_hashes() -> None:
    assert jaccard_error_bound(256) < jaccard_error_bound(128) < jaccard_error_bound(64)
