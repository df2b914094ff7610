"""Load test of ``newsfold serve``: N concurrent clients on loopback, posting and reading, for a bounded time.

Starts ``newsfold serve`` in a separate process over a fresh store, seeds it with articles, then runs
``--clients`` threads (one HTTP connection each) until ``--seconds`` have passed or ``--max-requests``
requests were sent. Every ``--read-ratio + 1``-th request of a client is a ``POST /articles`` of
``--batch`` new articles; the others read (an article by id, a search, the filtered event list, the
timeline page). Prints requests/s and p50/p99 latency overall and per kind, then opens the store and
checks that every article the server answered as stored is there (exit status 1 if one is missing or a
request failed).

    .venv/bin/python benchmarks/serve.py --clients 16 --seconds 20
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newsfold.store import Store

TOKEN = "bench-token"
WORDS = (
    "harbour bridge minister council wind farm turbines ferry strike port authority valdors budget audit "
    "traffic lorries freight cables engineer contractor court appeal fishers cod banks vote deputies "
    "election mayor railway station flood river storm harvest prices market festival museum hospital"
).split()
READS = ("article", "search", "events", "timeline")


@dataclass(slots=True)
class Tally:
    """What the clients did: latencies by kind (seconds), posted ids, failures."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in ("post", *READS)})
    stored_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def make_text(rng: random.Random, words: int = 120) -> str:
    sentences = []
    for _ in range(words // 12):
        sentence = " ".join(rng.choice(WORDS) for _ in range(12))
        sentences.append(sentence.capitalize() + ".")
    return " ".join(sentences)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "from newsfold.cli import main; "
        f"main(['serve', '--db', {str(db)!r}, '--port', '{port}', '--max-batch', '1000'])"
    )
    env = {**os.environ, "NEWSFOLD_TOKEN": TOKEN}
    server = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read().decode() if server.stderr else ''}")
    server.kill()
    raise SystemExit("the server did not answer /healthz within 30 s")


def client(number: int, base: str, args: argparse.Namespace, tally: Tally, stop_at: float,
           budget: itertools.count[int]) -> None:
    rng = random.Random(args.seed * 1000 + number)
    known: list[str] = []
    reads = itertools.count()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as http:
        for step in itertools.count():
            if time.monotonic() >= stop_at or next(budget) >= args.max_requests:
                return
            if step % (args.read_ratio + 1) == 0:
                kind = "post"
                batch = [{"id": f"c{number}-{step}-{k}", "title": " ".join(rng.choices(WORDS, k=6)).capitalize(),
                          "text": make_text(rng), "published": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                          "outlet": rng.choice(("NWA", "Lantern", "Coastwatch"))} for k in range(args.batch)]
                started = time.perf_counter()
                response = http.post("/articles", json=batch)
            else:
                kind = READS[next(reads) % len(READS)]
                path = {
                    "article": f"/articles/{rng.choice(known)}" if known else "/articles?limit=5",
                    "search": f"/search?q={rng.choice(WORDS)}",
                    "events": "/events?limit=20",
                    "timeline": "/",
                }[kind]
                started = time.perf_counter()
                response = http.get(path)
            elapsed = time.perf_counter() - started
            with tally.lock:
                tally.latencies[kind].append(elapsed)
                if response.status_code != 200:
                    tally.errors.append(f"{kind} {response.status_code}: {response.text[:200]}")
                elif kind == "post":
                    stored = [i["id"] for i in response.json()["articles"] if i["status"] == "stored"]
                    tally.stored_ids.extend(stored)
                    known.extend(stored)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0, help="stop after this long")
    parser.add_argument("--max-requests", type=int, default=50_000, help="stop after this many requests")
    parser.add_argument("--batch", type=int, default=5, help="articles per POST")
    parser.add_argument("--read-ratio", type=int, default=3, help="reads per post")
    parser.add_argument("--seed-articles", type=int, default=500, help="articles stored before timing")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        port = free_port()
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            rng = random.Random(args.seed)
            seeded: list[str] = []
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as http:
                for start in range(0, args.seed_articles, 250):
                    batch = [{"id": f"seed-{i}", "title": f"Seed {i}", "text": make_text(rng)}
                             for i in range(start, min(start + 250, args.seed_articles))]
                    response = http.post("/articles", json=batch)
                    response.raise_for_status()
                    seeded.extend(i["id"] for i in response.json()["articles"] if i["status"] == "stored")
            tally = Tally()
            budget = itertools.count()
            began = time.monotonic()
            threads = [
                threading.Thread(target=client, args=(n, base, args, tally, began + args.seconds, budget))
                for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - began
        finally:
            server.terminate()
            server.wait(timeout=30)

        with Store(db) as store:
            expected = seeded + tally.stored_ids
            found = {a.id for a in store.get_articles(expected)}
            missing = [i for i in expected if i not in found]
            total_stored = store.stats()["articles"]
            integrity = store.integrity_check()

    everything = [v for values in tally.latencies.values() for v in values]
    print(f"newsfold serve: {args.clients} clients, {wall:.1f} s, {len(everything)} requests "
          f"({args.read_ratio} reads per POST of {args.batch} articles), {os.cpu_count()} CPUs")
    print(f"{'kind':<10}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for kind, values in (("all", everything), *tally.latencies.items()):
        if values:
            print(f"{kind:<10}{len(values):>10}{len(values) / wall:>10.1f}"
                  f"{percentile(values, 0.5) * 1000:>10.1f}{percentile(values, 0.99) * 1000:>10.1f}")
    print(f"articles posted and stored during the run: {len(tally.stored_ids)} "
          f"({len(tally.stored_ids) / wall:.1f} articles/s); mean request {statistics.fmean(everything) * 1000:.1f} ms"
          if everything else "no requests")
    print(f"store check: {len(expected) - len(missing)}/{len(expected)} answered-as-stored articles found, "
          f"{total_stored} articles in the store, integrity {integrity}")
    if tally.errors:
        print(f"{len(tally.errors)} failed requests, first: {tally.errors[0]}")
    if missing:
        print(f"MISSING {len(missing)} articles, first: {missing[:5]}")
    return 1 if missing or tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
