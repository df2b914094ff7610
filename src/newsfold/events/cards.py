"""Event cards: who, where, when, a headline chosen from the members, the sources, and what each says alone.

:func:`build_card` summarizes one event from its member articles:

- **who**: the people and organizations named by the most members (their fullest written form);
- **where**: dateline places first, then the places named by the most members;
- **when**: the most common event day of the members (earliest on ties);
- **headline**: the member headline closest to the event's TF-IDF centroid (a medoid, as in
  centroid-based summarization, Radev et al. 2004), earliest publication on ties;
- **sources**: outlets (or article ids when the outlet is unknown), earliest first;
- **unique**: per member, its sentences that no other member covers. A sentence is covered when another
  member contains at least half of its word 3-grams (a copy) or one sentence of another member contains
  at least ``coverage`` of its content terms (a paraphrase of the same fact). Approximate: a paraphrase
  with new wording counts as new. Copies are one source here: members whose texts are copies of each
  other (the same text, or one holding ``copy_containment`` of the other's word 3-grams: a reprint or an
  excerpt) form a copy family, only the family's canonical member (the copies engine's rule: earliest,
  then longest, then smallest id) is compared with the other families, and the other members of the
  family add nothing and name it in ``copy_of``. Without families, a reprint would "cover" every sentence
  of its original and both would seem to add nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newsfold.copies.groups import choose_canonical, facts_of
from newsfold.events.cluster import publication_key
from newsfold.events.entities import extract_mentions
from newsfold.events.features import ArticleFeatures, IdfTable, article_features
from newsfold.events.scorer import sparse_dot
from newsfold.events.text import sentences, terms
from newsfold.model import Article

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class SourceContribution:
    """What one member article says that the other members do not."""

    article_id: str
    source: str
    sentences: tuple[str, ...]
    copy_of: str | None = None


@dataclass(frozen=True, slots=True)
class EventCard:
    """The summary of one event, as plain data."""

    event_id: str
    headline: str
    headline_article: str
    who: tuple[str, ...]
    where: tuple[str, ...]
    when: dt.date | None
    sources: tuple[str, ...]
    members: tuple[str, ...]
    unique: tuple[SourceContribution, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "event_id": self.event_id,
            "headline": self.headline,
            "headline_article": self.headline_article,
            "who": list(self.who),
            "where": list(self.where),
            "when": self.when.isoformat() if self.when else None,
            "sources": list(self.sources),
            "members": list(self.members),
            "unique": [
                {"article_id": u.article_id, "source": u.source, "sentences": list(u.sentences), "copy_of": u.copy_of}
                for u in self.unique
            ],
        }


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORDS.findall(text)]
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


# Above this many distinct member texts, families are formed from identical texts only: the 3-gram
# comparison of every pair of texts would cost more than the card is worth.
MAX_FAMILY_TEXTS = 300


def copy_families(articles: Sequence[Article], copy_containment: float = 0.8) -> dict[str, str]:
    """For each article id, the id of its copy family's canonical member (itself when it has no copy).

    Two articles are copies when their texts are equal (same ``content_hash``) or the smaller 3-gram set
    has at least ``copy_containment`` of its 3-grams in the other; families are the connected components
    of that relation (at most :data:`MAX_FAMILY_TEXTS` distinct texts are compared pairwise).
    """
    if not 0.0 < copy_containment <= 1.0:
        raise ValueError("copy_containment must be in (0, 1]")
    parent = {a.id: a.id for a in articles}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(a: str, b: str) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)

    first_of_hash: dict[str, str] = {}
    for article in articles:
        union(first_of_hash.setdefault(article.content_hash, article.id), article.id)
    distinct = [a for a in articles if first_of_hash[a.content_hash] == a.id]
    if len(distinct) <= MAX_FAMILY_TEXTS:
        grams = [_trigrams(a.text) for a in distinct]
        for i, left in enumerate(grams):
            for j in range(i + 1, len(grams)):
                right = grams[j]
                smaller = min(len(left), len(right))
                if smaller and len(left & right) >= copy_containment * smaller:
                    union(distinct[i].id, distinct[j].id)
    members: dict[str, list[Article]] = {}
    for article in articles:
        members.setdefault(find(article.id), []).append(article)
    canonical = {root: choose_canonical(facts_of(a) for a in group).id for root, group in members.items()}
    return {a.id: canonical[find(a.id)] for a in articles}


def unique_sentences(
    articles: Sequence[Article], coverage: float = 0.7, min_terms: int = 4
) -> dict[str, tuple[str, ...]]:
    """For each article id, its sentences (with at least ``min_terms`` content terms) not covered by any
    other article of ``articles`` (see the module docstring for "covered")."""
    if not 0.0 < coverage <= 1.0:
        raise ValueError("coverage must be in (0, 1]")
    split = {a.id: sentences(a.text) for a in articles}
    grams = {a.id: _trigrams(a.text) for a in articles}
    sentence_terms = {a.id: [set(terms(s)) for s in split[a.id]] for a in articles}
    out: dict[str, tuple[str, ...]] = {}
    for article in articles:
        others = [a.id for a in articles if a.id != article.id]
        kept = []
        for sentence, own_terms in zip(split[article.id], sentence_terms[article.id], strict=True):
            if len(own_terms) < min_terms:
                continue
            own_grams = _trigrams(sentence)
            copied = any(
                own_grams and len(own_grams & grams[other]) >= 0.5 * len(own_grams) for other in others
            )
            paraphrased = any(
                len(own_terms & other_terms) >= coverage * len(own_terms)
                for other in others
                for other_terms in sentence_terms[other]
            )
            if not copied and not paraphrased:
                kept.append(sentence)
        out[article.id] = tuple(kept)
    return out


def _dot(a: dict[str, float], b: dict[str, float] | ArticleFeatures) -> float:
    return sparse_dot(a, b.vector if isinstance(b, ArticleFeatures) else b)


def build_card(
    event_id: str,
    articles: Sequence[Article],
    features: Sequence[ArticleFeatures] | None = None,
    max_names: int = 6,
) -> EventCard:
    """The card of one event from its member ``articles`` (and their features, computed when absent)."""
    if not articles:
        raise ValueError("an event card needs at least one article")
    if features is None:
        idf = IdfTable.background()
        features = [article_features(a, idf) for a in articles]
    by_id = {f.article_id: f for f in features}
    ordered = sorted(articles, key=publication_key)

    centroid: dict[str, float] = {}
    for article in ordered:
        for term, weight in by_id[article.id].vector.items():
            centroid[term] = centroid.get(term, 0.0) + weight
    norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    centroid = {t: v / norm for t, v in centroid.items()}
    candidates = [a for a in ordered if len(by_id[a.id].headline.split()) >= 4] or ordered
    chosen = max(candidates, key=lambda a: (_dot(centroid, by_id[a.id]), -ordered.index(a)))

    members_naming: Counter[tuple[str, str]] = Counter()
    mentions_total: Counter[tuple[str, str]] = Counter()
    written: dict[tuple[str, str], Counter[str]] = {}
    for article in ordered:
        text = f"{article.title}\n\n{article.text}" if article.title else article.text
        seen: set[tuple[str, str]] = set()
        for mention in extract_mentions(text):
            kind = "place" if mention.type == "place" else "actor" if mention.type in ("person", "org") else ""
            if not kind:
                continue
            key = (kind, mention.key)
            written.setdefault(key, Counter())[mention.text] += 1
            mentions_total[key] += 1
            seen.add(key)
        members_naming.update(seen)

    def display(key: tuple[str, str]) -> str:
        if key[0] == "place":
            return key[1].title()
        forms = written[key]
        return max(forms, key=lambda form: (len(form.split()), forms[form], form))

    ranked = sorted(members_naming.items(), key=lambda kv: (-kv[1], -mentions_total[kv[0]], kv[0]))
    who = tuple(display(key) for key, _ in ranked if key[0] == "actor")[:max_names]
    places = [f.dateline_place.title() for f in features if f.dateline_place]
    for key, _ in ranked:
        if key[0] == "place":
            places.append(display(key))
    where = tuple(dict.fromkeys(places))[:max_names]
    days = Counter(f.when for f in features if f.when is not None)
    when = min(days, key=lambda d: (-days[d], d)) if days else None
    sources = tuple(dict.fromkeys(a.outlet or a.id for a in ordered))
    families = copy_families(ordered)
    unique = unique_sentences([a for a in ordered if families[a.id] == a.id])
    return EventCard(
        event_id=event_id,
        headline=by_id[chosen.id].headline,
        headline_article=chosen.id,
        who=who,
        where=where,
        when=when,
        sources=sources,
        members=tuple(a.id for a in ordered),
        unique=tuple(
            SourceContribution(a.id, a.outlet or a.id, unique[a.id])
            if families[a.id] == a.id
            else SourceContribution(a.id, a.outlet or a.id, (), copy_of=families[a.id])
            for a in ordered
        ),
    )
