"""The Spark engine: the copies level of folding on Apache Spark, with the local engine's results.

:func:`fold_spark` reads inputs, finds copy pairs and copy groups, and writes Parquet datasets with the
schemas of the local exports (:mod:`newsfold.export`): ``pairs/`` and ``assignments/`` (plus
``skipped/`` and ``report.json``). On the same inputs and options the results equal the local engine's
(``newsfold fold`` then ``newsfold export``): the same pairs with the same kinds, similarities and
passages, the same groups, canonical members and roles. ``tests/test_spark_engine.py`` checks it.

The algorithms are the copies package's own functions, called on batches inside Spark tasks; Spark only
moves data. The steps, each one materialized (so its time and shuffle volume can be measured):

1. ``read``: the input files are listed on the driver (:mod:`newsfold.readers`'s resolution, so folders,
   globs and hidden files behave as locally) and each file is read by its reader and normalized by
   :func:`~newsfold.normalize.build_article` in a task of its own: any format the readers take works,
   and ids, texts and dates are exactly the local ones. A corpus in one huge file is read by one task;
   shard it (``benchmarks/scale.py`` writes shards).
2. ``dedupe``: an id seen again keeps its first reading (input order), as the store does: the same text
   again is ``unchanged``, another text is skipped as ``id_conflict``.
3. ``sketch``: per distinct text (``content_hash``), shingles, one-permutation MinHash, LSH band keys,
   winnowing anchors and the whole-text span, by ``mapInArrow`` over batches of ``batch_size`` texts.
4. ``candidates``: band keys and anchors exploded and self-joined by key (the LSH shuffle). Two texts are
   candidates when they share a band key, or share at least ``min_shared_anchors`` anchors each held by
   at most ``max_anchor_df`` texts (document frequency over the whole corpus).
5. ``verify``: each candidate pair is joined with both texts and verified on the real shingle sets
   (:func:`~newsfold.copies.containment.exact_similarity`), with shared passages.
6. ``components``: the connected components of the verified pairs between distinct texts (links below
   ``split_below`` left out), by the large-star/small-star algorithm (Kiveris, Lattanzi, Mirrokni,
   Rastogi and Vassilvitskii, "Connected Components in MapReduce and Beyond", SoCC 2014) on DataFrames:
   O(log^2 n) rounds of joins, no graph library.
7. ``groups``: text pairs are expanded to article pairs (exact pairs between articles of one text),
   and each component's members and pairs are given to :func:`~newsfold.copies.build_groups`, which
   picks the canonical member, the roles and the group id as it does locally.
8. ``events`` (when asked for): time windows with overlap, one :func:`~newsfold.events.group_events`
   task per window, stitched by joins and the same components code
   (:mod:`newsfold.engines.event_windows`; an approximation of the local events engine, within the
   tolerance stated in ``docs/scale.md``).
9. ``write``: Parquet outputs.

Requires ``pip install 'pyspark==4.3.0' 'pandas<3'`` and Java 17. In local mode the driver's
interpreter runs the Python workers (``PYSPARK_PYTHON`` is set to it when unset).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import pickle
import shutil
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from newsfold.copies import CopyIndex, CopyOptions, MemberFacts, build_groups, pair_similarity, verify_pairs
from newsfold.copies.passages import DocShingles, whole_text_passage
from newsfold.copies.shingles import tokenize_batch
from newsfold.engines.event_windows import WindowOptions, block_partition, partition_key
from newsfold.engines.topic_blocks import BlockOptions, assign_block, block_vector, fit_centroids
from newsfold.errors import MissingDependency, UsageError
from newsfold.events import ClusterOptions, group_events
from newsfold.events.cluster import event_id_for
from newsfold.events.features import IdfTable
from newsfold.model import Article, CopyPair, PublishedDate, Skipped
from newsfold.normalize import NormalizeOptions, redate
from newsfold.readers import ReadOptions
from newsfold.stories.link import (
    StoryOptions,
    event_profile,
    first_day,
    link_accepted,
    score_link,
    story_keys,
    storyline_id_for,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'newsfold[spark]' (or: pip install 'pyspark==4.3.0' 'pandas<3'; and Java 17)"

STEPS: tuple[str, ...] = (
    "read", "dedupe", "sketch", "candidates", "verify", "components", "groups", "events", "stories", "write",
)
"""The engine's steps in order; :attr:`SparkFoldReport.seconds` and ``stage_metrics`` are keyed by them."""


@dataclass(frozen=True, slots=True)
class SparkOptions:
    """How the Spark engine runs (not what it finds: that is :class:`~newsfold.copies.CopyOptions`).

    ``master``: the Spark master URL (``local[*]``, ``local[2]``, ``spark://host:7077``, ``yarn``); used
    only when :func:`fold_spark` creates the session. ``shuffle_partitions``: partitions of every shuffle
    (``spark.sql.shuffle.partitions``); ``None`` means twice the cores for a local master (Spark's 200
    make a small local run ten times slower) and Spark's own setting for a cluster. ``driver_memory``: ``spark.driver.memory`` for a session created here (in local
    mode the driver is the whole cluster). ``ui``: keep the Spark UI on (its REST API is where the
    per-step shuffle figures of :attr:`SparkFoldReport.stage_metrics` come from). ``config``: any other
    Spark settings for a session created here. ``split_bytes``: uncompressed JSON Lines files
    and Parquet files larger than this are read by several tasks, one per part of about this size (byte
    ranges, runs of row groups: :mod:`newsfold.readers.splits`; ``None``: one task per file, as for every
    other format).
    """

    master: str = "local[*]"
    shuffle_partitions: int | None = None
    driver_memory: str = "4g"
    ui: bool = False
    config: tuple[tuple[str, str], ...] = ()
    split_bytes: int | None = 128 << 20

    def __post_init__(self) -> None:
        if self.shuffle_partitions is not None and self.shuffle_partitions < 1:
            raise UsageError(f"shuffle_partitions must be at least 1, got {self.shuffle_partitions}")
        if self.split_bytes is not None and self.split_bytes < 1:
            raise UsageError(f"split_bytes must be at least 1, got {self.split_bytes}")


@dataclass(slots=True)
class SparkFoldReport:
    """What :func:`fold_spark` did.

    ``read == stored + unchanged + sum(skipped.values())`` as in :class:`~newsfold.pipeline.FoldReport`.
    ``texts`` counts distinct texts, ``candidates`` candidate text pairs, ``verified`` text pairs that
    passed verification, ``pairs`` article pairs written, ``groups`` copy groups and ``grouped`` articles
    in them; ``components_rounds`` the large-star/small-star rounds; ``events`` and ``event_windows`` the
    events and time windows when events were grouped (else 0); ``storylines`` and ``story_links`` when
    storylines were linked (else 0). ``seconds`` is the wall time of each step (:data:`STEPS`); ``stage_metrics`` sums Spark's
    task metrics per step (``shuffle_write_bytes``, ``shuffle_read_bytes``, ``input_bytes``,
    ``executor_run_ms``, ``tasks``) when the UI was on, else it is empty.
    """

    read: int = 0
    stored: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    texts: int = 0
    candidates: int = 0
    verified: int = 0
    pairs: int = 0
    groups: int = 0
    grouped: int = 0
    components_rounds: int = 0
    events: int = 0
    event_windows: int = 0
    storylines: int = 0
    story_links: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    stage_metrics: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result["skipped"] = dict(sorted(self.skipped.items()))
        result["skipped_total"] = self.skipped_total
        return result


# ------------------------------------------------------------------------------------------ session


