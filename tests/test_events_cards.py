"""Event cards: who, where, when, headline, sources, and what each source adds."""

from __future__ import annotations

import datetime as dt

import pytest

from newsfold.events.cards import build_card, unique_sentences
from newsfold.events.cluster import group_events
from newsfold.model import Article
from test_events import seed_articles  # noqa: I001


def test_seed_event_card() -> None:
    articles = seed_articles()
    grouping = group_events(articles)
    first = next(a for a in articles if a.id.startswith("000"))
    event_id = grouping.assignments[first.id]
    members = [a for a in articles if grouping.assignments[a.id] == event_id]
    card = build_card(event_id, members, [grouping.features[a.id] for a in members])
    assert card.when == dt.date(2020, 6, 19)
    assert card.where[0] == "Minsk"
    assert {"Alexander Lukashenko", "Sergey Lavrov", "Vladimir Putin"} <= set(card.who)
    assert card.headline_article[:3] in {"000", "001"}
    unique = {u.article_id[:3]: u.sentences for u in card.unique}
    # 002 is an excerpt of 000: it adds nothing; 001's transcript has exchanges the TASS report leaves out.
    assert unique["002"] == ()
    assert len(unique["001"]) > len(unique["000"]) > 0
    assert any("greetings" in s for s in unique["001"])
    assert card.as_dict()["when"] == "2020-06-19"


def test_unique_sentences_by_hand() -> None:
    a = Article(id="a", content_hash="1" * 16, text="The river burst its banks near the old mill on Monday. "
                "Rescuers pulled four people from the water.")
    b = Article(id="b", content_hash="2" * 16, text="The river burst its banks near the old mill on Monday. "
                "The mayor promised new flood walls within two years.")
    unique = unique_sentences([a, b])
    assert unique == {"a": ("Rescuers pulled four people from the water.",),
                      "b": ("The mayor promised new flood walls within two years.",)}
    with pytest.raises(ValueError):
        unique_sentences([a, b], coverage=0)


def test_card_needs_members() -> None:
    with pytest.raises(ValueError, match="at least one"):
        build_card("ev", [])
