"""JSON Lines: one record per line, fields mapped, everything else kept in meta."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfold.model import RawDocument, Skipped
from newsfold.readers import ReadOptions, _stream, iter_raw

FIXTURES = Path(__file__).parent / "fixtures" / "read"


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def documents(items: list[RawDocument | Skipped]) -> list[RawDocument]:
    return [item for item in items if isinstance(item, RawDocument)]


def test_fixture_records_map_common_field_names(tmp_path: Path) -> None:
    path = shutil.copy(FIXTURES / "wire_reports.jsonl", tmp_path / "wire.jsonl")

    first, second, third = iter_raw([path])

    assert isinstance(first, RawDocument)
    assert first.given_id == "nsc-0001"
    assert first.derived_id == "wire.jsonl:1"
    assert first.location == f"{path}:line 1"
    assert first.title == "Kelby ferry back in service"
    assert first.published == "2024-03-12"
    assert first.outlet == "Northshore Courier"
    assert first.language == "en"
    assert first.url == "https://courier.example/a/1"
    assert dict(first.meta) == {"section": "transport"}

    assert isinstance(second, RawDocument)
    assert second.given_id == "2"
    assert second.title == "Grain prices steady at Velmar market"
    assert second.text.startswith("Wheat and barley")
    assert second.published == "2024-03-13T10:00:00Z"
    assert second.outlet == "Velmar Farm Bulletin"

    assert isinstance(third, RawDocument)
    assert third.derived_id == "wire.jsonl:4", "blank line 3 is passed over but still counted"
    assert third.given_id == "c0ffee00-0000-4000-8000-000000000003"
    assert third.meta == {"tags": ["water", "Dunmore"]}


def test_explicit_field_mapping_wins(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "custom.jsonl",
        [
            {
                "article_id": "x-9",
                "text": "summary",
                "full_text": "The full story.",
                "heading": "Head",
                "when": "2024",
            }
        ],
    )
    options = ReadOptions(
        id_field="article_id", text_field="full_text", title_field="heading", date_field="when"
    )

    (document,) = iter_raw([path], options)

    assert isinstance(document, RawDocument)
    assert (document.given_id, document.text, document.title, document.published) == (
        "x-9",
        "The full story.",
        "Head",
        "2024",
    )
    assert document.meta == {"text": "summary"}


def test_field_names_are_matched_ignoring_case(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "upper.jsonl", [{"ID": "A1", "Title": "Upper", "TEXT": "Shouted body."}])

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert (document.given_id, document.title, document.text) == ("A1", "Upper", "Shouted body.")


def test_ids_are_strings_exactly_as_given(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "ids.jsonl",
        [
            {"id": " spaced ", "text": "a"},
            {"id": 7, "text": "b"},
            {"id": 7.5, "text": "c"},
            {"id": None, "text": "d"},
        ],
    )

    ids = [document.given_id for document in documents(list(iter_raw([path])))]

    assert ids == [" spaced ", "7", "7.5", None]


def test_epoch_dates_become_utc_datetimes(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "epochs.jsonl",
        [{"text": "seconds", "date": 1710232200}, {"text": "millis", "date": 1710232200000}],
    )

    published = [document.published for document in documents(list(iter_raw([path])))]

    expected = dt.datetime(2024, 3, 12, 8, 30, tzinfo=dt.UTC)
    assert published == [expected, expected]


def test_outlet_object_gives_its_name(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "newsapi.jsonl", [{"content": "Body.", "source": {"id": None, "name": "Velmar Post"}}]
    )

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert document.outlet == "Velmar Post"


def test_text_given_as_paragraph_list_is_joined(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "paras.jsonl", [{"text": ["First paragraph.", "Second paragraph."]}])

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert document.text == "First paragraph.\n\nSecond paragraph."


def test_ndjson_and_gzip_read_the_same(tmp_path: Path) -> None:
    records = [{"id": str(n), "text": f"Story number {n}."} for n in range(1, 4)]
    write_jsonl(tmp_path / "a.ndjson", records)
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in records)

    items = list(iter_raw([tmp_path]))

    assert [item.derived_id for item in documents(items)] == [
        "a.ndjson:1",
        "a.ndjson:2",
        "a.ndjson:3",
        "b.jsonl.gz:1",
        "b.jsonl.gz:2",
        "b.jsonl.gz:3",
    ]
    assert [item.text for item in documents(items)[:3]] == [item.text for item in documents(items)[3:]]


def test_crlf_line_endings_and_no_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b'{"text": "one"}\r\n{"text": "two"}')

    texts = [document.text for document in documents(list(iter_raw([path])))]

    assert texts == ["one", "two"]


def test_many_lines_stream_in_order(tmp_path: Path) -> None:
    records = [{"id": f"r{n}", "text": f"Report {n}: " + "word " * (n % 50)} for n in range(5000)]
    path = write_jsonl(tmp_path / "many.jsonl", records)

    items = documents(list(iter_raw([path])))

    assert [item.given_id for item in items] == [f"r{n}" for n in range(5000)]
    assert items[-1].derived_id == "many.jsonl:5000"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(alphabet=st.characters(codec="utf-8"), min_size=1).filter(str.strip), max_size=10),
    chunk_size=st.sampled_from([1, 2, 5, 64, 1 << 20]),
)
def test_lines_split_across_read_chunks_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, texts: list[str], chunk_size: int
) -> None:
    """Wherever the read chunks fall, every line comes back whole and numbered right."""
    monkeypatch.setattr(_stream, "CHUNK_SIZE", chunk_size)
    path = tmp_path / "generated.jsonl"
    path.write_text(
        "".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts), encoding="utf-8"
    )

    items = list(iter_raw([path]))

    assert [(item.derived_id, item.text) for item in items] == [  # type: ignore[union-attr]
        (f"generated.jsonl:{number}", text) for number, text in enumerate(texts, start=1)
    ]
