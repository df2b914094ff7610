"""The compiled kernels give exactly the results of the pure-numpy path."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.copies import CopyIndex, CopyOptions, build_groups, facts_of, kernels, verify_pairs
from newsfold.copies.containment import compare_pairs, winnow_anchors
from newsfold.copies.groups import MemberFacts
from newsfold.copies.shingles import shingle_batch, tokenize_batch
from newsfold.model import Article, CopyGroup, CopyPair
from test_copies_index import make_corpus


def both_paths(monkeypatch: pytest.MonkeyPatch, run: object) -> tuple[object, object]:
    assert callable(run)
    monkeypatch.setattr(kernels, "MIN_SIZE", 0)  # the kernels even for the small inputs of these tests
    monkeypatch.setenv(kernels.KERNELS_ENV, "numpy")
    assert not kernels.enabled()
    expected = run()
    monkeypatch.setenv(kernels.KERNELS_ENV, "numba")
    assert kernels.enabled()
    return expected, run()


def test_the_kernels_are_on_by_default_for_inputs_worth_compiling_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kernels.KERNELS_ENV, raising=False)
    assert kernels.enabled() and kernels.enabled(kernels.MIN_SIZE)
    assert not kernels.enabled(kernels.MIN_SIZE - 1)


def test_compare_pairs_is_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    # Small vocabularies, so texts repeat shingles and share many; some texts are empty.
    texts = [rng.integers(0, 200, size=int(rng.integers(0, 150))).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
             for _ in range(200)]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([t.size for t in texts], out=offsets[1:])
    hashes = np.concatenate(texts)
    left, right = rng.integers(0, 200, 2000), rng.integers(0, 200, 2000)
    distinct = left != right
    left, right = left[distinct], right[distinct]
    expected, found = both_paths(monkeypatch, lambda: compare_pairs(hashes, offsets, left, right))
    for name in (f.name for f in dataclasses.fields(expected)):  # type: ignore[arg-type]
        assert np.array_equal(getattr(expected, name), getattr(found, name)), name


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return make_corpus(1500, seed=5)


def test_folding_gives_the_same_pairs_and_groups_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, corpus: list[Article]
) -> None:
    texts = {a.id: a.text for a in corpus}
    options = CopyOptions(batch_size=256)  # partners in earlier batches: kept hashed, or fetched again
    facts = {a.id: facts_of(a) for a in corpus}

    def fold() -> tuple[list[CopyPair], list[CopyGroup], list[CopyGroup]]:
        index = CopyIndex(options, fetch_texts=lambda ids: {i: texts[i] for i in ids})
        pairs = index.add(corpus[:700]) + index.add(corpus[700:])
        return (
            sorted(pairs, key=lambda p: (p.id_a, p.id_b)),
            build_groups(pairs, facts, containment_threshold=0.7),
            build_groups(pairs, facts, containment_threshold=0.7, split_below=0.8),
        )

    expected, found = both_paths(monkeypatch, fold)
    assert isinstance(expected, tuple) and expected[0]
    assert found == expected
    assert any(p.passages for p in expected[0]) and any(p.kind == "excerpt" for p in expected[0])


def test_verify_pairs_is_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch, corpus: list[Article]) -> None:
    texts = [a.text for a in corpus[:300]]
    left = [i for i in range(300) for j in range(i + 1, min(i + 30, 300))]
    right = [j for i in range(300) for j in range(i + 1, min(i + 30, 300))]
    expected, found = both_paths(monkeypatch, lambda: verify_pairs(texts, left, right))
    assert found == expected


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 11),
            st.integers(0, 11),
            st.sampled_from([0.35, 0.5, 0.72, 0.9, 1.0]),
            st.sampled_from(["near", "excerpt", "exact"]),
        ),
        max_size=30,
    ),
    st.sampled_from([None, 0.6, 0.8]),
)
def test_groups_are_the_same_on_both_paths(
    edges: list[tuple[int, int, float, str]], split_below: float | None
) -> None:
    members = {
        f"x{i}": MemberFacts(f"x{i}", f"h{i}", dt.date(2020, 1, 1 + i % 3), 100 + i % 4) for i in range(12)
    }
    pairs = [
        CopyPair(f"x{min(a, b)}", f"x{max(a, b)}", kind, score, min(1.0, score + 0.1), 0.8)  # type: ignore[arg-type]
        for a, b, score, kind in edges
        if a != b
    ]
    with pytest.MonkeyPatch.context() as patch:
        expected, found = both_paths(
            patch, lambda: build_groups(pairs, members, containment_threshold=0.7, split_below=split_below)
        )
    assert found == expected


def test_words_are_hashed_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch, corpus: list[Article]) -> None:
    texts = [a.text for a in corpus[:200]] + [
        "",
        "Ünïcödé ß straße İstanbul ﬁne x\u0301y",
        "a",
        "  \n ",
        "日本語のテキスト 123 — done.",
        "x" * 3000,
    ]
    expected, found = both_paths(monkeypatch, lambda: tokenize_batch(texts, seed=3))
    for name in ("hashes", "starts", "ends", "doc_offsets"):
        assert np.array_equal(getattr(expected, name), getattr(found, name)), name


@pytest.mark.parametrize("key_bits", [32, 64])
@pytest.mark.parametrize("window", [1, 3, 24])
def test_anchors_are_chosen_the_same_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, corpus: list[Article], key_bits: int, window: int
) -> None:
    texts = [a.text for a in corpus[:300]] + ["", "a b", "one two three four five six seven", "x " * 40]
    shingles = shingle_batch(tokenize_batch(texts, seed=1), 5)
    expected, found = both_paths(monkeypatch, lambda: winnow_anchors(shingles, window, 2, key_bits))
    assert isinstance(expected, tuple) and isinstance(found, tuple)
    for want, got in zip(expected, found, strict=True):
        assert want.dtype == got.dtype and np.array_equal(want, got)