def require_pyspark() -> None:
    """Raise :class:`~newsfold.errors.MissingDependency` (with the pip line) when PySpark or Java is
    missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise MissingDependency(f"the Spark engine needs PySpark: {INSTALL_HINT}") from error
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise MissingDependency("the Spark engine needs Java 17 (java on PATH or JAVA_HOME set)")


def local_cores(master: str) -> int:
    """The worker threads of a ``local``, ``local[N]`` or ``local[*]`` master."""
    inside = master[len("local[") : -1] if master.startswith("local[") else "1"
    count = inside.split(",")[0]
    return os.cpu_count() or 1 if count == "*" else max(1, int(count))


def make_session(options: SparkOptions | None = None, app_name: str = "newsfold") -> SparkSession:
    """A SparkSession for the engine: workers run this interpreter, Arrow is on, logs are quiet.

    ``PYSPARK_PYTHON`` is set to ``sys.executable`` and ``SPARK_LOCAL_IP`` to ``127.0.0.1`` for local
    masters when they are not set (without the first, workers start the system Python and fail to
    import pyarrow).
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    options = options if options is not None else SparkOptions()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if options.master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(options.master)
        .appName(app_name)
        .config("spark.driver.memory", options.driver_memory)
        .config("spark.ui.enabled", "true" if options.ui else "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.adaptive.enabled", "true")
        # The plans of later steps hold the earlier ones: their text (for the UI and logs) must not fill
        # the driver's heap.
        .config("spark.sql.maxPlanStringLength", "200000")
    )
    partitions = options.shuffle_partitions
    if partitions is None and options.master.startswith("local"):
        partitions = 2 * local_cores(options.master)
    if partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    for key, value in options.config:
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


# ------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class _Unit:
    """One input file, or one part of a large file (``start >= 0``: a byte range of JSON Lines or a run
    of Parquet row groups; see :mod:`newsfold.readers.splits`), to read in one task; ``number`` orders units as the local engine
    reads them."""

    number: int
    path: str
    name: str
    start: int = -1
    stop: int = -1
    first_line: int = 1
    row_groups: bool = False


_RECORD_FIELDS = (
    "pos", "id", "content_hash", "node", "text", "title", "published", "year_inferred", "text_len", "source",
    "skip_kind", "skip_reason", "pub_day", "pub_key", "article",
)


def publication_fields(article: Article) -> tuple[int | None, str]:
    """``(day, key)``: the ordinal of the article's :func:`~newsfold.engines.event_windows.publication_day`
    (``None`` when undated) and :func:`~newsfold.events.publication_key` as one string that sorts the same
    way (fields joined by ``\\x1f``)."""
    from newsfold.engines.event_windows import publication_day
    from newsfold.events import publication_key

    day = publication_day(article)
    dated, stamp, article_id = publication_key(article)
    return (None if day is None else day.toordinal()), f"{dated}\x1f{stamp}\x1f{article_id}"


def _node_of(content_hash: str) -> int:
    """A text's node id in the Spark graph: its 64-bit content hash as a signed long."""
    value = int(content_hash, 16) & 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def encode_published(value: PublishedDate | None) -> str | None:
    """A publication date as text that :func:`decode_published` turns back into the same value (a date
    stays a date, a naive datetime naive, an aware one aware with its offset)."""
    if value is None:
        return None
    return value.isoformat()


def decode_published(text: str | None) -> PublishedDate | None:
    """The inverse of :func:`encode_published`."""
    if text is None:
        return None
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text)


def _read_units(
    batches: Iterator[pa.RecordBatch],
    read_options: ReadOptions,
    normalize_options: NormalizeOptions,
    keep_articles: bool,
) -> Iterator[pa.RecordBatch]:
    """mapInArrow body of the ``read`` step: every unit's records, read and normalized as locally (with
    the whole article pickled in ``article`` when ``keep_articles``, for the events step)."""
    import pyarrow as pa

    from newsfold.normalize import build_article
    from newsfold.readers import SourceFile, SourceSplit, read_source, read_split

    schema = _read_schema_arrow()
    for batch in batches:
        columns = [
            batch.column(c).to_pylist() for c in ("number", "path", "name", "start", "stop", "first_line", "row_groups")
        ]
        for number, path, name, start, stop, first_line, row_groups in zip(*columns, strict=True):
            rows: dict[str, list[Any]] = {key: [] for key in _RECORD_FIELDS}
            source = SourceFile(Path(path), name)
            items = (
                read_split(SourceSplit(source, start, stop, first_line, row_groups), read_options)
                if start >= 0
                else read_source(source, read_options)
            )
            for seq, item in enumerate(items):
                built = item if isinstance(item, Skipped) else build_article(item, normalize_options)
                rows["pos"].append((number << 32) | seq)
                if isinstance(built, Skipped):
                    for key in (
                        "id", "content_hash", "node", "text", "title", "published", "year_inferred", "text_len",
                        "pub_day", "pub_key", "article",
                    ):
                        rows[key].append(None)
                    rows["source"].append(built.location)
                    rows["skip_kind"].append(built.kind)
                    rows["skip_reason"].append(built.reason)
                    continue
                rows["id"].append(built.id)
                rows["content_hash"].append(built.content_hash)
                rows["node"].append(_node_of(built.content_hash))
                rows["text"].append(built.text)
                rows["title"].append(built.title)
                rows["published"].append(encode_published(built.published))
                rows["year_inferred"].append(built.year_inferred)
                rows["text_len"].append(len(built.text))
                rows["source"].append(built.source)
                rows["skip_kind"].append(None)
                rows["skip_reason"].append(None)
                day, key = publication_fields(built)
                rows["pub_day"].append(day)
                rows["pub_key"].append(key)
                rows["article"].append(pickle.dumps(built, protocol=5) if keep_articles else None)
                if len(rows["pos"]) >= 1024:
                    yield pa.RecordBatch.from_pydict(rows, schema=schema)
                    rows = {key: [] for key in _RECORD_FIELDS}
            if rows["pos"]:
                yield pa.RecordBatch.from_pydict(rows, schema=schema)


def _read_schema_arrow() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("pos", pa.int64()), ("id", pa.string()), ("content_hash", pa.string()), ("node", pa.int64()),
            ("text", pa.string()), ("title", pa.string()), ("published", pa.string()),
            ("year_inferred", pa.bool_()), ("text_len", pa.int64()),
            ("source", pa.string()), ("skip_kind", pa.string()), ("skip_reason", pa.string()),
            ("pub_day", pa.int64()), ("pub_key", pa.string()), ("article", pa.binary()),
        ]
    )


_READ_SCHEMA_DDL = (
    "pos long, id string, content_hash string, node long, text string, title string, published string, "
    "year_inferred boolean, text_len long, source string, skip_kind string, skip_reason string, "
    "pub_day long, pub_key string, article binary"
)


_REDATE_SCHEMA_DDL = "pos long, published string, pub_day long, pub_key string, article binary"


