"""The embedded SQLite store: the only module of newsfold that speaks SQL.

``Store`` holds articles, skipped records, copy pairs and groups, events and storylines and each stage's
progress mark. It opens the database in WAL mode with ``synchronous=NORMAL``: a crash or a kill loses at
most the transaction in flight, never the database. Writers use :meth:`Store.transaction`, which takes
the write lock up front (``BEGIN IMMEDIATE``) so that concurrent writers queue instead of failing
half-way.

Stage results are written through the ``put_*``/``replace_*`` methods inside a transaction together with
:meth:`Store.set_mark`, so a stage's batch is either fully visible or not at all. The methods that write
events and memberships also keep the event index (:mod:`newsfold.store.event_index`, schema version 4)
in the same transaction; :meth:`Store.find_events` lists events from it. Several reads that must agree
run in :meth:`Store.snapshot`, one read transaction.

Example::

    from newsfold.store import Store
    with Store("newsfold.db") as store:
        print(store.stats())
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsfold.errors import StoreError
from newsfold.model import Article, CopyGroup, CopyPair, Dateline, Passage, Skipped
from newsfold.store import event_index
from newsfold.store.event_index import EventPage
from newsfold.store.schema import SCHEMA_VERSION, migrate

__all__ = ["Store", "AddResult", "EventPage", "SCHEMA_VERSION"]

_SQLITE_VARIABLE_CHUNK = 500


@dataclass(slots=True)
class AddResult:
    """What :meth:`Store.add_articles` did with a batch.

    ``added`` are the ids newly stored, ``unchanged`` those already stored with the same text (a rerun),
    ``conflicts`` the records whose id was already stored with a different text: they are not stored and
    come back as :class:`Skipped` so that the caller counts them.
    """

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Skipped] = field(default_factory=list)


def _date_to_text(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_from_text(value: str | None) -> dt.date | dt.datetime | None:
    if value is None:
        return None
    if "T" in value or " " in value:
        return dt.datetime.fromisoformat(value)
    return dt.date.fromisoformat(value)


def _chunks(items: Sequence[str], size: int = _SQLITE_VARIABLE_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Store:
    """A newsfold database file (created and migrated on open).

    ``path`` may be ``":memory:"`` for a throw-away store. The object may be shared between threads:
    writes are serialized by an internal lock as well as by SQLite's own.
    """

    def __init__(self, path: str | Path = "newsfold.db", *, timeout_s: float = 60.0) -> None:
        self.path = str(path)
        try:
            self._connection = sqlite3.connect(
                self.path, timeout=timeout_s, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute("PRAGMA foreign_keys=ON")
            self.schema_version_at_open = migrate(self._connection)
        except (sqlite3.DatabaseError, ValueError) as error:
            raise StoreError(f"{self.path}: cannot open newsfold store: {error}") from error
        self._lock = threading.RLock()
        self._depth = 0
        self._reading = False

    # -- lifecycle ------------------------------------------------------------------------------------

    def _select_in(self, sql: str, keys: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` whose ``{marks}`` placeholders (one or more) stand for ``keys``.

        Keys are sent in chunks below SQLite's variable limit, so any number of keys works; each
        ``{marks}`` gets the whole chunk.
        """
        placeholders = sql.count("{marks}")
        for chunk in _chunks(list(keys)):
            marks = ",".join("?" * len(chunk))
            yield from self._connection.execute(sql.format(marks=marks), tuple(chunk) * placeholders)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one write transaction; nested blocks join the outer one.

        Raises :class:`StoreError` inside a :meth:`snapshot`, which is read-only.
        """
        with self._lock:
            if self._reading:
                raise StoreError("a write inside a read snapshot: open the transaction outside the snapshot")
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            else:
                self._connection.execute("COMMIT")
            finally:
                self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Run the block's reads on one snapshot of the store (one read transaction).

        Every query in the block sees the same committed state, however many transactions other
        connections commit meanwhile (WAL mode lets them write while the snapshot is held): a view built
        from several queries never mixes states. Nested blocks, and blocks inside a
        :meth:`transaction`, join the outer one. Writes are refused inside a snapshot. Hold it for one
        view or one request, not longer: a snapshot keeps the WAL from being checkpointed past it.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._connection.execute("BEGIN DEFERRED")
            self._depth = 1
            self._reading = True
            try:
                yield
            finally:
                self._depth = 0
                self._reading = False
                self._connection.execute("COMMIT")

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``'s answer: ``"ok"`` for a sound database."""
        return str(self._connection.execute("PRAGMA integrity_check").fetchone()[0])

    # -- articles ------------------------------------------------------------------------------------

    def add_articles(self, articles: Iterable[Article]) -> AddResult:
        """Store articles not yet stored, in one transaction; idempotent by ``id``."""
        result = AddResult()
        with self.transaction():
            for article in articles:
                row = self._connection.execute(
                    "SELECT content_hash, source FROM articles WHERE id = ?", (article.id,)
                ).fetchone()
                if row is not None:
                    if row[0] == article.content_hash:
                        result.unchanged.append(article.id)
                    else:
                        result.conflicts.append(
                            Skipped(
                                article.source,
                                f"id {article.id!r} is already stored from {row[1]} with a different text",
                                "id_conflict",
                            )
                        )
                    continue
                dateline = article.dateline
                self._connection.execute(
                    "INSERT INTO articles (id, content_hash, title, text, published, dateline_place,"
                    " dateline_agency, dateline_date, dateline_raw, outlet, language, source, meta, year_inferred)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id,
                        article.content_hash,
                        article.title,
                        article.text,
                        _date_to_text(article.published),
                        dateline.place if dateline else None,
                        dateline.agency if dateline else None,
                        _date_to_text(dateline.date) if dateline else None,
                        dateline.raw if dateline else None,
                        article.outlet,
                        article.language,
                        article.source,
                        json.dumps(dict(article.meta), ensure_ascii=False, default=str, sort_keys=True),
                        int(article.year_inferred),
                    ),
                )
                result.added.append(article.id)
        return result

    _ARTICLE_COLUMNS = (
        "id, content_hash, title, text, published, dateline_place, dateline_agency, dateline_date,"
        " dateline_raw, outlet, language, source, meta, year_inferred"
    )

    @staticmethod
    def _article_from_row(row: Sequence[Any]) -> Article:
        (id_, content_hash, title, text, published, place, agency, dl_date, dl_raw, outlet, language,
         source, meta, year_inferred) = row
        dateline = None
        if place is not None or agency is not None or dl_raw is not None:
            dl_value = _date_from_text(dl_date)
            if isinstance(dl_value, dt.datetime):
                dl_value = dl_value.date()
            dateline = Dateline(place=place, agency=agency, date=dl_value, raw=dl_raw or "")
        return Article(
            id=id_,
            content_hash=content_hash,
            text=text,
            title=title,
            published=_date_from_text(published),
            dateline=dateline,
            outlet=outlet,
            language=language,
            source=source,
            meta=json.loads(meta),
            year_inferred=bool(year_inferred),
        )

    def newest_reliable_published(self) -> dt.date | None:
        """The newest publication day among articles whose dates did not need an inferred year."""
        row = self._connection.execute(
            "SELECT max(substr(published, 1, 10)) FROM articles WHERE year_inferred = 0 AND published IS NOT NULL"
        ).fetchone()
        return None if row[0] is None else dt.date.fromisoformat(row[0])

    def iter_year_inferred(self) -> Iterator[Article]:
        """The articles whose dates carry an inferred year (see :attr:`Article.year_inferred`)."""
        rows = self._connection.execute(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE year_inferred = 1 ORDER BY seq"
        ).fetchall()
        for row in rows:
            yield self._article_from_row(row)

    def update_dates(self, article_id: str, published: dt.date | dt.datetime | None,
                     dateline: Dateline | None) -> None:
        """Replace an article's publication date and dateline (after its year was resolved again)."""
        with self.transaction():
            self._connection.execute(
                "UPDATE articles SET published = ?, dateline_place = ?, dateline_agency = ?,"
                " dateline_date = ?, dateline_raw = ? WHERE id = ?",
                (
                    _date_to_text(published),
                    dateline.place if dateline else None,
                    dateline.agency if dateline else None,
                    _date_to_text(dateline.date) if dateline else None,
                    dateline.raw if dateline else None,
                    article_id,
                ),
            )

    def get_article(self, article_id: str) -> Article | None:
        row = self._connection.execute(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else self._article_from_row(row)

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """The stored articles among ``article_ids``, in the order asked (unknown ids are left out)."""
        found: dict[str, Article] = {}
        for row in self._select_in(f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id IN ({{marks}})", article_ids):
            article = self._article_from_row(row)
            found[article.id] = article
        return [found[i] for i in article_ids if i in found]

    def iter_articles(self, *, after_seq: int = 0, batch_size: int = 1000) -> Iterator[Article]:
        """Every stored article in ingestion order, read in batches (the store is never loaded whole)."""
        last = after_seq
        while True:
            rows = self._connection.execute(
                f"SELECT seq, {self._ARTICLE_COLUMNS} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._article_from_row(row[1:])
            last = rows[-1][0]

    def ids_with_content_hash(self, content_hashes: Sequence[str]) -> dict[str, list[str]]:
        """For each content hash, the stored article ids that carry it (sorted)."""
        found: dict[str, list[str]] = {}
        sql = "SELECT content_hash, id FROM articles WHERE content_hash IN ({marks}) ORDER BY id"
        for content_hash, article_id in self._select_in(sql, content_hashes):
            found.setdefault(content_hash, []).append(article_id)
        return found

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Full-text search over titles and texts (SQLite FTS5 query syntax; plain words are ANDed).

        Returns ``{"id", "title", "snippet", "rank"}`` dicts, best first. A query FTS5 cannot parse is
        retried as a phrase of its words, so user input never raises.
        """
        sql = (
            "SELECT a.id, a.title, snippet(articles_fts, 1, '[', ']', '…', 12), bm25(articles_fts) "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ? OFFSET ?"
        )
        try:
            rows = self._connection.execute(sql, (query, limit, offset)).fetchall()
        except sqlite3.OperationalError:
            words = [w.replace('"', "") for w in query.split()]
            phrase = " ".join(f'"{w}"' for w in words if w)
            if not phrase:
                return []
            rows = self._connection.execute(sql, (phrase, limit, offset)).fetchall()
        return [{"id": r[0], "title": r[1], "snippet": r[2], "rank": r[3]} for r in rows]

    def list_articles(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        rows = self._connection.execute(
            "SELECT id, title, published, outlet, source FROM articles ORDER BY seq LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [
            {"id": r[0], "title": r[1], "published": r[2], "outlet": r[3], "source": r[4]} for r in rows
        ]

    # -- skipped records -----------------------------------------------------------------------------

    def add_skipped(self, skipped: Iterable[Skipped]) -> None:
        """Remember skipped records (one row per location: a rerun does not count them twice)."""
        with self.transaction():
            self._connection.executemany(
                "INSERT OR REPLACE INTO skipped (location, kind, reason) VALUES (?, ?, ?)",
                [(s.location, s.kind, s.reason) for s in skipped],
            )

    def skipped_counts(self) -> dict[str, int]:
        return dict(self._connection.execute("SELECT kind, count(*) FROM skipped GROUP BY kind").fetchall())

    # -- settings ------------------------------------------------------------------------------------

    def setting(self, name: str) -> str | None:
        """The value of the store's setting ``name``, or ``None`` when it was never set."""
        row = self._connection.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, name: str, value: str) -> None:
        """Set the store's setting ``name`` to ``value`` (inside the caller's transaction, if any)."""
        with self.transaction():
            self._connection.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    # -- stage progress ------------------------------------------------------------------------------

    def mark(self, stage: str) -> int:
        """The ingestion sequence number up to which ``stage`` has folded articles (0: none)."""
        row = self._connection.execute("SELECT last_seq FROM stage_marks WHERE stage = ?", (stage,)).fetchone()
        return 0 if row is None else int(row[0])

    def set_mark(self, stage: str, last_seq: int) -> None:
        """Record ``stage``'s progress; call inside the transaction that writes the matching results."""
        with self.transaction():
            self._connection.execute(
                "INSERT INTO stage_marks (stage, last_seq) VALUES (?, ?) "
                "ON CONFLICT(stage) DO UPDATE SET last_seq = excluded.last_seq",
                (stage, last_seq),
            )

    def pending(self, stage: str, *, limit: int | None = None) -> list[tuple[int, str]]:
        """``(seq, id)`` of the articles stored after ``stage``'s mark, in ingestion order."""
        sql = "SELECT seq, id FROM articles WHERE seq > ? ORDER BY seq"
        params: tuple[int, ...] = (self.mark(stage),)
        if limit is not None:
            sql += " LIMIT ?"
            params = (*params, limit)
        return [(int(seq), str(i)) for seq, i in self._connection.execute(sql, params)]

    # -- copies --------------------------------------------------------------------------------------

    def put_copy_pairs(self, pairs: Iterable[CopyPair]) -> None:
        """Insert or replace copy pairs (keyed by ``(id_a, id_b)``) with their passages."""
        with self.transaction():
            self._connection.executemany(
                "INSERT OR REPLACE INTO copy_pairs (id_a, id_b, kind, jaccard, containment_a_in_b,"
                " containment_b_in_a, passages) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        p.id_a,
                        p.id_b,
                        p.kind,
                        p.jaccard,
                        p.containment_a_in_b,
                        p.containment_b_in_a,
                        json.dumps([[q.a_start, q.a_end, q.b_start, q.b_end] for q in p.passages]),
                    )
                    for p in pairs
                ],
            )

    @staticmethod
    def _pair_from_row(row: Sequence[Any]) -> CopyPair:
        return CopyPair(
            id_a=row[0],
            id_b=row[1],
            kind=row[2],
            jaccard=row[3],
            containment_a_in_b=row[4],
            containment_b_in_a=row[5],
            passages=tuple(Passage(*q) for q in json.loads(row[6])),
        )

    _PAIR_COLUMNS = "id_a, id_b, kind, jaccard, containment_a_in_b, containment_b_in_a, passages"

    def copy_pairs_of(self, article_ids: Sequence[str]) -> list[CopyPair]:
        """Every stored pair that involves one of ``article_ids``, sorted by ``(id_a, id_b)``."""
        found: dict[tuple[str, str], CopyPair] = {}
        sql = f"SELECT {self._PAIR_COLUMNS} FROM copy_pairs WHERE id_a IN ({{marks}}) OR id_b IN ({{marks}})"
        for row in self._select_in(sql, article_ids):
            pair = self._pair_from_row(row)
            found[(pair.id_a, pair.id_b)] = pair
        return [found[k] for k in sorted(found)]

    def iter_copy_pairs(self) -> Iterator[CopyPair]:
        for row in self._connection.execute(f"SELECT {self._PAIR_COLUMNS} FROM copy_pairs ORDER BY id_a, id_b"):
            yield self._pair_from_row(row)

    def copy_group_ids_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """``{article_id: group_id}`` for those of ``article_ids`` that belong to a copy group."""
        return dict(self._select_in("SELECT article_id, group_id FROM copy_members WHERE article_id IN ({marks})",
                                    article_ids))

    def group_member_ids(self, group_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        sql = "SELECT group_id, article_id FROM copy_members WHERE group_id IN ({marks}) ORDER BY article_id"
        for group_id, article_id in self._select_in(sql, group_ids):
            found.setdefault(group_id, []).append(article_id)
        return found

    def replace_copy_groups(self, removed_group_ids: Iterable[str], groups: Iterable[CopyGroup]) -> None:
        """Delete the groups ``removed_group_ids`` and write ``groups`` (members and roles) in their place."""
        with self.transaction():
            for group_id in removed_group_ids:
                self._connection.execute("DELETE FROM copy_members WHERE group_id = ?", (group_id,))
                self._connection.execute("DELETE FROM copy_groups WHERE id = ?", (group_id,))
            for group in groups:
                self._connection.execute(
                    "INSERT OR REPLACE INTO copy_groups (id, canonical, size, weakest_link) VALUES (?, ?, ?, ?)",
                    (group.id, group.canonical, len(group.members), group.weakest_link),
                )
                self._connection.executemany(
                    "INSERT OR REPLACE INTO copy_members (article_id, group_id, role) VALUES (?, ?, ?)",
                    [(m.article_id, group.id, m.role) for m in group.members],
                )

    def list_copy_groups(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        rows = self._connection.execute(
            "SELECT g.id, g.canonical, g.size, g.weakest_link, a.title FROM copy_groups g "
            "LEFT JOIN articles a ON a.id = g.canonical ORDER BY g.size DESC, g.id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [
            {"id": r[0], "canonical": r[1], "size": r[2], "weakest_link": r[3], "title": r[4]} for r in rows
        ]

    def get_copy_group(self, group_id: str) -> CopyGroup | None:
        from newsfold.model import CopyMember

        row = self._connection.execute(
            "SELECT id, canonical, weakest_link FROM copy_groups WHERE id = ?", (group_id,)
        ).fetchone()
        if row is None:
            return None
        members = tuple(
            CopyMember(article_id=a, role=r)
            for a, r in self._connection.execute(
                "SELECT article_id, role FROM copy_members WHERE group_id = ? ORDER BY article_id", (group_id,)
            )
        )
        return CopyGroup(id=row[0], canonical=row[1], members=members, weakest_link=row[2])

    def put_copy_signatures(self, rows: Iterable[tuple[str, bytes]]) -> None:
        """Persist per-article copies-index entries (signature, band and anchor keys) as blobs."""
        with self.transaction():
            self._connection.executemany(
                "INSERT OR REPLACE INTO copy_signatures (article_id, signature) VALUES (?, ?)", list(rows)
            )

    def get_copy_signatures(self, article_ids: Sequence[str] | None = None) -> dict[str, bytes]:
        if article_ids is None:
            return dict(self._connection.execute("SELECT article_id, signature FROM copy_signatures"))
        return dict(
            self._select_in("SELECT article_id, signature FROM copy_signatures WHERE article_id IN ({marks})",
                            article_ids)
        )

    # -- events and storylines -----------------------------------------------------------------------

    def put_event_members(self, rows: Iterable[tuple[str, str, float | None, Mapping[str, Any]]]) -> None:
        """Insert or replace ``(article_id, event_id, score, evidence)`` memberships.

        A replaced membership moves the article out of its former event; the member counts of both
        events in the event index are updated in the same transaction.
        """
        records = [(a, e, s, json.dumps(dict(ev), default=str, sort_keys=True)) for a, e, s, ev in rows]
        with self.transaction():
            former = set(self.event_of([r[0] for r in records]).values())
            self._connection.executemany(
                "INSERT OR REPLACE INTO event_members (article_id, event_id, score, evidence) VALUES (?, ?, ?, ?)",
                records,
            )
            event_index.recount_sizes(self._connection, former | {r[1] for r in records})

    def put_events(self, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Insert or replace events with their card (a JSON-able mapping); their rows of the event index
        are written in the same transaction."""
        encoded = [(e, json.dumps(dict(card), default=str, sort_keys=True)) for e, card in rows]
        with self.transaction():
            self._connection.executemany("INSERT OR REPLACE INTO events (id, card) VALUES (?, ?)", encoded)
            # Index the card as stored (read back from its JSON), so the index reads what the views read.
            event_index.index_events(self._connection, ((e, json.loads(text)) for e, text in encoded))

    def delete_events(self, event_ids: Iterable[str]) -> None:
        """Delete events, their memberships, their storyline links and their rows of the event index."""
        with self.transaction():
            for event_id in event_ids:
                self._connection.execute("DELETE FROM events WHERE id = ?", (event_id,))
                self._connection.execute("DELETE FROM event_members WHERE event_id = ?", (event_id,))
                self._connection.execute("DELETE FROM story_members WHERE event_id = ?", (event_id,))
                event_index.unindex_events(self._connection, [event_id])

    def event_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        return dict(self._select_in("SELECT article_id, event_id FROM event_members WHERE article_id IN ({marks})",
                                    article_ids))

    def event_members(self, event_id: str) -> list[dict[str, Any]]:
        return [
            {"article_id": a, "score": s, "evidence": json.loads(ev)}
            for a, s, ev in self._connection.execute(
                "SELECT article_id, score, evidence FROM event_members WHERE event_id = ? ORDER BY article_id",
                (event_id,),
            )
        ]

    def get_event(self, event_id: str) -> dict[str, Any] | None:
        with self.snapshot():
            row = self._connection.execute("SELECT id, card FROM events WHERE id = ?", (event_id,)).fetchone()
            if row is None:
                return None
            return {"id": row[0], "card": json.loads(row[1]), "members": self.event_members(event_id)}

    def list_events(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Events in id order, one page: ``{"id", "card", "size"}`` each, read from the event index (a
        walk of ``offset + limit`` index entries, no count over the memberships)."""
        rows = event_index.list_by_id(self._connection, limit=limit, offset=offset)
        return [{"id": r[0], "card": json.loads(r[1]), "size": r[2]} for r in rows]

    def find_events(
        self,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        entity: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
        after: str | None = None,
        search_limit: int = 2000,
    ) -> EventPage:
        """Events matching every filter given, ordered by start day (undated last), then id; one page.

        - ``date_from``/``date_to``: the event's ``[start, end]`` days overlap the range; undated events
          match no date filter.
        - ``entity``: a name on the card (who, where, entities) contains it, case-insensitively.
        - ``query`` (FTS5 syntax; what FTS5 cannot parse is searched as a phrase of its words): the
          event's headline, people or places match it, or one of its member articles is among the
          ``search_limit`` most recently stored articles that match it.
        - paging: ``after`` (the ``next`` cursor of the page before) starts after that page's last event;
          then ``offset`` events are skipped and at most ``limit`` returned. A cursor stays valid while
          events are written: the next page starts after the same sort key, with nothing skipped or
          repeated among events that did not change.

        Reads one snapshot and never a card. Cost: without an entity or text filter, a walk of the day
        index over the date range (``total``) and to the page; with one, index lookups for the events
        it allows and a sort of their keys, or, when it allows more than an eighth of the store (a
        one-letter substring), a walk of the day index to the page. Raises
        :class:`~newsfold.errors.UsageError` for a cursor this listing did not make.
        """
        with self.snapshot():
            return event_index.find_events(
                self._connection, date_from=date_from, date_to=date_to, entity=entity, query=query, limit=limit,
                offset=offset, after=after, search_limit=search_limit,
            )

    def put_stories(self, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        with self.transaction():
            self._connection.executemany(
                "INSERT OR REPLACE INTO storylines (id, summary) VALUES (?, ?)",
                [(s, json.dumps(dict(summary), default=str, sort_keys=True)) for s, summary in rows],
            )

    def put_story_members(self, rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> None:
        """Insert or replace ``(event_id, story_id, evidence)`` memberships."""
        with self.transaction():
            self._connection.executemany(
                "INSERT OR REPLACE INTO story_members (event_id, story_id, evidence) VALUES (?, ?, ?)",
                [(e, s, json.dumps(dict(ev), default=str, sort_keys=True)) for e, s, ev in rows],
            )

    def delete_stories(self, story_ids: Iterable[str]) -> None:
        with self.transaction():
            for story_id in story_ids:
                self._connection.execute("DELETE FROM storylines WHERE id = ?", (story_id,))
                self._connection.execute("DELETE FROM story_members WHERE story_id = ?", (story_id,))

    def story_of_events(self, event_ids: Sequence[str]) -> dict[str, str]:
        """``{event_id: story_id}`` for those of ``event_ids`` that belong to a storyline."""
        return dict(self._select_in("SELECT event_id, story_id FROM story_members WHERE event_id IN ({marks})",
                                    event_ids))

    def get_story(self, story_id: str) -> dict[str, Any] | None:
        row = self._connection.execute("SELECT id, summary FROM storylines WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        events = [
            {"event_id": e, "evidence": json.loads(ev)}
            for e, ev in self._connection.execute(
                "SELECT event_id, evidence FROM story_members WHERE story_id = ? ORDER BY event_id", (story_id,)
            )
        ]
        return {"id": row[0], "summary": json.loads(row[1]), "events": events}

    def list_stories(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        rows = self._connection.execute(
            "SELECT s.id, s.summary, count(m.event_id) FROM storylines s LEFT JOIN story_members m "
            "ON m.story_id = s.id GROUP BY s.id ORDER BY s.id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [{"id": r[0], "summary": json.loads(r[1]), "size": r[2]} for r in rows]

    # -- saved state of the online event grouper (schema version 3) ---------------------------------

    def put_event_features(self, rows: Iterable[tuple[str, str | None, Mapping[str, Any]]]) -> None:
        """Insert or replace ``(article_id, event_day, features)``: an article's event features (a
        JSON-able mapping, stored compressed) and its event day (ISO date, ``None`` when undated)."""
        with self.transaction():
            self._connection.executemany(
                "INSERT OR REPLACE INTO event_features (article_id, event_day, features) VALUES (?, ?, ?)",
                [
                    (a, day, zlib.compress(json.dumps(dict(f), separators=(",", ":")).encode("utf-8"), 1))
                    for a, day, f in rows
                ],
            )

    def get_event_features(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Article id → stored event features, for those of ``article_ids`` that have them."""
        sql = "SELECT article_id, features FROM event_features WHERE article_id IN ({marks})"
        return {article_id: json.loads(zlib.decompress(blob)) for article_id, blob in self._select_in(sql, article_ids)}

    def events_active(self, start: dt.date | None, end: dt.date | None) -> list[str]:
        """Ids of events with a member whose event day lies in ``[start, end]`` or is unknown; with
        ``start``/``end`` ``None``, every event. Sorted."""
        if start is None or end is None:
            sql = "SELECT DISTINCT event_id FROM event_members ORDER BY event_id"
            return [r[0] for r in self._connection.execute(sql)]
        sql = (
            "SELECT DISTINCT m.event_id FROM event_features f JOIN event_members m ON m.article_id = f.article_id "
            "WHERE (f.event_day BETWEEN ? AND ?) OR f.event_day IS NULL ORDER BY m.event_id"
        )
        return [r[0] for r in self._connection.execute(sql, (start.isoformat(), end.isoformat()))]

    def event_member_ids(self, event_ids: Sequence[str]) -> dict[str, list[str]]:
        """Event id → its member article ids in ingestion order."""
        found: dict[str, list[str]] = {}
        sql = (
            "SELECT m.event_id, m.article_id FROM event_members m JOIN articles a ON a.id = m.article_id "
            "WHERE m.event_id IN ({marks}) ORDER BY a.seq"
        )
        for event_id, article_id in self._select_in(sql, event_ids):
            found.setdefault(event_id, []).append(article_id)
        return found

    def assigned_article_count(self) -> int:
        """Articles with an event membership."""
        return int(self._connection.execute("SELECT count(*) FROM event_members").fetchone()[0])

    def get_event_idf(self, terms: Iterable[str] | None = None) -> tuple[int, dict[str, int]] | None:
        """The saved IDF state ``(documents, term → document frequency)`` (only ``terms``' frequencies
        when given), ``None`` if never saved."""
        row = self._connection.execute("SELECT documents FROM event_idf_documents WHERE id = 1").fetchone()
        if row is None:
            return None
        if terms is None:
            return int(row[0]), dict(self._connection.execute("SELECT term, df FROM event_idf"))
        frequencies = dict(self._select_in("SELECT term, df FROM event_idf WHERE term IN ({marks})", sorted(set(terms))))
        return int(row[0]), frequencies

    def put_event_idf(self, documents: int, frequencies: Mapping[str, int]) -> None:
        """Save the IDF state: the document count and the frequencies of ``frequencies``' terms (those
        that changed; others stay as saved)."""
        with self.transaction():
            self._connection.execute(
                "INSERT OR REPLACE INTO event_idf_documents (id, documents) VALUES (1, ?)", (documents,)
            )
            self._connection.executemany(
                "INSERT OR REPLACE INTO event_idf (term, df) VALUES (?, ?)", sorted(frequencies.items())
            )

    # -- whole-store views ---------------------------------------------------------------------------

    def iter_assignments(self) -> Iterator[dict[str, str | None]]:
        """One record per stored article, in ingestion order: its copy group and role, event and story.

        Fields are ``None`` where a stage has not run or did not place the article.
        """
        sql = (
            "SELECT a.id, c.group_id, c.role, e.event_id, s.story_id FROM articles a "
            "LEFT JOIN copy_members c ON c.article_id = a.id "
            "LEFT JOIN event_members e ON e.article_id = a.id "
            "LEFT JOIN story_members s ON s.event_id = e.event_id ORDER BY a.seq"
        )
        for article_id, group_id, role, event_id, story_id in self._connection.execute(sql):
            yield {
                "id": article_id,
                "copy_group": group_id,
                "copy_role": role,
                "event": event_id,
                "story": story_id,
            }

    def stats(self) -> dict[str, int]:
        """Counts of everything stored."""
        counts: dict[str, int] = {}
        for name, table in (
            ("articles", "articles"),
            ("skipped", "skipped"),
            ("copy_pairs", "copy_pairs"),
            ("copy_groups", "copy_groups"),
            ("articles_in_copy_groups", "copy_members"),
            ("events", "events"),
            ("storylines", "storylines"),
        ):
            counts[name] = int(self._connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        counts["schema_version"] = SCHEMA_VERSION
        return counts
