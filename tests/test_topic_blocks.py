"""Topic blocks: block vectors, k-means centroids on a hashed sample, and windows split by block."""

from __future__ import annotations

import datetime as dt

import pytest

from newsfold.engines.event_windows import WindowOptions, group_events_windowed, window_inputs
from newsfold.engines.topic_blocks import (
    BlockOptions,
    assign_block,
    assign_blocks,
    block_vector,
    fit_centroids,
)
from newsfold.events import ClusterOptions, group_events
from newsfold.events.features import IdfTable
from newsfold.model import Article
from test_spark_event_windows import _partition

_FLOODS = [
    "River floods the valley town. Floodwater rose overnight in the valley town and families fled their homes.",
    "Valley town flooded overnight. Families fled their homes as floodwater rose along the river.",
    "Floodwater recedes in the valley town. Families return to homes the river flooded this week.",
]
_RATES = [
    "Central bank raises interest rates. The central bank raised its main interest rate by half a point.",
    "Interest rates go up at the central bank. Its main rate rose by half a point, the bank said.",
    "Central bank holds interest rates. The bank kept its main rate after last month's rise.",
]


def _articles() -> list[Article]:
    day = dt.date(2024, 5, 2)
    texts = [*_FLOODS, *_RATES]
    return [
        Article(id=f"a{i}", content_hash=f"{i:016x}", text=text, title=text.split(".")[0], published=day)
        for i, text in enumerate(texts)
    ]


def test_block_vector_is_unit_length_over_the_heaviest_terms() -> None:
    vector = block_vector(_articles()[0], IdfTable.background())
    assert 0 < len(vector) <= 12
    assert sum(w * w for w in vector.values()) == pytest.approx(1.0)
    assert "valley" in vector and "the" not in vector
    empty = Article(id="e", content_hash="0" * 16, text="— … —")
    assert block_vector(empty, IdfTable.background()) == {}


def test_centroids_do_not_depend_on_the_input_order() -> None:
    articles = _articles()
    background = IdfTable.background()
    vectors = {a.id: block_vector(a, background) for a in articles}
    options = BlockOptions(blocks=2, sample=6)
    forward = fit_centroids(vectors, options)
    backward = fit_centroids(dict(reversed(list(vectors.items()))), options)
    assert forward == backward and len(forward) == 2
    # Bisecting: the broadest block is split until there are as many blocks as asked (six distinct texts).
    assert len(fit_centroids(vectors, BlockOptions(blocks=5, sample=6))) == 5
    assert len(fit_centroids(vectors, BlockOptions(blocks=8, sample=8))) == 6


def test_two_subjects_fall_into_two_blocks() -> None:
    blocks = assign_blocks(_articles(), BlockOptions(blocks=2, sample=6, copy_ratio=1.0))
    floods = {blocks[f"a{i}"][0] for i in range(3)}
    rates = {blocks[f"a{i}"][0] for i in range(3, 6)}
    assert len(floods) == len(rates) == 1 and floods != rates


def test_context_blocks_follow_the_ratio() -> None:
    centroids = [{"flood": 1.0}, {"flood": 0.6, "river": 0.8}, {"rate": 1.0}]
    vector = {"flood": 0.8, "river": 0.6}
    # similarities: 0.8, 0.96, 0.0 -> owner 1; block 0 at 0.8 / 0.96 = 0.83 of the best
    assert assign_block(vector, centroids, BlockOptions(blocks=3, sample=3, copy_ratio=0.8)) == (1, (0,))
    assert assign_block(vector, centroids, BlockOptions(blocks=3, sample=3, copy_ratio=0.9)) == (1, ())
    assert assign_block(vector, centroids, BlockOptions(blocks=3, sample=3, max_copies=0)) == (1, ())
    assert assign_block({}, centroids, BlockOptions(blocks=3, sample=3)) == (0, ())
    assert assign_block({"other": 1.0}, centroids, BlockOptions(blocks=3, sample=3)) == (0, ())


def test_topic_blocks_split_the_window_and_keep_its_events() -> None:
    articles = _articles()
    options = WindowOptions(span_days=28, partition_by="topic", topic_blocks=BlockOptions(blocks=2, sample=6))
    per_window, windows, _ = window_inputs(articles, options, ClusterOptions())
    assert len(per_window) == 2 and all(len(members) == 3 for members in per_window.values())
    local = group_events(articles).assignments
    blocked = group_events_windowed(articles, options)
    assert _partition(blocked) == _partition(dict(local))
    assert windows["a0"][0][0].startswith("t")


def test_block_options_are_checked() -> None:
    with pytest.raises(ValueError, match="sample"):
        BlockOptions(blocks=8, sample=4)
    with pytest.raises(ValueError, match="copy_ratio"):
        BlockOptions(copy_ratio=0.0)
    with pytest.raises(ValueError, match="blocks"):
        BlockOptions(blocks=0)

