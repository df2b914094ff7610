"""Nested cross-validation by topic of the grouping thresholds on ECB+ dev (topics 1–25 only).

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/nested_cv_linker.py [--joins 0.8,0.9,0.95] ...

``train_event_linker.py`` cross-validates the *linker* by topic, but the online pass of every fold runs
the shipped event scorer and background IDF table, which were fitted on all of dev, held-out topics
included: its fragments are purer and its probabilities higher on those topics than on unseen ones. Here
each of the same 5 folds refits everything on its four fifths of the topics, as the shipped models were
fitted on dev: the background document frequencies (those topics' articles and the SemEval English
training articles, as ``train_event_scorer.py``), the event scorer (gold replay of those topics undated,
as the dense stream and cut to headlines, plus the SemEval English training pairs; the shipped scorer's
thresholds), and the linker (``train_event_linker.py``'s pairs and penalty). The held-out topics are
then grouped, undated and as the dense one-week stream, at every point of the grid (join × link × attach
× short link thresholds), pooled over the folds, and the points are printed best first by the mean
BCubed F1 of the two streams. Nothing is written.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from newsfold.evaluate import bcubed_scores
from newsfold.events.cluster import ClusterOptions, group_events
from newsfold.events.features import IdfTable
from newsfold.events.scorer import FEATURE_NAMES, LogisticScorer, load_scorer
from newsfold.model import Article
from train_event_linker import fit_linker, training_pairs
from train_event_scorer import (
    DEFAULT_DATA,
    ECB_DEV_TOPICS,
    EcbDocument,
    SemevalPair,
    build_background,
    copy_groups_of,
    dense_stream,
    headline_only,
    load_ecb,
    load_semeval,
    replay_gold,
    semeval_pair_features,
)

Point = tuple[float, float, float | None, float | None]


def _grid_values(text: str) -> list[float | None]:
    return [None if v == "none" else float(v) for v in text.split(",")]


def fold_scorer(
    train: Sequence[EcbDocument], semeval: Sequence[SemevalPair], fresh_idf: Callable[[], IdfTable]
) -> LogisticScorer:
    """The event scorer fitted as ``train_event_scorer.py`` fits it, on ``train`` topics only, with the
    shipped scorer's thresholds."""
    options = ClusterOptions()
    rows = [
        row
        for documents in (list(train), dense_stream(list(train)), headline_only(list(train)))
        for row in replay_gold(documents, fresh_idf(), options)
    ]
    x = np.asarray([r[0] for r in rows])
    y = np.asarray([r[1] for r in rows], dtype=np.float64)
    x_sem = semeval_pair_features(list(semeval), fresh_idf())
    y_sem = np.asarray([(4.0 - p.overall) / 3.0 for p in semeval])
    features = np.vstack([x, x_sem])
    labels = np.concatenate([y, y_sem])
    weights = np.concatenate([np.ones(len(y)), np.full(len(y_sem), 3.0)])
    features[:, FEATURE_NAMES.index("copy_evidence")] = 0.0
    scorer = LogisticScorer(l2=1.0).fit(features, labels, weights)
    shipped = load_scorer()
    scorer.join_threshold, scorer.merge_threshold = shipped.join_threshold, shipped.merge_threshold
    scorer.short_join_threshold = shipped.short_join_threshold
    scorer.short_merge_threshold = shipped.short_merge_threshold
    return scorer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--joins", default="0.8,0.9,0.95")
    parser.add_argument("--links", default="0.55,0.6,0.65,0.7")
    parser.add_argument("--attaches", default="none,0.25,0.35")
    parser.add_argument("--short-links", default="none,0.35")
    parser.add_argument("--l2", type=float, default=3.3, help="the linker's ridge penalty")
    parser.add_argument("--orders", type=int, default=1,
                        help="arrival orders per stream: the ids' order, then orders-1 seeded shuffles (scores averaged)")
    parser.add_argument("--topics", action="store_true",
                        help="also print, per grid point, each held-out topic's undated events as gold-event counts")
    args = parser.parse_args(argv)
    grid: list[Point] = [
        (float(j), float(k), a, s)  # type: ignore[arg-type]
        for j, k, a, s in itertools.product(
            _grid_values(args.joins), _grid_values(args.links), _grid_values(args.attaches), _grid_values(args.short_links)
        )
    ]

    documents = load_ecb(args.data, ECB_DEV_TOPICS)
    gold = {d.article.id: d.event for d in documents}
    semeval = [
        p for p in load_semeval(args.data / "semeval2022-task8-hfl-sample" / "training_set.csv")
        if p.lang1 == "en" and p.lang2 == "en"
    ]
    semeval_articles: dict[str, Article] = {}
    for pair in semeval:
        for article in (pair.first, pair.second):
            semeval_articles.setdefault(article.content_hash, article)

    topics = sorted({d.topic for d in documents})
    folds = [topics[k::5] for k in range(5)]
    if args.orders < 1:
        parser.error("--orders must be >= 1")
    # held_out[point][stream * orders + order]: stream 0 undated, 1 the dense stream.
    held_out: dict[Point, list[dict[str, str]]] = {point: [{} for _ in range(2 * args.orders)] for point in grid}
    shipped_background = IdfTable.background
    try:
        for fold in folds:
            train = [d for d in documents if d.topic not in fold]
            test = [d for d in documents if d.topic in fold]
            table = build_background([d.article for d in train] + list(semeval_articles.values())).to_json(min_df=2)
            documents_count = int(table["documents"])  # type: ignore[call-overload]
            frequencies = dict(table["document_frequency"])  # type: ignore[call-overload]
            # group_events starts every run from IdfTable.background(): this fold's table instead.
            IdfTable.background = classmethod(  # type: ignore[method-assign, assignment]
                lambda cls, n=documents_count, df=frequencies: cls(n, dict(df))
            )
            scorer = fold_scorer(train, semeval, IdfTable.background)
            train_articles = [d.article for d in train]
            features = dict(
                group_events(
                    train_articles, scorer=scorer, options=ClusterOptions(link=False),
                    copy_groups=copy_groups_of(train_articles),
                ).features
            )
            x, y, _ = training_pairs(train, features, 0.1)
            linker = fit_linker(x, y, args.l2, 0.8, 0.5)
            streams = [
                reordered(stream, order)
                for stream in ([d.article for d in test], [d.article for d in dense_stream(test)])
                for order in range(args.orders)
            ]
            copies = [copy_groups_of(stream) for stream in streams]
            for point in grid:
                join, link, attach, short_link = point
                options = ClusterOptions(
                    join_threshold=join, link_threshold=link, attach_threshold=attach, short_link_threshold=short_link
                )
                for target, stream, stream_copies in zip(held_out[point], streams, copies, strict=True):
                    grouping = group_events(stream, scorer=scorer, options=options, copy_groups=stream_copies, linker=linker)
                    target.update({original_id(a): e for a, e in grouping.assignments.items()})
            print(f"fold {fold}: scorer, background and linker fitted on {len(train)} articles", flush=True)
    finally:
        IdfTable.background = shipped_background  # type: ignore[method-assign]

    results = []
    for point in grid:
        undated, dense = (
            tuple(float(v) for v in np.mean([bcubed_scores(gold, held_out[point][stream * args.orders + order])
                                             for order in range(args.orders)], axis=0))
            for stream in (0, 1)
        )
        results.append(((undated[2] + dense[2]) / 2, point, undated, dense))
    print("held out (nested), best first: join, link, attach, short link: BCubed P / R / F1 undated | dense | mean")
    for mean, (join, link, attach, short_link), undated, dense in sorted(results, key=lambda r: -r[0]):
        label = f"{join:.2f} {link:.2f} {attach if attach is not None else 'none'} {short_link if short_link is not None else 'none'}"
        print(f"  {label:24s} {undated[0]:.4f} / {undated[1]:.4f} / {undated[2]:.4f} | "
              f"{dense[0]:.4f} / {dense[1]:.4f} / {dense[2]:.4f} | {mean:.4f}")
    if args.topics:
        topic_of = {d.article.id: d.topic for d in documents}
        for point in grid:
            print(f"held out, undated, at {point}: topics below BCubed F1 0.97 (events as gold-event counts)")
            print_topic_errors(gold, held_out[point][0], topic_of)
    return 0


