"""The events stage folds incrementally from saved features: two batches give the grouping of one fold."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path

from newsfold.events.cluster import ClusterOptions
from newsfold.events.stage import EventsStage
from newsfold.model import Article
from newsfold.store import Store
from test_events import seed_articles

SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vo", "dun", "pe", "sil", "gar", "nu", "zet", "bra", "hol")
FILLER = "the officials said on that day and later in a statement that they would continue to work".split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3))


def generated_articles(events: int = 70, seed: int = 7) -> list[Article]:
    """Synthetic dated reports: each event has its own rare words, a person and a place, and 2–6 reports
    within two days of it; events are three days apart, so several share the time window."""
    rng = random.Random(seed)
    start = dt.date(2021, 1, 4)
    articles = []
    for event in range(events):
        words = [_word(rng) for _ in range(8)]
        person = f"{_word(rng).capitalize()} {_word(rng).capitalize()}"
        place = _word(rng).capitalize()
        day = start + dt.timedelta(days=3 * event)
        for report in range(rng.randint(2, 6)):
            chosen = rng.sample(words, 5)
            sentences = [
                f"{person} met officials in {place} about the {chosen[0]} {chosen[1]} on Monday.",
                " ".join(rng.sample(FILLER, 8) + chosen[2:]) + ".",
                f"Witnesses described the {rng.choice(words)} and the {rng.choice(words)} near the {chosen[1]}.",
                " ".join(rng.sample(FILLER, 10) + rng.sample(words, 3)) + ".",
                f"The {chosen[3]} {chosen[4]} talks in {place} ended with {person} speaking to reporters.",
            ]
            text = " ".join(sentences)
            title = f"{person} in {place}: {chosen[0]} {chosen[2]}"
            article_id = f"gen-{event:03d}-{report}"
            articles.append(
                Article(
                    id=article_id,
                    content_hash=hashlib.sha1(text.encode()).hexdigest()[:16],
                    text=text,
                    title=title,
                    published=day + dt.timedelta(days=rng.randint(0, 1)),
                )
            )
    return articles


def _fold(store: Store, articles: list[Article]) -> dict[str, object]:
    store.add_articles(articles)
    report = EventsStage().run(store, [a.id for a in articles])
    return dict(report.counts)


def _groups(store: Store) -> set[frozenset[str]]:
    events: dict[str, set[str]] = {}
    for row in store.iter_assignments():
        assert row["event"] is not None, row
        events.setdefault(str(row["event"]), set()).add(str(row["id"]))
    return {frozenset(m) for m in events.values()}


def _in_order(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.published or dt.date.max, a.id))


def test_two_batches_fold_like_one(tmp_path: Path) -> None:
    articles = _in_order(seed_articles() + generated_articles())
    assert len(articles) > 250
    with Store(tmp_path / "once.db") as store:
        _fold(store, articles)
        once = _groups(store)
    half = len(articles) * 2 // 3
    with Store(tmp_path / "parts.db") as store:
        _fold(store, articles[:half])
        counts = _fold(store, articles[half:])
        parts = _groups(store)
        assert store.get_event_features([articles[0].id]), "features are saved for the next run"
    assert parts == once
    # the generated events are one per event id prefix, the seeds fold as the data README says
    generated = {frozenset(m) for m in once if next(iter(m)).startswith("gen-")}
    assert generated == {
        frozenset(a.id for a in articles if a.id.startswith(f"gen-{k:03d}-")) for k in range(70)
    }
    # the second run restored only the events within the time window of its articles
    assert 0 < int(counts["events_restored"]) < len(once) // 2


def test_a_third_run_with_nothing_new_changes_nothing(tmp_path: Path) -> None:
    articles = _in_order(generated_articles(events=12))
    with Store(tmp_path / "n.db") as store:
        _fold(store, articles)
        before = _groups(store)
        assert EventsStage().run(store, []).counts == {}
        assert _groups(store) == before


def test_saved_features_read_back_exactly() -> None:
    from newsfold.events import group_events
    from newsfold.events.features import features_from_json, features_to_json

    grouping = group_events(seed_articles() + generated_articles(events=3))
    for features in grouping.features.values():
        assert features_from_json(features_to_json(features)) == features


def test_store_finds_the_events_active_in_a_window(tmp_path: Path) -> None:
    articles = _in_order(generated_articles(events=10))
    with Store(tmp_path / "n.db") as store:
        _fold(store, articles)
        everything = store.events_active(None, None)
        assert len(everything) == 10
        day = dt.date(2021, 1, 4)  # the first event's day; events are three days apart over a month
        first_days = store.events_active(day, day + dt.timedelta(days=1))
        assert 0 < len(first_days) < len(store.events_active(day, day + dt.timedelta(days=14))) < 10
        assert store.events_active(dt.date(2030, 1, 1), dt.date(2030, 1, 2)) == []
        documents, frequencies = store.get_event_idf(["ka", "no-such-term"]) or (0, {})
        assert documents > len(articles) and "no-such-term" not in frequencies


def _ecb_articles(topics: range) -> list[Article]:
    """ECB+ documents of ``topics`` as undated articles (first sentence as headline), read from
    ../shared/data; skips when it is absent."""
    import json

    from conftest import SHARED_DATA

    path = SHARED_DATA / "ecbplus" / "ecbplus_docs.jsonl"
    if not path.is_file():
        import pytest

        pytest.skip(f"ECB+ not found at {path} (../shared/data is absent)")
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        if doc["topic"] in topics:
            text = " ".join(doc["sentences"][1:])
            articles.append(Article(id=doc["doc_id"], content_hash=hashlib.sha1(text.encode()).hexdigest()[:16],
                                    title=doc["sentences"][0], text=text))
    return articles


def test_the_stage_groups_as_group_events_does(tmp_path: Path) -> None:
    """The store's events are the batch grouping's, the sibling linkage included: ECB+ dev topics with
    sibling events, folded at once and in two parts."""
    from newsfold.events import group_events

    articles = _in_order(_ecb_articles(range(1, 7)))
    grouped = group_events(articles)
    batch = {frozenset(members) for members in grouped.events.values()}
    unlinked = group_events(articles, options=ClusterOptions(link=False))
    assert batch != {frozenset(m) for m in unlinked.events.values()}, "the linkage should matter on these topics"
    assert any(m.rule == "attach" for m in grouped.merges), "single articles should attach on these topics"
    with Store(tmp_path / "once.db") as store:
        _fold(store, articles)
        assert _groups(store) == batch
        # Every member linked into its event by the linkage says how: the chain of merges ending there.
        chains = 0
        for event_id in {str(row["event"]) for row in store.iter_assignments()}:
            for member in store.event_members(event_id):
                chain = member["evidence"].get("merges")
                if chain:
                    chains += 1
                    assert chain[-1]["kept_id"] == event_id
                    assert all(m["rule"] in ("average_link", "attach", None) for m in chain)
        assert chains > 0
    with Store(tmp_path / "parts.db") as store:
        _fold(store, articles[: len(articles) // 2])
        counts = _fold(store, articles[len(articles) // 2 :])
        assert _groups(store) == batch
        assert int(counts["merges"]) > 0


def test_a_fragment_that_no_longer_links_is_split_off(tmp_path: Path) -> None:
    """The linkage runs again over restored fragments: a fragment stored in an event it does not link to
    (here: put there by hand) returns to an event of its own on the next run, with a ``split`` record,
    and the card of the event it left is rebuilt from the members that stay."""
    articles = _in_order(generated_articles(events=3))
    first_event = [a.id for a in articles if a.id.startswith("gen-000-")]
    second_event = [a.id for a in articles if a.id.startswith("gen-001-")]
    with Store(tmp_path / "split.db") as store:
        _fold(store, articles)
        kept = store.event_of(first_event)[first_event[0]]
        second = store.event_of(second_event)[second_event[0]]
        assert kept != second
        with store.transaction():
            store.delete_events([second])
            store.put_event_members([(a, kept, None, {"by_hand": True}) for a in second_event])
        # An undated newcomer restores every event.
        newcomer = Article(id="late", content_hash="f" * 16, title="Unrelated note",
                           text="A short unrelated note about gardening and tomatoes in spring.")
        counts = _fold(store, [newcomer])
        assert int(counts["articles_moved"]) == len(second_event)
        assert store.event_of(second_event) == {a: second for a in second_event}
        evidence = {m["article_id"]: m["evidence"] for m in store.event_members(second)}
        assert all(evidence[a]["split"]["from"] == kept for a in second_event)
        card = store.get_event(kept)
        assert card is not None and {m["article_id"] for m in card["members"]} == set(first_event)
        assert set(card["card"]["members"]) == set(first_event), "the card is rebuilt without the split members"
        split_card = store.get_event(second)
        assert split_card is not None and set(split_card["card"]["members"]) == set(second_event)
        assert _groups(store) == {frozenset(first_event), frozenset(second_event),
                                  frozenset(a.id for a in articles if a.id.startswith("gen-002-")),
                                  frozenset({"late"})}
