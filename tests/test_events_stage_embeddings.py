"""The events stage with dense embeddings: saved with the features, used again on every later run, and
never mixed with another model (or none) in one store.

The embedder here is a real one of our own, small enough for CI (the semantic extra is not installed
there): :class:`hashing_embedder.HashingEmbedder`, hashed words of headline and lead, L2-normalized.
tests/test_events_semantic.py runs the shipped MiniLM model when it is installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hashing_embedder import HashingEmbedder
from newsfold.errors import UsageError
from newsfold.events import group_events
from newsfold.events.embeddings import backend_of_model
from newsfold.events.scorer import SEMANTIC_WEIGHTS_FILE, load_scorer, semantic_weights_file
from newsfold.events.stage import EMBEDDER_SETTING, EventsStage
from newsfold.model import Article
from newsfold.pipeline import fold_records
from newsfold.store import Store
from test_events_incremental import _groups, _in_order, generated_articles


def _saved_embedding(store: Store, article_id: str) -> list[float] | None:
    embedding = store.get_event_features([article_id])[article_id].get("embedding")
    return None if embedding is None else list(embedding)


def test_embeddings_are_saved_recorded_and_fold_in_batches_like_one(tmp_path: Path) -> None:
    articles = _in_order(generated_articles(events=30))
    embedder = HashingEmbedder(name="word-hash-64")
    once = group_events(articles, embedder=embedder)
    assert once.features[articles[0].id].embedding is not None
    with Store(tmp_path / "parts.db") as store:
        half = len(articles) // 2
        for part in (articles[:half], articles[half:]):
            store.add_articles(part)
            EventsStage(embedder=embedder).run(store, [a.id for a in part])
        assert store.setting(EMBEDDER_SETTING) == "word-hash-64"
        assert _groups(store) == {frozenset(members) for members in once.events.values()}
    # the generated events are recovered with the semantic scorer too
    assert len(once.events) == 30


def test_a_store_keeps_its_embedding_model(tmp_path: Path) -> None:
    articles = _in_order(generated_articles(events=6))
    first, second, third = articles[:8], articles[8:12], articles[12:]
    with Store(tmp_path / "kept.db") as store:
        fold_records(first, store, stages=["events"], embedder=HashingEmbedder(name="word-hash-64"))
        # Our own model has no backend newsfold could load by name: a run without it is refused, not
        # silently grouped without embeddings.
        with pytest.raises(UsageError, match="word-hash-64"):
            fold_records(second, store, stages=["events"])
        assert store.mark("events") > 0 and all(
            store.get_event_features([a.id]) == {} for a in second
        ), "a refused run writes nothing"
        fold_records(second, store, stages=["events"], embedder=HashingEmbedder(name="word-hash-64"))

        with pytest.raises(UsageError, match="cannot be continued with another-model"):
            fold_records(third, store, stages=["events"], embedder=HashingEmbedder(name="another-model"))
        with pytest.raises(UsageError, match="cannot be continued with another-model"):
            fold_records([], store, stages=["events"], embedder=HashingEmbedder(name="another-model"))  # nothing new: refused all the same
    with Store(tmp_path / "plain.db") as store:
        fold_records(first, store, stages=["events"])
        assert store.setting(EMBEDDER_SETTING) == ""
        with pytest.raises(UsageError, match="without embeddings"):
            fold_records(second, store, stages=["events"], embedder=HashingEmbedder(name="word-hash-64"))
        fold_records(second, store, stages=["events"])
        assert store.get_event_features([second[0].id]), "a plain store goes on without embeddings"


def test_each_model_gets_its_own_semantic_scorer() -> None:
    assert backend_of_model("multilingual-e5-small-q4") == "e5"
    assert backend_of_model("all-MiniLM-L6-v2") == "minilm"
    assert backend_of_model("word-hash-64") is None
    assert semantic_weights_file("all-MiniLM-L6-v2") == SEMANTIC_WEIGHTS_FILE
    assert semantic_weights_file("word-hash-64") == SEMANTIC_WEIGHTS_FILE
    assert semantic_weights_file("multilingual-e5-small-q4") == "scorer_weights_semantic_e5.json"
    e5 = load_scorer(semantic=True, model="multilingual-e5-small-q4")
    assert e5.coef_ != load_scorer(semantic=True).coef_ and e5.notes_["embedder"] == "multilingual-e5-small-q4"
    semantic = load_scorer(semantic=True, model="word-hash-64")
    assert semantic.feature_names == load_scorer(semantic=True).feature_names
    assert dict(zip(semantic.feature_names, semantic.coef_, strict=True))["embedding_cosine"] > 0


def test_articles_are_embedded_in_one_batch_per_run(tmp_path: Path) -> None:
    articles = [
        Article(id=f"a{i}", content_hash=f"{i:016d}", title=f"Report {i}", text=f"Officials met in Minsk, item {i}.")
        for i in range(5)
    ]
    embedder = HashingEmbedder(name="word-hash-64")
    with Store(tmp_path / "batch.db") as store:
        store.add_articles(articles)
        EventsStage(embedder=embedder).run(store, [a.id for a in articles])
        assert embedder.calls == 1
        assert _saved_embedding(store, "a0") is not None
