"""Exports of a store as JSON lines, CSV or Parquet: articles, copy pairs and per-article assignments.

Each export is a stream of flat records (:func:`records`) written by one writer per format
(:func:`write`). Record schemas:

- ``articles``: ``id, content_hash, title, text, published, dateline_place, dateline_agency, outlet,
  language, source``
- ``pairs``: ``id_a, id_b, kind, jaccard, containment_a_in_b, containment_b_in_a, passages`` where
  ``passages`` is a list of ``[a_start, a_end, b_start, b_end]`` character offsets (a JSON string in CSV)
- ``assignments``: ``id, copy_group, copy_role, event, story`` (``null`` where a stage has not run)
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from newsfold.errors import UsageError
from newsfold.store import Store

WHATS = ("articles", "pairs", "assignments")
FORMATS = ("jsonl", "csv", "parquet")

COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (
        "id", "content_hash", "title", "text", "published", "dateline_place", "dateline_agency",
        "outlet", "language", "source",
    ),
    "pairs": ("id_a", "id_b", "kind", "jaccard", "containment_a_in_b", "containment_b_in_a", "passages"),
    "assignments": ("id", "copy_group", "copy_role", "event", "story"),
}


def records(store: Store, what: str) -> Iterator[dict[str, Any]]:
    """The flat records of export ``what`` (one of :data:`WHATS`), streamed from ``store``."""
    if what == "articles":
        for article in store.iter_articles():
            yield {
                "id": article.id,
                "content_hash": article.content_hash,
                "title": article.title,
                "text": article.text,
                "published": article.published.isoformat() if article.published else None,
                "dateline_place": article.dateline.place if article.dateline else None,
                "dateline_agency": article.dateline.agency if article.dateline else None,
                "outlet": article.outlet,
                "language": article.language,
                "source": article.source,
            }
    elif what == "pairs":
        for pair in store.iter_copy_pairs():
            yield {
                "id_a": pair.id_a,
                "id_b": pair.id_b,
                "kind": pair.kind,
                "jaccard": pair.jaccard,
                "containment_a_in_b": pair.containment_a_in_b,
                "containment_b_in_a": pair.containment_b_in_a,
                "passages": [[p.a_start, p.a_end, p.b_start, p.b_end] for p in pair.passages],
            }
    elif what == "assignments":
        yield from store.iter_assignments()
    else:
        raise UsageError(f"unknown export {what!r}; choose from {', '.join(WHATS)}")


def write(store: Store, what: str, fmt: str, out: Path | None) -> int:
    """Write export ``what`` in format ``fmt`` to ``out`` (stdout when ``None``); return the record count.

    Parquet needs a file (``out``) and is written in row groups of 10,000 records, so memory stays
    bounded on large stores.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    stream = records(store, what)
    if fmt == "parquet":
        if out is None:
            raise UsageError("parquet export needs --out FILE")
        return _write_parquet(stream, what, out)
    if out is None:
        return _write_text(stream, what, fmt, sys.stdout)
    with out.open("w", encoding="utf-8", newline="") as handle:
        return _write_text(stream, what, fmt, handle)


def _write_text(stream: Iterator[dict[str, Any]], what: str, fmt: str, handle: IO[str]) -> int:
    count = 0
    if fmt == "jsonl":
        for record in stream:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(handle, fieldnames=COLUMNS[what])
    writer.writeheader()
    for record in stream:
        if "passages" in record:
            record = {**record, "passages": json.dumps(record["passages"])}
        writer.writerow(record)
        count += 1
    return count


def _write_parquet(stream: Iterator[dict[str, Any]], what: str, out: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    string = pa.string()
    types: dict[str, pa.DataType] = {name: string for name in COLUMNS[what]}
    if what == "pairs":
        for name in ("jaccard", "containment_a_in_b", "containment_b_in_a"):
            types[name] = pa.float64()
        types["passages"] = pa.list_(pa.list_(pa.int64()))
    schema = pa.schema([(name, types[name]) for name in COLUMNS[what]])
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for record in stream:
            chunk.append(record)
            if len(chunk) >= 10_000:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                count += len(chunk)
                chunk = []
        if chunk or count == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
    return count
