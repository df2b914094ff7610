"""Plain text files: the whole file is the document's text, gzip is transparent."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

from newsfold.model import RawDocument, Skipped
from newsfold.readers import iter_raw

STORY = (
    "PORT ASHBY, March 12 - The ferry to Kelby Island sailed again on Tuesday.\n\n"
    "Engineers fitted temporary fenders to the damaged pier over the weekend.\n"
)


def test_whole_file_is_the_text(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")

    (document,) = iter_raw([tmp_path])

    assert document == RawDocument(location=str(tmp_path / "story.txt"), text=STORY, derived_id="story.txt")


def test_title_is_left_for_normalize(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("A headline line\n\nThen the body.", encoding="utf-8")

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.title is None
    assert document.text.startswith("A headline line")


def test_gzipped_text_reads_the_same(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "story.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write(STORY)

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.text == STORY
    assert document.derived_id == "story.txt.gz"


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + STORY.encode("utf-8"))

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.text == STORY


def test_utf16_with_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "wide.txt").write_bytes(STORY.encode("utf-16"))

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.text == STORY


def test_non_ascii_text_is_kept_exactly(tmp_path: Path) -> None:
    text = "Zürich, 3 мая — «Переговоры» продолжатся, 東京でも。\n"
    (tmp_path / "mixed.txt").write_text(text, encoding="utf-8")

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.text == text


def test_whitespace_only_file_is_skipped_as_empty(tmp_path: Path) -> None:
    (tmp_path / "blank.txt").write_text(" \n\t\n", encoding="utf-8")

    (skip,) = iter_raw([tmp_path])

    assert skip == Skipped(str(tmp_path / "blank.txt"), "blank.txt: file holds only whitespace", "empty")
