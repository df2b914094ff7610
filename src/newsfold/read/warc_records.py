"""WARC files (``.warc``, ``.warc.gz``): HTML responses become documents, streamed record by record.

A ``response`` (or ``resource``) record whose payload is HTML goes through the same extraction as an
``.html`` file (:func:`newsfold.read.html_page.html_to_document`); a ``text/plain`` payload is taken as
is. Its ``derived_id`` and ``url`` are the record's ``WARC-Target-URI`` (``name:N`` for record ``N``
when a record has none). ``request``, ``warcinfo``, ``metadata`` and ``revisit`` records describe
captures rather than hold pages, and are passed over. Responses that are not successful (redirects,
errors) or not HTML/text are skipped with kinds ``http_status`` and ``unsupported``.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsfold.model import RawDocument, Skipped
from newsfold.read._records import skipped
from newsfold.read._sources import SourceFile
from newsfold.read._stream import ReadProblem, check_not_binary, decode_utf8
from newsfold.read.html_page import decode_html, html_to_document
from newsfold.read.options import ReadOptions

logger = logging.getLogger(__name__)

_PAGE_RECORD_TYPES = frozenset({"response", "resource"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_STREAM_ERRORS = (EOFError, zlib.error, ArchiveLoadFailed, OSError, ValueError)


def read_warc(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """Yield one document (or ``Skipped``) per page record; ``location`` is ``path:record N`` with ``N``
    counting every record in the file from 1, and ``meta['warc_offset']`` the record's byte offset.

    A damaged file raises a ``truncated`` problem positioned at the first record that could not be read,
    after every record before it was yielded.
    """
    with open(source.path, "rb") as raw:
        if not raw.read(1):
            raise ReadProblem("empty", "file is empty")
        raw.seek(0)
        records = ArchiveIterator(raw, arc2warc=True)
        index = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except _STREAM_ERRORS as error:
                raise _cut(error, index) from error
            index += 1
            if record.rec_type not in _PAGE_RECORD_TYPES:
                logger.debug("%s record %d: %s record passed over", source.name, index, record.rec_type)
                continue
            try:
                yield _record_document(record, records.get_record_offset(), source, index, options)
            except ReadProblem as problem:
                yield skipped(source, f"record {index}", problem.kind, problem.reason)
            except _STREAM_ERRORS as error:
                raise _cut(error, index - 1) from error
        _check_complete(raw, index)


def _cut(error: BaseException, records_read: int) -> ReadProblem:
    read = f"; records 1-{records_read} were read" if records_read else ""
    kind = "truncated" if isinstance(error, EOFError | zlib.error) else "malformed"
    what = "truncated gzip stream" if kind == "truncated" else "malformed WARC"
    return ReadProblem(kind, f"{what} ({error!r:.200}){read}", f"record {records_read + 1}")


def _check_complete(raw: Any, records_read: int) -> None:
    """warcio ends quietly at a cut gzip member: a file not read to its end was cut short."""
    position = raw.tell()
    raw.seek(0, 2)
    if raw.tell() > position:
        raise ReadProblem(
            "truncated", f"truncated gzip stream; records 1-{records_read} were read", f"record {records_read + 1}"
        )


def _record_document(
    record: Any, offset: int, source: SourceFile, index: int, options: ReadOptions
) -> RawDocument:
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode()
        if not (status or "").startswith("2"):
            raise ReadProblem("http_status", f"HTTP {status} response{f' for {uri}' if uri else ''}, not a page")
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media_type, charset = _parse_content_type(content_type)
    if media_type not in _HTML_TYPES and media_type != "text/plain":
        raise ReadProblem("unsupported", f"content type {media_type or 'unknown'!r} is not HTML or text")
    limit = options.max_document_bytes
    payload = record.content_stream().read(limit + 1)
    if len(payload) > limit:
        raise ReadProblem("too_large", f"payload is more than {limit:,} bytes, over max_document_bytes ({limit:,})")
    if not payload.strip():
        raise ReadProblem("empty", "payload is empty")
    location = f"{source.location}:record {index}"
    derived_id = uri or f"{source.name}:{index}"
    meta: dict[str, Any] = {"warc_offset": offset}
    for header, key in (("WARC-Record-ID", "warc_record_id"), ("WARC-Date", "warc_date")):
        value = record.rec_headers.get_header(header)
        if value:
            meta[key] = value
    if media_type == "text/plain":
        check_not_binary(payload)
        text = decode_utf8(payload)
        return RawDocument(location=location, text=text, derived_id=derived_id, url=uri, meta=meta)
    html = decode_html(payload, charset)
    return html_to_document(html, location=location, derived_id=derived_id, url=uri, meta=meta)


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset
