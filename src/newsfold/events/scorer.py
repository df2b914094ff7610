"""The learned pair scorer: is this article (or event) about the same event as that event?

A :class:`Profile` summarizes one article or one event (its members). :func:`pair_features` compares two
profiles with a handful of named features, all in [0, 1]; :class:`LogisticScorer` is an L2-regularized
logistic regression over them (fitted by Newton's method / IRLS, Hastie, Tibshirani & Friedman, *The
Elements of Statistical Learning*, §4.4.1), small enough to read: one weight per named feature. The
shipped weights (``events/scorer_weights.json``) were fitted by ``benchmarks/train_event_scorer.py`` on the
dev splits only (ECB+ topics 1–25, SemEval-2022 Task 8 training pairs), with the join and merge
thresholds chosen there by BCubed F1 of the whole online grouping.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newsfold.events.features import ArticleFeatures

FEATURE_NAMES: tuple[str, ...] = (
    "term_cosine",
    "term_cosine_max",
    "title_cosine_max",
    "name_cosine",
    "person_overlap",
    "org_overlap",
    "place_overlap",
    "persons_missing",
    "person_conflict",
    "name_mismatch",
    "dates_known",
    "date_gap",
    "same_day",
    "years_disjoint",
    "dateline_same",
    "dateline_differs",
    "copy_evidence",
    "short_text",
    "number_overlap",
    "number_conflict",
    "embedding_cosine",
    "embedding_known",
)
"""The pair features, in the order of the scorer's weights:

- ``term_cosine``: cosine of the two TF-IDF centroids;
- ``term_cosine_max`` / ``title_cosine_max``: best cosine between a member of each side (body, headline);
- ``name_cosine``: cosine of the two sides' name-mention vectors (every typed name, sublinear counts);
- ``person_overlap`` / ``org_overlap``: Jaccard |A∩B| / |A∪B| of the salient people (with untyped names)
  / organizations of the two sides (Jaccard, so that a second, different opponent counts against);
  ``place_overlap``: overlap coefficient |A∩B| / min(|A|, |B|) of the salient places; each 0 when either
  side has none; ``persons_missing``: 1 when either side names no salient person; ``person_conflict``: both name
  salient people and none is shared (the same kind of event happening to someone else);
- ``name_mismatch``: the larger, over the two directions, of the share of one side's salient people and
  other names that the other side never mentions at all (a different opponent, ship or victim);
- ``dates_known``: 1 when both sides have an event day; ``date_gap``: the smallest distance between
  their days, ``ln(1 + days) / ln(366)`` capped at 1 (0 when unknown); ``same_day``: that distance ≤ 1;
- ``years_disjoint``: both sides name years in headline and lead, and none in common;
- ``dateline_same`` / ``dateline_differs``: both have dateline places, shared / none shared;
- ``copy_evidence``: a member of each side is in the same copy group (recorded as evidence; not
  learned, since copies join by rule in :mod:`newsfold.events.cluster`);
- ``short_text``: one side is headline-sized (its longest member has fewer than
  :data:`SHORT_TEXT_TERMS` terms), where cosines run lower for the same event;
- ``number_overlap``: overlap coefficient of the numbers (above ten, years aside) in headlines and leads;
  ``number_conflict``: both name such numbers and none is shared (23 pirates against 26);
- ``embedding_cosine``: cosine of the two sides' mean dense embeddings (:mod:`newsfold.events.embeddings`),
  clipped to [0, 1]; ``embedding_known``: both sides have embeddings. Both 0 in the default pipeline, whose
  shipped weights give them no weight; ``scorer_weights_semantic.json`` is fitted with them.
