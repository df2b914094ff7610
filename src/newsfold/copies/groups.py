"""Copy groups: connected copy pairs, their canonical member, roles and weakest link.

Groups are the connected components of the verified pairs (union-find). The structure that holds a group
together is its maximum spanning tree over pair similarity (Kruskal); ``weakest_link`` is the smallest
similarity in that tree, the bottleneck of the best chain between its two loosest members. With
``split_below`` set, links below it are not used, which splits a chain at its weak links and leaves
every remaining group with ``weakest_link >= split_below``.

A pair's similarity is 1.0 for exact copies and otherwise the larger of its Jaccard similarity and its
two containments (an excerpt is strongly tied to its source even though their Jaccard is low).

The group id is ``"c"`` followed by the smallest ``content_hash`` among the members: it depends only on
the members' texts, never on input order, and it stays the same when a group grows unless the newcomer's
text hashes lower or two groups merge (then the merged group takes the lower of the two ids). For a group
of exact duplicates it is ``"c" + their content_hash``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from newsfold.copies import kernels
from newsfold.copies.gcpause import cyclic_gc_paused
from newsfold.model import Article, CopyGroup, CopyMember, CopyPair, CopyRole, PublishedDate


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What grouping needs to know of an article (so a store need not load whole texts)."""

    id: str
    content_hash: str
    published: PublishedDate | None
    text_length: int


def facts_of(article: Article) -> MemberFacts:
    """The :class:`MemberFacts` of an article."""
    return MemberFacts(article.id, article.content_hash, article.published, len(article.text))


def _published_key(published: PublishedDate | None) -> tuple[int, dt.datetime]:
    if published is None:
        return (1, dt.datetime.min)
    if isinstance(published, dt.datetime):
        if published.tzinfo is not None:
            published = published.astimezone(dt.UTC).replace(tzinfo=None)
        return (0, published)
    return (0, dt.datetime.combine(published, dt.time()))


def canonical_key(member: MemberFacts) -> tuple[tuple[int, dt.datetime], int, str]:
    """Sort key of the canonical rule: earliest published (undated last; a date counts as its midnight,
    an aware datetime as UTC), then the longest text, then the smallest id."""
    return (_published_key(member.published), -member.text_length, member.id)


def member_role(member: MemberFacts, canonical: MemberFacts, excerpt: bool) -> CopyRole:
    """A member's role in its group: the canonical member; a ``duplicate`` (the canonical's very text);
    an ``excerpt`` (contained in a longer member); else a ``reprint``."""
    if member.id == canonical.id:
        return "canonical"
    if member.content_hash == canonical.content_hash:
        return "duplicate"
    return "excerpt" if excerpt else "reprint"


def choose_canonical(members: Iterable[MemberFacts]) -> MemberFacts:
    """The member that stands for the group (see :func:`canonical_key`)."""
    return min(members, key=canonical_key)


def pair_similarity(pair: CopyPair) -> float:
    """The strength of a copy link: 1.0 for exact copies, else max(Jaccard, both containments)."""
    if pair.kind == "exact":
        return 1.0
    return max(pair.jaccard, pair.containment_a_in_b, pair.containment_b_in_a)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent
        root = parent.setdefault(item, item)
        while parent[root] != root:
            root = parent[root]
        while item != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: str, b: str) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        if root_b < root_a:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        return True


def build_groups(
    pairs: Iterable[CopyPair],
    facts: Mapping[str, MemberFacts],
    *,
    containment_threshold: float,
    split_below: float | None = None,
) -> list[CopyGroup]:
    """The copy groups of ``pairs``, sorted by id, then canonical member (two groups share an id only
    when one text is in both, which the pairs of one index never give); every article named by a pair
    must be in ``facts``.

    Roles: the canonical member (:func:`choose_canonical`); ``duplicate`` for the other members with the
    canonical's ``content_hash``; ``excerpt`` for a member that is the contained side (containment at
    least ``containment_threshold``) of an ``excerpt`` pair with a longer member of its group; ``reprint``
    for everyone else. The result does not depend on the order of ``pairs``.
    """
    pairs = pairs if isinstance(pairs, list) else list(pairs)
    if kernels.enabled(10 * len(pairs)):
        with cyclic_gc_paused():
            return _build_groups_compiled(pairs, facts, containment_threshold, split_below)
    ranked = sorted(pairs, key=lambda p: (-pair_similarity(p), p.id_a, p.id_b))
    links = _UnionFind()
    tree_edges: list[tuple[str, float]] = []
    kept: list[CopyPair] = []
    for pair in ranked:
        similarity = pair_similarity(pair)
        if split_below is not None and similarity < split_below:
            continue
        kept.append(pair)
        links.find(pair.id_a)
        links.find(pair.id_b)
        if links.union(pair.id_a, pair.id_b):
            tree_edges.append((pair.id_a, similarity))
    components: dict[str, list[str]] = {}
    for item in links.parent:
        components.setdefault(links.find(item), []).append(item)
    weakest: dict[str, float] = {}
    for member_id, similarity in tree_edges:
        root = links.find(member_id)
        weakest[root] = min(weakest.get(root, 1.0), similarity)
    excerpt_ids: set[str] = set()
    for pair in kept:
        if pair.kind != "excerpt":
            continue
        a, b = facts[pair.id_a], facts[pair.id_b]
        if pair.containment_a_in_b >= containment_threshold and a.text_length < b.text_length:
            excerpt_ids.add(a.id)
        if pair.containment_b_in_a >= containment_threshold and b.text_length < a.text_length:
            excerpt_ids.add(b.id)
    groups: list[CopyGroup] = []
    for root, member_ids in components.items():
        members = [facts[i] for i in member_ids]
        canonical = choose_canonical(members)
        roles: list[CopyMember] = []
        for member in sorted(members, key=lambda m: m.id):
            roles.append(CopyMember(member.id, member_role(member, canonical, member.id in excerpt_ids)))
        groups.append(
            CopyGroup(
                id="c" + min(m.content_hash for m in members),
                canonical=canonical.id,
                members=tuple(roles),
                weakest_link=weakest.get(root, 1.0),
            )
        )
    groups.sort(key=lambda g: (g.id, g.canonical))
    return groups


