"""Generated news corpora with known copies, for the engine equality tests and the scale benchmark.

:func:`generate_records` yields JSON-ready records (``id, title, text, date, outlet``) in families: an
original report of 6-14 paragraphs made of words drawn from a Zipf-distributed vocabulary of invented
words, followed by 0-4 copies of it, each an exact reprint, a near copy (a paragraph dropped, a few
words changed, the outlet's header line added) or an excerpt (its first three paragraphs). Families
share their vocabulary, so unrelated articles overlap in common words and short phrases, as real news
does, and every LSH band and anchor table sees realistic load. The result is a deterministic function of
``(num_articles, seed)``.

The texts are not English and the copies are simpler than the reprint corpus of ``benchmarks/copies.py``
(which is built from real articles and measures accuracy); these corpora exist to measure throughput and
to check that two engines agree, at any size, without data files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

_VOCABULARY_SIZE = 20_000
_SYLLABLES = (
    "ka", "lo", "mi", "nu", "re", "sa", "ti", "vo", "ze", "ba", "de", "fi", "go", "hu", "ja", "ko", "la",
    "me", "ni", "po", "qu", "ri", "so", "tu", "va", "wi", "xe", "yo", "an", "el", "in", "or", "us",
)
_OUTLETS = tuple(f"Outlet {index:02d}" for index in range(40))


def _vocabulary(rng: np.random.Generator) -> list[str]:
    words: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < _VOCABULARY_SIZE:
        count = int(rng.integers(1, 5))
        word = "".join(_SYLLABLES[int(i)] for i in rng.integers(0, len(_SYLLABLES), count))
        if word not in words:
            words.add(word)
            ordered.append(word)
    return ordered


def generate_records(num_articles: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``num_articles`` records in families of an original and its copies (see the module docstring).

    Ids are ``g<family>-<n>`` (``n = 0`` for the original); dates fall in 2024, copies on or after their
    original's day. ``num_articles`` must be >= 0; the last family is cut short to hit it exactly.
    """
    if num_articles < 0:
        raise ValueError(f"num_articles must be >= 0, got {num_articles}")
    rng = np.random.default_rng(seed)
    vocabulary = _vocabulary(rng)
    ranks = np.arange(1, _VOCABULARY_SIZE + 1, dtype=np.float64)
    weights = np.cumsum(1.0 / ranks**1.05)
    cdf = weights / weights[-1]
    start = dt.date(2024, 1, 1)
    made = 0
    family = 0
    while made < num_articles:
        paragraphs = _paragraphs(rng, vocabulary, cdf)
        outlet = _OUTLETS[int(rng.integers(0, len(_OUTLETS)))]
        day = start + dt.timedelta(days=int(rng.integers(0, 360)))
        title = " ".join(_draw(rng, vocabulary, cdf, 6)).capitalize()
        yield _record(family, 0, title, paragraphs, day, outlet)
        made += 1
        copies = int(rng.choice(5, p=[0.4, 0.25, 0.15, 0.1, 0.1]))
        for number in range(1, copies + 1):
            if made >= num_articles:
                break
            kind = rng.choice(3, p=[0.3, 0.5, 0.2])
            copy_outlet = _OUTLETS[int(rng.integers(0, len(_OUTLETS)))]
            copy_day = day + dt.timedelta(days=int(rng.integers(0, 3)))
            if kind == 0:
                copied = paragraphs
            elif kind == 1:
                copied = _near_copy(rng, vocabulary, cdf, paragraphs, copy_outlet)
            else:
                copied = paragraphs[:3]
            yield _record(family, number, title, copied, copy_day, copy_outlet)
            made += 1
        family += 1


def _draw(rng: np.random.Generator, vocabulary: list[str], cdf: np.ndarray, count: int) -> list[str]:
    """``count`` words drawn from the Zipf distribution whose cumulative weights are ``cdf``."""
    picks = np.minimum(np.searchsorted(cdf, rng.random(count)), _VOCABULARY_SIZE - 1)
    return [vocabulary[i] for i in picks.tolist()]


def _paragraphs(rng: np.random.Generator, vocabulary: list[str], cdf: np.ndarray) -> list[str]:
    num_paragraphs = int(rng.integers(6, 15))
    sentences_per = rng.integers(2, 5, num_paragraphs)
    lengths = rng.integers(8, 21, int(sentences_per.sum())).tolist()
    words = _draw(rng, vocabulary, cdf, int(sum(lengths)))
    sentences: list[str] = []
    at = 0
    for length in lengths:
        sentences.append(" ".join(words[at : at + length]).capitalize() + ".")
        at += length
    paragraphs: list[str] = []
    at = 0
    for count in sentences_per.tolist():
        paragraphs.append(" ".join(sentences[at : at + count]))
        at += count
    return paragraphs


def _near_copy(
    rng: np.random.Generator, vocabulary: list[str], cdf: np.ndarray, paragraphs: list[str], outlet: str
) -> list[str]:
    copied = list(paragraphs)
    if len(copied) > 4:
        del copied[int(rng.integers(1, len(copied)))]
    for _ in range(int(rng.integers(1, 4))):
        which = int(rng.integers(0, len(copied)))
        words = copied[which].split(" ")
        position = int(rng.integers(0, len(words)))
        words[position] = _draw(rng, vocabulary, cdf, 1)[0]
        copied[which] = " ".join(words)
    return [f"Reported by {outlet} staff with agencies.", *copied]


def _record(family: int, number: int, title: str, paragraphs: list[str], day: dt.date, outlet: str) -> dict[str, Any]:
    return {
        "id": f"g{family:07d}-{number}",
        "title": title,
        "text": "\n\n".join(paragraphs),
        "date": day.isoformat(),
        "outlet": outlet,
    }


def write_jsonl_shards(records: Iterator[dict[str, Any]], folder: Path, shards: int) -> list[Path]:
    """Write ``records`` round-robin into ``shards`` JSON Lines files ``part-NNNNN.jsonl`` in ``folder``
    (created if missing); return their paths. Several shards let an engine read in parallel."""
    if shards < 1:
        raise ValueError(f"shards must be >= 1, got {shards}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{index:05d}.jsonl" for index in range(shards)]
    handles = [path.open("w", encoding="utf-8") for path in paths]
    try:
        for index, record in enumerate(records):
            handles[index % shards].write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return paths
