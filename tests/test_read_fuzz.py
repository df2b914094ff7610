"""Whatever the bytes, reading never raises and never fails in an unforeseen way (kind ``error``)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsfold.model import RawDocument, Skipped
from newsfold.readers import ReadOptions, iter_raw

SUFFIXES = [".txt", ".html", ".jsonl", ".json", ".csv", ".tsv", ".parquet", ".warc", ".warc.gz", ".jsonl.gz"]
TEXT = "The pier at Port Ashby reopened on Tuesday, the harbour board said. " * 3


def valid_bytes(suffix: str) -> bytes:
    """A small valid file of each format, to be damaged by the tests."""
    records = [{"id": str(n), "title": f"Title {n}", "text": f"{n} {TEXT}"} for n in range(3)]
    if suffix == ".txt":
        return TEXT.encode("utf-8")
    if suffix == ".html":
        return f"<html><head><title>T</title></head><body><article><p>{TEXT}</p></article></body></html>".encode()
    if suffix in (".jsonl", ".jsonl.gz"):
        data = "".join(json.dumps(record) + "\n" for record in records).encode("utf-8")
        return gzip.compress(data) if suffix.endswith(".gz") else data
    if suffix == ".json":
        return json.dumps(records).encode("utf-8")
    if suffix in (".csv", ".tsv"):
        separator = "," if suffix == ".csv" else "\t"
        lines = [separator.join(["id", "title", "text"])]
        lines += [separator.join([r["id"], r["title"], r["text"]]) for r in records]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if suffix == ".parquet":
        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(records), sink)
        return sink.getvalue()
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=suffix.endswith(".gz"))
    for number in range(2):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = f"<html><body><article><p>{number} {TEXT}</p></article></body></html>".encode()
        writer.write_record(
            writer.create_warc_record(
                f"https://x.example/{number}", "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
    return buffer.getvalue()


def read_all(path: Path) -> list[RawDocument | Skipped]:
    items = list(iter_raw([path], ReadOptions(max_document_bytes=4096)))
    errors = [item for item in items if isinstance(item, Skipped) and item.kind == "error"]
    assert not errors, errors
    for item in items:
        if isinstance(item, Skipped):
            assert item.reason.startswith(path.name), item
            assert item.location.startswith(str(path)), item
            assert "\n" not in item.reason, item
    return items


FUZZ_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ_SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(max_size=600))
def test_random_bytes(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)

    read_all(path)


@FUZZ_SETTINGS
@given(
    suffix=st.sampled_from(SUFFIXES),
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(st.tuples(st.floats(min_value=0.0, max_value=1.0), st.integers(0, 255)), max_size=4),
)
def test_damaged_valid_files(tmp_path: Path, suffix: str, cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray(valid_bytes(suffix))
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(bytes(data[: max(1, int(cut * len(data)))]) if cut < 1.0 else bytes(data))

    read_all(path)


def test_undamaged_valid_files_read_whole(tmp_path: Path) -> None:
    for suffix in SUFFIXES:
        path = tmp_path / f"valid{suffix}"
        path.write_bytes(valid_bytes(suffix))

        items = read_all(path)

        assert items and all(isinstance(item, RawDocument) for item in items), (suffix, items)
