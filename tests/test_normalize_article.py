"""build_article: ids, titles, skipping, pass-through fields, options."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.errors import UsageError
from newsfold.model import Article, RawDocument, Skipped
from newsfold.normalize import NormalizeOptions, build_article, collection_as_of, content_hash, normalize_text


def _article(raw: RawDocument) -> Article:
    article = build_article(raw)
    assert isinstance(article, Article), article
    return article


def test_id_precedence() -> None:
    text = "The talks went well."
    assert _article(RawDocument("a.txt", text, given_id="g", derived_id="d")).id == "g"
    assert _article(RawDocument("a.txt", text, derived_id="d")).id == "d"
    assert _article(RawDocument("a.jsonl:7", text)).id == "a.jsonl:7"


@pytest.mark.parametrize("text", ["", "   \n\n\t", "Share\n\nAll news\n\nAdvertisement"])
def test_empty_documents_are_skipped(text: str) -> None:
    result = build_article(RawDocument("feed.jsonl:3", text))
    assert result == Skipped("feed.jsonl:3", "empty document after normalization", "empty")


def test_title_only_document_is_skipped_when_title_given_separately() -> None:
    result = build_article(RawDocument("a.txt", "Talks in Minsk", title="Talks in Minsk"))
    assert isinstance(result, Skipped) and result.kind == "empty"


def test_detected_title_is_removed_from_text() -> None:
    article = _article(RawDocument("a.txt", "Talks in Minsk end\n\nThe talks went well.\n\nBoth agreed."))
    assert article.title == "Talks in Minsk end"
    assert article.text == "The talks went well.\n\nBoth agreed."
    assert article.content_hash == content_hash(article.text)


def test_headline_detection_needs_a_headline_shape() -> None:
    # A first paragraph that is a sentence, a byline, or the whole document is not a title.
    assert _article(RawDocument("a.txt", "The talks went well.\n\nBoth agreed.")).title is None
    assert _article(RawDocument("a.txt", "By Jane Doe\n\nThe talks went well.")).title is None
    assert _article(RawDocument("a.txt", "Talks in Minsk end")).title is None
    assert _article(RawDocument("a.txt", "On the agenda:\n\nTrade and visas.")).title is None
    assert _article(RawDocument("a.txt", "11 / 09 / 2010\n\nTrade and visas.")).title is None


def test_question_headline_and_wrapped_headline() -> None:
    assert _article(RawDocument("a.txt", "Will the talks succeed?\n\nNobody knows.")).title == (
        "Will the talks succeed?"
    )
    wrapped = _article(RawDocument("a.txt", "Talks in Minsk\nend without a deal\n\nNobody knows."))
    assert wrapped.title == "Talks in Minsk end without a deal"


def test_title_and_dateline_in_text_without_blank_lines() -> None:
    text = (
        "Talks in Minsk end\nA standfirst without a period\nMINSK, June 19. /TASS/. The talks ended.\nMore."
    )
    article = _article(RawDocument("a.txt", text, published="2020-06-19"))
    assert article.title == "Talks in Minsk end"
    assert article.text == "A standfirst without a period\nMINSK, June 19. /TASS/. The talks ended.\nMore."
    assert article.dateline is not None and article.dateline.raw == "MINSK, June 19. /TASS/."


def test_title_repeated_at_start_of_body_is_dropped_once() -> None:
    article = _article(RawDocument("a.txt", "Talks in Minsk end\nTalks in Minsk end\nThe talks went well."))
    assert article.title == "Talks in Minsk end"
    assert article.text == "The talks went well."


def test_given_title_is_kept_and_its_copy_dropped_from_text() -> None:
    raw = RawDocument("a.txt", "Talks  in MINSK end\n\nThe talks went well.", title=" Talks in Minsk end ")
    article = _article(raw)
    assert article.title == "Talks in Minsk end"
    assert article.text == "The talks went well."


def test_given_title_does_not_remove_a_different_first_paragraph() -> None:
    article = _article(RawDocument("a.txt", "Short standfirst here\n\nThe talks went well.", title="Talks"))
    assert article.title == "Talks"
    assert article.text == "Short standfirst here\n\nThe talks went well."


def test_same_body_with_and_without_title_line_hashes_alike() -> None:
    with_title = _article(RawDocument("a.txt", "Talks in Minsk end\n\nThe talks went well."))
    separate = _article(RawDocument("b.txt", "The talks  went well.", title="Talks in Minsk end"))
    assert with_title.content_hash == separate.content_hash


def test_pass_through_fields() -> None:
    raw = RawDocument(
        "dir/a.html", "The talks went well.", outlet="TASS", language="en", meta={"url_host": "tass.com"}
    )
    article = _article(raw)
    assert (article.outlet, article.language, article.source) == ("TASS", "en", "dir/a.html")
    assert article.meta == {"url_host": "tass.com"}


def test_collection_as_of_uses_only_dates_that_do_not_depend_on_it() -> None:
    raws = [
        RawDocument("a.txt", "Talks ended.", published="2019-03-01T10:00:00Z"),
        RawDocument("b.txt", "Posted: 24.05.2021\n\nTalks ended."),
        RawDocument("c.txt", "Remarks, Minsk, June 19, 2020\n\nTalks ended."),
        # Yearless with a weekday: resolved against as_of itself, so it must not count.
        RawDocument("d.txt", "On Thursday, 26 November, talks ended."),
        RawDocument("e.txt", "   "),
    ]
    assert collection_as_of(raws, NormalizeOptions(as_of=dt.date(2030, 1, 1))) == dt.date(2021, 5, 24)
    assert collection_as_of([RawDocument("d.txt", "On Thursday, 26 November, talks ended.")]) is None


def test_options_are_validated() -> None:
    with pytest.raises(UsageError, match="lead_paragraphs"):
        NormalizeOptions(lead_paragraphs=0)
    with pytest.raises(UsageError, match="max_title_words"):
        NormalizeOptions(max_title_words=1)


_paragraphs = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(
            [
                "MINSK, June 19. /TASS/. Talks.",
                "Posted: 24.05.2024 19:54:00",
                "On Thursday, 26 November, they met.",
                "Share",
                "Talks in Minsk end",
                "WASHINGTON (Reuters) - x",
                "Feb. 29",
                "Remarks, Minsk, February 29, 2021",
            ]
        ),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(_paragraphs, st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["2020-06-19", "24.05.2024"])))
def test_build_article_never_raises_and_keeps_its_invariants(
    paragraphs: list[str], published: str | None
) -> None:
    result = build_article(RawDocument("x.txt", "\n\n".join(paragraphs), published=published))
    if isinstance(result, Skipped):
        assert result.kind == "empty"
        return
    assert result.text and normalize_text(result.text) == result.text
    assert result.content_hash == content_hash(result.text)
