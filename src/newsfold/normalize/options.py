"""The normalization options: every threshold with a meaning, in one place, with its reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from newsfold.errors import UsageError


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    """Settings of :func:`newsfold.normalize.build_article`.

    ``as_of`` is the date the corpus is read "as of": a month-day with a weekday and no other date in the
    article (``"Thursday, 26 November"``) resolves to the most recent matching date not after it, and a
    bare month-day to the latest such date not after it. ``None`` means today (UTC), which is right for
    fresh news; for an archive pass the collection date (or the newest publication date in the corpus),
    because calendars repeat: 26 November fell on a Thursday in 2020 and again in 2026.

    ``lead_paragraphs`` is how many body paragraphs (after the title) are searched for a dateline, a
    date stamp line and the dates that stand for the publication date: the lead is where news puts them,
    and dates further down are usually background (``"met in Sochi on 14 September"``).

    ``max_title_chars``/``max_title_words``/``max_title_lines`` bound what counts as a headline (and as
    a standfirst skipped on the way to the dateline). Measured: the longest of 100 Gedikli titles has 159
    characters and 26 words, the longest of 6,366 UCI headlines 91 and 19, the longest seed title (a
    ministry transcript with place and date) 131 and 20; longer first paragraphs without a final period
    are mostly sentences cut short.

    ``published_tolerance_days`` lets a dateline be that many days after the publication stamp (time
    zones) when its year is resolved against that stamp.
    """

    as_of: dt.date | None = None
    lead_paragraphs: int = 3
    max_title_chars: int = 200
    max_title_words: int = 30
    max_title_lines: int = 3
    published_tolerance_days: int = 1

    def __post_init__(self) -> None:
        if self.lead_paragraphs < 1:
            raise UsageError(f"lead_paragraphs must be at least 1, got {self.lead_paragraphs}")
        if self.max_title_chars < 1 or self.max_title_words < 2 or self.max_title_lines < 1:
            raise UsageError(
                "max_title_chars must be >= 1, max_title_words >= 2 and max_title_lines >= 1; got "
                f"{self.max_title_chars}, {self.max_title_words}, {self.max_title_lines}"
            )
        if self.published_tolerance_days < 0:
            raise UsageError(f"published_tolerance_days must be >= 0, got {self.published_tolerance_days}")

    def reference_today(self) -> dt.date:
        """``as_of``, or today's date in UTC when it is not set."""
        return self.as_of if self.as_of is not None else dt.datetime.now(dt.UTC).date()
