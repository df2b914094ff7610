"""Streaming readers: files, folders and globs in; :class:`~newsfold.model.RawDocument` records out.

One function does it all::

    from newsfold.model import Skipped
    from newsfold.readers import ReadOptions, iter_raw

    for item in iter_raw(["corpus/", "extra/*.jsonl.gz"], ReadOptions(text_field="body")):
        if isinstance(item, Skipped):
            print("skipped", item.location, item.reason)
        else:
            print(item.derived_id, item.title)

Formats, chosen by suffix (any of them may also be gzipped, ``.jsonl.gz``, except Parquet):
``.txt``; ``.html``/``.htm``/``.xhtml``; ``.jsonl``/``.ndjson``/``.json``; ``.csv``/``.tsv``;
``.parquet``; ``.warc``/``.warc.gz``. :func:`~newsfold.readers.registry.register_format` adds more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from newsfold.model import RawDocument, Skipped
from newsfold.readers._sources import ResolvedInput, SourceFile, iter_source_files, resolve_inputs
from newsfold.readers.options import SKIP_KINDS, ReadOptions
from newsfold.readers.registry import find_format, read_source, register_format, registered_suffixes
from newsfold.readers.splits import SourceSplit, read_split, split_source

__all__ = [
    "SKIP_KINDS",
    "ReadOptions",
    "ResolvedInput",
    "SourceFile",
    "SourceSplit",
    "find_format",
    "iter_raw",
    "iter_source_files",
    "read_source",
    "read_split",
    "register_format",
    "registered_suffixes",
    "resolve_inputs",
    "split_source",
]


def iter_raw(
    inputs: Sequence[str | Path], options: ReadOptions | None = None
) -> Iterator[RawDocument | Skipped]:
    """Stream every document in ``inputs``, and a :class:`~newsfold.model.Skipped` for everything that
    could not be read, in a deterministic order.

    ``inputs`` are files, folders (recursed; files sorted by relative path; hidden names starting with
    ``.`` left out) and glob patterns (``**`` recursive), read in the order given. Every input is checked
    before anything is read: a path that does not exist, or a pattern matching nothing, raises
    :class:`~newsfold.errors.UsageError` at once. After that, nothing raises for bad input: unreadable,
    binary, badly encoded, empty, oversized, truncated or malformed files and records each become one
    ``Skipped(location, reason, kind)`` (kinds in :data:`SKIP_KINDS`), and reading goes on.

    Ids: ``given_id`` is the record's id field as a string, exactly as given. ``derived_id`` is stable
    across reruns: the file's path relative to the folder (or glob root) it was found under, or its name
    when given directly, plus ``:N`` for record ``N`` of a multi-record file (1-based line number for
    JSON Lines and CSV, record index for Parquet, JSON arrays and WARC); WARC pages use their target URI.
    ``location`` is the absolute path, plus ``:line N`` or ``:record N`` for multi-record files.

    Memory stays bounded by ``options.max_document_bytes`` plus one read chunk (a Parquet record batch),
    whatever the size of the corpus or of any file.
    """
    read_options = options if options is not None else ReadOptions()
    resolved = resolve_inputs(inputs)
    return _iter_raw(resolved, read_options)


def _iter_raw(resolved: list[ResolvedInput], options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    for item in iter_source_files(resolved):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_source(item, options)
