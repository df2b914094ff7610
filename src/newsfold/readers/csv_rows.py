"""CSV (``.csv``) and TSV (``.tsv``) files, gzipped or not: the first row names the fields, each
further row is a record, streamed row by row. The delimiter is read off the header line (see
:func:`sniff_delimiter`).

A row's position is the line it starts on (the header is line 1, so the first record is usually line 2);
a quoted field may run over several lines. Empty cells are missing values. Records are mapped to
documents by the field rules of :class:`~newsfold.readers.options.ReadOptions`.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from itertools import chain
from typing import Any

from newsfold.model import RawDocument, Skipped
from newsfold.readers._records import FieldMapper, record_to_document, skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import ReadProblem, decode_utf8, iter_lines, open_bytes
from newsfold.readers.options import ReadOptions


def read_csv(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """Comma-separated rows; ``derived_id`` is ``name:N`` for the row starting on line ``N``."""
    yield from _read_rows(source, options, ",")


def read_tsv(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """Tab-separated rows; otherwise as :func:`read_csv`."""
    yield from _read_rows(source, options, "\t")


def _read_rows(source: SourceFile, options: ReadOptions, delimiter: str) -> Iterator[RawDocument | Skipped]:
    limit = options.max_document_bytes
    # The csv module's per-field cap is process-wide; it must admit any field a document may hold.
    if csv.field_size_limit() < limit:
        csv.field_size_limit(min(limit + 1, sys.maxsize))
    line_problems: dict[int, tuple[str, str]] = {}
    mapper = FieldMapper(options)

    def text_lines(stream: Any) -> Iterator[str]:
        """Decoded lines for the csv module; bad lines are noted (the row holding them is skipped) and
        stand-ins keep the csv module's count of lines right."""
        for line in iter_lines(stream, limit):
            if line.data is None:
                reason = f"line is {line.size:,} bytes, over max_document_bytes ({limit:,})"
                line_problems[line.number] = ("too_large", reason)
                yield "\n"
                continue
            try:
                text = decode_utf8(line.data, line.offset)
            except ReadProblem as problem:
                line_problems[line.number] = (problem.kind, problem.reason)
                text = line.data.decode("utf-8", errors="replace").replace("\0", "")
            yield text + "\n"

    with open_bytes(source.path) as stream:
        lines = text_lines(stream)
        first_line = next(lines, None)
        if first_line is None:
            raise ReadProblem("empty", "file is empty")
        rows = csv.reader(chain([first_line], lines), delimiter=sniff_delimiter(first_line, delimiter))
        header = _read_header(rows, line_problems)
        previous_line = rows.line_num
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                start, previous_line = previous_line + 1, rows.line_num
                yield skipped(source, f"line {start}", "malformed", f"malformed CSV row ({error})")
                continue
            start, previous_line = previous_line + 1, rows.line_num
            position = f"line {start}"
            problems = [
                line_problems.pop(number)
                for number in range(start, rows.line_num + 1)
                if number in line_problems
            ]
            if problems:
                kind, reason = problems[0]
                yield skipped(source, position, kind, reason)
                continue
            if not row or not any(cell.strip() for cell in row):
                continue
            yield record_to_document(
                _as_record(header, row), source, position, f"{source.name}:{start}", mapper
            )


DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(header_line: str, default: str) -> str:
    """The delimiter of a header line: whichever of ``, ; TAB |`` occurs most outside quotes (the
    suffix's ``default`` on a tie or when none does). Semicolons are common in European exports."""
    outside_quotes = "".join(header_line.split('"')[::2])
    counts = {candidate: outside_quotes.count(candidate) for candidate in DELIMITERS}
    best = max(counts.values())
    if best == 0 or counts[default] == best:
        return default
    return next(candidate for candidate in DELIMITERS if counts[candidate] == best)


def _read_header(rows: Any, line_problems: dict[int, tuple[str, str]]) -> list[str]:
    """The field names, made unique (``name``, ``name.2``) and never empty (``column_3``)."""
    try:
        header = next(rows)
    except StopIteration:
        raise ReadProblem("empty", "file is empty") from None
    except csv.Error as error:
        raise ReadProblem("malformed", f"malformed CSV header ({error})", position="line 1") from error
    for number in range(1, rows.line_num + 1):
        if number in line_problems:
            kind, reason = line_problems.pop(number)
            raise ReadProblem(
                kind, f"{reason} in the header row; no row can be read", position=f"line {number}"
            )
    names: list[str] = []
    seen: set[str] = set()
    for column, raw_name in enumerate(header, start=1):
        name = raw_name.strip().lstrip("\ufeff") or f"column_{column}"
        unique, copy = name, 1
        while unique in seen:
            copy += 1
            unique = f"{name}.{copy}"
        seen.add(unique)
        names.append(unique)
    return names


def _as_record(header: list[str], row: list[str]) -> dict[str, Any]:
    """Cells by field name; missing trailing cells are ``None``, surplus cells go to ``_extra_cells``."""
    record: dict[str, Any] = dict.fromkeys(header)
    record.update((name, cell if cell != "" else None) for name, cell in zip(header, row, strict=False))
    if len(row) > len(header):
        record["_extra_cells"] = row[len(header) :]
    return record
