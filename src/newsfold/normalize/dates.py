"""Dates: parsing publication stamps, finding date mentions in text, resolving dates without a year.

Three jobs, all pure functions:

* :func:`parse_published` turns what a reader found (``"2024-05-24T19:54:00Z"``, an RFC 2822 header,
  ``"24.05.2024 19:54:00"``, ``"June 19, 2020"``) into a :class:`datetime.date` (no time given) or a
  :class:`datetime.datetime` (time given). A timezone is kept when the string names one and never
  invented when it does not: a naive stamp stays naive.
* :func:`find_date_mentions` finds English date expressions in a short string (a title, a lead
  paragraph): full dates, month-day without a year, and weekdays.
* The ``resolve_*`` functions give a yearless month-day or a bare weekday its full date against a
  reference date, by the rules below.

Resolution rules (news reports past or present events, so dates look backwards from their reference):

* month-day, reference is a publication date: the latest such date not after the reference (plus a
  tolerance of one day, because a dateline written in Tokyo can be a day ahead of a stamp taken in New
  York). :func:`resolve_month_day` with ``rule="not_after"``.
* month-day, reference is another full date found in the article: the occurrence nearest to it, because
  such a date may lie before or after the reported event. ``rule="nearest"``.
* weekday alone (``"on Friday"``): the most recent such weekday on or before the reference
  (:func:`resolve_weekday`). dateparser's ``PREFER_DATES_FROM='past'`` gives the week before when the
  reference itself is a Friday, which is why this is done here.
* month-day together with its weekday (``"Thursday, 26 November"``) and nothing else to go by: the most
  recent date not after ``not_after`` (normally today) on which that month-day falls on that weekday
  (:func:`resolve_month_day_weekday`). This is exact up to the calendar's repetition: a given
  weekday/month-day pair recurs after 5, 6 or 11 years, so the answer is the latest year of that cycle.
  Which year is "latest" depends on ``not_after``: 19 June was a Friday in 2020 and again in 2026, so an
  article processed after 19 June 2026 resolves to 2026 unless the caller gives an earlier ``as_of``.

dateparser is used only as a fallback on short, already isolated strings (it is about a thousand times
slower than the regexes here) and only when the string carries a four-digit year, so that relative
expressions such as ``"3 hours ago"`` never produce a date relative to the wall clock.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from newsfold.model import PublishedDate

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
"""English month names and abbreviations, lowercase, to month number."""

WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
"""English weekday names, lowercase, to :meth:`datetime.date.weekday` numbers (Monday is 0)."""

# Full names before their abbreviations so that the alternation takes the longest form; month and
# weekday names must be capitalized, which keeps the modal verb "may" and "sat" out.
MONTH_PATTERN = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
)
WEEKDAY_PATTERN = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|2[01])\d{2}"

_MENTION_RE = re.compile(
    # Every form starts with a digit or the capital of a month or weekday name; the lookahead lets the
    # engine skip other positions without trying each branch (three times faster on prose).
    r"(?=[\dADFJMNOSTW])(?:"
    # "Thursday, 26 November", "19 June 2020", "the 19th of June"
    rf"\b(?:(?P<wd1>{WEEKDAY_PATTERN})(?:\s?,)?\s+(?:the\s+)?)?(?P<d1>\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+"
    rf"(?P<m1>{MONTH_PATTERN})(?:(?:\s?,)?\s+(?P<y1>{_YEAR})(?!\d))?"
    # "Friday, June 19, 2020", "June 19", "Jan. 5th"
    rf"|\b(?:(?P<wd2>{WEEKDAY_PATTERN})(?:\s?,)?\s+)?(?P<m2>{MONTH_PATTERN})\s+(?P<d2>\d{{1,2}})(?!\d){_ORDINAL}"
    rf"(?:(?:\s?,)?\s+(?P<y2>{_YEAR})(?!\d))?"
    # ISO 2020-06-19
    rf"|\b(?P<y3>{_YEAR})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})(?!\d)"
    # European 19.06.2020
    rf"|\b(?P<d4>\d{{1,2}})\.(?P<m4>\d{{1,2}})\.(?P<y4>{_YEAR})(?!\d)"
    # a weekday on its own: "on Friday"
    rf"|\b(?P<wd5>{WEEKDAY_PATTERN})\b"
    r")"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in text, as written, before resolution.

    ``start``/``end`` are character offsets into the searched string. ``year`` is ``None`` when the text
    gives none; ``month`` and ``day`` are ``None`` for a bare weekday; ``weekday`` (Monday is 0) is set
    when the text names one. A mention with month and day is always a valid calendar day in some year.
    """

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None

    @property
    def full_date(self) -> dt.date | None:
        """The date when year, month and day are all given, else ``None``."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    @property
    def is_month_day(self) -> bool:
        """True for a month-day without a year (``"June 19"``)."""
        return self.year is None and self.month is not None and self.day is not None


def _month_number(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def _is_valid_day(year: int | None, month: int, day: int) -> bool:
    # A yearless 29 February is valid: it exists in leap years.
    try:
        dt.date(year if year is not None else 2000, month, day)
    except ValueError:
        return False
    return True


def find_date_mentions(text: str) -> list[DateMention]:
    """All date expressions in ``text``, in order of appearance.

    Meant for short strings (a title, a lead paragraph): one regex pass, no dateparser. Mentions whose
    day does not exist (``"31 June"``) are dropped; a weekday attached to a date (``"Friday, June 19"``)
    is part of that date's mention, not a mention of its own.
    """
    return list(_iter_mentions(text))


def _iter_mentions(text: str) -> Iterator[DateMention]:
    for m in _MENTION_RE.finditer(text):
        groups = m.groupdict()
        weekday_name = groups["wd1"] or groups["wd2"] or groups["wd5"]
        weekday = WEEKDAYS[weekday_name.lower()] if weekday_name else None
        year: int | None
        month: int | None
        day: int | None
        if groups["m1"]:
            year, month, day = _opt_int(groups["y1"]), _month_number(groups["m1"]), int(groups["d1"])
        elif groups["m2"]:
            year, month, day = _opt_int(groups["y2"]), _month_number(groups["m2"]), int(groups["d2"])
        elif groups["y3"]:
            year, month, day = int(groups["y3"]), int(groups["m3"]), int(groups["d3"])
        elif groups["y4"]:
            year, month, day = int(groups["y4"]), int(groups["m4"]), int(groups["d4"])
        else:
            year = month = day = None
        if month is not None and day is not None and not _is_valid_day(year, month, day):
            continue
        yield DateMention(m.start(), m.end(), m.group(0), year, month, day, weekday)


def _opt_int(value: str | None) -> int | None:
    return int(value) if value else None


def _occurrence(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 29 February in a common year
        return None


def resolve_month_day(
    month: int,
    day: int,
    reference: dt.date,
    *,
    rule: Literal["not_after", "nearest"] = "not_after",
    tolerance_days: int = 1,
) -> dt.date | None:
    """Give a yearless month-day its year against ``reference``.

    ``rule="not_after"``: the latest occurrence not after ``reference + tolerance_days`` (use it when the
    reference is the publication date). ``rule="nearest"``: the occurrence nearest to ``reference``,
    the later one on a tie (use it when the reference is some other date in the article). Returns
    ``None`` only when the month-day never exists (``month=2, day=30``).
    """
    if not _is_valid_day(None, month, day):
        return None
    limit = reference + dt.timedelta(days=tolerance_days) if rule == "not_after" else reference
    candidates = [
        d for year in range(reference.year - 8, reference.year + 9) if (d := _occurrence(year, month, day))
    ]
    if rule == "not_after":
        before = [d for d in candidates if d <= limit]
        return before[-1] if before else None
    return min(candidates, key=lambda d: (abs((d - reference).days), -d.toordinal()))


def resolve_weekday(weekday: int, reference: dt.date) -> dt.date:
    """The most recent date on or before ``reference`` that falls on ``weekday`` (Monday is 0).

    ``"on Friday"`` in an article published on a Friday is that same Friday.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    return reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)


