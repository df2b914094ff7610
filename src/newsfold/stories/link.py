"""Storylines: events linked when their actors and subject continue over weeks to years.

Each event, taken in chronological order, links to its best-scoring *earlier* event when that score
reaches ``link_threshold``; a storyline is a tree of such links (a story chain, cf. Shahaf & Guestrin
2010, "Connecting the dots between news articles", and the entity-based story-chain labelling of
Gedikli, Stockem Novo & Jannach 2021). The link score is a fixed, inspectable formula:

    score = term_cosine + actor_weight · actor_jaccard + place_weight · place_overlap

over the events' TF-IDF centroids and salient names (people and organizations = actors), with no time
limit by default: storylines span years. A link also needs ``min_shared_actors`` shared actors, unless
the subject alone is close (``term_cosine ≥ subject_only_cosine``). Every link keeps its evidence.
Deterministic: events are ordered by (first day, id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsfold.events.features import ArticleFeatures
from newsfold.events.scorer import Profile


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """Story linking knobs (defaults set on the seeds and by reasoning; no story dev split exists).

    ``link_threshold``: minimum link score (see the module docstring), > 0. ``actor_weight`` /
    ``place_weight``: weights of name agreement in the score, ≥ 0. ``min_shared_actors``: shared
    salient people/organizations a link needs, ≥ 0. ``subject_only_cosine``: term cosine that links
    without shared actors. ``max_gap_days``: longest gap a link may bridge (``None``: no limit).
    ``index_terms``: heaviest terms per event used to find candidate earlier events, ≥ 1.
    ``key_postings``: how many of the latest earlier events sharing one index key are candidates through
    that key (``None``: all), ≥ 1. A key held by very many events (an actor in every story of a year)
    would otherwise make candidate search quadratic in that key's events; the latest ones are kept
    because a storyline's newest event is where it continues.
    """

    link_threshold: float = 0.45
    actor_weight: float = 0.5
    place_weight: float = 0.1
    min_shared_actors: int = 1
    subject_only_cosine: float = 0.5
    max_gap_days: int | None = None
    index_terms: int = 10
    key_postings: int | None = 200

    def __post_init__(self) -> None:
        if self.link_threshold <= 0 or self.actor_weight < 0 or self.place_weight < 0:
            raise ValueError("link_threshold must be > 0 and the weights ≥ 0")
        if self.min_shared_actors < 0:
            raise ValueError("min_shared_actors must be ≥ 0")
        if self.index_terms < 1 or (self.key_postings is not None and self.key_postings < 1):
            raise ValueError("index_terms and key_postings must be ≥ 1")


@dataclass(frozen=True, slots=True)
class StoryLink:
    """``later`` continues the story of ``earlier``, with the evidence."""

    earlier: str
    later: str
    score: float
    term_cosine: float
    actor_jaccard: float
    place_overlap: float
    shared_actors: tuple[str, ...]
    gap_days: int | None

    def as_dict(self) -> dict[str, object]:
        return {
            "earlier": self.earlier,
            "later": self.later,
            "score": self.score,
            "term_cosine": self.term_cosine,
            "actor_jaccard": self.actor_jaccard,
            "place_overlap": self.place_overlap,
            "shared_actors": list(self.shared_actors),
            "gap_days": self.gap_days,
        }


@dataclass(frozen=True, slots=True)
class Storyline:
    """A chain (tree) of events; ``events`` in chronological order, ``links`` the edges holding it."""

    id: str
    events: tuple[str, ...]
    links: tuple[StoryLink, ...]


@dataclass(frozen=True, slots=True)
class StoryGrouping:
    storylines: tuple[Storyline, ...]
    assignments: Mapping[str, str]
    """event id → storyline id"""


def storyline_id_for(first_event_id: str) -> str:
    return "st-" + hashlib.sha1(first_event_id.encode("utf-8")).hexdigest()[:12]


def event_profile(members: Sequence[ArticleFeatures]) -> Profile:
    """The scorer profile of an event from its members' features."""
    profile = Profile()
    for features in members:
        profile.add(features)
    return profile


def _cosine(a: Profile, b: Profile) -> float:
    denominator = a.norm * b.norm
    if not denominator:
        return 0.0
    # fsum: exactly rounded whatever the order of the set of shared terms (which follows the process's
    # string hash seed), so that equal links score equal in every process and ties break the same way.
    return math.fsum([a.term_sum[t] * b.term_sum[t] for t in a.term_sum.keys() & b.term_sum.keys()]) / denominator


