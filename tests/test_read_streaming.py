"""Everything streams: memory stays flat however large the file, because records are read one by one."""

from __future__ import annotations

import csv
import gzip
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from newsfold.model import RawDocument
from newsfold.readers import iter_raw

RECORDS = 6_000
PARAGRAPH = (
    "The harbour board met again on Thursday to discuss the pier, the fees and the ferry timetable. " * 26
)


def record(number: int) -> dict[str, str]:
    return {"id": f"r{number}", "title": f"Report {number}", "text": f"{number}: {PARAGRAPH}"}


def write_jsonl(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(RECORDS):
            handle.write(json.dumps(record(number)) + "\n")


def write_jsonl_gz(path: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
        for number in range(RECORDS):
            handle.write(json.dumps(record(number)) + "\n")


def write_json_array(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n")
        for number in range(RECORDS):
            handle.write(("," if number else "") + json.dumps(record(number), indent=1) + "\n")
        handle.write("]\n")


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "title", "text"])
        writer.writeheader()
        writer.writerows(record(number) for number in range(RECORDS))


WRITERS: dict[str, Callable[[Path], None]] = {
    "big.jsonl": write_jsonl,
    "big.jsonl.gz": write_jsonl_gz,
    "big.json": write_json_array,
    "big.csv": write_csv,
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_peak_memory_stays_far_below_the_file_size(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    WRITERS[name](path)
    uncompressed_size = RECORDS * len(json.dumps(record(0)))

    tracemalloc.start()
    try:
        count = sum(1 for item in iter_raw([path]) if isinstance(item, RawDocument))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == RECORDS
    assert uncompressed_size > 14_000_000
    assert peak < 8_000_000, f"peak {peak:,} bytes while reading {uncompressed_size:,} bytes"


def test_first_record_arrives_before_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_jsonl(path)

    items = iter_raw([path])
    first = next(items)

    assert isinstance(first, RawDocument)
    assert first.given_id == "r0"
    items.close()  # type: ignore[attr-defined]
