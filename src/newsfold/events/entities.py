"""A rule-based extractor of people, places and organizations from English news text.

Why rules and not a statistical tagger: online assignment must run at ≥ 500 articles/s on two cores, and
the smallest packaged spaCy English model tags a few dozen news articles per second there. The event
scorer needs the *salient actors* of an article (who appears in the headline and lead, who is named
twice), not every mention, and capitalization finds those well in edited English news. Measured against
ECB+'s annotated entity mentions in ``benchmarks/events.py`` (``entity recall``).

Method: runs of capitalized tokens (joined by ``of``/``de``/``al``/``bin``/``van``/``von``/``&``) are
candidate names; sentence-initial function words and calendar words are dropped (time zones such as
``BST``, and weekday abbreviations such as ``Sun`` when next to a date or time); a run right before
``updated`` is page furniture ("Last updated at 12:42"); ALL-CAPS words longer than five letters are
title-cased (``MINSK`` → ``Minsk``). A *title-case line* (at least three capitalized words, at most one
lower-case content word per five of them, no closing full stop: a headline such as "British Climber
Killed In Fall") keeps only the words the rest of the text also capitalizes, when the text has at least
two other sentences. Each name is typed by, in order: the gazetteer (countries from Unicode CLDR,
demonyms, US states, ~250 cities → ``place``), organization keywords and short acronyms (``org``), a
personal title or role word before it, or two or more tokens (``person``); a geographic head word alone
(``Mt.`` cut off by a sentence split, ``Park``) is dropped; a single unknown token that is the surname of
a person named elsewhere in the text is that person. What is left is ``other``, except a single word that
the text also writes in lower case in running prose ("Climber" beside "a British climber"): that is no
name. People are keyed by surname (``Sergey Lavrov`` and ``Sergei Lavrov`` are both ``lavrov``), places
by their country or city name, organizations by their lower-cased full name.

Not done, on purpose: typing ``Mount Cook``, ``Tasman Glacier`` or ``Aoraki-Mt Cook National Park`` as
places (a geographic head word before or after a name). It is more correct, but on ECB+ dev the linker's
held-out BCubed F1 fell (mean of undated and dense at join 0.8, link 0.55, attach 0.25: 0.9662 without it,
0.9566 with it; the scorer refitted did not recover it), so such names stay ``person`` keyed by their last
word.

Approximate by design: sentence-initial common words that are capitalized only by position can slip
through as ``other``; nationality adjectives count as the country (``Belarusian`` → ``belarus``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from newsfold.events.text import sentences

EntityType = Literal["person", "place", "org", "other"]
ENTITY_TYPES: tuple[EntityType, ...] = ("person", "place", "org", "other")

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ][\wÀ-ÿĀ-ſ'’.\-]*|&")
_CONNECTORS = frozenset({"of", "de", "al", "bin", "van", "von", "der", "la", "del", "da", "&", "du", "el"})
_ORG_WORDS = frozenset(
    """
    inc corp corporation co company ltd llc plc group bank ministry ministries department agency council
    committee commission university college school institute party union association federation league
    club court police army navy force forces service services office organization organisation foundation
    fund authority board bureau parliament senate congress assembly government administration church
    hospital center centre airlines airline motors energy technologies systems holdings partners network
    news times post journal press tass reuters nations nato fbi cia un eu tribunal cabinet kremlin duma
    """.split()
)
_PERSON_CUES = frozenset(
    """
    mr mrs ms dr president minister premier chancellor senator sen rep gov governor mayor judge justice
    king queen prince princess pope sheikh general gen col colonel lt sgt officer chief ceo chairman
    spokesman spokeswoman spokesperson actor actress singer rapper star coach player striker director
    secretary ambassador leader head counterpart prosecutor attorney lawyer detective captain
    """.split()
)
# A lower-case word in running prose: after a word and a space (URLs and slugs such as "/la-me-lohan-rehab"
# or their tokenized form "- lohan -" are no evidence that a capitalized word is a common one).
_LOWER_WORD = re.compile(r"(?<=[a-z,] )[a-z][a-z]+(?![\w'’\-])")
_ANY_LOWER_WORD = re.compile(r"(?<![\w'’\-])[a-z][a-z]+(?![\w'’\-])")
_ROLE_WORDS = _PERSON_CUES | {"foreign", "prime", "vice", "deputy", "first", "former", "acting", "head", "state"}
_DROP = frozenset(
    """
    the a an in on at for to from by with and but or as if after before when while this that these those it
    its he she they we i you his her their our my your there here what who how why where all some no not
    according also however meanwhile yet still more most many one two three photo video read watch related
    advertisement copyright all rights reserved updated posted published source image yes indeed well
    thanks thank please said says say so then now also however although though because since until about
    into over under after during without within between through is are was were be been has have had do
    does did will would can could should may might must shall not
    """.split()
)
_CALENDAR = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec today
    yesterday tomorrow tonight gmt bst utc est edt cst cdt mst mdt pst pdt cet cest aest aedt nzst nzdt am pm
    """.split()
)
_FUNCTION_WORDS = _DROP | _CONNECTORS | _CALENDAR
# Weekday abbreviations are calendar words next to a date or time ("Sun, 15 Sep 2013", "14:25 Sun Sep 15"),
# and may be names elsewhere ("The Sun", "Sun Microsystems").
_DAY_ABBREVIATIONS = frozenset("mon tue tues wed thu thur thurs fri sat sun".split())
_DATE_AFTER = re.compile(r"[ \t,.]*\d")
_DATE_BEFORE = re.compile(r"\d[ \t:.,]*(?:[AaPp]\.?[Mm]\.?)?[ \t,]*$")
# Page furniture: a capitalized run right before one of these capitalized ("Last Updated: 12:42") is no name;
# before a lower-case "updated" ("Last updated at 12:42") ``_RUN`` does not match it.
_FURNITURE = frozenset({"updated", "published", "posted", "modified"})
_NOT_NAMES = _DROP | _CALENDAR | _DAY_ABBREVIATIONS
# Geographic head words: alone they name nothing ("Mt." cut off by a sentence split, "the Park").
_GEO_HEADS = frozenset(
    """
    mount mt lake cape fort port isle river glacier park island islands bay valley village saddle peak range
    mountains mountain sea ocean gulf strait straits coast desert forest canyon falls creek beach harbour harbor
    county province district region avenue road square bridge airport station stadium highway canal dam
    volcano reef peninsula plateau pass gorge heights springs hut
    """.split()
)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Place names: lower-cased name → canonical place (a country or the city itself)."""

    places: dict[str, str]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer (``events/gazetteer.json``)."""
    raw = json.loads(resources.files("newsfold.events").joinpath("gazetteer.json").read_text("utf-8"))
    places: dict[str, str] = {}
    for name in raw["countries"] + raw["us_states"] + raw["cities"]:
        places[name.lower()] = name
    for alias, country in {**raw["country_aliases"], **raw["demonyms"]}.items():
        places[alias.lower()] = country
    return Gazetteer(places=places)


