"""``.json`` files: arrays streamed element by element, single objects, wrappers, JSON Lines in disguise."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfold.model import RawDocument, Skipped
from newsfold.readers import ReadOptions, _stream, iter_raw


def write_json(path: Path, value: Any, **dump_options: Any) -> Path:
    path.write_text(json.dumps(value, **dump_options), encoding="utf-8")
    return path


def test_array_elements_are_records_numbered_from_one(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "feed.json", [{"id": "a", "text": "First."}, {"id": "b", "text": "Second."}], indent=2
    )

    first, second = iter_raw([path])

    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert (first.given_id, first.derived_id, first.location) == ("a", "feed.json:1", f"{path}:record 1")
    assert (second.given_id, second.derived_id, second.text) == ("b", "feed.json:2", "Second.")


def test_tricky_strings_do_not_confuse_the_array_scanner(tmp_path: Path) -> None:
    records = [
        {"text": 'Brackets ] and braces } and commas , inside "quotes" and a backslash \\'},
        {"text": 'Escaped quote at the end \\"'},
        {"text": "Unicode — “curly” ✓", "nested": {"list": [1, [2, {"x": "]"}]]}},
    ]
    path = write_json(tmp_path / "tricky.json", records, ensure_ascii=False)

    items = list(iter_raw([path]))

    assert [item.text for item in items if isinstance(item, RawDocument)] == [
        record["text"] for record in records
    ]
    assert items[2].meta == {"nested": {"list": [1, [2, {"x": "]"}]]}}  # type: ignore[union-attr]


def test_bad_elements_are_skipped_alone(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(
        '[{"text": "good one"}, 42, {"text": broken}, {"title": "no text"}, {"text": "good two"}]'
    )

    items = list(iter_raw([path]))

    assert [item.text for item in items if isinstance(item, RawDocument)] == ["good one", "good two"]
    skips = [item for item in items if isinstance(item, Skipped)]
    assert [(skip.kind, skip.location) for skip in skips] == [
        ("not_object", f"{path}:record 2"),
        ("malformed_json", f"{path}:record 3"),
        ("missing_field", f"{path}:record 4"),
    ]
    assert skips[1].reason.startswith("mixed.json record 3: malformed JSON: Expecting value")


def test_unclosed_array_keeps_the_records_before_the_end(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"text": "kept"}, {"text": "lost in the cut')

    first, skip = iter_raw([path])

    assert isinstance(first, RawDocument) and first.text == "kept"
    assert isinstance(skip, Skipped)
    assert skip.kind == "malformed_json"
    assert skip.location == f"{path}:record 2"
    assert "not closed" in skip.reason


def test_oversized_element_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = write_json(tmp_path / "big.json", [{"text": "small"}, {"text": "x" * 5000}, {"text": "after"}])

    items = list(iter_raw([path], ReadOptions(max_document_bytes=1000)))

    assert [item.text for item in items if isinstance(item, RawDocument)] == ["small", "after"]
    (skip,) = [item for item in items if isinstance(item, Skipped)]
    assert skip.kind == "too_large"
    assert skip.reason == "big.json record 2: record is 5,013 bytes, over max_document_bytes (1,000)"


def test_single_object_is_one_document_named_by_the_file(tmp_path: Path) -> None:
    path = write_json(tmp_path / "one.json", {"id": "solo", "title": "Alone", "text": "Just one story."})

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert (document.given_id, document.derived_id, document.location) == ("solo", "one.json", str(path))


def test_wrapper_object_with_one_list_of_records(tmp_path: Path) -> None:
    api_response = {
        "status": "ok",
        "totalResults": 2,
        "articles": [{"title": "One", "content": "First body."}, {"title": "Two", "content": "Second body."}],
    }
    path = write_json(tmp_path / "response.json", api_response)

    items = list(iter_raw([path]))

    assert [(item.derived_id, item.title) for item in items if isinstance(item, RawDocument)] == [
        ("response.json:1", "One"),
        ("response.json:2", "Two"),
    ]


def test_json_lines_under_a_json_name(tmp_path: Path) -> None:
    path = tmp_path / "actually_lines.json"
    path.write_text('{"text": "one"}\n{"text": "two"}\n')

    items = list(iter_raw([path]))

    assert [(item.derived_id, item.text) for item in items if isinstance(item, RawDocument)] == [
        ("actually_lines.json:1", "one"),
        ("actually_lines.json:2", "two"),
    ]


def test_gzipped_array(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "feed.json.gz", "wt", encoding="utf-8") as handle:
        json.dump([{"text": "zipped"}], handle)

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert (document.derived_id, document.text) == ("feed.json.gz:1", "zipped")


@pytest.mark.parametrize(
    ("content", "kind"), [("", "empty"), ("  \n", "empty"), ('"just a string"', "malformed_json")]
)
def test_json_file_without_records(tmp_path: Path, content: str, kind: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(content)

    (skip,) = iter_raw([path])

    assert isinstance(skip, Skipped)
    assert skip.kind == kind


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
records = st.lists(
    st.fixed_dictionaries(
        {"text": st.text(alphabet=st.characters(codec="utf-8"), min_size=1).filter(str.strip)},
        optional={"extra": json_values},
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=records,
    indent=st.sampled_from([None, 1, 4]),
    ascii_only=st.booleans(),
    chunk_size=st.sampled_from([1, 2, 3, 7, 64, 1 << 20]),
)
def test_streamed_array_equals_json_loads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    records: list[dict[str, Any]],
    indent: int | None,
    ascii_only: bool,
    chunk_size: int,
) -> None:
    """Whatever the records and wherever the read chunks split them, streaming gives what json.loads does."""
    monkeypatch.setattr(_stream, "CHUNK_SIZE", chunk_size)
    path = tmp_path / "generated.json"
    path.write_text(json.dumps(records, indent=indent, ensure_ascii=ascii_only), encoding="utf-8")

    items = list(iter_raw([path]))

    assert all(isinstance(item, RawDocument) for item in items)
    assert [item.text for item in items] == [record["text"] for record in records]  # type: ignore[union-attr]
    assert [dict(item.meta) for item in items] == [  # type: ignore[union-attr]
        {key: value for key, value in record.items() if key != "text"} for record in records
    ]


def test_json_lines_file_larger_than_the_limit_still_streams(tmp_path: Path) -> None:
    path = tmp_path / "big_lines.json"
    path.write_text("".join(json.dumps({"text": f"Line {n} " + "word " * 20}) + "\n" for n in range(100)))

    items = list(iter_raw([path], ReadOptions(max_document_bytes=500)))

    assert len(items) == 100
    assert all(isinstance(item, RawDocument) for item in items)


def test_one_object_larger_than_the_limit_is_one_skip(tmp_path: Path) -> None:
    path = write_json(tmp_path / "huge.json", {"text": "word " * 500, "extra": list(range(100))}, indent=2)

    (skip,) = iter_raw([path], ReadOptions(max_document_bytes=500))

    assert isinstance(skip, Skipped)
    assert skip.kind == "too_large"


def test_truncated_gzip_json_is_skipped_as_truncated(tmp_path: Path) -> None:
    whole = gzip.compress(json.dumps([{"text": f"Story {n}."} for n in range(200)]).encode("utf-8"))
    path = tmp_path / "cut.json.gz"
    path.write_bytes(whole[: len(whole) // 2])

    items = list(iter_raw([path]))

    documents = [item for item in items if isinstance(item, RawDocument)]
    assert [document.text for document in documents] == [f"Story {n}." for n in range(len(documents))]
    assert len(documents) > 20, "the records before the cut are kept"
    assert isinstance(items[-1], Skipped)
    assert items[-1].kind == "truncated"
    assert items[-1].location == f"{path}:record {len(documents) + 1}"
