"""Bad input never crashes a run and is never lost: each problem is one ``Skipped`` that says where and why."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest

from newsfold.model import RawDocument, Skipped
from newsfold.readers import SKIP_KINDS, ReadOptions, iter_raw

FIFTY_MB = 50 * 1024 * 1024


def skips(items: list[RawDocument | Skipped]) -> list[Skipped]:
    return [item for item in items if isinstance(item, Skipped)]


def documents(items: list[RawDocument | Skipped]) -> list[RawDocument]:
    return [item for item in items if isinstance(item, RawDocument)]


def test_binary_file_is_skipped_as_binary(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    (skip,) = iter_raw([tmp_path])

    assert skip == Skipped(
        str(tmp_path / "photo.txt"),
        "photo.txt: NUL byte at byte offset 8: binary data (or UTF-16), not UTF-8 text",
        "binary",
    )


def test_binary_jsonl_is_one_skip_not_one_per_line(tmp_path: Path) -> None:
    (tmp_path / "dump.jsonl").write_bytes(b"\x00\x01\x02\n" * 1000)

    items = list(iter_raw([tmp_path]))

    assert [skip.kind for skip in skips(items)] == ["binary"]


def test_invalid_utf8_reason_gives_the_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Le café de la gare".encode("latin-1"))

    (skip,) = iter_raw([tmp_path])

    assert skip == Skipped(
        str(tmp_path / "latin1.txt"),
        "latin1.txt: invalid UTF-8 at byte offset 6 (invalid continuation byte)",
        "encoding",
    )


def test_invalid_utf8_in_one_jsonl_line_gives_line_and_file_offset(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "fine"}\n{"text": "caf\xe9"}\n{"text": "also fine"}\n')

    items = list(iter_raw([path]))

    assert [item.text for item in documents(items)] == ["fine", "also fine"]
    assert skips(items) == [
        Skipped(
            f"{path}:line 2",
            "mixed.jsonl line 2: invalid UTF-8 at byte offset 30 (invalid continuation byte)",
            "encoding",
        )
    ]


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.jsonl", "empty.csv", "empty.json"])
def test_empty_files_are_skipped_as_empty(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")

    items = list(iter_raw([tmp_path]))

    if name == "empty.jsonl":
        assert items == [], "an empty JSON Lines file holds no records and no problem"
    else:
        assert [(skip.kind, skip.reason) for skip in skips(items)] == [("empty", f"{name}: file is empty")]


def test_malformed_json_lines_are_skipped_alone_with_line_and_error(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "1", "text": "first"}\n'
        '{"id": "2", "text": "missing brace"\n'
        "not json at all\n"
        '["an", "array"]\n'
        '{"id": "5", "title": "no text here"}\n'
        '{"id": "6", "text": 42}\n'
        '{"id": "7", "text": "last"}\n',
        encoding="utf-8",
    )

    items = list(iter_raw([path]))

    assert [item.given_id for item in documents(items)] == ["1", "7"]
    assert [(skip.location, skip.kind, skip.reason) for skip in skips(items)] == [
        (
            f"{path}:line 2",
            "malformed_json",
            "feed.jsonl line 2: malformed JSON: Expecting ',' delimiter (column 36)",
        ),
        (f"{path}:line 3", "malformed_json", "feed.jsonl line 3: malformed JSON: Expecting value (column 1)"),
        (f"{path}:line 4", "not_object", "feed.jsonl line 4: JSON record is not an object (got an array)"),
        (
            f"{path}:line 5",
            "missing_field",
            "feed.jsonl line 5: no text field (looked for text, body, content, maintext; fields present: id, title)",
        ),
        (f"{path}:line 6", "bad_field", "feed.jsonl line 6: text field 'text' is not a string (got int)"),
    ]


def test_missing_explicit_text_field_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "present but not asked for"}\n', encoding="utf-8")

    (skip,) = iter_raw([path], ReadOptions(text_field="body_html"))

    assert skip == Skipped(
        f"{path}:line 1", "a.jsonl line 1: no 'body_html' field (the text_field option)", "missing_field"
    )


def gzip_cut(path: Path, payload: bytes, keep: float = 0.6) -> None:
    whole = gzip.compress(payload)
    path.write_bytes(whole[: int(len(whole) * keep)])


def test_truncated_gzip_jsonl_keeps_the_lines_before_the_cut(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": str(n), "text": f"Report number {n} from the coast. " * 5}) for n in range(1, 2001)
    ]
    path = tmp_path / "cut.jsonl.gz"
    gzip_cut(path, ("\n".join(lines) + "\n").encode("utf-8"))

    items = list(iter_raw([path]))

    read = documents(items)
    assert len(read) > 100
    assert [item.given_id for item in read] == [str(n) for n in range(1, len(read) + 1)]
    (skip,) = skips(items)
    assert skip.kind == "truncated"
    assert skip.location == f"{path}:line {len(read) + 1}"
    assert (
        skip.reason
        == f"cut.jsonl.gz line {len(read) + 1}: truncated gzip stream (lines 1-{len(read)} were read)"
    )


def test_truncated_gzip_text_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    gzip_cut(path, ("The tide came in early on Sunday. " * 2000).encode("utf-8"))

    (skip,) = iter_raw([path])

    assert isinstance(skip, Skipped)
    assert (skip.kind, skip.reason) == ("truncated", "story.txt.gz: truncated gzip stream")


def test_truncated_gzip_csv_keeps_rows_before_the_cut(tmp_path: Path) -> None:
    rows = "id,text\n" + "".join(f"{n},Row {n} of the shipping news. Weather fair.\n" for n in range(1, 3001))
    path = tmp_path / "rows.csv.gz"
    gzip_cut(path, rows.encode("utf-8"))

    items = list(iter_raw([path]))

    assert len(documents(items)) > 100
    assert [skip.kind for skip in skips(items)] == ["truncated"]


def test_not_really_gzip_is_read_by_its_content(tmp_path: Path) -> None:
    (tmp_path / "plain.txt.gz").write_text("Plain text behind a .gz name.", encoding="utf-8")

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.text == "Plain text behind a .gz name."


def test_corrupt_gzip_is_skipped(tmp_path: Path) -> None:
    whole = gzip.compress(b'{"text": "x"}\n' * 1000)
    (tmp_path / "bad.jsonl.gz").write_bytes(whole[:20] + bytes(len(whole) - 20))

    items = list(iter_raw([tmp_path]))

    assert [skip.kind for skip in skips(items)] in (["corrupt"], ["truncated"])


def make_sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes written without writing them (sparse where the filesystem allows)."""
    with path.open("wb") as handle:
        handle.write(b"The giant report begins here. ")
        handle.truncate(size)


