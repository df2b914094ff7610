"""Events at scale: event grouping partitioned by time windows with overlap, then stitched.

The local events engine (:func:`newsfold.events.group_events`) is online: articles in publication order,
each joining the best event within ``ClusterOptions.window_days`` of it, then a merge step. It is
sequential by nature, so at scale the timeline is cut into windows of ``span_days`` that are grouped
independently (one Spark task each), and the pieces are stitched:

1. every dated article is *owned* by the window holding its publication day; an article in the last
   ``overlap_days`` of a window is also given to the next window as *context*, so an event running
   across the boundary is seen whole enough on both sides (``overlap_days`` defaults to twice
   ``window_days``, the reach of one join);
2. each window is grouped by :func:`~newsfold.events.group_events` over its owned and context articles;
3. an event of window ``k + 1`` that holds context articles continues the event of window ``k`` that
   holds most of them (each event continues at most one, so one inconsistent join cannot chain two
   events together); continued events are one, over as many windows as they run;
4. an article's event is that of its owner window, stitched; its id is
   :func:`~newsfold.events.cluster.event_id_for` of the event's first member in publication order, as
   locally.

Undated articles are owned by the last window (locally they come last too, and may join any event;
here only the last window's). With ``WindowOptions(partition_by="language")`` every window is also split by
the articles' language (:func:`partition_key`), so a task holds one language of one window: events then
never join articles of two languages (which the default features rarely do anyway; with embeddings the
cross-lingual joins are lost). With ``partition_by="topic"`` every window is split by topic blocks
(:mod:`newsfold.engines.topic_blocks`): an article is owned by its nearest block and is also context of
its next nearest blocks when they are almost as near; an event of a block that holds such context
articles continues the owner event holding most of them, by the same rule as across windows. What is
approximate: each window starts from the background IDF table
instead of all articles before it, and an event is cut where no article lies in an overlap. The
agreement with the local engine is measured in ``docs/scale.md`` (``benchmarks/scale.py --events``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from newsfold.engines.topic_blocks import BlockOptions, assign_blocks
from newsfold.events import ClusterOptions, group_events, publication_key
from newsfold.events.cluster import event_id_for
from newsfold.events.features import ArticleFeatures
from newsfold.model import Article
from newsfold.stories.link import StoryGrouping, StoryOptions, link_storylines

WindowKey = tuple[str, int]
"""A window of the grouping: ``(partition, window number)``; the partition is ``""`` unless
:attr:`WindowOptions.partition_by` is set."""
Placement = tuple[WindowKey, tuple[WindowKey, ...]]
"""Where an article is grouped: ``(owner window, context windows)``."""


@dataclass(frozen=True, slots=True)
class WindowOptions:
    """``span_days``: days per window (>= 1). ``overlap_days``: days at the end of a window whose
    articles are also context of the next (0 <= overlap <= span; ``None``: twice the events'
    ``window_days``, capped at the span). ``partition_by``: ``"language"`` also splits every window by
    the articles' language (:func:`partition_key`), ``"topic"`` by topic blocks fitted with
    ``topic_blocks`` (:mod:`newsfold.engines.topic_blocks`), for windows too large for one task;
    ``None`` (the default) keeps every window whole."""

    span_days: int = 28
    overlap_days: int | None = None
    partition_by: Literal["language", "topic"] | None = None
    topic_blocks: BlockOptions = BlockOptions()

    def __post_init__(self) -> None:
        if self.span_days < 1:
            raise ValueError(f"span_days must be >= 1, got {self.span_days}")
        if self.partition_by not in (None, "language", "topic"):
            raise ValueError(f"partition_by must be None, 'language' or 'topic', got {self.partition_by!r}")
        if self.overlap_days is not None and not 0 <= self.overlap_days <= self.span_days:
            raise ValueError(f"overlap_days must be in 0..span_days, got {self.overlap_days}")

    def overlap(self, cluster_options: ClusterOptions) -> int:
        if self.overlap_days is not None:
            return self.overlap_days
        return min(self.span_days, 2 * cluster_options.window_days)


def publication_day(article: Article) -> dt.date | None:
    """The day of :func:`~newsfold.events.publication_key` (UTC for aware datetimes); ``None`` if undated."""
    dated, stamp, _ = publication_key(article)
    return None if dated else dt.date.fromisoformat(stamp[:10])


def partition_key(article: Article, partition_by: Literal["language", "topic"] | None) -> str:
    """The language partition of ``article`` inside its window: with ``"language"``, the primary subtag
    of its language tag, lower-cased (``en-GB`` and ``EN`` are both ``en``; ``""`` when it has none);
    otherwise ``""`` (topic blocks are named by :func:`block_partition`)."""
    if partition_by != "language" or not article.language:
        return ""
    return article.language.strip().replace("_", "-").split("-", 1)[0].lower()


def block_partition(block: int) -> str:
    """The partition name of topic block ``block``."""
    return f"t{block}"


def next_window(window: WindowKey) -> WindowKey:
    """The window after ``window`` in the same partition."""
    return window[0], window[1] + 1


def assign_windows(
    days: Mapping[str, dt.date | None], span_days: int, overlap_days: int
) -> dict[str, tuple[int, bool]]:
    """Per article id: ``(owner window, is also context of owner + 1)``. Windows are numbered by
    ``day.toordinal() // span_days``; undated articles belong to the last window (0 when none is dated)."""
    windows: dict[str, tuple[int, bool]] = {}
    dated = [d.toordinal() for d in days.values() if d is not None]
    last = max(dated) // span_days if dated else 0
    for article_id, day in days.items():
        if day is None:
            windows[article_id] = (last, False)
            continue
        number = day.toordinal()
        window = number // span_days
        windows[article_id] = (window, overlap_days > 0 and number % span_days >= span_days - overlap_days)
    return windows


