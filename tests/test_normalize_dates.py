"""Dates: parsing publication stamps, finding mentions, resolving yearless dates and weekdays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsfold.model import Article, RawDocument
from newsfold.normalize import NormalizeOptions, build_article
from newsfold.normalize.dates import (
    find_date_mentions,
    parse_date_line,
    parse_published,
    resolve_month_day,
    resolve_month_day_weekday,
    resolve_weekday,
)

UTC = dt.UTC
MSK = dt.timezone(dt.timedelta(hours=3))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-06-19", dt.date(2020, 6, 19)),
        ("2020-06-19T10:00:00Z", dt.datetime(2020, 6, 19, 10, tzinfo=UTC)),
        ("2020-06-19 10:00:00+03:00", dt.datetime(2020, 6, 19, 10, tzinfo=MSK)),
        ("2020-06-19T10:00:00", dt.datetime(2020, 6, 19, 10)),
        ("Fri, 19 Jun 2020 10:00:00 +0300", dt.datetime(2020, 6, 19, 10, tzinfo=MSK)),
        ("Fri, 19 Jun 2020 10:00:00 -0000", dt.datetime(2020, 6, 19, 10)),  # RFC 2822: zone unknown
        ("24.05.2024 19:54:00", dt.datetime(2024, 5, 24, 19, 54)),
        ("24.05.2024", dt.date(2024, 5, 24)),
        ("2024/05/24 10:00", dt.datetime(2024, 5, 24, 10)),
        ("June 19, 2020", dt.date(2020, 6, 19)),
        ("Friday, 19 June 2020", dt.date(2020, 6, 19)),
        ("19 June 2020 10:00", dt.datetime(2020, 6, 19, 10)),
        ("  2020-06-19  ", dt.date(2020, 6, 19)),
        ("May 03 , 2013", dt.date(2013, 5, 3)),  # tokenized text (ECB+)
        (
            "June 13, 2013 4:59 PM EDT",
            dt.datetime(2013, 6, 13, 16, 59, tzinfo=dt.timezone(dt.timedelta(hours=-4))),
        ),
        ("Monday, 28 November 2005, 02:24 GMT", dt.datetime(2005, 11, 28, 2, 24, tzinfo=UTC)),
        (
            "November 15, 2011 6:07:15 PM GMT+01:00",
            dt.datetime(2011, 11, 15, 18, 7, 15, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ),
        ("June 19, 2020 12:30 AM", dt.datetime(2020, 6, 19, 0, 30)),
        ("24.05.2024 19:54:00 MSK", dt.datetime(2024, 5, 24, 19, 54, tzinfo=MSK)),
        ("Jul 07, 2012 7:40 PM ET", dt.datetime(2012, 7, 7, 19, 40)),  # ET: offset unknown, kept naive
        ("13/03/2013", dt.date(2013, 3, 13)),
        ("20200619", dt.date(2020, 6, 19)),
        ("1394470370698", dt.datetime(2014, 3, 10, 16, 52, 50, 698000, tzinfo=UTC)),  # epoch ms (UCI)
        ("1394470370", dt.datetime(2014, 3, 10, 16, 52, 50, tzinfo=UTC)),
        ("03/13/2013", dt.date(2013, 3, 13)),
    ],
)
def test_parse_published(value: str, expected: dt.date) -> None:
    parsed = parse_published(value)
    assert parsed == expected
    assert type(parsed) is type(expected)
    if isinstance(expected, dt.datetime):
        assert isinstance(parsed, dt.datetime)
        assert (parsed.tzinfo is None) == (expected.tzinfo is None)  # never invent a timezone


def test_parse_published_falls_back_to_dateparser_for_named_zones() -> None:
    parsed = parse_published("Friday, June 19, 2020 at 3:15 PM EDT")
    assert parsed == dt.datetime(2020, 6, 19, 15, 15, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert parse_published("19. Juni 2020 10:00 MESZ") == dt.datetime(
        2020, 6, 19, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert parse_published("19 juin 2020") == dt.date(2020, 6, 19)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "yesterday",
        "3 hours ago",
        "3 hours ago 2020",
        "05/03/2013",  # day or month first: refused, not guessed
        "12345",
        "99999999",
        "June 19",
        "2020",
        "June 2020",
        "2020-13-45",
        "soon",
    ],
)
def test_parse_published_refuses_what_needs_a_reference(value: str | None) -> None:
    assert parse_published(value) is None


def test_parse_published_passes_dates_through() -> None:
    aware = dt.datetime(2020, 6, 19, 10, tzinfo=UTC)
    assert parse_published(aware) is aware
    assert parse_published(dt.date(2020, 6, 19)) == dt.date(2020, 6, 19)


def test_parse_date_line() -> None:
    assert parse_date_line("Posted: 24.05.2024 19:54:00") == ("posted", dt.datetime(2024, 5, 24, 19, 54))
    assert parse_date_line("Updated on 25.05.2024") == ("updated", dt.date(2024, 5, 25))
    assert parse_date_line("June 19, 2020") == ("", dt.date(2020, 6, 19))
    assert parse_date_line("Elections 2024") is None
    assert parse_date_line("Talks were held on 24.05.2024 in Moscow.") is None


def test_find_date_mentions() -> None:
    text = "On Thursday, 26 November, they met; on June 19, 2020 and 2021-03-04, and 5.6.2022 on Friday."
    found = [(m.year, m.month, m.day, m.weekday) for m in find_date_mentions(text)]
    assert found == [
        (None, 11, 26, 3),
        (2020, 6, 19, None),
        (2021, 3, 4, None),
        (2022, 6, 5, None),
        (None, None, None, 4),
    ]


def test_find_date_mentions_ignores_non_dates() -> None:
    assert find_date_mentions("You may go. June 31 never comes. In May 2020 prices rose.") == []


def test_resolve_weekday_on_same_day_is_that_day() -> None:
    friday = dt.date(2020, 6, 19)
    assert resolve_weekday(4, friday) == friday
    assert resolve_weekday(3, friday) == dt.date(2020, 6, 18)
    assert resolve_weekday(5, friday) == dt.date(2020, 6, 13)


def test_resolve_month_day_not_after() -> None:
    ref = dt.date(2021, 1, 2)
    assert resolve_month_day(12, 31, ref) == dt.date(2020, 12, 31)
    assert resolve_month_day(1, 2, ref) == dt.date(2021, 1, 2)
    assert resolve_month_day(1, 3, ref) == dt.date(2021, 1, 3)  # one day of tolerance
    assert resolve_month_day(1, 3, ref, tolerance_days=0) == dt.date(2020, 1, 3)
    assert resolve_month_day(2, 29, ref) == dt.date(2020, 2, 29)
    assert resolve_month_day(2, 30, ref) is None


def test_resolve_month_day_nearest() -> None:
    assert resolve_month_day(6, 20, dt.date(2020, 6, 19), rule="nearest") == dt.date(2020, 6, 20)
    assert resolve_month_day(12, 30, dt.date(2021, 1, 3), rule="nearest") == dt.date(2020, 12, 30)


def test_resolve_month_day_weekday() -> None:
    # 19 June was a Friday in 2015, 2020 and 2026; 26 November a Thursday in 2015, 2020 and 2026.
    assert resolve_month_day_weekday(6, 19, 4, dt.date(2025, 12, 31)) == dt.date(2020, 6, 19)
    assert resolve_month_day_weekday(11, 26, 3, dt.date(2024, 5, 24)) == dt.date(2020, 11, 26)
    assert resolve_month_day_weekday(6, 19, 4, dt.date(2026, 11, 26)) == dt.date(2026, 6, 19)
    assert resolve_month_day_weekday(6, 19, 4, dt.date(2020, 6, 18)) == dt.date(2015, 6, 19)
    assert resolve_month_day_weekday(2, 29, 5, dt.date(2024, 1, 1)) == dt.date(2020, 2, 29)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(0, 6))
def test_resolve_weekday_properties(reference: dt.date, weekday: int) -> None:
    resolved = resolve_weekday(weekday, reference)
    assert resolved.weekday() == weekday
    assert 0 <= (reference - resolved).days <= 6


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)), st.dates())
def test_resolve_month_day_properties(reference: dt.date, day: dt.date) -> None:
    resolved = resolve_month_day(day.month, day.day, reference, tolerance_days=0)
    assert resolved is not None
    assert (resolved.month, resolved.day) == (day.month, day.day)
    assert resolved <= reference
    assert (reference - resolved).days < 366 * (4 if (day.month, day.day) == (2, 29) else 1) + 4


def _build(text: str, options: NormalizeOptions | None = None, **kwargs: object) -> Article:
    raw = RawDocument(location="t.txt", text=text, **kwargs)  # type: ignore[arg-type]
    article = build_article(raw, options or NormalizeOptions())
    assert isinstance(article, Article)
    return article


def test_stamp_line_becomes_published_and_leaves_text() -> None:
    article = _build("Posted: 24.05.2024 19:54:00\n\nTalks in Moscow\n\nThe talks went well.")
    assert article.published == dt.datetime(2024, 5, 24, 19, 54)
    assert article.title == "Talks in Moscow"
    assert article.text == "The talks went well."


def test_given_published_wins_over_stamp_line() -> None:
    article = _build("Updated: 25.05.2024\n\nThe talks went well.", published="2024-05-24")
    assert article.published == dt.date(2024, 5, 24)
    assert article.text == "The talks went well."


def test_weekday_and_month_day_in_lead_give_published() -> None:
    text = "Ministers meet\n\nOn Thursday, 26 November, the ministers met in Minsk."
    assert _build(text, NormalizeOptions(as_of=dt.date(2024, 5, 24))).published == dt.date(2020, 11, 26)


def test_dateline_plus_weekday_in_its_paragraph() -> None:
    text = "MINSK, June 19. /TASS/. The president said on Friday that talks went well."
    article = _build(text, NormalizeOptions(as_of=dt.date(2025, 1, 1)))
    assert article.published == dt.date(2020, 6, 19)
    assert article.dateline is not None and article.dateline.date == dt.date(2020, 6, 19)


def test_full_date_in_lead_is_the_reference_for_a_yearless_dateline() -> None:
    text = "MOSCOW, June 20 (Reuters) - The talks of June 19, 2020 went well."
    article = _build(text, NormalizeOptions(as_of=dt.date(2030, 1, 1)))
    assert article.dateline is not None and article.dateline.date == dt.date(2020, 6, 20)
    assert article.published == dt.date(2020, 6, 20)


def test_background_dates_further_down_do_not_become_published() -> None:
    text = "Talks went well.\n\nSecond.\n\nThird.\n\nFourth.\n\nThey first met on 14 September 2019."
    assert _build(text).published is None


def test_unparseable_published_is_dropped_not_guessed() -> None:
    assert _build("Talks went well.", published="sometime soon").published is None
