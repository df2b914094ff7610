"""Datelines: wire-report openings and place-and-date title endings."""

from __future__ import annotations

import datetime as dt

import pytest

from newsfold.model import Article, Dateline, RawDocument
from newsfold.normalize import NormalizeOptions, build_article
from newsfold.normalize.datelines import parse_dateline, parse_title_dateline


@pytest.mark.parametrize(
    ("paragraph", "raw", "place", "agency", "month_day"),
    [
        ("MINSK, June 19. /TASS/. Belarus said...", "MINSK, June 19. /TASS/.", "MINSK", "TASS", (6, 19)),
        (
            "ST. PETERSBURG, June 3 /TASS/ The forum...",
            "ST. PETERSBURG, June 3 /TASS/",
            "ST. PETERSBURG",
            "TASS",
            (6, 3),
        ),
        ("WASHINGTON (Reuters) - The US said...", "WASHINGTON (Reuters) -", "WASHINGTON", "Reuters", None),
        ("LONDON, March 3 (AP) — Britain said...", "LONDON, March 3 (AP) —", "LONDON", "AP", (3, 3)),
        ("PARIS — France said...", "PARIS —", "PARIS", None, None),
        ("BERLIN, 5 May (dpa) Germany said...", "BERLIN, 5 May (dpa)", "BERLIN", "dpa", (5, 5)),
        ("KYIV, Ukraine (AP) — Ukraine said...", "KYIV, Ukraine (AP) —", "KYIV", "AP", None),
        ("RIO DE JANEIRO (AP) — Brazil said...", "RIO DE JANEIRO (AP) —", "RIO DE JANEIRO", "AP", None),
        ("Minsk, June 19 (BelTA) - Belarus said...", "Minsk, June 19 (BelTA) -", "Minsk", "BelTA", (6, 19)),
        ("Moscow (Reuters) - Russia said...", "Moscow (Reuters) -", "Moscow", "Reuters", None),
        ("LONDON, Oct. 3 -- Britain said...", "LONDON, Oct. 3 --", "LONDON", None, (10, 3)),
    ],
)
def test_dateline_forms(
    paragraph: str, raw: str, place: str, agency: str | None, month_day: tuple[int, int] | None
) -> None:
    found = parse_dateline(paragraph)
    assert found is not None
    assert (found.raw, found.place, found.agency) == (raw, place, agency)
    if month_day is None:
        assert found.date is None
    else:
        assert found.date is not None
        assert (found.date.month, found.date.day, found.date.year) == (*month_day, None)


def test_dateline_with_year() -> None:
    found = parse_dateline("NEW YORK, Jan. 5, 2021 (Reuters) - Stocks rose.")
    assert found is not None and found.date is not None
    assert found.date.full_date == dt.date(2021, 1, 5)


@pytest.mark.parametrize(
    "paragraph",
    [
        "BREAKING — Parliament has voted.",
        "US — China talks resume next week.",
        "NATO — the alliance — said nothing.",
        "Paris — the city of light — was quiet.",
        "Lukashenko (BelTA) said the talks went well.",
        "The ministry (TASS) said the talks went well.",
        "Belarus and Russia should talk. MINSK, June 19. /TASS/. Later text.",
        "A FIRE - broke out overnight.",
        "Bayerischer Rundfunk (BR): Die Staatsregierung plant ...",
    ],
)
def test_not_datelines(paragraph: str) -> None:
    assert parse_dateline(paragraph) is None


def test_title_dateline() -> None:
    found = parse_title_dateline("Opening remarks by the minister, Minsk, June 19, 2020")
    assert found is not None and found.date is not None
    assert (found.raw, found.place, found.agency) == ("Minsk, June 19, 2020", "Minsk", None)
    assert found.date.full_date == dt.date(2020, 6, 19)
    assert parse_title_dateline("Lukashenko says issues can be solved") is None
    assert parse_title_dateline("Talks, in Minsk, June 19, 2020") is None  # "in Minsk" is not a place


def _build(text: str, **kwargs: object) -> Article:
    article = build_article(RawDocument(location="t.txt", text=text, **kwargs))  # type: ignore[arg-type]
    assert isinstance(article, Article)
    return article


def test_dateline_after_headline_and_standfirst() -> None:
    text = (
        "Ministers meet in Minsk\n\nA short standfirst without a final period\n\n"
        "MINSK, June 19. /TASS/. The ministers met on Friday.\n\nMore text."
    )
    article = _build(text, published="2020-06-19T12:00:00+03:00")
    assert article.title == "Ministers meet in Minsk"
    assert article.dateline == Dateline("MINSK", "TASS", dt.date(2020, 6, 19), "MINSK, June 19. /TASS/.")
    assert article.text.startswith("A short standfirst")  # the dateline stays in the text


def test_dateline_only_at_start_of_first_body_paragraph() -> None:
    text = "Ministers meet\n\nThe ministers met on Friday.\n\nMINSK, June 19. /TASS/. Quoted later."
    assert _build(text).dateline is None


def test_place_from_title_when_no_body_dateline() -> None:
    article = _build("Remarks by the minister, Minsk, June 19, 2020\n\nThank you very much.")
    assert article.dateline == Dateline("Minsk", None, dt.date(2020, 6, 19), "Minsk, June 19, 2020")
    assert article.published == dt.date(2020, 6, 19)


def test_yearless_dateline_resolved_against_published() -> None:
    # Published on 2 January 2021: "December 31" is the day before yesterday, in 2020.
    article = _build("Year ends\n\nLONDON, Dec. 31 (AP) — Fireworks.", published="2021-01-02")
    assert article.dateline is not None and article.dateline.date == dt.date(2020, 12, 31)
    # A dateline a day after the stamp (time zones) stays in the stamp's year.
    article = _build("TOKYO, Jan. 1 (AP) — New year.", published="2020-12-31T22:00:00-05:00")
    assert article.dateline is not None and article.dateline.date == dt.date(2021, 1, 1)


def test_yearless_dateline_becomes_published_when_none_given() -> None:
    options = NormalizeOptions(as_of=dt.date(2024, 3, 1))
    article = build_article(RawDocument("t.txt", "BERLIN, 5 May (dpa) Germany said."), options)
    assert isinstance(article, Article)
    assert article.published == dt.date(2023, 5, 5)