def _build_groups_compiled(
    pairs: Iterable[CopyPair],
    facts: Mapping[str, MemberFacts],
    containment_threshold: float,
    split_below: float | None,
) -> list[CopyGroup]:
    """:func:`build_groups` with the pairs as arrays and Kruskal's union-find compiled.

    The spanning forest may break ties between equally similar links differently from the pure-Python
    path; the components and each group's weakest link (the bottleneck of a maximum spanning tree) do not
    depend on it, so the groups are the same.
    """
    pairs = list(pairs)
    count = len(pairs)
    jaccard = np.fromiter(map(attrgetter("jaccard"), pairs), dtype=np.float64, count=count)
    a_in_b = np.fromiter(map(attrgetter("containment_a_in_b"), pairs), dtype=np.float64, count=count)
    b_in_a = np.fromiter(map(attrgetter("containment_b_in_a"), pairs), dtype=np.float64, count=count)
    kinds = list(map(attrgetter("kind"), pairs))
    exact = np.fromiter(map("exact".__eq__, kinds), dtype=np.bool_, count=count)
    similarity = np.where(exact, 1.0, np.maximum(np.maximum(jaccard, a_in_b), b_in_a))
    ids_a = list(map(attrgetter("id_a"), pairs))
    ids_b = list(map(attrgetter("id_b"), pairs))
    if split_below is not None:
        kept = np.flatnonzero(similarity >= split_below)
        take = kept.tolist()
        kinds, ids_a, ids_b = [kinds[i] for i in take], [ids_a[i] for i in take], [ids_b[i] for i in take]
        similarity, a_in_b, b_in_a = similarity[kept], a_in_b[kept], b_in_a[kept]
        count = kept.size
    member_ids = list(dict.fromkeys(ids_a + ids_b))
    number = dict(zip(member_ids, range(len(member_ids)), strict=True))
    side_a = np.fromiter(map(number.__getitem__, ids_a), dtype=np.int64, count=count)
    side_b = np.fromiter(map(number.__getitem__, ids_b), dtype=np.int64, count=count)
    if not member_ids:
        return []
    members = [facts[i] for i in member_ids]
    lengths = np.fromiter((m.text_length for m in members), dtype=np.int64, count=len(members))
    roots, joined = kernels.spanning_forest(len(number), side_a, side_b, np.argsort(-similarity, kind="stable"))
    weakest = np.ones(len(number), dtype=np.float64)
    tree = np.flatnonzero(joined)
    np.minimum.at(weakest, roots[side_a[tree]], similarity[tree])
    is_excerpt_pair = np.fromiter(map("excerpt".__eq__, kinds), dtype=np.bool_, count=count)
    excerpt = np.zeros(len(number), dtype=np.bool_)
    excerpt[side_a[is_excerpt_pair & (a_in_b >= containment_threshold) & (lengths[side_a] < lengths[side_b])]] = True
    excerpt[side_b[is_excerpt_pair & (b_in_a >= containment_threshold) & (lengths[side_b] < lengths[side_a])]] = True
    by_root = np.argsort(roots, kind="stable")
    bounds = np.flatnonzero(np.diff(roots[by_root])) + 1
    groups: list[CopyGroup] = []
    is_excerpt = excerpt.tolist()
    weakest_of = weakest.tolist()
    ordered = by_root.tolist()
    cuts = [0, *bounds.tolist(), len(ordered)]
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        items = ordered[lo:hi]
        group = [members[i] for i in items]
        canonical = choose_canonical(group)
        roles: list[CopyMember] = []
        for item in sorted(items, key=member_ids.__getitem__):
            member = members[item]
            roles.append(CopyMember(member.id, member_role(member, canonical, bool(is_excerpt[item]))))
        groups.append(
            CopyGroup(
                id="c" + min(m.content_hash for m in group),
                canonical=canonical.id,
                members=tuple(roles),
                weakest_link=weakest_of[int(roots[items[0]])],
            )
        )
    groups.sort(key=lambda g: (g.id, g.canonical))
    return groups
