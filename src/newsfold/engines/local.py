"""The local engine with the Spark engine's output layout, so the two can be run and compared alike.

:func:`fold_local` is ``newsfold fold`` (read, store, run the stages, in one process over a SQLite
store) followed by ``newsfold export`` of ``pairs`` and ``assignments`` as Parquet, written as
``OUT/pairs/part-00000.parquet`` and ``OUT/assignments/part-00000.parquet``: the layout of
:func:`newsfold.engines.spark.fold_spark`, so a reader of ``OUT/pairs`` gets the same table from either.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from newsfold.export import write as write_export
from newsfold.pipeline import FoldReport, fold
from newsfold.readers import ReadOptions
from newsfold.store import Store


def fold_local(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    db: str | Path | None = None,
    stages: Sequence[str] = ("copies",),
    read_options: ReadOptions | None = None,
    batch_size: int = 500,
) -> FoldReport:
    """Fold ``inputs`` with the local engine into the store ``db`` (a temporary one, removed after, when
    ``None``) and export ``pairs`` and ``assignments`` as Parquet under ``out_dir`` (replaced if it
    exists). Returns the fold's report."""
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    (out / "pairs").mkdir(parents=True)
    (out / "assignments").mkdir()
    scratch = None if db is not None else tempfile.TemporaryDirectory(prefix="newsfold-local-")
    try:
        path = Path(db) if db is not None else Path(scratch.name) / "fold.db"  # type: ignore[union-attr]
        with Store(path) as store:
            report = fold(list(inputs), store, stages=stages, read_options=read_options, batch_size=batch_size)
            write_export(store, "pairs", "parquet", out / "pairs" / "part-00000.parquet")
            write_export(store, "assignments", "parquet", out / "assignments" / "part-00000.parquet")
        return report
    finally:
        if scratch is not None:
            scratch.cleanup()
