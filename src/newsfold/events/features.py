"""Per-article features for event grouping: weighted TF-IDF, salient entities, dateline, dates.

:func:`article_features` turns one :class:`~newsfold.model.Article` into an :class:`ArticleFeatures`
record of plain data. Term weights are TF-IDF (sublinear tf, Salton & Buckley 1988) over three fields
with field weights (title 3, lead 2, body 1 by default: a term in the headline says more about the event
than one deep in the body), L2-normalized. IDF comes from an :class:`IdfTable` that starts from a shipped
background table (document frequencies of the dev splits: ECB+ topics 1–25 and the English SemEval-2022
training articles; no text) and is updated incrementally with every article seen, so the first articles
of a run already have sensible weights and later ones adapt to the corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from newsfold.events.dates import MONTHS, find_dates
from newsfold.events.entities import ENTITY_TYPES, EntityType, Mention, extract_mentions, salient_entities
from newsfold.events.text import sentences, terms
from newsfold.model import Article

BACKGROUND_IDF_FILE = "background_df.json"


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    """How article features are computed.

    ``title_weight``/``lead_weight``/``body_weight``: how much one occurrence of a term counts in each
    field (the lead is also part of the body, so a lead term counts ``lead_weight + body_weight``).
    ``lead_sentences``: sentences after the headline that form the lead (≥ 1). ``max_terms``: terms kept
    per vector, the heaviest first (bounds scoring time). ``lead_date_window_days``: a day mentioned in
    the lead within this many days before publication is taken as the event day.
    """

    title_weight: float = 3.0
    lead_weight: float = 2.0
    body_weight: float = 1.0
    lead_sentences: int = 3
    max_terms: int = 150
    lead_date_window_days: int = 7

    def __post_init__(self) -> None:
        if min(self.title_weight, self.lead_weight, self.body_weight) < 0:
            raise ValueError("field weights must be ≥ 0")
        if self.lead_sentences < 1 or self.max_terms < 1:
            raise ValueError("lead_sentences and max_terms must be ≥ 1")


@dataclass(frozen=True, slots=True)
class TextDetails:
    """Details named anywhere in an article's text, for telling *sibling* events apart (the same kind of
    event with the same actors, another occurrence: a coach fired in 2008 and one hired in 2005).

    ``years``: year → times named (``1980``–``2039``, bare or in a date); ``days``: full dates that carry
    their own year (month first); ``weekdays``: weekday words (lower case); ``months``: months named with a day
    (``Dec. 13``, ``May 24``), with or without a year; ``persons``/``places``/``organizations``: name key → mentions
    (people include untyped names, as in the scorer); ``lead_persons``: people named in the headline and
    lead; ``numbers``: numbers above ten that are not years, as written (``9-14``, ``76``). All empty for
    features saved before these were computed, which then count as "nothing known".
    """

    years: Mapping[int, int] = field(default_factory=dict)
    days: frozenset[dt.date] = frozenset()
    weekdays: frozenset[str] = frozenset()
    months: frozenset[int] = frozenset()
    persons: Mapping[str, int] = field(default_factory=dict)
    lead_persons: frozenset[str] = frozenset()
    places: Mapping[str, int] = field(default_factory=dict)
    organizations: Mapping[str, int] = field(default_factory=dict)
    numbers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What the event scorer knows about one article.

    ``vector`` and ``title_vector`` are L2-normalized sparse TF-IDF vectors (term → weight). ``when`` is
    the best estimate of the day of the event reported (dateline day, else a day named in the lead close
    before publication, else the publication day, else the first full date in the lead), ``None`` when
    nothing dates the article. ``years`` holds the years named in the headline and lead plus the year of
    ``when``. ``entities`` are the salient names per type (see
    :func:`newsfold.events.entities.salient_entities`). ``copy_group`` is the article's copy group id
    when the copies stage found one.
    """

    article_id: str
    headline: str
    published: dt.date | None
    when: dt.date | None
    years: frozenset[int]
    vector: Mapping[str, float]
    title_vector: Mapping[str, float]
    entities: Mapping[EntityType, frozenset[str]]
    name_vector: Mapping[str, float] | None = None
    numbers: frozenset[str] = frozenset()
    dateline_place: str | None = None
    copy_group: str | None = None
    outlet: str | None = None
    term_count: int = 0
    embedding: tuple[float, ...] | None = None
    """Unit dense vector of headline and lead when an embedder ran
    (:mod:`newsfold.events.embeddings`); ``None`` in the default pipeline."""
    details: TextDetails = field(default_factory=TextDetails)
    """Years, dates, weekdays, people, places and numbers named anywhere in the text
    (:func:`text_details`), for the sibling-event linkage (:mod:`newsfold.events.linkage`)."""