def stitch(
    window_assignments: Mapping[WindowKey, Mapping[str, str]],
    windows: Mapping[str, Placement],
    order: Sequence[str],
) -> dict[str, str]:
    """Article id -> stitched event id (see the module docstring, steps 3 and 4).

    ``window_assignments[k]`` is window ``k``'s grouping (article id -> event id, owned and context
    articles); ``windows`` is :func:`window_inputs`' (per article id: its :data:`Placement`); ``order``
    every article id in publication order (it names the events).
    """
    parent: dict[tuple[WindowKey, str], tuple[WindowKey, str]] = {}

    def find(node: tuple[WindowKey, str]) -> tuple[WindowKey, str]:
        root = parent.setdefault(node, node)
        while parent[root] != root:
            root = parent[root]
        while node != root:
            parent[node], node = root, parent[node]
        return root

    # Each event holding context articles (of window k + 1, or of another topic block) continues at most
    # one owner event: the one holding most of its context articles (ties: the smaller window, then id).
    # Linking every shared article instead lets one inconsistent join chain two unrelated events
    # together, and at scale everything into one.
    votes: dict[tuple[WindowKey, str], dict[tuple[WindowKey, str], int]] = {}
    for article_id, (window, contexts) in windows.items():
        owned = (window, window_assignments[window][article_id])
        find(owned)
        for other in contexts:
            following = window_assignments.get(other)
            if following is not None and article_id in following:
                tally = votes.setdefault((other, following[article_id]), {})
                tally[owned] = tally.get(owned, 0) + 1
    for event, tally in sorted(votes.items()):
        previous = min(tally, key=lambda candidate: (-tally[candidate], candidate))
        root, continued = find(event), find(previous)
        if root != continued:
            parent[max(root, continued)] = min(root, continued)
    names: dict[tuple[WindowKey, str], str] = {}
    result: dict[str, str] = {}
    for article_id in order:
        window, _ = windows[article_id]
        root = find((window, window_assignments[window][article_id]))
        result[article_id] = names.setdefault(root, event_id_for(article_id))
    return result


