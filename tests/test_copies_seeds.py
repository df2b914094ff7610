"""The acceptance fixture: the five seed articles fold into one copy group {000, 002}."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xxhash

from newsfold.copies import find_copies
from newsfold.model import Article

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


def seed_articles() -> list[Article]:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS} (../shared/data beside the project)")
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        articles.append(
            Article(id=path.stem.split("_")[0], content_hash=xxhash.xxh3_64_hexdigest(text.encode()), text=text)
        )
    return articles


def test_seeds_fold_into_one_copy_group_with_002_an_excerpt_of_000() -> None:
    articles = seed_articles()
    texts = {a.id: a.text for a in articles}
    pairs, groups = find_copies(articles)
    assert [(p.id_a, p.id_b, p.kind) for p in pairs] == [("000", "002", "excerpt")]
    (pair,) = pairs
    assert pair.containment_b_in_a == 1.0 and pair.containment_a_in_b < 0.9
    assert pair.passages, "the shared passages come with the pair"
    for passage in pair.passages:
        in_000 = re.findall(r"\w+", texts["000"][passage.a_start : passage.a_end])
        in_002 = re.findall(r"\w+", texts["002"][passage.b_start : passage.b_end])
        assert in_000 == in_002
    covered = sum(p.b_end - p.b_start for p in pair.passages)
    assert covered >= 0.95 * len(texts["002"].strip())
    (group,) = groups
    assert group.canonical == "000"
    assert {m.article_id: m.role for m in group.members} == {"000": "canonical", "002": "excerpt"}