_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_DIGIT = re.compile(r"\d")


def _normalize_token(token: str) -> str:
    if token[-1:] in ".’'" and not _INITIALS.fullmatch(token):
        token = token.rstrip(".’'")
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    if len(token) > 5 and token.isupper():
        return token.capitalize()
    return token


def _is_capitalized(token: str) -> bool:
    return token[:1].isupper()


@dataclass(frozen=True, slots=True)
class Mention:
    """One name found in the text: its key, type, the words as written and the sentence index."""

    key: str
    type: EntityType
    text: str
    sentence: int


_CAPITALIZED = r"(?:[A-ZÀ-ÖØ-Þ][\wÀ-ÿĀ-ſ'’.\-]*+)"  # possessive: a word is never cut short
_RUN = re.compile(
    rf"{_CAPITALIZED}(?:[ \t]+(?:(?:of|de|al|bin|van|von|der|la|del|da|du|el|&)[ \t]+)?{_CAPITALIZED})*"
    r"(?![ \t]+(?:updated|modified)\b)"  # "Last updated at 12:42": page furniture
)
_WORD_BEFORE = re.compile(r"([\w’']+)\.?[ \t]*$")
_PROSE_END = frozenset(".\"”'’")
_OPENING_CHARS = " \t\n\"'“‘(["
_QUOTE_OR_COLON = frozenset("\"“‘(:[")


def _word_before(tail: str) -> str | None:
    """The word that ends ``tail`` (lower case), before an optional full stop and spaces or tabs: what
    ``_WORD_BEFORE`` finds, scanned from the end instead of tried at every position."""
    if tail.endswith("\n"):  # ``$`` also matches before a final line break
        tail = tail[:-1]
    end = len(tail.rstrip(" \t"))
    if end and tail[end - 1] == ".":
        end -= 1
    start = end
    while start and (tail[start - 1].isalnum() or tail[start - 1] in "_’'"):
        start -= 1
    return tail[start:end].lower() if start < end else None


