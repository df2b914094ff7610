"""Plain text files (``.txt``, ``.txt.gz``): the whole file is one document's text.

Titles, datelines and furniture are left in the text for :mod:`newsfold.normalize` to find.
"""

from __future__ import annotations

from collections.abc import Iterator

from newsfold.model import RawDocument, Skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers._stream import ReadProblem, decode_document, open_bytes, read_document
from newsfold.readers.options import ReadOptions


def read_text(source: SourceFile, options: ReadOptions) -> Iterator[RawDocument | Skipped]:
    """Yield the file as one :class:`RawDocument` (``derived_id`` is ``source.name``), text as is.

    Raises :class:`~newsfold.readers._stream.ReadProblem` (``too_large``, ``binary``, ``encoding``,
    ``empty``, ``truncated``) for a file that is not one readable document.
    """
    with open_bytes(source.path) as stream:
        data = read_document(stream, options.max_document_bytes)
    if not data:
        raise ReadProblem("empty", "file is empty")
    text = decode_document(data)
    if not text.strip():
        raise ReadProblem("empty", "file holds only whitespace")
    yield RawDocument(location=source.location, text=text, derived_id=source.name)
