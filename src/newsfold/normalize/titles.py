"""Headline detection in plain text.

Plain-text articles often start with their headline on a line of its own. A line (or a hard-wrapped
headline of a few lines) looks like a headline when it is short, has no final period (nor colon,
semicolon or comma) and starts with a capital, digit or quote. :func:`is_headline_like` is the shape
test; :mod:`newsfold.normalize.article` applies it to the first line of the text.
"""

from __future__ import annotations

from newsfold.normalize.options import NormalizeOptions

# Quotes and brackets that may close a headline or sentence; looked through to find the final mark.
_CLOSERS = "\"'’”»)]"
_NON_HEADLINE_ENDINGS = ".:;,"
_OPENERS = "\"'‘“«("


def is_headline_like(paragraph: str, options: NormalizeOptions) -> bool:
    """True when ``paragraph`` (normalized) is shaped like a headline or standfirst, not like prose.

    Shape only: at most ``options.max_title_lines`` lines, ``options.max_title_chars`` characters and
    ``options.max_title_words`` words, at least two words with letters, no final ``. : ; ,`` (``?`` and ``!`` are
    fine, ``...`` is not), first character a capital letter, digit or opening quote, and not a byline
    (``"By Jane Doe"``).
    """
    if not paragraph or len(paragraph) > options.max_title_chars:
        return False
    if paragraph.count("\n") >= options.max_title_lines:
        return False
    words = paragraph.split()
    if len(words) > options.max_title_words or sum(any(ch.isalpha() for ch in w) for w in words) < 2:
        return False  # too long, or not two real words ("11 / 09 / 2010" is a date, not a headline)
    first = paragraph[0]
    if not (first.isupper() or first.isdigit() or first in _OPENERS):
        return False
    if words[0] == "By" and len(words) <= 6:
        return False
    stripped = paragraph.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] not in _NON_HEADLINE_ENDINGS


def title_from_paragraph(paragraph: str) -> str:
    """The title as one line: a headline broken over several lines is joined with spaces."""
    return " ".join(paragraph.split())


def same_title(a: str, b: str) -> bool:
    """True when two titles differ at most in letter case and spacing."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
