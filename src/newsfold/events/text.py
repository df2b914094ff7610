"""Tokens, sentences and stop words shared by the event and story features.

Deliberately small and fast (regular expressions only): online assignment must keep up with ingest
(≥ 500 articles/s on two cores), so there is no tagger or parser here.
"""

from __future__ import annotations

import re
from functools import lru_cache

STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
    each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
    herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more
    most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same
    shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them
    themselves then there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
    while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours yourself
    yourselves said says say saying told tell according would will may might must shall one two three also
    just like get got new year years time times week weeks day days today yesterday tomorrow now still even
    many much well back since last first next per cent percent mr mrs ms dr monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec via around another other others people report
    reported reports news news's s t don ll ve re
    """.split()
)

_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’\-](?=[^\W\d_]))*|\d+(?:[.,]\d+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n|\n(?=\s*[A-Z•\-–])")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English suffix stripper: plurals and possessives only (``leaders'`` → ``leader``).

    Stronger stemming (Porter) merges too much for event matching ("meeting" with "meet").
    """
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    elif word.endswith(("'", "’")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words and numbers of ``text``, stop words removed, in order."""
    return [t for t in map(_term, _WORD.findall(text.lower())) if t]


@lru_cache(maxsize=200_000)
def _term(word: str) -> str:
    """The term for one lower-cased word, or ``""`` for a stop word or a single character."""
    if len(word) < 2 or word in STOP_WORDS:
        return ""
    word = stem(word)
    return "" if word in STOP_WORDS else word


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` (split after ``.!?`` before a capital, and at line breaks), stripped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
