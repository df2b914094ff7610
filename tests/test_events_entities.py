"""The rule-based name extractor: page furniture, title-case headlines and geographic names are not people."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsfold.events.entities import _WORD_BEFORE, _word_before, extract_mentions


def _typed(text: str) -> set[tuple[str, str]]:
    return {(m.type, m.key) for m in extract_mentions(text)}


def _people(text: str) -> set[str]:
    """Keys the features count as people (``person`` and ``other``)."""
    return {m.key for m in extract_mentions(text) if m.type in ("person", "other")}


REPORT = (
    "Nepal: Swedish Hiker Killed In Avalanche Near Lake Tilicho\n"
    "Last updated at 09:12 GMT\n"
    "A Swedish hiker was killed on Tuesday when an avalanche struck near Lake Tilicho, police said.\n"
    "The hiker, Lars Nilsson, 41, was walking with two guides from Kathmandu.\n"
    "Nilsson had reached the lake a day earlier, the guides said."
)


def test_title_case_headline_words_count_only_when_the_body_capitalizes_them() -> None:
    typed = _typed(REPORT)
    assert not _people(REPORT) & {"hiker", "killed", "avalanche", "near", "last"}
    assert ("person", "nilsson") in typed
    assert {("place", "nepal"), ("place", "sweden"), ("place", "kathmandu")} <= typed


def test_a_headline_alone_keeps_its_names() -> None:
    typed = _typed("Obama Meets Putin In Moscow")
    assert ("person", "putin") in typed and ("place", "moscow") in typed


def test_a_list_of_names_is_prose_not_a_headline() -> None:
    text = (
        "The award went to a veteran actress.\n"
        "Earlier winners include Douglas Fairbanks, Laurence Olivier, Ingrid Bergman and Alan Alda.\n"
        "The ceremony is in March.\nIt will be broadcast live."
    )
    assert {"olivier", "bergman", "alda"} <= _people(text)


def test_a_single_word_also_written_in_lower_case_is_no_name() -> None:
    text = "Rescuers reached the hut on Monday. By then the Ranger had left, and a ranger said the path was closed."
    assert "ranger" not in _people(text)
    # ... unless it is the surname of a person named elsewhere.
    named = "Mr Cook spoke on Monday. Investors cheered when Cook said a cook would run the canteen."
    assert ("person", "cook") in _typed(named)


def test_a_geographic_head_word_alone_is_no_name() -> None:
    text = (
        "Climbers were caught below Mt. Cook on Saturday.\n"  # the sentence split leaves "Mt." alone
        "Rangers closed the Glacier on Sunday.\n"
        "President Park said it would reopen."
    )
    typed = _typed(text)
    assert not {key for _, key in typed} & {"mt", "glacier"}
    assert ("person", "park") in typed  # after a title it is a surname


def test_weekday_abbreviations_and_time_zones_next_to_dates_are_calendar_words() -> None:
    for dateline in ("Sun, 15 Sep 2013", "14:25 Sun Sep 15 2013", "8:44AM BST 16 Sep 2013", "Sat 09:30 EDT"):
        text = f"Storm hits coast\n{dateline}\nThe storm reached the coast of Florida on Sunday."
        assert not _people(text) & {"sun", "sat", "bst", "edt", "am"}, dateline
        assert ("org", "bst") not in _typed(text) and ("org", "edt") not in _typed(text)
    assert "sun" in _people("The deal was first reported by The Sun and later confirmed by Reuters.")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab Z._\t’'é1\n-²", max_size=12))
def test_the_word_before_a_run_is_what_the_regular_expression_finds(tail: str) -> None:
    # The scan from the end replaces a regex search tried at every position (a third of the extractor's
    # time); it must find the same word, a line break at the very end included.
    found = _WORD_BEFORE.search(tail)
    assert _word_before(tail) == (found.group(1).lower() if found else None)
