"""Sibling-aware linkage: merge precise online fragments by average link over article pairs.

ECB+'s hard cases are *sibling* events: the same kind of event with the same actors, another occurrence
(the 76ers fire one coach in 2008 and hire another in 2005). Event-level scores see mostly what siblings
share (subject, team, place); what tells them apart is in details anywhere in the text: the years and
full dates named, the weekday, the second person, scores and ages, places. So grouping runs in two
steps (cf. Bagga & Baldwin 1998, cross-document coreference by agglomerative clustering):

1. the online pass (:mod:`newsfold.events.cluster`) with a strict join threshold, which yields small,
   nearly pure fragments;
2. :func:`average_link`: agglomerative clustering of neighbouring fragments (UPGMA, Sokal & Michener
   1958), where the similarity of two clusters is the mean probability, over pairs of their member
   articles, that the two articles report one event (:class:`ArticleLinker`, a logistic regression over
   :data:`LINK_FEATURE_NAMES`). The best pair at or above ``link_threshold`` merges first; ties go to the
   lowest fragment indices, so the result depends only on the fragments and their order.
3. single articles the agglomeration left alone join the cluster (of two or more articles) they link
   to best when that mean probability reaches the lower ``attach_threshold``
   (:func:`_attach_singletons`): on ECB+ dev most same-event fragments left apart were single articles.

The weights (``events/link_weights.json``) were fitted by ``benchmarks/train_event_linker.py`` on ECB+
dev topics 1–25 only: article pairs within a topic (same event or sibling) and across topics where the
term cosine reaches 0.1.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import math
import operator
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from newsfold.events.features import ArticleFeatures
from newsfold.events.pair_reader import PairReading
from newsfold.events.scorer import logistic, sparse_dot

LINK_WEIGHTS_FILE = "link_weights.json"
MAX_LINK_MEMBERS = 16
"""Members of a fragment compared in :func:`average_link` (evenly spaced over the fragment): bounds the
pairs scored for large events; merged clusters keep the samples of their fragments."""

LINK_FEATURE_NAMES: tuple[str, ...] = (
    "term_cosine",
    "title_cosine",
    "name_cosine",
    "person_overlap",
    "org_overlap",
    "place_overlap",
    "person_conflict",
    "name_mismatch",
    "number_overlap",
    "number_conflict",
    "years_shared",
    "years_conflict",
    "main_year_same",
    "main_year_differs",
    "days_shared",
    "weekdays_shared",
    "weekdays_conflict",
    "months_shared",
    "months_conflict",
    "person_cosine",
    "persons_unmentioned",
    "place_cosine",
    "places_conflict",
    "organization_cosine",
    "numbers_shared",
    "numbers_shared_count",
    "numbers_conflict",
)
"""Features of an article pair, all in [0, 1]. The first ten are the scorer's
(:data:`newsfold.events.scorer.FEATURE_NAMES`) for two single articles (headline-and-lead numbers,
salient names). The rest compare :class:`~newsfold.events.features.TextDetails` of the whole texts:

- ``years_shared`` / ``days_shared`` / ``weekdays_shared`` / ``months_shared`` / ``numbers_shared``:
  Jaccard of the years, full dates, weekdays, months (named with a day), numbers named; the matching
  ``_conflict`` (not for full dates: on ECB+ "both name full dates" marks the newer half of the corpus,
  and the fitted weight said *same* event for disjoint dates): both name some and share none;
- ``main_year_same`` / ``main_year_differs``: the year each names most often (ties: the latest) agrees /
  both name one and they differ;
- ``person_cosine`` / ``place_cosine`` / ``organization_cosine``: cosine of the mention counts
  (sublinear) of people / places / organizations;
- ``persons_unmentioned``: the larger, over the two directions, of the share of one side's key people
  (named in headline or lead, or at least twice) that the other never names (a different coach);
