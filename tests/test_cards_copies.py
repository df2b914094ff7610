"""Event cards treat copies as one source: a reprint does not hide what its original adds."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from newsfold.events.cards import build_card, copy_families
from newsfold.model import Article

ORIGINAL = (
    "The river burst its banks near the old mill on Monday morning. "
    "Rescuers pulled four people from the water after the night shift ended. "
    "The regional governor visited the flooded district in the afternoon."
)
OTHER = (
    "The river burst its banks near the old mill on Monday morning. "
    "The mayor promised new flood walls within two years of the disaster."
)


def _article(article_id: str, text: str, day: int, outlet: str) -> Article:
    return Article(
        id=article_id,
        content_hash=hashlib.sha1(text.encode()).hexdigest()[:16],
        text=text,
        title="River floods old mill district",
        published=dt.date(2024, 5, day),
        outlet=outlet,
    )


def test_exact_reprint_does_not_hide_what_the_original_adds() -> None:
    original = _article("orig", ORIGINAL, 2, "wire")
    reprint = _article("reprint", ORIGINAL, 3, "site")
    other = _article("other", OTHER, 2, "paper")
    card = build_card("ev", [original, reprint, other])
    unique = {u.article_id: u for u in card.unique}
    assert unique["orig"].copy_of is None
    assert "Rescuers pulled four people from the water after the night shift ended." in unique["orig"].sentences
    assert unique["reprint"].sentences == ()
    assert unique["reprint"].copy_of == "orig"
    assert unique["other"].sentences == ("The mayor promised new flood walls within two years of the disaster.",)
    exported = card.as_dict()["unique"]
    assert isinstance(exported, list)
    assert {entry["article_id"]: entry["copy_of"] for entry in exported}["reprint"] == "orig"


def test_edited_reprint_and_excerpt_join_the_family_of_their_original() -> None:
    original = _article("orig", ORIGINAL, 2, "wire")
    edited = _article("edited", ORIGINAL.replace("four people", "4 people") + " Subscribe for more news.", 2, "site")
    excerpt = _article("excerpt", ORIGINAL.split(". ")[1] + ".", 4, "blog")
    other = _article("other", OTHER, 2, "paper")
    families = copy_families([original, edited, excerpt, other])
    # Same day: the longer edited text is the canonical member (the copies engine's rule).
    assert families == {"orig": "edited", "edited": "edited", "excerpt": "edited", "other": "other"}
    unique = {u.article_id: u for u in build_card("ev", [original, edited, excerpt, other]).unique}
    assert unique["orig"].copy_of == "edited" and unique["excerpt"].copy_of == "edited"
    assert any("Rescuers" in s for s in unique["edited"].sentences)


def test_unrelated_members_stay_separate_sources() -> None:
    a = _article("a", ORIGINAL, 2, "wire")
    b = _article("b", OTHER, 2, "paper")
    assert copy_families([a, b]) == {"a": "a", "b": "b"}
    with pytest.raises(ValueError):
        copy_families([a, b], copy_containment=0.0)
