"""The copy index: verified pairs, excerpts, exact copies, incremental folding equal to one fold."""

from __future__ import annotations

import random

import pytest
import xxhash

from newsfold.copies import CopyIndex, CopyOptions, build_groups, facts_of, find_copies, verify_pairs
from newsfold.copies.index import IndexEntry
from newsfold.errors import UsageError
from newsfold.model import Article, CopyPair


def article(article_id: str, text: str) -> Article:
    return Article(id=article_id, content_hash=xxhash.xxh3_64_hexdigest(text.encode()), text=text)


def make_corpus(size: int, seed: int = 11) -> list[Article]:
    """Originals of 8-20 paragraphs over a made-up vocabulary, with copies made the way outlets do."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(4000)]
    sites = [f"Site{n} News | Home | Subscribe" for n in range(8)]
    texts: list[str] = []
    while len(texts) < size:
        paragraphs = [
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(20, 40))) + "."
            for _ in range(rng.randint(8, 20))
        ]
        texts.append("\n\n".join(paragraphs))
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 4])):
            copy = list(paragraphs)
            roll = rng.random()
            if roll < 0.25:
                start = rng.randrange(len(copy) - 3)
                copy = copy[start : start + 3]  # a 3-paragraph excerpt
            elif roll < 0.5:
                del copy[rng.randrange(len(copy))]
            elif roll < 0.75:
                copy = [" ".join(w if rng.random() > 0.03 else rng.choice(vocabulary) for w in p.split()) for p in copy]
            if rng.random() < 0.3:
                copy = [rng.choice(sites), *copy]
            texts.append("\n\n".join(copy))
        if rng.random() < 0.05:
            texts.append(texts[-1])  # an exact copy
    rng.shuffle(texts)
    return [article(f"n{i:05d}", text) for i, text in enumerate(texts[:size])]


def as_set(pairs: list[CopyPair]) -> set[CopyPair]:
    return set(pairs)


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return make_corpus(3000)


@pytest.fixture(scope="module")
def batch_pairs(corpus: list[Article]) -> list[CopyPair]:
    return CopyIndex(CopyOptions()).add(corpus)


def test_every_pair_is_verified_and_ordered(batch_pairs: list[CopyPair], corpus: list[Article]) -> None:
    options = CopyOptions()
    texts = {a.id: a.text for a in corpus}
    assert batch_pairs, "the generated corpus has copies"
    kinds = {p.kind for p in batch_pairs}
    assert kinds == {"exact", "near", "excerpt"}
    for pair in batch_pairs:
        assert pair.id_a < pair.id_b
        assert pair.jaccard >= options.jaccard_threshold or max(
            pair.containment_a_in_b, pair.containment_b_in_a
        ) >= options.containment_threshold
        for passage in pair.passages:
            shared_a = texts[pair.id_a][passage.a_start : passage.a_end]
            shared_b = texts[pair.id_b][passage.b_start : passage.b_end]
            assert shared_a.split()[:3] == shared_b.split()[:3] or pair.kind == "near"


def test_low_jaccard_excerpts_are_found(batch_pairs: list[CopyPair]) -> None:
    excerpts = [p for p in batch_pairs if p.kind == "excerpt"]
    assert any(p.jaccard < 0.3 for p in excerpts)


def test_folding_in_parts_and_any_order_equals_one_fold(corpus: list[Article], batch_pairs: list[CopyPair]) -> None:
    options = CopyOptions(batch_size=256)
    index = CopyIndex(options)
    reordered = list(reversed(corpus))
    incremental: list[CopyPair] = []
    for start, stop in ((0, 1000), (1000, 1700), (1700, 3000)):
        incremental.extend(index.add(reordered[start:stop]))
    assert len(incremental) == len(set(incremental))
    assert as_set(incremental) == as_set(batch_pairs)
    facts = {a.id: facts_of(a) for a in corpus}
    assert build_groups(incremental, facts, containment_threshold=0.7) == build_groups(
        batch_pairs, facts, containment_threshold=0.7
    )


def test_an_index_rebuilt_from_its_entries_folds_on_identically(corpus: list[Article]) -> None:
    first, second = corpus[:2000], corpus[2000:]
    texts = {a.id: a.text for a in corpus}
    original = CopyIndex(CopyOptions())
    result = original.fold(first)
    assert len(result.entries) == len(first)
    reloaded = CopyIndex.from_entries(result.entries, CopyOptions(), fetch_texts=lambda ids: {i: texts[i] for i in ids})
    assert reloaded.key_bytes == original.key_bytes
    assert as_set(reloaded.add(second)) == as_set(original.add(second))


def test_entries_made_under_other_options_are_refused() -> None:
    entry = IndexEntry("x", "h", b"", b"\x00\x00\x00\x00", b"", fingerprint="oph-v1 other")
    with pytest.raises(UsageError, match="fold the articles again"):
        CopyIndex.from_entries([entry], CopyOptions(), fetch_texts=dict)


def test_exact_copies_pair_with_each_other_and_inherit_near_pairs() -> None:
    text = " ".join(f"word{i}" for i in range(200))
    near = text.replace("word50 ", "changed ")
    pairs = CopyIndex().add([article("a", text), article("b", near)])
    assert [(p.id_a, p.id_b, p.kind) for p in pairs] == [("a", "b", "near")]
    later = CopyIndex()
    later.add([article("a", text), article("b", near)])
    more = later.add([article("c", text)])
    assert sorted((p.id_a, p.id_b, p.kind) for p in more) == [("a", "c", "exact"), ("b", "c", "near")]
    (exact,) = [p for p in more if p.kind == "exact"]
    assert exact.passages[0].a_start == 0 and exact.passages[0].a_end == len(text)


def test_texts_without_words_are_nobodys_copies() -> None:
    pairs, groups = find_copies([article("a", "  ...  "), article("b", "  ...  "), article("c", "")])
    assert pairs == [] and groups == []


def test_an_id_folded_twice_in_one_batch_is_an_error() -> None:
    with pytest.raises(UsageError, match="twice"):
        CopyIndex().add([article("a", "one two"), article("a", "three four")])


def test_bad_options_say_what_is_wrong() -> None:
    with pytest.raises(UsageError, match="jaccard_threshold"):
        CopyOptions(jaccard_threshold=1.5)


def test_verify_pairs_is_the_index_rule_as_a_pure_function(corpus: list[Article], batch_pairs: list[CopyPair]) -> None:
    by_id = {a.id: a for a in corpus}
    sample = [p for p in batch_pairs if p.kind != "exact"][:40]
    texts: list[str] = []
    left: list[int] = []
    right: list[int] = []
    for pair in sample:
        a, b = by_id[pair.id_a], by_id[pair.id_b]
        small, large = (a, b) if a.content_hash <= b.content_hash else (b, a)
        left.append(len(texts))
        texts.append(small.text)
        right.append(len(texts))
        texts.append(large.text)
    verdicts = verify_pairs(texts, left, right)
    for pair, verdict in zip(sample, verdicts, strict=True):
        assert verdict is not None and verdict.kind == pair.kind
        assert verdict.jaccard == pair.jaccard
    unrelated = verify_pairs(["alpha beta gamma delta epsilon zeta", "one two three four five six"], [0], [1])
    assert unrelated == [None]


def test_64_bit_keys_find_the_same_pairs_and_round_trip(corpus: list[Article], batch_pairs: list[CopyPair]) -> None:
    wide = CopyOptions(key_bits=64)
    texts = {a.id: a.text for a in corpus}
    first = CopyIndex(wide)
    result = first.fold(corpus[:2000])
    assert len(result.entries[0].band_keys) in (0, 8 * wide.bands_rows[0])
    reloaded = CopyIndex.from_entries(result.entries, wide, fetch_texts=lambda ids: {i: texts[i] for i in ids})
    later = reloaded.add(corpus[2000:])
    assert as_set(result.pairs + later) == as_set(batch_pairs)
    with pytest.raises(UsageError, match="fold the articles again"):
        CopyIndex.from_entries(result.entries, CopyOptions(), fetch_texts=dict)
