"""Dates mentioned in English news text, resolved against a reference day.

Regular expressions, not ``dateparser.search_dates``: the latter takes tens of milliseconds per article,
too slow for online assignment. Recognized: ``June 19``, ``June 19, 2020``, ``19 June 2020``,
``May 03 , 2013`` (tokenized), ``2020-06-19``, ``24.05.2024``, ``26/11/2020`` (day first), bare years
``1990``–``2039``, and weekday words (``on Friday``) and ``today``/``yesterday`` relative to the reference
day. A day without a year takes the year that puts it nearest the reference day; a weekday is the latest
such day on or before the reference day (so "on Friday" in a Friday report is that same day: the
``current_period`` reading, not dateparser's ``PREFER_DATES_FROM='past'`` one, which gives a week
earlier). Without a reference day, only mentions that carry their own year resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_MONTH2 = _MONTH.replace("?P<month>", "?P<month2>")
_DATE = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*,?\s*(?P<year>(?:19|20)\d\d)\b)?"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH2}(?:\s*,?\s*(?P<year2>(?:19|20)\d\d)\b)?"
    r"|\b(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b"
    r"|\b(?P<dd>\d{1,2})[./](?P<dm>\d{1,2})[./](?P<dy>(?:19|20)\d\d)\b"
    r"|\b(?P<weekday>(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
    r"|\b(?P<relative>(?i:today|yesterday|tonight))\b"
    r"|\b(?P<bare_year>(?:19|20)\d\d)\b"
)


@dataclass(frozen=True, slots=True)
class DateMentions:
    """Resolved day mentions in text order, and every year mentioned or implied by a resolved day."""

    days: tuple[dt.date, ...]
    years: frozenset[int]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, reference: dt.date) -> dt.date | None:
    options = [_safe_date(reference.year + delta, month, day) for delta in (-1, 0, 1)]
    valid = [d for d in options if d is not None]
    if not valid:
        return None
    return min(valid, key=lambda d: (abs((d - reference).days), d))


def find_dates(text: str, reference: dt.date | None = None) -> DateMentions:
    """Day and year mentions of ``text``; relative ones need ``reference`` (the publication day)."""
    days: list[dt.date] = []
    years: set[int] = set()
    for match in _DATE.finditer(text):
        groups = match.groupdict()
        found: dt.date | None = None
        if groups["month"] or groups["month2"]:
            month = MONTHS[(groups["month"] or groups["month2"]).lower().rstrip(".")]
            day = int(groups["day"] or groups["day2"])
            year_text = groups["year"] or groups["year2"]
            if year_text:
                found = _safe_date(int(year_text), month, day)
            elif reference is not None:
                found = _nearest_year(month, day, reference)
        elif groups["iy"]:
            found = _safe_date(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
        elif groups["dy"]:
            found = _safe_date(int(groups["dy"]), int(groups["dm"]), int(groups["dd"]))
        elif groups["weekday"] and reference is not None:
            back = (reference.weekday() - WEEKDAYS.index(groups["weekday"].lower())) % 7
            found = reference - dt.timedelta(days=back)
        elif groups["relative"] and reference is not None:
            found = reference - dt.timedelta(days=1 if groups["relative"].lower() == "yesterday" else 0)
        elif groups["bare_year"]:
            years.add(int(groups["bare_year"]))
        if found is not None:
            days.append(found)
            years.add(found.year)
    return DateMentions(days=tuple(days), years=frozenset(years))
