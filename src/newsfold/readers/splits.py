"""Splitting one large file into parts that separate tasks read in parallel.

A distributed engine reads one task per file; a single file of millions of articles would then be read
by one task. :func:`split_source` cuts an uncompressed JSON Lines file (``.jsonl``, ``.ndjson``) into
byte ranges that start at a line start, and a Parquet file into runs of row groups; :func:`read_split`
reads one part with the numbering, ids, positions and ``Skipped`` records that reading the whole file
gives: concatenating ``read_split`` over the splits, in order, yields exactly what
:func:`~newsfold.readers.read_source` yields for the file. (One difference, in damaged Parquet files
only: a row group that cannot be decoded ends the whole-file read, while the parts after it are still
read when split.)

Gzipped files (no random access), files whose first bytes are binary (the whole file is one
``Skipped``) and other formats (CSV fields and JSON arrays may hold line breaks) are not split.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from newsfold.model import RawDocument, Skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import CHUNK_SIZE, GZIP_MAGIC, SNIFF_SIZE
from newsfold.readers.json_records import json_lines_from
from newsfold.readers.options import ReadOptions
from newsfold.readers.parquet_rows import read_parquet_row_groups
from newsfold.readers.registry import guarded

logger = logging.getLogger(__name__)

SPLITTABLE_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class SourceSplit:
    """Part ``[start, stop)`` of ``source``, its first record numbered ``first_line`` (1-based): bytes
    holding whole lines of a JSON Lines file, or row groups of a Parquet file (``row_groups``)."""

    source: SourceFile
    start: int
    stop: int
    first_line: int
    row_groups: bool = False


def split_source(source: SourceFile, target_bytes: int) -> list[SourceSplit] | None:
    """Parts of about ``target_bytes`` covering ``source``, or ``None`` when the file is not split: not an
    uncompressed JSON Lines or a Parquet file, binary, unreadable, or not larger than ``target_bytes``.

    JSON Lines: byte ranges, each ending just after a line break or at the end of the file (the file is
    read once, counting line breaks). Parquet: runs of whole row groups by their compressed size in the
    footer (a file of one row group is not split).
    """
    if target_bytes < 1:
        raise ValueError(f"target_bytes must be at least 1, got {target_bytes}")
    if source.path.name.lower().endswith(".parquet"):
        return _row_group_runs(source, target_bytes)
    if not source.path.name.lower().endswith(SPLITTABLE_SUFFIXES):
        return None
    try:
        size = source.path.stat().st_size
        if size <= target_bytes:
            return None
        with open(source.path, "rb") as raw:
            head = raw.read(CHUNK_SIZE)
            if head[:2] == GZIP_MAGIC or b"\0" in head[:SNIFF_SIZE]:
                return None
            raw.seek(0)
            return _cut(raw, source, size, target_bytes)
    except OSError as error:
        logger.debug("not splitting %s: %s", source.location, error)
        return None


def _cut(raw: IO[bytes], source: SourceFile, size: int, target_bytes: int) -> list[SourceSplit]:
    splits: list[SourceSplit] = []
    start, first_line = 0, 1
    breaks_before = 0  # line breaks before the current chunk
    base = 0
    next_cut = target_bytes
    while True:
        chunk = raw.read(CHUNK_SIZE)
        if not chunk:
            break
        end = base + len(chunk)
        while next_cut < end:
            found = chunk.find(b"\n", max(0, next_cut - base))
            if found < 0:
                next_cut = end  # the cut moves to the first line break of a later chunk
                break
            stop = base + found + 1
            line = breaks_before + chunk.count(b"\n", 0, found + 1) + 1
            splits.append(SourceSplit(source, start, stop, first_line))
            start, first_line = stop, line
            next_cut = stop + target_bytes
        breaks_before += chunk.count(b"\n")
        base = end
    if start < size or not splits:
        splits.append(SourceSplit(source, start, size, first_line))
    return splits


def _row_group_runs(source: SourceFile, target_bytes: int) -> list[SourceSplit] | None:
    """Runs of consecutive row groups of about ``target_bytes`` (compressed size, from the footer), or
    ``None`` for a file of one run or with an unreadable footer (read whole, with the usual error)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        if source.path.stat().st_size <= target_bytes:
            return None
        metadata = pq.ParquetFile(source.path).metadata
    except (OSError, pa.ArrowException, ValueError) as error:
        logger.debug("not splitting %s: %s", source.location, error)
        return None
    splits: list[SourceSplit] = []
    start, size, first, rows = 0, 0, 1, 0
    for group in range(metadata.num_row_groups):
        meta = metadata.row_group(group)
        size += meta.total_byte_size
        rows += meta.num_rows
        if size >= target_bytes and group + 1 < metadata.num_row_groups:
            splits.append(SourceSplit(source, start, group + 1, first, row_groups=True))
            start, size, first = group + 1, 0, rows + 1
    if not splits:
        return None
    splits.append(SourceSplit(source, start, metadata.num_row_groups, first, row_groups=True))
    return splits


class _Window:
    """At most ``length`` bytes of ``raw`` from its current position."""

    def __init__(self, raw: IO[bytes], length: int) -> None:
        self._raw = raw
        self._left = length

    def read(self, size: int = -1, /) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size < 0 else min(size, self._left)
        data = self._raw.read(wanted)
        self._left -= len(data)
        return data


def read_split(split: SourceSplit, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """The documents and ``Skipped`` of one part, as reading the whole file gives them for these records.

    Never raises for bad input: a failure becomes one ``Skipped``, as in
    :func:`~newsfold.readers.read_source`.
    """
    yield from guarded(split.source, _read_part(split, options))


def _read_part(split: SourceSplit, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    if split.row_groups:
        yield from read_parquet_row_groups(split.source, options, range(split.start, split.stop), split.first_line)
        return
    with open(split.source.path, "rb") as raw:
        raw.seek(split.start)
        yield from json_lines_from(
            _Window(raw, split.stop - split.start),
            split.source,
            options,
            first_number=split.first_line,
            first_offset=split.start,
            check_binary=split.start == 0,
        )
