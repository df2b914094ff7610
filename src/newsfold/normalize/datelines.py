"""Datelines: the place (and often date and agency) that opens a wire report.

Forms recognised at the very start of a paragraph (:func:`parse_dateline`):

* ``MINSK, June 19. /TASS/.`` (TASS and other Russian wires: agency between slashes)
* ``WASHINGTON (Reuters) -``, ``LONDON, March 3 (AP) —``, ``BERLIN, 5 May (dpa)``, ``Moscow (Reuters) -``,
  ``KYIV, Ukraine (AP) —`` (agency in parentheses, optional region and date, optional dash)
* ``PARIS — `` and ``LONDON, March 3 —`` (no agency: the place must then be in capitals, so that an
  ordinary sentence with a dash is not taken for a dateline)

and at the end of a title (:func:`parse_title_dateline`): ``..., Minsk, June 19, 2020``.

The date is returned as a :class:`~newsfold.normalize.dates.DateMention`; resolving a yearless one is the
caller's job, because it needs the article's other dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsfold.normalize.dates import MONTH_PATTERN, DateMention, find_date_mentions

# Words of a place name: letters of any script, with inner apostrophes, dots and hyphens
# ("ST. PETERSBURG", "N'DJAMENA", "BADEN-BADEN"). Case is checked in code: re has no \p{Lu}.
_WORD = r"[^\W\d_](?:[^\W\d_]|['’.\-])*"
_PLACE = rf"(?P<place>{_WORD}(?:\s{_WORD}){{0,3}})"
_REGION = rf"(?P<region>(?!{MONTH_PATTERN}\b){_WORD}(?:\s{_WORD}){{0,2}})"
_DATE = (
    rf"(?P<date>(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_PATTERN}|{MONTH_PATTERN}\s+\d{{1,2}}(?:st|nd|rd|th)?)"
    r"(?:(?:\s?,)?\s+\d{4})?)"
)
_DASH = r"(?:\s+-{1,2}\s|\s*[–—]\s*)"

_SLASH_AGENCY_RE = re.compile(rf"{_PLACE},\s+{_DATE}\.?\s*/(?P<agency>[^/\n]{{1,40}})/\.?")
_PAREN_AGENCY_RE = re.compile(
    rf"{_PLACE}(?:,\s+{_REGION})?(?:,\s+{_DATE})?\s*\((?P<agency>[^\W\d_][\w.&'’\- ]{{0,38}})\)(?:{_DASH}|:)?"
)
_DASH_RE = re.compile(rf"{_PLACE}(?:,\s+{_REGION})?(?:,\s+{_DATE})?{_DASH}")
_TITLE_DATELINE_RE = re.compile(rf",\s*{_PLACE},\s*{_DATE}\s*$")

# Capitalized openers that a dash follows but that are not places.
_NOT_PLACES = frozenset(
    {
        "BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "WATCH", "LIVE", "ANALYSIS", "OPINION", "COMMENT",
        "EDITORIAL", "CORRECTION", "CLARIFICATION", "NOTE", "EDITOR'S NOTE", "EDITOR’S NOTE", "PHOTOS",
        "PHOTO", "VIDEO", "FACT CHECK", "INTERVIEW", "REVIEW", "FLASH", "URGENT", "ALERT", "NEWS",
        "REPORT", "FEATURE", "PREVIEW", "RECAP", "SPONSORED", "ADVERTISEMENT", "USA TODAY",
        # Organisations and countries written as acronyms open sentences ("NATO — the alliance ...").
        "NATO", "OPEC", "BRICS", "CSTO", "EAEU", "OSCE", "ASEAN", "USA", "FBI", "CIA", "WHO", "IMF",
        "UEFA", "FIFA", "NASA", "CEO", "GDP",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DatelineMatch:
    """A dateline found in text: ``raw`` as written, ``place`` as written, ``agency`` when named, and the
    date mention (``None`` when the dateline gives no date)."""

    raw: str
    place: str
    agency: str | None
    date: DateMention | None


def _has_place_words(place: str) -> bool:
    # One-letter words are articles or pronouns ("A FIRE -", "I -"), unless an initial ("N. Y.").
    return all(sum(ch.isalpha() for ch in word) >= 2 or word.endswith(".") for word in place.split())


def _is_capitalized_place(place: str) -> bool:
    return _has_place_words(place) and all(word[0].isupper() for word in place.split())


def _is_caps_place(place: str) -> bool:
    if not _has_place_words(place):
        return False
    letters = [ch for ch in place if ch.isalpha()]
    # Two-letter capitals are nearly always acronyms (US, UK, EU, UN), not a dateline city.
    return len(letters) >= 3 and all(ch.isupper() for ch in letters) and place not in _NOT_PLACES


def _date_of(m: re.Match[str]) -> DateMention | None:
    text = m.group("date")
    if not text:
        return None
    mentions = find_date_mentions(text)
    return mentions[0] if mentions and mentions[0].month is not None else None


def _region_ok(m: re.Match[str]) -> bool:
    region = m.group("region")
    return region is None or _is_capitalized_place(region)


def parse_dateline(paragraph: str) -> DatelineMatch | None:
    """The dateline opening ``paragraph``, or ``None``.

    Only the start of the paragraph is looked at. A place followed by an agency (slashes or parentheses)
    may be in capitals, or in capitalized words when a date or a dash is given (``Minsk, June 19 (BelTA)``,
    ``Moscow (Reuters) -``); a place in capitals must have at least three letters (``US``, ``EU`` are
    acronyms); a place followed only by a dash must be in capitals and not a label such as
    ``BREAKING``. If the dateline's date is not a valid day (``June 31``) the dateline is kept without it.
    """
    head = paragraph[:160]
    m = _SLASH_AGENCY_RE.match(head)
    if m and (_is_caps_place(m["place"]) or _is_capitalized_place(m["place"])):
        return DatelineMatch(m.group(0).rstrip(), m["place"], m["agency"].strip(), _date_of(m))
    m = _PAREN_AGENCY_RE.match(head)
    if m and _region_ok(m):
        place = m["place"]
        # A capitalized (not all-caps) word before "(Agency)" is a place only with a date or a dash after
        # it: "Moscow (Reuters) -", "Minsk, June 19 (BelTA)", but not "Lukashenko (BelTA) said" nor
        # "Bayerischer Rundfunk (BR):".
        followed_by_dash = m.group(0).rstrip()[-1] in "-–—"
        if _is_caps_place(place) or ((m["date"] or followed_by_dash) and _is_capitalized_place(place)):
            return DatelineMatch(m.group(0).rstrip(), place, m["agency"].strip(), _date_of(m))
    m = _DASH_RE.match(head)
    if m and _region_ok(m) and _is_caps_place(m["place"]):
        return DatelineMatch(m.group(0).rstrip(), m["place"], None, _date_of(m))
    return None


def parse_title_dateline(title: str) -> DatelineMatch | None:
    """A place and date closing a title (``"... remarks, Minsk, June 19, 2020"``), or ``None``.

    ``raw`` is the place-and-date part without the leading comma (``"Minsk, June 19, 2020"``).
    """
    m = _TITLE_DATELINE_RE.search(title)
    if m is None or not _is_capitalized_place(m["place"]):
        return None
    date = _date_of(m)
    if date is None:
        return None
    raw = title[m.start("place") : m.end("date")]
    return DatelineMatch(raw, m["place"], None, date)
