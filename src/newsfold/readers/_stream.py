"""Bytes in, bounded: opening files (gzip or not), reading whole documents or lines, decoding UTF-8.

Everything here raises :class:`ReadProblem` for bad input, with a ``kind`` from
:data:`newsfold.readers.options.SKIP_KINDS`; the reader dispatch turns it into a ``Skipped``. Nothing here
holds more than ``limit`` bytes of one document in memory.
"""

from __future__ import annotations

import codecs
import gzip
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NamedTuple, Protocol, cast

CHUNK_SIZE = 1 << 20
SNIFF_SIZE = 8192
GZIP_MAGIC = b"\x1f\x8b"


class ByteSource(Protocol):
    """Anything with ``read(size) -> bytes``: a file, a gzip stream, a WARC payload."""

    def read(self, size: int = -1, /) -> bytes: ...


class ReadProblem(Exception):
    """A file (or the rest of it) cannot be read. ``position`` is ``line N`` / ``record N`` when known."""

    def __init__(self, kind: str, reason: str, position: str | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.position = position


def format_bytes(count: int) -> str:
    """``52,428,800 bytes``: sizes in reasons are exact and readable."""
    return f"{count:,} bytes"


def too_large(size: int, limit: int, *, at_least: bool = False) -> ReadProblem:
    """The ``too_large`` problem, naming the size and the limit."""
    amount = f"more than {format_bytes(limit)}" if at_least else format_bytes(size)
    return ReadProblem("too_large", f"document is {amount}, over max_document_bytes ({limit:,})")


@contextmanager
def open_bytes(path: Path) -> Iterator[IO[bytes]]:
    """Open ``path`` for reading bytes, decompressing gzip transparently.

    Gzip is recognized by its magic number, not by the ``.gz`` suffix, so a mislabelled file still reads.
    Read errors from a damaged gzip stream surface from :func:`read_chunks` as ``truncated``/``corrupt``.
    """
    with open(path, "rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield cast(IO[bytes], unzipped)
        else:
            yield raw


def is_gzip(stream: IO[bytes]) -> bool:
    """Whether :func:`open_bytes` gave a decompressing stream."""
    return isinstance(stream, gzip.GzipFile)


def read_chunks(stream: ByteSource, size: int | None = None) -> Iterator[bytes]:
    """Chunks of at most ``size`` (default :data:`CHUNK_SIZE`) bytes until the end; damaged gzip becomes
    a :class:`ReadProblem`."""
    if size is None:
        size = CHUNK_SIZE
    # read1 returns what one underlying read gave; read() would lose the bytes decompressed before a cut.
    read = getattr(stream, "read1", stream.read)
    while True:
        try:
            chunk = read(size)
        except EOFError as error:
            raise ReadProblem("truncated", "truncated gzip stream") from error
        except (zlib.error, gzip.BadGzipFile) as error:
            raise ReadProblem("corrupt", f"corrupt gzip stream ({error})") from error
        if not chunk:
            return
        yield chunk


def read_head(stream: ByteSource, size: int = SNIFF_SIZE) -> bytes:
    """The first bytes for sniffing: one read of at most ``size`` bytes (empty only at the end).

    One read, so that a stream cut soon after its start still gives what came before the cut, and the
    cut is reported by the next read.
    """
    return next(read_chunks(stream, size), b"")


def read_document(stream: IO[bytes], limit: int) -> bytes:
    """All bytes of a one-document file, or ``too_large`` without reading more than ``limit`` bytes.

    A plain file is measured by its size on disk before anything is read; a gzip stream is read until it
    ends or passes ``limit``.
    """
    if not is_gzip(stream):
        try:
            size = os.fstat(stream.fileno()).st_size
        except (OSError, AttributeError, ValueError):
            size = -1
        if size > limit:
            raise too_large(size, limit)
    parts: list[bytes] = []
    total = 0
    for chunk in read_chunks(stream, min(CHUNK_SIZE, limit + 1)):
        total += len(chunk)
        if total > limit:
            raise too_large(total, limit, at_least=True)
        parts.append(chunk)
    return b"".join(parts)


def check_not_binary(data: bytes, base_offset: int = 0) -> None:
    """Raise ``binary`` if ``data`` holds a NUL byte: no text format newsfold reads has one."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise ReadProblem(
            "binary", f"NUL byte at byte offset {base_offset + nul}: binary data (or UTF-16), not UTF-8 text"
        )


def decode_utf8(data: bytes, base_offset: int = 0) -> str:
    """Strict UTF-8 (a leading byte-order mark dropped); ``binary`` or ``encoding`` problems otherwise.

    ``base_offset`` is where ``data`` starts in its file, so the reason names the offending byte's offset
    in the file (in the decompressed stream for gzip).
    """
    check_not_binary(data, base_offset)
    start = 3 if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadProblem(
            "encoding", f"invalid UTF-8 at byte offset {base_offset + start + error.start} ({error.reason})"
        ) from error


def decode_document(data: bytes) -> str:
    """Decode a whole one-document file: UTF-16 with a byte-order mark, else strict UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ReadProblem(
                "encoding", f"invalid UTF-16 at byte offset {error.start} ({error.reason})"
            ) from error
    return decode_utf8(data)


class Line(NamedTuple):
    """One line of a line-based file (a named tuple: one is made per record, so it must be cheap).

    ``number`` is 1-based, ``offset`` the byte offset of its first byte in the (decompressed) stream,
    ``size`` its length in bytes without the line break, and ``data`` its bytes without the ``\\n`` (a
    ``\\r`` before it is kept), or ``None`` when ``size`` is over the limit and the bytes were not kept.
    """

    number: int
    offset: int
    size: int
    data: bytes | None


def iter_lines(
    stream: ByteSource, limit: int, *, first_number: int = 1, first_offset: int = 0, check_binary: bool = True
) -> Iterator[Line]:
    """Stream the lines of ``stream``, never holding more than ``limit`` bytes of one line.

    A file whose first bytes hold a NUL byte is binary: ``binary`` is raised before any line (unless
    ``check_binary`` is false: a stream that starts inside a file). A damaged gzip stream raises
    ``truncated``/``corrupt`` positioned at the line it cut, after every complete line before it was
    yielded. ``first_number`` and ``first_offset`` are the number and byte offset of the stream's first
    line in its file (for a range of a file, :mod:`newsfold.readers.splits`).
    """
    pending: list[bytes] = []
    pending_size = 0
    number = first_number
    offset = first_offset
    first = check_binary
    try:
        for chunk in read_chunks(stream):
            if first:
                check_not_binary(chunk[:SNIFF_SIZE])
                first = False
            parts = chunk.split(b"\n")
            for part in parts[:-1]:
                size = pending_size + len(part)
                if size > limit:
                    data = None
                elif pending:
                    pending.append(part)
                    data = b"".join(pending)
                else:
                    data = part
                yield Line(number, offset, size, data)
                number += 1
                offset += size + 1
                pending = []
                pending_size = 0
            tail = parts[-1]
            if tail:
                pending_size += len(tail)
                if pending_size <= limit:
                    pending.append(tail)
                else:
                    pending = []
    except ReadProblem as problem:
        if problem.kind in ("truncated", "corrupt"):
            problem.position = f"line {number}"
            read = f"lines 1-{number - 1} were read" if number > 1 else "no line was complete"
            problem.reason = f"{problem.reason} ({read})"
        raise
    if pending_size:
        yield Line(number, offset, pending_size, b"".join(pending) if pending_size <= limit else None)
