"""The event index (schema version 4): what the filtered, paged event listing reads instead of the cards.

One row per stored event in ``event_index``: its first and last day, its member count, its headline,
its people and places (searched with the headline through the FTS5 table ``event_index_fts``) and its
:func:`~newsfold.store.cards.card_summary` as JSON, which is all a listing shows. Entity filters go
through ``entity_names`` (every card name, lowercased, with a trigram FTS5 index for substring matching)
and ``event_entities`` (which event names which entity).

The functions here take the connection of a write transaction that is already open: the store calls them
from the methods that write events and memberships, inside the same transaction as the write, so the
index never disagrees with the cards after a crash. The listing query itself is :func:`find_events`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsfold.errors import UsageError
from newsfold.store.cards import card_summary

__all__ = ["EventPage", "index_events", "unindex_events", "recount_sizes", "find_events", "backfill"]

SCHEMA = """
CREATE TABLE event_index (
    ix            INTEGER PRIMARY KEY,
    event_id      TEXT NOT NULL UNIQUE,
    undated       INTEGER NOT NULL,
    start_day     TEXT NOT NULL,
    end_day       TEXT NOT NULL,
    span_days     INTEGER NOT NULL,
    size          INTEGER NOT NULL,
    headline      TEXT NOT NULL,
    people_places TEXT NOT NULL,
    summary       TEXT NOT NULL
);
CREATE INDEX event_index_by_day ON event_index(undated, start_day, event_id);
CREATE INDEX event_index_by_span ON event_index(span_days);

