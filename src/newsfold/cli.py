"""The ``newsfold`` command line: a thin layer that parses options and calls the library.

Exit codes: 0 when all went well, 1 when some records were skipped, 2 for usage errors (click's own
convention for bad options, kept for ours).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from newsfold.errors import NewsfoldError, UsageError
from newsfold.model import Article, Skipped
from newsfold.pipeline import STAGE_ORDER, FoldReport
from newsfold.store import Store

EXIT_OK = 0
EXIT_SKIPPED = 1
EXIT_USAGE = 2

db_option = click.option(
    "--db",
    default="newsfold.db",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The SQLite store.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"newsfold: error: {message}", err=True)
    sys.exit(code)


def _open_store(db: Path, *, must_exist: bool = True) -> Store:
    if must_exist and not db.exists():
        _fail(f"{db}: no such store (run `newsfold fold PATH --db {db}` first)")
    return Store(db)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A plain aligned text table; long cells are cut so each row stays on one line."""
    if not rows:
        click.echo("(none)")
        return
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row_cells in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row_cells, widths, strict=True)).rstrip())


def _cell(value: Any, limit: int = 60) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsfold")
def cli() -> None:
    """Fold news articles into copies, events and storylines."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--stages",
    default=",".join(STAGE_ORDER),
    show_default=True,
    help="Comma-separated stages to run after reading.",
)
@click.option("--id-field", help="JSON/CSV/Parquet field holding the article id.")
@click.option("--text-field", help="Field holding the article text.")
@click.option("--title-field", help="Field holding the title.")
@click.option("--date-field", help="Field holding the publication date.")
@click.option(
    "--max-document-mb",
    type=click.FloatRange(min=0.001),
    default=20.0,
    show_default=True,
    help="Larger documents are skipped (and counted).",
)
@click.option(
    "--skipped",
    "skipped_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write each skipped record's location and reason to FILE as JSON lines.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Articles stored per transaction (a kill loses at most one batch; rerun to finish).",
)
@click.option("--shingle-size", type=click.IntRange(min=1), default=5, show_default=True,
              help="Copies: words per shingle.")
@click.option("--num-hashes", type=click.IntRange(min=8), default=128, show_default=True,
              help="Copies: hash values per MinHash signature.")
@click.option("--jaccard-threshold", type=click.FloatRange(0.0, 1.0), default=0.35, show_default=True,
              help="Copies: least Jaccard similarity of a near-duplicate pair.")
@click.option("--containment-threshold", type=click.FloatRange(0.0, 1.0), default=0.7, show_default=True,
              help="Copies: least share of an excerpt's shingles found in its source.")
@click.option("--split-below", type=click.FloatRange(0.0, 1.0),
              help="Copies: split copy groups held together only by links weaker than this.")
@click.option("--embeddings", type=click.Choice(["minilm", "e5"]),
              help="Events: add dense sentence embeddings (needs newsfold[semantic]; e5 for other languages and "
                   "cross-lingual events). A store keeps the embeddings it was first grouped with.")
@click.option("--pair-reader", is_flag=True,
              help="Events: the sibling linkage also reads each compared pair of articles together with a small "
                   "cross-encoder (needs newsfold[semantic]; about 2.5 articles/s on 2 cores).")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: the SQLite store; spark: PySpark, writing Parquet datasets to --out.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Spark engine: the folder for the pairs, assignments and skipped datasets.")
@click.option("--master", default="local[*]", show_default=True, help="Spark engine: the Spark master URL.")
@click.option("--event-window-days", type=click.IntRange(min=1), default=28, show_default=True,
              help="Spark engine: days per event-grouping window (windows overlap and are stitched).")
@click.option("--event-partition", type=click.Choice(["none", "language", "topic"]), default="none",
              show_default=True,
              help="Spark engine: also split every event window by the articles' language (events then never "
                   "span two languages) or by topic blocks (k-means on a sample; events stitched across blocks).")
@click.option("--event-blocks", type=click.IntRange(min=1), default=16, show_default=True,
              help="Spark engine: topic blocks per window with --event-partition topic.")
@click.option("--shuffle-partitions", type=click.IntRange(min=1),
              help="Spark engine: partitions per shuffle (default: twice the cores in local mode).")
@click.option("--driver-memory", default="4g", show_default=True, help="Spark engine: Spark driver memory.")
@click.option("--split-mb", type=click.IntRange(min=0), default=128, show_default=True,
              help="Spark engine: read JSON Lines and Parquet files over this size in parts of about this "
                   "size, one task each (0: one task per file).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no per-record messages.")
@json_option
def fold(
    paths: tuple[str, ...],
    db: Path,
    stages: str,
    id_field: str | None,
    text_field: str | None,
    title_field: str | None,
    date_field: str | None,
    max_document_mb: float,
    skipped_path: Path | None,
    batch_size: int,
    shingle_size: int,
    num_hashes: int,
    jaccard_threshold: float,
    containment_threshold: float,
    split_below: float | None,
    embeddings: str | None,
    pair_reader: bool,
    engine: str,
    out_dir: Path | None,
    master: str,
    event_window_days: int,
    event_partition: str,
    event_blocks: int,
    shuffle_partitions: int | None,
    driver_memory: str,
    split_mb: int,
    quiet: bool,
    as_json: bool,
) -> None:
    """Read PATHS (files, folders, globs) into the store and fold them."""
    from newsfold.copies import CopyOptions
    from newsfold.pipeline import fold as run_fold
    from newsfold.readers import ReadOptions

    stage_names = [s.strip() for s in stages.split(",") if s.strip()]
    try:
        options = ReadOptions(
            id_field=id_field,
            text_field=text_field,
            title_field=title_field,
            date_field=date_field,
            max_document_bytes=int(max_document_mb * 1_000_000),
        )
        copy_options = CopyOptions(
            shingle_size=shingle_size,
            num_hashes=num_hashes,
            jaccard_threshold=jaccard_threshold,
            containment_threshold=containment_threshold,
            split_below=split_below,
        )
    except NewsfoldError as error:
        _fail(str(error))
    if engine == "spark":
        if embeddings is not None or pair_reader:
            _fail("--embeddings and --pair-reader are for the local engine; the Spark engine groups events with "
                  "the default features")
        from newsfold.engines.spark import run_spark_fold

        try:
            code = run_spark_fold(
                list(paths),
                out_dir,
                master=master,
                stages=stage_names,
                read_options=options,
                copy_options=copy_options,
                event_window_days=event_window_days,
                event_partition=None if event_partition == "none" else event_partition,  # type: ignore[arg-type]
                event_blocks=event_blocks,
                shuffle_partitions=shuffle_partitions,
                driver_memory=driver_memory,
                split_bytes=split_mb << 20 if split_mb else None,
                skipped_path=skipped_path,
                as_json=as_json,
                quiet=quiet,
            )
        except NewsfoldError as error:
            _fail(str(error))
        sys.exit(code)
    if out_dir is not None:
        _fail("--out is for --engine spark; the local engine writes to --db (use `newsfold export` for files)")
    if event_partition != "none":
        _fail("--event-partition is for --engine spark; the local engine groups all articles in one pass")
    embedder = None
    if embeddings is not None:
        from newsfold.events.embeddings import load_embedder

        try:
            embedder = load_embedder(embeddings)
        except NewsfoldError as error:
            _fail(str(error))
    reader = None
    if pair_reader:
        from newsfold.events.pair_reader import PairReader

        try:
            reader = PairReader.load()
        except NewsfoldError as error:
            _fail(str(error))
    skipped_file: TextIO | None = None
    if skipped_path is not None:
        skipped_file = skipped_path.open("w", encoding="utf-8")

    def on_skipped(item: Skipped) -> None:
        if not quiet:
            click.echo(f"newsfold: skipped {item.location}: {item.reason}", err=True)
        if skipped_file is not None:
            record = {"location": item.location, "kind": item.kind, "reason": item.reason}
            skipped_file.write(json.dumps(record, ensure_ascii=False) + "\n")

    try:
        with Store(db) as store:
            report = run_fold(
                list(paths),
                store,
                stages=stage_names,
                read_options=options,
                batch_size=batch_size,
                on_skipped=on_skipped,
                progress=not quiet and not as_json,
                copy_options=copy_options,
                embedder=embedder,
                reader=reader,
            )
    except NewsfoldError as error:
        _fail(str(error))
    finally:
        if skipped_file is not None:
            skipped_file.close()
    if as_json:
        _print_json(report.as_dict())
    elif not quiet:
        _print_fold_summary(report)
    sys.exit(EXIT_SKIPPED if report.skipped_total else EXIT_OK)


def _print_fold_summary(report: FoldReport) -> None:
    click.echo(f"read       {report.read}")
    click.echo(f"stored     {report.stored}")
    click.echo(f"unchanged  {report.unchanged}")
    click.echo(f"skipped    {report.skipped_total}")
    for kind, count in sorted(report.skipped.items()):
        click.echo(f"  {kind:<18} {count}")
    for stage in report.stages:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(stage.counts.items()))
        click.echo(f"stage {stage.stage:<8} {stage.articles_seen} articles" + (f" ({counts})" if counts else ""))


@cli.command()
@click.argument("item_id")
@db_option
@json_option
def show(item_id: str, db: Path, as_json: bool) -> None:
    """Show an article, copy group, event or storyline by id, with the evidence for each link."""
    from newsfold.views import describe

    with _open_store(db) as store:
        description = describe(store, item_id)
    if description is None:
        _fail(f"no article, copy group, event or storyline with id {item_id!r} in {db}", EXIT_SKIPPED)
    if as_json:
        _print_json(description)
        return
    _print_description(description)


def _print_description(description: dict[str, Any], indent: str = "") -> None:
    for key, value in description.items():
        if isinstance(value, dict):
            click.echo(f"{indent}{key}:")
            _print_description(value, indent + "  ")
        elif isinstance(value, list):
            click.echo(f"{indent}{key}: ({len(value)})")
            for entry in value:
                if isinstance(entry, dict):
                    click.echo(f"{indent}  - " + ", ".join(f"{k}={_cell(v, 80)}" for k, v in entry.items()))
                else:
                    click.echo(f"{indent}  - {_cell(entry, 100)}")
        else:
            text = "" if value is None else str(value)
            if key == "text" and len(text) > 600:
                text = text[:600] + "…"
            click.echo(f"{indent}{key}: {text}")


LISTS: dict[str, tuple[str, list[str]]] = {
    "articles": ("list_articles", ["id", "published", "outlet", "title"]),
    "groups": ("list_copy_groups", ["id", "size", "weakest_link", "canonical", "title"]),
    "events": ("list_events", ["id", "size", "when", "where", "headline"]),
    "stories": ("list_stories", ["id", "size", "start", "end", "headline"]),
}


@cli.command(name="list")
@click.argument("what", type=click.Choice(list(LISTS)))
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@json_option
def list_items(what: str, db: Path, limit: int, offset: int, as_json: bool) -> None:
    """List articles, copy groups, events or storylines."""
    method, columns = LISTS[what]
    with _open_store(db) as store:
        rows: list[dict[str, Any]] = getattr(store, method)(limit=limit, offset=offset)
    if as_json:
        _print_json(rows)
        return
    flat = [{**row.get("card", {}), **row.get("summary", {}), **row} for row in rows]
    _print_table(flat, columns)


@cli.command()
@db_option
@json_option
def stats(db: Path, as_json: bool) -> None:
    """Counts of what the store holds, and skipped records by reason."""
    with _open_store(db) as store:
        counts: dict[str, Any] = dict(store.stats())
        counts["skipped_by_kind"] = store.skipped_counts()
    if as_json:
        _print_json(counts)
        return
    for key, value in counts.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for k, v in sorted(value.items()):
                click.echo(f"  {k:<22} {v}")
        else:
            click.echo(f"{key:<24} {value}")


@cli.command()
@db_option
@click.option("--what", type=click.Choice(["articles", "pairs", "assignments"]), default="assignments",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Output file (default stdout).")
def export(db: Path, what: str, fmt: str, out: Path | None) -> None:
    """Export articles, copy pairs or per-article assignments."""
    from newsfold.export import write

    try:
        with _open_store(db) as store:
            count = write(store, what, fmt, out)
    except UsageError as error:
        _fail(str(error))
    if out is not None:
        click.echo(f"wrote {count} {what} to {out}", err=True)


@cli.command(name="eval")
@click.option("--gold", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Gold labels: .jsonl/.json/.csv/.parquet records with id and a label field.")
@click.option("--predicted", type=click.Path(dir_okay=False, path_type=Path),
              help="An assignments export to score (default: the store's own assignments).")
@db_option
@click.option("--level", type=click.Choice(["event", "story", "copy_group"]), default="event", show_default=True,
              help="Which assignment to score.")
@click.option("--gold-field", help="The gold file's label field (default: the same name as --level).")
@json_option
def evaluate(gold: Path, predicted: Path | None, db: Path, level: str, gold_field: str | None,
             as_json: bool) -> None:
    """Score assignments against gold: pairwise and BCubed precision/recall/F1, ARI, NMI.

    Articles the prediction leaves unassigned count as singletons.
    """
    from newsfold.evaluate import labeling_from_records, read_labeling, score_clustering

    try:
        gold_labels = read_labeling(gold, label_field=gold_field or level)
        if predicted is not None:
            predicted_labels = read_labeling(predicted, label_field=level)
        else:
            with _open_store(db) as store:
                predicted_labels = labeling_from_records(store.iter_assignments(), label_field=level)
    except (UsageError, ValueError) as error:
        _fail(str(error))
    scores = score_clustering(gold_labels, predicted_labels).as_dict()
    if as_json:
        _print_json(scores)
        return
    for key, value in scores.items():
        click.echo(f"{key:<20} {value:.4f}" if isinstance(value, float) else f"{key:<20} {value}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``newsfold`` script."""
    _run(cli, argv)


