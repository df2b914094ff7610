"""newsfold: fold a pile of news articles into what actually happened.

The Python API has the CLI's verbs::

    import newsfold

    for article in newsfold.read(["articles/"]):
        ...                                   # Article or Skipped records, streamed

    report = newsfold.fold(["articles/"], db="newsfold.db")   # read, store, run all stages
    with newsfold.Store("newsfold.db") as store:
        for row in store.iter_assignments():
            print(row)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from newsfold.errors import NewsfoldError, ReadError, StoreError, UsageError
from newsfold.model import Article, CopyGroup, CopyPair, Dateline, Passage, Skipped
from newsfold.pipeline import STAGE_ORDER, FoldReport
from newsfold.store import Store

__version__ = "0.1.0"

__all__ = [
    "Article",
    "CopyGroup",
    "CopyPair",
    "Dateline",
    "FoldReport",
    "NewsfoldError",
    "Passage",
    "ReadError",
    "Skipped",
    "Store",
    "StoreError",
    "UsageError",
    "fold",
    "read",
]


def read(inputs: Sequence[str | Path] | str | Path, **read_options: object) -> Iterator[Article | Skipped]:
    """Stream normalized articles (and skipped records) from files, folders and globs.

    Keyword arguments are :class:`newsfold.readers.ReadOptions` fields (``text_field="body"``, ...).
    """
    from newsfold.pipeline import read_articles
    from newsfold.readers import ReadOptions

    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    return read_articles(paths, ReadOptions(**read_options))  # type: ignore[arg-type]


def fold(
    inputs: Sequence[str | Path] | str | Path,
    db: str | Path | Store = "newsfold.db",
    *,
    stages: Sequence[str] = STAGE_ORDER,
    on_skipped: Callable[[Skipped], None] | None = None,
    embeddings: str | None = None,
    **read_options: object,
) -> FoldReport:
    """Read ``inputs`` into the store ``db`` (a path or an open :class:`Store`) and run ``stages``.

    ``embeddings``: ``"minilm"`` or ``"e5"`` to group events with dense sentence embeddings (needs the
    ``semantic`` extra); a store keeps the embeddings it was first grouped with (see ``docs/events.md``).
    """
    from newsfold.pipeline import fold as run_fold
    from newsfold.readers import ReadOptions

    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    options = ReadOptions(**read_options)  # type: ignore[arg-type]
    embedder = None
    if embeddings is not None:
        from newsfold.events.embeddings import load_embedder

        embedder = load_embedder(embeddings)
    if isinstance(db, Store):
        return run_fold(paths, db, stages=stages, read_options=options, on_skipped=on_skipped, embedder=embedder)
    with Store(db) as store:
        return run_fold(paths, store, stages=stages, read_options=options, on_skipped=on_skipped, embedder=embedder)
