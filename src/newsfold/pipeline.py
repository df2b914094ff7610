"""The stage seam: every level of folding is a :class:`Stage` run over a :class:`~newsfold.store.Store`.

A stage is given the store and the ids of the articles that are new since it last ran (in ingestion
order). It reads what it needs through the store's methods, computes with the pure functions of its
package, and writes its results back through the store, inside one transaction together with its
progress mark, so that a crash leaves either all of a batch's results or none, and a rerun resumes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newsfold.errors import UsageError
from newsfold.model import Article, Skipped

if TYPE_CHECKING:
    from newsfold.copies import CopyOptions
    from newsfold.events.embeddings import Embedder
    from newsfold.events.pair_reader import PairReader
    from newsfold.readers import ReadOptions
    from newsfold.store import Store

STAGE_ORDER: tuple[str, ...] = ("copies", "events", "stories")


@dataclass(slots=True)
class StageReport:
    """What one run of a stage did, for the fold summary."""

    stage: str
    articles_seen: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class Stage(Protocol):
    """One level of folding. ``name`` is one of :data:`STAGE_ORDER`."""

    name: str

    def run(self, store: Store, new_article_ids: Sequence[str]) -> StageReport:
        """Fold ``new_article_ids`` (already stored) into the stage's results in ``store``."""
        ...


@dataclass(slots=True)
class FoldReport:
    """The summary of one :func:`fold` run.

    ``read`` counts the records the readers produced (articles and skipped), ``stored`` the articles
    newly stored, ``unchanged`` those already in the store (a rerun), ``skipped`` the records not stored,
    by reason kind. ``read == stored + unchanged + sum(skipped.values())`` always holds: nothing is
    dropped without being counted.
    """

    read: int = 0
    stored: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    stages: list[StageReport] = field(default_factory=list)
    redated: int = 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_total": self.skipped_total,
            "redated": self.redated,
            "stages": [
                {"stage": s.stage, "articles_seen": s.articles_seen, **s.counts} for s in self.stages
            ],
        }


def read_articles(
    inputs: Sequence[str | Path], options: ReadOptions | None = None
) -> Iterator[Article | Skipped]:
    """Stream normalized :class:`Article`\\ s (and :class:`Skipped` records) from files, folders and globs.

    This is ``newsfold.read``: readers are chosen by file suffix (gzip transparent), every record is
    normalized by :func:`newsfold.normalize.build_article`. Nothing is held in memory beyond one record.
    """
    from newsfold.normalize import build_article
    from newsfold.readers import iter_raw

    for item in iter_raw(inputs, options):
        if isinstance(item, Skipped):
            yield item
        else:
            yield build_article(item)


def resolve_inferred_years(store: Store) -> int:
    """Resolve again the dates of stored articles that carried no year, against the collection.

    A dateline such as ``MINSK, June 19`` with ``on Friday`` and no year anywhere is first resolved
    against today's date; calendars repeat (19 June was a Friday in 2020 and in 2026), so once the store
    holds articles with full dates, the newest of those is the better reference: the collection is read
    "as of" its own time. Returns how many articles changed date. Runs before the stages, so events and
    storylines see the resolved dates.
    """
    from newsfold.normalize import redate

    as_of = store.newest_reliable_published()
    if as_of is None:
        return 0
    changed = 0
    for article in store.iter_year_inferred():
        again = redate(article, as_of)
        if (again.published, again.dateline) != (article.published, article.dateline):
            store.update_dates(article.id, again.published, again.dateline)
            changed += 1
    return changed


