"""Storylines: events linked over time by continuing actors and subject, with the evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from newsfold.events.cluster import group_events
from newsfold.events.features import IdfTable, article_features
from newsfold.model import Article
from newsfold.stories.link import StoryOptions, link_storylines
from test_events import seed_articles  # noqa: I001


def test_seeds_are_one_storyline_of_three_events() -> None:
    grouping = group_events(seed_articles())
    events = {e: [grouping.features[a] for a in members] for e, members in grouping.events.items()}
    stories = link_storylines(events)
    assert len(stories.storylines) == 1
    story = stories.storylines[0]
    assert set(story.events) == set(grouping.events)
    assert len(story.links) == 2
    for link in story.links:
        assert {"lukashenko", "putin"} <= set(link.shared_actors)
        assert link.gap_days is not None and link.gap_days > 100
        assert link.as_dict()["score"] == link.score >= StoryOptions().link_threshold
    # chronological: the June 2020 event comes first
    first = grouping.assignments[next(a for a in grouping.features if a.startswith("000"))]
    assert story.events[0] == first


def test_unrelated_events_are_separate_storylines_and_gap_limit_applies() -> None:
    idf = IdfTable.background()

    def event(i: int, day: dt.date, title: str, text: str) -> list:
        return [article_features(Article(id=str(i), content_hash=f"{i:016d}", title=title, text=text,
                                         published=day), idf)]

    events = {
        "quake": event(1, dt.date(2021, 1, 4), "Earthquake shakes northern Chile",
                       "A magnitude 6.8 earthquake struck northern Chile, officials in Santiago said."),
        "rates": event(2, dt.date(2021, 2, 4), "European Central Bank raises rates",
                       "The European Central Bank raised rates in Frankfurt, President Christine Lagarde said."),
        "rates2": event(3, dt.date(2022, 2, 4), "European Central Bank raises rates again",
                        "The European Central Bank raised rates again, President Christine Lagarde said in "
                        "Frankfurt."),
    }
    stories = link_storylines(events)
    assert stories.assignments["rates"] == stories.assignments["rates2"] != stories.assignments["quake"]
    limited = link_storylines(events, StoryOptions(max_gap_days=30))
    assert limited.assignments["rates"] != limited.assignments["rates2"]
    with pytest.raises(ValueError):
        StoryOptions(link_threshold=0)


def _rate_rise(i: int, day: dt.date, idf: IdfTable) -> list:
    title = "European Central Bank raises rates"
    text = "The European Central Bank raised interest rates in Frankfurt, President Christine Lagarde said."
    return [article_features(Article(id=f"r{i}", content_hash=f"{i:016d}", title=title, text=text, published=day),
                             idf, update_idf=False)]


def hot_key_events() -> dict[str, list]:
    """Eight events with the same text a month apart: every index key is shared by all of them."""
    idf = IdfTable.background()
    return {f"rates-{i}": _rate_rise(i, dt.date(2021, 1 + i, 4), idf) for i in range(8)}


def test_key_postings_caps_the_candidates_per_key() -> None:
    events = hot_key_events()
    # Uncapped, equal scores keep the earliest candidate: every event links to the first one.
    star = link_storylines(events, StoryOptions(key_postings=None))
    assert {link.later: link.earlier for s in star.storylines for link in s.links} == {
        f"rates-{i}": "rates-0" for i in range(1, 8)
    }
    # The default cap is far above eight events: the same links.
    assert link_storylines(events) == star
    # With one posting per key only the latest earlier event is a candidate: a chain.
    chain = link_storylines(events, StoryOptions(key_postings=1))
    assert {link.later: link.earlier for s in chain.storylines for link in s.links} == {
        f"rates-{i}": f"rates-{i - 1}" for i in range(1, 8)
    }
    assert len(chain.storylines) == 1
    # With three, the earliest of the three latest.
    window = link_storylines(events, StoryOptions(key_postings=3))
    assert {link.later: link.earlier for s in window.storylines for link in s.links} == {
        f"rates-{i}": f"rates-{max(0, i - 3)}" for i in range(1, 8)
    }
    with pytest.raises(ValueError):
        StoryOptions(key_postings=0)
