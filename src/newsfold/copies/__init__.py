"""Level 1 of newsfold: copies of a report, whatever was done to them, and exactly what they share.

The pure core, no database: :class:`CopyIndex` folds :class:`~newsfold.model.Article` s in and returns
verified :class:`~newsfold.model.CopyPair` s with their shared passages; :func:`build_groups` turns pairs
into :class:`~newsfold.model.CopyGroup` s with roles. :func:`find_copies` does both for one batch.

Example::

    from newsfold.copies import CopyOptions, find_copies
    pairs, groups = find_copies(articles, CopyOptions())
"""

from __future__ import annotations

from collections.abc import Iterable

from newsfold.copies.groups import MemberFacts, build_groups, choose_canonical, facts_of, pair_similarity
from newsfold.copies.index import CopyIndex, FoldResult, IndexEntry, Verdict, verify_pairs
from newsfold.copies.options import CopyOptions
from newsfold.model import Article, CopyGroup, CopyPair

__all__ = [
    "CopyIndex",
    "CopyOptions",
    "FoldResult",
    "IndexEntry",
    "MemberFacts",
    "build_groups",
    "choose_canonical",
    "facts_of",
    "find_copies",
    "pair_similarity",
    "Verdict",
    "verify_pairs",
]


def find_copies(
    articles: Iterable[Article], options: CopyOptions | None = None, *, passages: bool = True
) -> tuple[list[CopyPair], list[CopyGroup]]:
    """All copy pairs among ``articles`` and the groups they form (one in-memory fold)."""
    options = options if options is not None else CopyOptions()
    articles = list(articles)
    pairs = CopyIndex(options).add(articles, passages=passages)
    facts = {a.id: facts_of(a) for a in articles}
    groups = build_groups(
        pairs, facts, containment_threshold=options.containment_threshold, split_below=options.split_below
    )
    return pairs, groups
