"""The stories stage: storylines over all stored events, rewritten when new articles arrived.

Storylines are recomputed from every stored event (the article features that the events stage saved;
rebuilt in ingestion order, the IDF table with them, for articles that have none) with :func:`~newsfold.stories.link.link_storylines`, and replace the stored ones in one
transaction with the stage's mark. Each event's membership row carries the evidence of the link that
attached it (``{"root": true}`` for the first event of a storyline).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from newsfold.events.features import (
    ArticleFeatures,
    FeatureOptions,
    IdfTable,
    article_features,
    features_from_json,
)
from newsfold.pipeline import StageReport
from newsfold.store import Store
from newsfold.stories.link import StoryOptions, link_storylines


class StoriesStage:
    """Stage ``stories``: see the module docstring."""

    name = "stories"

    def __init__(self, options: StoryOptions | None = None, feature_options: FeatureOptions | None = None) -> None:
        self.options = options
        self.feature_options = feature_options

    def run(self, store: Store, new_article_ids: Sequence[str]) -> StageReport:
        report = StageReport(stage=self.name)
        pending = store.pending(self.name)
        if not pending:
            return report
        members: dict[str, list[str]] = {}
        for row in store.iter_assignments():
            if row["event"] is not None and row["id"] is not None:
                members.setdefault(str(row["event"]), []).append(str(row["id"]))
        ordered_ids = [a for ids in members.values() for a in ids]
        features: dict[str, ArticleFeatures] = {
            a: features_from_json(data) for a, data in store.get_event_features(ordered_ids).items()
        }
        unsaved = [a for a in ordered_ids if a not in features]
        if unsaved:
            articles = {a.id: a for a in store.get_articles(unsaved)}
            idf = IdfTable.background()
            for article_id in unsaved:
                if article_id in articles:
                    features[article_id] = article_features(articles[article_id], idf, self.feature_options)
        events = {e: [features[a] for a in ids if a in features] for e, ids in members.items()}
        grouping = link_storylines({e: f for e, f in events.items() if f}, self.options)

        old = [s["id"] for s in store.list_stories(limit=1_000_000)]
        story_rows: list[tuple[str, dict[str, Any]]] = []
        member_rows: list[tuple[str, str, dict[str, Any]]] = []
        for story in grouping.storylines:
            days = sorted(f.when for e in story.events for f in events[e] if f.when is not None)
            actors: Counter[str] = Counter()
            for link in story.links:
                actors.update(link.shared_actors)
            first = store.get_event(story.events[0])
            headline = first["card"].get("headline") if first else None
            story_rows.append((story.id, {
                "headline": headline,
                "start": days[0].isoformat() if days else None,
                "end": days[-1].isoformat() if days else None,
                "actors": [a for a, _ in actors.most_common(8)],
                "events": list(story.events),
                "links": [link.as_dict() for link in story.links],
            }))
            link_of = {link.later: link for link in story.links}
            for event_id in story.events:
                evidence = link_of[event_id].as_dict() if event_id in link_of else {"root": True}
                member_rows.append((event_id, story.id, evidence))
        with store.transaction():
            store.delete_stories(old)
            store.put_stories(story_rows)
            store.put_story_members(member_rows)
            store.set_mark(self.name, pending[-1][0])
        report.articles_seen = len(pending)
        report.counts = {"storylines": len(grouping.storylines), "links": sum(len(s.links) for s in grouping.storylines)}
        return report
