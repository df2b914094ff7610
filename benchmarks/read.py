"""How fast the readers stream, next to the bare library loops they are built on.

Generates ``--n`` JSONL articles and ``--n`` HTML pages of original, randomly composed news text (seeded)
in a temporary folder, then times:

* ``iter_raw`` over the JSONL file against a bare ``json.loads`` loop over its lines;
* ``iter_raw`` over the HTML folder against bare ``trafilatura.extract`` loops over the same pages, with
  and without metadata (``iter_raw`` extracts title, date, site name and language, so the loop with
  metadata is the like-for-like one).

Prints articles per second and the ratio ``iter_raw / bare`` (1.0 = no overhead). Run::

    .venv/bin/python benchmarks/read.py --n 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from newsfold.model import RawDocument
from newsfold.readers import iter_raw

PLACES = ["Port Ashby", "Velmar", "Kelby Island", "Dunmore", "Oster", "Hallow Bay", "Brenton", "Marisfield"]
SUBJECTS = [
    "the harbour board",
    "the town council",
    "the water company",
    "local fishermen",
    "the ferry operator",
    "the county police",
    "residents",
    "the school trust",
    "the lifeboat crew",
    "market traders",
]
VERBS = ["announced", "warned", "confirmed", "denied", "welcomed", "criticised", "postponed", "approved"]
OBJECTS = [
    "a new timetable",
    "repairs to the pier",
    "a rise in charges",
    "plans for a second bridge",
    "the closure of the old mill",
    "an inquiry into the flooding",
    "extra funding for the clinic",
    "a ban on night fishing",
]
TAILS = [
    "on Monday",
    "after a long meeting",
    "despite objections",
    "in a statement",
    "earlier this week",
    "following the storm",
    "at a public hearing",
    "ahead of the summer season",
]


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS).capitalize()} in {rng.choice(PLACES)} {rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)} {rng.choice(TAILS)}, with {rng.randint(2, 900)} people affected."
    )


def article(rng: random.Random, number: int) -> tuple[str, list[str]]:
    title = (
        f"{rng.choice(PLACES)}: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ({number})"
    )
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(4, 9))]
    return title, paragraphs


def html_page(title: str, paragraphs: list[str], day: int) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    links = "".join(
        f"<li><a href='/story/{n}'>{PLACES[n % len(PLACES)]} update {n}</a></li>" for n in range(12)
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Coast Gazette</title>"
        "<meta property='og:site_name' content='Coast Gazette'>"
        f"<meta property='article:published_time' content='2024-03-{day:02d}T09:00:00Z'>"
        "<script>var tracking = {enabled: true};</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        f"<aside><h3>Most read</h3><ul>{links}</ul></aside>"
        "<footer>Coast Gazette. All rights reserved.</footer></body></html>"
    )


def generate(folder: Path, count: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    jsonl = folder / "articles.jsonl"
    pages = folder / "pages"
    pages.mkdir()
    with jsonl.open("w", encoding="utf-8") as handle:
        for number in range(count):
            title, paragraphs = article(rng, number)
            record = {
                "id": f"a{number}",
                "title": title,
                "text": "\n\n".join(paragraphs),
                "date": "2024-03-12",
                "source": "Coast Gazette",
                "section": rng.choice(["local", "business", "transport"]),
            }
            handle.write(json.dumps(record) + "\n")
    for number in range(count):
        title, paragraphs = article(rng, number)
        (pages / f"{number:06d}.html").write_text(
            html_page(title, paragraphs, 1 + number % 28), encoding="utf-8"
        )
    return jsonl, pages


def timed(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    """The best of ``repeat`` runs (the least disturbed by other work on the machine) and the count."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = run()
        best = min(best, time.perf_counter() - started)
    return best, count


def read_with_iter_raw(path: Path) -> int:
    return sum(1 for item in iter_raw([path]) if isinstance(item, RawDocument))


def bare_json_loads(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            if json.loads(line).get("text"):
                count += 1
    return count


def bare_trafilatura(folder: Path, *, with_metadata: bool) -> int:
    count = 0
    for page in sorted(folder.iterdir()):
        if trafilatura.extract(page.read_text(encoding="utf-8"), with_metadata=with_metadata):
            count += 1
    return count


def report(label: str, ours: tuple[float, int], bare_loops: dict[str, tuple[float, int]]) -> None:
    """One line per loop, then the speed of ``iter_raw`` as a fraction of each bare loop's speed."""
    ours_rate = ours[1] / ours[0]
    print(
        f"{label:<6} {'iter_raw':<22} {ours[1]:>7} articles  {ours[0]:8.3f} s  {ours_rate:>10,.0f} articles/s"
    )
    for bare_label, (seconds, count) in bare_loops.items():
        rate = count / seconds
        print(f"{'':<6} {bare_label:<22} {count:>7} articles  {seconds:8.3f} s  {rate:>10,.0f} articles/s")
    for bare_label, (seconds, count) in bare_loops.items():
        print(f"{'':<6} ratio iter_raw / {bare_label} speed: {ours_rate / (count / seconds):.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--n", type=int, default=2000, help="articles of each kind to generate (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the generated text (default 0)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each loop; the best is kept (default 3)"
    )
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    with tempfile.TemporaryDirectory(prefix="newsfold-bench-read-") as temporary:
        jsonl, pages = generate(Path(temporary), args.n, args.seed)
        print(
            f"generated {args.n} JSONL articles ({jsonl.stat().st_size / 1e6:.1f} MB) and {args.n} HTML pages"
        )
        bare_json_loads(jsonl)  # warm the page cache
        print(f"best of {repeat} runs each")
        report(
            "JSONL",
            timed(lambda: read_with_iter_raw(jsonl), repeat),
            {"json.loads": timed(lambda: bare_json_loads(jsonl), repeat)},
        )
        report(
            "HTML",
            timed(lambda: read_with_iter_raw(pages), repeat),
            {
                "extract": timed(lambda: bare_trafilatura(pages, with_metadata=False), repeat),
                "extract(with_metadata)": timed(lambda: bare_trafilatura(pages, with_metadata=True), repeat),
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
