"""Level 2 of newsfold: group articles about one real-world event, explain each join, and summarize.

Pure functions of plain data (no database): :func:`group_events` takes :class:`~newsfold.model.Article`
records and returns an :class:`EventGrouping` with the evidence of every join and merge;
:func:`build_card` summarizes one event; :func:`pair_similarity` scores how similar two articles are, and
why. See ``docs/events.md``.

>>> from newsfold.events import group_events
>>> group_events([]).events
{}
"""

from __future__ import annotations

from newsfold.events.cards import EventCard, SourceContribution, build_card, unique_sentences
from newsfold.events.cluster import (
    ClusterOptions,
    EventGrouping,
    JoinEvidence,
    MergeEvidence,
    OnlineEventGrouper,
    group_events,
    publication_key,
)
from newsfold.events.features import (
    ArticleAnalysis,
    ArticleFeatures,
    FeatureOptions,
    IdfTable,
    analyze_article,
    article_features,
    featurize,
)
from newsfold.events.scorer import FEATURE_NAMES, LogisticScorer, load_scorer, pair_features
from newsfold.events.similarity import PairSimilarity, load_similarity_model, pair_similarity

__all__ = [
    "FEATURE_NAMES",
    "ArticleAnalysis",
    "ArticleFeatures",
    "ClusterOptions",
    "EventCard",
    "EventGrouping",
    "FeatureOptions",
    "IdfTable",
    "JoinEvidence",
    "LogisticScorer",
    "MergeEvidence",
    "OnlineEventGrouper",
    "PairSimilarity",
    "SourceContribution",
    "analyze_article",
    "article_features",
    "build_card",
    "featurize",
    "group_events",
    "load_scorer",
    "load_similarity_model",
    "pair_features",
    "pair_similarity",
    "publication_key",
    "unique_sentences",
]