def score_link(earlier_id: str, earlier: Profile, later_id: str, later: Profile, options: StoryOptions) -> StoryLink:
    """The link evidence between two events (whether or not it reaches the threshold)."""
    actors_a = earlier.salient(earlier.person_counts) | earlier.salient(earlier.org_counts)
    actors_b = later.salient(later.person_counts) | later.salient(later.org_counts)
    shared = tuple(sorted(actors_a & actors_b))
    actor_jaccard = len(shared) / len(actors_a | actors_b) if actors_a and actors_b else 0.0
    places_a, places_b = earlier.salient(earlier.place_counts), later.salient(later.place_counts)
    place_overlap = len(places_a & places_b) / min(len(places_a), len(places_b)) if places_a and places_b else 0.0
    term_cosine = _cosine(earlier, later)
    gap = min(abs((x - y).days) for x in earlier.days for y in later.days) if earlier.days and later.days else None
    score = term_cosine + options.actor_weight * actor_jaccard + options.place_weight * place_overlap
    return StoryLink(
        earlier=earlier_id,
        later=later_id,
        score=score,
        term_cosine=term_cosine,
        actor_jaccard=actor_jaccard,
        place_overlap=place_overlap,
        shared_actors=shared,
        gap_days=gap,
    )


def link_accepted(link: StoryLink, options: StoryOptions) -> bool:
    """Whether ``link`` attaches its later event: score, gap and shared actors (module docstring)."""
    if link.score < options.link_threshold:
        return False
    if options.max_gap_days is not None and link.gap_days is not None and link.gap_days > options.max_gap_days:
        return False
    return len(link.shared_actors) >= options.min_shared_actors or link.term_cosine >= options.subject_only_cosine


def story_keys(profile: Profile, index_terms: int) -> set[str]:
    """The inverted-index keys of an event: its salient actors and its ``index_terms`` heaviest terms;
    events sharing no key are never compared."""
    actors = profile.salient(profile.person_counts) | profile.salient(profile.org_counts)
    top = sorted(profile.term_sum.items(), key=lambda kv: (-kv[1], kv[0]))[:index_terms]
    return {f"a:{actor}" for actor in actors} | {f"t:{term}" for term, _ in top}


def first_day(profile: Profile) -> dt.date:
    """The event's first day (``date.max`` when undated): events are linked in (first day, id) order."""
    return min(profile.days) if profile.days else dt.date.max


def link_storylines(
    events: Mapping[str, Sequence[ArticleFeatures]], options: StoryOptions | None = None
) -> StoryGrouping:
    """Storylines over ``events`` (event id → its members' features).

    Each event is compared only with earlier events sharing a salient actor or one of its
    ``index_terms`` heaviest terms (an inverted index), at most the ``key_postings`` latest of them per
    key in (first day, id) order, so the cost grows with the number of events times the keys per event,
    not with the square of the number of events. The result does not depend on the mapping's order.
    """
    options = options or StoryOptions()
    profiles = {event_id: event_profile(members) for event_id, members in events.items()}
    ordered = sorted(profiles, key=lambda e: (first_day(profiles[e]), e))
    position_of = {event_id: i for i, event_id in enumerate(ordered)}
    postings: dict[str, list[str]] = {}
    parent: dict[str, StoryLink] = {}
    for later_id in ordered:
        profile = profiles[later_id]
        keys = story_keys(profile, options.index_terms)
        candidates: set[str] = set()
        for key in keys:
            posted = postings.get(key, ())
            candidates.update(posted if options.key_postings is None else posted[-options.key_postings:])
        for key in keys:
            posted = postings.setdefault(key, [])
            posted.append(later_id)
            if options.key_postings is not None and len(posted) > 2 * options.key_postings:
                del posted[: -options.key_postings]  # trimmed in bulk: amortized O(1) per append
        best: StoryLink | None = None
        for earlier_id in sorted(candidates, key=position_of.__getitem__):
            link = score_link(earlier_id, profiles[earlier_id], later_id, profiles[later_id], options)
            if link_accepted(link, options) and (best is None or link.score > best.score):
                best = link
        if best is not None:
            parent[later_id] = best
    root_of: dict[str, str] = {}
    for event_id in ordered:
        root_of[event_id] = root_of[parent[event_id].earlier] if event_id in parent else event_id
    members: dict[str, list[str]] = {}
    for event_id in ordered:
        members.setdefault(root_of[event_id], []).append(event_id)
    storylines = []
    assignments: dict[str, str] = {}
    for root, chain in members.items():
        story_id = storyline_id_for(root)
        links = tuple(parent[e] for e in chain if e in parent)
        storylines.append(Storyline(id=story_id, events=tuple(chain), links=links))
        for event_id in chain:
            assignments[event_id] = story_id
    return StoryGrouping(storylines=tuple(storylines), assignments=assignments)
