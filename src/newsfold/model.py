"""The plain data types that flow through newsfold.

Every stage of the pipeline takes and returns these records. They are frozen dataclasses with no
behaviour beyond small derived properties, so they can be built in tests, pickled to Spark workers and
compared for equality.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PublishedDate = dt.date | dt.datetime


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening line of a wire report: ``MINSK, June 19. /TASS/.``

    ``place`` is the city as written (``MINSK``), ``agency`` the wire service (``TASS``) when named,
    ``date`` the dateline's day resolved to a full date when it could be (``None`` when not), and
    ``raw`` the dateline text exactly as it appeared.
    """

    place: str | None
    agency: str | None = None
    date: dt.date | None = None
    raw: str = ""


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a reader found, before normalization.

    ``location`` names where it came from precisely enough to find it again: the file path (or URL) and,
    for files holding many records, the record position (``path:line``). ``given_id`` is the caller's own
    id when the input carried one, ``derived_id`` the id made from where the record came from.
    ``published`` may be a date, a timezone-aware datetime or a string still to be parsed.
    """

    location: str
    text: str
    given_id: str | None = None
    derived_id: str | None = None
    title: str | None = None
    published: PublishedDate | str | None = None
    outlet: str | None = None
    language: str | None = None
    url: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Article:
    """One normalized news article.

    ``id`` is the caller's id when the input gave one, else derived from where the article came from
    (path relative to the input root, plus the record position for multi-record files), so that reading
    the same input again gives the same ids. ``content_hash`` is a stable 16-hex-digit hash of the
    normalized text: two articles with the same ``content_hash`` are exact duplicates. ``source`` is the
    reader's location (``path`` or ``path:line``). ``year_inferred`` is true when the article's dates
    carried no year and the year was inferred against a reference date (a weekday and month-day are
    matched to the calendar): such dates are resolved again when the collection's own dates are known.
    """

    id: str
    content_hash: str
    text: str
    title: str | None = None
    published: PublishedDate | None = None
    dateline: Dateline | None = None
    outlet: str | None = None
    language: str | None = None
    source: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    year_inferred: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that could not be read or stored: where it was and why, in one line."""

    location: str
    reason: str
    kind: str = "unreadable"


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of text shared by two articles, as half-open character offsets into each text."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int


CopyKind = Literal["exact", "near", "excerpt"]
CopyRole = Literal["canonical", "duplicate", "reprint", "excerpt"]


@dataclass(frozen=True, slots=True)
class CopyPair:
    """Two articles found to be copies, with the evidence.

    ``id_a < id_b`` always. ``kind`` is ``exact`` (same normalized text), ``near`` (high Jaccard
    similarity of shingle sets) or ``excerpt`` (one is mostly contained in the other; the containment
    fields give the direction: ``containment_a_in_b`` near 1 means ``a`` is an excerpt of ``b``).
    """

    id_a: str
    id_b: str
    kind: CopyKind
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True, slots=True)
class CopyMember:
    """An article's place in its copy group."""

    article_id: str
    role: CopyRole


@dataclass(frozen=True, slots=True)
class CopyGroup:
    """Articles connected by copy pairs.

    ``id`` depends only on the members' contents, never on input order. ``canonical`` is chosen by the
    rule in :func:`newsfold.copies.groups.choose_canonical`. ``weakest_link`` is the lowest similarity
    among the pairs that hold the group together (1.0 for exact duplicates).
    """

    id: str
    canonical: str
    members: tuple[CopyMember, ...]
    weakest_link: float = 1.0