def _redate_batches(
    batches: Iterator[pa.RecordBatch], as_of: dt.date, keep_articles: bool
) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: ``(pos, id, text, title, source, published)`` in; ``(pos, published, pub_day,
    pub_key, article)`` out, resolved again by :func:`redate`."""
    import pyarrow as pa

    for batch in batches:
        columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        out: dict[str, list[Any]] = {"pos": columns["pos"], "published": [], "pub_day": [], "pub_key": [], "article": []}
        for index in range(len(columns["pos"])):
            blob = columns["article"][index]
            original = (
                pickle.loads(blob)
                if blob is not None
                else Article(
                    id=columns["id"][index],
                    content_hash="",
                    text=columns["text"][index],
                    title=columns["title"][index],
                    published=decode_published(columns["published"][index]),
                    source=columns["source"][index],
                )
            )
            again = redate(original, as_of)
            day, key = publication_fields(again)
            out["published"].append(encode_published(again.published))
            out["pub_day"].append(day)
            out["pub_key"].append(key)
            out["article"].append(pickle.dumps(again, protocol=5) if keep_articles else None)
        yield pa.RecordBatch.from_pydict(
            out,
            schema=pa.schema(
                [("pos", pa.int64()), ("published", pa.string()), ("pub_day", pa.int64()),
                 ("pub_key", pa.string()), ("article", pa.binary())]
            ),
        )


def _plan_units(inputs: Sequence[str | Path], split_bytes: int | None) -> tuple[list[_Unit], list[Skipped]]:
    """The files (and ranges of JSON Lines files over ``split_bytes``) to read, in the local engine's
    order, and what could not be listed."""
    from newsfold.readers import iter_source_files, resolve_inputs, split_source

    units: list[_Unit] = []
    problems: list[Skipped] = []
    for item in iter_source_files(resolve_inputs(list(inputs))):
        if isinstance(item, Skipped):
            problems.append(item)
            continue
        splits = split_source(item, split_bytes) if split_bytes is not None else None
        if splits is None:
            units.append(_Unit(len(units) + len(problems), str(item.path), item.name))
            continue
        for split in splits:
            units.append(
                _Unit(
                    len(units) + len(problems), str(item.path), item.name, split.start, split.stop, split.first_line,
                    split.row_groups,
                )
            )
    return units, problems


# ------------------------------------------------------------------------------------------ sketching


_SKETCH_SCHEMA_DDL = "node long, has_shingles boolean, band_keys array<int>, anchors array<int>"


def _text_articles(items: Sequence[tuple[str, str]]) -> list[Article]:
    """Distinct texts ``(content_hash, text)`` as articles whose id is their content hash, so that a
    :class:`~newsfold.copies.CopyIndex` over them reports text pairs oriented by content hash."""
    return [Article(id=content_hash, content_hash=content_hash, text=text) for content_hash, text in items]


def sketch_texts(items: Sequence[tuple[str, str]], options: CopyOptions) -> list[tuple[list[int], list[int]]]:
    """Per distinct text ``(content_hash, text)``: the band keys and anchors (as signed int32) that
    :class:`~newsfold.copies.CopyIndex` indexes it under, from its :class:`~newsfold.copies.IndexEntry`
    (both empty for a text without a shingle, which is nobody's copy)."""
    entries = {
        entry.article_id: entry
        for entry in CopyIndex(options).fold(_text_articles(items), passages=False).entries
    }
    result: list[tuple[list[int], list[int]]] = []
    for content_hash, _ in items:
        entry = entries[content_hash]
        result.append(
            (
                np.frombuffer(entry.band_keys, dtype="<i4").tolist(),
                np.frombuffer(entry.anchor_keys, dtype="<i4").tolist(),
            )
        )
    return result


def _sketch_batches(batches: Iterator[pa.RecordBatch], options: CopyOptions) -> Iterator[pa.RecordBatch]:
    """mapInArrow body of the ``sketch`` step: ``(node, content_hash, text)`` in, sketches out."""
    import pyarrow as pa

    for batch in batches:
        nodes = batch.column("node").to_pylist()
        items = list(zip(batch.column("content_hash").to_pylist(), batch.column("text").to_pylist(), strict=True))
        for start in range(0, len(items), options.batch_size):
            sketches = sketch_texts(items[start : start + options.batch_size], options)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(nodes[start : start + options.batch_size], pa.int64()),
                    pa.array([bool(bands) for bands, _ in sketches], pa.bool_()),
                    pa.array([bands for bands, _ in sketches], pa.list_(pa.int32())),
                    pa.array([anchors for _, anchors in sketches], pa.list_(pa.int32())),
                ],
                names=["node", "has_shingles", "band_keys", "anchors"],
            )


def whole_text_spans(texts: Sequence[str], options: CopyOptions) -> list[tuple[int, int]]:
    """Per text, its :func:`~newsfold.copies.passages.whole_text_passage` (the passage of two exact
    copies) as ``(start, end)``; ``(0, 0)`` for a text without a word."""
    tokens = tokenize_batch(list(texts), options.seed)
    spans: list[tuple[int, int]] = []
    empty_hashes = np.zeros(0, dtype=np.uint64)
    empty_words = np.zeros(0, dtype=np.int64)
    for row in range(len(texts)):
        lo, hi = int(tokens.doc_offsets[row]), int(tokens.doc_offsets[row + 1])
        found = whole_text_passage(
            DocShingles(tokens.starts[lo:hi], tokens.ends[lo:hi], empty_hashes, empty_words)
        )
        spans.append((found[0].a_start, found[0].a_end) if found else (0, 0))
    return spans


def _span_batches(batches: Iterator[pa.RecordBatch], options: CopyOptions) -> Iterator[pa.RecordBatch]:
    """mapInArrow body: ``(node, text)`` in, ``(node, span_start, span_end)`` out."""
    import pyarrow as pa

    for batch in batches:
        nodes = batch.column("node").to_pylist()
        texts = batch.column("text").to_pylist()
        for start in range(0, len(texts), options.batch_size):
            spans = whole_text_spans(texts[start : start + options.batch_size], options)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(nodes[start : start + options.batch_size], pa.int64()),
                    pa.array([s for s, _ in spans], pa.int64()),
                    pa.array([e for _, e in spans], pa.int64()),
                ],
                names=["node", "span_start", "span_end"],
            )


# ------------------------------------------------------------------------------------------ verifying


_VERIFIED_SCHEMA_DDL = (
    "node_a long, node_b long, kind string, jaccard double, a_in_b double, b_in_a double, "
    "similarity double, passages array<array<long>>"
)

_VERIFY_PAIRS_PER_CHUNK = 1024


def verify_text_pairs(
    pairs: Sequence[tuple[str, str, str, str]], options: CopyOptions
) -> dict[tuple[str, str], CopyPair]:
    """Verify candidate text pairs ``(hash_a, text_a, hash_b, text_b)`` exactly as the local engine does,
    by :func:`~newsfold.copies.verify_pairs` with the smaller content hash on the left (as
    :class:`~newsfold.copies.CopyIndex` aligns passages). Returned: the pairs that are copies, by
    ``(smaller hash, larger hash)``, each a :class:`CopyPair` of the two hashes (``id_a < id_b``) with
    containments and passages in that orientation.
    """
    position: dict[str, int] = {}
    texts: list[str] = []
    wanted: list[tuple[str, str]] = []
    for hash_a, text_a, hash_b, text_b in pairs:
        for content_hash, text in ((hash_a, text_a), (hash_b, text_b)):
            if content_hash not in position:
                position[content_hash] = len(texts)
                texts.append(text)
        wanted.append((hash_a, hash_b) if hash_a < hash_b else (hash_b, hash_a))
    verdicts = verify_pairs(
        texts, [position[lo] for lo, _ in wanted], [position[hi] for _, hi in wanted], options, passages=True
    )
    found: dict[tuple[str, str], CopyPair] = {}
    for (lo, hi), verdict in zip(wanted, verdicts, strict=True):
        if verdict is not None:
            found[(lo, hi)] = CopyPair(
                lo, hi, verdict.kind, verdict.jaccard, verdict.containment_left_in_right,
                verdict.containment_right_in_left, verdict.passages,
            )
    return found


def _verify_batches(batches: Iterator[pa.RecordBatch], options: CopyOptions) -> Iterator[pa.RecordBatch]:
    """mapInArrow body of the ``verify`` step: rows ``(node_a, hash_a, text_a, node_b, hash_b, text_b)``
    in, verified pairs out, oriented so that ``a`` has the smaller content hash."""
    import pyarrow as pa

    for batch in batches:
        columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        rows = list(
            zip(
                columns["node_a"], columns["hash_a"], columns["text_a"],
                columns["node_b"], columns["hash_b"], columns["text_b"], strict=True,
            )
        )
        for start in range(0, len(rows), _VERIFY_PAIRS_PER_CHUNK):
            chunk = rows[start : start + _VERIFY_PAIRS_PER_CHUNK]
            node_of = {r[1]: r[0] for r in chunk} | {r[4]: r[3] for r in chunk}
            verified = verify_text_pairs([(r[1], r[2], r[4], r[5]) for r in chunk], options)
            if not verified:
                continue
            ordered = sorted(verified.values(), key=lambda p: (p.id_a, p.id_b))
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array([node_of[p.id_a] for p in ordered], pa.int64()),
                    pa.array([node_of[p.id_b] for p in ordered], pa.int64()),
                    pa.array([p.kind for p in ordered], pa.string()),
                    pa.array([p.jaccard for p in ordered], pa.float64()),
                    pa.array([p.containment_a_in_b for p in ordered], pa.float64()),
                    pa.array([p.containment_b_in_a for p in ordered], pa.float64()),
                    pa.array([pair_similarity(p) for p in ordered], pa.float64()),
                    pa.array(
                        [[[x.a_start, x.a_end, x.b_start, x.b_end] for x in p.passages] for p in ordered],
                        pa.list_(pa.list_(pa.int64())),
                    ),
                ],
                names=["node_a", "node_b", "kind", "jaccard", "a_in_b", "b_in_a", "similarity", "passages"],
            )


# ------------------------------------------------------------------------------------------ components


