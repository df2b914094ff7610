"""Read-only views of the store shared by the CLI, the HTTP API and the web UI.

Each view returns plain JSON-able dicts, so every interface shows the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from newsfold.model import Article
from newsfold.store import Store
from newsfold.store.cards import card_summary

__all__ = [
    "article_view",
    "assignments_of",
    "card_summary",
    "copy_pair_view",
    "describe",
    "event_card_view",
    "filter_events",
    "story_view",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _one_snapshot(view: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """Run a view's queries in one read snapshot of the store (see :meth:`Store.snapshot`), so a fold
    committing meanwhile never shows half in the view; a caller's own snapshot is joined."""

    @wraps(view)
    def in_snapshot(store: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with store.snapshot():
            return view(store, *args, **kwargs)

    return in_snapshot


@_one_snapshot
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


@_one_snapshot
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


# -- views for the HTTP API and the web UI -------------------------------------------------------------
#
# Event cards and storyline summaries are JSON mappings written by the events and stories stages. These
# views read them tolerantly, so that the interfaces show what a stage wrote and degrade (empty fields)
# where a stage has not run. The fields read are listed in ``docs/ui.md``.


@_one_snapshot
def assignments_of(store: Store, article_ids: Sequence[str]) -> dict[str, dict[str, str | None]]:
    """``{article_id: {"copy_group", "copy_role", "event", "story"}}`` for ``article_ids``.

    The same record as :meth:`Store.iter_assignments` gives, for a few ids; ``None`` where a stage has not
    run or did not place the article. Ids not stored are left out.
    """
    stored = {a.id for a in store.get_articles(article_ids)}
    ids = [i for i in dict.fromkeys(article_ids) if i in stored]
    group_of = store.copy_group_ids_of(ids)
    roles: dict[str, str] = {}
    for group_id in sorted(set(group_of.values())):
        group = store.get_copy_group(group_id)
        if group is not None:
            roles.update({m.article_id: m.role for m in group.members})
    event_of = store.event_of(ids)
    story_of = store.story_of_events(sorted(set(event_of.values())))
    return {
        article_id: {
            "copy_group": group_of.get(article_id),
            "copy_role": roles.get(article_id) if article_id in group_of else None,
            "event": event_of.get(article_id),
            "story": story_of.get(event_of[article_id]) if article_id in event_of else None,
        }
        for article_id in ids
    }


def filter_events(
    store: Store,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    entity: str | None = None,
    query: str | None = None,
    limit: int = 50,
    offset: int = 0,
    after: str | None = None,
    search_limit: int = 2000,
) -> dict[str, Any]:
    """Events matching every filter given, ordered by start day (undated last), then id; paged.

    The filters and paging are those of :meth:`Store.find_events` (which answers from the store's
    event index, in one snapshot). Returns ``{"items", "total", "limit", "offset", "next"}``; each item
    is ``{"id", "size", **card_summary(card)}``; ``next`` is the cursor for ``after`` that gives the
    following page (``None`` on the last one).
    """
    page = store.find_events(
        date_from=date_from, date_to=date_to, entity=entity, query=query, limit=limit, offset=offset,
        after=after, search_limit=search_limit,
    )
    return {"items": page.items, "total": page.total, "limit": limit, "offset": offset, "next": page.next}


@_one_snapshot
def event_card_view(store: Store, event_id: str) -> dict[str, Any] | None:
    """An event card for display: its summary, its storyline, and its sources with copies collapsed.

    ``sources`` holds one entry per distinct report: the canonical article of each copy group among the
    members (or the member itself when it has no group), with ``copies`` (the other members of its group
    in this event, with role) and ``adds`` (what the card says this source adds; when the card does not
    say, the sentences of the source found in no other distinct source, at most ``5``). ``None`` when no
    such event.
    """
    event = store.get_event(event_id)
    if event is None:
        return None
    card: Mapping[str, Any] = event["card"]
    members = {m["article_id"]: m for m in event["members"]}
    articles = {a.id: a for a in store.get_articles(sorted(members))}
    assignments = assignments_of(store, sorted(articles))
    card_adds = _card_adds(card)
    by_head: dict[str, list[str]] = {}
    for article_id in sorted(articles):
        group = assignments[article_id]["copy_group"]
        head = article_id
        if group is not None:
            canonical = store.get_copy_group(group)
            if canonical is not None and canonical.canonical in articles:
                head = canonical.canonical
        by_head.setdefault(head, []).append(article_id)
    heads = sorted(by_head, key=lambda i: (_published_text(articles[i]) or "9999", i))
    sentence_sets = {head: _sentences(articles[head].text) for head in heads}
    sources: list[dict[str, Any]] = []
    for head in heads:
        article = articles[head]
        others: set[str] = set()
        for other in heads:
            if other != head:
                others |= set(sentence_sets[other])
        if head in card_adds:
            adds = card_adds[head]
        elif len(heads) > 1:
            adds = [s for s in sentence_sets[head] if s not in others][:5]
        else:
            adds = []
        sources.append(
            {
                "id": head,
                "title": article.title,
                "outlet": article.outlet,
                "published": _published_text(article),
                "score": members[head]["score"],
                "evidence": members[head]["evidence"],
                "adds": adds,
                "adds_from_card": head in card_adds,
                "copies": [
                    {"id": other, "title": articles[other].title, "outlet": articles[other].outlet,
                     "role": assignments[other]["copy_role"]}
                    for other in by_head[head]
                    if other != head
                ],
            }
        )
    summary = card_summary(card)
    if summary["start"] is None:
        days = sorted(d for d in (_published_text(a) for a in articles.values()) if d)
        if days:
            summary["start"], summary["end"] = days[0][:10], days[-1][:10]
    if summary["headline"] is None and heads:
        summary["headline"] = articles[heads[0]].title
    story = store.story_of_events([event_id]).get(event_id)
    return {
        "kind": "event",
        "id": event_id,
        **summary,
        "card": dict(card),
        "story": story,
        "size": len(members),
        "sources": sources,
    }


def _card_adds(card: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{article_id: [what it adds]}`` from a card's ``unique`` list (``[{"article_id", "sentences"}]``,
    as :class:`newsfold.events.cards.EventCard` writes it), ``sources`` list of such objects with
    ``adds``, or ``adds`` mapping."""
    found: dict[str, list[str]] = {}
    unique = card.get("unique")
    if isinstance(unique, list):
        for entry in unique:
            if isinstance(entry, Mapping) and entry.get("article_id") is not None:
                value = entry.get("sentences") or []
                found[str(entry["article_id"])] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    adds = card.get("adds")
    if isinstance(adds, Mapping):
        for key, value in adds.items():
            found[str(key)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    sources = card.get("sources")
    if isinstance(sources, list):
        for source in sources:
            if not isinstance(source, Mapping):
                continue
            article_id = source.get("article_id") or source.get("id")
            value = source.get("adds")
            if article_id is not None and value is not None:
                found[str(article_id)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return found


def _published_text(article: Article) -> str | None:
    return article.published.isoformat() if article.published else None


def _sentences(text: str) -> list[str]:
    """Sentences of ``text`` long enough to mean something (at least five words), whitespace-normalized."""
    pieces = re.split(r"(?<=[.!?…])\s+|\n+", text)
    return list(dict.fromkeys(" ".join(p.split()) for p in pieces if len(p.split()) >= 5))


@_one_snapshot
def story_view(store: Store, story_id: str) -> dict[str, Any] | None:
    """A storyline with its events in time order (``{"id", "size", start, end, headline, ...}`` each).

    The storyline's own ``start``/``end`` come from its summary or, when it has none, from its events.
    ``None`` when no such storyline.
    """
    story = store.get_story(story_id)
    if story is None:
        return None
    events: list[dict[str, Any]] = []
    for link in story["events"]:
        event = store.get_event(link["event_id"])
        if event is None:
            continue
        events.append(
            {"id": event["id"], "size": len(event["members"]), "evidence": link["evidence"],
             **card_summary(event["card"])}
        )
    events.sort(key=lambda e: (e["start"] is None, e["start"] or "", e["id"]))
    summary = card_summary(story["summary"])
    days = [d for e in events for d in (e["start"], e["end"]) if d]
    summary["start"] = summary["start"] or (min(days) if days else None)
    if summary["end"] is None or summary["end"] == summary["start"]:
        summary["end"] = max(days) if days else summary["start"]
    if summary["headline"] is None and events:
        summary["headline"] = events[0]["headline"]
    return {"kind": "story", "id": story_id, **summary, "summary": story["summary"], "events": events}


@_one_snapshot
def copy_pair_view(store: Store, id_a: str, id_b: str) -> dict[str, Any] | None:
    """Two articles stored as copies, with the pair's evidence and the shared passages of each text.

    ``a`` is ``id_a`` as asked (the order of the two ids is the caller's). ``passages`` are
    ``{"a_start", "a_end", "b_start", "b_end"}`` half-open character offsets into the two texts, in the
    asked orientation. ``None`` when either article or the pair is not stored.
    """
    pair = next(
        (p for p in store.copy_pairs_of([id_a]) if {p.id_a, p.id_b} == {id_a, id_b} and id_a != id_b), None
    )
    if pair is None:
        return None
    found = {a.id: a for a in store.get_articles([id_a, id_b])}
    if id_a not in found or id_b not in found:
        return None
    swapped = pair.id_a != id_a
    passages = [
        {"a_start": q.b_start, "a_end": q.b_end, "b_start": q.a_start, "b_end": q.a_end}
        if swapped
        else {"a_start": q.a_start, "a_end": q.a_end, "b_start": q.b_start, "b_end": q.b_end}
        for q in pair.passages
    ]
    return {
        "kind": "copy_pair",
        "a": article_view(store, found[id_a]),
        "b": article_view(store, found[id_b]),
        "copy_kind": pair.kind,
        "jaccard": round(pair.jaccard, 4),
        "containment_a_in_b": round(pair.containment_b_in_a if swapped else pair.containment_a_in_b, 4),
        "containment_b_in_a": round(pair.containment_a_in_b if swapped else pair.containment_b_in_a, 4),
        "passages": passages,
    }
