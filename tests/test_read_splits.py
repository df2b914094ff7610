"""Reading a JSON Lines file in byte ranges gives exactly what reading it whole gives."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.model import Skipped
from newsfold.readers import ReadOptions, SourceFile, read_source, read_split, split_source


def _write_mixed(path: Path) -> None:
    lines: list[bytes] = []
    for number in range(60):
        record = {"id": f"r{number}", "title": f"Title {number}", "text": f"Body of record {number}. " * (number % 7 + 1)}
        lines.append(json.dumps(record).encode())
        if number % 9 == 0:
            lines.append(b"")  # blank lines are not records but count as lines
        if number == 13:
            lines.append(b"{not json")
        if number == 21:
            lines.append(b'{"text": "bad \xff utf-8"}')
        if number == 34:
            lines.append(json.dumps({"text": "x" * 5000}).encode())  # over the limit below
        if number == 40:
            lines.append(b'["an", "array"]')
    path.write_bytes(b"\r\n".join(lines[:30]) + b"\r\n" + b"\n".join(lines[30:]))  # no final line break


OPTIONS = ReadOptions(max_document_bytes=2000)


def _whole(source: SourceFile) -> list[object]:
    return list(read_source(source, OPTIONS))


def _by_splits(source: SourceFile, target: int) -> list[object]:
    splits = split_source(source, target)
    assert splits is not None
    assert splits[0].start == 0 and splits[-1].stop == source.path.stat().st_size
    assert all(a.stop == b.start for a, b in zip(splits, splits[1:], strict=False))
    return [item for split in splits for item in read_split(split, OPTIONS)]


@pytest.mark.parametrize("target", [1, 64, 500, 3000])
def test_splits_read_what_the_whole_file_reads(tmp_path: Path, target: int) -> None:
    path = tmp_path / "big.jsonl"
    _write_mixed(path)
    source = SourceFile(path, "big.jsonl")
    whole = _whole(source)
    assert sum(isinstance(item, Skipped) for item in whole) == 4  # malformed, encoding, too large, array
    assert _by_splits(source, target) == whole


@settings(max_examples=25, deadline=None)
@given(target=st.integers(min_value=1, max_value=8000))
def test_any_split_size_reads_the_same(tmp_path_factory: pytest.TempPathFactory, target: int) -> None:
    path = tmp_path_factory.mktemp("split") / "big.ndjson"
    _write_mixed(path)
    source = SourceFile(path, "big.ndjson")
    assert _by_splits(source, target) == _whole(source)


def test_files_that_are_not_split(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text('{"text": "one"}\n')
    zipped = tmp_path / "zipped.jsonl"
    zipped.write_bytes(gzip.compress(b'{"text": "one"}\n' * 1000))
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\0\1\2" * 5000)
    table = tmp_path / "table.csv"
    table.write_text("text\n" + "a line\n" * 1000)
    assert split_source(SourceFile(small, "small.jsonl"), 1 << 20) is None
    for path in (zipped, binary, table):
        assert split_source(SourceFile(path, path.name), 16) is None, path.name
    with pytest.raises(ValueError):
        split_source(SourceFile(small, "small.jsonl"), 0)


def test_parquet_is_split_by_runs_of_row_groups(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "rows.parquet"
    texts = [f"Article {n} about the harbour strike. " * (n % 5 + 1) for n in range(500)]
    texts[77] = ""  # an empty text is skipped, counted with its record number
    table = pa.table({"id": [f"p{n}" for n in range(500)], "text": texts})
    pq.write_table(table, path, row_group_size=37)
    source = SourceFile(path, "rows.parquet")
    whole = list(read_source(source, ReadOptions()))
    for target in (1, 2000, 6000):
        splits = split_source(source, target)
        assert splits is not None and len(splits) > 1 and all(s.row_groups for s in splits)
        assert [item for split in splits for item in read_split(split, ReadOptions())] == whole
    assert split_source(source, 10 << 20) is None
