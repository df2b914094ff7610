"""The copies stage: fold new articles into the copy index and the copy groups of a store.

For each batch of pending articles (in ingestion order) the stage

1. folds them into a :class:`~newsfold.copies.index.CopyIndex` (rebuilt from the store's
   ``copy_signatures`` rows when the stage starts, so nothing is re-hashed), which returns every new
   verified copy pair (exact, near, excerpt) with its shared passages and the new index entries;
2. regroups the affected articles: the old groups touched by a new pair, merged with the new articles
   and all their stored pairs, are rebuilt with :func:`~newsfold.copies.groups.build_groups` (roles,
   canonical, weakest link, stable ids);
3. writes the pairs, the index entries, the replaced groups and its progress mark in one transaction.

A crash leaves either a batch's pairs, entries, groups and mark, or none of them; the in-memory index is
dropped when a batch fails, and the next run rebuilds it from what was committed.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsfold.copies.groups import build_groups, facts_of, pair_similarity
from newsfold.copies.index import CopyIndex, IndexEntry
from newsfold.copies.options import CopyOptions
from newsfold.model import CopyPair
from newsfold.pipeline import StageReport
from newsfold.store import Store


class CopiesStage:
    """The ``copies`` level of folding (see the module docstring); ``options`` as in :class:`CopyOptions`."""

    name = "copies"

    def __init__(self, options: CopyOptions | None = None, batch_size: int = 2000) -> None:
        self.options = options if options is not None else CopyOptions()
        self.batch_size = batch_size
        self._index: CopyIndex | None = None
        self._store: Store | None = None

    def _index_for(self, store: Store) -> CopyIndex:
        if self._index is None or self._store is not store:

            def fetch_texts(ids: Sequence[str]) -> dict[str, str]:
                return {a.id: a.text for a in store.get_articles(ids)}

            entries = (IndexEntry.from_bytes(i, blob) for i, blob in store.get_copy_signatures().items())
            self._index = CopyIndex.from_entries(entries, self.options, fetch_texts)
            self._store = store
        return self._index

    def run(self, store: Store, new_article_ids: Sequence[str]) -> StageReport:
        report = StageReport(stage=self.name)
        while True:
            pending = store.pending(self.name, limit=self.batch_size)
            if not pending:
                return report
            try:
                self._fold_batch(store, pending, report)
            except BaseException:
                self._index = None  # it holds the failed batch; rebuild from the store next time
                raise

    def _fold_batch(self, store: Store, pending: list[tuple[int, str]], report: StageReport) -> None:
        index = self._index_for(store)
        articles = store.get_articles([i for _, i in pending])
        result = index.fold(articles)
        linking = [p for p in result.pairs if self._links(p)]
        touched = sorted({i for p in linking for i in (p.id_a, p.id_b)})
        old_groups = store.copy_group_ids_of(touched)
        removed = sorted(set(old_groups.values()))
        members = set(touched)
        for ids in store.group_member_ids(removed).values():
            members.update(ids)
        pairs: dict[tuple[str, str], CopyPair] = {
            (p.id_a, p.id_b): p for p in store.copy_pairs_of(sorted(members)) if self._links(p)
        }
        pairs.update({(p.id_a, p.id_b): p for p in linking})
        facts = {a.id: facts_of(a) for a in store.get_articles(sorted(members))}
        groups = build_groups(
            [p for p in pairs.values() if p.id_a in facts and p.id_b in facts],
            facts,
            containment_threshold=self.options.containment_threshold,
            split_below=self.options.split_below,
        )
        with store.transaction():
            store.put_copy_pairs(result.pairs)
            store.put_copy_signatures((e.article_id, e.to_bytes()) for e in result.entries)
            store.replace_copy_groups(removed, groups)
            store.set_mark(self.name, pending[-1][0])
        report.articles_seen += len(pending)
        counts = report.counts
        for pair in result.pairs:
            counts[f"pairs_{pair.kind}"] = counts.get(f"pairs_{pair.kind}", 0) + 1
        counts["groups_touched"] = counts.get("groups_touched", 0) + len(groups)

    def _links(self, pair: CopyPair) -> bool:
        threshold = self.options.split_below
        return threshold is None or pair_similarity(pair) >= threshold