class IdfTable:
    """Document frequencies: a background table plus every document added since.

    ``idf(t) = ln((N + 1) / (df(t) + 1)) + 1`` (scikit-learn's smoothed IDF) where ``N`` and ``df``
    count background and added documents together. Deterministic: the same documents added in the same
    order give the same weights.
    """

    def __init__(self, documents: int = 0, document_frequency: Mapping[str, int] | None = None) -> None:
        if documents < 0:
            raise ValueError("documents must be ≥ 0")
        self.documents_ = documents
        self.document_frequency_: dict[str, int] = dict(document_frequency or {})

    @classmethod
    def background(cls) -> IdfTable:
        """A fresh table holding the shipped background counts (empty if the file is absent)."""
        documents, frequencies = _load_background()
        return cls(documents, frequencies)

    def add(self, document_terms: Iterable[str]) -> None:
        """Count one document (its distinct terms)."""
        self.documents_ += 1
        frequencies = self.document_frequency_
        for term in set(document_terms):
            frequencies[term] = frequencies.get(term, 0) + 1

    def idf(self, term: str) -> float:
        return math.log((self.documents_ + 1) / (self.document_frequency_.get(term, 0) + 1)) + 1.0

    def to_json(self, min_df: int = 2) -> dict[str, object]:
        """The table as JSON-able data, dropping terms seen fewer than ``min_df`` times."""
        kept = {t: n for t, n in sorted(self.document_frequency_.items()) if n >= min_df}
        return {"documents": self.documents_, "document_frequency": kept}


@lru_cache(maxsize=1)
def _load_background() -> tuple[int, dict[str, int]]:
    path = resources.files("newsfold.events").joinpath(BACKGROUND_IDF_FILE)
    if not path.is_file():
        return 0, {}
    raw = json.loads(path.read_text("utf-8"))
    return int(raw["documents"]), {str(t): int(n) for t, n in raw["document_frequency"].items()}


_YEAR = re.compile(r"(?:19|20)\d\d")
_SMALL = frozenset(str(n) for n in range(11))
_DATELINE = re.compile(r"^\s*([A-Z][A-Za-z .'\-]{1,40}?|[A-Z][A-Z .'\-]{1,40}),\s+(?:[A-Z][a-z]+\.?\s+\d|\d|\()")


def split_fields(article: Article, lead_sentences: int = 3) -> tuple[str, str, str]:
    """(headline, lead, body) of an article; the headline is the title, else the first sentence."""
    text = article.text
    parts = sentences(text)
    if article.title:
        headline = article.title.strip()
        if parts and parts[0].strip() == headline:
            parts = parts[1:]
    else:
        headline = parts[0] if parts else ""
        parts = parts[1:]
    lead = " ".join(parts[:lead_sentences])
    return headline, lead, text


def weighted_vector(weighted: Mapping[str, float], idf: IdfTable, max_terms: int) -> dict[str, float]:
    """The unit-length TF-IDF vector of term weights (counts, or field-weighted counts): sublinear term
    frequency (``1 + ln w`` for ``w >= 1``) times ``idf``, cut to the ``max_terms`` heaviest (ties by
    term); empty when nothing is left."""
    vector = {t: (1.0 + math.log(w) if w >= 1 else w) * idf.idf(t) for t, w in weighted.items() if w > 0}
    if len(vector) > max_terms:
        vector = dict(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms])
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


