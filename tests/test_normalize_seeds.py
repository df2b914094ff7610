"""Acceptance: titles, datelines and dates of the five seed articles in ../shared/data/seeds.

Only titles and dates are asserted: the article texts belong to their publishers and are not copied here.

Two seeds (000, 003) carry no year anywhere: only a month-day and its weekday. Such a pair recurs
every 5, 6 or 11 years (19 June was a Friday in 2015, 2020 and 2026), so it resolves to the most recent
matching year not after ``NormalizeOptions.as_of``. The seeds are a 2020-2024 collection, so the tests
read them as of the collection's newest own date (``collection_as_of``: 004's 24 May 2024), as a
pipeline should read an archive; read as of a day after 19 June 2026 (the default, today, when this was
written) 000 would resolve to 2026, and 003 likewise after 26 November 2026, shown in the last test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsfold.model import Article, RawDocument
from newsfold.normalize import NormalizeOptions, build_article, collection_as_of

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seeds"

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS} (../shared/data is not checked out)"
)


def _seed_path(prefix: str) -> Path:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} missing from {SEEDS}")
    return matches[0]


def _build(prefix: str, options: NormalizeOptions) -> Article:
    path = _seed_path(prefix)
    article = build_article(_raw(path), options)
    assert isinstance(article, Article), article
    assert article.id == path.name
    assert article.source == str(path)
    return article


def _raw(path: Path) -> RawDocument:
    return RawDocument(location=str(path), text=path.read_text(encoding="utf-8"), derived_id=path.name)


@pytest.fixture(scope="module")
def as_of() -> NormalizeOptions:
    # Only 001 (a full date in its title) and 004 (a stamp) carry their own year; 004 is the newest.
    newest = collection_as_of(_raw(path) for path in sorted(SEEDS.glob("*.txt")))
    assert newest == dt.date(2024, 5, 24)
    return NormalizeOptions(as_of=newest)


def test_000_tass_report(as_of: NormalizeOptions) -> None:
    article = _build("000", as_of)
    assert article.title == "Lukashenko says Russian-Belarusian issues can be solved"
    assert not article.text.startswith("All news")
    assert "All news" not in article.text.split("\n")
    assert article.dateline is not None
    assert (article.dateline.place, article.dateline.agency) == ("MINSK", "TASS")
    assert article.dateline.raw == "MINSK, June 19. /TASS/."
    assert article.dateline.date == dt.date(2020, 6, 19)
    assert article.published == dt.date(2020, 6, 19)


def test_001_ministry_transcript(as_of: NormalizeOptions) -> None:
    article = _build("001", as_of)
    assert article.title == (
        "Foreign Minister Sergey Lavrov’s opening remarks during a conversation with President of Belarus "
        "Alexander Lukashenko, Minsk, June 19, 2020"
    )
    assert article.dateline is not None
    assert article.dateline.place == "Minsk"
    assert article.dateline.date == dt.date(2020, 6, 19)
    assert article.published == dt.date(2020, 6, 19)
    lines = article.text.split("\n")
    assert not any("en-GB" in line for line in lines)  # the language switcher is furniture
    assert lines[-1] != "Additional materials"


def test_002_excerpt_has_no_title_and_no_date(as_of: NormalizeOptions) -> None:
    article = _build("002", as_of)
    assert article.title is None
    assert article.dateline is None
    assert article.published is None


def test_003_later_meeting(as_of: NormalizeOptions) -> None:
    article = _build("003", as_of)
    assert article.title == "Highlights Of Lukashenko And Russian Foreign Minister Lavrov’s Meeting"
    assert article.published == dt.date(2020, 11, 26)
    assert not any(line.startswith("Photo:") for line in article.text.split("\n"))


def test_004_posted_stamp(as_of: NormalizeOptions) -> None:
    article = _build("004", as_of)
    assert article.title == (
        "Lukashenko on results of negotiations with Putin: no unsolvable problems in relations between our "
        "countries"
    )
    assert article.published == dt.datetime(2024, 5, 24, 19, 54)
    assert isinstance(article.published, dt.datetime) and article.published.tzinfo is None
    assert not article.text.startswith("Posted")
    assert "24.05.2024" not in article.text


def test_seeds_have_distinct_hashes_and_keep_their_text(as_of: NormalizeOptions) -> None:
    articles = [_build(prefix, as_of) for prefix in ("000", "001", "002", "003", "004")]
    assert len({a.content_hash for a in articles}) == 5
    # 002 is 000 without its headline and first paragraph: its text is the tail of 000's.
    assert articles[0].text.endswith(articles[2].text)


def test_yearless_seeds_follow_as_of() -> None:
    late_2026 = NormalizeOptions(as_of=dt.date(2026, 11, 26))
    assert _build("000", late_2026).published == dt.date(2026, 6, 19)
    assert _build("003", late_2026).published == dt.date(2026, 11, 26)
    assert _build("001", late_2026).published == dt.date(2020, 6, 19)  # has its year: unaffected