def _runs(sentence: str) -> list[tuple[list[str], str | None, bool]]:
    """Capitalized runs of one sentence: (tokens, the word before, starts the sentence).

    Names never cross punctuation: a run is capitalized words separated by spaces only, with a
    connector (``of``, ``de``, ``&`` …) allowed between two of them. Function and calendar words split
    a run ("On Friday Lukashenko" → "Lukashenko").
    """
    out: list[tuple[list[str], str | None, bool]] = []
    for match in _RUN.finditer(sentence):
        start = match.start()
        tail = sentence[max(0, start - 40) : start]  # a bounded look-back keeps this linear
        cue = _word_before(tail)
        # The last character before the run that is not an opening one (a bounded look-back first, so that
        # each run costs O(1) and not the length of the sentence before it).
        rest = tail.rstrip(_OPENING_CHARS) or sentence[:start].rstrip(_OPENING_CHARS)
        initial = not rest or rest[-1] in _QUOTE_OR_COLON
        current: list[str] = []
        raws = match.group().split()
        for position, raw in enumerate(raws):
            token = _normalize_token(raw)
            lowered = token.lower()
            if (
                token
                and token[:1].isupper()
                and (
                    lowered not in _NOT_NAMES
                    or (lowered in _DAY_ABBREVIATIONS and not _dated(sentence, match, raws, position))
                )
                and _DIGIT.search(token) is None
            ):
                current.append(token)
                continue
            if lowered in _CONNECTORS and current:
                current.append(token)
                continue
            if lowered in _FURNITURE:
                current = []
            while current and current[-1].lower() in _CONNECTORS:
                current.pop()
            if current:
                out.append((current, cue, initial))
            current, cue, initial = [], lowered, False
        while current and current[-1].lower() in _CONNECTORS:
            current.pop()
        if current:
            out.append((current, cue, initial))
    return out


def _dated(sentence: str, match: re.Match[str], raws: list[str], index: int) -> bool:
    """Whether the weekday abbreviation ``raws[index]`` of ``match`` stands next to a date or time."""
    if index + 1 < len(raws):
        following = raws[index + 1].rstrip(".,").lower()
        if following in _CALENDAR or _DIGIT.search(following):
            return True
    elif _DATE_AFTER.match(sentence, match.end()):
        return True
    return index == 0 and _DATE_BEFORE.search(sentence, max(0, match.start() - 12), match.start()) is not None


def _title_case(runs: list[tuple[list[str], str | None, bool]], lower: list[str]) -> bool:
    """Whether a sentence with these runs and lower-case words is a title-case line: at least three
    capitalized words and at most one lower-case content word per five of them."""
    capitalized = sum(w.lower() not in _CONNECTORS for run, _, _ in runs for w in run)
    if capitalized < 3:
        return False
    allowed = capitalized // 5
    for word in lower:
        if word not in _FUNCTION_WORDS:
            allowed -= 1
            if allowed < 0:
                return False
    return True


def _confirmed(run: list[str], body_capitalized: set[str], gazetteer: dict[str, str]) -> list[str]:
    """A run of a title-case line trimmed at both ends to the words the rest of the text also
    capitalizes (acronyms, gazetteer names and, at the start, role words count as confirmed)."""

    def confirmed(token: str) -> bool:
        return token in body_capitalized or token.isupper() or token.lower() in gazetteer

    end = len(run)
    while end and not confirmed(run[end - 1]):
        end -= 1
    begin = 0
    while begin < end and not confirmed(run[begin]) and run[begin].lower().rstrip(".") not in _ROLE_WORDS:
        begin += 1
    trimmed = run[begin:end]
    while trimmed and trimmed[0].lower() in _CONNECTORS:
        trimmed = trimmed[1:]
    return trimmed


