"""Candidate events for an article: an inverted index over distinctive terms and salient names.

Scoring every open event against every new article is quadratic; blocking on shared keys keeps online
assignment linear in practice (the standard blocking step of record linkage, Christen, *Data Matching*,
2012, ch. 4). An article's keys are its heaviest TF-IDF terms (``t:`` + term) and its salient names
(``n:`` + key). An event is a candidate when it shares keys with the article; candidates are ranked by
the summed key weights they share, ties broken by event order, and the best ``limit`` are returned.
Posting lists keep their newest ``max_posting`` events only: very common keys stop pointing at old
events, which the time window would exclude anyway.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsfold.events.features import ArticleFeatures
    from newsfold.events.scorer import Profile

NAME_KEY_WEIGHT = 0.3


def heaviest(weights: Mapping[str, float], count: int) -> list[tuple[str, float]]:
    """The ``count`` heaviest items, heaviest first, ties by key: ``sorted(..., key=(-weight, key))[:count]``
    without sorting everything (only the items at least as heavy as the ``count``-th weight)."""
    if len(weights) <= count:
        return sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    floor = heapq.nlargest(count, weights.values())[-1]
    return sorted(((k, w) for k, w in weights.items() if w >= floor), key=lambda kv: (-kv[1], kv[0]))[:count]


def article_keys(features: ArticleFeatures, index_terms: int) -> dict[str, float]:
    """The blocking keys of one article with their weights."""
    top = heaviest(features.vector, index_terms)
    keys = {f"t:{term}": weight for term, weight in top}
    for kind in ("person", "org", "place"):
        for name in features.entities[kind]:
            keys[f"n:{name}"] = NAME_KEY_WEIGHT
    return keys


def profile_keys(profile: Profile, index_terms: int) -> dict[str, float]:
    """The blocking keys of an event: its centroid's heaviest terms and its salient names."""
    norm = profile.norm or 1.0
    top = heaviest(profile.term_sum, index_terms)
    keys = {f"t:{term}": weight / norm for term, weight in top}
    for name in profile.salient(profile.person_counts) | profile.salient(profile.org_counts) | profile.salient(profile.place_counts):
        keys[f"n:{name}"] = NAME_KEY_WEIGHT
    return keys


class CandidateIndex:
    """Key → event ordinals (events numbered in creation order)."""

    def __init__(self, max_posting: int = 2000) -> None:
        if max_posting < 1:
            raise ValueError("max_posting must be ≥ 1")
        self.max_posting = max_posting
        self.postings_: dict[str, list[int]] = {}

    def add(self, event: int, keys: Iterable[str]) -> None:
        """Index ``event`` under ``keys`` (adding twice is harmless)."""
        for key in keys:
            posting = self.postings_.setdefault(key, [])
            if posting and posting[-1] == event:
                continue
            if event in posting[-8:]:
                continue
            posting.append(event)
            if len(posting) > 2 * self.max_posting:
                del posting[: len(posting) - self.max_posting]

    def lookup(self, keys: Mapping[str, float], limit: int) -> list[int]:
        """The ``limit`` events sharing the most key weight with ``keys``, best first."""
        shared: dict[int, float] = {}
        for key, weight in keys.items():
            posting = self.postings_.get(key)
            if not posting:
                continue
            for event in set(posting[-self.max_posting :]):
                shared[event] = shared.get(event, 0.0) + weight
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
        return [event for event, _ in ranked[:limit]]
