"""Graded similarity of two news articles: how close are they, and why.

:func:`pair_similarity` compares two :class:`~newsfold.model.Article` records and returns a
:class:`PairSimilarity`: a score in [0, 1] (1: the same story, 0: unrelated), the same score on the
SemEval-2022 Task 8 ``Overall`` scale (1 = very similar … 4 = very dissimilar, ``overall = 4 − 3·score``),
the value of every named pair feature and each feature's contribution to the score.

The model is a ridge regression over :data:`SIMILARITY_FEATURES` (one weight per named feature, no
hidden layer): ``raw = intercept + Σ wᵢ·xᵢ`` and ``score = clip(raw, 0, 1)``, where ``xᵢ`` is the
square root of feature ``i``'s value (an embedding cosine as it is; :func:`default_transform`), so the
contributions ``wᵢ·xᵢ`` plus the intercept sum to ``raw`` exactly. Its weights (``events/similarity_weights*.json``)
were fitted by ``benchmarks/train_similarity.py`` on the SemEval-2022 Task 8 training pairs only, with
the target ``(4 − Overall) / 3``; ``docs/events.md`` ("Pair similarity") gives the measured figures.

The features compare the two articles field by field, richer than the grouping's
(:func:`newsfold.events.scorer.pair_features`), which must be cheap enough for online assignment: every
pair is featurized here once, by the caller's request. With an embedder
(:func:`newsfold.events.embeddings.load_embedder`) the cosine of the two dense embeddings is added, and
the weights fitted with that embedder are used. To compare one article with many, analyse each once with
:func:`similarity_side` and score pairs with :func:`score_sides`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newsfold.events.embeddings import Embedder, embedding_text
from newsfold.events.entities import extract_mentions
from newsfold.events.features import IdfTable, analyze_article, split_fields
from newsfold.events.text import terms
from newsfold.model import Article

SIMILARITY_FEATURES: tuple[str, ...] = (
    "title_cosine",
    "lead_cosine",
    "body_cosine",
    "title_lead_cosine",
    "title_char_cosine",
    "body_char_cosine",
    "name_cosine",
    "capitalized_cosine",
    "person_overlap",
    "org_overlap",
    "place_overlap",
    "number_overlap",
    "year_overlap",
    "dates_known",
    "date_gap",
    "length_ratio",
    "languages_differ",
)
"""The pair features, each in [0, 1] and symmetric in the two articles:

- ``title_cosine`` / ``lead_cosine`` / ``body_cosine``: cosine of the TF-IDF vectors (sublinear tf,
  :class:`~newsfold.events.features.IdfTable` weights) of the headlines, of the leads (the first three
  sentences after the headline) and of the whole texts;
