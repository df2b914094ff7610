"""LSH banding parameters, band keys and the key tables."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.copies.containment import dense_ids, dense_ranks
from newsfold.copies.lsh import KeyTable, band_keys, collision_probability, optimal_bands, pairs_sharing_keys


def test_optimal_bands_match_datasketch() -> None:
    lsh = pytest.importorskip("datasketch.lsh")
    for threshold in (0.3, 0.5, 0.6, 0.8):
        assert optimal_bands(threshold, 128) == lsh._optimal_param(threshold, 128, 0.5, 0.5)


def test_collision_probability_is_steep_around_the_threshold() -> None:
    bands, rows = optimal_bands(0.6, 128)
    assert bands * rows <= 128
    assert collision_probability(0.9, bands, rows) > 0.99
    assert collision_probability(0.2, bands, rows) < 0.01


def test_equal_bands_give_equal_keys_and_bands_are_distinguished() -> None:
    signatures = np.zeros((2, 8), dtype=np.uint32)
    signatures[1, 4:] = 7
    keys = band_keys(signatures, 2, 4, seed=1)
    assert keys[0, 0] == keys[1, 0]
    assert keys[0, 1] != keys[1, 1]
    assert keys[0, 0] != keys[0, 1]  # the same values in another band make another key


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 15)), max_size=60),
    st.lists(st.tuples(st.integers(0, 12), st.integers(16, 30)), max_size=40),
)
def test_table_lookup_and_batch_pairs_equal_brute_force(
    stored: list[tuple[int, int]], queried: list[tuple[int, int]]
) -> None:
    table = KeyTable()
    for start in range(0, len(stored), 7):  # several inserts: several segments, some merged
        part = stored[start : start + 7]
        table.insert(np.array([k for k, _ in part], dtype=np.uint32), np.array([o for _, o in part], dtype=np.uint32))
    keys = np.array([k for k, _ in queried], dtype=np.uint32)
    which, owners = table.lookup(keys)
    found = sorted(zip(which.tolist(), owners.tolist(), strict=True))
    expected = sorted((i, o) for i, (k, _) in enumerate(queried) for key, o in stored if key == k)
    assert found == expected
    assert table.counts(keys).tolist() == [sum(1 for key, _ in stored if key == k) for k, _ in queried]
    left, right = pairs_sharing_keys(keys, np.array([o for _, o in queried], dtype=np.uint32))
    got = sorted(tuple(sorted(p)) for p in zip(left.tolist(), right.tolist(), strict=True))
    want = sorted(
        tuple(sorted((a[1], b[1]))) for a, b in itertools.combinations(queried, 2) if a[0] == b[0] and a[1] != b[1]
    )
    assert got == want


def test_frequent_keys_can_be_skipped() -> None:
    keys = np.array([1, 1, 1, 2, 2], dtype=np.uint32)
    owners = np.array([10, 11, 12, 13, 14], dtype=np.uint32)
    left, right = pairs_sharing_keys(keys, owners, max_df=2)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(13, 14)]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 5) | st.integers(2**63, 2**63 + 3), max_size=80))
def test_dense_ranks_equal_numpy_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.uint64)
    assert dense_ranks(array).tolist() == np.unique(array, return_inverse=True)[1].ravel().tolist()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 40) | st.integers(2**63, 2**63 + 3), max_size=120))
def test_dense_ids_partition_values_exactly(values: list[int]) -> None:
    array = np.array(values, dtype=np.uint64)
    ids = dense_ids(array).tolist()
    distinct = sorted(set(values))
    assert sorted(set(ids)) == list(range(len(distinct)))
    id_of_value: dict[int, int] = {}
    for value, id_ in zip(values, ids, strict=True):
        assert id_of_value.setdefault(value, id_) == id_
    assert len(set(id_of_value.values())) == len(distinct)
