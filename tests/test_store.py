"""The SQLite store: migrations, idempotent ingest, transactions, search and assignments."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from conftest import make_article
from newsfold.errors import StoreError
from newsfold.model import CopyGroup, CopyMember, CopyPair, Dateline, Passage
from newsfold.store import SCHEMA_VERSION, Store


def test_new_store_is_migrated_to_current_version(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        assert store.schema_version_at_open == 0
        assert store.integrity_check() == "ok"
    with Store(tmp_path / "a.db") as store:
        assert store.schema_version_at_open == SCHEMA_VERSION
    connection = sqlite3.connect(tmp_path / "a.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_from_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_not_a_database_gives_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        Store(path)


def test_add_articles_is_idempotent_and_reports_conflicts(store: Store) -> None:
    first = make_article("a", "One text about a meeting in Minsk.")
    result = store.add_articles([first, make_article("b", "Another text.")])
    assert result.added == ["a", "b"]
    again = store.add_articles([first])
    assert again.added == [] and again.unchanged == ["a"]
    clash = store.add_articles([make_article("a", "A different text under the same id.")])
    assert clash.added == []
    assert len(clash.conflicts) == 1 and "already stored" in clash.conflicts[0].reason
    assert store.stats()["articles"] == 2


def test_article_round_trip_keeps_every_field(store: Store) -> None:
    published = dt.datetime(2020, 6, 19, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    article = make_article("x", "Body text here.", title="A title", published=published)
    article = type(article)(
        **{
            **{f: getattr(article, f) for f in article.__slots__},  # type: ignore[attr-defined]
            "dateline": Dateline("MINSK", "TASS", dt.date(2020, 6, 19), "MINSK, June 19. /TASS/."),
            "outlet": "TASS",
            "language": "en",
            "meta": {"section": "world"},
        }
    )
    store.add_articles([article])
    assert store.get_article("x") == article
    assert store.get_articles(["missing", "x"]) == [article]


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_articles([make_article("a", "text one")])
        raise RuntimeError("boom")
    assert store.stats()["articles"] == 0


def test_full_text_search_finds_titles_and_text(store: Store) -> None:
    store.add_articles(
        [
            make_article("a", "The ministers met in Minsk to talk about oil.", title="Talks in Minsk"),
            make_article("b", "A storm hit the coast.", title="Storm"),
        ]
    )
    assert [hit["id"] for hit in store.search("minsk")] == ["a"]
    assert [hit["id"] for hit in store.search("storm")] == ["b"]
    assert store.search('unbalanced "quote') == []


def test_pending_and_marks_track_stage_progress(store: Store) -> None:
    store.add_articles([make_article(str(i), f"text number {i}") for i in range(5)])
    pending = store.pending("copies")
    assert [i for _, i in pending] == ["0", "1", "2", "3", "4"]
    store.set_mark("copies", pending[2][0])
    assert [i for _, i in store.pending("copies")] == ["3", "4"]


def test_copy_groups_and_assignments(store: Store) -> None:
    store.add_articles([make_article("a", "same words"), make_article("b", "same words"), make_article("c", "x")])
    store.put_copy_pairs([CopyPair("a", "b", "exact", 1.0, 1.0, 1.0, (Passage(0, 10, 0, 10),))])
    group = CopyGroup("g1", "a", (CopyMember("a", "canonical"), CopyMember("b", "duplicate")))
    store.replace_copy_groups([], [group])
    assert store.get_copy_group("g1") == group
    assert store.copy_pairs_of(["b"])[0].passages == (Passage(0, 10, 0, 10),)
    rows = list(store.iter_assignments())
    assert rows[0] == {"id": "a", "copy_group": "g1", "copy_role": "canonical", "event": None, "story": None}
    assert rows[2]["copy_group"] is None
