"""Read-only views of the store shared by the CLI, the HTTP API and the web UI.

Each view returns plain JSON-able dicts, so every interface shows the same thing.
"""

from __future__ import annotations

from typing import Any

from newsfold.model import Article
from newsfold.store import Store


def article_view(store: Store, article: Article, *, include_text: bool = True) -> dict[str, Any]:
    """An article with its copy group (and the pairs that put it there), its event and its storyline."""
    view: dict[str, Any] = {
        "kind": "article",
        "id": article.id,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "dateline": (
            {
                "place": article.dateline.place,
                "agency": article.dateline.agency,
                "date": article.dateline.date.isoformat() if article.dateline.date else None,
                "raw": article.dateline.raw,
            }
            if article.dateline
            else None
        ),
        "outlet": article.outlet,
        "language": article.language,
        "source": article.source,
        "content_hash": article.content_hash,
    }
    group_id = store.copy_group_ids_of([article.id]).get(article.id)
    group = store.get_copy_group(group_id) if group_id else None
    view["copy_group"] = None
    if group is not None:
        role = next(m.role for m in group.members if m.article_id == article.id)
        view["copy_group"] = {"id": group.id, "role": role, "canonical": group.canonical, "size": len(group.members)}
    view["copies"] = [
        {
            "other": pair.id_b if pair.id_a == article.id else pair.id_a,
            "kind": pair.kind,
            "jaccard": round(pair.jaccard, 4),
            "containment_of_this": round(
                pair.containment_a_in_b if pair.id_a == article.id else pair.containment_b_in_a, 4
            ),
            "containment_of_other": round(
                pair.containment_b_in_a if pair.id_a == article.id else pair.containment_a_in_b, 4
            ),
            "passages": len(pair.passages),
        }
        for pair in store.copy_pairs_of([article.id])
    ]
    event_id = store.event_of([article.id]).get(article.id)
    view["event"] = event_id
    if event_id is not None:
        member = next((m for m in store.event_members(event_id) if m["article_id"] == article.id), None)
        view["event_evidence"] = member["evidence"] if member else None
        story_ids = store.story_of_events([event_id])
        view["story"] = story_ids.get(event_id)
    else:
        view["story"] = None
    if include_text:
        view["text"] = article.text
    return view


def describe(store: Store, item_id: str) -> dict[str, Any] | None:
    """Whatever ``item_id`` names (article, copy group, event or storyline), as a view; ``None`` if nothing."""
    article = store.get_article(item_id)
    if article is not None:
        return article_view(store, article)
    group = store.get_copy_group(item_id)
    if group is not None:
        return {
            "kind": "copy_group",
            "id": group.id,
            "canonical": group.canonical,
            "weakest_link": group.weakest_link,
            "members": [{"id": m.article_id, "role": m.role} for m in group.members],
            "pairs": [
                {
                    "id_a": p.id_a,
                    "id_b": p.id_b,
                    "kind": p.kind,
                    "jaccard": round(p.jaccard, 4),
                    "containment_a_in_b": round(p.containment_a_in_b, 4),
                    "containment_b_in_a": round(p.containment_b_in_a, 4),
                    "passages": [[q.a_start, q.a_end, q.b_start, q.b_end] for q in p.passages],
                }
                for p in store.copy_pairs_of([m.article_id for m in group.members])
            ],
        }
    event = store.get_event(item_id)
    if event is not None:
        return {"kind": "event", **event}
    story = store.get_story(item_id)
    if story is not None:
        return {"kind": "story", **story}
    return None
