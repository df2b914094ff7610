"""Parquet files (``.parquet``): each row is a record, streamed one record batch at a time.

Column types are kept: a timestamp column gives ``datetime`` values, a date column ``date`` values.
Records are mapped to documents by the field rules of :class:`~newsfold.readers.options.ReadOptions`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from newsfold.model import RawDocument, Skipped
from newsfold.readers._records import FieldMapper, record_to_document
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import ReadProblem
from newsfold.readers.options import ReadOptions

BATCH_ROWS = 256
"""Rows per record batch: small enough that a batch of long articles stays a few MB in memory."""


def read_parquet(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """One document per row; ``derived_id`` is ``name:N`` for the ``N``-th row (1-based, across row
    groups). A file that is not Parquet, or breaks part way, raises a ``malformed`` problem after the
    rows read before the break were yielded."""
    yield from read_parquet_row_groups(source, options)


def read_parquet_row_groups(
    source: SourceFile, options: ReadOptions, row_groups: range | None = None, first_record: int = 1
) -> Iterator[RawDocument | Skipped]:
    """The rows of ``row_groups`` (all when ``None``), the first of them record ``first_record``: what
    :func:`read_parquet` yields for those rows (for a file read in parts, :mod:`newsfold.readers.splits`)."""
    if source.path.stat().st_size == 0:
        raise ReadProblem("empty", "file is empty")
    try:
        parquet = pq.ParquetFile(source.path)
    except (pa.ArrowException, ValueError) as error:
        raise ReadProblem("malformed", f"not a readable Parquet file ({error})") from error
    index = first_record - 1
    mapper = FieldMapper(options)
    groups = None if row_groups is None else list(row_groups)
    try:
        with parquet:
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, row_groups=groups):
                for record in batch.to_pylist():
                    index += 1
                    yield record_to_document(
                        record, source, f"record {index}", f"{source.name}:{index}", mapper
                    )
    except (pa.ArrowException, ValueError) as error:
        read = f"; records {first_record}-{index} were read" if index >= first_record else ""
        raise ReadProblem(
            "malformed", f"Parquet data cannot be read ({error}){read}", f"record {index + 1}"
        ) from error