- ``places_conflict``: both name places and share none;
- ``numbers_shared_count``: ``ln(1 + shared numbers) / ln(11)``, capped at 1.
"""


def _jaccard(a: frozenset[Hashable], b: frozenset[Hashable]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _conflict(a: frozenset[Hashable], b: frozenset[Hashable]) -> float:
    return 1.0 if a and b and a.isdisjoint(b) else 0.0


def _unit_counts(counts: Mapping[str, int]) -> dict[str, float]:
    """Sublinear counts ``1 + ln n``, L2-normalized."""
    weights = {k: 1.0 + math.log(n) for k, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {k: v / norm for k, v in weights.items()} if norm else {}


@dataclass(frozen=True, slots=True)
class _ArticleView:
    """What :func:`link_features` compares, derived once per article."""

    vector: Mapping[str, float]
    title_vector: Mapping[str, float]
    name_vector: Mapping[str, float]
    persons: frozenset[str]
    orgs: frozenset[str]
    places: frozenset[str]
    mentioned: frozenset[str]
    lead_numbers: frozenset[str]
    years: frozenset[int]
    main_year: int | None
    days: frozenset[dt.date]
    weekdays: frozenset[str]
    months: frozenset[int]
    person_counts: dict[str, float]
    named_persons: frozenset[str]
    key_people: frozenset[str]
    place_counts: dict[str, float]
    named_places: frozenset[str]
    organization_counts: dict[str, float]
    numbers: frozenset[str]


def _view(features: ArticleFeatures) -> _ArticleView:
    details = features.details
    years = details.years
    return _ArticleView(
        vector=features.vector,
        title_vector=features.title_vector,
        name_vector=features.name_vector or {},
        persons=features.entities["person"] | features.entities["other"],
        orgs=features.entities["org"],
        places=features.entities["place"],
        mentioned=frozenset(key.split(":", 1)[1] for key in features.name_vector or {}),
        lead_numbers=features.numbers,
        years=frozenset(years),
        main_year=max(years.items(), key=lambda kv: (kv[1], kv[0]))[0] if years else None,
        days=details.days,
        weekdays=details.weekdays,
        months=details.months,
        person_counts=_unit_counts(details.persons),
        named_persons=frozenset(details.persons),
        key_people=frozenset(k for k, n in details.persons.items() if n >= 2) | details.lead_persons,
        place_counts=_unit_counts(details.places),
        named_places=frozenset(details.places),
        organization_counts=_unit_counts(details.organizations),
        numbers=details.numbers,
    )


def _unmentioned(a: _ArticleView, b: _ArticleView) -> float:
    worst = 0.0
    for one, other in ((a, b), (b, a)):
        if one.key_people and other.named_persons:
            worst = max(worst, len(one.key_people - other.named_persons) / len(one.key_people))
    return worst


def _compare(a: _ArticleView, b: _ArticleView) -> tuple[float, ...]:
    persons_a, persons_b = a.persons, b.persons
    name_mismatch = 0.0
    if persons_a and persons_b:
        name_mismatch = max(
            len(persons_a - b.mentioned) / len(persons_a), len(persons_b - a.mentioned) / len(persons_b)
        )
    main_a, main_b = a.main_year, b.main_year
    return (
        sparse_dot(a.vector, b.vector),
        sparse_dot(a.title_vector, b.title_vector),
        sparse_dot(a.name_vector, b.name_vector),
        _jaccard(persons_a, persons_b),
        _jaccard(a.orgs, b.orgs),
        _overlap(a.places, b.places),
        1.0 if persons_a and persons_b and persons_a.isdisjoint(persons_b) else 0.0,
        name_mismatch,
        _overlap(a.lead_numbers, b.lead_numbers),
        _conflict(a.lead_numbers, b.lead_numbers),
        _jaccard(a.years, b.years),
        _conflict(a.years, b.years),
        1.0 if main_a is not None and main_a == main_b else 0.0,
        1.0 if main_a is not None and main_b is not None and main_a != main_b else 0.0,
        _jaccard(a.days, b.days),
        _jaccard(a.weekdays, b.weekdays),
        _conflict(a.weekdays, b.weekdays),
        _jaccard(a.months, b.months),
        _conflict(a.months, b.months),
        sparse_dot(a.person_counts, b.person_counts),
        _unmentioned(a, b),
        sparse_dot(a.place_counts, b.place_counts),
        _conflict(a.named_places, b.named_places),
        sparse_dot(a.organization_counts, b.organization_counts),
        _jaccard(a.numbers, b.numbers),
        min(1.0, math.log1p(len(a.numbers & b.numbers)) / math.log(11)),
        _conflict(a.numbers, b.numbers),
    )


def link_features(a: ArticleFeatures, b: ArticleFeatures) -> tuple[float, ...]:
    """The :data:`LINK_FEATURE_NAMES` values of two articles (symmetric)."""
    return _compare(_view(a), _view(b))


@dataclass(frozen=True, slots=True)
class ArticleLinker:
    """Logistic regression ``p = σ(w·x + b)`` over :data:`LINK_FEATURE_NAMES` of an article pair: the
    probability that two articles report one event. ``join_threshold`` is the strict online join
    threshold its fragments were tuned with, ``link_threshold`` the average-link stopping point,
    ``attach_threshold`` (``None``: no such step) the one for single articles left after it
    (:func:`_attach_singletons`), ``short_link_threshold`` (``None``: no such condition) the mean pair
    probability that the event scorer's merge step for headline-sized events, which follows the linkage,
    must reach too when it merges a headline-sized event into a full-text one; all probabilities in
    (0, 1)."""

    coef: tuple[float, ...]
    intercept: float
    join_threshold: float
    link_threshold: float
    notes: Mapping[str, object] = field(default_factory=dict)
    attach_threshold: float | None = None
    short_link_threshold: float | None = None

    def __post_init__(self) -> None:
        if len(self.coef) != len(LINK_FEATURE_NAMES):
            raise ValueError(f"{len(self.coef)} weights for {len(LINK_FEATURE_NAMES)} link features")
        if not (0.0 < self.join_threshold < 1.0 and 0.0 < self.link_threshold < 1.0):
            raise ValueError("thresholds are probabilities in (0, 1)")
        for optional in (self.attach_threshold, self.short_link_threshold):
            if optional is not None and not 0.0 < optional < 1.0:
                raise ValueError("thresholds are probabilities in (0, 1)")

    def decision(self, values: Sequence[float]) -> float:
        """The logit ``w·x + b``."""
        if len(values) != len(self.coef):
            raise ValueError(f"{len(values)} values for {len(self.coef)} link features")
        return self.intercept + sum(map(operator.mul, self.coef, values))

    def probability(self, values: Sequence[float]) -> float:
        """``σ(w·x + b)``."""
        return logistic(self.decision(values))

    def explain(self, values: Sequence[float]) -> dict[str, float]:
        """Each feature's contribution ``w_i·x_i`` to the logit (plus ``intercept``)."""
        out = {name: c * v for name, c, v in zip(LINK_FEATURE_NAMES, self.coef, values, strict=True)}
        out["intercept"] = self.intercept
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "model": "logistic",
            "feature_names": list(LINK_FEATURE_NAMES),
            "coef": dict(zip(LINK_FEATURE_NAMES, self.coef, strict=True)),
            "intercept": self.intercept,
            "join_threshold": self.join_threshold,
            "link_threshold": self.link_threshold,
            "attach_threshold": self.attach_threshold,
            "short_link_threshold": self.short_link_threshold,
            "notes": dict(self.notes),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ArticleLinker:
        names = tuple(str(n) for n in data["feature_names"])  # type: ignore[attr-defined]
        if names != LINK_FEATURE_NAMES:
            raise ValueError(
                f"link weights were fitted for {list(names)}, this newsfold computes {list(LINK_FEATURE_NAMES)}; "
                "refit with benchmarks/train_event_linker.py"
            )
        coef: Mapping[str, float] = data["coef"]  # type: ignore[assignment]
        return cls(
            coef=tuple(float(coef[n]) for n in names),
            intercept=float(data["intercept"]),  # type: ignore[arg-type]
            join_threshold=float(data["join_threshold"]),  # type: ignore[arg-type]
            link_threshold=float(data["link_threshold"]),  # type: ignore[arg-type]
            attach_threshold=None if data.get("attach_threshold") is None else float(data["attach_threshold"]),  # type: ignore[arg-type]
            notes=dict(data.get("notes", {})),  # type: ignore[call-overload]
            short_link_threshold=(
                None if data.get("short_link_threshold") is None else float(data["short_link_threshold"])  # type: ignore[arg-type]
            ),
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def _shipped() -> ArticleLinker:
    text = resources.files("newsfold.events").joinpath(LINK_WEIGHTS_FILE).read_text("utf-8")
    return ArticleLinker.from_json(json.loads(text))


def load_linker(path: str | Path | None = None) -> ArticleLinker:
    """The linker from ``path``, or the one shipped with newsfold."""
    if path is None:
        return _shipped()
    return ArticleLinker.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class LinkStep:
    """One merge of :func:`average_link`: cluster ``merged`` (named by its lowest fragment index) joined
    cluster ``kept`` (``kept < merged``) with mean pair probability ``score`` over ``pairs`` article
    pairs, whose mean link features are ``features``. ``rule``: ``"average_link"``, or ``"attach"`` for
    a single article attached after the agglomeration (:func:`_attach_singletons`)."""

    kept: int
    merged: int
    score: float
    pairs: int
    features: tuple[float, ...]
    rule: str = "average_link"


def pair_probability(
    linker: ArticleLinker,
    values: Sequence[float],
    first: ArticleFeatures,
    second: ArticleFeatures,
    reading: PairReading | None = None,
) -> float:
    """The probability that two articles report one event: the linker's, or with a ``reading`` the
    logistic of the linker's logit plus the reader's logit times its weight."""
    if reading is None:
        return linker.probability(values)
    return logistic(linker.decision(values) + reading.weight * reading.logit(first.article_id, second.article_id))


def sample_members(members: Sequence[ArticleFeatures], limit: int = MAX_LINK_MEMBERS) -> list[ArticleFeatures]:
    """At most ``limit`` members, evenly spaced (all of them when there are few)."""
    if len(members) <= limit:
        return list(members)
    step = len(members) / limit
    return [members[int(k * step)] for k in range(limit)]


def _attach_singletons(
    links: Mapping[int, Mapping[int, tuple[float, int]]],
    sizes: Sequence[int],
    samples: list[list[ArticleFeatures]],
    threshold: float,
    mean_features: Callable[[int, int], tuple[float, ...]],
) -> list[LinkStep]:
    """After the agglomeration: every cluster of one article whose best linked cluster of two or more
    articles reaches ``threshold`` (mean pair probability, ties to the lowest index) joins it. The choices
    are made at once, against the clusters as the agglomeration left them, so they do not depend on one
    another; the steps then apply them in order of the single articles' indices. On ECB+ dev most
    same-event fragments the agglomeration leaves apart are single articles (an odd headline, a lead
    that recalls the background) whose mean probability to their event is mostly 0.3–0.5 while it stays
    below 0.3 between most sibling clusters (``docs/events.md``, Linkage). ``score`` and ``pairs`` of a
    step are those of the choice, against the cluster as the agglomeration left it."""
    choices: list[tuple[int, int, float, int]] = []
    for single in sorted(links):
        if sizes[single] != 1:
            continue
        best: tuple[float, int, int] | None = None
        for other, (total, count) in links[single].items():
            if sizes[other] < 2:
                continue
            candidate = (total / count, -other, count)
            if best is None or candidate > best:
                best = candidate
        if best is not None and best[0] >= threshold:
            choices.append((single, -best[1], best[0], best[2]))
    parent: dict[int, int] = {}

    def root(k: int) -> int:
        while k in parent:
            k = parent[k]
        return k

    steps: list[LinkStep] = []
    for single, target, score, count in choices:
        current = root(target)
        kept, merged = min(single, current), max(single, current)
        steps.append(LinkStep(kept, merged, score, count, mean_features(kept, merged), rule="attach"))
        parent[merged] = kept
        samples[kept] = samples[kept] + samples[merged]
        samples[merged] = []
    return steps


def average_link(
    fragments: Sequence[Sequence[ArticleFeatures]],
    neighbours: Iterable[tuple[int, int]],
    linker: ArticleLinker,
    threshold: float,
    days: Sequence[Collection[dt.date]] | None = None,
    window_days: int | None = None,
    attach_threshold: float | None = None,
    reading: PairReading | None = None,
) -> list[LinkStep]:
    """Average-link agglomeration of ``fragments`` (each a list of member features), in merge order.

    Only ``neighbours`` (pairs of fragment indices) are linked at first; a merged cluster is linked to
    every cluster either part was linked to while their days stay within ``window_days`` (``days``: each
    fragment's event days; a cluster has the union of its fragments'; two clusters are within the window
    when either is undated or their closest days are at most ``window_days`` apart). A cluster's
    similarity to another is the mean :meth:`ArticleLinker.probability` over pairs of their sampled members
    (:func:`sample_members` per fragment). Merges run best first while the best reaches ``threshold``.
    With ``attach_threshold``, a second step follows (:func:`_attach_singletons`): each cluster left with
    a single article joins the cluster of two or more articles it links to best when their mean pair
    probability reaches ``attach_threshold`` (steps with ``rule="attach"``). With a ``reading``
    (:mod:`newsfold.events.pair_reader`), a pair's probability is ``σ(linker logit + weight · reader
    logit)``; the pairs of the first neighbours are read in one batch.
    Pure and deterministic: the steps depend only on the arguments.
    """
    samples = [sample_members(f) for f in fragments]
    sizes = [len(f) for f in fragments]
    width = len(LINK_FEATURE_NAMES)
    views: dict[str, _ArticleView] = {}
    pair_cache: dict[tuple[str, str], tuple[float, tuple[float, ...]]] = {}

    def view(x: ArticleFeatures) -> _ArticleView:
        found = views.get(x.article_id)
        if found is None:
            found = views[x.article_id] = _view(x)
        return found

    def pair(x: ArticleFeatures, y: ArticleFeatures) -> tuple[float, tuple[float, ...]]:
        key = (x.article_id, y.article_id) if x.article_id <= y.article_id else (y.article_id, x.article_id)
        found = pair_cache.get(key)
        if found is None:
            values = _compare(view(x), view(y))
            found = pair_cache[key] = (pair_probability(linker, values, x, y, reading), values)
        return found

    def link(first: int, second: int) -> tuple[float, int]:
        """(probability sum, pair count) over the sampled member pairs."""
        return sum([pair(x, y)[0] for x in samples[first] for y in samples[second]]), len(samples[first]) * len(
            samples[second]
        )

    def mean_features(first: int, second: int) -> tuple[float, ...]:
        totals = [0.0] * width
        for x in samples[first]:
            for y in samples[second]:
                for k, v in enumerate(pair(x, y)[1]):
                    totals[k] += v
        count = len(samples[first]) * len(samples[second])
        return tuple(v / count for v in totals)

    cluster_days = [set(d) for d in days] if days is not None else [set() for _ in fragments]

    def within_window(first: int, second: int) -> bool:
        if window_days is None or not cluster_days[first] or not cluster_days[second]:
            return True
        return min(abs((x - y).days) for x in cluster_days[first] for y in cluster_days[second]) <= window_days

    links: dict[int, dict[int, tuple[float, int]]] = {k: {} for k in range(len(fragments))}
    heap: list[tuple[float, int, int]] = []
    linked = [(a, b) for a, b in sorted({(min(p), max(p)) for p in neighbours if p[0] != p[1]}) if within_window(a, b)]
    if reading is not None:
        reading.read(
            (x.article_id, y.article_id) for first, second in linked for x in samples[first] for y in samples[second]
        )
    for first, second in linked:
        totals = link(first, second)
        links[first][second] = links[second][first] = totals
        heapq.heappush(heap, (-totals[0] / totals[1], first, second))
    steps: list[LinkStep] = []
    while heap:
        negative, kept, merged = heapq.heappop(heap)
        current = links.get(kept, {}).get(merged)
        if current is None or -negative != current[0] / current[1]:
            continue  # a stale entry: one side merged since
        if -negative < threshold:
            break
        steps.append(LinkStep(kept, merged, -negative, current[1], mean_features(kept, merged)))
        del links[kept][merged], links[merged][kept]
        cluster_days[kept] |= cluster_days[merged]
        others = sorted(set(links[kept]) | set(links[merged]))
        for other in others:
            before_kept = links[kept].pop(other, None)
            before_merged = links[merged].pop(other, None)
            links[other].pop(kept, None)
            links[other].pop(merged, None)
            if not within_window(kept, other):
                continue
            part_kept = before_kept if before_kept is not None else link(kept, other)
            part_merged = before_merged if before_merged is not None else link(merged, other)
            combined = (part_kept[0] + part_merged[0], part_kept[1] + part_merged[1])
            links[kept][other] = links[other][kept] = combined
            low, high = min(kept, other), max(kept, other)
            heapq.heappush(heap, (-combined[0] / combined[1], low, high))
        samples[kept] = samples[kept] + samples[merged]
        samples[merged] = []
        sizes[kept] += sizes[merged]
        sizes[merged] = 0
        del links[merged]
    if attach_threshold is not None:
        steps.extend(_attach_singletons(links, sizes, samples, attach_threshold, mean_features))
    return steps