def window_inputs(
    articles: Iterable[Article], options: WindowOptions, cluster_options: ClusterOptions
) -> tuple[dict[WindowKey, list[Article]], dict[str, Placement], list[str]]:
    """``(articles per window (owned and context), placement per id, ids in publication order)``; a
    window is ``(partition, number)`` (:func:`assign_windows` over all articles, so that undated ones go
    to the last window of the whole corpus in every partition). An article's contexts: the next window of
    its owner when it falls in the overlap, and with topic blocks its context blocks' windows of the same
    number; only windows that own articles are grouped, so contexts elsewhere are dropped."""
    listed = sorted(articles, key=publication_key)
    numbers = assign_windows(
        {a.id: publication_day(a) for a in listed}, options.span_days, options.overlap(cluster_options)
    )
    blocks = assign_blocks(listed, options.topic_blocks) if options.partition_by == "topic" else {}
    placements: dict[str, Placement] = {}
    for article in listed:
        number, context = numbers[article.id]
        if options.partition_by == "topic":
            owner_block, copy_blocks = blocks[article.id]
            window = (block_partition(owner_block), number)
            copies = tuple((block_partition(block), number) for block in copy_blocks)
        else:
            window, copies = (partition_key(article, options.partition_by), number), ()
        placements[article.id] = (window, ((next_window(window),) if context else ()) + copies)
    # A window that owns no article is not grouped: its events could only vote for owner events, one each,
    # which joins nothing (the last window's overlap always falls into such a window).
    owners = {window for window, _ in placements.values()}
    windows: dict[str, Placement] = {}
    per_window: dict[WindowKey, list[Article]] = {}
    for article in listed:
        window, contexts = placements[article.id]
        kept = tuple(other for other in contexts if other in owners)
        windows[article.id] = (window, kept)
        per_window.setdefault(window, []).append(article)
        for other in kept:
            per_window.setdefault(other, []).append(article)
    return per_window, windows, [a.id for a in listed]


def group_events_windowed(
    articles: Iterable[Article],
    options: WindowOptions | None = None,
    *,
    cluster_options: ClusterOptions | None = None,
    copy_groups: Mapping[str, str] | None = None,
    map_windows: Callable[[Callable[[list[Article]], dict[str, str]], list[list[Article]]], Iterable[dict[str, str]]]
    | None = None,
) -> dict[str, str]:
    """Article id -> event id by windows and stitching (see the module docstring).

    ``map_windows(function, window_article_lists)`` runs the per-window grouping (default: the builtin
    ``map``, one window after another; a process pool's ``map`` works too). The Spark engine runs the
    same steps as tasks and DataFrame joins.
    """
    options = options if options is not None else WindowOptions()
    cluster_options = cluster_options if cluster_options is not None else ClusterOptions()
    copies = dict(copy_groups or {})
    per_window, windows, order = window_inputs(articles, options, cluster_options)
    numbers = sorted(per_window)

    def run(window_articles: list[Article]) -> dict[str, str]:
        return dict(group_events(window_articles, options=cluster_options, copy_groups=copies).assignments)

    mapper = map_windows if map_windows is not None else map
    results = dict(zip(numbers, mapper(run, [per_window[n] for n in numbers]), strict=True))
    return stitch(results, windows, order)


def storylines_windowed(
    articles: Sequence[Article],
    options: WindowOptions | None = None,
    *,
    cluster_options: ClusterOptions | None = None,
    copy_groups: Mapping[str, str] | None = None,
    story_options: StoryOptions | None = None,
) -> tuple[dict[str, str], StoryGrouping]:
    """``(article id -> event id, storylines)``: :func:`group_events_windowed`, then
    :func:`~newsfold.stories.link_storylines` over the stitched events, each event's profile built from
    its members' features as their owner window computed them, members in the order of ``articles``
    (the order the Spark engine reads them in). What the Spark engine's stories step computes.
    """
    options = options if options is not None else WindowOptions()
    cluster_options = cluster_options if cluster_options is not None else ClusterOptions()
    copies = dict(copy_groups or {})
    per_window, windows, order = window_inputs(articles, options, cluster_options)
    results: dict[WindowKey, dict[str, str]] = {}
    features: dict[str, ArticleFeatures] = {}
    for number in sorted(per_window):
        grouping = group_events(per_window[number], options=cluster_options, copy_groups=copies)
        results[number] = dict(grouping.assignments)
        for article in per_window[number]:
            if windows[article.id][0] == number:
                features[article.id] = grouping.features[article.id]
    event_of = stitch(results, windows, order)
    members: dict[str, list[ArticleFeatures]] = {}
    for article in articles:
        if article.id in event_of:
            members.setdefault(event_of[article.id], []).append(features[article.id])
    return event_of, link_storylines(members, story_options)