ORDER_MARK = "~"


def reordered(articles: list[Article], order: int) -> list[Article]:
    """``articles`` as they arrive in arrival order ``order``: 0 keeps their ids (ties of publication
    order go by id, which in ECB+ puts each subtopic's documents together); ``order`` > 0 prefixes each id
    with a seeded hash, a shuffle of the ties. Features do not read ids; :func:`original_id` undoes it."""
    if order == 0:
        return list(articles)
    return [
        dataclasses.replace(a, id=hashlib.sha1(f"{order}:{a.id}".encode()).hexdigest()[:12] + ORDER_MARK + a.id)
        for a in articles
    ]


def original_id(article_id: str) -> str:
    """The id before :func:`reordered`."""
    return article_id.split(ORDER_MARK, 1)[1] if ORDER_MARK in article_id else article_id


def print_topic_errors(gold: dict[str, str], predicted: dict[str, str], topic_of: dict[str, int]) -> None:
    """One line per topic whose BCubed F1 is below 0.97: its size, P / R, and each predicted event of the
    topic as counts of its members' gold events (biggest first)."""
    for topic in sorted(set(topic_of.values())):
        ids = [a for a in gold if topic_of[a] == topic]
        precision, recall, f1 = bcubed_scores({a: gold[a] for a in ids}, {a: predicted[a] for a in ids})
        if f1 >= 0.97:
            continue
        events: dict[str, dict[str, int]] = {}
        for a in ids:
            counts = events.setdefault(predicted[a], {})
            counts[gold[a]] = counts.get(gold[a], 0) + 1
        shown = sorted(events.values(), key=lambda c: -sum(c.values()))
        print(f"  topic {topic}: {len(ids)} articles, P {precision:.3f} R {recall:.3f}: {shown}")


if __name__ == "__main__":
    raise SystemExit(main())
