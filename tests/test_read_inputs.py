"""Inputs: files, folders and globs become a deterministic stream with stable derived ids."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfold.errors import UsageError
from newsfold.model import RawDocument, Skipped
from newsfold.readers import ReadOptions, find_format, iter_raw, registered_suffixes


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folder_is_recursed_in_sorted_order_with_relative_ids(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "Second story about the bridge.")
    write(tmp_path / "a.txt", "First story about the harbour.")
    write(tmp_path / "sub" / "c.txt", "Third story about the market.")
    write(tmp_path / "sub" / "deeper" / "d.txt", "Fourth story about the school.")

    items = list(iter_raw([tmp_path]))

    assert [item.derived_id for item in items if isinstance(item, RawDocument)] == [
        "a.txt",
        "b.txt",
        "sub/c.txt",
        "sub/deeper/d.txt",
    ]
    assert items[2].location == str(tmp_path / "sub" / "c.txt")


def test_file_given_directly_is_named_by_its_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "deep" / "folder" / "story.txt", "A story given by its path.")

    (document,) = iter_raw([str(path)])

    assert isinstance(document, RawDocument)
    assert document.derived_id == "story.txt"
    assert document.location == str(path)


def test_relative_input_gives_absolute_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "corpus" / "one.txt", "Text of one.")
    monkeypatch.chdir(tmp_path / "corpus")

    (document,) = iter_raw(["../corpus"])

    assert isinstance(document, RawDocument)
    assert document.location == str(tmp_path / "corpus" / "one.txt")
    assert document.derived_id == "one.txt"


def test_glob_names_files_relative_to_its_root(tmp_path: Path) -> None:
    write(tmp_path / "2024" / "jan" / "x.txt", "January story.")
    write(tmp_path / "2024" / "feb" / "y.txt", "February story.")
    write(tmp_path / "2024" / "feb" / "notes.md", "Not matched by the pattern.")

    items = list(iter_raw([f"{tmp_path}/2024/**/*.txt"]))

    assert [item.derived_id for item in items if isinstance(item, RawDocument)] == ["feb/y.txt", "jan/x.txt"]


def test_inputs_are_read_in_the_order_given(tmp_path: Path) -> None:
    second = write(tmp_path / "z" / "last.txt", "Given first.")
    first = write(tmp_path / "a" / "first.txt", "Given second.")

    items = list(iter_raw([second, first]))

    assert [item.derived_id for item in items if isinstance(item, RawDocument)] == ["last.txt", "first.txt"]


def test_missing_path_raises_usage_error_before_reading(tmp_path: Path) -> None:
    write(tmp_path / "ok.txt", "Fine.")

    with pytest.raises(UsageError, match="input not found: .*nowhere"):
        iter_raw([tmp_path / "ok.txt", tmp_path / "nowhere"])


def test_glob_matching_nothing_raises_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no files match"):
        iter_raw([f"{tmp_path}/*.jsonl"])


def test_single_string_instead_of_a_list_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="list of paths"):
        iter_raw(str(tmp_path))  # type: ignore[arg-type]


def test_unknown_suffix_in_folder_is_skipped_as_unsupported(tmp_path: Path) -> None:
    write(tmp_path / "story.txt", "A story.")
    write(tmp_path / "sheet.xlsx", "not really a spreadsheet")

    items = list(iter_raw([tmp_path]))

    (skip,) = [item for item in items if isinstance(item, Skipped)]
    assert skip.kind == "unsupported"
    assert skip.reason == "sheet.xlsx: unsupported file type"
    assert skip.location == str(tmp_path / "sheet.xlsx")


def test_hidden_files_and_folders_are_left_out(tmp_path: Path) -> None:
    write(tmp_path / "story.txt", "A story.")
    write(tmp_path / ".DS_Store", "finder junk")
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main")

    items = list(iter_raw([tmp_path]))

    assert [item.derived_id for item in items if isinstance(item, RawDocument)] == ["story.txt"]
    assert not [item for item in items if isinstance(item, Skipped)]


def test_a_file_named_twice_is_read_twice_with_the_same_ids(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", "A story.")

    first, second = iter_raw([tmp_path, path])

    assert first == second


def test_files_sort_before_a_folder_whose_name_they_extend(tmp_path: Path) -> None:
    write(tmp_path / "a" / "inner.txt", "In the folder.")
    write(tmp_path / "a.txt", "Beside it.")
    write(tmp_path / "a-b.txt", "Dash sorts before dot and slash.")

    ids = [item.derived_id for item in iter_raw([tmp_path]) if isinstance(item, RawDocument)]

    assert ids == ["a-b.txt", "a.txt", "a/inner.txt"] == sorted(ids)


def test_symlinked_folder_loop_terminates(tmp_path: Path) -> None:
    write(tmp_path / "story.txt", "A story.")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)

    items = list(iter_raw([tmp_path]))

    assert [item.derived_id for item in items if isinstance(item, RawDocument)] == ["story.txt"]


def test_broken_symlink_is_skipped_as_unreadable(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")

    (skip,) = iter_raw([tmp_path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "unreadable"
    assert "gone.txt" in skip.reason


def test_fifo_in_folder_is_skipped_not_read(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    os.mkfifo(tmp_path / "pipe.txt")

    (skip,) = iter_raw([tmp_path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "unsupported"
    assert skip.reason == "pipe.txt: not a regular file"


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("a.txt", "read_text"),
        ("A.TXT", "read_text"),
        ("a.txt.gz", "read_text"),
        ("a.htm", "read_html"),
        ("a.html.gz", "read_html"),
        ("a.jsonl.gz", "read_json_lines"),
        ("a.ndjson", "read_json_lines"),
        ("a.json", "read_json"),
        ("a.csv.gz", "read_csv"),
        ("a.tsv", "read_tsv"),
        ("a.parquet", "read_parquet"),
        ("a.warc", "read_warc"),
        ("a.warc.gz", "read_warc"),
    ],
)
def test_reader_is_chosen_by_suffix(name: str, reader: str) -> None:
    found = find_format(name)

    assert found is not None
    assert found.read.__name__ == reader


@pytest.mark.parametrize("name", ["a.docx", "a.gz", "a.parquet.gz", "txt", "a.md"])
def test_unknown_suffixes_have_no_reader(name: str) -> None:
    assert find_format(name) is None


def test_registered_suffixes_cover_the_documented_formats() -> None:
    assert {
        ".txt",
        ".html",
        ".htm",
        ".jsonl",
        ".json",
        ".ndjson",
        ".csv",
        ".parquet",
        ".warc",
        ".warc.gz",
    } <= set(registered_suffixes())


@pytest.mark.parametrize("bad", [0, -5, 1.5, True])
def test_read_options_reject_a_bad_size_limit(bad: object) -> None:
    with pytest.raises(UsageError, match="max_document_bytes"):
        ReadOptions(max_document_bytes=bad)  # type: ignore[arg-type]


def test_read_options_reject_an_empty_field_name() -> None:
    with pytest.raises(UsageError, match="text_field"):
        ReadOptions(text_field="")


NAME = r"[a-z0-9][a-z0-9._-]{0,6}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(
        st.from_regex(rf"{NAME}(/{NAME}){{0,2}}", fullmatch=True), min_size=1, max_size=10, unique=True
    ),
    seed=st.randoms(),
)
def test_order_is_sorted_paths_whatever_the_creation_order(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], seed: object
) -> None:
    """Two folders holding the same files, created in different orders, read identically: in the order
    of the relative paths as strings."""
    paths = [f"{name}.txt" for name in names]
    folders = {path.rsplit("/", depth)[0] for path in paths for depth in range(1, path.count("/") + 1)}
    files = [path for path in paths if path not in folders]
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    shuffled = list(files)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    for root, order in ((first, files), (second, shuffled)):
        for path in order:
            write(root / path, f"Text of {path}.")

    def ids(root: Path) -> list[str | None]:
        return [item.derived_id for item in iter_raw([root]) if isinstance(item, RawDocument)]

    assert ids(first) == ids(second) == sorted(files)


def test_a_registered_reader_reads_its_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfold.readers import registry
    from newsfold.readers.text import read_text

    monkeypatch.setattr(registry, "_FORMATS", dict(registry._FORMATS))
    registry.register_format(".md", read_text)
    write(tmp_path / "notes.md", "# Notes\n\nMarkdown read as text.")

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.derived_id == "notes.md"
    assert find_format("notes.md.gz") is not None


def test_register_format_wants_a_dotted_suffix() -> None:
    from newsfold.readers import register_format
    from newsfold.readers.text import read_text

    with pytest.raises(UsageError, match="starts with a dot"):
        register_format("md", read_text)
