"""The copies stage over a store: pairs with passages, groups with roles, resumable folding."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import xxhash

from newsfold.copies import CopyOptions, find_copies
from newsfold.copies.stage import CopiesStage
from newsfold.model import Article
from newsfold.store import Store


def article(article_id: str, text: str, published: dt.date | None = None) -> Article:
    return Article(
        id=article_id, content_hash=xxhash.xxh3_64_hexdigest(text.encode()), text=text, published=published
    )


def corpus() -> list[Article]:
    rng = random.Random(5)
    words = [f"w{n}" for n in range(3000)]
    result: list[Article] = []
    for story in range(30):
        paragraphs = [" ".join(rng.choice(words) for _ in range(30)) for _ in range(10)]
        text = "\n\n".join(paragraphs)
        day = dt.date(2024, 1, 1 + story % 28)
        result.append(article(f"s{story:02d}-orig", text, day))
        result.append(article(f"s{story:02d}-copy", "Site header\n\n" + text, day + dt.timedelta(days=1)))
        result.append(article(f"s{story:02d}-part", "\n\n".join(paragraphs[2:5]), day + dt.timedelta(days=2)))
        result.append(article(f"s{story:02d}-same", text, day + dt.timedelta(days=3)))
    rng.shuffle(result)
    return result


def groups_of(store: Store) -> set[tuple[str, str, tuple[tuple[str, str], ...]]]:
    found = set()
    for row in store.list_copy_groups(limit=10_000):
        group = store.get_copy_group(row["id"])
        assert group is not None
        found.add((group.id, group.canonical, tuple((m.article_id, m.role) for m in group.members)))
    return found


def test_stage_folds_in_parts_like_at_once_and_survives_a_restart(tmp_path: Path) -> None:
    articles = corpus()
    with Store(tmp_path / "once.db") as once:
        once.add_articles(articles)
        report = CopiesStage(batch_size=1000).run(once, [a.id for a in articles])
        assert report.articles_seen == len(articles)
        expected = groups_of(once)
        pairs_once = list(once.iter_copy_pairs())
    with Store(tmp_path / "parts.db") as parts:
        parts.add_articles(articles[:50])
        CopiesStage(batch_size=20).run(parts, [])
        parts.add_articles(articles[50:])
        CopiesStage(batch_size=20).run(parts, [])  # a fresh stage: the index comes back from the store
        assert groups_of(parts) == expected
        assert list(parts.iter_copy_pairs()) == pairs_once
    assert len(expected) == 30
    for _, canonical, members in expected:
        roles = dict(members)
        story = canonical.split("-")[0]
        assert canonical == f"{story}-orig"
        assert roles == {
            f"{story}-orig": "canonical",
            f"{story}-same": "duplicate",
            f"{story}-copy": "reprint",
            f"{story}-part": "excerpt",
        }
    _, in_memory = find_copies(articles, CopyOptions())
    assert {(g.id, g.canonical, tuple((m.article_id, m.role) for m in g.members)) for g in in_memory} == expected


def test_pairs_are_stored_with_their_passages(tmp_path: Path) -> None:
    articles = corpus()[:40]
    with Store(tmp_path / "s.db") as store:
        store.add_articles(articles)
        CopiesStage().run(store, [])
        pairs = list(store.iter_copy_pairs())
    texts = {a.id: a.text for a in articles}
    assert pairs and all(p.passages for p in pairs)
    for pair in pairs:
        for passage in pair.passages:
            assert texts[pair.id_a][passage.a_start : passage.a_end] == texts[pair.id_b][passage.b_start : passage.b_end]
