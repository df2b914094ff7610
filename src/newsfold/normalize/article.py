"""From a reader's :class:`RawDocument` to a normalized :class:`Article`.

The steps, in order (each is a pure function of the text and the options):

1. :func:`normalize_text` (NFKC, whitespace, furniture lines removed).
2. Date stamp lines near the top (``"Posted: 24.05.2024 19:54:00"``) are taken as the publication date
   when the reader gave none, and dropped from the text either way.
3. The title: ``raw.title`` when given (and a copy of it opening the text is dropped), else the first
   line (with its lowercase continuation lines) when it looks like a headline and more text follows
   (:mod:`newsfold.normalize.titles`).
4. The dateline at the start of the first body paragraph (headline-shaped standfirst lines before it
   are skipped), or else a place and date closing the title (:mod:`newsfold.normalize.datelines`).
5. Dates (:mod:`newsfold.normalize.dates`): the reference date is the publication date if any, else the
   first full date in the title or lead, else ``options.as_of`` (today by default). A yearless dateline
   or lead date is resolved against it; without a publication date, the first resolved date of the
   dateline, the title or the lead becomes the publication date.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from newsfold.model import Article, Dateline, PublishedDate, RawDocument, Skipped
from newsfold.normalize.datelines import DatelineMatch, parse_dateline, parse_title_dateline
from newsfold.normalize.dates import (
    DateMention,
    find_date_mentions,
    parse_date_line,
    parse_published,
    resolve_month_day,
    resolve_month_day_weekday,
)
from newsfold.normalize.options import NormalizeOptions
from newsfold.normalize.text import content_hash, normalize_inline, normalize_text
from newsfold.normalize.titles import is_headline_like, same_title, title_from_paragraph

logger = logging.getLogger(__name__)

DEFAULT_OPTIONS = NormalizeOptions()

_LEAD_PARAGRAPH_CHARS = 1500
"""How much of each lead paragraph is searched for dates (a long news paragraph is ~1,000 characters)."""

# Labels of stamp lines that give the first publication, preferred over "updated"/"modified".
_PUBLISHED_LABELS = frozenset({"", "posted", "published", "first published", "date"})


@dataclass(frozen=True, slots=True)
class _Reference:
    """The date that yearless dates are resolved against, and how much it can be trusted."""

    date: dt.date
    kind: Literal["published", "text", "as_of"]


def _as_date(value: PublishedDate) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _take_stamp_lines(paragraphs: list[str], limit: int) -> tuple[list[str], PublishedDate | None]:
    """Drop date-stamp paragraphs among the first ``limit``; return the rest and the best stamp."""
    kept: list[str] = []
    published: PublishedDate | None = None
    other: PublishedDate | None = None
    for index, paragraph in enumerate(paragraphs):
        found = parse_date_line(paragraph) if index < limit and "\n" not in paragraph else None
        if found is None:
            kept.append(paragraph)
            continue
        label, stamp = found
        if label in _PUBLISHED_LABELS:
            published = published or stamp
        else:
            other = other or stamp
    return kept, published or other


def _looks_like_dateline_only(paragraph: str) -> bool:
    dateline = parse_dateline(paragraph)
    return dateline is not None and len(dateline.raw) >= len(paragraph) - 2


def _drop_first_line(paragraphs: list[str]) -> list[str]:
    first, _, rest = paragraphs[0].partition("\n")
    return ([rest] if rest else []) + paragraphs[1:]


def _split_title(
    paragraphs: list[str], given_title: str | None, options: NormalizeOptions
) -> tuple[str | None, list[str]]:
    """The title and the body paragraphs without it.

    A detected title is the first line, plus the lines after it that continue it (start in lowercase:
    a hard-wrapped headline), when that is headline-shaped and more text follows; a title given by the
    reader is kept and a copy of it opening the text is dropped. Either way a title repeated at the start
    of the body (a common extraction artefact) is dropped once.
    """
    if not paragraphs:
        return given_title, paragraphs
    if given_title:
        title = title_from_paragraph(given_title)
        if same_title(paragraphs[0], title):
            body = paragraphs[1:]
        elif same_title(paragraphs[0].partition("\n")[0], title):
            body = _drop_first_line(paragraphs)
        else:
            return title, paragraphs
        if body and same_title(body[0].partition("\n")[0], title):
            body = _drop_first_line(body)
        return title, body
    lines = paragraphs[0].split("\n")
    count = 1
    while count < min(len(lines), options.max_title_lines) and lines[count][:1].islower():
        count += 1
    candidate = "\n".join(lines[:count])
    body = (["\n".join(lines[count:])] if count < len(lines) else []) + paragraphs[1:]
    if not body or not is_headline_like(candidate, options) or _looks_like_dateline_only(candidate):
        return None, paragraphs
    title = title_from_paragraph(candidate)
    if same_title(body[0].partition("\n")[0], title):
        body = _drop_first_line(body)
        if not body:
            return None, paragraphs
    return title, body


def _find_body_dateline(lead_lines: list[str], options: NormalizeOptions) -> tuple[DatelineMatch, str] | None:
    """The dateline opening the first body paragraph, skipping headline-shaped standfirsts before it.

    Works on lines rather than paragraphs so that texts whose paragraphs are separated by single line
    breaks (common in extracted text) are read the same way.
    """
    for line in lead_lines:
        dateline = parse_dateline(line)
        if dateline is not None:
            return dateline, line
        if not is_headline_like(line, options):
            return None
    return None


def _resolve(
    mention: DateMention, reference: _Reference, weekday: int | None, options: NormalizeOptions
) -> dt.date | None:
    """Give ``mention`` a full date; ``weekday`` is a weekday named next to it, if any."""
    if mention.full_date is not None:
        return mention.full_date
    if mention.month is None or mention.day is None:
        return None  # a bare weekday: not a day of its own
    if reference.kind == "published":
        return resolve_month_day(
            mention.month, mention.day, reference.date, tolerance_days=options.published_tolerance_days
        )
    if reference.kind == "text":
        return resolve_month_day(mention.month, mention.day, reference.date, rule="nearest")
    weekday = mention.weekday if mention.weekday is not None else weekday
    if weekday is not None:
        exact = resolve_month_day_weekday(mention.month, mention.day, weekday, reference.date)
        if exact is not None:
            return exact
    return resolve_month_day(mention.month, mention.day, reference.date, tolerance_days=0)


def _first_weekday(mentions: list[DateMention]) -> int | None:
    return next((m.weekday for m in mentions if m.weekday is not None and m.month is None), None)


def build_article(raw: RawDocument, options: NormalizeOptions = DEFAULT_OPTIONS) -> Article | Skipped:
    """Normalize one reader record into an :class:`Article`, or :class:`Skipped` when no text is left.

    ``id`` is ``raw.given_id``, else ``raw.derived_id``, else ``raw.location``. ``text`` is
    :func:`normalize_text` of ``raw.text`` without the title line(s) (when the title came from the
    text, or repeats ``raw.title``) and without date-stamp lines at the top; ``content_hash`` is
    :func:`content_hash` of that text. ``title``, ``dateline`` and ``published`` are found as described
    in this module's docstring; ``published`` is ``raw.published`` when that parses, and a naive stamp
    stays naive. ``outlet``, ``language`` and ``meta`` are passed through, ``source`` is
    ``raw.location``. Returns ``Skipped(raw.location, "empty document after normalization", "empty")``
    when the text is empty after normalization. Never raises on odd text. ``year_inferred`` is set when
    the dates were resolved against ``options.as_of`` (no year anywhere in the article).
    """
    article, uses_as_of = _build_article(raw, options)
    if uses_as_of and isinstance(article, Article):
        return replace(article, year_inferred=True)
    return article


def collection_as_of(
    raws: Iterable[RawDocument], options: NormalizeOptions = DEFAULT_OPTIONS
) -> dt.date | None:
    """The ``as_of`` date for reading ``raws`` as an archive: the newest publication date among the
    documents whose date does not depend on ``as_of`` (a stamp, a full date, or a yearless date resolved
    against one of those). ``None`` when no document has such a date.

    Use it for a two-pass read of a collection whose undated articles should be resolved against the
    collection's own time span rather than today's date:
    ``NormalizeOptions(as_of=collection_as_of(raws))``. It normalizes every document once, so it costs
    as much as a first pass of :func:`build_article`.
    """
    newest: dt.date | None = None
    for raw in raws:
        article, uses_as_of = _build_article(raw, options)
        if isinstance(article, Skipped) or uses_as_of or article.published is None:
            continue
        day = _as_date(article.published)
        newest = day if newest is None or day > newest else newest
    return newest


def _build_article(raw: RawDocument, options: NormalizeOptions) -> tuple[Article | Skipped, bool]:
    """:func:`build_article`, and whether its dates were resolved against ``options.as_of``."""
    paragraphs = normalize_text(raw.text).split("\n\n")
    paragraphs = [p for p in paragraphs if p]
    paragraphs, stamp = _take_stamp_lines(paragraphs, options.lead_paragraphs + 1)

    given_title = normalize_inline(raw.title) if raw.title else None
    title, body = _split_title(paragraphs, given_title, options)
    if not body:
        return Skipped(raw.location, "empty document after normalization", "empty"), False
    text = "\n\n".join(body)

    published = parse_published(raw.published)
    if published is None and raw.published is not None:
        logger.debug("%s: unparseable published value %r", raw.location, raw.published)
    if published is None:
        published = stamp

    # The lead, where news puts its dateline and the dates of the event: the first paragraphs, each
    # capped so that a text without paragraph breaks is not searched whole.
    lead = [paragraph[:_LEAD_PARAGRAPH_CHARS] for paragraph in body[: options.lead_paragraphs]]
    lead_lines = [line for paragraph in lead for line in paragraph.split("\n")][: options.lead_paragraphs]
    found_dateline = _find_body_dateline(lead_lines, options)
    title_dateline = parse_title_dateline(title) if title else None
    # Date mentions are only needed when there is no publication date to go by (and cost a regex pass).
    title_mentions: list[DateMention] = []
    lead_mentions: list[DateMention] = []
    if published is not None:
        reference = _Reference(_as_date(published), "published")
    else:
        title_mentions = find_date_mentions(title) if title else []
        lead_mentions = [m for paragraph in lead for m in find_date_mentions(paragraph)]
        full = next((m.full_date for m in (*title_mentions, *lead_mentions) if m.full_date), None)
        reference = _Reference(full, "text") if full else _Reference(options.reference_today(), "as_of")

    dateline: Dateline | None = None
    inferred: dt.date | None = None
    if found_dateline is not None:
        match, paragraph = found_dateline
        resolved = None
        if match.date is not None:
            # A weekday beside the dateline only matters when nothing else gives the year.
            weekday = _first_weekday(find_date_mentions(paragraph)) if reference.kind == "as_of" else None
            resolved = _resolve(match.date, reference, weekday, options)
        dateline = Dateline(place=match.place, agency=match.agency, date=resolved, raw=match.raw)
        inferred = resolved
    if title_dateline is not None and title_dateline.date is not None:
        resolved = _resolve(title_dateline.date, reference, None, options)
        if dateline is None:
            dateline = Dateline(
                place=title_dateline.place, agency=None, date=resolved, raw=title_dateline.raw
            )
        inferred = inferred or resolved
    if inferred is None and published is None:
        for mention in (*title_mentions, *lead_mentions):
            inferred = _resolve(mention, reference, None, options)
            if inferred is not None:
                break
    if published is None:
        published = inferred

    article = Article(
        id=raw.given_id or raw.derived_id or raw.location,
        content_hash=content_hash(text),
        text=text,
        title=title,
        published=published,
        dateline=dateline,
        outlet=raw.outlet,
        language=raw.language,
        source=raw.location,
        meta=raw.meta,
    )
    return article, reference.kind == "as_of" and published is not None


def redate(article: Article, as_of: dt.date) -> Article:
    """``article`` with its publication date and dateline resolved again against ``as_of``.

    For articles whose year was inferred (:attr:`Article.year_inferred`): the stored text and title are
    normalized again with ``NormalizeOptions(as_of=as_of)`` and only ``published`` and ``dateline`` are
    taken from the result; the article comes back unchanged when normalizing again skips it. Used by the
    local pipeline and the Spark engine alike, so both resolve years the same way.
    """
    raw = RawDocument(location=article.source, text=article.text, derived_id=article.id, title=article.title)
    again = build_article(raw, NormalizeOptions(as_of=as_of))
    if isinstance(again, Skipped):
        return article
    return replace(article, published=again.published, dateline=again.dateline)
