"""Normalization: from what a reader found to a clean :class:`~newsfold.model.Article`.

Public API::

    build_article(raw: RawDocument, options: NormalizeOptions = ...) -> Article | Skipped
    normalize_text(text: str) -> str
    content_hash(normalized_text: str) -> str
    NormalizeOptions(as_of=None, lead_paragraphs=3, ...)
    collection_as_of(raws: Iterable[RawDocument], options: NormalizeOptions = ...) -> date | None
    redate(article: Article, as_of: date) -> Article

Text cleanup and furniture removal live in :mod:`~newsfold.normalize.text` and
:mod:`~newsfold.normalize.furniture`, headline detection in :mod:`~newsfold.normalize.titles`, datelines
in :mod:`~newsfold.normalize.datelines`, date parsing and resolution in :mod:`~newsfold.normalize.dates`.

Example::

    >>> from newsfold.model import RawDocument
    >>> from newsfold.normalize import build_article
    >>> raw = RawDocument(location="a.txt", text="Talks end\\n\\nMINSK, June 19. /TASS/. Talks ended.",
    ...                   published="2020-06-19")
    >>> article = build_article(raw)
    >>> article.title, article.dateline.place, article.dateline.agency, article.dateline.date
    ('Talks end', 'MINSK', 'TASS', datetime.date(2020, 6, 19))
"""

from __future__ import annotations

from newsfold.normalize.article import build_article, collection_as_of, redate
from newsfold.normalize.options import NormalizeOptions
from newsfold.normalize.text import content_hash, normalize_text

__all__ = ["NormalizeOptions", "build_article", "collection_as_of", "content_hash", "normalize_text", "redate"]