def connected_components(edges: DataFrame, max_rounds: int = 100) -> tuple[DataFrame, int]:
    """``(labels, rounds)``: every node of ``edges`` (columns ``src``, ``dst``: longs, undirected) with
    the smallest node of its component as ``label``, by alternating large-star and small-star rounds
    (Kiveris et al. 2014) until a round changes nothing; each round is checkpointed locally.

    Raises :class:`RuntimeError` after ``max_rounds`` (the algorithm needs O(log^2 n)).
    """
    from pyspark.sql import functions as F

    current = (
        edges.select(F.least("src", "dst").alias("u"), F.greatest("src", "dst").alias("v"))
        .where(F.col("u") != F.col("v"))
        .distinct()
        .localCheckpoint()
    )
    rounds = 0
    while True:
        rounds += 1
        if rounds > max_rounds:
            raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
        # Large-star: each node links its larger neighbours to the smallest node of its neighbourhood.
        both = current.select(F.col("u").alias("x"), F.col("v").alias("y")).union(
            current.select(F.col("v").alias("x"), F.col("u").alias("y"))
        )
        smallest = both.groupBy("x").agg(F.least(F.min("y"), F.col("x")).alias("m"))
        large = (
            both.join(smallest, "x")
            .where(F.col("y") > F.col("x"))
            .select(F.col("m").alias("u"), F.col("y").alias("v"))
            .distinct()
        )
        # Small-star: each node links itself and its smaller neighbours to the smallest of them.
        smallest_below = large.groupBy("v").agg(F.min("u").alias("m"))
        small = (
            large.join(smallest_below, "v")
            .select(F.col("m").alias("a"), F.col("u").alias("b"))
            .union(smallest_below.select(F.col("m").alias("a"), F.col("v").alias("b")))
            .where(F.col("a") != F.col("b"))
            .select(F.least("a", "b").alias("u"), F.greatest("a", "b").alias("v"))
            .distinct()
            .localCheckpoint()
        )
        size_before, size_after = current.count(), small.count()
        unchanged = size_before == size_after and small.join(current, ["u", "v"]).count() == size_after
        current = small
        if unchanged:
            break
    labels = current.select(F.col("v").alias("node"), F.col("u").alias("label")).union(
        current.select(F.col("u").alias("node"), F.col("u").alias("label"))
    ).distinct()
    return labels, rounds


# ------------------------------------------------------------------------------------------ grouping


_GROUP_SCHEMA_DDL = "id string, copy_group string, copy_role string"


def group_component(
    members: Sequence[MemberFacts], pairs: Sequence[CopyPair], options: CopyOptions
) -> list[tuple[str, str, str]]:
    """``(id, copy_group, copy_role)`` of every grouped article of one component, by
    :func:`~newsfold.copies.build_groups` (which may split it further when ``split_below`` is set)."""
    groups = build_groups(
        pairs,
        {member.id: member for member in members},
        containment_threshold=options.containment_threshold,
        split_below=options.split_below,
    )
    return [(member.article_id, group.id, member.role) for group in groups for member in group.members]


def _group_batches(batches: Iterator[pa.RecordBatch], options: CopyOptions) -> Iterator[pa.RecordBatch]:
    """mapInArrow body of the ``groups`` step: rows sorted by component (members, then pairs) in, one row
    per grouped article out. A component may span Arrow batches; it is grouped when the next begins."""
    import pyarrow as pa

    current: int | None = None
    members: list[MemberFacts] = []
    pairs: list[CopyPair] = []
    out: list[tuple[str, str, str]] = []

    def flush() -> None:
        if members:
            out.extend(group_component(members, pairs, options))
        members.clear()
        pairs.clear()

    def emit() -> pa.RecordBatch:
        batch = pa.RecordBatch.from_arrays(
            [pa.array([row[i] for row in out], pa.string()) for i in range(3)],
            names=["id", "copy_group", "copy_role"],
        )
        out.clear()
        return batch

    for batch in batches:
        columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        for i, component in enumerate(columns["component"]):
            if component != current:
                flush()
                current = component
            if columns["row_type"][i] == 0:
                members.append(
                    MemberFacts(
                        columns["id"][i],
                        columns["content_hash"][i],
                        decode_published(columns["published"][i]),
                        int(columns["text_len"][i]),
                    )
                )
            else:
                pairs.append(
                    CopyPair(
                        columns["id"][i], columns["id_b"][i], columns["kind"][i], columns["jaccard"][i],
                        columns["a_in_b"][i], columns["b_in_a"][i],
                    )
                )
        if len(out) >= 4096:
            yield emit()
    flush()
    if out:
        yield emit()


# ------------------------------------------------------------------------------------------ the engine


class _Steps:
    """Times each step and tags its Spark jobs with the step's name (for the per-step metrics)."""

    def __init__(self, spark: SparkSession, report: SparkFoldReport) -> None:
        self._spark = spark
        self._report = report
        self._name: str | None = None
        self._started = 0.0

    def start(self, name: str) -> None:
        self.stop()
        self._name = name
        self._started = time.perf_counter()
        self._spark.sparkContext.setJobGroup(name, f"newsfold {name}")
        logger.info("spark engine: %s", name)

    def stop(self) -> None:
        if self._name is not None:
            self._report.seconds[self._name] = round(time.perf_counter() - self._started, 3)
            self._name = None


def fold_spark(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    master: str = "local[*]",
    copy_options: CopyOptions | None = None,
    read_options: ReadOptions | None = None,
    normalize_options: NormalizeOptions | None = None,
    spark_options: SparkOptions | None = None,
    spark: SparkSession | None = None,
    events: WindowOptions | None = None,
    cluster_options: ClusterOptions | None = None,
    stories: StoryOptions | None = None,
) -> SparkFoldReport:
    """Fold ``inputs`` (files, folders, globs: as ``newsfold fold``) into copy pairs and groups on Spark
    and write them under ``out_dir`` (replaced if it exists): ``pairs/`` and ``assignments/`` Parquet
    datasets with the columns and types of :mod:`newsfold.export` (assignments in input order; ``story``
    null, ``event`` null unless ``events`` is given), ``skipped/`` (``location, kind, reason``) and
    ``report.json`` (:meth:`SparkFoldReport.as_dict`).

    ``events``: also group events, by time windows with overlap and stitching
    (:mod:`newsfold.engines.event_windows`, with ``cluster_options``): the same result as
    :func:`~newsfold.engines.event_windows.group_events_windowed` over the stored articles and their copy
    groups, which approximates the local events engine within the tolerance stated in ``docs/scale.md``.

    ``stories``: also link the events into storylines (needs ``events``): :func:`_stories_step`, the
    result of :func:`~newsfold.engines.event_windows.storylines_windowed`; the assignments get their
    ``story`` and ``stories/`` holds one row per event (``story, event, first_day, evidence``: the link
    that attached the event as JSON, ``{"root": true}`` for a storyline's first event).

    ``spark``: the session to use; when ``None``, the active session if there is one, else a new one on
    ``master`` (with ``spark_options``, whose own ``master`` is ignored) that is stopped at the end. A
    session given or found is left running. The results equal the local engine's for the
    same inputs and options (one documented exception: see ``max_anchor_df`` in
    :mod:`newsfold.copies.index`). ``normalize_options.as_of`` defaults to today on the driver, so every
    task resolves dates against the same day.
    """
    if stories is not None and events is None:
        raise UsageError("storylines link events: give events (WindowOptions) too")
    copy_options = copy_options if copy_options is not None else CopyOptions()
    read_options = read_options if read_options is not None else ReadOptions()
    normalize_options = normalize_options if normalize_options is not None else NormalizeOptions()
    if normalize_options.as_of is None:
        normalize_options = replace(normalize_options, as_of=normalize_options.reference_today())
    units, listing_problems = _plan_units(inputs, (spark_options or SparkOptions()).split_bytes)
    out = Path(out_dir)
    if spark is None:
        require_pyspark()
        from pyspark.sql import SparkSession

        spark = SparkSession.getActiveSession()
    owns_session = spark is None
    if spark is None:
        base = spark_options if spark_options is not None else SparkOptions()
        spark = make_session(replace(base, master=master))
    report = SparkFoldReport()
    steps = _Steps(spark, report)
    try:
        _run(
            spark,
            units,
            listing_problems,
            out,
            _Settings(
                copy_options, read_options, normalize_options, events, cluster_options or ClusterOptions(), stories
            ),
            report,
            steps,
        )
    finally:
        steps.stop()
        report.stage_metrics = _stage_metrics(spark)
        if owns_session:
            spark.stop()
    (out / "report.json").write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
    return report


