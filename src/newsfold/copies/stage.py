"""The copies stage: exact duplicates (same normalized text) form copy groups.

Near-duplicates and excerpts plug in here (see ``newsfold.copies``); this first version groups articles
whose ``content_hash`` is identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from newsfold.model import Article, CopyGroup, CopyMember, CopyPair
from newsfold.pipeline import StageReport
from newsfold.store import Store


def _published_key(article: Article) -> tuple[int, str]:
    if article.published is None:
        return (1, "")
    value = article.published
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return (0, value.isoformat())
    return (0, dt.datetime.combine(value, dt.time()).isoformat())


def canonical_order_key(article: Article) -> tuple[tuple[int, str], int, str]:
    """Earliest published first (undated last), then the longest text, then the smallest id."""
    return (_published_key(article), -len(article.text), article.id)


class CopiesStage:
    name = "copies"

    def __init__(self, batch_size: int = 2000) -> None:
        self.batch_size = batch_size

    def run(self, store: Store, new_article_ids: Sequence[str]) -> StageReport:
        report = StageReport(stage=self.name)
        while True:
            pending = store.pending(self.name, limit=self.batch_size)
            if not pending:
                return report
            ids = [i for _, i in pending]
            articles = store.get_articles(ids)
            hashes = sorted({a.content_hash for a in articles})
            by_hash = store.ids_with_content_hash(hashes)
            groups: list[CopyGroup] = []
            pairs: list[CopyPair] = []
            for content_hash in hashes:
                member_ids = by_hash.get(content_hash, [])
                if len(member_ids) < 2:
                    continue
                members = sorted(store.get_articles(member_ids), key=canonical_order_key)
                canonical = members[0]
                groups.append(
                    CopyGroup(
                        id="c" + content_hash,
                        canonical=canonical.id,
                        members=tuple(
                            CopyMember(m.id, "canonical" if m.id == canonical.id else "duplicate")
                            for m in sorted(members, key=lambda m: m.id)
                        ),
                    )
                )
                sorted_ids = sorted(member_ids)
                for i, id_a in enumerate(sorted_ids):
                    for id_b in sorted_ids[i + 1 :]:
                        pairs.append(CopyPair(id_a, id_b, "exact", 1.0, 1.0, 1.0))
            with store.transaction():
                store.put_copy_pairs(pairs)
                store.replace_copy_groups([g.id for g in groups], groups)
                store.set_mark(self.name, pending[-1][0])
            report.articles_seen += len(ids)
            report.counts["groups_touched"] = report.counts.get("groups_touched", 0) + len(groups)
