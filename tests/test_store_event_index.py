"""The event index (schema v4): the SQL listing equals a brute-force filter of the cards, pages lose and
repeat nothing, v3 stores are migrated, and the index follows every write of events and memberships."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsfold
from conftest import make_article
from newsfold.errors import UsageError
from newsfold.model import Article
from newsfold.store import Store
from newsfold.store.cards import card_summary
from newsfold.store.schema import MIGRATIONS, _split_statements

NAMES = (
    "Irena Hollis", "Tomas Brandt", "Meridian Steelworks", "Greywater Energy", "Arno Vell", "Lea Kestrel",
    "Portmere", "Eastgate", "Northfield", "Gull Banks", "Jürgen Müller", "Ærøskøbing", 'Café "Central"',
    "Minsk", "Ministry of Ports", "Valdoria", "Ola Nordmann", "São Tomé",
)
WORDS = (
    "harbour bridge ferry strike council vote turbine cod quota flood river storm budget audit court appeal "
    "railway station festival museum hospital election mayor freight cable"
).split()


def _card(rng: random.Random, number: int) -> dict[str, Any]:
    """A card in one of the shapes the stages and older stores wrote."""
    day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(90))
    span = rng.choice((0, 0, 0, 1, 2, 5))
    headline = " ".join(rng.sample(WORDS, 4)).capitalize()
    who = rng.sample(NAMES[:6] + NAMES[10:13] + NAMES[16:17], rng.randrange(0, 3))
    where = rng.sample(NAMES[6:10] + NAMES[13:16] + NAMES[17:], rng.randrange(0, 3))
    shape = number % 5
    card: dict[str, Any] = {"headline": headline, "who": who, "where": where}
    if shape == 0:
        card["when"] = day.isoformat()
    elif shape == 1:
        card["when"] = {"start": day.isoformat(), "end": (day + dt.timedelta(days=span)).isoformat()}
    elif shape == 2:
        card = {"title": headline, "start": day.isoformat(), "end": (day + dt.timedelta(days=span)).isoformat(),
                "people": who, "places": [{"name": n} for n in where], "entities": rng.sample(NAMES, 1)}
    elif shape == 3:
        card["when"] = None  # undated
    else:
        card["when"] = f"{day.isoformat()}T10:00:00+00:00"
    return card


def _fill(store: Store, events: int = 240, seed: int = 3) -> None:
    """Events with cards of every shape, 1–4 member articles each, texts drawn from WORDS."""
    rng = random.Random(seed)
    cards = [(f"ev-{n:04d}", _card(rng, n)) for n in range(events)]
    articles: list[Article] = []
    members: list[tuple[str, str, float, dict[str, Any]]] = []
    for event_id, _ in cards:
        for k in range(rng.randint(1, 4)):
            article_id = f"{event_id}-a{k}"
            text = " ".join(rng.choice(WORDS) for _ in range(12)) + f" report {article_id.replace('-', ' ')}."
            articles.append(make_article(article_id, text, title=" ".join(rng.sample(WORDS, 3))))
            members.append((article_id, event_id, 0.5, {}))
    rng.shuffle(articles)
    store.add_articles(articles)
    with store.transaction():
        store.put_events(cards[: events // 2])
        store.put_event_members(members)
        store.put_events(cards[events // 2 :])


# -- the reference: the old full scan, with the documented filter semantics --------------------------------


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))


def brute_force(
    path: Path,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    entity: str | None = None,
    query: str | None = None,
    search_limit: int = 2000,
) -> list[dict[str, Any]]:
    """Every event read from the cards and filtered in Python (``query``: one plain word)."""
    connection = sqlite3.connect(path)
    sizes = dict(connection.execute("SELECT event_id, count(*) FROM event_members GROUP BY event_id"))
    hits: set[str] = set()
    if query:
        newest = [
            article_id
            for article_id, title, text in connection.execute("SELECT id, title, text FROM articles ORDER BY seq DESC")
            if query.lower() in _words(f"{title or ''} {text}")
        ][:search_limit]
        hits = {e for (e,) in connection.execute(
            f"SELECT event_id FROM event_members WHERE article_id IN ({','.join('?' * len(newest))})", newest)}
    items = []
    for event_id, card_text in connection.execute("SELECT id, card FROM events"):
        summary = card_summary(json.loads(card_text))
        if date_from is not None or date_to is not None:
            if summary["start"] is None:
                continue
            if date_from is not None and summary["end"] < date_from.isoformat():
                continue
            if date_to is not None and summary["start"] > date_to.isoformat():
                continue
        needle = entity.strip().lower() if entity else ""
        if needle and not any(needle in name.lower() for name in summary["entities"]):
            continue
        if query:
            own = _words(" ".join([summary["headline"] or "", *summary["who"], *summary["where"]]))
            if query.lower() not in own and event_id not in hits:
                continue
        items.append({"id": event_id, "size": sizes.get(event_id, 0), **summary})
    connection.close()
    items.sort(key=lambda item: (item["start"] is None, item["start"] or "", item["id"]))
    return items


FILTERS: list[dict[str, Any]] = [
    {},
    {"date_from": dt.date(2025, 2, 1)},
    {"date_to": dt.date(2025, 1, 20)},
    {"date_from": dt.date(2025, 1, 10), "date_to": dt.date(2025, 1, 12)},
    {"entity": "hollis"},
    {"entity": "  PORT "},
    {"entity": "mü"},
    {"entity": "e"},
    {"entity": '"central'},
    {"entity": "nobody at all"},
    {"query": "cod"},
    {"query": "ministry"},
    {"query": "quota", "search_limit": 5},
    {"query": "harbour", "entity": "o", "date_from": dt.date(2025, 1, 15), "date_to": dt.date(2025, 3, 1)},
    {"entity": "greywater", "date_from": dt.date(2025, 2, 15)},
    {"query": "ev", "entity": "a"},
    {"entity": "e", "date_from": dt.date(2025, 3, 1), "search_limit": 1},
    {"query": "report", "date_to": dt.date(2025, 2, 1)},
]


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    path = tmp_path / "events.db"
    store = Store(path)
    _fill(store)
    yield store, path
    store.close()


def _all_pages(store: Store, limit: int, **filters: Any) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = store.find_events(limit=limit, after=after, **filters)
        pages.extend(page.items)
        if page.next is None:
            return pages
        after = page.next


@pytest.mark.parametrize("filters", FILTERS, ids=[json.dumps(f, default=str) for f in FILTERS])
def test_listing_equals_the_brute_force_filter(filled: tuple[Store, Path], filters: dict[str, Any]) -> None:
    store, path = filled
    expected = brute_force(path, **filters)
    page = store.find_events(limit=10_000, **filters)
    assert page.items == expected and page.total == len(expected)
    assert _all_pages(store, 7, **filters) == expected, "cursor paging loses or repeats events"
    by_offset = [i for offset in range(0, len(expected) + 7, 7)
                 for i in store.find_events(limit=7, offset=offset, **filters).items]
    assert by_offset == expected


def test_unparseable_text_is_searched_as_words(filled: tuple[Store, Path]) -> None:
    store, path = filled
    assert store.find_events(query='cod"', limit=10_000).items == brute_force(path, query="cod")
    assert store.find_events(query="AND", limit=5).total == store.find_events(query='"and"', limit=5).total
    both = {i["id"] for i in store.find_events(query="cod OR quota", limit=10_000).items}
    assert both == {i["id"] for w in ("cod", "quota") for i in brute_force(path, query=w)}


def test_a_cursor_survives_writes_before_it(filled: tuple[Store, Path]) -> None:
    store, _ = filled
    first = store.find_events(limit=20)
    seen = [i["id"] for i in first.items]
    store.put_events([("ev-aaaa-early", {"headline": "Early", "when": "2024-12-31"})])
    rest: list[str] = []
    after = first.next
    while after is not None:
        page = store.find_events(limit=50, after=after)
        rest.extend(i["id"] for i in page.items)
        after = page.next
    assert not set(seen) & set(rest) and "ev-aaaa-early" not in rest
    assert len(seen) + len(rest) == store.find_events(limit=1).total - 1


def test_a_foreign_cursor_is_refused(filled: tuple[Store, Path]) -> None:
    store, _ = filled
    with pytest.raises(UsageError, match="cursor"):
        store.find_events(after="not-a-cursor")


def test_index_follows_moves_rewrites_and_deletes(filled: tuple[Store, Path]) -> None:
    store, path = filled
    rng = random.Random(11)
    ids = [e["id"] for e in store.find_events(limit=10_000).items]
    moved = [(f"{e}-a0", rng.choice(ids), 0.7, {"merge": True}) for e in rng.sample(ids, 30)]
    store.put_event_members(moved)
    store.delete_events(rng.sample(ids, 25))
    survivors = [e["id"] for e in store.find_events(limit=10_000).items]
    store.put_events([(e, {"headline": "Rewritten storm report", "when": "2025-02-02", "who": ["Nova Person"]})
                      for e in rng.sample(survivors, 10)])
    for filters in FILTERS + [{"entity": "nova"}, {"query": "rewritten"}]:
        assert store.find_events(limit=10_000, **filters).items == brute_force(path, **filters), filters
    assert store.list_events(limit=10_000) == [
        {"id": e["id"], "card": store.get_event(e["id"])["card"], "size": e["size"]}  # type: ignore[index]
        for e in sorted(brute_force(path), key=lambda e: e["id"])
    ]


def test_a_failed_write_leaves_no_index_row(filled: tuple[Store, Path]) -> None:
    store, path = filled
    with pytest.raises(RuntimeError), store.transaction():
        store.put_events([("ev-doomed", {"headline": "Doomed", "who": ["Doomed Person"]})])
        raise RuntimeError("crash mid-transaction")
    assert store.find_events(entity="doomed").total == 0
    assert store.find_events(limit=10_000).items == brute_force(path)


def test_writes_are_refused_inside_a_snapshot(filled: tuple[Store, Path]) -> None:
    store, _ = filled
    with pytest.raises(newsfold.StoreError, match="snapshot"), store.snapshot():
        store.put_events([("ev-x", {})])


def test_a_snapshot_does_not_see_commits_made_after_it_began(filled: tuple[Store, Path]) -> None:
    store, path = filled
    with Store(path) as writer, store.snapshot():
        before = store.find_events(limit=1).total
        writer.put_events([("ev-new", {"headline": "New"})])
        assert store.find_events(limit=1).total == before
        assert store.get_event("ev-new") is None
    assert store.find_events(limit=1).total == before + 1


# -- migration from version 3 ------------------------------------------------------------------------------


def _v3_store(path: Path) -> None:
    """A store as newsfold wrote it at schema version 3, with articles, cards and memberships."""
    connection = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:3]:
        assert isinstance(script, str)
        for statement in _split_statements(script):
            connection.execute(statement)
    connection.execute("PRAGMA user_version = 3")
    rows = [
        ("a1", "Ferry crews strike in Portmere over cod quotas", None),
        ("a2", "The ferry strike ended on Friday", None),
        ("a3", "Flood warning for the river", None),
    ]
    for n, (article_id, text, _) in enumerate(rows):
        connection.execute("INSERT INTO articles (id, content_hash, text, source) VALUES (?, ?, ?, ?)",
                           (article_id, f"{n:016x}", text, "test"))
    cards = {
        "ev-ferry": {"headline": "Ferry strike", "when": {"start": "2025-05-01", "end": "2025-05-03"},
                     "where": ["Portmere"], "who": [{"name": "Union of Seafarers"}]},
        "ev-flood": {"title": "River flood", "date": "2025-04-02", "places": ["Eastgate"]},
        "ev-empty": {},
    }
    for event_id, card in cards.items():
        connection.execute("INSERT INTO events (id, card) VALUES (?, ?)", (event_id, json.dumps(card)))
    for article_id, event_id in (("a1", "ev-ferry"), ("a2", "ev-ferry"), ("a3", "ev-flood")):
        connection.execute("INSERT INTO event_members (article_id, event_id) VALUES (?, ?)", (article_id, event_id))
    connection.close()


def test_a_v3_store_is_migrated_and_lists_its_events(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    _v3_store(path)
    with Store(path) as store:
        assert store.schema_version_at_open == 3
        listing = store.find_events(limit=50)
        assert [(e["id"], e["size"], e["start"], e["end"]) for e in listing.items] == [
            ("ev-flood", 1, "2025-04-02", "2025-04-02"),
            ("ev-ferry", 2, "2025-05-01", "2025-05-03"),
            ("ev-empty", 0, None, None),
        ]
        assert [e["id"] for e in store.find_events(entity="seafarers").items] == ["ev-ferry"]
        assert [e["id"] for e in store.find_events(query="cod").items] == ["ev-ferry"]
        assert [e["id"] for e in store.find_events(query="flood", date_from=dt.date(2025, 4, 1)).items] == ["ev-flood"]
        assert [e["id"] for e in store.find_events(date_from=dt.date(2025, 5, 3)).items] == ["ev-ferry"]
        assert [e["id"] for e in store.list_events()] == ["ev-empty", "ev-ferry", "ev-flood"]
        assert listing.items == brute_force(path)
        assert store.integrity_check() == "ok"


# -- the index after incremental folds -----------------------------------------------------------------------


def _two_batches(events: int = 20, seed: int = 4) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """JSON records in two batches: the first reports each event in two halves (other words, another
    person, another place) that open two events; the second bridges them, so its fold merges the halves
    (memberships move, the merged event is deleted)."""
    rng = random.Random(seed)
    syllables = ("ka", "lo", "mi", "ren", "tas", "vo", "dun", "pe", "sil", "gar", "nu", "zet", "bra", "hol")
    filler = "the officials said on that day and later in a statement that they would continue to work".split()

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(3))

    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    for event in range(events):
        words = [word() for _ in range(10)]
        person, other = (f"{word().capitalize()} {word().capitalize()}" for _ in range(2))
        place = word().capitalize()
        day = dt.date(2021, 3, 1) + dt.timedelta(days=4 * event)
        reports = [
            (words[:5], person, place, first), (words[5:], other, word().capitalize(), first),
            (words[:5], person, place, first), (words[5:], other, word().capitalize(), first),
            (words, f"{person} and {other}", place, second), (words[5:] + words[:5], f"{other} and {person}", place, second),
            (words[2:8], f"{person} and {other}", place, second),
        ]
        for number, (chosen, who, where, batch) in enumerate(reports):
            text = (f"{who} spoke in {where} about the {chosen[0]} {chosen[1]} on Monday. "
                    + " ".join(rng.sample(filler, 8) + chosen) + f". The {chosen[2]} and {chosen[3]} were discussed in {where}.")
            batch.append({"id": f"e{event}-{number}", "title": f"{who}: {chosen[0]} {chosen[1]}", "text": text,
                          "published": day.isoformat()})
    return first, second


def test_index_matches_the_cards_after_two_incremental_folds(tmp_path: Path) -> None:
    path = tmp_path / "folded.db"
    reports = []
    for n, batch in enumerate(_two_batches()):
        source = tmp_path / f"batch{n}.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        reports.append(newsfold.fold([source], db=path))
        with Store(path) as store:
            listing = store.find_events(limit=10_000)
            assert listing.items == brute_force(path), f"index differs from the cards after fold {n + 1}"
            assert sum(e["size"] for e in listing.items) == store.assigned_article_count()
            for name in sorted({name for e in listing.items for name in e["entities"]})[:15]:
                expected = [e["id"] for e in brute_force(path, entity=name)]
                assert [e["id"] for e in store.find_events(entity=name, limit=10_000).items] == expected
            for word in ("spoke", "discussed"):
                assert store.find_events(query=word, limit=10_000).items == brute_force(path, query=word)
    second = next(s for s in reports[1].stages if s.stage == "events")
    assert second.counts["merges"] > 0, "the second fold was meant to merge stored events (moved memberships)"