@dataclass(frozen=True, slots=True)
class _Settings:
    copy_options: CopyOptions
    read_options: ReadOptions
    normalize_options: NormalizeOptions
    events: WindowOptions | None
    cluster_options: ClusterOptions
    stories: StoryOptions | None = None


def _run(
    spark: SparkSession,
    units: list[_Unit],
    listing_problems: list[Skipped],
    out: Path,
    settings: _Settings,
    report: SparkFoldReport,
    steps: _Steps,
) -> None:
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keep = StorageLevel.MEMORY_AND_DISK
    copy_options, read_options, normalize_options = (
        settings.copy_options, settings.read_options, settings.normalize_options,
    )
    keep_articles = settings.events is not None
    sc = spark.sparkContext
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    # 1. read: one task per input file or JSON Lines range, the local readers and normalization inside.
    steps.start("read")
    unit_rows = [(u.number, u.path, u.name, u.start, u.stop, u.first_line, u.row_groups) for u in units]
    unit_frame = spark.createDataFrame(
        sc.parallelize(unit_rows, max(1, len(unit_rows))),
        "number long, path string, name string, start long, stop long, first_line long, row_groups boolean",
    )
    records = unit_frame.mapInArrow(
        lambda batches: _read_units(batches, read_options, normalize_options, keep_articles), _READ_SCHEMA_DDL
    ).persist(keep)
    listing_rows = [
        (-1, None, None, None, None, None, None, None, None, p.location, p.kind, p.reason, None, None, None)
        for p in listing_problems
    ]
    if listing_rows:
        records = records.unionByName(spark.createDataFrame(listing_rows, _READ_SCHEMA_DDL))
    report.read = records.count()

    # 2. dedupe: the first reading of an id stands, as in the store (decided on narrow columns, so that
    # texts are shuffled once, by text, below).
    steps.start("dedupe")
    readable = records.where(F.col("skip_kind").isNull())
    by_id = Window.partitionBy("id").orderBy("pos")
    carried = ["pub_day", "pub_key", *(["article"] if keep_articles else [])]
    ranked = (
        readable.select(
            "pos", "id", "content_hash", "node", "published", "year_inferred", "text_len", "source", *carried
        )
        .withColumn("rank", F.row_number().over(by_id))
        .withColumn("first_hash", F.first("content_hash").over(by_id))
        .withColumn("first_source", F.first("source").over(by_id))
        .persist(keep)
    )
    conflict_reason = F.udf(
        lambda article_id, first_source: (
            f"id {article_id!r} is already stored from {first_source} with a different text"
        ),
        "string",
    )
    conflicts = ranked.where((F.col("rank") > 1) & (F.col("content_hash") != F.col("first_hash"))).select(
        F.col("source").alias("location"),
        F.lit("id_conflict").alias("kind"),
        conflict_reason("id", "first_source").alias("reason"),
    )
    skipped = records.where(F.col("skip_kind").isNotNull()).select(
        F.col("source").alias("location"), F.col("skip_kind").alias("kind"), F.col("skip_reason").alias("reason")
    ).unionByName(conflicts).persist(keep)
    report.skipped = {row["kind"]: int(row["count"]) for row in skipped.groupBy("kind").count().collect()}
    articles = (
        ranked.where(F.col("rank") == 1)
        .select("pos", "id", "content_hash", "node", "published", "year_inferred", "text_len", *carried)
        .persist(keep)
    )
    report.stored = articles.count()
    ranked.unpersist()
    # As the local fold does before its stages: inferred years resolved again against the collection.
    newest = (
        articles.where(~F.col("year_inferred") & F.col("published").isNotNull())
        .agg(F.max(F.substring("published", 1, 10)).alias("day"))
        .collect()[0]["day"]
    )
    if newest is not None:
        as_of = dt.date.fromisoformat(newest)
        redated = (
            readable.where(F.col("year_inferred"))
            .join(articles.where(F.col("year_inferred")).select("pos"), "pos", "left_semi")
            .select("pos", "id", "text", "title", "source", "published", "article")
            .mapInArrow(lambda batches: _redate_batches(batches, as_of, keep_articles), _REDATE_SCHEMA_DDL)
        )
        replaced = ["published", "pub_day", "pub_key", *(["article"] if keep_articles else [])]
        fixed = articles.join(
            redated.select("pos", *[F.col(name).alias(f"new_{name}") for name in replaced]), "pos", "left"
        )
        for name in replaced:
            fixed = fixed.withColumn(
                name, F.when(F.col("year_inferred"), F.col(f"new_{name}")).otherwise(F.col(name))
            ).drop(f"new_{name}")
        fixed = fixed.persist(keep)
        fixed.count()
        articles.unpersist()
        articles = fixed
    report.unchanged = report.read - report.stored - sum(report.skipped.values())
    # The texts of stored articles only: a text read only under a conflicting id must not count in an
    # anchor's frequency.
    texts = (
        readable.select("node", "content_hash", "text")
        .join(articles.select("node"), "node", "left_semi")
        .dropDuplicates(["node"])
        .persist(keep)
    )
    report.texts = texts.count()
    records.unpersist()

    # 3. sketch: band keys and anchors of every distinct text.
    steps.start("sketch")
    sketches = texts.select("node", "content_hash", "text").mapInArrow(
        lambda batches: _sketch_batches(batches, copy_options), _SKETCH_SCHEMA_DDL
    ).persist(keep)
    sketches.count()

    # 4. candidates: the LSH shuffle (bands) and the anchor shuffle.
    steps.start("candidates")
    band_rows = sketches.select("node", F.explode("band_keys").alias("key"))
    band_pairs = (
        band_rows.alias("x")
        .join(band_rows.alias("y"), "key")
        .where(F.col("x.node") < F.col("y.node"))
        .select(F.col("x.node").alias("a"), F.col("y.node").alias("b"))
        .distinct()
    )
    anchor_rows = sketches.select("node", F.explode("anchors").alias("key"))
    anchor_df = anchor_rows.groupBy("key").count().where(
        (F.col("count") >= 2) & (F.col("count") <= copy_options.max_anchor_df)
    )
    usable = anchor_rows.join(anchor_df.select("key"), "key")
    anchor_pairs = (
        usable.alias("x")
        .join(usable.alias("y"), "key")
        .where(F.col("x.node") < F.col("y.node"))
        .groupBy(F.col("x.node").alias("a"), F.col("y.node").alias("b"))
        .count()
        .where(F.col("count") >= copy_options.min_shared_anchors)
        .select("a", "b")
    )
    candidates = band_pairs.union(anchor_pairs).distinct().persist(keep)
    report.candidates = candidates.count()

    # 5. verify on the real shingle sets, with passages.
    steps.start("verify")
    side_a = texts.select(F.col("node").alias("a"), F.col("content_hash").alias("hash_a"), F.col("text").alias("text_a"))
    side_b = texts.select(F.col("node").alias("b"), F.col("content_hash").alias("hash_b"), F.col("text").alias("text_b"))
    joined = (
        candidates.join(side_a, "a")
        .join(side_b, "b")
        .select(
            F.col("a").alias("node_a"), "hash_a", "text_a", F.col("b").alias("node_b"), "hash_b", "text_b"
        )
        .sortWithinPartitions("node_a")
    )
    verified = joined.mapInArrow(
        lambda batches: _verify_batches(batches, copy_options), _VERIFIED_SCHEMA_DDL
    ).persist(keep)
    report.verified = verified.count()
    candidates.unpersist()

    # 6. components of the text graph (weak links left out when split_below is set).
    steps.start("components")
    links = verified
    if copy_options.split_below is not None:
        links = links.where(F.col("similarity") >= copy_options.split_below)
    labels, report.components_rounds = connected_components(
        links.select(F.col("node_a").alias("src"), F.col("node_b").alias("dst"))
    )
    members = articles.join(sketches.where("has_shingles").select("node"), "node")
    repeated = members.groupBy("node").count().where(F.col("count") >= 2).select("node")
    spans = (
        texts.join(repeated, "node")
        .select("node", "text")
        .mapInArrow(lambda batches: _span_batches(batches, copy_options), "node long, span_start long, span_end long")
    )
    node_labels = (
        labels.unionByName(repeated.select("node", F.col("node").alias("label")))
        .groupBy("node")
        .agg(F.min("label").alias("label"))
        .persist(keep)
    )
    node_labels.count()

    # 7. groups: article pairs (exact ones within a text, the verified ones expanded), then build_groups.
    steps.start("groups")
    ids = members.select("node", "id")
    exact = (
        members.select("node", F.col("id").alias("x"))
        .join(ids.select("node", F.col("id").alias("y")), "node")
        .join(spans, "node")
        .where(F.col("x") < F.col("y"))
        .select(
            F.col("x").alias("id_a"),
            F.col("y").alias("id_b"),
            F.lit("exact").alias("kind"),
            F.lit(1.0).alias("jaccard"),
            F.lit(1.0).alias("containment_a_in_b"),
            F.lit(1.0).alias("containment_b_in_a"),
            F.array(F.array("span_start", "span_end", "span_start", "span_end")).alias("passages"),
            F.col("node").alias("node_a"),
            F.col("node").alias("node_b"),
        )
    )
    flipped = F.transform("passages", lambda p: F.array(p[2], p[3], p[0], p[1]))
    in_order = F.col("x") < F.col("y")
    near = (
        verified.join(ids.select(F.col("node").alias("node_a"), F.col("id").alias("x")), "node_a")
        .join(ids.select(F.col("node").alias("node_b"), F.col("id").alias("y")), "node_b")
        .select(
            F.when(in_order, F.col("x")).otherwise(F.col("y")).alias("id_a"),
            F.when(in_order, F.col("y")).otherwise(F.col("x")).alias("id_b"),
            "kind",
            "jaccard",
            F.when(in_order, F.col("a_in_b")).otherwise(F.col("b_in_a")).alias("containment_a_in_b"),
            F.when(in_order, F.col("b_in_a")).otherwise(F.col("a_in_b")).alias("containment_b_in_a"),
            F.when(in_order, F.col("passages")).otherwise(flipped).alias("passages"),
            "node_a",
            "node_b",
        )
    )
    pairs = exact.unionByName(near).persist(keep)
    report.pairs = pairs.count()
    label_a = node_labels.select(F.col("node").alias("node_a"), F.col("label"))
    label_b = node_labels.select(F.col("node").alias("node_b"), F.col("label"))
    grouping_pairs = (
        pairs.join(label_a, "node_a")
        .join(label_b, ["node_b", "label"])
        .select(
            F.col("label").alias("component"), "id_a", "id_b", "kind", "jaccard",
            F.col("containment_a_in_b").alias("a_in_b"), F.col("containment_b_in_a").alias("b_in_a"),
        )
    )
    grouping_members = members.join(node_labels, "node").select(
        F.col("label").alias("component"), F.lit(0).alias("row_type"), "id", F.lit(None).cast("string").alias("id_b"),
        "content_hash", "published", "text_len", F.lit(None).cast("string").alias("kind"),
        F.lit(None).cast("double").alias("jaccard"), F.lit(None).cast("double").alias("a_in_b"),
        F.lit(None).cast("double").alias("b_in_a"),
    )
    grouping_rows = grouping_members.unionByName(
        grouping_pairs.select(
            "component", F.lit(1).alias("row_type"), F.col("id_a").alias("id"), "id_b",
            F.lit(None).cast("string").alias("content_hash"), F.lit(None).cast("string").alias("published"),
            F.lit(None).cast("long").alias("text_len"), "kind", "jaccard", "a_in_b", "b_in_a",
        )
    )
    assigned = (
        grouping_rows.repartition("component")
        .sortWithinPartitions("component", "row_type")
        .mapInArrow(lambda batches: _group_batches(batches, copy_options), _GROUP_SCHEMA_DDL)
        .persist(keep)
    )
    group_counts = assigned.agg(F.countDistinct("copy_group").alias("groups"), F.count("*").alias("grouped"))
    counted = group_counts.collect()[0]
    report.groups, report.grouped = int(counted["groups"]), int(counted["grouped"])

    # 8. events: time windows with overlap, grouped in tasks, stitched by joins and components.
    event_of = None
    if settings.events is not None:
        steps.start("events")
        # Checkpointed so that the events plans start from data, not from the whole copies lineage.
        event_of = _events_step(
            spark, articles.localCheckpoint(), assigned.localCheckpoint(), settings.events,
            settings.cluster_options, report, with_features=settings.stories is not None,
        )
    story_of = None
    if event_of is not None and settings.stories is not None:
        steps.start("stories")
        positions = articles.select("id", "pos")
        story_rows = _stories_step(event_of.join(positions, "id"), settings.stories, report)
        story_rows.orderBy("story", "day_order", "event").select("story", "event", "first_day", "evidence").write.parquet(
            str(out / "stories")
        )
        story_of = story_rows.select("event", "story")

    # 9. write: the export schemas.
    steps.start("write")
    pairs.select(
        "id_a", "id_b", "kind", "jaccard", "containment_a_in_b", "containment_b_in_a", "passages"
    ).orderBy("id_a", "id_b").write.parquet(str(out / "pairs"))
    assignments = articles.join(assigned, "id", "left")
    if event_of is not None:
        assignments = assignments.join(event_of.select("id", "event"), "id", "left")
    else:
        assignments = assignments.withColumn("event", F.lit(None).cast("string"))
    if story_of is not None:
        assignments = assignments.join(story_of, "event", "left")
    else:
        assignments = assignments.withColumn("story", F.lit(None).cast("string"))
    assignments.orderBy("pos").select("id", "copy_group", "copy_role", "event", "story").write.parquet(
        str(out / "assignments")
    )
    skipped.write.parquet(str(out / "skipped"))
    for frame in (articles, texts, sketches, verified, node_labels, pairs, assigned, skipped):
        frame.unpersist()
    if event_of is not None:
        event_of.unpersist()


