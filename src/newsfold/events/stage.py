"""The events stage: online event grouping over a :class:`~newsfold.store.Store`.

Each run resumes the online state from the store (stored events are restored member by member, which
also rebuilds the IDF table in ingestion order), assigns the articles stored since the stage's mark in
publication order, runs the merge step, and writes in one transaction: the cards of the events that
changed, one membership row per new article with its :class:`~newsfold.events.cluster.JoinEvidence`, the
moved memberships of merged events with their :class:`~newsfold.events.cluster.MergeEvidence`, and the
mark. Restoring costs one featurization per stored article per run (about 2 ms each).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsfold.events.cards import build_card
from newsfold.events.cluster import ClusterOptions, OnlineEventGrouper, publication_key
from newsfold.events.features import FeatureOptions, article_features
from newsfold.events.scorer import LogisticScorer
from newsfold.model import Article
from newsfold.pipeline import StageReport
from newsfold.store import Store


class EventsStage:
    """Stage ``events``: see the module docstring. Parameters are those of
    :class:`~newsfold.events.cluster.OnlineEventGrouper`."""

    name = "events"

    def __init__(
        self,
        scorer: LogisticScorer | None = None,
        options: ClusterOptions | None = None,
        feature_options: FeatureOptions | None = None,
    ) -> None:
        self.scorer = scorer
        self.options = options
        self.feature_options = feature_options

    def run(self, store: Store, new_article_ids: Sequence[str]) -> StageReport:
        report = StageReport(stage=self.name)
        pending = store.pending(self.name)
        if not pending:
            return report
        grouper = OnlineEventGrouper(self.scorer, self.options, self.feature_options)
        stored_members: dict[str, list[str]] = {}
        for row in store.iter_assignments():
            if row["event"] is not None and row["id"] is not None:
                stored_members.setdefault(str(row["event"]), []).append(str(row["id"]))
        stored_ids = [a for members in stored_members.values() for a in members]
        already = set(stored_ids)
        pending_ids = [i for _, i in pending if i not in already]
        articles: dict[str, Article] = {a.id: a for a in store.get_articles(stored_ids + pending_ids)}
        copy_groups = store.copy_group_ids_of(list(articles))
        stored_features = {}
        for article_id in stored_ids:  # ingestion order rebuilds the IDF table as it was
            if article_id in articles:
                stored_features[article_id] = article_features(
                    articles[article_id], grouper.idf, grouper.feature_options, copy_group=copy_groups.get(article_id)
                )
        for event_id, members in stored_members.items():
            restored = [stored_features[a] for a in members if a in stored_features]
            if restored:
                grouper.restore(event_id, restored)

        new_articles = sorted((articles[i] for i in pending_ids if i in articles), key=publication_key)
        joins = [grouper.add_article(a, copy_group=copy_groups.get(a.id)) for a in new_articles]
        merges = grouper.merge_events()
        result = grouper.result()
        changed = {result.assignments[a.id] for a in new_articles} | {m.kept_id for m in merges}
        member_rows = [
            (j.article_id, result.assignments[j.article_id], j.score, j.as_dict()) for j in joins
        ]
        for merge in merges:
            for article_id in stored_members.get(merge.merged_id, []):
                if article_id in articles:
                    member_rows.append((article_id, merge.kept_id, merge.score, {"merge": merge.as_dict()}))
        cards = []
        for event_id in sorted(changed):
            event_articles = [articles[a] for a in result.events[event_id] if a in articles]
            card = build_card(event_id, event_articles, [result.features[a.id] for a in event_articles])
            cards.append((event_id, card.as_dict()))
        with store.transaction():
            store.delete_events([m.merged_id for m in merges])
            store.put_events(cards)
            store.put_event_members(member_rows)
            store.set_mark(self.name, pending[-1][0])
        report.articles_seen = len(pending)
        report.counts = {
            "events_opened": sum(j.action == "open" for j in joins),
            "joins": sum(j.action == "join" for j in joins),
            "merges": len(merges),
            "events_changed": len(changed),
        }
        return report
