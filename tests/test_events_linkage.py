"""The linkage step: text details, article-pair features, average link over fragments, its evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import pytest

from newsfold.events.cluster import ClusterOptions, group_events
from newsfold.events.features import IdfTable, article_features
from newsfold.events.linkage import (
    LINK_FEATURE_NAMES,
    ArticleLinker,
    average_link,
    link_features,
    load_linker,
)
from newsfold.model import Article

# Two sibling events of one (invented) team: a coach fired in December 2008, the same man hired in May
# 2005. They share the team, the man, the general manager and the subject; they differ in the trigger,
# the dates, the weekday, the numbers and the other people.
REPORTS = {
    "fire-1": (
        "Hawks fire coach Dan Mercer after 9-14 start",
        "The Harbor City Hawks fired coach Dan Mercer on Saturday after a 9-14 start and named assistant Tom "
        "Reilly interim coach. Mercer, 52, was in his third season. General manager Ed Stone said on Dec. 13, "
        "2008 that the team had lost four straight games and needed a change.",
    ),
    "fire-2": (
        "Mercer out as Hawks coach, Reilly takes over",
        "Dan Mercer was fired as coach of the Harbor City Hawks on Saturday with the team 9-14. Tom Reilly, an "
        "assistant, will coach the rest of the season, general manager Ed Stone said on December 13, 2008. The "
        "Hawks lost 101-95 to Boston on Friday, their fourth loss in a row.",
    ),
    "fire-3": (
        "Reilly named interim coach of Hawks",
        "Tom Reilly will finish the season as interim coach of the Harbor City Hawks, who dismissed Dan Mercer "
        "on Saturday. The team is 9-14 and has lost four straight, including a 101-95 defeat to Boston. Ed "
        "Stone, the general manager, announced the move on Dec. 13, 2008.",
    ),
    "hire-1": (
        "Hawks pick Mercer to lead rebuilding team",
        "Dan Mercer has a new job. The Harbor City Hawks introduced the former Denver assistant as their head "
        "coach at a news conference on Tuesday, May 24, 2005, a week after Jim Baxter was let go. Mercer signed "
        "a four-year contract worth $12 million and promised an up-tempo offense built around young guards.",
    ),
    "hire-2": (
        "New Hawks coach Mercer promises faster game",
        "Dan Mercer, who spent six seasons as an assistant in Denver, was named head coach of the Harbor City "
        "Hawks on Tuesday. The 48-year-old replaces Jim Baxter, dismissed after one season and a 43-39 record. "
        "Mercer's four-year deal was announced on May 24, 2005 by owner Ray Colby.",
    ),
}


def reports(published: dt.date | None = None) -> list[Article]:
    return [
        Article(
            id=key,
            content_hash=hashlib.sha1(text.encode()).hexdigest()[:16],
            title=title,
            text=text,
            published=published,
        )
        for key, (title, text) in REPORTS.items()
    ]


def groups(events: dict[str, tuple[str, ...]] | object) -> set[frozenset[str]]:
    assert isinstance(events, dict)
    return {frozenset(members) for members in events.values()}


SIBLINGS = {frozenset({"fire-1", "fire-2", "fire-3"}), frozenset({"hire-1", "hire-2"})}


def test_text_details_name_years_dates_weekdays_months_people_and_numbers() -> None:
    features = article_features(reports()[0], IdfTable.background(), update_idf=False)
    details = features.details
    assert details.years == {2008: 1}
    assert details.days == frozenset({dt.date(2008, 12, 13)})
    assert details.weekdays == frozenset({"saturday"}) and details.months == frozenset({12})
    assert details.persons["mercer"] == 3 and "reilly" in details.lead_persons
    assert {"9-14", "52"} <= details.numbers and "2008" not in details.numbers


def test_link_features_are_symmetric_and_in_the_unit_interval() -> None:
    idf = IdfTable.background()
    features = [article_features(a, idf, update_idf=False) for a in reports()]
    for a in features:
        for b in features:
            values = link_features(a, b)
            assert len(values) == len(LINK_FEATURE_NAMES)
            assert values == pytest.approx(link_features(b, a))
            assert all(0.0 <= v <= 1.0 + 1e-9 for v in values)


def test_sibling_events_stay_apart() -> None:
    grouping = group_events(reports())
    assert groups(grouping.events) == SIBLINGS
    # Single cross pairs may look alike (fire-1 and hire-1 share most names); their mean does not.
    linker = load_linker()
    features = grouping.features
    cross = [
        linker.probability(link_features(features[a], features[b]))
        for a in ("fire-1", "fire-2", "fire-3")
        for b in ("hire-1", "hire-2")
    ]
    assert sum(cross) / len(cross) < linker.link_threshold


def test_linkage_rebuilds_events_from_single_article_fragments_and_explains_every_merge() -> None:
    # A join threshold no pair reaches: every report opens its own event, and only the linkage joins them.
    grouping = group_events(reports(), options=ClusterOptions(join_threshold=0.9999))
    assert all(j.action == "open" for j in grouping.joins)
    assert groups(grouping.events) == SIBLINGS
    merges = {m.merged_id: m for m in grouping.merges}
    assert len(merges) == 3
    for merge in merges.values():
        assert merge.rule == "average_link" and merge.pairs is not None and merge.pairs >= 1
        assert merge.score >= merge.threshold == load_linker().link_threshold
        assert set(merge.features) == set(LINK_FEATURE_NAMES)
    for join in grouping.joins:
        event = join.event_id
        while event in merges:
            event = merges[event].kept_id
        assert event == grouping.assignments[join.article_id]


def test_linkage_does_not_depend_on_input_order() -> None:
    articles = reports()
    options = ClusterOptions(join_threshold=0.9999)
    expected = group_events(articles, options=options)
    for seed in range(4):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        again = group_events(shuffled, options=options)
        assert again.events == expected.events and again.merges == expected.merges


def test_average_link_respects_threshold_and_publication_window() -> None:
    idf = IdfTable.background()
    first, second = (article_features(a, idf, update_idf=False) for a in reports()[:2])
    linker = load_linker()
    steps = average_link([[first], [second]], [(0, 1)], linker, linker.link_threshold)
    assert [(s.kept, s.merged, s.pairs) for s in steps] == [(0, 1, 1)]
    assert steps[0].score == pytest.approx(linker.probability(link_features(first, second)))
    assert average_link([[first], [second]], [(0, 1)], linker, 0.999999999) == []
    assert average_link([[first], [second]], [], linker, linker.link_threshold) == []
    apart = [{dt.date(2008, 12, 13)}, {dt.date(2008, 12, 23)}]
    assert average_link([[first], [second]], [(0, 1)], linker, linker.link_threshold, days=apart, window_days=7) == []
    close = [{dt.date(2008, 12, 13)}, {dt.date(2008, 12, 19)}]
    assert len(average_link([[first], [second]], [(0, 1)], linker, linker.link_threshold, days=close, window_days=7)) == 1


def test_reports_published_months_apart_are_never_linked() -> None:
    early = [a for a in reports(dt.date(2008, 12, 13)) if a.id.startswith("fire")]
    late = [a for a in reports(dt.date(2009, 5, 13)) if a.id == "fire-2"]
    grouping = group_events([a for a in early if a.id != "fire-2"] + late, options=ClusterOptions(join_threshold=0.9999))
    assert grouping.assignments["fire-2"] != grouping.assignments["fire-1"]


def test_linker_round_trips_and_refuses_weights_for_other_features() -> None:
    linker = load_linker()
    assert ArticleLinker.from_json(linker.to_json()) == linker
    data = linker.to_json()
    data["feature_names"] = list(LINK_FEATURE_NAMES[:-1])
    with pytest.raises(ValueError, match="refit"):
        ArticleLinker.from_json(data)
    with pytest.raises(ValueError):
        ArticleLinker(coef=(0.0,), intercept=0.0, join_threshold=0.8, link_threshold=0.5)


def test_heaviest_blocking_terms_match_a_full_sort_with_ties() -> None:
    from newsfold.events.candidates import heaviest

    rng = random.Random(3)
    for _ in range(500):
        weights = {f"t{i}": rng.choice([0.1, 0.2, 0.3, rng.random()]) for i in range(rng.randint(0, 40))}
        count = rng.randint(1, 15)
        assert heaviest(weights, count) == sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:count]