def _window_events(rows: Any, cluster_options: ClusterOptions, with_features: bool) -> Any:
    """applyInPandas body of the ``events`` step: one window's articles (``part, window, article,
    copy_group``) in, ``(part, window, id, event, features)`` out, by :func:`~newsfold.events.group_events` (``features``:
    the pickled :class:`~newsfold.events.features.ArticleFeatures` the grouping used, when
    ``with_features``, else null)."""
    import pandas as pd

    articles = [pickle.loads(blob) for blob in rows["article"]]
    copy_groups = {
        article.id: group for article, group in zip(articles, rows["copy_group"], strict=True) if isinstance(group, str)
    }
    grouping = group_events(articles, options=cluster_options, copy_groups=copy_groups)
    part, window = str(rows["part"].iloc[0]), int(rows["window"].iloc[0])
    return pd.DataFrame(
        [
            (
                part, window, article_id, event,
                pickle.dumps(grouping.features[article_id], protocol=5) if with_features else None,
            )
            for article_id, event in grouping.assignments.items()
        ],
        columns=["part", "window", "id", "event", "features"],
    )


def _events_step(
    spark: SparkSession,
    articles: DataFrame,
    assigned: DataFrame,
    windows: WindowOptions,
    cluster_options: ClusterOptions,
    report: SparkFoldReport,
    *,
    with_features: bool = False,
) -> DataFrame:
    """``(id, event, features)`` of every stored article: :mod:`newsfold.engines.event_windows` on Spark
    (window assignment as columns, one task per window, votes and continuations as joins, components by
    :func:`connected_components`); ``features`` as the article's owner window computed them, when
    ``with_features``, else null."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    span = windows.span_days
    overlap = windows.overlap(cluster_options)
    last_day = articles.agg(F.max("pub_day").alias("day")).collect()[0]["day"]
    last = 0 if last_day is None else int(last_day) // span
    part, copies = _partition_columns(articles, windows)
    placed = articles.select(
        "id", "pub_key", "article", part.alias("part"), copies.alias("copies"),
        F.coalesce(F.floor(F.col("pub_day") / span), F.lit(last)).cast("long").alias("owner"),
        (
            F.col("pub_day").isNotNull() & F.lit(overlap > 0) & (F.col("pub_day") % span >= span - overlap)
        ).alias("context"),
    ).join(assigned.select("id", "copy_group"), "id", "left")
    if windows.partition_by == "topic":
        placed = placed.persist(StorageLevel.MEMORY_AND_DISK)  # the block UDF runs once per article
    # Where an article is context: the next window of its owner partition (time overlap), and its
    # context blocks' windows of the same number (topic blocks).
    contexts = placed.where("context").select(
        "id", "part", (F.col("owner") + 1).alias("window"), "article", "copy_group"
    ).unionByName(
        placed.select("id", F.explode("copies").alias("part"), F.col("owner").alias("window"), "article", "copy_group")
    ).join(  # only windows that own articles are grouped (window_inputs)
        placed.select("part", F.col("owner").alias("window")).distinct(), ["part", "window"], "left_semi"
    )
    inputs = placed.select("part", F.col("owner").alias("window"), "article", "copy_group").unionByName(
        contexts.select("part", "window", "article", "copy_group")
    )
    grouped = (
        inputs.groupBy("part", "window")
        .applyInPandas(
            lambda rows: _window_events(rows, cluster_options, with_features),
            "part string, window long, id string, event string, features binary",
        )
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    report.event_windows = grouped.select("part", "window").distinct().count()
    node = F.xxhash64("part", "window", "event")
    owned = grouped.join(
        placed.select("id", "part", F.col("owner").alias("window"), "pub_key"), ["id", "part", "window"]
    ).select(
        "id", "pub_key", "features", node.alias("node"), F.col("part").alias("owner_part"),
        F.col("window").alias("owner_window"), F.col("event").alias("owner_event"),
    )
    followers = grouped.join(contexts.select("id", "part", "window"), ["id", "part", "window"]).select(
        "id", node.alias("follower")
    )
    votes = (
        followers.join(owned.select("id", "node", "owner_part", "owner_window", "owner_event"), "id")
        .groupBy("follower", "node", "owner_part", "owner_window", "owner_event")
        .count()
    )
    best = Window.partitionBy("follower").orderBy(F.desc("count"), "owner_part", "owner_window", "owner_event")
    links = votes.withColumn("rank", F.row_number().over(best)).where("rank = 1").select(
        F.col("follower").alias("src"), F.col("node").alias("dst")
    )
    labels, _ = connected_components(links)
    labelled = owned.join(labels, "node", "left").withColumn("label", F.coalesce("label", "node"))
    first = labelled.groupBy("label").agg(F.min("pub_key").alias("first_key"))
    name = F.udf(lambda key: event_id_for(key.split("\x1f")[-1]), "string")
    event_of = (
        labelled.join(first, "label")
        .select("id", name("first_key").alias("event"), "features")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    report.events = event_of.select("event").distinct().count()
    grouped.unpersist()
    placed.unpersist()
    return event_of


def _partition_columns(articles: DataFrame, windows: WindowOptions) -> tuple[Any, Any]:
    """``(part, copies)`` columns of the ``events`` step for ``articles`` (with their pickled ``article``):
    the owner partition and the context partitions of each article in its window
    (:func:`~newsfold.engines.event_windows.window_inputs`). Topic blocks are fitted on the driver over
    the sample the pure function uses (the smallest hashes of the ids) and assigned in tasks."""
    from pyspark.sql import functions as F

    no_copies = F.array().cast("array<string>")
    if windows.partition_by == "language":
        language = F.udf(lambda blob: partition_key(pickle.loads(blob), "language"), "string")
        return language("article"), no_copies
    if windows.partition_by != "topic":
        return F.lit(""), no_copies
    options = windows.topic_blocks
    background = IdfTable.background()
    rows = articles.select("id", "article").orderBy(F.sha1("id")).limit(options.sample).collect()
    centroids = fit_centroids({r["id"]: block_vector(pickle.loads(r["article"]), background) for r in rows}, options)
    tables: dict[str, IdfTable] = {}  # one background table per Python worker, made on first use

    def blocks_of(blob: bytes) -> tuple[str, list[str]]:
        table = tables.get("idf") or tables.setdefault("idf", IdfTable.background())
        owner, context = assign_block(block_vector(pickle.loads(blob), table), centroids, options)
        return block_partition(owner), [block_partition(block) for block in context]

    # A lambda: given the annotated function itself, PySpark tries to read a pandas UDF from its hints.
    blocks = F.udf(lambda blob: blocks_of(blob), "struct<part: string, copies: array<string>>")("article")
    return blocks["part"], blocks["copies"]


_PROFILE_SCHEMA_DDL = "event string, day_order long, first_day string, keys array<string>, profile binary"
_UNDATED_ORDER = dt.date.max.toordinal()


def _event_profiles(rows: Any, index_terms: int) -> Any:
    """applyInPandas body of the ``stories`` step: one event's members (``event, pos, features``) in,
    its profile out (members added in input order), with its first day and its index keys."""
    import pandas as pd

    ordered = rows.sort_values("pos")
    profile = event_profile([pickle.loads(blob) for blob in ordered["features"]])
    day = first_day(profile)
    return pd.DataFrame(
        [(
            str(ordered["event"].iloc[0]),
            day.toordinal(),
            None if day == dt.date.max else day.isoformat(),
            sorted(story_keys(profile, index_terms)),
            pickle.dumps(profile, protocol=5),  # Profile pickles without its id-keyed cache
        )],
        columns=["event", "day_order", "first_day", "keys", "profile"],
    )


def _score_links(batches: Iterator[pa.RecordBatch], options: StoryOptions) -> Iterator[pa.RecordBatch]:
    """mapInArrow body of the ``stories`` step: candidate ``(earlier, later)`` event pairs with their
    profiles in, the accepted links out (``later, earlier, earlier_order, score, evidence``)."""
    import pyarrow as pa

    schema = pa.schema([
        ("later", pa.string()), ("earlier", pa.string()), ("earlier_order", pa.int64()), ("score", pa.float64()),
        ("evidence", pa.string()),
    ])
    for batch in batches:
        out: dict[str, list[Any]] = {name: [] for name in schema.names}
        columns = [batch.column(c).to_pylist() for c in ("earlier", "earlier_order", "earlier_profile", "later", "later_profile")]
        for earlier, earlier_order, earlier_blob, later, later_blob in zip(*columns, strict=True):
            link = score_link(earlier, pickle.loads(earlier_blob), later, pickle.loads(later_blob), options)
            if not link_accepted(link, options):
                continue
            out["later"].append(later)
            out["earlier"].append(earlier)
            out["earlier_order"].append(earlier_order)
            out["score"].append(link.score)
            out["evidence"].append(json.dumps(link.as_dict(), sort_keys=True))
        yield pa.RecordBatch.from_pydict(out, schema=schema)


def _stories_step(members: DataFrame, options: StoryOptions, report: SparkFoldReport) -> DataFrame:
    """``(story, event, day_order, first_day, evidence)`` of every event of ``members`` (``id, event,
    features, pos``): :func:`~newsfold.stories.link_storylines` on Spark. Profiles in one task per event;
    candidates by a self-join on the index keys (earlier in (first day, id) order, at most
    ``key_postings`` ranks back per key); scores in batches;
    each event's best earlier link by a window (ties: the earliest candidate, as locally); storylines as
    connected components of the links, named after their first event."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keep = StorageLevel.MEMORY_AND_DISK
    profiles = (
        members.groupBy("event")
        .applyInPandas(lambda rows: _event_profiles(rows, options.index_terms), _PROFILE_SCHEMA_DDL)
        .persist(keep)
    )
    keyed = profiles.select("event", "day_order", F.explode("keys").alias("key"))
    # Each event's rank among the events holding a key, in (first day, id) order: an earlier event is a
    # candidate through that key when its rank is below the later one's, and within key_postings of it.
    in_key = Window.partitionBy("key").orderBy("day_order", "event")
    keyed = keyed.withColumn("key_rank", F.row_number().over(in_key))
    later = keyed.select(F.col("event").alias("later"), F.col("key_rank").alias("later_rank"), "key")
    earlier = keyed.select(
        F.col("event").alias("earlier"), F.col("day_order").alias("earlier_order"),
        F.col("key_rank").alias("earlier_rank"), "key",
    )
    follows = F.col("earlier_rank") < F.col("later_rank")
    join_on = ["key"]
    if options.key_postings is not None:
        cap = options.key_postings
        follows = follows & (F.col("earlier_rank") >= F.col("later_rank") - cap)
        # Blocks of cap ranks: a later event meets only its own block and the one before, so a key's join
        # is linear in its events instead of quadratic.
        earlier = earlier.withColumn("block", F.floor(F.col("earlier_rank") / cap))
        block = F.floor(F.col("later_rank") / cap)
        later = later.withColumn("block", F.explode(F.array(block, block - 1)))
        join_on = ["key", "block"]
    candidates = later.join(earlier, join_on).where(follows).select("earlier", "earlier_order", "later").distinct()
    with_profiles = candidates.join(
        profiles.select(F.col("event").alias("earlier"), F.col("profile").alias("earlier_profile")), "earlier"
    ).join(profiles.select(F.col("event").alias("later"), F.col("profile").alias("later_profile")), "later")
    scored = with_profiles.mapInArrow(
        lambda batches: _score_links(batches, options),
        "later string, earlier string, earlier_order long, score double, evidence string",
    )
    best = Window.partitionBy("later").orderBy(F.desc("score"), "earlier_order", "earlier")
    links = scored.withColumn("rank", F.row_number().over(best)).where("rank = 1").drop("rank").persist(keep)
    report.story_links = links.count()
    labels, _ = connected_components(
        links.select(F.xxhash64("later").alias("src"), F.xxhash64("earlier").alias("dst"))
    )
    events = profiles.select("event", "day_order", "first_day", F.xxhash64("event").alias("node"))
    labelled = events.join(labels, "node", "left").withColumn("label", F.coalesce("label", "node"))
    roots = labelled.groupBy("label").agg(F.min(F.struct("day_order", "event")).alias("root"))
    name = F.udf(storyline_id_for, "string")
    rows = (
        labelled.join(roots, "label")
        .join(links.select(F.col("later").alias("event"), "evidence"), "event", "left")
        .select(
            name(F.col("root.event")).alias("story"), "event", "day_order", "first_day",
            F.coalesce("evidence", F.lit(json.dumps({"root": True}))).alias("evidence"),
        )
        .persist(keep)
    )
    report.storylines = rows.select("story").distinct().count()
    profiles.unpersist()
    links.unpersist()
    return rows


