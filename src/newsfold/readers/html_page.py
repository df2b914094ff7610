"""HTML pages (``.html``, ``.htm``, gzipped too): main text, title, date and site name via trafilatura.

The page's main text is found by :func:`trafilatura.bare_extraction` (navigation, ads, comments and
boilerplate left out); the publication date by htmldate (which trafilatura calls, looking for the
original publication date, not the last modification); the outlet from the site name (``og:site_name``
and similar). Also used by the WARC reader for HTML responses.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

import trafilatura

from newsfold.model import RawDocument, Skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import ReadProblem, check_not_binary, decode_utf8, open_bytes, read_document
from newsfold.readers.options import ReadOptions

logger = logging.getLogger(__name__)

_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?\s*([A-Za-z]{2,3})\b""", re.IGNORECASE)
# Labels the web platform reads as windows-1252 (WHATWG Encoding Standard, "legacy single-byte").
_WINDOWS_1252_LABELS = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_META_FIELDS = ("author", "description", "hostname", "categories", "tags", "pagetype")


class _DemoteToDebug(logging.Filter):
    """trafilatura logs ERROR for pages it finds nothing in ("empty HTML tree"); here such a page is a
    ``Skipped`` with its reason, so the log record is demoted to DEBUG instead of looking like a failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


_DEMOTE = _DemoteToDebug()
for _name in ("trafilatura.core", "trafilatura.utils", "trafilatura.main_extractor", "trafilatura.external"):
    logging.getLogger(_name).addFilter(_DEMOTE)


def decode_html(data: bytes, declared_charset: str | None = None) -> str:
    """Decode HTML bytes: a byte-order mark first, else ``declared_charset`` (from an HTTP header), else a
    ``<meta charset>`` in the first 4 KB, else strict UTF-8.

    A page that declares a legacy charset but is valid UTF-8 is read as UTF-8 (mislabelled pages are
    common). Raises ``binary`` or ``encoding`` problems for bytes that fit neither.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        return decode_utf8(data)
    charset = declared_charset
    if charset is None:
        match = _META_CHARSET.search(data, 0, _SNIFF_BYTES)
        charset = match.group(1).decode("ascii") if match else None
    codec = _codec_name(charset)
    if codec is None or codec == "utf-8":
        return decode_utf8(data)
    check_not_binary(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ReadProblem(
            "encoding", f"invalid {charset} (declared charset) at byte offset {error.start} ({error.reason})"
        ) from error


def _codec_name(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().lower()).name
    except LookupError:
        logger.debug("unknown charset %r, reading as UTF-8", charset)
        return None
    if name in _WINDOWS_1252_LABELS:
        return "cp1252"
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


def html_to_document(
    html: str,
    *,
    location: str,
    derived_id: str,
    url: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> RawDocument:
    """Extract the article in ``html``; raises a ``no_text`` problem when there is none.

    ``url`` (where the page was fetched from) helps trafilatura and is the document's ``url``; without
    it the page's canonical URL is (with it, a different canonical URL goes to ``meta["canonical_url"]``).
    The text starts after the title when its first line repeats the title.
    """
    if not html.strip():
        raise ReadProblem("empty", "HTML is empty")
    try:
        extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as error:  # trafilatura and lxml raise many types on hostile markup
        logger.debug("trafilatura failed on %s", location, exc_info=True)
        raise ReadProblem(
            "no_text", f"no article text found in HTML (extraction failed: {error!r:.200})"
        ) from error
    if extracted is None or isinstance(extracted, dict):
        raise ReadProblem("no_text", "no article text found in HTML")
    text = extracted.text or ""
    title = (extracted.title or "").strip() or None
    if title:
        first_line, _, rest = text.partition("\n")
        if first_line.strip() == title:
            text = rest
    if not text.strip():
        raise ReadProblem("no_text", "no article text found in HTML")
    page_meta: dict[str, Any] = {
        key: getattr(extracted, key) for key in _META_FIELDS if getattr(extracted, key)
    }
    if meta:
        page_meta.update(meta)
    if url and extracted.url and extracted.url != url:
        page_meta["canonical_url"] = extracted.url
    return RawDocument(
        location=location,
        text=text,
        derived_id=derived_id,
        title=title,
        published=_as_date(extracted.date),
        outlet=(extracted.sitename or "").strip() or None,
        language=_html_language(html) or extracted.language,
        url=url or extracted.url,
        meta=page_meta,
    )


def _as_date(value: str | None) -> dt.date | str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


def _html_language(html: str) -> str | None:
    match = _HTML_LANG.search(html, 0, _SNIFF_BYTES * 4)
    return match.group(1).lower() if match else None


def read_html(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """Yield the page as one :class:`RawDocument` (``derived_id`` is ``source.name``).

    Raises problems ``too_large``, ``binary``, ``encoding``, ``empty``, ``truncated`` and ``no_text``.
    """
    with open_bytes(source.path) as stream:
        data = read_document(stream, options.max_document_bytes)
    if not data.strip():
        raise ReadProblem("empty", "file is empty")
    html = decode_html(data)
    yield html_to_document(html, location=source.location, derived_id=source.name)
