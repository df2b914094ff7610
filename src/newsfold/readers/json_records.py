"""JSON records: JSON Lines (``.jsonl``, ``.ndjson``) and JSON files (``.json``), gzipped or not.

JSON Lines stream line by line. A ``.json`` file is looked at to see what it holds:

* a top-level array: each element is a record, streamed element by element (the array is never loaded
  whole), numbered from 1;
* one object: one document, unless it has no text field and exactly one of its values is a list of
  objects (``{"status": "ok", "articles": [...]}``), whose elements are then the records;
* objects one after another (JSON Lines under a ``.json`` name): read as JSON Lines.

Each record is mapped to a document by the field rules of :class:`~newsfold.readers.options.ReadOptions`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from newsfold.model import RawDocument, Skipped
from newsfold.readers._records import FieldMapper, find_field, record_to_document, skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import (
    ByteSource,
    ReadProblem,
    check_not_binary,
    decode_utf8,
    iter_lines,
    open_bytes,
    read_chunks,
    read_head,
)
from newsfold.readers.options import TEXT_FIELDS, ReadOptions

_WHITESPACE = b" \t\r\n"


def read_json_lines(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """One document per non-blank line; ``derived_id`` is ``name:N`` for line ``N`` (1-based).

    A line that is too large, not UTF-8, not JSON, not an object or has no text is skipped on its own and
    reading goes on. Blank lines are not records and are passed over.
    """
    with open_bytes(source.path) as stream:
        yield from json_lines_from(stream, source, options)


def json_lines_from(
    stream: ByteSource,
    source: SourceFile,
    options: ReadOptions,
    *,
    first_number: int = 1,
    first_offset: int = 0,
    check_binary: bool = True,
) -> Iterator[RawDocument | Skipped]:
    """The records of JSON Lines ``stream`` (all of ``source``, or a range of it starting at line
    ``first_number``, byte ``first_offset``: see :func:`~newsfold.readers._stream.iter_lines`)."""
    limit = options.max_document_bytes
    mapper = FieldMapper(options)
    for line in iter_lines(
        stream, limit, first_number=first_number, first_offset=first_offset, check_binary=check_binary
    ):
        position = f"line {line.number}"
        if line.data is None:
            yield skipped(
                source,
                position,
                "too_large",
                f"line is {line.size:,} bytes, over max_document_bytes ({limit:,})",
            )
            continue
        if not line.data.strip(_WHITESPACE):
            continue
        yield _record(line.data, line.offset, source, position, f"{source.name}:{line.number}", mapper)


def _record(
    data: bytes, offset: int, source: SourceFile, position: str, derived_id: str, mapper: FieldMapper
) -> RawDocument | Skipped:
    try:
        if b"\0" in data:
            check_not_binary(data, offset)
        try:
            value = json.loads(data)  # parsing the bytes saves a copy; bad UTF-8 is then located below
        except UnicodeDecodeError:
            decode_utf8(data, offset)
            raise
    except ReadProblem as problem:
        return skipped(source, position, problem.kind, problem.reason)
    except UnicodeDecodeError as error:
        return skipped(source, position, "encoding", f"invalid UTF-8 ({error.reason})")
    except json.JSONDecodeError as error:
        return skipped(
            source, position, "malformed_json", f"malformed JSON: {error.msg} (column {error.colno})"
        )
    except RecursionError:
        return skipped(source, position, "malformed_json", "malformed JSON: nested too deeply")
    if not isinstance(value, dict):
        return skipped(
            source, position, "not_object", f"JSON record is not an object (got {_json_type(value)})"
        )
    return record_to_document(value, source, position, derived_id, mapper)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def read_json(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """A ``.json`` file: an array of records, one record, a wrapper object or JSON Lines (see module)."""
    with open_bytes(source.path) as stream:
        head = read_head(stream)
        while head and not head.lstrip(_WHITESPACE + b"\xef\xbb\xbf"):
            head = read_head(stream)  # leading whitespace only: dropping it changes no JSON value
        check_not_binary(head)
        first = head.lstrip(_WHITESPACE + b"\xef\xbb\xbf")[:1]
        rest = _Rewound(head, stream)
        if first == b"[":
            yield from _json_array(rest, source, options)
        elif first == b"{":
            yield from _json_object_or_lines(rest, source, options)
        elif not first:
            raise ReadProblem("empty", "file is empty")
        else:
            raise ReadProblem("malformed_json", "JSON file holds neither an array nor objects")


class _Rewound:
    """A byte stream with its first bytes, already read for sniffing, put back in front."""

    def __init__(self, head: bytes, stream: ByteSource) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1, /) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._stream.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._stream.read(size)

    def read1(self, size: int = -1, /) -> bytes:
        """As ``read`` but at most one read of the stream below, so a gzip cut loses nothing before it."""
        if self._head:
            return self.read(size)
        return getattr(self._stream, "read1", self._stream.read)(size)


def _json_object_or_lines(
    stream: _Rewound, source: SourceFile, options: ReadOptions
) -> Iterator[RawDocument | Skipped]:
    """One object (maybe wrapping a list of records), else JSON Lines; decided on the first lines."""
    limit = options.max_document_bytes
    parts: list[bytes] = []
    total = 0
    for chunk in read_chunks(stream):
        total += len(chunk)
        if total > limit:
            # Bigger than one document may be: read on only if it is JSON Lines (its first line an object).
            data = b"".join(parts) + chunk
            if not _is_object_line(data.partition(b"\n")[0]):
                raise ReadProblem(
                    "too_large", f"JSON object of more than {limit:,} bytes, over max_document_bytes"
                )
            yield from json_lines_from(_Rewound(data, stream), source, options)
            return
        parts.append(chunk)
    data = b"".join(parts)
    text = decode_utf8(data)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            yield from json_lines_from(_Rewound(data, _Empty()), source, options)
            return
        raise ReadProblem(
            "malformed_json", f"malformed JSON: {error.msg} (line {error.lineno} column {error.colno})"
        ) from error
    except RecursionError as error:
        raise ReadProblem("malformed_json", "malformed JSON: nested too deeply") from error
    records = _wrapped_records(value, options)
    mapper = FieldMapper(options)
    if records is None:
        yield record_to_document(value, source, None, source.name, mapper)
        return
    for index, record in enumerate(records, start=1):
        position = f"record {index}"
        if not isinstance(record, dict):
            yield skipped(
                source, position, "not_object", f"JSON record is not an object (got {_json_type(record)})"
            )
        else:
            yield record_to_document(record, source, position, f"{source.name}:{index}", mapper)


def _is_object_line(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


class _Empty:
    def read(self, size: int = -1, /) -> bytes:
        return b""


def _wrapped_records(value: dict[str, Any], options: ReadOptions) -> list[Any] | None:
    if find_field(value, options.text_field, TEXT_FIELDS) is not None:
        return None
    lists = [item for item in value.values() if isinstance(item, list) and item and isinstance(item[0], dict)]
    return lists[0] if len(lists) == 1 else None


def _chunks_of_array(stream: ByteSource, records_read: Callable[[], int]) -> Iterator[bytes]:
    """The stream's chunks; a damaged gzip stream's problem is positioned at the record it cut."""
    try:
        yield from read_chunks(stream)
    except ReadProblem as problem:
        done = records_read()
        problem.position = f"record {done + 1}"
        problem.reason = f"{problem.reason} (records 1-{done} were read)" if done else problem.reason
        raise


# In the array scanner: what matters outside strings, and inside them.
_STRUCTURE = re.compile(rb'[\[\]{},"]')
_STRING_END = re.compile(rb'["\\]')


def _json_array(
    stream: _Rewound, source: SourceFile, options: ReadOptions
) -> Iterator[RawDocument | Skipped]:
    """Stream the elements of a top-level array, each parsed on its own.

    The scanner only tracks nesting depth and strings to find the commas between top-level elements, so
    a broken element is skipped alone and an element over the size limit is passed over without keeping
    its bytes. Memory: at most one element (up to the limit) plus one chunk.
    """
    limit = options.max_document_bytes
    mapper = FieldMapper(options)
    depth = 0  # 0 before the opening '[', 1 between elements, more inside an element
    in_string = False
    escaped = False
    closed = False
    index = 0
    element: list[bytes] = []
    element_size = 0
    element_offset = 0
    stream_offset = 0

    def finish(end_piece: bytes) -> RawDocument | Skipped | None:
        nonlocal index, element, element_size
        size = element_size + len(end_piece)
        data = b"".join(element) + end_piece if size <= limit else None
        element, element_size = [], 0
        if data is not None and not data.strip(_WHITESPACE):
            return None  # "[]" or a trailing comma: no element here
        index += 1
        position = f"record {index}"
        if data is None:
            return skipped(
                source,
                position,
                "too_large",
                f"record is {size:,} bytes, over max_document_bytes ({limit:,})",
            )
        return _record(data, element_offset, source, position, f"{source.name}:{index}", mapper)

    for chunk in _chunks_of_array(stream, lambda: index):
        position = 0
        start = 0  # where the current element's bytes begin within this chunk
        length = len(chunk)
        while position < length:
            if escaped:
                escaped = False
                position += 1
                continue
            if in_string:
                match = _STRING_END.search(chunk, position)
                if match is None:
                    position = length
                    break
                if chunk[match.start()] == 0x5C:  # backslash: skip the escaped byte
                    escaped = True
                    position = match.start() + 1
                else:
                    in_string = False
                    position = match.start() + 1
                continue
            match = _STRUCTURE.search(chunk, position)
            if match is None:
                position = length
                break
            at = match.start()
            byte = chunk[at]
            position = at + 1
            if closed:
                continue
            if byte == 0x22:  # quote
                in_string = True
            elif byte in (0x5B, 0x7B):  # [ {
                depth += 1
                if depth == 1:
                    start = position
                    element_offset = stream_offset + position
            elif byte in (0x5D, 0x7D):  # ] }
                depth -= 1
                if depth == 0:
                    document = finish(chunk[start:at])
                    if document is not None:
                        yield document
                    closed = True
            elif byte == 0x2C and depth == 1:  # comma between elements
                document = finish(chunk[start:at])
                if document is not None:
                    yield document
                start = position
                element_offset = stream_offset + position
        if depth >= 1 and not closed:
            piece = chunk[start:]
            element_size += len(piece)
            if element_size <= limit:
                element.append(piece)
            else:
                element = []
        stream_offset += length
    if not closed:
        raise ReadProblem(
            "malformed_json",
            f"JSON array is not closed (the file ends inside it; records 1-{index} were read)",
            position=f"record {index + 1}",
        )