"""

WEIGHTS_FILE = "scorer_weights.json"
SEMANTIC_WEIGHTS_FILE = "scorer_weights_semantic.json"
SEMANTIC_WEIGHTS_BY_MODEL: dict[str, str] = {
    "all-MiniLM-L6-v2": SEMANTIC_WEIGHTS_FILE,
    "multilingual-e5-small-q4": "scorer_weights_semantic_e5.json",
}
"""The shipped semantic scorer fitted with each embedding model (``Embedder.name``); another model gets
the MiniLM-fitted one (:data:`SEMANTIC_WEIGHTS_FILE`)."""
SHORT_TEXT_TERMS = 25
MAX_COMPARED_MEMBERS = 8


@dataclass(slots=True)
class Profile:
    """An article or an event as the scorer sees it (mutable: events grow as articles join).

    ``term_sum`` is the sum of the members' unit TF-IDF vectors (its direction is the centroid);
    ``recent`` the last :data:`MAX_COMPARED_MEMBERS` members, compared one by one for the ``_max``
    features; ``person_counts``/``org_counts``/``place_counts`` count members naming each salient key; ``name_sum``
    sums their name-mention vectors.
    """

    members: int = 0
    term_sum: dict[str, float] = field(default_factory=dict)
    recent: list[ArticleFeatures] = field(default_factory=list)
    person_counts: Counter[str] = field(default_factory=Counter)
    org_counts: Counter[str] = field(default_factory=Counter)
    name_sum: dict[str, float] = field(default_factory=dict)
    place_counts: Counter[str] = field(default_factory=Counter)
    days: set[dt.date] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    dateline_places: set[str] = field(default_factory=set)
    copy_groups: set[str] = field(default_factory=set)
    numbers: Counter[str] = field(default_factory=Counter)
    embedding_sum: np.ndarray | None = None
    _norm: float | None = None
    _name_norm: float | None = None
    _salient: dict[int, set[str]] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the salient-key cache: it is keyed by the ids of this profile's counters,
        which name other objects in the process that unpickles it."""
        state = {name: getattr(self, name) for name in self.__slots__}
        state["_salient"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    @classmethod
    def of(cls, features: ArticleFeatures) -> Profile:
        profile = cls()
        profile.add(features)
        return profile

    def add(self, features: ArticleFeatures) -> None:
        """Fold one article into the profile."""
        self.members += 1
        term_sum = self.term_sum
        for term, weight in features.vector.items():
            term_sum[term] = term_sum.get(term, 0.0) + weight
        self._norm = None
        self._salient.clear()
        self.recent.append(features)
        if len(self.recent) > MAX_COMPARED_MEMBERS:
            self.recent.pop(0)
        self.person_counts.update(features.entities["person"] | features.entities["other"])
        self.org_counts.update(features.entities["org"])
        for name, weight in (features.name_vector or {}).items():
            self.name_sum[name] = self.name_sum.get(name, 0.0) + weight
        self._name_norm = None
        self.place_counts.update(features.entities["place"])
        if features.when is not None:
            self.days.add(features.when)
        self.years.update(features.years)
        if features.dateline_place:
            self.dateline_places.add(features.dateline_place)
        if features.copy_group:
            self.copy_groups.add(features.copy_group)
        self.numbers.update(features.numbers)
        if features.embedding is not None:
            vector = np.asarray(features.embedding, dtype=np.float64)
            self.embedding_sum = vector.copy() if self.embedding_sum is None else self.embedding_sum + vector

    def absorb(self, other: Profile) -> None:
        """Fold another profile (a merged event) into this one."""
        self.members += other.members
        for term, weight in other.term_sum.items():
            self.term_sum[term] = self.term_sum.get(term, 0.0) + weight
        self._norm = None
        self._salient.clear()
        self.recent = (self.recent + other.recent)[-MAX_COMPARED_MEMBERS:]
        self.person_counts.update(other.person_counts)
        self.org_counts.update(other.org_counts)
        for name, weight in other.name_sum.items():
            self.name_sum[name] = self.name_sum.get(name, 0.0) + weight
        self._name_norm = None
        self.place_counts.update(other.place_counts)
        self.days |= other.days
        self.years |= other.years
        self.dateline_places |= other.dateline_places
        self.copy_groups |= other.copy_groups
        self.numbers.update(other.numbers)
        if other.embedding_sum is not None:
            self.embedding_sum = (
                other.embedding_sum.copy() if self.embedding_sum is None else self.embedding_sum + other.embedding_sum
            )

    @property
    def norm(self) -> float:
        if self._norm is None:
            self._norm = math.sqrt(sum(v * v for v in self.term_sum.values()))
        return self._norm

    @property
    def name_norm(self) -> float:
        if self._name_norm is None:
            self._name_norm = math.sqrt(sum(v * v for v in self.name_sum.values()))
        return self._name_norm

    def salient(self, counts: Counter[str]) -> set[str]:
        """Keys named by at least a third of the members (all keys for one or two members); ``counts``
        is one of this profile's counters. Cached until the profile changes."""
        cached = self._salient.get(id(counts))
        if cached is None:
            floor = max(1, math.ceil(self.members / 3)) if self.members > 2 else 1
            cached = {key for key, n in counts.items() if n >= floor}
            self._salient[id(counts)] = cached
        return cached

    @property
    def mentioned(self) -> set[str]:
        """Every name key mentioned by a member (without its type)."""
        cached = self._salient.get(0)
        if cached is None:
            cached = {key.split(":", 1)[1] for key in self.name_sum}
            self._salient[0] = cached
        return cached


def logistic(z: float) -> float:
    """``σ(z) = 1 / (1 + e^−z)``, computed without overflow for large ``|z|``."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sparse_dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The dot product of two sparse vectors (key → weight)."""
    # The key intersection runs in C; only shared keys are summed in Python.
    return sum([a[term] * b[term] for term in a.keys() & b.keys()])


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def pair_features(a: Profile, b: Profile) -> tuple[float, ...]:
    """The :data:`FEATURE_NAMES` values comparing ``a`` with ``b`` (symmetric)."""
    denominator = a.norm * b.norm
    term_cosine = sparse_dot(a.term_sum, b.term_sum) / denominator if denominator else 0.0
    term_max = 0.0
    title_max = 0.0
    for x in a.recent:
        for y in b.recent:
            term_max = max(term_max, sparse_dot(x.vector, y.vector))
            title_max = max(title_max, sparse_dot(x.title_vector, y.title_vector))
    name_denominator = a.name_norm * b.name_norm
    name_cosine = sparse_dot(a.name_sum, b.name_sum) / name_denominator if name_denominator else 0.0
    persons_a, persons_b = a.salient(a.person_counts), b.salient(b.person_counts)
    orgs_a, orgs_b = a.salient(a.org_counts), b.salient(b.org_counts)
    places_a, places_b = a.salient(a.place_counts), b.salient(b.place_counts)
    name_mismatch = 0.0
    if persons_a and persons_b:
        mentioned_a, mentioned_b = a.mentioned, b.mentioned
        name_mismatch = max(
            len(persons_a - mentioned_b) / len(persons_a), len(persons_b - mentioned_a) / len(persons_b)
        )
    dates_known = bool(a.days and b.days)
    gap_feature = 0.0
    same_day = 0.0
    if dates_known:
        gap = min(abs((x - y).days) for x in a.days for y in b.days)
        gap_feature = min(1.0, math.log1p(gap) / math.log(366))
        same_day = 1.0 if gap <= 1 else 0.0
    years_disjoint = 1.0 if a.years and b.years and not (a.years & b.years) else 0.0
    both_datelines = bool(a.dateline_places and b.dateline_places)
    dateline_same = 1.0 if both_datelines and a.dateline_places & b.dateline_places else 0.0
    dateline_differs = 1.0 if both_datelines and not dateline_same else 0.0
    copy_evidence = 1.0 if a.copy_groups & b.copy_groups else 0.0
    numbers_a, numbers_b = a.salient(a.numbers), b.salient(b.numbers)
    embedding_cosine = 0.0
    embedding_known = a.embedding_sum is not None and b.embedding_sum is not None
    if a.embedding_sum is not None and b.embedding_sum is not None:
        embedding_denominator = float(np.linalg.norm(a.embedding_sum) * np.linalg.norm(b.embedding_sum))
        if embedding_denominator:
            embedding_cosine = max(0.0, min(1.0, float(a.embedding_sum @ b.embedding_sum) / embedding_denominator))
    shortest = min(max((x.term_count for x in a.recent), default=0), max((y.term_count for y in b.recent), default=0))
    return (
        term_cosine,
        term_max,
        title_max,
        name_cosine,
        _jaccard(persons_a, persons_b),
        _jaccard(orgs_a, orgs_b),
        _overlap(places_a, places_b),
        0.0 if persons_a and persons_b else 1.0,
        1.0 if persons_a and persons_b and not persons_a & persons_b else 0.0,
        name_mismatch,
        1.0 if dates_known else 0.0,
        gap_feature,
        same_day,
        years_disjoint,
        dateline_same,
        dateline_differs,
        copy_evidence,
        1.0 if shortest < SHORT_TEXT_TERMS else 0.0,
        _overlap(numbers_a, numbers_b),
        1.0 if numbers_a and numbers_b and not numbers_a & numbers_b else 0.0,
        embedding_cosine,
        1.0 if embedding_known else 0.0,
    )


class LogisticScorer:
    """Logistic regression over named features: ``p = σ(w·x + b)``.

    Parameters are stored by ``__init__`` only (scikit-learn convention): ``feature_names`` (the order
    of ``x``), ``l2`` (ridge penalty on the weights, not the intercept; ≥ 0), ``join_threshold`` and
    ``merge_threshold`` (probabilities in (0, 1) used by the clusterer), and ``short_join_threshold`` /
    ``short_merge_threshold`` for headline-sized texts (``None``: the same as for long ones). :meth:`fit` learns ``coef_``
    and ``intercept_``; labels may be soft (in [0, 1]), which is how graded similarity (SemEval) is used.
    """

    def __init__(
        self,
        feature_names: Sequence[str] = FEATURE_NAMES,
        l2: float = 1.0,
        join_threshold: float = 0.5,
        merge_threshold: float = 0.7,
        short_join_threshold: float | None = None,
        short_merge_threshold: float | None = None,
    ) -> None:
        self.feature_names = tuple(feature_names)
        self.l2 = l2
        self.join_threshold = join_threshold
        self.merge_threshold = merge_threshold
        self.short_join_threshold = short_join_threshold
        self.short_merge_threshold = short_merge_threshold
        self.coef_: tuple[float, ...] = tuple(0.0 for _ in self.feature_names)
        self.intercept_: float = 0.0
        self.similarity_coef_: tuple[float, ...] = tuple(0.0 for _ in self.feature_names)
        self.similarity_intercept_: float = 0.0
        self.notes_: dict[str, object] = {}

    def fit(
        self,
        features: np.ndarray,
        labels: np.ndarray,
        sample_weight: np.ndarray | None = None,
        iterations: int = 50,
    ) -> LogisticScorer:
        """Fit by Newton's method on the penalized log-loss; deterministic."""
        if self.l2 < 0:
            raise ValueError("l2 must be ≥ 0")
        x = np.asarray(features, dtype=np.float64)
        y = np.asarray(labels, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.feature_names) or x.shape[0] != y.shape[0]:
            raise ValueError(f"features must be (n, {len(self.feature_names)}) with one label per row")
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        design = np.hstack([x, np.ones((x.shape[0], 1))])
        theta = np.zeros(design.shape[1])
        penalty = np.full(design.shape[1], self.l2)
        penalty[-1] = 0.0
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-(design @ theta)))
            gradient = design.T @ (w * (p - y)) + penalty * theta
            hessian = (design * (w * p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
            step = np.linalg.solve(hessian, gradient)
            theta -= step
            if float(np.max(np.abs(step))) < 1e-8:
                break
        self.coef_ = tuple(float(v) for v in theta[:-1])
        self.intercept_ = float(theta[-1])
        return self

    def fit_similarity(self, features: np.ndarray, similarity: np.ndarray, l2: float = 0.1) -> LogisticScorer:
        """Fit the graded-similarity head: ridge regression of a similarity in [0, 1] (for SemEval-2022
        Task 8, ``(4 − Overall) / 3``) on the same features. Independent of :meth:`fit`."""
        if l2 < 0:
            raise ValueError("l2 must be ≥ 0")
        x = np.asarray(features, dtype=np.float64)
        y = np.asarray(similarity, dtype=np.float64)
        design = np.hstack([x, np.ones((x.shape[0], 1))])
        penalty = np.full(design.shape[1], l2)
        penalty[-1] = 0.0
        theta = np.linalg.solve(design.T @ design + np.diag(penalty + 1e-9), design.T @ y)
        self.similarity_coef_ = tuple(float(v) for v in theta[:-1])
        self.similarity_intercept_ = float(theta[-1])
        return self

    def similarity(self, values: Sequence[float]) -> float:
        """Graded similarity of a pair in [0, 1] (1: same story), from the ridge head."""
        raw = self.similarity_intercept_ + sum(c * v for c, v in zip(self.similarity_coef_, values, strict=True))
        return min(1.0, max(0.0, raw))

    def decision(self, values: Sequence[float]) -> float:
        """The logit ``w·x + b``."""
        return self.intercept_ + sum(c * v for c, v in zip(self.coef_, values, strict=True))

    def probability(self, values: Sequence[float]) -> float:
        """``σ(w·x + b)``: the probability that the pair is one event."""
        return logistic(self.decision(values))

    def explain(self, values: Sequence[float]) -> dict[str, float]:
        """Each feature's contribution ``w_i·x_i`` to the logit (plus ``intercept``)."""
        out = {name: c * v for name, c, v in zip(self.feature_names, self.coef_, values, strict=True)}
        out["intercept"] = self.intercept_
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "model": "logistic",
            "feature_names": list(self.feature_names),
            "coef": dict(zip(self.feature_names, self.coef_, strict=True)),
            "intercept": self.intercept_,
            "l2": self.l2,
            "join_threshold": self.join_threshold,
            "merge_threshold": self.merge_threshold,
            "short_join_threshold": self.short_join_threshold,
            "short_merge_threshold": self.short_merge_threshold,
            "similarity": {
                "coef": dict(zip(self.feature_names, self.similarity_coef_, strict=True)),
                "intercept": self.similarity_intercept_,
            },
            "notes": self.notes_,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> LogisticScorer:
        names = [str(n) for n in data["feature_names"]]  # type: ignore[attr-defined]
        if tuple(names) != FEATURE_NAMES:
            raise ValueError(
                f"weights were trained for features {names}, this newsfold computes {list(FEATURE_NAMES)}; "
                "retrain with benchmarks/train_event_scorer.py"
            )
        scorer = cls(
            names,
            l2=float(data.get("l2", 1.0)),  # type: ignore[arg-type]
            join_threshold=float(data["join_threshold"]),  # type: ignore[arg-type]
            merge_threshold=float(data["merge_threshold"]),  # type: ignore[arg-type]
            short_join_threshold=_optional_float(data.get("short_join_threshold")),
            short_merge_threshold=_optional_float(data.get("short_merge_threshold")),
        )
        coef = data["coef"]
        scorer.coef_ = tuple(float(coef[n]) for n in names)  # type: ignore[index]
        scorer.intercept_ = float(data["intercept"])  # type: ignore[arg-type]
        similarity = data.get("similarity")
        if isinstance(similarity, Mapping):
            scorer.similarity_coef_ = tuple(float(similarity["coef"][n]) for n in names)
            scorer.similarity_intercept_ = float(similarity["intercept"])
        scorer.notes_ = dict(data.get("notes", {}))  # type: ignore[call-overload]
        return scorer

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _optional_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@lru_cache(maxsize=2)
def _shipped_weights(name: str = WEIGHTS_FILE) -> dict[str, object]:
    path = resources.files("newsfold.events").joinpath(name)
    return dict(json.loads(path.read_text("utf-8")))


def semantic_weights_file(model: str | None) -> str:
    """The shipped weights file of the semantic scorer for embedding model ``model`` (see
    :data:`SEMANTIC_WEIGHTS_BY_MODEL`); the MiniLM-fitted one when ``model`` has none of its own."""
    name = SEMANTIC_WEIGHTS_BY_MODEL.get(model or "", SEMANTIC_WEIGHTS_FILE)
    return name if resources.files("newsfold.events").joinpath(name).is_file() else SEMANTIC_WEIGHTS_FILE


def load_scorer(path: str | Path | None = None, semantic: bool = False, model: str | None = None) -> LogisticScorer:
    """The scorer from ``path``, or the one shipped with newsfold: with ``semantic``, the one fitted with
    the ``embedding_*`` features (for groupings that embed articles), for the embedding ``model``
    (``Embedder.name``) when one was fitted with it (:func:`semantic_weights_file`)."""
    if path is None:
        return LogisticScorer.from_json(_shipped_weights(semantic_weights_file(model) if semantic else WEIGHTS_FILE))
    return LogisticScorer.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
