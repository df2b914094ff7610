"""HTML pages: main text, title, date, outlet and language, robust to hostile markup."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import pytest

from newsfold.model import RawDocument, Skipped
from newsfold.readers import iter_raw

FIXTURES = Path(__file__).parent / "fixtures" / "read"

PARAGRAPHS = [
    "The Velmar town council voted on Monday to keep the covered market open on Sundays through the summer.",
    "Stallholders had asked for the extra day after visitor numbers rose by a third last year, the council said.",
    "The decision will be reviewed in October, when the market's lease comes up for renewal.",
]


def page(
    body: str,
    *,
    head: str = "<title>Market to open on Sundays</title>",
    lang: str = "en",
    charset: str = "utf-8",
) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}">{head}</head>'
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{body}"
        "<footer>Copyright Velmar Post</footer></body></html>"
    )


def article_body() -> str:
    return "<article>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS) + "</article>"


def test_fixture_page_gives_text_title_date_outlet_language_url(tmp_path: Path) -> None:
    path = Path(shutil.copy(FIXTURES / "harbour_article.html", tmp_path / "harbour.html"))

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert document.derived_id == "harbour.html"
    assert document.location == str(path)
    assert document.title == "Ferry service to Kelby Island resumes after storm repairs"
    assert document.published == dt.date(2024, 3, 12)
    assert document.outlet == "The Northshore Courier"
    assert document.language == "en"
    assert document.url == "https://courier.example/news/2024/03/12/kelby-ferry-resumes"
    assert document.text.startswith("The ferry link between Port Ashby and Kelby Island")
    assert "Schoolchildren from the island" in document.text
    for furniture in ("Most read", "All rights reserved", "cookies", "window.analytics", "font-family"):
        assert furniture not in document.text


def test_text_does_not_repeat_the_title(tmp_path: Path) -> None:
    path = tmp_path / "market.html"
    path.write_text(
        page("<article><h1>Market to open on Sundays</h1>" + article_body()[9:]), encoding="utf-8"
    )

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert document.title == "Market to open on Sundays"
    assert document.text.startswith(PARAGRAPHS[0])


def test_declared_legacy_charset_is_honoured(tmp_path: Path) -> None:
    body = article_body().replace("Velmar", "Véllmar")
    path = tmp_path / "legacy.htm"
    path.write_bytes(page(body, charset="windows-1252").encode("cp1252"))

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert "Véllmar town council" in document.text


def test_gzipped_page(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "market.html.gz", "wt", encoding="utf-8") as handle:
        handle.write(page(article_body()))

    (document,) = iter_raw([tmp_path])

    assert isinstance(document, RawDocument)
    assert document.derived_id == "market.html.gz"
    assert PARAGRAPHS[1] in document.text


def test_script_only_page_is_skipped_with_no_text(tmp_path: Path) -> None:
    path = tmp_path / "app.html"
    path.write_text(
        "<html><head><script>var config = {api: '/v1'};</script></head>"
        "<body><div id='root'></div><script>document.write('<p>' + 'rendered later' + '</p>')</script></body></html>",
        encoding="utf-8",
    )

    (skip,) = iter_raw([path])

    assert skip == Skipped(str(path), "app.html: no article text found in HTML", "no_text")


HOSTILE_PAGES = {
    "deep_nesting": "<div>" * 50_000 + "<p>Buried.</p>" + "</div>" * 50_000,
    "garbage_markup": "<<<>>><!--<!--<![CDATA[ ]]>--></></ <p <p <p> &#xFFFFFFFF; &#0; " * 200,
    "frameset": "<html><frameset><frame src='a.html'><frame src='b.html'></frameset></html>",
    "style_only": "<html><head><style>" + "p { color: red; } " * 5000 + "</style></head><body></body></html>",
    "comment_only": "<html><body><!-- " + "nothing to see " * 1000 + " --></body></html>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_hostile_html_never_crashes(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.html"
    path.write_text(HOSTILE_PAGES[name], encoding="utf-8")

    (item,) = iter_raw([path])

    assert isinstance(item, Skipped)
    assert item.kind == "no_text"
    assert item.reason.startswith(f"{name}.html: no article text found in HTML")


def test_unclosed_tags_still_give_the_text(tmp_path: Path) -> None:
    path = tmp_path / "unclosed.html"
    path.write_text("<html><body><article><p>" + " ".join(PARAGRAPHS) + "<div><span><b><i>", encoding="utf-8")

    (document,) = iter_raw([path])

    assert isinstance(document, RawDocument)
    assert document.text.startswith(PARAGRAPHS[0])


def test_invalid_utf8_without_declared_charset_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(b"<html><body><p>Caf\xe9 au lait</p></body></html>")

    (skip,) = iter_raw([path])

    assert isinstance(skip, Skipped)
    assert skip.kind == "encoding"
    assert skip.reason == "bad.html: invalid UTF-8 at byte offset 18 (invalid continuation byte)"
