"""Parquet: one record per row, read one record batch at a time, column types kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsfold.model import RawDocument, Skipped
from newsfold.readers import iter_raw
from newsfold.readers.parquet_rows import BATCH_ROWS


def test_rows_map_fields_and_keep_types(tmp_path: Path) -> None:
    published = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
    table = pa.table(
        {
            "id": ["p1", "p2"],
            "title": ["Dam inspection passed", "Library extends hours"],
            "text": [
                "The Oster dam passed its five-year inspection.",
                "The town library will open on Sundays.",
            ],
            "date": pa.array([published, None], pa.timestamp("s", tz="UTC")),
            "language": ["en", "en"],
            "word_count": [8, 7],
        }
    )
    pq.write_table(table, tmp_path / "news.parquet")

    first, second = iter_raw([tmp_path])

    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert (first.given_id, first.derived_id, first.location) == (
        "p1",
        "news.parquet:1",
        f"{tmp_path / 'news.parquet'}:record 1",
    )
    assert first.published == published
    assert first.language == "en"
    assert first.meta == {"word_count": 8}
    assert second.published is None


def test_records_are_numbered_across_batches_and_row_groups(tmp_path: Path) -> None:
    count = BATCH_ROWS * 3 + 17
    table = pa.table({"text": [f"Story {n}." for n in range(count)]})
    pq.write_table(table, tmp_path / "many.parquet", row_group_size=BATCH_ROWS + 50)

    items = list(iter_raw([tmp_path]))

    assert len(items) == count
    assert items[-1].derived_id == f"many.parquet:{count}"  # type: ignore[union-attr]
    assert items[-1].text == f"Story {count - 1}."  # type: ignore[union-attr]


def test_null_text_is_skipped_with_its_record_number(tmp_path: Path) -> None:
    pq.write_table(pa.table({"text": ["Present.", None]}), tmp_path / "gaps.parquet")

    document, skip = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert isinstance(skip, Skipped)
    assert (skip.kind, skip.location) == ("empty", f"{tmp_path / 'gaps.parquet'}:record 2")


def test_file_that_is_not_parquet_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "fake.parquet").write_text("id,text\n1,this is CSV\n")

    (skip,) = iter_raw([tmp_path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "malformed"
    assert skip.reason.startswith("fake.parquet: not a readable Parquet file")


def test_gzipped_parquet_is_unsupported(tmp_path: Path) -> None:
    (tmp_path / "data.parquet.gz").write_bytes(b"\x1f\x8b")

    (skip,) = iter_raw([tmp_path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "unsupported"
