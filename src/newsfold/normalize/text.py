"""Text cleanup and the content hash.

:func:`normalize_text` is what every later stage sees: shingling and passage offsets in ``copies/`` are
computed on its output, so it must be deterministic and idempotent (normalizing twice changes nothing;
a hypothesis test checks this).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from newsfold.normalize.furniture import is_furniture

# Characters that carry no text: zero-width space, word joiner, BOM, soft hyphen, and the C0/C1 controls
# other than tab and newline (tab becomes a space below). ZWJ/ZWNJ are kept: they change spelling in
# Persian, Hindi and emoji sequences.
_INVISIBLE_RE = re.compile("[\u200b\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Every line break form: CRLF, CR, vertical tab, form feed, NEL, and the Unicode line/paragraph separators.
_LINE_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def normalize_text(text: str) -> str:
    """Clean ``text`` for storage and comparison.

    Contract: NFKC normalization; every line-break form becomes ``\\n``; invisible characters (zero-width
    space, BOM, soft hyphen, control characters) are dropped; runs of spaces and tabs inside a line become
    one space and lines are stripped; page-furniture lines (:mod:`newsfold.normalize.furniture`) are
    removed; paragraphs (runs of non-blank lines) are separated by exactly ``"\\n\\n"`` and lines within a
    paragraph by ``"\\n"``; no leading or trailing whitespace. Letter case is kept. Idempotent:
    ``normalize_text(normalize_text(t)) == normalize_text(t)``.
    """
    # Invisible characters go before NFKC so that a combining mark they separated from its base
    # composes now rather than on a second pass (which would break idempotence).
    text = _INVISIBLE_RE.sub("", _LINE_BREAK_RE.sub("\n", text))
    text = unicodedata.normalize("NFKC", text)
    paragraphs: list[str] = []
    current: list[str] = []
    for raw_line in text.split("\n"):
        # str.split() collapses every Unicode whitespace run and strips, in C: ~5x a regex sub per line.
        line = " ".join(raw_line.split())
        if not line:
            if current:
                paragraphs.append("\n".join(current))
                current = []
            continue
        if is_furniture(line):
            continue
        current.append(line)
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def normalize_inline(text: str) -> str:
    """Clean a one-line field such as a title: the same character cleanup as :func:`normalize_text`,
    every whitespace run (line breaks included) becomes one space, no furniture removal."""
    text = _INVISIBLE_RE.sub("", _LINE_BREAK_RE.sub("\n", text))
    return " ".join(unicodedata.normalize("NFKC", text).split())


def content_hash(normalized_text: str) -> str:
    """A stable 16-hex-digit digest of ``normalized_text`` (BLAKE2b, 8-byte digest).

    The text is casefolded and every whitespace run (spaces, line and paragraph breaks) becomes one space
    before hashing, so texts that differ only in spacing, line breaking or letter case hash alike.
    Stable across runs, machines and Python versions (no ``hash()`` salt).
    """
    canonical = " ".join(normalized_text.casefold().split())
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=8).hexdigest()