def extract_mentions(text: str) -> list[Mention]:
    """Every name mention in ``text``, typed and keyed (see the module docstring for the rules)."""
    gazetteer = load_gazetteer().places
    found: list[tuple[list[str], bool, bool, int]] = []
    inner_capitalized: set[str] = set()
    extra_places: list[tuple[str, str, int]] = []
    # First pass: the runs of each sentence, and which sentences are title-case lines (a headline
    # capitalizing most of its words: at most one lower-case content word per five capitalized ones).
    parsed: list[tuple[int, list[tuple[list[str], str | None, bool]], bool]] = []
    titles = 0
    for sentence_index, sentence in enumerate(sentences(text)):
        runs = _runs(sentence)
        capitalized = sum(len(run) for run, _, _ in runs)
        title = (
            capitalized >= 3
            and sentence[-1] not in _PROSE_END  # a headline has no full stop; a list of names has one
            and sentence.count(" ") < 3 * capitalized  # cheap bound before counting the words
            and _title_case(runs, _ANY_LOWER_WORD.findall(sentence))
        )
        titles += title
        parsed.append((sentence_index, runs, title))
    lowercase_words = {w.capitalize() for w in set(_LOWER_WORD.findall(text))}
    # A headline alone, or with a one-line lead, is taken as it is.
    check_titles = titles > 0 and len(parsed) - titles >= 2
    body_capitalized: set[str] = set()
    if check_titles:
        for _, runs, title in parsed:
            if not title:
                for run, _, _ in runs:
                    body_capitalized.update(run)
    for sentence_index, runs, title in parsed:
        for run, cue, initial in runs:
            if title and check_titles:
                # Title case capitalizes common words ("British Climber Killed In Fall"): keep what the
                # body also capitalizes.
                run = _confirmed(run, body_capitalized, gazetteer)
                if not run:
                    continue
            person_cue = cue in _PERSON_CUES
            # Role words and nationality adjectives before a name ("Russian Foreign Minister Sergey
            # Lavrov") are cues, not part of the name; a leading nationality is kept as a place.
            while (
                len(run) > 1
                and " ".join(run).lower() not in gazetteer
                and (
                    run[0].lower().rstrip(".") in _ROLE_WORDS
                    or run[0].lower() in gazetteer
                    or run[0].lower() in _CONNECTORS
                )
            ):
                head = run[0].lower()
                if head in gazetteer:
                    extra_places.append((gazetteer[head].lower(), run[0], sentence_index))
                elif head not in _CONNECTORS:
                    person_cue = True
                run = run[1:]
                initial = False
            # Title-case headlines capitalize common words ("Lavrov's Meeting"): trim words that the
            # text also uses in lower case, unless they name an organization.
            while len(run) > 1 and run[-1] in lowercase_words and run[-1].lower() not in _ORG_WORDS:
                run = run[:-1]
            while len(run) > 1 and run[0] in lowercase_words and run[0].lower() not in _ORG_WORDS:
                run = run[1:]
            if not run:
                continue
            if not initial:
                inner_capitalized.update(run)
            found.append((run, person_cue, initial, sentence_index))

    surnames: set[str] = set()
    typed: list[tuple[str, EntityType, str, int, bool]] = []
    for run, person_cue, initial, sentence_index in found:
        name = " ".join(run)
        lowered = name.lower()
        words = [w.lower().rstrip(".") for w in run]
        if (
            initial
            and len(run) == 1
            and run[0] not in inner_capitalized
            and lowered not in gazetteer
            and not run[0].isupper()
        ):
            continue  # capitalized only because it starts the sentence ("Yes", "Indeed")
        if words[:2] == ["republic", "of"] and " ".join(words[2:]) in gazetteer:
            lowered = " ".join(words[2:])
        if lowered in gazetteer:
            typed.append((gazetteer[lowered].lower(), "place", name, sentence_index, False))
        elif any(w in _ORG_WORDS for w in words) or (len(run) == 1 and run[0].isupper() and run[0].isalpha() and len(run[0]) >= 2):
            typed.append((lowered.replace(".", ""), "org", name, sentence_index, False))
        elif len(run) == 1 and not person_cue and words[0] in _GEO_HEADS:
            continue  # a geographic head word alone ("Mt." cut off by the sentence split, "Park") names nothing
        elif person_cue or (2 <= len(run) <= 4 and not any(w in _CONNECTORS for w in words)):
            surname = words[-1]
            surnames.add(surname)
            typed.append((surname, "person", name, sentence_index, False))
        else:
            # A single word the text also writes in lower case ("Climber" beside "a British climber")
            # is a name only if it is the surname of a person named in full.
            weak = len(run) == 1 and run[0] in lowercase_words and not run[0].isupper()
            typed.append((lowered, "other", name, sentence_index, weak))
    mentions = [Mention(key=key, type="place", text=name, sentence=i) for key, name, i in extra_places]
    for key, kind, name, sentence_index, weak in typed:
        if kind == "other":
            if key in surnames:
                kind = "person"
            elif weak:
                continue
        mentions.append(Mention(key=key, type=kind, text=name, sentence=sentence_index))
    mentions.sort(key=lambda m: m.sentence)
    return mentions


def salient_entities(
    mentions: list[Mention], lead_sentences: int = 3, min_count: int = 2
) -> dict[EntityType, frozenset[str]]:
    """Keys per type of the names that matter to an article: in its first ``lead_sentences`` sentences
    (the headline and lead) or mentioned at least ``min_count`` times."""
    counts = Counter((m.type, m.key) for m in mentions)
    early = {(m.type, m.key) for m in mentions if m.sentence < lead_sentences}
    out: dict[EntityType, set[str]] = {t: set() for t in ENTITY_TYPES}
    for (kind, key), count in counts.items():
        if count >= min_count or (kind, key) in early:
            out[kind].add(key)
    return {t: frozenset(keys) for t, keys in out.items()}
