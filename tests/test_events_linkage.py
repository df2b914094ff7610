"""The linkage step: text details, article-pair features, average link over fragments, its evidence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random

import pytest

from newsfold.events.cluster import ClusterOptions, OnlineEventGrouper, group_events
from newsfold.events.features import ArticleFeatures, IdfTable, article_features
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


def constant_linker(probability_logit: float, link_threshold: float, attach_threshold: float | None) -> ArticleLinker:
    """Every article pair at probability σ(``probability_logit``)."""
    return ArticleLinker(
        coef=(0.0,) * len(LINK_FEATURE_NAMES),
        intercept=probability_logit,
        join_threshold=0.8,
        link_threshold=link_threshold,
        attach_threshold=attach_threshold,
    )


def test_single_articles_left_by_the_linkage_attach_to_their_best_event() -> None:
    idf = IdfTable.background()
    a, b, c, d, e = (article_features(x, idf, update_idf=False) for x in reports())
    # Every pair at 0.5: below the link threshold, at or above the attach threshold.
    linker = constant_linker(0.0, link_threshold=0.6, attach_threshold=0.45)
    fragments = [[a, b], [c, d], [e]]
    assert average_link(fragments, [(0, 2), (1, 2)], linker, 0.6) == []  # no attach threshold given
    steps = average_link(fragments, [(0, 2), (1, 2)], linker, 0.6, attach_threshold=0.45)
    # e ties between both events and goes to the lower index; the two events stay apart.
    assert [(s.kept, s.merged, s.rule, s.pairs) for s in steps] == [(0, 2, "attach", 2)]
    assert steps[0].score == pytest.approx(0.5)
    # Only neighbours are candidates; two single articles never attach to each other; below the
    # threshold nothing attaches.
    assert [(s.kept, s.merged) for s in average_link(fragments, [(1, 2)], linker, 0.6, attach_threshold=0.45)] == [(1, 2)]
    assert average_link([[a], [e]], [(0, 1)], linker, 0.6, attach_threshold=0.45) == []
    assert average_link(fragments, [(0, 2), (1, 2)], linker, 0.6, attach_threshold=0.55) == []
    # A single article with a lower index than its event keeps its index for the merged cluster, and
    # several single articles attached to one event all end in it.
    steps = average_link([[e], [a, b], [c]], [(0, 1), (1, 2)], linker, 0.6, attach_threshold=0.45)
    assert [(s.kept, s.merged, s.rule) for s in steps] == [(0, 1, "attach"), (0, 2, "attach")]


def test_link_events_attaches_a_single_article_and_explains_it() -> None:
    idf = IdfTable.background()
    fire_1, fire_2, fire_3, hire_1, hire_2 = (article_features(x, idf, update_idf=False) for x in reports())

    def linked(attach: float | None) -> OnlineEventGrouper:
        # Every pair at 0.5: below link 0.6; the single report attaches at 0.45, not at 0.55, to the
        # first of the two events it ties with.
        grouper = OnlineEventGrouper(linker=constant_linker(0.0, link_threshold=0.6, attach_threshold=attach))
        grouper.restore("fire", [fire_1, fire_2])
        grouper.restore("single", [hire_1])
        grouper.restore("other", [fire_3, hire_2])
        grouper.link_events()
        return grouper

    assert linked(None).merges == [] and linked(0.55).merges == []
    grouper = linked(0.45)
    [merge] = grouper.merges
    assert (merge.kept_id, merge.merged_id, merge.rule, merge.pairs) == ("fire", "single", "attach", 2)
    assert merge.score == pytest.approx(0.5) and merge.threshold == 0.45
    assert set(merge.features) == set(LINK_FEATURE_NAMES)
    result = grouper.result()
    assert result.assignments["hire-1"] == "fire" and result.assignments["fire-3"] == "other"


def test_linker_reads_weights_saved_without_an_attach_threshold() -> None:
    data = load_linker().to_json()
    data.pop("attach_threshold")
    assert ArticleLinker.from_json(data).attach_threshold is None
    with pytest.raises(ValueError):
        constant_linker(0.0, 0.5, 1.0)


def test_headline_merge_after_the_linkage_needs_the_short_link_threshold() -> None:
    idf = IdfTable.background()
    headline = "Hawks fire coach Dan Mercer after 9-14 start"
    title, text = REPORTS["fire-1"]
    full = article_features(Article(id="full", content_hash="full", title=title, text=text), idf, update_idf=False)
    short_1, short_2 = (
        article_features(Article(id=key, content_hash=key, title=headline, text=headline), idf, update_idf=False)
        for key in ("short-1", "short-2")
    )

    def settled(first: ArticleFeatures, second: ArticleFeatures, short_link: float | None) -> OnlineEventGrouper:
        # Every article pair at 0.5 for the linker, whose own link threshold no pair reaches; the event
        # scorer alone would merge the two events, one of them headline-sized.
        linker = dataclasses.replace(
            constant_linker(0.0, link_threshold=0.99, attach_threshold=None), short_link_threshold=short_link
        )
        grouper = OnlineEventGrouper(linker=linker)
        grouper.restore("one", [first])
        grouper.restore("two", [second])
        grouper.settle()
        return grouper

    [merge] = settled(full, short_1, None).merges
    assert merge.rule is None and merge.link_score == pytest.approx(0.5)
    # A headline-sized event joins a full-text one only if the linker agrees too.
    assert settled(full, short_1, 0.6).merges == []
    [merge] = settled(full, short_1, 0.4).merges
    assert (merge.kept_id, merge.merged_id) == ("one", "two")
    assert merge.link_score == pytest.approx(0.5) and merge.as_dict()["link_score"] == pytest.approx(0.5)
    # Two headline-sized events: the linker, fitted on whole texts, is not asked.
    [merge] = settled(short_1, short_2, 0.6).merges
    assert (merge.kept_id, merge.merged_id) == ("one", "two")
    data = load_linker().to_json()
    data["short_link_threshold"] = 0.4
    assert ArticleLinker.from_json(data).short_link_threshold == 0.4
