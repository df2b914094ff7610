"""The readers by file suffix, and the one place a reader's failures become ``Skipped``.

A reader is a function ``(SourceFile, ReadOptions) -> Iterator[RawDocument | Skipped]``. It yields what
it can and raises :class:`~newsfold.readers._stream.ReadProblem` when a file (or the rest of it) cannot be
read; :func:`read_source` turns that, and any other failure, into a ``Skipped`` so that one bad file
never stops a run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from newsfold.errors import UsageError
from newsfold.model import RawDocument, Skipped
from newsfold.readers._records import skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import ReadProblem
from newsfold.readers.csv_rows import read_csv, read_tsv
from newsfold.readers.html_page import read_html
from newsfold.readers.json_records import read_json, read_json_lines
from newsfold.readers.options import ReadOptions
from newsfold.readers.parquet_rows import read_parquet
from newsfold.readers.text import read_text
from newsfold.readers.warc_records import read_warc

logger = logging.getLogger(__name__)

Reader = Callable[[SourceFile, ReadOptions], Iterator[RawDocument | Skipped]]


@dataclass(frozen=True, slots=True)
class Format:
    """A registered reader. ``gzip_ok``: the reader also takes ``<suffix>.gz`` (decompressed as read)."""

    suffix: str
    read: Reader
    gzip_ok: bool = True


_FORMATS: dict[str, Format] = {}


def register_format(suffix: str, read: Reader, *, gzip_ok: bool = True) -> None:
    """Read files ending in ``suffix`` (case-insensitive, with its dot: ``".jsonl"``, ``".warc.gz"``)
    with ``read``, replacing any reader registered for it before. With ``gzip_ok``, ``suffix + ".gz"``
    is read by it too."""
    if not suffix.startswith(".") or len(suffix) < 2:
        raise UsageError(f"a suffix starts with a dot, like '.jsonl'; got {suffix!r}")
    _FORMATS[suffix.lower()] = Format(suffix.lower(), read, gzip_ok)


def registered_suffixes() -> tuple[str, ...]:
    """Every suffix with a reader, sorted (``.gz`` variants of ``gzip_ok`` formats not listed)."""
    return tuple(sorted(_FORMATS))


def find_format(file_name: str) -> Format | None:
    """The format for ``file_name``: the longest registered suffix it ends with, else (for ``x.gz``) the
    format of ``x`` if that format takes gzip; ``None`` when no reader fits."""
    name = file_name.lower()
    best: Format | None = None
    for suffix, format_ in _FORMATS.items():
        if (
            name.endswith(suffix)
            and len(name) > len(suffix)
            and (best is None or len(suffix) > len(best.suffix))
        ):
            best = format_
    if best is not None or not name.endswith(".gz"):
        return best
    inner = find_format(name[: -len(".gz")])
    return inner if inner is not None and inner.gzip_ok else None


def read_source(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """Everything one file holds, as documents and ``Skipped``: never raises for bad input.

    A file without a reader is one ``Skipped`` of kind ``unsupported``. When a reader fails part way,
    what it yielded before stands and one ``Skipped`` says where and why it stopped.
    """
    format_ = find_format(source.path.name)
    if format_ is None:
        yield skipped(source, None, "unsupported", "unsupported file type")
        return
    yield from guarded(source, format_.read(source, options))


def guarded(source: SourceFile, items: Iterator[RawDocument | Skipped]) -> Iterator[RawDocument | Skipped]:
    """``items`` (a reader's output for ``source``), with a failure part way turned into one ``Skipped``
    that says where and why reading stopped; what was yielded before it stands."""
    try:
        yield from items
    except ReadProblem as problem:
        yield skipped(source, problem.position, problem.kind, problem.reason)
    except OSError as error:
        yield skipped(source, None, "unreadable", f"cannot read file ({error.strerror or repr(error)})")
    except RecursionError:
        yield skipped(source, None, "error", "input nested too deeply to read")
    except Exception as error:  # one bad file must not end a run; the traceback goes to the log
        logger.exception("reading %s failed", source.location)
        yield skipped(
            source, None, "error", f"unexpected error while reading ({type(error).__name__}: {error})"
        )


for _suffix, _read in (
    (".txt", read_text),
    (".html", read_html),
    (".htm", read_html),
    (".xhtml", read_html),
    (".jsonl", read_json_lines),
    (".ndjson", read_json_lines),
    (".json", read_json),
    (".csv", read_csv),
    (".tsv", read_tsv),
):
    register_format(_suffix, _read)
register_format(".parquet", read_parquet, gzip_ok=False)
register_format(".warc", read_warc, gzip_ok=False)
register_format(".warc.gz", read_warc, gzip_ok=False)
