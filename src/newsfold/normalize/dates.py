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

dateparser is used only as a fallback for publication stamps that a reader found (``raw.published``),
never on article text: it is about a thousand times slower than the regexes here. It is given only
strings that carry a four-digit year, and its answer is refused unless it names a whole day whose year
the string contains, so that relative expressions such as ``"3 hours ago"`` never produce a date
relative to the wall clock.
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

# Zone abbreviations with one meaning in news datelines. CST (US or China), IST (India, Ireland or
# Israel) and the US ET/CT/MT/PT (no daylight-saving information) are in AMBIGUOUS_ZONES instead.
ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120,
    "MEZ": 60, "MESZ": 120, "EET": 120, "EEST": 180, "MSK": 180, "EST": -300, "EDT": -240,
    "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "JST": 540, "KST": 540,
    "HKT": 480, "SGT": 480, "AEST": 600, "AEDT": 660,
}  # fmt: skip
"""Timezone abbreviations the regex parser understands, to minutes east of UTC."""

AMBIGUOUS_ZONES: frozenset[str] = frozenset({"ET", "CT", "MT", "PT", "CST", "IST"})
"""Zone abbreviations whose offset cannot be known: a stamp with one of these is returned naive (zone
unknown) rather than with a guessed offset (dateparser reads "ET" as UTC-5 even in July)."""

_TIME = (
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<frac>\d{1,6})\d*)?)?"
    r"(?:\s?(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?"
)
_ZONE = (
    r"(?P<tz>[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)\s?[+-]\d{1,2}(?::?\d{2})?|"
    + "|".join(sorted([*ZONE_ABBREVIATIONS, *AMBIGUOUS_ZONES], key=len, reverse=True))
    + r")(?![A-Za-z])"
)
_SEP = r"(?:\s?,)?\s+"
_TIME_PART = rf"(?:(?:{_SEP}(?:at\s+)?|T){_TIME}(?:\s*\(?{_ZONE}\)?)?)?"
_DOTTED_RE = re.compile(rf"(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}){_TIME_PART}")
_SLASHED_YMD_RE = re.compile(rf"(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}}){_TIME_PART}")
# 05/03/2013 is 5 March or 3 May depending on the country: parsed only when one part is over 12.
_SLASHED_AMBIGUOUS_RE = re.compile(rf"(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}}){_TIME_PART}")
_ENGLISH_RE = re.compile(
    rf"(?:{WEEKDAY_PATTERN}{_SEP})?"
    rf"(?:(?P<d1>\d{{1,2}}){_ORDINAL}\s+(?P<m1>{MONTH_PATTERN})|(?P<m2>{MONTH_PATTERN})\s+(?P<d2>\d{{1,2}}){_ORDINAL})"
    rf"{_SEP}(?P<y>\d{{4}}){_TIME_PART}"
)
_RFC2822_HINT_RE = re.compile(r"\d{1,2}\s+[A-Z][a-z]{2}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_HAS_TIME_RE = re.compile(r"\d{1,2}:\d{2}")
_HAS_DIGIT_RE = re.compile(r"\d")
_HAS_YEAR_RE = re.compile(r"(?<!\d)(?:1[89]|2[01])\d{2}(?!\d)")


def _zone(text: str | None) -> dt.tzinfo | None:
    if text is None or text in AMBIGUOUS_ZONES:
        return None
    if text in ZONE_ABBREVIATIONS:
        minutes = ZONE_ABBREVIATIONS[text]
        return dt.UTC if minutes == 0 else dt.timezone(dt.timedelta(minutes=minutes))
    offset = text[3:].strip() if text[:3] in ("UTC", "GMT") else text
    sign = -1 if offset[0] == "-" else 1
    hours_text, _, minutes_text = offset[1:].partition(":")
    if not minutes_text and len(hours_text) > 2:  # "+0300"
        hours_text, minutes_text = hours_text[:2], hours_text[2:]
    delta = dt.timedelta(hours=int(hours_text), minutes=int(minutes_text or 0))
    return dt.UTC if not delta else dt.timezone(sign * delta)


def _build(year: int, month: int, day: int, m: re.Match[str]) -> PublishedDate | None:
    try:
        if m.group("H") is None:
            return dt.date(year, month, day)
        hour = int(m.group("H"))
        if m.group("ampm"):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if m.group("ampm") in "Pp" else 0)
        micro = int((m.group("frac") or "0").ljust(6, "0"))
        return dt.datetime(
            year,
            month,
            day,
            hour,
            int(m.group("M")),
            int(m.group("S") or 0),
            micro,
            tzinfo=_zone(m.group("tz")),
        )
    except ValueError:
        return None


_EPOCH_MIN = dt.datetime(1970, 1, 2, tzinfo=dt.UTC).timestamp()
_EPOCH_MAX = dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp()