def resolve_month_day_weekday(
    month: int, day: int, weekday: int, not_after: dt.date, *, max_years: int = 60
) -> dt.date | None:
    """The most recent date not after ``not_after`` that is ``month``/``day`` and falls on ``weekday``.

    Used when an article names both (``"Thursday, 26 November"``, or a dateline ``"June 19"`` with
    ``"said on Friday"`` in its lead) and carries no year anywhere. Searches back ``max_years`` years
    (every pair recurs within 28 years, 29 February within 40); ``None`` if none is found.
    """
    for year in range(not_after.year, not_after.year - max_years - 1, -1):
        candidate = _occurrence(year, month, day)
        if candidate is not None and candidate <= not_after and candidate.weekday() == weekday:
            return candidate
    return None


# --- publication stamps --------------------------------------------------------------------------------

_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<frac>\d{1,6})\d*)?)?"
_OFFSET = r"(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)"
_DOTTED_RE = re.compile(
    rf"(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}})(?:(?:\s?,)?\s+{_TIME})?\s*(?:{_OFFSET})?"
)
_SLASHED_YMD_RE = re.compile(
    rf"(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})(?:(?:\s?,)?\s+{_TIME})?\s*(?:{_OFFSET})?"
)
_ENGLISH_RE = re.compile(
    rf"(?:{WEEKDAY_PATTERN}(?:\s?,)?\s+)?"
    rf"(?:(?P<d1>\d{{1,2}}){_ORDINAL}\s+(?P<m1>{MONTH_PATTERN})|(?P<m2>{MONTH_PATTERN})\s+(?P<d2>\d{{1,2}}){_ORDINAL})"
    rf"(?:\s?,)?\s+(?P<y>\d{{4}})(?:(?:(?:\s?,)?\s+|\s+at\s+|T){_TIME})?\s*(?:{_OFFSET})?"
)
_RFC2822_HINT_RE = re.compile(r"\d{1,2}\s+[A-Z][a-z]{2}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_HAS_TIME_RE = re.compile(r"\d{1,2}:\d{2}")
_HAS_DIGIT_RE = re.compile(r"\d")
_HAS_YEAR_RE = re.compile(r"(?<!\d)(?:1[89]|2[01])\d{2}(?!\d)")


def _offset_tz(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text in ("Z", "UTC", "GMT"):
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _build(year: int, month: int, day: int, m: re.Match[str]) -> PublishedDate | None:
    try:
        if m.group("H") is None:
            return dt.date(year, month, day)
        micro = int((m.group("frac") or "0").ljust(6, "0"))
        return dt.datetime(
            year, month, day, int(m.group("H")), int(m.group("M")), int(m.group("S") or 0), micro,
            tzinfo=_offset_tz(m.group("tz")),
        )  # fmt: skip
    except ValueError:
        return None


def _parse_with_regexes(text: str) -> PublishedDate | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    if text[:4].isdigit() and len(text) > 10 and text[4] == "-":
        try:
            return dt.datetime.fromisoformat(text.replace(" UTC", "Z").replace(" GMT", "Z"))
        except ValueError:
            pass
    if m := _DOTTED_RE.fullmatch(text):
        return _build(int(m["y"]), int(m["m"]), int(m["d"]), m)
    if m := _SLASHED_YMD_RE.fullmatch(text):
        return _build(int(m["y"]), int(m["m"]), int(m["d"]), m)
    if m := _ENGLISH_RE.fullmatch(text):
        month_name = m["m1"] or m["m2"]
        day = int(m["d1"] or m["d2"])
        return _build(int(m["y"]), _month_number(month_name), day, m)
    if _RFC2822_HINT_RE.search(text):
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        # parsedate_to_datetime returns naive for "-0000" and for no zone: exactly "zone unknown".
        return parsed
    return None


@functools.cache
def _date_data_parser() -> Any:
    # Deferred: dateparser is a slow import that most runs never need; one parser is reused.
    from dateparser.date import DateDataParser

    return DateDataParser(settings={"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"})


def _parse_with_dateparser(text: str) -> PublishedDate | None:
    data = _date_data_parser().get_date_data(text)
    parsed = data.date_obj
    # "2020" or "June 2020" give period "year"/"month" with the missing parts taken from today; a
    # relative phrase ("3 hours ago 2020") gives a date whose year the text does not contain. Both would
    # be invented dates.
    if parsed is None or data.period not in ("day", "time") or str(parsed.year) not in text:
        return None
    if parsed.tzinfo is not None:
        offset = parsed.utcoffset()
        # Replace pytz-style tzinfo objects by a plain fixed offset: picklable and comparable.
        parsed = parsed.replace(tzinfo=dt.timezone(offset) if offset is not None else None)
    if not _HAS_TIME_RE.search(text):
        return parsed.date()
    return parsed


def parse_published(value: PublishedDate | str | None) -> PublishedDate | None:
    """Parse a publication stamp into a date (no time given) or datetime (time given).

    Dates and datetimes pass through unchanged. Strings are tried against ISO 8601, RFC 2822,
    ``DD.MM.YYYY[ HH:MM[:SS]]``, ``YYYY/MM/DD`` and English ``June 19, 2020`` / ``19 June 2020`` forms,
    then handed to dateparser (any language it knows) if they carry a four-digit year. Returns ``None``
    for empty or unparseable strings, for strings that do not name a day (``"2020"``, ``"June 2020"``),
    and for strings without a year (``"yesterday"``, ``"June 19"``): those need a reference date,
    which is :func:`resolve_month_day`'s job. The result is timezone-aware only if the string gives a
    zone.
    """
    if value is None:
        return None
    if isinstance(value, dt.date):  # datetime is a subclass of date: both pass through
        return value
    text = " ".join(value.split())
    if not text:
        return None
    parsed = _parse_with_regexes(text)
    if parsed is not None:
        return parsed
    if len(text) > 80 or not _HAS_YEAR_RE.search(text):
        return None
    return _parse_with_dateparser(text)


_DATE_LINE_RE = re.compile(
    r"(?:(?:first\s+)?(?:posted|published|updated|last\s+updated|modified|date)(?:\s+on)?\s*:?\s*)?(?P<stamp>.+)",
    re.IGNORECASE,
)


def parse_date_line(line: str) -> tuple[str, PublishedDate] | None:
    """Recognise a line that is only a date stamp, such as ``"Posted: 24.05.2024 19:54:00"``.

    Returns ``(label, stamp)`` where ``label`` is the lowercase label (``"posted"``, ``"updated"``, ``""``
    when the line is a bare date) and ``stamp`` the parsed date or datetime; ``None`` when the line is
    anything else. Only lines with a full date (a year) count. A bare line must match one of the
    regex forms exactly; dateparser is tried only for labelled lines, so that a short top paragraph such
    as ``"Elections 2024"`` is never mistaken for a stamp.
    """
    if len(line) > 80 or _HAS_DIGIT_RE.search(line) is None:
        return None
    m = _DATE_LINE_RE.fullmatch(line.strip())
    if m is None:
        return None
    stamp_text = m.group("stamp")
    label = line[: m.start("stamp")].strip().rstrip(":").strip().lower()
    label = " ".join(label.split()).removesuffix(" on")
    stamp = _parse_with_regexes(" ".join(stamp_text.split()))
    if stamp is None and label:
        stamp = parse_published(stamp_text)
    if stamp is None:
        return None
    return label, stamp