CREATE VIRTUAL TABLE event_index_fts USING fts5(
    headline, people_places, content='event_index', content_rowid='ix', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER event_index_fts_insert AFTER INSERT ON event_index BEGIN
    INSERT INTO event_index_fts(rowid, headline, people_places) VALUES (new.ix, new.headline, new.people_places);
END;
CREATE TRIGGER event_index_fts_delete AFTER DELETE ON event_index BEGIN
    INSERT INTO event_index_fts(event_index_fts, rowid, headline, people_places)
    VALUES ('delete', old.ix, old.headline, old.people_places);
END;
CREATE TRIGGER event_index_fts_update AFTER UPDATE OF headline, people_places ON event_index
WHEN old.headline IS NOT new.headline OR old.people_places IS NOT new.people_places BEGIN
    INSERT INTO event_index_fts(event_index_fts, rowid, headline, people_places)
    VALUES ('delete', old.ix, old.headline, old.people_places);
    INSERT INTO event_index_fts(rowid, headline, people_places) VALUES (new.ix, new.headline, new.people_places);
END;

CREATE TABLE entity_names (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE entity_names_fts USING fts5(
    name, content='entity_names', content_rowid='id', tokenize='trigram case_sensitive 1'
);
CREATE TRIGGER entity_names_fts_insert AFTER INSERT ON entity_names BEGIN
    INSERT INTO entity_names_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER entity_names_fts_delete AFTER DELETE ON entity_names BEGIN
    INSERT INTO entity_names_fts(entity_names_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;

CREATE TABLE event_entities (
    entity INTEGER NOT NULL,
    event  INTEGER NOT NULL,
    PRIMARY KEY (entity, event)
) WITHOUT ROWID;
CREATE INDEX event_entities_by_event ON event_entities(event);
"""
"""The tables, indexes and triggers of the event index (``start_day``/``end_day`` are ``''`` for an
undated event, which lists after the dated ones; ``span_days`` bounds how far before ``from`` a
matching event can start)."""

_TRIGRAM = 3
_BROAD = 8
"""A filter that allows more than one event in ``_BROAD`` is walked in day order, not sorted."""
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of a filtered event listing.

    ``items`` are ``{"id", "size", **card_summary(card)}`` in listing order (start day, undated last,
    then id); ``total`` counts every match; ``next`` is the cursor of the following page (``None`` on
    the last page).
    """

    items: list[dict[str, Any]]
    total: int
    next: str | None


def _row(event_id: str, summary: Mapping[str, Any]) -> tuple[Any, ...]:
    start, end = summary["start"], summary["end"]
    span = 0
    if start is not None and end is not None:
        span = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    return (
        event_id,
        int(start is None),
        start or "",
        (end or start) if start else "",
        span,
        summary["headline"] or "",
        "\n".join([*summary["who"], *summary["where"]]),
        json.dumps(summary, ensure_ascii=False, separators=(",", ":")),
    )


def index_events(connection: sqlite3.Connection, events: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """Write (or rewrite) the index rows of ``events`` (``(event_id, card)``), their member counts taken
    from ``event_members`` and their entities. Call inside the write transaction of the cards."""
    for event_id, card in events:
        summary = card_summary(card)
        row = _row(event_id, summary)
        (ix,) = connection.execute(
            "INSERT INTO event_index (event_id, undated, start_day, end_day, span_days, headline, people_places,"
            " summary, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT count(*) FROM event_members WHERE event_id = ?))"
            " ON CONFLICT(event_id) DO UPDATE SET undated = excluded.undated, start_day = excluded.start_day,"
            " end_day = excluded.end_day, span_days = excluded.span_days, headline = excluded.headline,"
            " people_places = excluded.people_places, summary = excluded.summary, size = excluded.size"
            " RETURNING ix",
            (*row, event_id),
        ).fetchone()
        connection.execute("DELETE FROM event_entities WHERE event = ?", (ix,))
        names = [(name,) for name in sorted({name.lower() for name in summary["entities"]})]
        connection.executemany("INSERT INTO entity_names (name) VALUES (?) ON CONFLICT(name) DO NOTHING", names)
        connection.executemany(
            "INSERT OR IGNORE INTO event_entities (entity, event) SELECT id, ? FROM entity_names WHERE name = ?",
            [(ix, name) for (name,) in names],
        )


def unindex_events(connection: sqlite3.Connection, event_ids: Iterable[str]) -> None:
    """Remove the index rows of ``event_ids`` (entity names stay: they cost a row each and may return)."""
    for event_id in event_ids:
        row = connection.execute("SELECT ix FROM event_index WHERE event_id = ?", (event_id,)).fetchone()
        if row is not None:
            connection.execute("DELETE FROM event_entities WHERE event = ?", (row[0],))
            connection.execute("DELETE FROM event_index WHERE ix = ?", (row[0],))


def recount_sizes(connection: sqlite3.Connection, event_ids: Iterable[str]) -> None:
    """Set the member count of the indexed events among ``event_ids`` from ``event_members``."""
    ids = sorted(set(event_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        connection.execute(
            "UPDATE event_index SET size = (SELECT count(*) FROM event_members m WHERE m.event_id = event_index.event_id)"
            f" WHERE event_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )


def backfill(connection: sqlite3.Connection, batch: int = 2000) -> int:
    """Index every stored event from its card (the migration to version 4); returns the number indexed.

    Reads the cards in batches of ``batch`` by id, so memory stays bounded on large stores.
    """
    done = 0
    last = ""
    while True:
        rows = connection.execute(
            "SELECT id, card FROM events WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        ).fetchall()
        if not rows:
            return done
        index_events(connection, ((event_id, json.loads(card)) for event_id, card in rows))
        done += len(rows)
        last = rows[-1][0]


# -- the listing ---------------------------------------------------------------------------------------


def encode_cursor(undated: int, start_day: str, event_id: str) -> str:
    """The opaque cursor that lists the events after this sort key."""
    raw = json.dumps([undated, start_day, event_id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str, str]:
    """The sort key of a cursor made by :func:`encode_cursor`; :class:`UsageError` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        undated, start_day, event_id = json.loads(raw.decode("utf-8"))
        if not (isinstance(undated, int) and isinstance(start_day, str) and isinstance(event_id, str)):
            raise ValueError("wrong types")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise UsageError(f"not a cursor of this listing: {cursor[:40]!r}; use the 'next' of a previous page") from error
    return undated, start_day, event_id


def fts_phrase(query: str) -> str:
    """``query`` as an FTS5 phrase of its words (what a query FTS5 cannot parse is searched as)."""
    words = [w.replace('"', "") for w in query.split()]
    return " ".join(f'"{w}"' for w in words if w)


def _fts_ok(connection: sqlite3.Connection, query: str) -> bool:
    try:
        connection.execute("SELECT 1 FROM event_index_fts WHERE event_index_fts MATCH ? LIMIT 1", (query,)).fetchall()
        connection.execute("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", (query,)).fetchall()
    except sqlite3.OperationalError:
        return False
    return True


def find_events(
    connection: sqlite3.Connection,
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
    """Events matching every filter given, from the index: see :meth:`newsfold.store.Store.find_events`."""
    where: list[str] = []
    params: list[Any] = []
    # The event rows that the entity and text filters allow, as subqueries whose results are intersected.
    sets: list[str] = []
    set_params: list[Any] = []

    if date_from is not None or date_to is not None:
        where.append("e.undated = 0")
        if date_to is not None:
            where.append("e.start_day <= ?")
            params.append(date_to.isoformat())
        if date_from is not None:
            (max_span,) = connection.execute("SELECT coalesce(max(span_days), 0) FROM event_index").fetchone()
            # An event overlapping [from, …] ends on or after ``from``, so it starts at most max_span days
            # before: a range on the day index instead of a scan of everything older.
            earliest = date_from - dt.timedelta(days=max(int(max_span), 0))
            where.append("e.start_day >= ? AND e.end_day >= ?")
            params.extend([earliest.isoformat(), date_from.isoformat()])

    entity_needle = entity.strip().lower() if entity else ""
    if entity_needle:
        if len(entity_needle) >= _TRIGRAM:
            names = (
                "SELECT n.id FROM entity_names n WHERE n.id IN "
                "(SELECT rowid FROM entity_names_fts WHERE entity_names_fts MATCH ?) AND instr(n.name, ?) > 0"
            )
            set_params.extend(['"' + entity_needle.replace('"', '""') + '"', entity_needle])
        else:
            names = "SELECT n.id FROM entity_names n WHERE instr(n.name, ?) > 0"
            set_params.append(entity_needle)
        sets.append(f"SELECT DISTINCT ee.event FROM event_entities ee WHERE ee.entity IN ({names})")

    text = query.strip() if query else ""
    if text:
        if not _fts_ok(connection, text):
            text = fts_phrase(text)
        if not text:
            return EventPage([], 0, None)
        sets.append(
            "SELECT rowid FROM event_index_fts WHERE event_index_fts MATCH ? UNION "
            "SELECT i.ix FROM event_index i WHERE i.event_id IN (SELECT m.event_id FROM event_members m "
            "WHERE m.article_id IN (SELECT a.id FROM articles a WHERE a.seq IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?)))"
        )
        set_params.extend([text, text, search_limit])

    prefix = ""
    source = "event_index e"
    broad: set[int] | None = None
    if sets:
        allowed = [
            row[0]
            for row in connection.execute(" INTERSECT ".join(f"SELECT * FROM ({s})" for s in sets), set_params)
        ]
        (highest,) = connection.execute("SELECT coalesce(max(ix), 0) FROM event_index").fetchone()
        if len(allowed) * _BROAD < highest:
            # A selective filter: its rows, found once for the count and the page, drive the query (a
            # lookup each, then a sort of their keys) instead of a walk of the whole day index.
            prefix = "WITH allowed(event) AS (SELECT value FROM json_each(?)) "
            source = "allowed CROSS JOIN event_index e ON e.ix = allowed.event"
            params = [json.dumps(allowed), *params]
        else:
            # A broad one (a short substring, a common word): walk the day index in order and stop at
            # the page, as without a filter; a sort of most of the store would cost more.
            broad = set(allowed)
    condition = " WHERE " + " AND ".join(where) if where else ""
    if broad is None:
        (total,) = connection.execute(f"{prefix}SELECT count(*) FROM {source}{condition}", params).fetchone()
    elif where:
        total = sum(ix in broad for (ix,) in connection.execute(f"SELECT e.ix FROM {source}{condition}", params))
    else:
        total = len(broad)

    page_where = list(where)
    page_params = list(params)
    if after is not None:
        page_where.append("(e.undated, e.start_day, e.event_id) > (?, ?, ?)")
        page_params.extend(decode_cursor(after))
    page_condition = " WHERE " + " AND ".join(page_where) if page_where else ""
    order = "ORDER BY e.undated, e.start_day, e.event_id"
    select_keys = f"{prefix}SELECT e.ix, e.undated, e.start_day, e.event_id FROM {source}{page_condition} {order}"
    if broad is None:
        keys = connection.execute(f"{select_keys} LIMIT ? OFFSET ?", [*page_params, limit + 1, offset]).fetchall()
    else:
        keys = []
        wanted = max(offset, 0) + limit + 1
        for key in connection.execute(select_keys, page_params):
            if key[0] in broad:
                keys.append(key)
                if len(keys) == wanted:
                    break
        keys = keys[max(offset, 0) :]
    more = len(keys) > limit
    keys = keys[:limit]
    # The cards' summaries are read for the page only, not carried through the sort.
    found = {
        ix: (event_id, size, summary)
        for ix, event_id, size, summary in connection.execute(
            "SELECT ix, event_id, size, summary FROM event_index WHERE ix IN (SELECT value FROM json_each(?))",
            (json.dumps([k[0] for k in keys]),),
        )
    }
    items = [
        {"id": found[ix][0], "size": found[ix][1], **json.loads(found[ix][2])} for ix, _, _, _ in keys
    ]
    next_cursor = encode_cursor(*keys[-1][1:]) if more and keys else None
    return EventPage(items, int(total), next_cursor)


def list_by_id(connection: sqlite3.Connection, *, limit: int, offset: int) -> Sequence[tuple[str, str, int]]:
    """``(event_id, card, size)`` of the events in id order, one page."""
    return connection.execute(
        "SELECT e.event_id, c.card, e.size FROM event_index e JOIN events c ON c.id = e.event_id "
        "ORDER BY e.event_id LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