def _parse_digits(text: str) -> PublishedDate | None:
    """``YYYYMMDD``, or a Unix epoch in seconds (10 digits) or milliseconds (13 digits), as CSV exports
    write them (the UCI aggregator's TIMESTAMP). An epoch is UTC by definition, so the result is aware."""
    if len(text) == 8:
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    if len(text) in (10, 13):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        if _EPOCH_MIN <= seconds < _EPOCH_MAX:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return None


def _parse_with_regexes(text: str) -> PublishedDate | None:
    """Parse the common stamp forms exactly; ``None`` when ``text`` is none of them."""
    if text.isdigit():
        return _parse_digits(text)
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
    if m := _SLASHED_AMBIGUOUS_RE.fullmatch(text):
        first, second = int(m["a"]), int(m["b"])
        if first > 12 >= second:
            return _build(int(m["y"]), second, first, m)
        if second > 12 >= first:
            return _build(int(m["y"]), first, second, m)
        return None
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


# dateparser detects the language by trying each one it knows, which costs up to half a second per
# string with all 200; the fallback tries these, the languages of the project's corpora.
DATEPARSER_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "pt", "pl", "ru", "tr", "ar", "zh")


@functools.cache
def _date_data_parser() -> Any:
    # Deferred: dateparser is a slow import that most runs never need; one parser is reused.
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(DATEPARSER_LANGUAGES), settings={"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    )


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


@functools.lru_cache(maxsize=4096)
def _parse_string(text: str) -> PublishedDate | None:
    # Cached: a feed repeats its stamps (and its odd stamp formats), and the results are immutable.
    parsed = _parse_with_regexes(text)
    if parsed is not None or _SLASHED_AMBIGUOUS_RE.fullmatch(text):
        return parsed
    if len(text) > 80 or not _HAS_YEAR_RE.search(text):
        return None
    return _parse_with_dateparser(text)


def parse_published(value: PublishedDate | str | None) -> PublishedDate | None:
    """Parse a publication stamp into a date (no time given) or datetime (time given).

    Dates and datetimes pass through unchanged. Strings are tried, fast, against: ISO 8601 (and
    ``YYYYMMDD``); Unix epochs in seconds or milliseconds (UTC); RFC 2822; ``DD.MM.YYYY``;
    ``YYYY/MM/DD``; ``DD/MM/YYYY`` or ``MM/DD/YYYY`` when one part is over 12; English ``June 19, 2020``
    and ``19 June 2020``; each with an optional time (``19:54``, ``3:15 PM``) and zone (an offset or one
    of :data:`ZONE_ABBREVIATIONS`; one of :data:`AMBIGUOUS_ZONES` gives a naive datetime). Anything
    else with a four-digit year goes to dateparser in :data:`DATEPARSER_LANGUAGES` (5-20 ms each; results
    are cached per string).

    Returns ``None`` for empty or unparseable strings, for strings that do not name a day (``"2020"``,
    ``"June 2020"``), for slashed dates that could be day or month first (``"05/03/2013"``), and for
    strings without a year (``"yesterday"``, ``"June 19"``), which need a reference date
    (:func:`resolve_month_day`). The result is timezone-aware only when the string gives a zone.
    """
    if value is None:
        return None
    if isinstance(value, dt.date):  # datetime is a subclass of date: both pass through
        return value
    text = " ".join(value.split())
    return _parse_string(text) if text else None


_DATE_LINE_RE = re.compile(
    r"(?:(?i:(?:first\s+)?(?:posted|published|updated|last\s+updated|modified|date))(?:\s+on)?\s*:?\s*)?"
    # The stamp itself must start like a date (digit, month or weekday), so that "Published reports say
    # ..." is not sent to dateparser.
    rf"(?P<stamp>(?:\d|{MONTH_PATTERN}|{WEEKDAY_PATTERN}|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),).*)"
)


def parse_date_line(line: str) -> tuple[str, PublishedDate] | None:
    """Recognise a line that is only a date stamp, such as ``"Posted: 24.05.2024 19:54:00"``.

    Returns ``(label, stamp)`` where ``label`` is the lowercase label (``"posted"``, ``"updated"``, ``""``
    when the line is a bare date) and ``stamp`` the parsed date or datetime; ``None`` when the line is
    anything else. Only lines with a full date (a year) count, and the stamp must be one of the regex
    forms of :func:`parse_published` (dateparser is not used here: it is too slow for every article's
    top lines, and too lenient for lines that merely mention a year, such as ``"Elections 2024"``).
    """
    if len(line) > 80 or _HAS_DIGIT_RE.search(line) is None:
        return None
    m = _DATE_LINE_RE.fullmatch(line.strip())
    if m is None:
        return None
    stamp_text = m.group("stamp")
    label = line[: m.start("stamp")].strip().rstrip(":").strip().lower()
    label = " ".join(label.split()).removesuffix(" on")
    # Regexes only: this runs on every article's top lines, and dateparser would cost milliseconds each.
    stamp = _parse_with_regexes(" ".join(stamp_text.split()))
    if stamp is None:
        return None
    return label, stamp