- ``title_lead_cosine``: the mean of headline-of-one against lead-of-the-other, both ways (one outlet's
  headline is often another's first sentence);
- ``title_char_cosine``: cosine of the headlines' character 3-gram counts (sublinear), which needs no
  tokenizer or stop list and matches names across languages (``Lavrov``/``Lawrow``);
- ``body_char_cosine``: the same over the capitalized words of the whole texts (names, and German nouns);
- ``name_cosine``: cosine of the typed name mentions (:func:`~newsfold.events.entities.extract_mentions`,
  sublinear counts) of the whole texts; ``capitalized_cosine``: cosine of the capitalized words as written;
- ``person_overlap`` / ``org_overlap`` / ``place_overlap``: Jaccard of the name keys of that type
  mentioned anywhere in the texts (0 when either names none);
- ``number_overlap``: Jaccard of the numbers above ten (years aside; thousands separators dropped) in
  the texts; ``year_overlap``: Jaccard of the years named;
- ``dates_known``: both articles have an event day (:func:`~newsfold.events.features.analyze_article`);
  ``date_gap``: ``ln(1 + days) / ln(366)`` between them, capped at 1 (0 when unknown);
- ``length_ratio``: the shorter text's length in characters over the longer's;
- ``languages_differ``: both articles carry a language and the languages differ.
"""

EMBEDDING_FEATURES: tuple[str, ...] = ("embedding_cosine",)
"""Added with an embedder: ``embedding_cosine``, the cosine of the two articles' dense embeddings of
headline and lead (:func:`~newsfold.events.embeddings.embedding_text`), clipped to [0, 1]."""

DOCUMENT_FREQUENCY_FILE = "similarity_df.json"
"""Document frequencies for the term weights: newsfold's background table (``background_df.json``)
plus the non-English SemEval-2022 Task 8 training articles (counts of terms seen in ≥ 3 of them; no text),
so that the function words of other languages weigh little."""

WEIGHTS_FILE = "similarity_weights.json"
EMBEDDER_WEIGHTS_FILES: Mapping[str, str] = {
    "all-MiniLM-L6-v2": "similarity_weights_minilm.json",
    "multilingual-e5-small-q4": "similarity_weights_e5.json",
}
"""Weights file per embedder name (:attr:`Embedder.name`)."""

LEAD_SENTENCES = 3
BODY_CHARS = 20_000
"""Characters of each text compared (the start of an article says what it is about; bounds the cost)."""

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SimilaritySide:
    """One article as :func:`similarity_features` sees it (plain data; see :func:`similarity_side`).

    Term vectors are L2-normalized sparse TF-IDF; ``*_grams`` and ``capitalized`` are L2-normalized
    sparse count vectors; the name keys are per type; ``embedding`` is a unit dense vector or ``None``.
    """

    article_id: str
    title_vector: Mapping[str, float]
    lead_vector: Mapping[str, float]
    body_vector: Mapping[str, float]
    title_grams: Mapping[str, float]
    capitalized_grams: Mapping[str, float]
    capitalized: Mapping[str, float]
    names: Mapping[str, float]
    persons: frozenset[str]
    orgs: frozenset[str]
    places: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[int]
    when_ordinal: int | None
    characters: int
    language: str | None
    embedding: tuple[float, ...] | None = None


def similarity_terms(text: str) -> list[str]:
    """The terms of ``text`` compared by TF-IDF: :func:`newsfold.events.text.terms`, with runs of Chinese,
    Japanese or Korean characters (written without spaces, so one "word" per clause) cut into
    overlapping character bigrams, the usual unit for those scripts."""
    out: list[str] = []
    for term in terms(text):
        if _CJK.search(term):
            for run in _CJK.findall(term):
                out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
        else:
            out.append(term)
    return out


def _unit(weights: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {k: v / norm for k, v in weights.items()} if norm else {}


def _sublinear(counts: Mapping[str, int]) -> dict[str, float]:
    return {k: 1.0 + math.log(n) for k, n in counts.items() if n > 0}


def _tfidf(field_terms: Sequence[str], idf: IdfTable) -> dict[str, float]:
    return _unit({t: w * idf.idf(t) for t, w in _sublinear(Counter(field_terms)).items()})


def _char_grams(words: Sequence[str], size: int = 3) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for word in words:
        padded = f" {word} "
        counts.update(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
    return _unit(_sublinear(counts))


def _numbers(text: str) -> frozenset[str]:
    out = set()
    for match in _NUMBER.findall(text):
        digits = re.sub(r"[.,\u00a0 ]\d{3}", lambda m: m.group(0)[1:], match)
        if _YEAR.fullmatch(digits):
            continue
        try:
            if float(digits.replace(",", ".")) <= 10:
                continue
        except ValueError:
            continue
        out.add(digits.replace(",", "."))
    return frozenset(out)


def similarity_side(
    article: Article,
    idf: IdfTable | None = None,
    embedding: Sequence[float] | None = None,
) -> SimilaritySide:
    """The analysis of ``article`` that :func:`similarity_features` compares.

    ``idf``: term weights (default: :func:`similarity_idf`; not updated). ``embedding``:
    the article's unit dense vector of :func:`~newsfold.events.embeddings.embedding_text`, when an
    embedder ran. Compute it once per article when comparing one article with many.
    """
    idf = idf or similarity_idf()
    headline, lead, body = split_fields(article, LEAD_SENTENCES)
    full = f"{article.title}\n\n{body}" if article.title else body
    full = full[:BODY_CHARS]
    analysis = analyze_article(article)
    mentions = extract_mentions(full)
    by_type: dict[str, set[str]] = {"person": set(), "org": set(), "place": set(), "other": set()}
    for mention in mentions:
        by_type[mention.type].add(mention.key)
    capitalized_words = [w for w in _WORD.findall(full) if w[:1].isupper() and len(w) > 1]
    title_words = [w.lower() for w in _WORD.findall(headline)] or [headline.lower()]
    return SimilaritySide(
        article_id=article.id,
        title_vector=_tfidf(similarity_terms(headline), idf),
        lead_vector=_tfidf(similarity_terms(lead), idf),
        body_vector=_tfidf(similarity_terms(full), idf),
        title_grams=_char_grams(title_words),
        capitalized_grams=_char_grams([w.lower() for w in capitalized_words]),
        capitalized=_unit(_sublinear(Counter(capitalized_words))),
        names=_unit(_sublinear(Counter(f"{m.type}:{m.key}" for m in mentions))),
        persons=frozenset(by_type["person"] | by_type["other"]),
        orgs=frozenset(by_type["org"]),
        places=frozenset(by_type["place"]),
        numbers=_numbers(full),
        years=frozenset(int(y) for y in _YEAR.findall(full)),
        when_ordinal=None if analysis.when is None else analysis.when.toordinal(),
        characters=len(full),
        language=article.language,
        embedding=None if embedding is None else tuple(float(v) for v in embedding),
    )


@lru_cache(maxsize=1)
def _shipped_idf() -> IdfTable:
    # Shared and never updated: similarity_side only reads weights.
    path = resources.files("newsfold.events").joinpath(DOCUMENT_FREQUENCY_FILE)
    if not path.is_file():
        return IdfTable.background()
    raw = json.loads(path.read_text("utf-8"))
    return IdfTable(int(raw["documents"]), {str(t): int(n) for t, n in raw["document_frequency"].items()})


def similarity_idf() -> IdfTable:
    """The term weights :func:`pair_similarity` uses by default (:data:`DOCUMENT_FREQUENCY_FILE`; the
    background table when that file is absent). Shared: do not :meth:`~IdfTable.add` to it."""
    return _shipped_idf()


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return min(1.0, sum(v * b[k] for k, v in a.items() if k in b))


def _jaccard(a: frozenset[str] | frozenset[int], b: frozenset[str] | frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity_features(a: SimilaritySide, b: SimilaritySide) -> dict[str, float]:
    """The :data:`SIMILARITY_FEATURES` values of the pair, plus ``embedding_cosine`` when both sides
    have an embedding (symmetric in ``a`` and ``b``)."""
    dates_known = a.when_ordinal is not None and b.when_ordinal is not None
    date_gap = 0.0
    if a.when_ordinal is not None and b.when_ordinal is not None:
        date_gap = min(1.0, math.log1p(abs(a.when_ordinal - b.when_ordinal)) / math.log(366))
    longer = max(a.characters, b.characters)
    values = {
        "title_cosine": _dot(a.title_vector, b.title_vector),
        "lead_cosine": _dot(a.lead_vector, b.lead_vector),
        "body_cosine": _dot(a.body_vector, b.body_vector),
        "title_lead_cosine": (_dot(a.title_vector, b.lead_vector) + _dot(b.title_vector, a.lead_vector)) / 2,
        "title_char_cosine": _dot(a.title_grams, b.title_grams),
        "body_char_cosine": _dot(a.capitalized_grams, b.capitalized_grams),
        "name_cosine": _dot(a.names, b.names),
        "capitalized_cosine": _dot(a.capitalized, b.capitalized),
        "person_overlap": _jaccard(a.persons, b.persons),
        "org_overlap": _jaccard(a.orgs, b.orgs),
        "place_overlap": _jaccard(a.places, b.places),
        "number_overlap": _jaccard(a.numbers, b.numbers),
        "year_overlap": _jaccard(a.years, b.years),
        "dates_known": 1.0 if dates_known else 0.0,
        "date_gap": date_gap,
        "length_ratio": min(a.characters, b.characters) / longer if longer else 0.0,
        "languages_differ": 1.0 if a.language and b.language and a.language != b.language else 0.0,
    }
    if a.embedding is not None and b.embedding is not None:
        x = np.asarray(a.embedding, dtype=np.float64)
        y = np.asarray(b.embedding, dtype=np.float64)
        denominator = float(np.linalg.norm(x) * np.linalg.norm(y))
        values["embedding_cosine"] = max(0.0, min(1.0, float(x @ y) / denominator)) if denominator else 0.0
    return values


TRANSFORMS: Mapping[str, Callable[[float], float]] = {"identity": float, "sqrt": lambda v: math.sqrt(max(0.0, v))}


def default_transform(feature: str) -> str:
    """``"sqrt"`` for the pair features: cosines and overlaps rise steeply at first (a few shared names
    already say much), and the square root measured better in cross-validation than the values
    themselves; ``"identity"`` for embedding cosines, which sit in a narrow high band that a square root
    would flatten further (also measured: ``docs/events.md``, "Pair similarity")."""
    return "identity" if feature in EMBEDDING_FEATURES else "sqrt"


def fit_ridge(
    features: np.ndarray, target: np.ndarray, l2: float, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """(weights, intercept) minimizing ``Σ sⱼ·(yⱼ − b − w·xⱼ)² + l2·|w|²`` (closed form; the intercept
    is not penalized). ``features``: ``(n, k)``; ``target``, ``sample_weight`` (default all 1): ``(n,)``."""
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ValueError("features must be (n, k) with one target per row")
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    design = np.hstack([x, np.ones((x.shape[0], 1))])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    weighted = design * s[:, None]
    theta = np.linalg.solve(weighted.T @ design + np.diag(penalty + 1e-9), weighted.T @ y)
    return theta[:-1], float(theta[-1])


class SimilarityModel:
    """Ridge regression of a similarity in [0, 1] on named features: ``raw = b + Σ wᵢ·xᵢ``.

    ``feature_names``: the order of ``x`` (a subset of :data:`SIMILARITY_FEATURES` and
    :data:`EMBEDDING_FEATURES`); ``l2`` ≥ 0: the ridge penalty on the weights (not the intercept).
    :meth:`fit` learns ``coef_`` and ``intercept_``; ``embedder`` names the embedder whose cosine the
    model was fitted on (``None``: no embedding feature). ``transforms``: feature → what its weight
    multiplies, ``"sqrt"`` the square root of the value or ``"identity"`` the value itself; a feature not
    named gets :func:`default_transform`.
    """

    def __init__(
        self,
        feature_names: Sequence[str],
        l2: float = 0.1,
        embedder: str | None = None,
        transforms: Mapping[str, str] | None = None,
    ) -> None:
        transforms = dict(transforms or {})
        bad = {t for t in transforms.values() if t not in TRANSFORMS}
        if bad:
            raise ValueError(f"transforms must be among {sorted(TRANSFORMS)}, not {sorted(bad)}")
        unknown = set(feature_names) - set(SIMILARITY_FEATURES) - set(EMBEDDING_FEATURES)
        if unknown:
            raise ValueError(f"unknown similarity features {sorted(unknown)}")
        if l2 < 0:
            raise ValueError("l2 must be ≥ 0")
        self.feature_names = tuple(feature_names)
        self.l2 = l2
        self.embedder = embedder
        self.transforms = {name: transforms.get(name, default_transform(name)) for name in self.feature_names}
        self.coef_: tuple[float, ...] = tuple(0.0 for _ in self.feature_names)
        self.intercept_ = 0.0
        self.notes_: dict[str, object] = {}

    @property
    def needs_embedding(self) -> bool:
        return any(name in EMBEDDING_FEATURES for name in self.feature_names)

    def fit(
        self, features: np.ndarray, similarity: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> SimilarityModel:
        """Closed-form ridge fit; ``features``: the ``(n, len(feature_names))`` inputs (:meth:`rows`),
        ``similarity``: targets in [0, 1], ``sample_weight``: one weight ≥ 0 per pair (default 1)."""
        x = np.asarray(features, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.feature_names):
            raise ValueError(f"features must be (n, {len(self.feature_names)})")
        coef, self.intercept_ = fit_ridge(x, similarity, self.l2, sample_weight)
        self.coef_ = tuple(float(v) for v in coef)
        return self

    def row(self, values: Mapping[str, float]) -> tuple[float, ...]:
        """The inputs ``xᵢ`` the weights multiply: :attr:`transforms` of ``values`` in
        :attr:`feature_names` order (a missing feature is an error)."""
        missing = [name for name in self.feature_names if name not in values]
        if missing:
            raise ValueError(f"missing features {missing} (an embedding feature needs an embedder)")
        return tuple(TRANSFORMS[self.transforms[name]](float(values[name])) for name in self.feature_names)

    def rows(self, values: Sequence[Mapping[str, float]]) -> np.ndarray:
        """:meth:`row` of each pair: the ``(n, k)`` design matrix :meth:`fit` takes."""
        return np.asarray([self.row(v) for v in values], dtype=np.float64).reshape(len(values), -1)

    def raw(self, values: Mapping[str, float]) -> float:
        """``b + Σ wᵢ·xᵢ``, unclipped."""
        return self.intercept_ + sum(c * v for c, v in zip(self.coef_, self.row(values), strict=True))

    def explain(self, values: Mapping[str, float]) -> dict[str, float]:
        """Each feature's contribution ``wᵢ·xᵢ`` plus ``intercept``; they sum to :meth:`raw`."""
        out = {n: c * v for n, c, v in zip(self.feature_names, self.coef_, self.row(values), strict=True)}
        out["intercept"] = self.intercept_
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "model": "ridge",
            "target": "(4 - Overall) / 3 of SemEval-2022 Task 8, clipped to [0, 1]",
            "feature_names": list(self.feature_names),
            "coef": dict(zip(self.feature_names, self.coef_, strict=True)),
            "intercept": self.intercept_,
            "l2": self.l2,
            "transforms": dict(self.transforms),
            "embedder": self.embedder,
            "notes": self.notes_,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> SimilarityModel:
        names = [str(n) for n in data["feature_names"]]  # type: ignore[attr-defined]
        embedder = data.get("embedder")
        model = cls(
            names,
            l2=float(data.get("l2", 0.1)),  # type: ignore[arg-type]
            embedder=None if embedder is None else str(embedder),
            transforms={str(k): str(v) for k, v in dict(data.get("transforms", {})).items()},  # type: ignore[call-overload]
        )
        coef: Mapping[str, float] = data["coef"]  # type: ignore[assignment]
        model.coef_ = tuple(float(coef[n]) for n in names)
        model.intercept_ = float(data["intercept"])  # type: ignore[arg-type]
        model.notes_ = dict(data.get("notes", {}))  # type: ignore[call-overload]
        return model

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def _shipped(name: str) -> SimilarityModel:
    path = resources.files("newsfold.events").joinpath(name)
    return SimilarityModel.from_json(json.loads(path.read_text("utf-8")))


def load_similarity_model(path: str | Path | None = None, embedder: str | None = None) -> SimilarityModel:
    """The model at ``path``, or the shipped one: fitted with the embedder named ``embedder`` (an
    :attr:`Embedder.name`, see :data:`EMBEDDER_WEIGHTS_FILES`), or without embeddings when ``None``."""
    if path is not None:
        return SimilarityModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    if embedder is None:
        return _shipped(WEIGHTS_FILE)
    if embedder not in EMBEDDER_WEIGHTS_FILES:
        raise ValueError(f"no similarity weights for embedder {embedder!r}; fitted: {sorted(EMBEDDER_WEIGHTS_FILES)}")
    return _shipped(EMBEDDER_WEIGHTS_FILES[embedder])


@dataclass(frozen=True, slots=True)
class PairSimilarity:
    """The graded similarity of two articles.

    ``score``: in [0, 1], 1 for the same story (``raw`` clipped); ``overall``: the same on SemEval-2022
    Task 8's scale, 1 (very similar) to 4 (very dissimilar), ``4 − 3·score``; ``raw``: the model's
    unclipped output; ``features``: every computed feature value; ``contributions``: ``wᵢ·xᵢ`` per model
    feature plus ``intercept``, summing to ``raw``; ``model``: which weights (``"default"`` or the
    embedder's name).
    """

    first_id: str
    second_id: str
    score: float
    overall: float
    raw: float
    features: Mapping[str, float]
    contributions: Mapping[str, float]
    model: str

    def top_contributions(self, count: int = 5) -> list[tuple[str, float]]:
        """The ``count`` features with the largest absolute contributions (intercept excluded)."""
        ranked = sorted(
            ((n, v) for n, v in self.contributions.items() if n != "intercept"), key=lambda nv: (-abs(nv[1]), nv[0])
        )
        return ranked[:count]

    def to_json(self) -> dict[str, object]:
        return {
            "first_id": self.first_id,
            "second_id": self.second_id,
            "score": self.score,
            "overall": self.overall,
            "raw": self.raw,
            "model": self.model,
            "features": dict(self.features),
            "contributions": dict(self.contributions),
        }


def score_sides(a: SimilaritySide, b: SimilaritySide, model: SimilarityModel) -> PairSimilarity:
    """:func:`pair_similarity` for sides already analysed by :func:`similarity_side`."""
    values = similarity_features(a, b)
    contributions = model.explain(values)
    raw = sum(contributions.values())
    score = min(1.0, max(0.0, raw))
    return PairSimilarity(
        first_id=a.article_id,
        second_id=b.article_id,
        score=score,
        overall=4.0 - 3.0 * score,
        raw=raw,
        features=values,
        contributions=contributions,
        model=model.embedder or "default",
    )


def pair_similarity(
    a: Article,
    b: Article,
    *,
    embedder: Embedder | None = None,
    model: SimilarityModel | None = None,
    idf: IdfTable | None = None,
) -> PairSimilarity:
    """How similar ``a`` and ``b`` are (see the module docstring and :class:`PairSimilarity`).

    ``embedder``: adds the embedding cosine and selects the weights fitted with that embedder (raises
    ``ValueError`` when none were). ``model``: other weights (an embedding model needs ``embedder``).
    ``idf``: term weights (default: :func:`similarity_idf`). Symmetric: swapping ``a`` and ``b``
    gives the same score.
    """
    model = model or load_similarity_model(embedder=None if embedder is None else embedder.name)
    vectors: list[Sequence[float] | None] = [None, None]
    if embedder is not None and model.needs_embedding:
        encoded = embedder.encode([embedding_text(a), embedding_text(b)])
        vectors = [encoded[0], encoded[1]]
    elif model.needs_embedding:
        raise ValueError(f"the similarity model was fitted with embeddings ({model.embedder}); pass embedder=")
    table = idf or similarity_idf()
    return score_sides(similarity_side(a, table, vectors[0]), similarity_side(b, table, vectors[1]), model)
