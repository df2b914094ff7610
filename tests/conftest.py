"""Shared fixtures: a fresh store per test, the shared seeds, and an article factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsfold.model import Article
from newsfold.normalize import content_hash, normalize_text
from newsfold.store import Store

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def seeds_dir() -> Path:
    path = SHARED_DATA / "seeds"
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path} (the seeds live beside the project in ../shared/data)")
    return path


def make_article(
    article_id: str,
    text: str,
    *,
    title: str | None = None,
    published: dt.date | dt.datetime | None = None,
    source: str | None = None,
) -> Article:
    """An Article built the way the readers build one, for tests that need no files."""
    normalized = normalize_text(text)
    return Article(
        id=article_id,
        content_hash=content_hash(normalized),
        text=normalized,
        title=title,
        published=published,
        source=source or f"test:{article_id}",
    )
