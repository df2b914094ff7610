"""Events at scale: windows with overlap and stitching (pure functions; no Spark needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from newsfold.engines.event_windows import (
    WindowOptions,
    assign_windows,
    group_events_windowed,
    partition_key,
    publication_day,
    stitch,
    window_inputs,
)
from newsfold.events import ClusterOptions, group_events
from newsfold.events.cluster import event_id_for
from newsfold.model import Article


def _article(article_id: str, text: str, day: dt.date | None, language: str | None = None) -> Article:
    return Article(
        id=article_id, content_hash=article_id, text=text, title=text.split(".")[0], published=day, language=language
    )


def test_windows_own_their_days_and_pass_the_overlap_on() -> None:
    base = dt.date.fromordinal(7 * 105_564)  # 2024-03-03, the first day of a 7-day window
    assert base.toordinal() % 7 == 0
    days = {"a": base, "b": base + dt.timedelta(days=4), "c": base + dt.timedelta(days=6), "d": None}
    windows = assign_windows(days, span_days=7, overlap_days=2)
    first = base.toordinal() // 7
    assert windows == {"a": (first, False), "b": (first, False), "c": (first, True), "d": (first, False)}


def test_an_event_continues_across_windows_without_chaining_others() -> None:
    # Window 1 holds events E (a, b) and F (c); window 2 sees b and c again as context: b opened G there
    # with d, c joined G too. G continues E (2 votes against... 1 each: ties go to the smaller event).
    windows = {"a": (("", 1), ()), "b": (("", 1), (("", 2),)), "c": (("", 1), (("", 2),)), "d": (("", 2), ())}
    per_window = {("", 1): {"a": "E", "b": "E", "c": "F"}, ("", 2): {"b": "G", "c": "G", "d": "G"}}
    result = stitch(per_window, windows, ["a", "b", "c", "d"])
    assert result["a"] == result["b"] == result["d"] == event_id_for("a")
    assert result["c"] == event_id_for("c")  # F is not chained into E through G


def test_one_window_is_the_local_engine() -> None:
    texts = [
        "Flood hits the river town. Water rose overnight in the river town and families left their homes.",
        "River town flooded overnight. Families left their homes as the water rose in the river town.",
        "Central bank raises rates. The central bank raised its main interest rate by half a point.",
        "Rates go up at the central bank. The main interest rate rose by half a point, the bank said.",
    ]
    day = dt.date(2024, 5, 2)
    articles = [_article(f"x{i}", text, day + dt.timedelta(days=i % 2)) for i, text in enumerate(texts)]
    local = dict(group_events(articles).assignments)
    windowed = group_events_windowed(articles, WindowOptions(span_days=365, overlap_days=0))
    assert _partition(windowed) == _partition(local)


def test_stitching_follows_windows_within_their_partition() -> None:
    # "b" is context of ("en", 1) for ("en", 2); ("de", 2) holds the same event ids but is another partition.
    windows = {"a": (("en", 1), ()), "b": (("en", 1), (("en", 2),)), "c": (("en", 2), ()), "d": (("de", 2), ())}
    per_window = {("en", 1): {"a": "E", "b": "E"}, ("en", 2): {"b": "G", "c": "G"}, ("de", 2): {"d": "G"}}
    result = stitch(per_window, windows, ["a", "b", "c", "d"])
    assert result["a"] == result["b"] == result["c"] == event_id_for("a")
    assert result["d"] == event_id_for("d")


def test_partition_key_is_the_primary_language_subtag() -> None:
    day = dt.date(2024, 5, 2)
    assert partition_key(_article("a", "Text.", day, "en-GB"), "language") == "en"
    assert partition_key(_article("b", "Text.", day, " DE_at"), "language") == "de"
    assert partition_key(_article("c", "Text.", day, None), "language") == ""
    assert partition_key(_article("d", "Text.", day, "fr"), None) == ""


_FLOOD = [
    "Flood hits the river town. Water rose overnight in the river town and families left their homes.",
    "River town flooded overnight. Families left their homes as the water rose in the river town.",
    "Flood in the river town. Overnight the water rose in the river town, and families left their homes.",
]


def test_language_partitions_keep_languages_apart() -> None:
    day = dt.date(2024, 5, 2)
    languages = ["en", "en-US", "de"]
    articles = [_article(f"x{i}", text, day, language) for i, (text, language) in enumerate(zip(_FLOOD, languages, strict=True))]
    together = group_events_windowed(articles, WindowOptions(span_days=28))
    assert len(set(together.values())) == 1  # one event when languages are not looked at
    apart = group_events_windowed(articles, WindowOptions(span_days=28, partition_by="language"))
    assert apart["x0"] == apart["x1"] != apart["x2"]
    per_window, windows, _ = window_inputs(articles, WindowOptions(span_days=28, partition_by="language"), ClusterOptions())
    assert {key[0] for key in per_window} == {"en", "de"}
    assert windows["x1"][0][0] == "en"


def test_one_language_partitions_as_none() -> None:
    day = dt.date(2024, 5, 2)
    articles = [
        _article(f"y{i}", text, day + dt.timedelta(days=9 * i), "en") for i, text in enumerate(_FLOOD * 2)
    ]
    plain = group_events_windowed(articles, WindowOptions(span_days=7, overlap_days=3))
    by_language = group_events_windowed(articles, WindowOptions(span_days=7, overlap_days=3, partition_by="language"))
    assert by_language == plain


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="span_days"):
        WindowOptions(span_days=0)
    with pytest.raises(ValueError, match="overlap_days"):
        WindowOptions(span_days=7, overlap_days=8)
    with pytest.raises(ValueError, match="partition_by"):
        WindowOptions(partition_by="outlet")  # type: ignore[arg-type]
    assert WindowOptions(span_days=28).overlap(ClusterOptions(window_days=7)) == 14
    assert WindowOptions(span_days=5).overlap(ClusterOptions(window_days=7)) == 5


def test_publication_day_is_utc() -> None:
    late = dt.datetime(2024, 1, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert publication_day(_article("a", "Text.", late)) == dt.date(2024, 1, 2)  # type: ignore[arg-type]
    assert publication_day(_article("b", "Text.", None)) is None


def _partition(assignments: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article_id, event in assignments.items():
        groups.setdefault(event, set()).add(article_id)
    return {frozenset(members) for members in groups.values()}


def test_the_engines_import_without_starting_spark() -> None:
    import subprocess
    import sys

    code = "import sys, newsfold.engines.spark, newsfold.engines.event_windows; print('pyspark' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
