"""WARC: HTML responses become documents named by their target URI, record by record."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsfold.model import RawDocument, Skipped
from newsfold.readers import ReadOptions, iter_raw

ARTICLE = (
    "<html lang='en'><head><title>Lifeboat crew honoured for night rescue</title>"
    "<meta property='og:site_name' content='Ashby Evening News'>"
    "<meta name='date' content='2024-02-20'></head><body><nav>Home | News | Sport</nav><article>"
    "<p>Five volunteers from the Port Ashby lifeboat station were given bravery awards on Monday for a rescue in "
    "a force nine gale last November.</p>"
    "<p>The crew brought three fishermen ashore after their trawler lost power two miles off Kelby Head, and "
    "stayed at sea for almost six hours while a tow line was rigged.</p>"
    "<p>The station's coxswain said the awards belonged to the whole community that keeps the boat running.</p>"
    "</article><footer>Ashby Evening News 2024</footer></body></html>"
)


def http_response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
    writer.write_record(record)


def write_warc(path: Path, *, compress: bool) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsfold tests"}))
        request = StatusAndHeaders(
            "GET /news/lifeboat HTTP/1.1", [("Host", "ashby.example")], is_http_request=True
        )
        writer.write_record(
            writer.create_warc_record("https://ashby.example/news/lifeboat", "request", http_headers=request)
        )
        http_response(writer, "https://ashby.example/news/lifeboat", ARTICLE.encode("utf-8"))
        http_response(
            writer, "https://ashby.example/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"
        )
        http_response(writer, "https://ashby.example/old", b"", status="301 Moved Permanently")
        http_response(writer, "https://ashby.example/app", b"<html><script>boot()</script></html>")


@pytest.mark.parametrize("compress", [False, True])
def test_html_response_becomes_a_document(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    write_warc(path, compress=compress)

    items = list(iter_raw([path]))

    documents = [item for item in items if isinstance(item, RawDocument)]
    (document,) = documents
    assert document.derived_id == "https://ashby.example/news/lifeboat"
    assert document.url == "https://ashby.example/news/lifeboat"
    assert document.location == f"{path}:record 3"
    assert document.title == "Lifeboat crew honoured for night rescue"
    assert document.outlet == "Ashby Evening News"
    assert document.language == "en"
    assert document.text.startswith("Five volunteers from the Port Ashby lifeboat station")
    assert "Home | News" not in document.text
    assert isinstance(document.meta["warc_offset"], int)
    assert str(document.meta["warc_record_id"]).startswith("<urn:uuid:")

    skips = [(item.kind, item.location.rsplit(":", 1)[1]) for item in items if isinstance(item, Skipped)]
    assert skips == [("unsupported", "record 4"), ("http_status", "record 5"), ("no_text", "record 6")]


def test_skips_name_the_file_record_and_uri(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, compress=True)

    reasons = [item.reason for item in iter_raw([path]) if isinstance(item, Skipped)]

    assert reasons == [
        "crawl.warc.gz record 4: content type 'image/png' is not HTML or text",
        "crawl.warc.gz record 5: HTTP 301 response for https://ashby.example/old, not a page",
        "crawl.warc.gz record 6: no article text found in HTML",
    ]


def test_payload_over_the_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    write_warc(path, compress=False)

    items = list(iter_raw([path], ReadOptions(max_document_bytes=200)))

    assert not [item for item in items if isinstance(item, RawDocument)]
    assert [item.location.rsplit(":", 1)[1] for item in items if item.kind == "too_large"] == ["record 3"]  # type: ignore[union-attr]


def test_truncated_warc_gz_keeps_records_before_the_cut(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole, compress=True)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 60])

    items = list(iter_raw([cut]))

    assert [item.derived_id for item in items if isinstance(item, RawDocument)] == [
        "https://ashby.example/news/lifeboat"
    ]
    last = items[-1]
    assert isinstance(last, Skipped)
    assert last.kind == "truncated"
    assert "truncated gzip stream" in last.reason


def test_text_that_is_not_a_warc_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "notes.warc").write_text("This is not a web archive.\n")

    (skip,) = iter_raw([tmp_path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "malformed"


@pytest.mark.parametrize("compress", [False, True])
def test_a_warc_cut_anywhere_never_crashes_and_says_so(tmp_path: Path, compress: bool) -> None:
    """Cut at every 11th byte: the records before the cut are read as from the whole file, then one
    ``Skipped`` says the file was cut; only a cut exactly between two records (a shorter but valid
    WARC) goes unnoticed."""
    whole = tmp_path / ("whole.warc.gz" if compress else "whole.warc")
    write_warc(whole, compress=compress)
    data = whole.read_bytes()
    full = list(iter_raw([whole]))
    with whole.open("rb") as handle:
        records = ArchiveIterator(handle)
        boundaries = {records.offset for _ in records}
    slack = 0 if compress else 4  # an uncompressed record ends with CRLF CRLF, which may be cut off

    for cut_at in sorted(set(range(1, len(data), 11)) | boundaries - {0}):
        cut = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
        cut.write_bytes(data[:cut_at])

        items = list(iter_raw([cut]))

        expected = [replace_location(other, cut) for other in full]
        if items == expected[: len(items)]:
            assert any(0 <= boundary - cut_at <= slack for boundary in boundaries), (
                f"cut at {cut_at} unnoticed"
            )
            continue
        last = items[-1]
        assert isinstance(last, Skipped) and last.kind in ("truncated", "malformed"), (
            f"cut at {cut_at}: {last}"
        )
        assert items[:-1] == expected[: len(items) - 1], f"cut at {cut_at}"


def replace_location(item: RawDocument | Skipped, path: Path) -> RawDocument | Skipped:
    """The same item as read from ``path`` instead of the whole file."""
    name = path.name
    location = f"{path}:{item.location.rsplit(':', 1)[1]}"
    if isinstance(item, Skipped):
        return Skipped(location, name + " " + item.reason.split(" ", 1)[1], item.kind)
    meta = dict(item.meta)
    return RawDocument(
        **{**{field: getattr(item, field) for field in item.__slots__}, "location": location, "meta": meta}
    )  # type: ignore[arg-type]
