"""The filtered event listing: the old full scan of every card against the store's event index (schema v4).

Builds (or reuses, with ``--db``) a store of ``--events`` synthetic events written through the store's
own methods, as the events stage writes them: ``--members`` articles per event (stored and searchable),
cards in the shape :mod:`newsfold.events.cards` writes (headline, who, where, when, sources, members,
unique sentences) and one membership per article. Days spread over three years; names are drawn from a
pool with a long tail, so an entity filter selects a few hundred events.

Then times, in this one process, each typical query of an analyst's event list with both peers:

- **scan**: the algorithm of ``views.filter_events`` before the index, kept here as the peer: every
  card read through the old ``Store.list_events`` (a GROUP BY over all memberships, OFFSET pages of
  5,000), summarized and filtered in Python, sorted, then sliced;
- **index**: ``views.filter_events`` as it is now (``Store.find_events`` over the event index).

It prints milliseconds per query (median of ``--repeat`` runs; the scan runs at most twice, it is slow),
the ratio, and whether both peers return the same page and total. The text query's contract changed
(see docs/api.md): the scan takes the 2,000 best-ranked article hits and a headline substring, the index
the 2,000 newest hits and the headline, people and places as words, so its row says how many of the
page's events agree.

It first times the index's upkeep: ``--write-events`` events (a card and two memberships each) written
into a fresh store through the store's methods, with the index kept and with its maintenance switched
off.

    .venv/bin/python benchmarks/listing.py --events 200000 --db /tmp/listing.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from newsfold.model import Article
from newsfold.store import Store, event_index
from newsfold.store.cards import card_summary
from newsfold.views import filter_events

SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vo", "dun", "pe", "sil", "gar", "nu", "zet", "bra", "hol", "ost",
             "ri", "an", "de", "mor", "kil")
FIRST_DAY = dt.date(2023, 1, 1)
DAYS = 3 * 365


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def _pick(rng: random.Random, pool: list[str]) -> str:
    """A name from ``pool`` with a long tail: the first is picked for about 0.6% of names (as a head of
    state in a national news stream), most names are rare."""
    return pool[int(len(pool) * rng.random() ** 2)]


def build_store(path: Path, events: int, members: int, seed: int = 1) -> None:
    """Write ``events`` synthetic events with ``members`` articles each into a new store at ``path``."""
    rng = random.Random(seed)
    vocabulary = sorted({_word(rng, 3) for _ in range(6000)})
    people = sorted({f"{_word(rng, 2).capitalize()} {_word(rng, 3).capitalize()}" for _ in range(30000)})
    places = sorted({_word(rng, 3).capitalize() for _ in range(4000)})
    rng.shuffle(people)
    rng.shuffle(places)
    started = time.perf_counter()
    with Store(path) as store:
        batch = 5000
        for first in range(0, events, batch):
            articles: list[Article] = []
            cards: list[tuple[str, dict[str, Any]]] = []
            rows: list[tuple[str, str, float | None, dict[str, Any]]] = []
            for number in range(first, min(first + batch, events)):
                event_id = f"ev-{number:07d}"
                day = FIRST_DAY + dt.timedelta(days=number * DAYS // events)
                who = list(dict.fromkeys(_pick(rng, people) for _ in range(rng.randint(1, 3))))
                where = list(dict.fromkeys(_pick(rng, places) for _ in range(rng.randint(1, 2))))
                topic = rng.sample(vocabulary, 8)
                headline = f"{who[0]} in {where[0]}: " + " ".join(topic[:4])
                ids = [f"{event_id}-{k}" for k in range(members)]
                for k, article_id in enumerate(ids):
                    words = [*topic, *rng.sample(vocabulary, 40)]
                    rng.shuffle(words)
                    text = f"{where[0].upper()}, {day:%B} {day.day}. {who[0]} said " + " ".join(words) + "."
                    articles.append(Article(id=article_id, content_hash=f"{number:08x}{k:08x}", text=text,
                                            title=headline if k == 0 else " ".join(topic[k % 4 : k % 4 + 5]),
                                            published=day, outlet=f"outlet-{k}", source=f"synthetic:{article_id}"))
                    rows.append((article_id, event_id, 0.8, {"term_cosine": 0.6}))
                cards.append((event_id, {
                    "event_id": event_id, "headline": headline, "headline_article": ids[0], "who": who,
                    "where": where, "when": day.isoformat(), "sources": [f"outlet-{k}" for k in range(members)],
                    "members": ids,
                    "unique": [{"article_id": ids[-1], "source": f"outlet-{members - 1}",
                                "sentences": [" ".join(topic) + "."]}],
                }))
            with store.transaction():
                store.add_articles(articles)
                store.put_events(cards)
                store.put_event_members(rows)
            print(f"  built {min(first + batch, events):,} events ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)


# -- the peer: filter_events as it was before the event index ------------------------------------------------


def _old_list_events(store: Store, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """``Store.list_events`` before schema v4: a GROUP BY over all memberships, paged by OFFSET."""
    rows = store._connection.execute(
        "SELECT e.id, e.card, count(m.article_id) FROM events e LEFT JOIN event_members m "
        "ON m.event_id = e.id GROUP BY e.id ORDER BY e.id LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return [{"id": r[0], "card": json.loads(r[1]), "size": r[2]} for r in rows]


def _old_all_events(store: Store, page: int = 5000) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        rows = _old_list_events(store, limit=page, offset=offset)
        yield from rows
        if len(rows) < page:
            return
        offset += page


def old_filter_events(
    store: Store,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    entity: str | None = None,
    query: str | None = None,
    limit: int = 50,
    offset: int = 0,
    search_limit: int = 2000,
) -> dict[str, Any]:
    """``views.filter_events`` before the event index, verbatim."""
    matched_events: set[str] | None = None
    needle = query.strip().lower() if query else ""
    if needle:
        hits = [hit["id"] for hit in store.search(query or "", limit=search_limit)]
        matched_events = set(store.event_of(hits).values())
    entity_needle = entity.strip().lower() if entity else ""
    items: list[dict[str, Any]] = []
    for row in _old_all_events(store):
        summary = card_summary(row["card"])
        if date_from is not None or date_to is not None:
            if summary["start"] is None:
                continue
            if date_from is not None and (summary["end"] or summary["start"]) < date_from.isoformat():
                continue
            if date_to is not None and summary["start"] > date_to.isoformat():
                continue
        if entity_needle and not any(entity_needle in name.lower() for name in summary["entities"]):
            continue
        if needle and row["id"] not in (matched_events or set()):
            if needle not in (summary["headline"] or "").lower():
                continue
        items.append({"id": row["id"], "size": row["size"], **summary})
    items.sort(key=lambda item: (item["start"] is None, item["start"] or "", item["id"]))
    return {"items": items[offset : offset + limit], "total": len(items), "limit": limit, "offset": offset}


# -- timing ----------------------------------------------------------------------------------------------------


def _time(call: Callable[[], dict[str, Any]], repeat: int) -> tuple[float, dict[str, Any]]:
    times = []
    result: dict[str, Any] = {}
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def queries(store: Store) -> list[tuple[str, dict[str, Any]]]:
    """Typical requests: names and words taken from the store, so each selects a realistic share."""
    middle = store.find_events(limit=1, offset=store.find_events(limit=1).total // 2).items[0]
    person, place = middle["who"][-1], middle["where"][0]
    busiest = Counter(n for e in store.find_events(limit=2000).items for n in e["who"]).most_common(1)[0][0]
    word = middle["headline"].split()[-1]
    week = dt.date.fromisoformat(middle["start"])
    return [
        ("first page", {}),
        ("a week", {"date_from": week, "date_to": week + dt.timedelta(days=6)}),
        (f"entity {person!r}", {"entity": person}),
        (f"entity {busiest!r}", {"entity": busiest}),
        (f"entity {place.lower()[:4]!r} (substring)", {"entity": place.lower()[:4]}),
        ("entity 'a' (most events)", {"entity": "a"}),
        (f"text {word!r}", {"query": word}),
        ("page 50", {"offset": 49 * 50}),
        ("page 2,000 (offset 99,950)", {"offset": 1999 * 50}),
        ("a month + place + text", {"date_from": week, "date_to": week + dt.timedelta(days=30),
                                     "entity": place, "query": word}),
    ]


def write_cost(events: int, seed: int = 2) -> tuple[float, float]:
    """Microseconds per event written (a card and two memberships, in transactions of 1,000 events)
    into a fresh store, with the event index kept and with its maintenance switched off (the peer)."""
    rng = random.Random(seed)
    cards = [
        (f"ev-{n}", {"headline": f"Headline {n} of the day", "who": [f"Person {rng.randrange(5000)}",
         f"Org {rng.randrange(500)}"], "where": [f"Place {rng.randrange(800)}"],
         "when": (FIRST_DAY + dt.timedelta(days=n % DAYS)).isoformat(),
         "unique": [{"article_id": f"a-{n}-1", "sentences": ["a sentence of forty words " * 8]}]})
        for n in range(events)
    ]
    rows = [(f"a-{n}-{k}", f"ev-{n}", 0.5, {"term_cosine": 0.6}) for n in range(events) for k in range(2)]

    def run() -> float:
        with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "write.db") as store:
            started = time.perf_counter()
            for first in range(0, events, 1000):
                with store.transaction():
                    store.put_events(cards[first : first + 1000])
                    store.put_event_members(rows[2 * first : 2 * first + 2000])
            return (time.perf_counter() - started) * 1e6 / events

    with_index = run()
    kept = event_index.index_events, event_index.recount_sizes
    event_index.index_events = lambda connection, written: None  # type: ignore[assignment]
    event_index.recount_sizes = lambda connection, written: None  # type: ignore[assignment]
    try:
        without_index = run()
    finally:
        event_index.index_events, event_index.recount_sizes = kept
    return with_index, without_index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="events to build (default 200,000)")
    parser.add_argument("--members", type=int, default=2, help="articles per event (default 2)")
    parser.add_argument("--db", type=Path, default=None,
                        help="store to build, or to reuse when it exists (default: a temporary file)")
    parser.add_argument("--repeat", type=int, default=9, help="runs of each indexed query (median shown)")
    parser.add_argument("--scan-repeat", type=int, default=2, help="runs of each full-scan query")
    parser.add_argument("--write-events", type=int, default=20_000,
                        help="events written to time the index's upkeep (0: skip)")
    parser.add_argument("--write-only", action="store_true", help="time the upkeep only, no listing")
    args = parser.parse_args(argv)

    if args.write_events:
        with_index, without_index = write_cost(args.write_events)
        print(f"writing {args.write_events:,} events (card + 2 memberships each): {with_index:.0f} µs per event "
              f"with the index, {without_index:.0f} µs without")
    if args.write_only:
        return 0

    path = args.db or Path(f"/tmp/newsfold-listing-{args.events}.db")
    if not path.exists():
        started = time.perf_counter()
        build_store(path, args.events, args.members)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with Store(path) as store:
        counts = store.stats()
        print(f"store: {counts['events']:,} events, {counts['articles']:,} articles ({path})")
        print(f"{'query':<38} {'scan ms':>9} {'index ms':>9} {'ratio':>7} {'total':>8}  same page")
        for name, filters in queries(store):
            scan_ms, old = _time(lambda f=filters: old_filter_events(store, **f), args.scan_repeat)  # type: ignore[misc]
            index_ms, new = _time(lambda f=filters: filter_events(store, **f), args.repeat)  # type: ignore[misc]
            old_ids = [i["id"] for i in old["items"]]
            new_ids = [i["id"] for i in new["items"]]
            if old_ids == new_ids and old["total"] == new["total"]:
                same = "yes"
            else:
                same = f"no: {len(set(old_ids) & set(new_ids))}/{len(old_ids)} shared, totals {old['total']}/{new['total']}"
            print(f"{name:<38} {scan_ms:>9.1f} {index_ms:>9.2f} {scan_ms / index_ms:>6.0f}x {new['total']:>8}  {same}")
        after = None
        started = time.perf_counter()
        pages = 0
        while pages < 50:
            page = store.find_events(limit=50, after=after)
            after, pages = page.next, pages + 1
        print(f"{'50 pages by cursor (each)':<38} {'':>9} {(time.perf_counter() - started) * 1000 / pages:>9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
