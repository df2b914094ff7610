"""WARC files (``.warc``, ``.warc.gz``): HTML responses become documents, streamed record by record.

A ``response`` (or ``resource``) record whose payload is HTML goes through the same extraction as an
``.html`` file (:func:`newsfold.readers.html_page.html_to_document`); a ``text/plain`` payload is taken as
is. Its ``derived_id`` and ``url`` are the record's ``WARC-Target-URI`` (``name:N`` for record ``N``
when a record has none). ``request``, ``warcinfo``, ``metadata`` and ``revisit`` records describe
captures rather than hold pages, and are passed over. Responses that are not successful (redirects,
errors) or not HTML/text are skipped with kinds ``http_status`` and ``unsupported``.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsfold.model import RawDocument, Skipped
from newsfold.readers._records import skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import GZIP_MAGIC, ReadProblem, check_not_binary, decode_utf8
from newsfold.readers.html_page import decode_html, html_to_document
from newsfold.readers.options import ReadOptions

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
        magic = raw.read(2)
        if not magic:
            raise ReadProblem("empty", "file is empty")
        raw.seek(0)
        records = ArchiveIterator(raw, arc2warc=False)
        index = 0
        last_offset = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as error:  # warcio raises many types (AttributeError included) on cut headers
                raise _cut(error, index, magic == GZIP_MAGIC) from error
            index += 1
            last_offset = records.offset
            if record.format != "warc":
                raise ReadProblem(
                    "malformed", "not a WARC file (no WARC/1.x record header)", f"record {index}"
                )
            declared_length = record.rec_headers.get_header("Content-Length") or ""
            if not record.rec_type or not declared_length.strip().isdigit():
                raise ReadProblem(
                    "malformed",
                    f"record header without WARC-Type or Content-Length (cut short or malformed){_read_before(index)}",
                    f"record {index}",
                )
            if record.rec_type not in _PAGE_RECORD_TYPES:
                logger.debug("%s record %d: %s record passed over", source.name, index, record.rec_type)
                try:
                    _check_whole(record)
                except _STREAM_ERRORS as error:
                    raise _cut(error, index - 1, magic == GZIP_MAGIC) from error
                continue
            try:
                yield _record_document(record, records.offset, source, index, options)
            except ReadProblem as problem:
                yield skipped(source, f"record {index}", problem.kind, problem.reason)
            except _STREAM_ERRORS as error:
                raise _cut(error, index - 1, magic == GZIP_MAGIC) from error
        if index == 0:
            raise ReadProblem("malformed", "not a WARC file (no WARC record found)")
        # warcio ends quietly at a record or gzip member cut short: bytes left unread, or a last gzip
        # member without its end, mean the file was cut.
        if records.offset < os.fstat(raw.fileno()).st_size:
            raise _cut(EOFError(), index, magic == GZIP_MAGIC)
        if magic == GZIP_MAGIC and not _gzip_ends_whole(raw, last_offset):
            raise _cut(EOFError("the last gzip member has no end"), index - 1, True)


class _RecordCut(EOFError):
    """A record's payload ends before its declared length: the file was cut inside it."""


def _read_before(index: int) -> str:
    return f"; records 1-{index - 1} were read" if index > 1 else ""


def _cut(error: BaseException, records_read: int, compressed: bool) -> ReadProblem:
    """The problem for a file that cannot be read on from record ``records_read + 1``."""
    read = _read_before(records_read + 1)
    detail = f" ({error})" if str(error) else ""
    if isinstance(error, EOFError | zlib.error):
        what = "truncated gzip stream" if compressed else "truncated WARC file"
        return ReadProblem("truncated", f"{what}{detail}{read}", f"record {records_read + 1}")
    return ReadProblem("malformed", f"malformed WARC{detail}{read}", f"record {records_read + 1}")


def _record_document(
    record: Any, offset: int, source: SourceFile, index: int, options: ReadOptions
) -> RawDocument:
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode()
        if not (status or "").startswith("2"):
            _check_whole(record)
            raise ReadProblem(
                "http_status", f"HTTP {status} response{f' for {uri}' if uri else ''}, not a page"
            )
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media_type, charset = _parse_content_type(content_type)
    if media_type not in _HTML_TYPES and media_type != "text/plain":
        _check_whole(record)
        raise ReadProblem("unsupported", f"content type {media_type or 'unknown'!r} is not HTML or text")
    limit = options.max_document_bytes
    payload = record.content_stream().read(limit + 1)
    if len(payload) > limit:
        raise ReadProblem(
            "too_large", f"payload is more than {limit:,} bytes, over max_document_bytes ({limit:,})"
        )
    _check_whole(record)
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


def _gzip_ends_whole(raw: Any, offset: int) -> bool:
    """Whether the gzip members from byte ``offset`` to the end of ``raw`` all end properly."""
    raw.seek(offset)
    decompressor = zlib.decompressobj(wbits=31)
    while chunk := raw.read(1 << 16):
        while chunk:
            try:
                decompressor.decompress(chunk)
            except zlib.error:
                return False
            chunk = decompressor.unused_data if decompressor.eof else b""
            if decompressor.eof and chunk:
                decompressor = zlib.decompressobj(wbits=31)
    return decompressor.eof


def _check_whole(record: Any) -> None:
    """Read the rest of the record; raise :class:`_RecordCut` if it ends before its declared length."""
    while record.raw_stream.read(1 << 16):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise _RecordCut("the record ends before its declared Content-Length")


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset
