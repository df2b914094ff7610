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