def _as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """Everything about an article that does not depend on the IDF table (the costly part: tokens,
    names, dates). A pure function of the article, so it can be computed in worker processes."""

    article_id: str
    headline: str
    headline_terms: tuple[str, ...]
    lead_terms: tuple[str, ...]
    body_terms: tuple[str, ...]
    entities: Mapping[EntityType, frozenset[str]]
    name_vector: Mapping[str, float]
    dateline_place: str | None
    published: dt.date | None
    when: dt.date | None
    years: frozenset[int]
    numbers: frozenset[str]
    outlet: str | None
    details: TextDetails = field(default_factory=TextDetails)


# Loose patterns filtered in Python: literal alternations of month and weekday names are three times
# slower in ``re`` (they are tried at every position).
_WEEKDAY = re.compile(r"([A-Z][a-z]{2,5}day)\b")
_WEEKDAYS = frozenset(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,:\-]\d+)*(?!\w)")
_MONTH_DAY = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:\s*,?\s*((?:19|20)\d\d)\b)?")
_NAMED_YEAR = re.compile(r"(?:19[89]|20[0-3])\d")


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def text_details(text: str, mentions: Sequence[Mention], lead_sentences: int) -> TextDetails:
    """The :class:`TextDetails` of ``text`` whose names are ``mentions`` (people named in sentences
    before ``lead_sentences`` are the lead's). Full dates are month-first (``May 24, 2005``, the
    English news form) and resolve only with their own year: no reference day, so the same text always
    gives the same details."""
    persons = Counter(m.key for m in mentions if m.type in ("person", "other"))
    month_days = [
        (MONTHS[month.lower()], int(day), year)
        for month, day, year in _MONTH_DAY.findall(text)
        if month.lower() in MONTHS
    ]
    numbers = _NUMBER.findall(text)
    return TextDetails(
        years=dict(Counter(int(n) for n in numbers if _NAMED_YEAR.fullmatch(n))),
        days=frozenset(
            d for d in (_valid_date(int(year), month, day) for month, day, year in month_days if year) if d is not None
        ),
        weekdays=frozenset(w.lower() for w in _WEEKDAY.findall(text) if w in _WEEKDAYS),
        months=frozenset(month for month, _, _ in month_days),
        persons=dict(persons),
        lead_persons=frozenset(m.key for m in mentions if m.type in ("person", "other") and m.sentence < lead_sentences),
        places=dict(Counter(m.key for m in mentions if m.type == "place")),
        organizations=dict(Counter(m.key for m in mentions if m.type == "org")),
        numbers=frozenset(n for n in numbers if not _YEAR.fullmatch(n) and not (n.isdigit() and int(n) <= 10)),
    )


