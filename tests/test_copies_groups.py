"""Copy groups: canonical rule, roles, stable ids, weakest links and splitting."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.copies.groups import MemberFacts, build_groups, choose_canonical
from newsfold.model import CopyPair


def facts(**members: tuple[str, dt.date | dt.datetime | None, int]) -> dict[str, MemberFacts]:
    return {i: MemberFacts(i, h, published, length) for i, (h, published, length) in members.items()}


def test_canonical_is_earliest_then_longest_then_smallest_id() -> None:
    day = dt.date(2020, 6, 19)
    members = facts(
        b=("h1", day, 100),
        a=("h2", day, 100),
        c=("h3", day, 50),
        d=("h4", None, 999),
        e=("h5", dt.datetime(2020, 6, 20, tzinfo=dt.UTC), 999),
    )
    assert choose_canonical(members.values()).id == "a"
    assert choose_canonical([members["d"], members["e"]]).id == "e"


def test_roles_and_group_id() -> None:
    members = facts(
        orig=("bbbb", dt.date(2020, 1, 1), 1000),
        dup=("bbbb", dt.date(2020, 1, 2), 1000),
        part=("cccc", dt.date(2020, 1, 3), 300),
        other=("aaaa", dt.date(2020, 1, 4), 990),
    )
    pairs = [
        CopyPair("dup", "orig", "exact", 1.0, 1.0, 1.0),
        CopyPair("orig", "part", "excerpt", 0.3, 0.3, 0.98),
        CopyPair("other", "orig", "near", 0.8, 0.9, 0.88),
    ]
    (group,) = build_groups(pairs, members, containment_threshold=0.7)
    assert group.id == "caaaa"
    assert group.canonical == "orig"
    assert {m.article_id: m.role for m in group.members} == {
        "orig": "canonical",
        "dup": "duplicate",
        "part": "excerpt",
        "other": "reprint",
    }
    assert group.weakest_link == 0.9


def test_weak_chains_report_their_weakest_link_and_can_be_split() -> None:
    members = facts(a=("1", None, 10), b=("2", None, 10), c=("3", None, 10), d=("4", None, 10))
    pairs = [
        CopyPair("a", "b", "near", 0.9, 0.95, 0.95),
        CopyPair("b", "c", "near", 0.4, 0.55, 0.6),
        CopyPair("c", "d", "near", 0.8, 0.9, 0.9),
        CopyPair("a", "c", "near", 0.35, 0.5, 0.5),
    ]
    (whole,) = build_groups(pairs, members, containment_threshold=0.7)
    assert whole.weakest_link == 0.6
    split = build_groups(pairs, members, containment_threshold=0.7, split_below=0.7)
    assert [sorted(m.article_id for m in g.members) for g in split] == [["a", "b"], ["c", "d"]]
    assert all(g.weakest_link >= 0.7 for g in split)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(0.3, 1.0), st.sampled_from(["near", "excerpt"])),
        max_size=25,
    ),
    st.randoms(use_true_random=False),
)
def test_groups_do_not_depend_on_pair_order(edges: list[tuple[int, int, float, str]], rng: object) -> None:
    members = facts(**{f"x{i}": (f"h{i % 7}", dt.date(2020, 1, 1 + i % 3), 100 + i % 4) for i in range(10)})
    pairs = [
        CopyPair(f"x{min(a, b)}", f"x{max(a, b)}", kind, score, score, 0.9)  # type: ignore[arg-type]
        for a, b, score, kind in edges
        if a != b
    ]
    shuffled = list(pairs)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert build_groups(pairs, members, containment_threshold=0.7) == build_groups(
        shuffled, members, containment_threshold=0.7
    )
