"""Scale benchmark: the local engine against the Spark engine on generated corpora, on this machine.

Each engine runs in a child process over the same JSON Lines shards (:mod:`newsfold.engines.synthetic`:
families of originals with exact, near and excerpt copies), writing the same Parquet outputs; the parent
samples the resident memory of the child's whole process tree (for Spark: the driver, its JVM and the
Python workers) every 0.2 s. Engines:

* ``local``: ``newsfold fold`` (read, SQLite store, stages) and ``newsfold export`` of pairs and
  assignments (:func:`newsfold.engines.local.fold_local`), the engine users run on one machine;
* ``memory``: the copies package in one process without a store (read, first reading of each id,
  :func:`newsfold.copies.find_copies`, Parquet): the local algorithm's own cost;
* ``spark``: :func:`newsfold.engines.spark.fold_spark` in local mode, with Spark's per-step metrics
  (wall time, shuffle bytes written and read, executor time) from its REST API.

The outputs of ``spark`` are compared with ``memory`` (and ``local`` when its copies stage finds near
copies): pairs with all their fields and passages, and every assignment.

``--events`` measures instead how far events grouped by time windows (the Spark engine's events,
:mod:`newsfold.engines.event_windows`) are from the local events engine (:func:`group_events` over
everything at once) on the events benchmark's dated and undated corpora from ``../shared/data``:
agreement (ARI and BCubed F1 of the windowed grouping scored against the local one) and each one's
BCubed F1 against the gold events, for the default windows (28 days, 14 overlap) and for windows much
shorter than the corpus (a stress test: the UCI sample spans 3 days).

Run::

    .venv/bin/python benchmarks/scale.py                      # 100k articles
    .venv/bin/python benchmarks/scale.py --articles 1000000   # 1M (about 2.6 GB of JSON Lines)
    .venv/bin/python benchmarks/scale.py --articles 20000 --engines memory,spark --json out.json
    .venv/bin/python benchmarks/scale.py --events             # the events tolerance figures
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ENGINES = ("local", "memory", "spark")


# ------------------------------------------------------------------------------------------- children


def run_engine(engine: str, inputs: Path, out: Path, master: str, driver_memory: str) -> dict[str, Any]:
    """Run one engine in this process; return its figures (called in the child)."""
    started = time.perf_counter()
    if engine == "spark":
        from newsfold.engines.spark import SparkOptions, fold_spark

        report = fold_spark(
            [str(inputs)],
            out,
            master=master,
            spark_options=SparkOptions(ui=True, driver_memory=driver_memory),
        )
        figures: dict[str, Any] = report.as_dict()
    elif engine == "local":
        from newsfold.engines.local import fold_local

        fold_report = fold_local([str(inputs)], out)
        figures = fold_report.as_dict()
    elif engine == "memory":
        figures = _fold_in_memory(inputs, out)
    else:
        raise SystemExit(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    figures["wall_s"] = round(time.perf_counter() - started, 2)
    return figures


def _fold_in_memory(inputs: Path, out: Path) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsfold.copies import find_copies
    from newsfold.model import Article, Skipped
    from newsfold.pipeline import read_articles

    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    articles: dict[str, Article] = {}
    for item in read_articles([str(inputs)]):
        if not isinstance(item, Skipped):
            articles.setdefault(item.id, item)
    seconds["read"] = round(time.perf_counter() - clock, 2)
    clock = time.perf_counter()
    pairs, groups = find_copies(list(articles.values()))
    seconds["copies"] = round(time.perf_counter() - clock, 2)
    clock = time.perf_counter()
    (out / "pairs").mkdir(parents=True, exist_ok=True)
    (out / "assignments").mkdir(parents=True, exist_ok=True)
    pair_schema = pa.schema(
        [
            ("id_a", pa.string()), ("id_b", pa.string()), ("kind", pa.string()), ("jaccard", pa.float64()),
            ("containment_a_in_b", pa.float64()), ("containment_b_in_a", pa.float64()),
            ("passages", pa.list_(pa.list_(pa.int64()))),
        ]
    )
    pq.write_table(
        pa.Table.from_pylist(
            [
                {
                    "id_a": p.id_a, "id_b": p.id_b, "kind": p.kind, "jaccard": p.jaccard,
                    "containment_a_in_b": p.containment_a_in_b, "containment_b_in_a": p.containment_b_in_a,
                    "passages": [[x.a_start, x.a_end, x.b_start, x.b_end] for x in p.passages],
                }
                for p in pairs
            ],
            schema=pair_schema,
        ),
        out / "pairs" / "part-00000.parquet",
    )
    role = {m.article_id: (g.id, m.role) for g in groups for m in g.members}
    pq.write_table(
        pa.Table.from_pylist(
            [
                {"id": i, "copy_group": role.get(i, (None, None))[0], "copy_role": role.get(i, (None, None))[1],
                 "event": None, "story": None}
                for i in articles
            ],
            schema=pa.schema([(c, pa.string()) for c in ("id", "copy_group", "copy_role", "event", "story")]),
        ),
        out / "assignments" / "part-00000.parquet",
    )
    seconds["write"] = round(time.perf_counter() - clock, 2)
    return {"stored": len(articles), "pairs": len(pairs), "groups": len(groups), "seconds": seconds}


# ------------------------------------------------------------------------------------------- events


def events_tolerance(data: Path) -> list[dict[str, Any]]:
    """Windowed against local event grouping on the events benchmark corpora; prints and returns rows."""

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from newsfold.engines.event_windows import WindowOptions, group_events_windowed, window_inputs
    from newsfold.engines.topic_blocks import BlockOptions
    from newsfold.evaluate import score_clustering
    from newsfold.events import ClusterOptions, group_events
    from newsfold.model import Article
    from train_event_scorer import ECB_TEST_TOPICS, copy_groups_of, load_ecb, load_mstream, load_uci

    corpora: list[tuple[str, list[Article], dict[str, str], list[WindowOptions]]] = []
    uci, uci_gold = load_uci(data)
    stress = [WindowOptions(28), WindowOptions(3, 1), WindowOptions(2, 1), WindowOptions(2, 0), WindowOptions(1, 1)]
    # A second partition key for windows too large for one task: topic blocks (k-means on a sample).
    blocks = [WindowOptions(28, partition_by="topic", topic_blocks=BlockOptions(blocks=b, copy_ratio=r))
              for b, r in ((8, 0.8), (16, 0.8), (16, 1.0))]
    corpora.append(("UCI headlines (dated, 3 days)", uci, uci_gold, stress + blocks))
    mstream, mstream_gold = load_mstream(data)
    corpora.append(("Google News titles (MStream, undated)", mstream, mstream_gold, [WindowOptions(28), *blocks]))
    ecb = load_ecb(data, ECB_TEST_TOPICS)
    corpora.append(("ECB+ test (undated)", [d.article for d in ecb], {d.article.id: d.event for d in ecb},
                    [WindowOptions(28)]))
    rows: list[dict[str, Any]] = []
    for name, articles, gold, variants in corpora:
        copies = copy_groups_of(articles)
        local = dict(group_events(articles, copy_groups=copies).assignments)
        local_f1 = score_clustering(gold, local).bcubed_f1
        print(f"{name}: {len(articles)} articles; local engine BCubed F1 against gold {local_f1:.4f}")
        for variant in variants:
            started = time.perf_counter()
            windowed = group_events_windowed(articles, variant, copy_groups=copies)
            elapsed = time.perf_counter() - started
            agreement = score_clustering(local, windowed)
            gold_f1 = score_clustering(gold, windowed).bcubed_f1
            overlap = variant.overlap_days if variant.overlap_days is not None else "2x window_days"
            tasks = [len(members) for members in window_inputs(articles, variant, ClusterOptions())[0].values()]
            split = (f", topic blocks {variant.topic_blocks.blocks} (copy ratio {variant.topic_blocks.copy_ratio})"
                     if variant.partition_by == "topic" else "")
            print(f"  windows of {variant.span_days} days, overlap {overlap}{split}: agreement with local ARI "
                  f"{agreement.ari:.4f}, BCubed F1 {agreement.bcubed_f1:.4f}; against gold BCubed F1 "
                  f"{gold_f1:.4f}; largest task {max(tasks) / len(articles):.0%} of the articles, all tasks "
                  f"{sum(tasks) / len(articles):.2f}x ({elapsed:.1f} s)")
            rows.append({"corpus": name, "span_days": variant.span_days, "overlap_days": variant.overlap_days,
                         "partition_by": variant.partition_by, "blocks": variant.topic_blocks.blocks,
                         "copy_ratio": variant.topic_blocks.copy_ratio,
                         "largest_task_share": max(tasks) / len(articles), "task_articles": sum(tasks) / len(articles),
                         "agreement_ari": agreement.ari, "agreement_bcubed_f1": agreement.bcubed_f1,
                         "gold_bcubed_f1": gold_f1, "local_gold_bcubed_f1": local_f1})
    return rows


# ------------------------------------------------------------------------------------------- parent


def _tree_rss_bytes(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    parent_of: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parent_of[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in rss:
        node = pid
        while node not in (0, 1, root):
            node = parent_of.get(node, 0)
        if node == root:
            total += rss[pid]
    return total


def measure(engine: str, inputs: Path, out: Path, master: str, driver_memory: str) -> dict[str, Any]:
    """Run ``engine`` in a child process; its figures plus ``peak_rss_mb`` of its process tree."""
    command = [
        sys.executable, __file__, "--child", engine, "--input", str(inputs), "--out", str(out),
        "--master", master, "--driver-memory", driver_memory,
    ]
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
    log = out.parent / f"{out.name}.stderr.log"
    log_handle = log.open("w", encoding="utf-8")
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log_handle, text=True, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_bytes(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = child.communicate()
    done.set()
    sampler.join()
    log_handle.close()
    if child.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise SystemExit(f"{engine} failed (exit {child.returncode}; whole log in {log}):\n{tail}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["peak_rss_mb"] = round(peak / 1e6)
    return figures


def _same_outputs(a: Path, b: Path) -> tuple[bool, str]:
    import pyarrow.parquet as pq

    columns = ("id_a", "id_b", "kind", "jaccard", "containment_a_in_b", "containment_b_in_a", "passages")
    pairs_a = sorted(tuple(map(repr, (r[c] for c in columns))) for r in pq.read_table(a / "pairs").to_pylist())
    pairs_b = sorted(tuple(map(repr, (r[c] for c in columns))) for r in pq.read_table(b / "pairs").to_pylist())
    if pairs_a != pairs_b:
        return False, f"pairs differ ({len(pairs_a)} vs {len(pairs_b)})"
    assigned_a = [(r["id"], r["copy_group"], r["copy_role"]) for r in pq.read_table(a / "assignments").to_pylist()]
    assigned_b = [(r["id"], r["copy_group"], r["copy_role"]) for r in pq.read_table(b / "assignments").to_pylist()]
    if sorted(assigned_a, key=str) != sorted(assigned_b, key=str):
        return False, "assignments differ"
    return True, f"identical ({len(pairs_a)} pairs, {len(assigned_a)} assignments)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size (default 100,000)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, from local,memory,spark")
    parser.add_argument("--shards", type=int, default=16, help="JSON Lines files the corpus is split into")
    parser.add_argument("--master", default="local[*]", help="Spark master (default local[*])")
    parser.add_argument("--driver-memory", default="4g", help="Spark driver memory (local mode: all of it)")
    parser.add_argument("--work", type=Path, help="folder for corpus and outputs (default: a temp folder)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--events", action="store_true", help="measure the events tolerance instead")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data",
                        help="the shared data folder (for --events)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child, args.input, args.out, args.master, args.driver_memory)))
        return
    if args.events:
        rows = events_tolerance(args.data)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
        return

    from newsfold.engines.synthetic import generate_records, write_jsonl_shards

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="newsfold-scale-"))
    corpus = work / f"corpus-{args.articles}-{args.seed}"
    if not corpus.exists():
        started = time.perf_counter()
        write_jsonl_shards(generate_records(args.articles, args.seed), corpus, args.shards)
        print(f"generated {args.articles:,} articles in {time.perf_counter() - started:.0f} s: {corpus}")
    size = sum(p.stat().st_size for p in corpus.iterdir())
    print(f"corpus {args.articles:,} articles, {size / 1e6:,.0f} MB of JSON Lines in {args.shards} shards; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    results: dict[str, dict[str, Any]] = {}
    for engine in engines:
        out = work / f"out-{engine}-{args.articles}"
        results[engine] = measure(engine, corpus, out, args.master, args.driver_memory)
        figures = results[engine]
        print(f"{engine:7} {figures['wall_s']:9.1f} s  {args.articles / figures['wall_s']:8,.0f} articles/s  "
              f"peak {figures['peak_rss_mb']:6,} MB  ({', '.join(f'{k} {v}' for k, v in figures.get('seconds', {}).items())})")
    if "spark" in results:
        spark = results["spark"]
        print("\nspark steps (seconds, shuffle written/read, executor time; per article and per text):")
        for step, seconds in spark["seconds"].items():
            metric = spark["stage_metrics"].get(step, {})
            written = metric.get("shuffle_write_bytes", 0)
            read = metric.get("shuffle_read_bytes", 0)
            print(f"  {step:11} {seconds:7.1f} s  write {written / 1e6:8.1f} MB ({written / args.articles:7.0f} B/article)"
                  f"  read {read / 1e6:8.1f} MB  executor {metric.get('executor_run_ms', 0) / 1000:7.1f} s")
        print(f"  texts {spark['texts']:,}  candidates {spark['candidates']:,}  verified {spark['verified']:,}  "
              f"pairs {spark['pairs']:,}  groups {spark['groups']:,}  components rounds {spark['components_rounds']}")
        for other in ("memory", "local"):
            if other in results:
                same, detail = _same_outputs(work / f"out-spark-{args.articles}", work / f"out-{other}-{args.articles}")
                print(f"spark vs {other}: {detail}")
        fastest = min(results, key=lambda e: results[e]["wall_s"])
        if fastest != "spark":
            ratio = spark["wall_s"] / results[fastest]["wall_s"]
            print(f"at {args.articles:,} articles on this machine the {fastest} engine wins: spark takes {ratio:.1f}x its time")
    if args.json:
        args.json.write_text(json.dumps({"articles": args.articles, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