def _stage_metrics(spark: SparkSession) -> dict[str, dict[str, int]]:
    """Spark's task metrics summed per step, from the UI's REST API (empty when the UI is off)."""
    sc = spark.sparkContext
    base = sc.uiWebUrl
    if not base:
        return {}
    root = f"{base}/api/v1/applications/{sc.applicationId}"
    try:
        with urllib.request.urlopen(f"{root}/jobs", timeout=10) as response:
            jobs = json.load(response)
        with urllib.request.urlopen(f"{root}/stages?status=complete", timeout=10) as response:
            stages = json.load(response)
    except OSError as error:
        logger.warning("no Spark metrics: %s", error)
        return {}
    step_of_stage: dict[int, str] = {}
    for job in jobs:
        group = job.get("jobGroup")
        if group in STEPS:
            for stage_id in job.get("stageIds", []):
                step_of_stage[int(stage_id)] = group
    totals: dict[str, dict[str, int]] = {}
    for stage in stages:
        step = step_of_stage.get(int(stage["stageId"]))
        if step is None:
            continue
        entry = totals.setdefault(
            step,
            {"shuffle_write_bytes": 0, "shuffle_read_bytes": 0, "input_bytes": 0, "executor_run_ms": 0, "tasks": 0},
        )
        entry["shuffle_write_bytes"] += int(stage.get("shuffleWriteBytes", 0))
        entry["shuffle_read_bytes"] += int(stage.get("shuffleReadBytes", 0))
        entry["input_bytes"] += int(stage.get("inputBytes", 0))
        entry["executor_run_ms"] += int(stage.get("executorRunTime", 0))
        entry["tasks"] += int(stage.get("numCompleteTasks", 0))
    return {step: totals[step] for step in STEPS if step in totals}