def test_fifty_megabyte_text_file_is_skipped_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "giant.txt"
    make_sparse(path, FIFTY_MB + 1)

    started = time.perf_counter()
    (skip,) = iter_raw([path])
    elapsed = time.perf_counter() - started

    assert skip == Skipped(
        str(path),
        "giant.txt: document is 52,428,801 bytes, over max_document_bytes (20,000,000)",
        "too_large",
    )
    assert elapsed < 1.0


def test_fifty_megabyte_jsonl_line_is_skipped_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "giant.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"text": "small before"}\n')
        handle.write(b'{"text": "' + b"a" * FIFTY_MB + b'"}\n')
        handle.write(b'{"text": "small after"}\n')

    items = list(iter_raw([path]))

    assert [item.text for item in documents(items)] == ["small before", "small after"]
    (skip,) = skips(items)
    assert skip.kind == "too_large"
    assert skip.location == f"{path}:line 2"
    assert skip.reason == "giant.jsonl line 2: line is 52,428,812 bytes, over max_document_bytes (20,000,000)"


def test_fifty_megabyte_gzipped_document_is_skipped_by_streaming(tmp_path: Path) -> None:
    path = tmp_path / "giant.html.gz"
    with gzip.open(path, "wb", compresslevel=1) as handle:
        chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"
        for _ in range(51):
            handle.write(chunk)

    (skip,) = iter_raw([path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "too_large"
    assert (
        skip.reason
        == "giant.html.gz: document is more than 20,000,000 bytes, over max_document_bytes (20,000,000)"
    )


def test_document_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x" * 100)
    (tmp_path / "b.txt").write_bytes(b"x" * 101)

    items = list(iter_raw([tmp_path], ReadOptions(max_document_bytes=100)))

    assert [type(item).__name__ for item in items] == ["RawDocument", "Skipped"]


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their permissions"
)
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("No peeking.")
    path.chmod(0)
    try:
        (skip,) = iter_raw([tmp_path])
    finally:
        path.chmod(0o600)

    assert skip == Skipped(str(path), "secret.txt: cannot read file (Permission denied)", "unreadable")


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root lists folders whatever their permissions"
)
def test_unreadable_folder_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text("Hidden.")
    (tmp_path / "locked").chmod(0)
    try:
        items = list(iter_raw([tmp_path]))
    finally:
        (tmp_path / "locked").chmod(0o700)

    assert [skip.kind for skip in skips(items)] == ["unreadable"]


def test_open_failure_is_skipped_as_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a permission error looks like, checked even where the tests run as root."""
    (tmp_path / "a.txt").write_text("Fine.")
    real_open = open

    def refusing_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("a.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", refusing_open)

    (skip,) = iter_raw([tmp_path])

    assert skip == Skipped(
        str(tmp_path / "a.txt"), "a.txt: cannot read file (Permission denied)", "unreadable"
    )


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "1_good.txt").write_text("Good one.")
    (tmp_path / "2_binary.txt").write_bytes(b"\x00\x01")
    (tmp_path / "3_bad.json").write_text("{not json")
    (tmp_path / "4_script.html").write_text("<script>x()</script>")
    (tmp_path / "5_good.jsonl").write_text('{"text": "Good two."}\n')

    items = list(iter_raw([tmp_path]))

    assert [item.text for item in documents(items)] == ["Good one.", "Good two."]
    assert [skip.kind for skip in skips(items)] == ["binary", "malformed_json", "no_text"]


def test_every_kind_used_is_documented(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\x00")
    (tmp_path / "b.txt").write_bytes(b"\xff")
    (tmp_path / "c.txt").write_bytes(b" ")
    (tmp_path / "d.jsonl").write_text('x\n[1]\n{"a": 1}\n{"text": 1}\n')
    (tmp_path / "e.html").write_text("<script></script>")
    (tmp_path / "f.doc").write_text("?")

    kinds = {skip.kind for skip in skips(list(iter_raw([tmp_path])))}

    assert kinds == {
        "binary",
        "encoding",
        "empty",
        "malformed_json",
        "not_object",
        "missing_field",
        "bad_field",
        "no_text",
        "unsupported",
    }
    assert kinds <= set(SKIP_KINDS)