def analyze_article(article: Article, options: FeatureOptions | None = None) -> ArticleAnalysis:
    """The IDF-independent analysis of ``article`` (see :class:`ArticleAnalysis`)."""
    options = options or FeatureOptions()
    headline, lead, body = split_fields(article, options.lead_sentences)
    headline_terms = terms(headline)
    lead_terms = terms(lead)
    body_terms = terms(body)
    full_text = article.text if not article.title else f"{article.title}\n\n{article.text}"
    mentions = extract_mentions(full_text)
    entities = salient_entities(mentions, lead_sentences=options.lead_sentences + 1)
    name_counts = Counter(f"{m.type}:{m.key}" for m in mentions)
    name_weights = {k: 1.0 + math.log(n) for k, n in name_counts.items()}
    name_norm = math.sqrt(sum(v * v for v in name_weights.values()))
    name_vector = {k: v / name_norm for k, v in name_weights.items()} if name_norm else {}
    dateline = article.dateline
    dateline_place = dateline.place if dateline is not None and dateline.place else None
    if dateline_place is None:
        match = _DATELINE.match(body)
        if match:
            dateline_place = match.group(1)
    if dateline_place:
        dateline_place = dateline_place.strip().lower()

    published = _as_date(article.published)
    reference = (dateline.date if dateline is not None else None) or published
    lead_dates = find_dates(f"{headline}\n{lead}", reference)
    when: dt.date | None = None
    if dateline is not None and dateline.date is not None:
        when = dateline.date
    elif published is not None:
        window = dt.timedelta(days=options.lead_date_window_days)
        close = [d for d in lead_dates.days if published - window <= d <= published]
        when = close[0] if close else published
    elif lead_dates.days:
        when = lead_dates.days[0]
    years = set(lead_dates.years)
    if when is not None:
        years.add(when.year)
    numbers = frozenset(
        t for t in headline_terms + lead_terms if t[:1].isdigit() and not _YEAR.fullmatch(t) and t not in _SMALL
    )
    return ArticleAnalysis(
        article_id=article.id,
        headline=headline,
        headline_terms=tuple(headline_terms),
        lead_terms=tuple(lead_terms),
        body_terms=tuple(body_terms),
        entities={t: entities.get(t, frozenset()) for t in ENTITY_TYPES},
        name_vector=name_vector,
        dateline_place=dateline_place,
        published=published,
        when=when,
        years=frozenset(years),
        numbers=numbers,
        outlet=article.outlet,
        details=text_details(full_text, mentions, options.lead_sentences + 1),
    )


def featurize(
    analysis: ArticleAnalysis,
    idf: IdfTable,
    options: FeatureOptions | None = None,
    copy_group: str | None = None,
    update_idf: bool = True,
    embedding: Sequence[float] | None = None,
) -> ArticleFeatures:
    """Weight an analysis with ``idf``; with ``update_idf`` the article is first counted in it.
    ``embedding``: the article's unit dense vector, when an embedder ran."""
    options = options or FeatureOptions()
    if update_idf:
        idf.add(analysis.body_terms + analysis.headline_terms)
    weighted: dict[str, float] = {}
    for field_terms, field_weight in (
        (analysis.headline_terms, options.title_weight),
        (analysis.lead_terms, options.lead_weight),
        (analysis.body_terms, options.body_weight),
    ):
        for term in field_terms:
            weighted[term] = weighted.get(term, 0.0) + field_weight
    return ArticleFeatures(
        numbers=analysis.numbers,
        article_id=analysis.article_id,
        headline=analysis.headline,
        published=analysis.published,
        when=analysis.when,
        years=analysis.years,
        vector=weighted_vector(weighted, idf, options.max_terms),
        title_vector=weighted_vector(dict(Counter(analysis.headline_terms)), idf, options.max_terms),
        name_vector=analysis.name_vector,
        entities=analysis.entities,
        dateline_place=analysis.dateline_place,
        copy_group=copy_group,
        outlet=analysis.outlet,
        term_count=len(analysis.body_terms),
        embedding=None if embedding is None else tuple(float(v) for v in embedding),
        details=analysis.details,
    )


def article_features(
    article: Article,
    idf: IdfTable,
    options: FeatureOptions | None = None,
    copy_group: str | None = None,
    update_idf: bool = True,
    embedding: Sequence[float] | None = None,
) -> ArticleFeatures:
    """Features of ``article``. With ``update_idf`` the article is first counted in ``idf`` (online use)."""
    return featurize(analyze_article(article, options), idf, options, copy_group, update_idf, embedding)