def run_spark_fold(
    paths: Sequence[str],
    out: Path | None,
    *,
    master: str = "local[*]",
    stages: Sequence[str] = ("copies",),
    read_options: ReadOptions | None = None,
    copy_options: CopyOptions | None = None,
    shuffle_partitions: int | None = None,
    driver_memory: str = "4g",
    event_window_days: int = 28,
    event_partition: Literal["language", "topic"] | None = None,
    event_blocks: int = 16,
    split_bytes: int | None = 128 << 20,
    skipped_path: Path | None = None,
    as_json: bool = False,
    quiet: bool = False,
) -> int:
    """What ``newsfold fold --engine spark PATHS --out DIR`` does; returns the exit code (0, or 1 when
    records were skipped, as the local ``fold``).

    Prints the summary (or the report as JSON) on stdout and, unless ``quiet``, one line per skipped
    record on stderr; ``skipped_path`` gets each skipped record as a JSON line, as ``--skipped``. The
    copies stage always runs; ``events`` (in ``stages``) runs by time windows of ``event_window_days``,
    split by language when ``event_partition`` is ``"language"``, by ``event_blocks`` topic blocks when it is
    ``"topic"`` (:mod:`newsfold.engines.event_windows`); ``stories`` links those events into storylines. Leaving out
    ``copies``, or ``stories`` without ``events``, is a :class:`~newsfold.errors.UsageError`, as are a
    missing ``out`` and an unknown stage.
    A missing PySpark or Java raises :class:`~newsfold.errors.MissingDependency` with the install line.
    """
    from newsfold.pipeline import STAGE_ORDER

    unknown = [name for name in stages if name not in STAGE_ORDER]
    if unknown:
        raise UsageError(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGE_ORDER)}")
    if "copies" not in stages:
        raise UsageError("the Spark engine runs the copies stage; include it in --stages")
    if "stories" in stages and "events" not in stages:
        raise UsageError("the stories stage links events; include events in --stages")
    if out is None:
        raise UsageError("--engine spark needs --out DIR: it writes Parquet datasets there, not a store")
    require_pyspark()
    report = fold_spark(
        paths,
        out,
        master=master,
        copy_options=copy_options,
        read_options=read_options,
        spark_options=SparkOptions(
            master=master, shuffle_partitions=shuffle_partitions, driver_memory=driver_memory, split_bytes=split_bytes
        ),
        events=WindowOptions(
            span_days=event_window_days,
            partition_by=event_partition,
            topic_blocks=BlockOptions(blocks=event_blocks, sample=max(BlockOptions().sample, event_blocks)),
        ) if "events" in stages else None,
        stories=StoryOptions() if "stories" in stages else None,
    )
    if report.skipped_total and (skipped_path is not None or not quiet):
        import pyarrow.parquet as pq

        rows = pq.read_table(out / "skipped").to_pylist()
        if not quiet:
            for row in rows:
                print(f"newsfold: skipped {row['location']}: {row['reason']}", file=sys.stderr)
        if skipped_path is not None:
            with skipped_path.open("w", encoding="utf-8") as handle:
                for row in rows:
                    record = {"location": row["location"], "kind": row["kind"], "reason": row["reason"]}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    elif not quiet:
        print(f"read       {report.read}")
        print(f"stored     {report.stored}")
        print(f"unchanged  {report.unchanged}")
        print(f"skipped    {report.skipped_total}")
        for kind, count in sorted(report.skipped.items()):
            print(f"  {kind:<18} {count}")
        print(f"copies     {report.pairs} pairs, {report.groups} groups, {report.grouped} articles grouped")
        if "events" in stages:
            print(f"events     {report.events} events in {report.event_windows} windows of {event_window_days} days")
        if "stories" in stages:
            print(f"stories    {report.storylines} storylines, {report.story_links} links")
        written = ["pairs", "assignments", *(["stories"] if "stories" in stages else []), "skipped", "report.json"]
        print(f"written    {', '.join(f'{out}/{name}' for name in written)}")
    return 1 if report.skipped_total else 0
