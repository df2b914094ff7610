"""Topic blocks: a coarse partition of a corpus by subject, to split event windows too large for one task.

A corpus of one language cut into one-day windows can still hold millions of articles a day. Topic blocks
split each window further, as language partitions do, but by subject:

1. every article gets a *block vector*: its ``VECTOR_TERMS`` heaviest terms (headline and text, sublinear
   term frequency times the shipped background IDF), unit length;
2. ``blocks`` centroids are fitted by bisecting spherical k-means (:func:`fit_centroids`) on a sample of
   the corpus: the ``sample`` articles with the smallest hashes of their ids, so the sample, and with it
   the centroids, depend neither on the input order nor on how the corpus is split into tasks; seeds are
   chosen farthest first (the first sampled vector in hash order, then each time the one least similar
   to the seeds so far);
3. an article's *owner* block is its nearest centroid; it is also given, as context, to each other of its
   ``max_copies`` next nearest blocks whose similarity reaches ``copy_ratio`` of the best one, so that an
   event near a block boundary is seen whole enough on both sides (events are stitched as across time
   windows, :mod:`newsfold.engines.event_windows`).

Measured against the local engine in ``docs/scale.md``. The centroids are plain sparse vectors, so the Spark
engine fits them once on the driver and assigns the blocks in tasks with the same functions.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from newsfold.events.candidates import heaviest
from newsfold.events.features import IdfTable, weighted_vector
from newsfold.events.scorer import sparse_dot
from newsfold.events.text import terms
from newsfold.model import Article

VECTOR_TERMS = 12
"""Terms per block vector (as many as the candidate index keys an article by)."""
CENTROID_TERMS = 200
"""Terms kept per centroid: enough for a topic, small enough to ship to every task."""

BlockVector = dict[str, float]


@dataclass(frozen=True, slots=True)
class BlockOptions:
    """``blocks``: centroids (>= 1); ``sample``: articles the centroids are fitted on (>= ``blocks``);
    ``iterations``: k-means rounds (>= 1); ``copy_ratio``: a next nearest block gets the article as
    context when its similarity is at least this share of the best (0 < ratio <= 1; 1 gives copies only
    on exact ties); ``max_copies``: context blocks per article at most (>= 0)."""

    blocks: int = 16
    sample: int = 5000
    iterations: int = 8
    copy_ratio: float = 0.8
    max_copies: int = 2

    def __post_init__(self) -> None:
        if self.blocks < 1 or self.iterations < 1 or self.max_copies < 0:
            raise ValueError("blocks and iterations must be >= 1, max_copies >= 0")
        if self.sample < self.blocks:
            raise ValueError(f"sample ({self.sample}) must be at least blocks ({self.blocks})")
        if not 0.0 < self.copy_ratio <= 1.0:
            raise ValueError(f"copy_ratio must be in (0, 1], got {self.copy_ratio}")


def block_vector(article: Article, idf: IdfTable) -> BlockVector:
    """The unit-length sparse vector of ``article``'s heaviest terms (see the module docstring); empty for
    a text without terms."""
    return weighted_vector(Counter(terms(f"{article.title or ''}\n{article.text}")), idf, VECTOR_TERMS)


def sample_key(article_id: str) -> str:
    """The order in which articles are sampled: a hash of the id."""
    return hashlib.sha1(article_id.encode("utf-8")).hexdigest()


def fit_centroids(vectors: Mapping[str, BlockVector], options: BlockOptions) -> list[BlockVector]:
    """Centroids over the sample of ``vectors`` (article id -> block vector): the ``options.sample`` ids
    with the smallest :func:`sample_key`. Bisecting spherical k-means: ``blocks // 2`` centroids by Lloyd
    iterations from farthest-first seeds, then, until there are ``blocks``, the block holding most of the
    sample is split in two (2-means on its members) and all centroids are refined by two more rounds.
    Plain k-means leaves one broad block of loosely related articles (on the Google News titles a third
    of the corpus at 16 blocks); splitting it evens the tasks (13 %). Fewer centroids than ``blocks`` when
    the sample holds fewer distinct non-empty vectors. Deterministic in the set of ids and vectors."""
    chosen = sorted(vectors, key=sample_key)[: options.sample]
    sample = [vectors[i] for i in chosen if vectors[i]]
    centroids = _lloyd(sample, _farthest_first(sample, max(1, options.blocks // 2)), options.iterations)
    while len(centroids) < options.blocks:
        members: dict[int, list[BlockVector]] = {}
        for vector in sample:
            members.setdefault(_closest(vector, centroids), []).append(vector)
        if not members:
            break
        broadest = max(members, key=lambda k: (len(members[k]), -k))
        halves = _lloyd(members[broadest], _farthest_first(members[broadest], 2), options.iterations)
        if len(halves) < 2:
            break  # the broadest block holds one distinct vector: nothing left to split
        centroids = _lloyd(sample, [*centroids[:broadest], *halves, *centroids[broadest + 1 :]], 2)
    return centroids


def _lloyd(sample: Sequence[BlockVector], centroids: list[BlockVector], rounds: int) -> list[BlockVector]:
    """Up to ``rounds`` Lloyd iterations of spherical k-means (each centroid: the normalized sum of its
    members' vectors, cut to its ``CENTROID_TERMS`` heaviest terms; an empty block keeps its centroid)."""
    for _ in range(rounds):
        sums: list[dict[str, float]] = [{} for _ in centroids]
        for vector in sample:
            total = sums[_closest(vector, centroids)]
            for term, weight in vector.items():
                total[term] = total.get(term, 0.0) + weight
        moved: list[BlockVector] = []
        for k, total in enumerate(sums):
            if not total:
                moved.append(centroids[k])
                continue
            top = heaviest(total, CENTROID_TERMS)
            norm = math.sqrt(sum(w * w for _, w in top))
            moved.append({term: w / norm for term, w in top})
        if moved == centroids:
            break
        centroids = moved
    return centroids


def _farthest_first(sample: Sequence[BlockVector], count: int) -> list[BlockVector]:
    """Up to ``count`` seeds: the first vector, then each time the one least similar to the seeds taken
    (its best similarity to them lowest; ties to the earlier in the sample), while it differs from them
    (a deterministic k-means++ without the sampling, Gonzalez's farthest-first traversal)."""
    if not sample:
        return []
    seeds = [dict(sample[0])]
    closest = [sparse_dot(vector, seeds[0]) for vector in sample]
    while len(seeds) < count:
        position = min(range(len(sample)), key=lambda k: (closest[k], k))
        if closest[position] >= 1.0 - 1e-12:
            break  # every vector is one of the seeds already
        seeds.append(dict(sample[position]))
        closest = [max(c, sparse_dot(vector, seeds[-1])) for c, vector in zip(closest, sample, strict=True)]
    return seeds


def _closest(vector: Mapping[str, float], centroids: Sequence[Mapping[str, float]]) -> int:
    """The block of the most similar centroid (ties to the lower block): :func:`_nearest`'s first, without
    ranking the others (the k-means rounds need no more)."""
    return min(range(len(centroids)), key=lambda k: (-sparse_dot(vector, centroids[k]), k))


def _nearest(vector: Mapping[str, float], centroids: Sequence[Mapping[str, float]]) -> list[tuple[float, int]]:
    """``(similarity, block)`` for every centroid, most similar first, ties to the lower block."""
    return sorted(((sparse_dot(vector, c), k) for k, c in enumerate(centroids)), key=lambda s: (-s[0], s[1]))


def assign_block(
    vector: Mapping[str, float], centroids: Sequence[Mapping[str, float]], options: BlockOptions
) -> tuple[int, tuple[int, ...]]:
    """``(owner block, context blocks)`` of one article (see the module docstring); an article with an
    empty vector, or without centroids, is owned by block 0 with no context."""
    if not vector or not centroids:
        return 0, ()
    ranked = _nearest(vector, centroids)
    best, owner = ranked[0]
    if best <= 0.0:
        return owner, ()
    copies = tuple(k for similarity, k in ranked[1 : 1 + options.max_copies] if similarity >= options.copy_ratio * best)
    return owner, copies


def assign_blocks(
    articles: Iterable[Article], options: BlockOptions, idf: IdfTable | None = None
) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Article id -> ``(owner block, context blocks)``: block vectors (background IDF unless ``idf``),
    centroids fitted on the sample, every article assigned."""
    table = idf if idf is not None else IdfTable.background()
    vectors = {article.id: block_vector(article, table) for article in articles}
    centroids = fit_centroids(vectors, options)
    return {article_id: assign_block(vector, centroids, options) for article_id, vector in vectors.items()}