def _run(command: Callable[..., Any], argv: list[str] | None) -> None:
    try:
        command.main(args=argv, prog_name="newsfold", standalone_mode=True)  # type: ignore[attr-defined]
    except NewsfoldError as error:
        _fail(str(error))


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; the default serves this machine only.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option("--max-body-mb", type=click.FloatRange(min=0.001), default=10.0, show_default=True,
              help="Larger request bodies are refused with 413.")
@click.option("--max-batch", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Most articles in one POST /articles.")
def serve(db: Path, host: str, port: int, max_body_mb: float, max_batch: int) -> None:
    """Serve the HTTP API and the web UI over the store.

    Writes (POST /articles, the ingest form) need the token in the NEWSFOLD_TOKEN environment variable;
    without it the server is read-only.
    """
    import os

    try:
        import uvicorn

        from newsfold.server import LOOPBACK_HOSTS, create_app
    except ImportError as error:
        _fail(f"serve needs the web packages ({error.name} is missing): pip install 'newsfold[serve]'")
    token = os.environ.get("NEWSFOLD_TOKEN") or None
    app = create_app(
        db,
        token=token,
        max_body_bytes=int(max_body_mb * 1_000_000),
        max_batch=max_batch,
        allowed_hosts=LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else None,
    )
    mode = "writes need NEWSFOLD_TOKEN" if token else "read-only: set NEWSFOLD_TOKEN to allow writes"
    click.echo(f"newsfold: serving {db} on http://{host}:{port}/ ({mode})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


@cli.command()
@click.argument("first")
@click.argument("second")
@db_option
@click.option("--files", "from_files", is_flag=True,
              help="FIRST and SECOND are files (each read as one article) instead of ids in the store.")
@click.option("--embeddings", type=click.Choice(["minilm", "e5"]),
              help="Add the embedding cosine and use the weights fitted with it (needs newsfold[semantic]).")
@click.option("--top", type=click.IntRange(min=1), default=6, show_default=True,
              help="Contributions shown, largest first.")
@json_option
def similarity(first: str, second: str, db: Path, from_files: bool, embeddings: str | None, top: int,
               as_json: bool) -> None:
    """Score how similar two articles are (0 unrelated … 1 the same story) and show why."""
    from newsfold.events.embeddings import load_embedder
    from newsfold.events.similarity import pair_similarity

    if from_files:
        articles = [_first_article(Path(name)) for name in (first, second)]
    else:
        with _open_store(db) as store:
            found = {name: store.get_article(name) for name in (first, second)}
        articles = []
        for name in (first, second):
            article = found[name]
            if article is None:
                _fail(f"no article with id {name!r} in {db}", EXIT_SKIPPED)
            articles.append(article)
    try:
        embedder = None if embeddings is None else load_embedder(embeddings)
    except NewsfoldError as error:
        _fail(str(error))
    result = pair_similarity(articles[0], articles[1], embedder=embedder)
    if as_json:
        _print_json(result.to_json())
        return
    click.echo(f"similarity {result.score:.3f}  (SemEval-2022 Task 8 Overall {result.overall:.2f}: "
               f"1 very similar … 4 very dissimilar; model {result.model})")
    click.echo(f"top contributions (of raw {result.raw:+.3f} = intercept "
               f"{result.contributions['intercept']:+.3f} + features):")
    for name, contribution in result.top_contributions(top):
        click.echo(f"  {name:22s} value {result.features[name]:.3f}   contribution {contribution:+.3f}")


def _first_article(path: Path) -> Article:
    """The first article read from ``path`` (usage error when it holds none)."""
    from newsfold.pipeline import read_articles

    if not path.is_file():
        _fail(f"{path}: no such file")
    for item in read_articles([path]):
        if isinstance(item, Article):
            return item
    _fail(f"{path}: no article could be read")