def features_to_json(features: ArticleFeatures) -> dict[str, object]:
    """``features`` as JSON-able data (what the events stage stores; :func:`features_from_json` inverts it
    exactly, floats included)."""
    return {
        "article_id": features.article_id,
        "headline": features.headline,
        "published": features.published.isoformat() if features.published else None,
        "when": features.when.isoformat() if features.when else None,
        "years": sorted(features.years),
        "vector": dict(features.vector),
        "title_vector": dict(features.title_vector),
        "entities": {kind: sorted(names) for kind, names in features.entities.items()},
        "name_vector": None if features.name_vector is None else dict(features.name_vector),
        "numbers": sorted(features.numbers),
        "dateline_place": features.dateline_place,
        "copy_group": features.copy_group,
        "outlet": features.outlet,
        "term_count": features.term_count,
        "embedding": None if features.embedding is None else list(features.embedding),
        "details": _details_to_json(features.details),
    }


def _details_to_json(details: TextDetails) -> dict[str, object]:
    return {
        "years": {str(y): n for y, n in sorted(details.years.items())},
        "days": sorted(d.isoformat() for d in details.days),
        "weekdays": sorted(details.weekdays),
        "months": sorted(details.months),
        "persons": dict(sorted(details.persons.items())),
        "lead_persons": sorted(details.lead_persons),
        "places": dict(sorted(details.places.items())),
        "organizations": dict(sorted(details.organizations.items())),
        "numbers": sorted(details.numbers),
    }


def _details_from_json(data: Mapping[str, object] | None) -> TextDetails:
    if not data:
        return TextDetails()
    years: Mapping[str, int] = data["years"]  # type: ignore[assignment]
    persons: Mapping[str, int] = data["persons"]  # type: ignore[assignment]
    places: Mapping[str, int] = data["places"]  # type: ignore[assignment]
    organizations: Mapping[str, int] = data.get("organizations", {})  # type: ignore[assignment]
    return TextDetails(
        years={int(y): int(n) for y, n in years.items()},
        days=frozenset(dt.date.fromisoformat(str(d)) for d in data["days"]),  # type: ignore[attr-defined]
        weekdays=frozenset(str(w) for w in data["weekdays"]),  # type: ignore[attr-defined]
        months=frozenset(int(m) for m in data.get("months", ())),  # type: ignore[attr-defined]
        persons={str(k): int(n) for k, n in persons.items()},
        lead_persons=frozenset(str(k) for k in data["lead_persons"]),  # type: ignore[attr-defined]
        places={str(k): int(n) for k, n in places.items()},
        organizations={str(k): int(n) for k, n in organizations.items()},
        numbers=frozenset(str(n) for n in data["numbers"]),  # type: ignore[attr-defined]
    )


def features_from_json(data: Mapping[str, object]) -> ArticleFeatures:
    """The :class:`ArticleFeatures` that :func:`features_to_json` wrote."""

    def day(value: object) -> dt.date | None:
        return None if value is None else dt.date.fromisoformat(str(value))

    entities: Mapping[str, list[str]] = data["entities"]  # type: ignore[assignment]
    name_vector = data.get("name_vector")
    embedding = data.get("embedding")
    return ArticleFeatures(
        article_id=str(data["article_id"]),
        headline=str(data["headline"]),
        published=day(data.get("published")),
        when=day(data.get("when")),
        years=frozenset(int(y) for y in data["years"]),  # type: ignore[attr-defined]
        vector=dict(data["vector"]),  # type: ignore[call-overload]
        title_vector=dict(data["title_vector"]),  # type: ignore[call-overload]
        entities={kind: frozenset(entities.get(kind, ())) for kind in ENTITY_TYPES},
        name_vector=None if name_vector is None else dict(name_vector),  # type: ignore[call-overload]
        numbers=frozenset(str(n) for n in data.get("numbers", ())),  # type: ignore[attr-defined]
        dateline_place=None if data.get("dateline_place") is None else str(data["dateline_place"]),
        copy_group=None if data.get("copy_group") is None else str(data["copy_group"]),
        outlet=None if data.get("outlet") is None else str(data["outlet"]),
        term_count=int(data.get("term_count", 0)),  # type: ignore[call-overload]
        embedding=None if embedding is None else tuple(float(v) for v in embedding),  # type: ignore[attr-defined]
        details=_details_from_json(data.get("details")),  # type: ignore[arg-type]
    )