def make_stages(
    names: Sequence[str],
    copy_options: CopyOptions | None = None,
    embedder: Embedder | None = None,
    reader: PairReader | None = None,
) -> list[Stage]:
    """Stage objects for ``names`` in pipeline order; unknown names raise :class:`UsageError`.

    ``copy_options`` configure the copies stage (defaults: :class:`newsfold.copies.CopyOptions`);
    ``embedder`` gives the events stage dense embeddings (default: the ones the store's events were
    grouped with, if any; see :mod:`newsfold.events.stage`); ``reader`` gives its linkage the pair reader
    (:mod:`newsfold.events.pair_reader`).
    """
    unknown = [n for n in names if n not in STAGE_ORDER]
    if unknown:
        raise UsageError(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGE_ORDER)}")
    stages: list[Stage] = []
    for name in STAGE_ORDER:
        if name not in names:
            continue
        if name == "copies":
            from newsfold.copies.stage import CopiesStage

            stages.append(CopiesStage(copy_options))
        elif name == "events":
            from newsfold.events.stage import EventsStage

            stages.append(EventsStage(embedder=embedder, reader=reader))
        elif name == "stories":
            from newsfold.stories.stage import StoriesStage

            stages.append(StoriesStage())
    return stages


def fold(
    inputs: Sequence[str | Path],
    store: Store,
    *,
    stages: Sequence[str] = STAGE_ORDER,
    read_options: ReadOptions | None = None,
    batch_size: int = 500,
    on_skipped: Callable[[Skipped], None] | None = None,
    progress: bool = False,
    copy_options: CopyOptions | None = None,
    embedder: Embedder | None = None,
    reader: PairReader | None = None,
) -> FoldReport:
    """Read ``inputs`` into ``store`` and run ``stages`` over what is new.

    Articles are stored in transactions of ``batch_size``: a kill loses at most the batch in flight, and
    running the same call again stores what is missing (ingest is idempotent by article id) and lets each
    stage resume from its mark. ``on_skipped`` is called for every record not stored.
    """
    return fold_records(
        read_articles(inputs, read_options),
        store,
        stages=stages,
        batch_size=batch_size,
        on_skipped=on_skipped,
        progress=progress,
        copy_options=copy_options,
        embedder=embedder,
        reader=reader,
    )


def fold_records(
    records: Iterable[Article | Skipped],
    store: Store,
    *,
    stages: Sequence[str] = STAGE_ORDER,
    batch_size: int = 500,
    on_skipped: Callable[[Skipped], None] | None = None,
    progress: bool = False,
    copy_options: CopyOptions | None = None,
    embedder: Embedder | None = None,
    reader: PairReader | None = None,
) -> FoldReport:
    """Store ``records`` (articles already normalized, or skipped records to count) and run ``stages``.

    The seam for callers that build articles themselves (the HTTP API, the Spark engine); :func:`fold`
    is this over :func:`read_articles`.
    """
    stage_objects = make_stages(stages, copy_options, embedder, reader)
    report = FoldReport()
    new_ids: list[str] = []
    batch: list[Article] = []
    skipped_batch: list[Skipped] = []

    def note_skipped(item: Skipped) -> None:
        report.skipped[item.kind] = report.skipped.get(item.kind, 0) + 1
        skipped_batch.append(item)
        if on_skipped is not None:
            on_skipped(item)

    def flush() -> None:
        result = store.add_articles(batch)
        report.stored += len(result.added)
        report.unchanged += len(result.unchanged)
        new_ids.extend(result.added)
        for conflict in result.conflicts:
            note_skipped(conflict)
        if skipped_batch:
            store.add_skipped(skipped_batch)
        batch.clear()
        skipped_batch.clear()

    bar = _progress_bar(progress, "reading", unit="rec")
    for item in records:
        report.read += 1
        if bar is not None:
            bar.update()
        if isinstance(item, Skipped):
            note_skipped(item)
        else:
            batch.append(item)
        if len(batch) >= batch_size or len(skipped_batch) >= batch_size:
            flush()
    flush()
    if bar is not None:
        bar.close()
    report.redated = resolve_inferred_years(store)
    for stage in stage_objects:
        report.stages.append(stage.run(store, new_ids))
    return report


def _progress_bar(enabled: bool, description: str, unit: str) -> Any:
    """A tqdm bar on stderr when ``enabled`` and stderr is a terminal, else ``None``."""
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(desc=description, unit=unit, file=sys.stderr, leave=False)
