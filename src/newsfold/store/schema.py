"""The versioned SQLite schema: an ordered list of migrations, applied once each.

The schema version lives in ``PRAGMA user_version``. Each migration runs in its own transaction together
with the version bump, so a crash mid-migration leaves the store at the previous version. A migration is
never edited once released: changes are new entries at the end of :data:`MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from newsfold.store import event_index

_V1 = """
CREATE TABLE articles (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    content_hash    TEXT NOT NULL,
    title           TEXT,
    text            TEXT NOT NULL,
    published       TEXT,
    dateline_place  TEXT,
    dateline_agency TEXT,
    dateline_date   TEXT,
    dateline_raw    TEXT,
    outlet          TEXT,
    language        TEXT,
    source          TEXT NOT NULL,
    meta            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX articles_by_hash ON articles(content_hash);
CREATE INDEX articles_by_published ON articles(published);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, coalesce(new.title, ''), new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, coalesce(old.title, ''), old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, coalesce(old.title, ''), old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, coalesce(new.title, ''), new.text);
END;

CREATE TABLE skipped (
    location TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    reason   TEXT NOT NULL
);

CREATE TABLE stage_marks (
    stage    TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE copy_pairs (
    id_a               TEXT NOT NULL,
    id_b               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    jaccard            REAL NOT NULL,
    containment_a_in_b REAL NOT NULL,
    containment_b_in_a REAL NOT NULL,
    passages           TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (id_a, id_b)
) WITHOUT ROWID;
CREATE INDEX copy_pairs_by_b ON copy_pairs(id_b);

CREATE TABLE copy_groups (
    id           TEXT PRIMARY KEY,
    canonical    TEXT NOT NULL,
    size         INTEGER NOT NULL,
    weakest_link REAL NOT NULL
);
CREATE TABLE copy_members (
    article_id TEXT PRIMARY KEY,
    group_id   TEXT NOT NULL,
    role       TEXT NOT NULL
);
CREATE INDEX copy_members_by_group ON copy_members(group_id);

CREATE TABLE copy_signatures (
    article_id TEXT PRIMARY KEY,
    signature  BLOB NOT NULL
);

CREATE TABLE events (
    id   TEXT PRIMARY KEY,
    card TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE event_members (
    article_id TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL,
    score      REAL,
    evidence   TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX event_members_by_event ON event_members(event_id);

CREATE TABLE storylines (
    id      TEXT PRIMARY KEY,
    summary TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE story_members (
    event_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX story_members_by_story ON story_members(story_id);
"""

# Version 2: articles whose dates had no year remember it, so the year can be resolved again against
# the collection's own dates once they are known.
_V2 = """
ALTER TABLE articles ADD COLUMN year_inferred INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_by_year_inferred ON articles(year_inferred) WHERE year_inferred = 1;
"""

# Version 3: what the online event grouper needs to resume without re-analysing stored articles: each
# assigned article's features (zlib-compressed JSON) with its event day, for the query of events active
# in a time window, and the document frequencies of the IDF table as it stood after the last run.
_V3 = """
CREATE TABLE event_features (
    article_id TEXT PRIMARY KEY,
    event_day  TEXT,
    features   BLOB NOT NULL
);
CREATE INDEX event_features_by_day ON event_features(event_day);
CREATE TABLE event_idf (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE event_idf_documents (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    documents INTEGER NOT NULL
);
"""



def _v4(connection: sqlite3.Connection) -> None:
    """Version 4: the event index that the filtered, paged event listing reads (see
    :mod:`newsfold.store.event_index`), backfilled from the stored cards and memberships."""
    # This calls the index's current code: a later change to the index's tables must freeze a copy of
    # what v4 wrote here, as a migration is never edited once released.
    for statement in _split_statements(event_index.SCHEMA):
        connection.execute(statement)
    event_index.backfill(connection)


# Version 5: named settings a store keeps across runs, such as the embedding model its events were
# grouped with (a later run must use the same one, or the saved features would not compare).
_V5 = """
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""


Migration = str | Callable[[sqlite3.Connection], None]
"""A migration: an SQL script, or a function that runs SQL (and computes what SQL alone cannot) on a
connection whose transaction is open."""

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _v4, _V5)
"""Migration ``i`` takes the store from version ``i`` to ``i + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring ``connection``'s database to :data:`SCHEMA_VERSION`; return the version it started at.

    Raises :class:`sqlite3.DatabaseError` when the file is not a database and ``ValueError`` when it
    was written by a newer newsfold (its version is above ours).
    """
    (start,) = connection.execute("PRAGMA user_version").fetchone()
    if start > SCHEMA_VERSION:
        raise ValueError(
            f"store schema version {start} is newer than this newsfold understands ({SCHEMA_VERSION}); "
            "upgrade newsfold"
        )
    for version in range(start, SCHEMA_VERSION):
        connection.execute("BEGIN IMMEDIATE")
        try:
            migration = MIGRATIONS[version]
            if callable(migration):
                migration(connection)
            else:
                # executescript would commit implicitly; run statements one by one inside our transaction.
                for statement in _split_statements(migration):
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return int(start)


def _split_statements(script: str) -> list[str]:
    """Split a migration script into complete statements (trigger bodies contain semicolons)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement in migration: {current.strip()[:80]}")
    return statements
