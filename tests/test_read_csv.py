"""CSV and TSV: a header row, then one record per row, numbered by the line the row starts on."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from newsfold.model import RawDocument, Skipped
from newsfold.readers import ReadOptions, iter_raw


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def documents(items: list[RawDocument | Skipped]) -> list[RawDocument]:
    return [item for item in items if isinstance(item, RawDocument)]


def test_rows_map_fields_and_keep_the_rest_in_meta(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "stories.csv",
        [
            ["doc_id", "headline", "body", "publish_date", "site", "section"],
            [
                "s1",
                "Bridge reopens",
                "The Velmar bridge reopened to traffic.",
                "2024-04-02",
                "Velmar Post",
                "local",
            ],
            ["s2", "Market day moved", "The Thursday market moves to Friday next week.", "", "", "local"],
        ],
    )

    first, second = iter_raw([path])

    assert first == RawDocument(
        location=f"{path}:line 2",
        text="The Velmar bridge reopened to traffic.",
        given_id="s1",
        derived_id="stories.csv:2",
        title="Bridge reopens",
        published="2024-04-02",
        outlet="Velmar Post",
        meta={"section": "local"},
    )
    assert isinstance(second, RawDocument)
    assert (second.published, second.outlet) == (None, None), "empty cells are missing values"


def test_quoted_newlines_number_rows_by_their_first_line(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "multi.csv",
        [["id", "text"], ["a", "Line one\nline two\nline three"], ["b", "Single line"]],
    )

    first, second = iter_raw([path])

    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.text == "Line one\nline two\nline three"
    assert (first.derived_id, second.derived_id) == ("multi.csv:2", "multi.csv:5")
    assert second.location == f"{path}:line 5"


def test_tsv_and_semicolon_files(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.tsv", [["id", "text"], ["t1", "Tab, separated; story"]], delimiter="\t")
    write_csv(tmp_path / "b.csv", [["id", "text"], ["s1", "Semicolon, separated story"]], delimiter=";")

    items = documents(list(iter_raw([tmp_path])))

    assert [(item.given_id, item.text) for item in items] == [
        ("t1", "Tab, separated; story"),
        ("s1", "Semicolon, separated story"),
    ]


def test_gzipped_csv(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "rows.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["text"], ["Zipped row."]])

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert (document.derived_id, document.text) == ("rows.csv.gz:2", "Zipped row.")


def test_row_without_text_is_skipped_and_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gaps.csv", [["id", "text"], ["a", "Has text."], ["b", ""]])

    document, skip = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert skip == Skipped(f"{path}:line 3", "gaps.csv line 3: text field 'text' is empty (null)", "empty")


def test_header_without_text_column_names_the_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "links.csv", [["ID", "TITLE", "URL"], ["1", "Headline only", "https://x.example/1"]]
    )

    (skip,) = iter_raw([path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "missing_field"
    assert "fields present: ID, TITLE, URL" in skip.reason


def test_explicit_text_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pairs.csv", [["pair_id", "text1"], ["p1", "The first text of the pair."]])

    (document,) = iter_raw([path], ReadOptions(id_field="pair_id", text_field="text1"))

    assert isinstance(document, RawDocument)
    assert (document.given_id, document.text) == ("p1", "The first text of the pair.")


def test_duplicate_and_blank_headers_are_kept_apart(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dupes.csv", [["text", "tag", "tag", ""], ["Body.", "x", "y", "z"]])

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert document.meta == {"tag": "x", "tag.2": "y", "column_4": "z"}


def test_ragged_rows_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("id,text\na,Short row\nb,Long row,extra1,extra2\nc\n", encoding="utf-8")

    items = list(iter_raw([path]))

    assert isinstance(items[1], RawDocument)
    assert items[1].meta == {"_extra_cells": ["extra1", "extra2"]}
    assert isinstance(items[2], Skipped) and items[2].kind == "empty", "a short row has missing values"


def test_bad_utf8_in_one_row_skips_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"id,text\na,Fine row\nb,Caf\xe9 row\nc,Also fine\n")

    items = list(iter_raw([path]))

    assert [item.given_id for item in documents(items)] == ["a", "c"]
    (skip,) = [item for item in items if isinstance(item, Skipped)]
    assert skip.kind == "encoding"
    assert skip.reason == "bytes.csv line 3: invalid UTF-8 at byte offset 24 (invalid continuation byte)"


def test_empty_csv_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "nothing.csv").write_text("")

    (skip,) = iter_raw([tmp_path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "empty"
