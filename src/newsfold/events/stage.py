"""The events stage: online event grouping over a :class:`~newsfold.store.Store`, incrementally.

Each run analyses only the articles stored since the stage's mark. What the online grouper needs to
resume is saved by the stage itself (schema version 3): every assigned article's
:class:`~newsfold.events.features.ArticleFeatures` with its event day, and the IDF table's document
frequencies. A run then

1. analyses the new articles and weights them with the saved IDF state (only their terms' frequencies are
   read);
2. restores only the events that can take them: those with a member whose event day lies within
   ``window_days`` of a new article's day, or undated (every event when a new article is undated), from
   the saved features, ordered as they were opened; with the sibling linker
   (:mod:`newsfold.events.linkage`, the default) as the online fragments their
   members were saved with;
3. assigns the new articles in publication order, then runs what :func:`~newsfold.events.group_events`
   runs after the online pass: the linkage step over the restored and new fragments and the merge step
   for headline-sized events (or, without the linker, the merge step);
4. writes in one transaction: the new articles' features with their fragment, the changed frequencies,
   the cards of the events that gained or lost members, one membership row per new article with its
   :class:`~newsfold.events.cluster.JoinEvidence` (and ``merges``: the chain of
   :class:`~newsfold.events.cluster.MergeEvidence` that took its fragment into its event, when one did),
   a row per restored article whose event changed (with that chain, or a ``split`` record when its
   fragment no longer links to the rest of its event), the deletion of emptied events, and the mark.

With an :class:`~newsfold.events.embeddings.Embedder` the new articles are embedded (in one batch) and
the semantic scorer fitted with that model is used. The store remembers the model its events were grouped
with (setting :data:`EMBEDDER_SETTING`; empty for none) and every later run uses the same one: a run
given no embedder loads the recorded model's backend, and a run given another model (or one given a
model for a store grouped without) is a :class:`~newsfold.errors.UsageError`, since the saved features of
the two would not compare.

Folding in batches that follow publication order gives the grouping of one fold; out-of-window events
are not restored, which can only remove candidates that the window would have refused anyway (a
restored set smaller than the whole store can change which 24 events the candidate index ranks first
when more than that many share keys with an article). A store written before version 3 has assigned
articles without saved features: they are featurized once, in ingestion order, and saved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from newsfold.errors import UsageError
from newsfold.events.cards import build_card
from newsfold.events.cluster import (
    ClusterOptions,
    MergeEvidence,
    OnlineEventGrouper,
    publication_key,
    uses_linker,
)
from newsfold.events.embeddings import Embedder, backend_of_model, embedding_text, shared_embedder
from newsfold.events.features import (
    ArticleFeatures,
    FeatureOptions,
    IdfTable,
    analyze_article,
    article_features,
    features_from_json,
    features_to_json,
    featurize,
)
from newsfold.events.linkage import load_linker
from newsfold.events.pair_reader import PairReader, reading_text
from newsfold.events.scorer import LogisticScorer
from newsfold.pipeline import StageReport
from newsfold.store import Store

EMBEDDER_SETTING = "events.embedder"
"""The store setting naming the embedding model (``Embedder.name``) the events were grouped with; empty
when they were grouped without embeddings."""


class EventsStage:
    """Stage ``events``: see the module docstring. Parameters are those of
    :class:`~newsfold.events.cluster.OnlineEventGrouper`; ``embedder``: see the module docstring;
    ``reader``: the pair reader for the linkage (:mod:`newsfold.events.pair_reader`), which reads the new
    articles and the restored ones it is asked about; a store can be continued with or without it."""

    name = "events"

    def __init__(
        self,
        scorer: LogisticScorer | None = None,
        options: ClusterOptions | None = None,
        feature_options: FeatureOptions | None = None,
        embedder: Embedder | None = None,
        reader: PairReader | None = None,
    ) -> None:
        self.scorer = scorer
        self.options = options
        self.feature_options = feature_options
        self.embedder = embedder
        self.reader = reader

    def embedder_for(self, store: Store) -> Embedder | None:
        """The embedder this run uses on ``store``: the one given, which must be the model the store's
        events were grouped with, else the recorded model's (loaded by its backend), else none.

        Raises :class:`~newsfold.errors.UsageError` on a mismatch or a recorded model newsfold has no
        backend for, and :class:`~newsfold.errors.MissingDependency` when the recorded backend's package
        is not installed."""
        recorded = store.setting(EMBEDDER_SETTING)
        if recorded is None and store.mark(self.name) > 0:
            recorded = ""  # grouped before the setting existed (schema < 5): without embeddings
        if self.embedder is not None:
            if recorded is not None and recorded != self.embedder.name:
                was = f"with embeddings from {recorded}" if recorded else "without embeddings"
                raise UsageError(
                    f"this store's events were grouped {was}; they cannot be continued with {self.embedder.name} "
                    "(fold into a new store to change the embeddings)"
                )
            return self.embedder
        if not recorded:
            return None
        backend = backend_of_model(recorded)
        if backend is None:
            raise UsageError(
                f"this store's events were grouped with embeddings from {recorded}, which newsfold cannot load "
                "by itself: pass that embedder to the events stage"
            )
        return shared_embedder(backend)

    def run(self, store: Store, new_article_ids: Sequence[str]) -> StageReport:
        report = StageReport(stage=self.name)
        # A given embedder is checked against the store even when there is nothing new to fold; a
        # recorded one is loaded only when there is.
        embedder = self.embedder_for(store) if self.embedder is not None else None
        pending = store.pending(self.name)
        if not pending:
            return report
        if embedder is None:
            embedder = self.embedder_for(store)
        options = self.options or ClusterOptions()
        linker = load_linker() if uses_linker(options) else None
        grouper = OnlineEventGrouper(
            self.scorer, options, self.feature_options, embedder=embedder, linker=linker,
            reader=self.reader if linker is not None else None,
        )
        pending_ids = [i for _, i in pending]
        already = set(store.event_of(pending_ids))
        new_articles = sorted(
            (a for a in store.get_articles([i for i in pending_ids if i not in already])), key=publication_key
        )
        analyses = [analyze_article(a, grouper.feature_options) for a in new_articles]

        saved_idf = store.get_event_idf(
            {t for x in analyses for t in x.body_terms + x.headline_terms + x.lead_terms}
        )
        legacy: dict[str, ArticleFeatures] = {}
        if saved_idf is None:
            idf = IdfTable.background()
            legacy = self._featurize_unsaved(store, idf, grouper.feature_options)
        else:
            idf = IdfTable(*saved_idf)
        grouper.idf = idf

        self._refresh_dates(store, grouper.feature_options)
        new_copy_groups = store.copy_group_ids_of([a.id for a in new_articles])
        vectors = None if embedder is None else embedder.encode([embedding_text(a) for a in new_articles])
        new_features = [
            featurize(
                x, idf, grouper.feature_options, copy_group=new_copy_groups.get(x.article_id),
                embedding=None if vectors is None else vectors[position],
            )
            for position, x in enumerate(analyses)
        ]
        stored_event, unit_of = self._restore(store, grouper, new_features, legacy, by_fragment=linker is not None)

        if grouper.reading is not None:  # the reader reads restored articles' texts as well as the new ones
            restored = [a for a in stored_event if a not in grouper.reading.texts]
            grouper.reading.texts.update((a.id, reading_text(a)) for a in [*new_articles, *store.get_articles(restored)])
        joins = [grouper.add(f) for f in new_features]
        # With the linker the online pass holds fragments only (nothing merges during it): the event an
        # article joins or opens is its fragment, saved so that later runs restore fragments as they were.
        fragment_of = {j.article_id: j.event_id for j in joins}
        merges = grouper.settle()  # as group_events: over the restored and the new fragments
        result = grouper.result()
        final = result.assignments
        # Restored articles whose event is not the stored one: their unit was merged into another event,
        # or (linkage) their fragment no longer links to the rest of its stored event.
        merge_of: dict[str, MergeEvidence] = {}
        for merge in merges:
            merge_of.setdefault(merge.merged_id, merge)

        def merge_chain(unit: str) -> list[MergeEvidence]:
            """The merges that took ``unit`` (a fragment or event) into the event it ends in, in order."""
            chain: list[MergeEvidence] = []
            while unit in merge_of:
                chain.append(merge_of[unit])
                unit = merge_of[unit].kept_id
            return chain

        moved = [a for a, event_id in stored_event.items() if final[a] != event_id]
        member_rows = []
        for join in joins:
            chain = merge_chain(fragment_of[join.article_id])
            evidence = {**join.as_dict(), "merges": [m.as_dict() for m in chain]} if chain else join.as_dict()
            member_rows.append((join.article_id, final[join.article_id], join.score, evidence))
        for article_id in moved:
            chain = merge_chain(unit_of[article_id])
            if chain:
                member_rows.append((article_id, final[article_id], chain[0].score, {"merges": [m.as_dict() for m in chain]}))
            else:
                split = {"from": stored_event[article_id], "fragment": unit_of[article_id],
                         "threshold": grouper.link_threshold}
                member_rows.append((article_id, final[article_id], None, {"split": split}))
        touched = {final[f.article_id] for f in new_features} | {final[a] for a in moved} | {
            stored_event[a] for a in moved
        }
        changed = {e for e in touched if e in result.events}
        gone = sorted(touched - changed)
        new_by_id = {a.id: a for a in new_articles}
        changed_members = {e: list(result.events[e]) for e in changed}
        stored_needed = [a for ids in changed_members.values() for a in ids if a not in new_by_id]
        articles = {**{a.id: a for a in store.get_articles(stored_needed)}, **new_by_id}
        cards = []
        for event_id in sorted(changed):
            event_articles = [articles[a] for a in changed_members[event_id] if a in articles]
            card = build_card(event_id, event_articles, [result.features[a.id] for a in event_articles])
            cards.append((event_id, card.as_dict()))
        saved_features = [*legacy.values(), *new_features]
        touched_terms = {t for f in analyses for t in f.body_terms + f.headline_terms}
        frequencies = (
            idf.document_frequency_
            if saved_idf is None
            else {t: idf.document_frequency_[t] for t in touched_terms}
        )
        with store.transaction():
            store.put_event_features(
                (
                    f.article_id,
                    f.when.isoformat() if f.when else None,
                    {**features_to_json(f), "fragment": fragment_of.get(f.article_id, unit_of.get(f.article_id))},
                )
                for f in saved_features
            )
            store.put_event_idf(idf.documents_, frequencies)
            store.delete_events(gone)
            store.put_events(cards)
            store.put_event_members(member_rows)
            if store.setting(EMBEDDER_SETTING) is None:
                store.set_setting(EMBEDDER_SETTING, "" if embedder is None else embedder.name)
            store.set_mark(self.name, pending[-1][0])
        report.articles_seen = len(pending)
        report.counts = {
            "events_opened": sum(j.action == "open" for j in joins),
            "joins": sum(j.action == "join" for j in joins),
            "merges": len(merges),
            "events_changed": len(changed),
            "events_restored": len(set(stored_event.values())),
            "articles_moved": len(moved),
        }
        return report

    @staticmethod
    def _featurize_unsaved(store: Store, idf: IdfTable, options: FeatureOptions) -> dict[str, ArticleFeatures]:
        """Features of stored, assigned articles (a store from before schema version 3), in ingestion
        order, which also brings ``idf`` up to date."""
        assigned = [str(r["id"]) for r in store.iter_assignments() if r["event"] is not None]
        if not assigned:
            return {}
        copy_groups = store.copy_group_ids_of(assigned)
        return {
            a.id: article_features(a, idf, options, copy_group=copy_groups.get(a.id))
            for a in store.get_articles(assigned)
        }

    @staticmethod
    def _refresh_dates(store: Store, options: FeatureOptions) -> None:
        """Articles whose year was inferred may have been re-dated since their features were saved
        (normalization resolves the year again against the collection's dates): give their saved
        features the new dates, keeping the term weights they were assigned with."""
        inferred = list(store.iter_year_inferred())
        saved = store.get_event_features([a.id for a in inferred])
        updates = []
        for article in inferred:
            data = saved.get(article.id)
            if data is None:
                continue
            old = features_from_json(data)
            published = article.published.date() if isinstance(article.published, dt.datetime) else article.published
            if old.published == published:
                continue
            analysis = analyze_article(article, options)
            new = dataclasses.replace(old, published=analysis.published, when=analysis.when, years=analysis.years)
            updates.append((new.article_id, new.when.isoformat() if new.when else None, features_to_json(new)))
        if updates:
            store.put_event_features(updates)

    def _restore(
        self,
        store: Store,
        grouper: OnlineEventGrouper,
        new_features: Sequence[ArticleFeatures],
        legacy: dict[str, ArticleFeatures],
        by_fragment: bool,
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Restore the stored events that the new articles may join, as whole events or (``by_fragment``)
        as the online fragments their members were saved with (an article saved without one counts as
        its event's); returns, per restored article, its stored event and the restored unit holding it."""
        days = [f.when for f in new_features]
        window = dt.timedelta(days=grouper.options.window_days)
        if not days or any(d is None for d in days):
            active = store.events_active(None, None)
        else:
            dated = [d for d in days if d is not None]
            active = store.events_active(min(dated) - window, max(dated) + window)
        members = store.event_member_ids(active)
        ids = [a for ids in members.values() for a in ids]
        saved = {a: legacy[a] for a in ids if a in legacy}
        fragments: dict[str, str] = {}
        for article_id, data in store.get_event_features([a for a in ids if a not in saved]).items():
            saved[article_id] = features_from_json(data)
            if data.get("fragment") is not None:
                fragments[article_id] = str(data["fragment"])
        copy_groups = store.copy_group_ids_of(ids)
        stored_event: dict[str, str] = {}
        unit_of: dict[str, str] = {}
        units: dict[str, list[ArticleFeatures]] = {}
        for event_id, article_ids in members.items():
            for article_id in article_ids:
                if article_id not in saved:
                    continue
                unit = fragments.get(article_id, event_id) if by_fragment else event_id
                stored_event[article_id] = event_id
                unit_of[article_id] = unit
                units.setdefault(unit, []).append(dataclasses.replace(saved[article_id], copy_group=copy_groups.get(article_id)))
        for unit in units:
            units[unit].sort(key=_feature_order)
        for unit in sorted(units, key=lambda u: (_feature_order(units[u][0]), u)):
            grouper.restore(unit, units[unit])
        return stored_event, unit_of


def _feature_order(features: ArticleFeatures) -> tuple[int, dt.date, str]:
    """Publication order of stored features (as :func:`~newsfold.events.cluster.publication_key`)."""
    published = features.published
    return (0, published, features.article_id) if published is not None else (1, dt.date.min, features.article_id)
