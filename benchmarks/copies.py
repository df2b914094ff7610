"""Copies benchmark: newsfold against datasketch and rensa on a generated reprint corpus.

The corpus is built from the real article texts in ``../shared/data`` (ECB+, the SemEval-2022 task 8
sample, the Gedikli story-chain articles), read from there and never copied into the project:

* every source text that is itself a copy of an earlier one (5-gram containment >= 0.3) is dropped, so
  gold groups are not polluted by copies the datasets already hold;
* the remaining texts are *originals*; articles about the same event (ECB+ topics, SemEval same-story
  pairs, Gedikli story chains) stay as separate originals: hard negatives, not copies;
* for sizes beyond the real originals, more originals are derived from real texts by replacing every word
  with a word of similar corpus frequency from the same language (a fresh mapping per derived text):
  real lengths, paragraphing and word statistics, no shared wording;
* each original gets 0..40 copies (55% none, a few wire stories reprinted dozens of times) made the way
  the news business makes them: drop the headline, the first or last paragraph, a middle paragraph, swap
  two paragraphs, add a site header and footer (60 sites sharing some stock lines), change the dateline,
  edit a few words, light OCR-like character noise, or cut an excerpt of 25-60% of the text;
* the gold copy groups are an original with its copies.

All systems see the same texts and the same shingles (casefolded word 5-grams) and 128 hash values, and
are timed end to end from texts to groups, each in a forked child process (peak memory is the child's
peak resident size above what it inherited). The peers put LSH candidates straight into union-find, as
text-dedup does; newsfold verifies every candidate exactly and also finds excerpts.

Run::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/copies.py --sizes 10000 100000
    .venv/bin/python benchmarks/copies.py --sizes 1000000 --systems newsfold   # the 1M index memory
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xxhash

from newsfold.copies import CopyIndex, CopyOptions, build_groups, facts_of, kernels
from newsfold.copies.groups import MemberFacts
from newsfold.copies.lsh import collision_probability
from newsfold.copies.shingles import shingle_sets, tokenize_batch
from newsfold.model import Article

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WORD = re.compile(r"\w+")
SPLIT_KEEP = re.compile(r"(\w+)")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"“])")


# ------------------------------------------------------------------------------------------- sources
@dataclass(slots=True)
class Source:
    title: str | None
    paragraphs: list[str]
    language: str

    @property
    def text(self) -> str:
        body = "\n\n".join(self.paragraphs)
        return f"{self.title}\n\n{body}" if self.title else body


def _paragraphs_from_sentences(sentences: list[str], per: int) -> list[str]:
    return [" ".join(sentences[i : i + per]) for i in range(0, len(sentences), per)]


def _split_paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n|\n", text) if b.strip()]
    if len(blocks) >= 3:
        return blocks
    return _paragraphs_from_sentences(SENTENCE.split(text.strip()), 2)


def load_sources() -> list[Source]:
    """Real originals from ../shared/data (see the module docstring); zh is left out (no word spaces)."""
    csv.field_size_limit(1 << 30)
    sources: list[Source] = []
    with (DATA / "ecbplus" / "ecbplus_docs.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            sentences = [s.strip() for s in record["sentences"] if s.strip()]
            if len(sentences) >= 3:
                sources.append(Source(sentences[0], _paragraphs_from_sentences(sentences[1:], 2), "en"))
    seen: set[str] = set()
    for name in ("training_set.csv", "testing_set.csv"):
        with (DATA / "semeval2022-task8-hfl-sample" / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for side in ("1", "2"):
                    text, language = row[f"text{side}"], row[f"lang{side}"]
                    if language == "zh" or text in seen:
                        continue
                    seen.add(text)
                    sources.append(Source(None, _split_paragraphs(text), language))
    gedikli = DATA / "gedikli-story-chains" / "gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv"
    with gedikli.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sources.append(Source(row["title"] or None, _split_paragraphs(row["text"]), "en"))
    sources = [s for s in sources if len(WORD.findall(s.text)) >= 80 and len(s.paragraphs) >= 3]
    return _drop_copies(sources)


def _drop_copies(sources: list[Source]) -> list[Source]:
    sets = shingle_sets([s.text for s in sources], 5, 1)
    owner: dict[int, int] = {}
    kept: list[Source] = []
    for index, (source, shingles) in enumerate(zip(sources, sets, strict=True)):
        overlap = Counter(owner[h] for h in shingles.tolist() if h in owner)
        if any(count >= 0.3 * min(len(shingles), len(sets[other])) for other, count in overlap.items()):
            continue
        for h in shingles.tolist():
            owner.setdefault(h, index)
        kept.append(source)
    return kept


# ------------------------------------------------------------------------------------ derived originals
class Vocabulary:
    """Casefolded words by corpus frequency, per language, for frequency-matched replacement."""

    def __init__(self, sources: list[Source]) -> None:
        counts: dict[str, Counter[str]] = {}
        for source in sources:
            counts.setdefault(source.language, Counter()).update(w.casefold() for w in WORD.findall(source.text))
        self.words: dict[str, list[str]] = {}
        self.rank: dict[str, dict[str, int]] = {}
        for language, counter in counts.items():
            ordered = [w for w, _ in counter.most_common()]
            self.words[language] = ordered
            self.rank[language] = {w: i for i, w in enumerate(ordered)}

    def replacement(self, word: str, language: str, rng: random.Random) -> str:
        words, rank = self.words[language], self.rank[language].get(word.casefold(), 0)
        if rank < 40:
            return word  # stop words stay: they carry no wording of their own
        low, high = rank // 2, min(len(words) - 1, rank * 2 + 1)
        chosen = words[rng.randint(low, high)]
        if word[:1].isupper():
            chosen = chosen[:1].upper() + chosen[1:]
        return chosen


def derive_original(source: Source, vocabulary: Vocabulary, rng: random.Random) -> Source:
    mapping: dict[str, str] = {}

    def swap(text: str) -> str:
        parts = SPLIT_KEEP.split(text)
        for i in range(1, len(parts), 2):
            key = parts[i]
            if key not in mapping:
                mapping[key] = vocabulary.replacement(key, source.language, rng)
            parts[i] = mapping[key]
        return "".join(parts)

    return Source(
        swap(source.title) if source.title else None, [swap(p) for p in source.paragraphs], source.language
    )


# ------------------------------------------------------------------------------------------- copying
CITIES = ["LONDON", "NEW YORK", "PARIS", "BERLIN", "MADRID", "ROME", "WARSAW", "MOSCOW", "TOKYO", "SYDNEY"]
AGENCIES = ["Reuters", "AP", "AFP", "dpa", "EFE", "ANSA", "PAP", "TASS", "Kyodo", "AAP"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
OCR = {"m": "rn", "l": "1", "O": "0", "e": "c", "i": "l", "S": "5", "a": "o", "h": "b", "u": "v", "n": "ri"}
SITES = [f"{name} {kind}" for name in ("Daily", "Morning", "Evening", "Metro", "National", "Valley")
         for kind in ("Herald", "Tribune", "Courier", "Post", "Times", "Gazette", "Observer", "Star", "Sun", "Mail")]


def site_boilerplate(site: str) -> tuple[str, str]:
    header = f"{site} | News | Politics | Business | Sport | Subscribe\nAdvertisement"
    footer = (
        f"Copyright 2024 {site}. All rights reserved. This material may not be published, broadcast, "
        "rewritten or redistributed.\nSign up for our newsletter to get the top stories in your inbox every "
        "morning. Follow us on social media for breaking news."
    )
    return header, footer


def _edit_words(text: str, rate: float, vocabulary: Vocabulary, language: str, rng: random.Random) -> str:
    parts = SPLIT_KEEP.split(text)
    for i in range(1, len(parts), 2):
        if rng.random() < rate:
            roll = rng.random()
            if roll < 0.6:
                parts[i] = rng.choice(vocabulary.words[language][:3000])
            elif roll < 0.8:
                parts[i] = ""
            else:
                parts[i] = parts[i] + " " + rng.choice(vocabulary.words[language][:3000])
    return "".join(parts)


def _ocr_noise(text: str, rate: float, rng: random.Random) -> str:
    chars = list(text)
    for i, char in enumerate(chars):
        if char in OCR and rng.random() < rate:
            chars[i] = OCR[char]
    return "".join(chars)


def make_copy(original: Source, vocabulary: Vocabulary, rng: random.Random) -> str:
    paragraphs = list(original.paragraphs)
    title = original.title if rng.random() < 0.5 else None
    if rng.random() < 0.15 and len(paragraphs) >= 4:
        words = [len(WORD.findall(p)) for p in paragraphs]
        total = sum(words)
        share = rng.uniform(0.25, 0.6)
        start = rng.randrange(len(paragraphs))
        end = start
        while end < len(paragraphs) and (sum(words[start:end]) < share * total or end - start < 2):
            end += 1
        if sum(words[start:end]) < 60:
            start = max(0, end - 4)
        paragraphs, title = paragraphs[start:end], None
    else:
        if rng.random() < 0.3 and len(paragraphs) > 3:
            paragraphs = paragraphs[1:]
        if rng.random() < 0.3 and len(paragraphs) > 3:
            paragraphs = paragraphs[:-1]
        if rng.random() < 0.15 and len(paragraphs) > 3:
            del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
        if rng.random() < 0.15 and len(paragraphs) > 2:
            i = rng.randrange(len(paragraphs) - 1)
            paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if rng.random() < 0.4:
        dateline = f"{rng.choice(CITIES)}, {rng.choice(MONTHS)} {rng.randint(1, 28)} ({rng.choice(AGENCIES)}) - "
        paragraphs[0] = dateline + paragraphs[0]
    if rng.random() < 0.5:
        rate = rng.uniform(0.01, 0.03)
        paragraphs = [_edit_words(p, rate, vocabulary, original.language, rng) for p in paragraphs]
    if rng.random() < 0.2:
        rate = rng.uniform(0.005, 0.02)
        paragraphs = [_ocr_noise(p, rate, rng) for p in paragraphs]
    parts = ([title] if title else []) + paragraphs
    if rng.random() < 0.5:
        header, footer = site_boilerplate(rng.choice(SITES))
        parts = [header, *parts, footer]
    return "\n\n".join(parts)


def copies_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.55:
        return 0
    if roll < 0.90:
        return rng.randint(1, 3)
    if roll < 0.99:
        return rng.randint(4, 12)
    return rng.randint(13, 40)


@dataclass(slots=True)
class Corpus:
    articles: list[Article]
    gold: list[int]
    real_originals: int
    derived_originals: int


def build_corpus(size: int, sources: list[Source], vocabulary: Vocabulary, seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    order = list(range(len(sources)))
    rng.shuffle(order)
    texts: list[str] = []
    gold: list[int] = []
    group = 0
    real = derived = 0
    while len(texts) < size:
        if group < len(order):
            original = sources[order[group]]
            real += 1
        else:
            original = derive_original(sources[rng.randrange(len(sources))], vocabulary, rng)
            derived += 1
        members = [original.text] + [make_copy(original, vocabulary, rng) for _ in range(copies_count(rng))]
        for text in members[: size - len(texts)]:
            texts.append(text)
            gold.append(group)
        group += 1
    shuffle = list(range(size))
    rng.shuffle(shuffle)
    articles = []
    for position, index in enumerate(shuffle):
        text = texts[index]
        articles.append(
            Article(id=f"a{position:07d}", content_hash=xxhash.xxh3_64_hexdigest(text.encode()), text=text)
        )
    return Corpus(articles, [gold[i] for i in shuffle], real, derived)


# ------------------------------------------------------------------------------------------- metrics
def _comb2(values: np.ndarray) -> float:
    values = values.astype(np.float64)
    return float((values * (values - 1) / 2).sum())


def scores(gold: list[int], predicted: list[int]) -> dict[str, float]:
    """ARI (Hubert and Arabie) and pairwise precision, recall and F1 of two clusterings."""
    gold_arr, pred_arr = np.asarray(gold, dtype=np.int64), np.asarray(predicted, dtype=np.int64)
    joint = np.unique(gold_arr * (pred_arr.max() + 1) + pred_arr, return_counts=True)[1]
    both = _comb2(joint)
    gold_pairs = _comb2(np.unique(gold_arr, return_counts=True)[1])
    pred_pairs = _comb2(np.unique(pred_arr, return_counts=True)[1])
    total = _comb2(np.array([gold_arr.size]))
    expected = gold_pairs * pred_pairs / total
    maximum = (gold_pairs + pred_pairs) / 2
    ari = (both - expected) / (maximum - expected) if maximum != expected else 1.0
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"ari": ari, "precision": precision, "recall": recall, "f1": f1}


def _labels_from_pairs(size: int, pairs: list[tuple[int, int]]) -> list[int]:
    parent = list(range(size))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(x) for x in range(size)]


# ------------------------------------------------------------------------------------------- systems
def peer_shingles(text: str, size: int = 5) -> list[str]:
    words = WORD.findall(text.casefold())
    if len(words) < size:
        return [" ".join(words)] if words else []
    return list({" ".join(words[i : i + size]) for i in range(len(words) - size + 1)})


def run_newsfold(articles: list[Article], options: CopyOptions, info: dict[str, object]) -> list[int]:
    texts = {a.id: a.text for a in articles}
    index = CopyIndex(options, fetch_texts=lambda ids: {i: texts[i] for i in ids})
    pairs = index.add(articles, passages=info.get("passages", True) is True)
    facts: dict[str, MemberFacts] = {a.id: facts_of(a) for a in articles}
    groups = build_groups(pairs, facts, containment_threshold=options.containment_threshold)
    position = {a.id: i for i, a in enumerate(articles)}
    labels = list(range(len(articles)))
    for number, group in enumerate(groups):
        for member in group.members:
            labels[position[member.article_id]] = len(articles) + number
    info["pairs"] = len(pairs)
    info["index"] = index  # sized after the clock stops
    return labels


def run_datasketch(articles: list[Article], options: CopyOptions, info: dict[str, object]) -> list[int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=_number(info["peer_threshold"]), num_perm=options.num_hashes)
    pairs: list[tuple[int, int]] = []
    for number, article in enumerate(articles):
        minhash = MinHash(num_perm=options.num_hashes, seed=options.seed)
        minhash.update_batch([s.encode() for s in peer_shingles(article.text, options.shingle_size)])
        pairs.extend((number, other) for other in lsh.query(minhash))
        lsh.insert(number, minhash)
    info["pairs"] = len(pairs)
    return _labels_from_pairs(len(articles), pairs)


def run_rensa(articles: list[Article], options: CopyOptions, info: dict[str, object]) -> list[int]:
    from rensa import RMinHash, RMinHashLSH

    threshold = _number(info["peer_threshold"])
    lsh = RMinHashLSH(threshold, options.num_hashes, _divisor_bands(threshold, options.num_hashes))
    pairs: list[tuple[int, int]] = []
    step = 4096
    for start in range(0, len(articles), step):
        chunk = [peer_shingles(a.text, options.shingle_size) for a in articles[start : start + step]]
        minhashes = RMinHash.from_token_sets(chunk, options.num_hashes, options.seed)
        lsh.insert_many(minhashes, start_key=start)
        for offset, found in enumerate(lsh.query_all(minhashes)):
            pairs.extend((start + offset, other) for other in found if other != start + offset)
    info["pairs"] = len(pairs)
    return _labels_from_pairs(len(articles), pairs)


def _divisor_bands(threshold: float, num_hashes: int) -> int:
    """rensa needs bands dividing the permutations: the best such split by datasketch's error rule."""
    below, above = np.linspace(0, threshold, 401), np.linspace(threshold, 1, 401)
    best: tuple[float, int] | None = None
    for bands in (b for b in range(1, num_hashes + 1) if num_hashes % b == 0):
        rows = num_hashes // bands
        error = np.trapezoid(collision_probability(below, bands, rows), below) + np.trapezoid(
            1 - collision_probability(above, bands, rows), above
        )
        if best is None or error < best[0]:
            best = (float(error), bands)
    assert best is not None
    return best[1]


SYSTEMS: dict[str, Callable[[list[Article], CopyOptions, dict[str, object]], list[int]]] = {
    "newsfold": run_newsfold,
    "datasketch": run_datasketch,
    "rensa": run_rensa,
}


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _child(name: str, corpus: Corpus, options: CopyOptions, extra: dict[str, object], conn: object) -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak to what the child inherited
    except OSError:
        pass
    try:
        conn.send(_measure(name, corpus, options, extra))  # type: ignore[attr-defined]
    except BaseException as error:  # noqa: BLE001 - the parent prints it
        conn.send({"error": f"{type(error).__name__}: {error}"})  # type: ignore[attr-defined]


def _measure(name: str, corpus: Corpus, options: CopyOptions, extra: dict[str, object]) -> dict[str, object]:
    info: dict[str, object] = dict(extra)
    if name == "newsfold":
        tokenize_batch(["warm up"], options.seed)  # builds the code-point table once per process (~0.4 s)
        # Compiled kernels: loaded from numba's on-disk cache, or compiled on a cold cache. Done before the
        # clock starts, as a long-running fold pays it once; the seconds are printed beside the table.
        warm_start = time.perf_counter()
        kernels.warm_up()
        info["warm_up_seconds"] = time.perf_counter() - warm_start
    base = _rss_kib("VmRSS")
    start, cpu_start = time.perf_counter(), time.process_time()
    labels = SYSTEMS[name](corpus.articles, options, info)
    info["seconds"] = time.perf_counter() - start
    info["cpu_seconds"] = time.process_time() - cpu_start
    index = info.pop("index", None)
    if isinstance(index, CopyIndex):
        info["index_key_bytes"] = index.key_bytes
        info["index_bytes"] = index.memory_bytes()
    info["peak_mib"] = (_rss_kib("VmHWM") - base) / 1024
    info.update(scores(corpus.gold, labels))
    return info


def run_system(name: str, corpus: Corpus, options: CopyOptions, extra: dict[str, object]) -> dict[str, object]:
    context = mp.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(name, corpus, options, extra, child))
    process.start()
    child.close()
    try:
        result = parent.recv()
    except EOFError:
        result = {"error": f"the child process died (exit code {process.exitcode})"}
    process.join()
    if "error" in result:
        raise SystemExit(f"{name} failed: {result['error']}")
    return result  # type: ignore[no-any-return]


def _number(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument("--no-passages", action="store_true", help="newsfold without shared passages")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--peer-threshold", type=float, default=0.6, help="LSH threshold of the peers (newsfold: lsh_threshold)")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"needs the shared data at {DATA}", file=sys.stderr)
        return 2
    options = CopyOptions()
    started = time.perf_counter()
    sources = load_sources()
    vocabulary = Vocabulary(sources)
    print(f"{len(sources)} real originals after dropping copies among the sources "
          f"({time.perf_counter() - started:.1f}s); options: {options}")
    print(f"machine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}, numpy {np.__version__}")
    for size in args.sizes:
        started = time.perf_counter()
        corpus = build_corpus(size, sources, vocabulary, seed=args.seed)
        gold_groups = Counter(corpus.gold)
        print(
            f"\n== {size:,} articles: {corpus.real_originals:,} real + {corpus.derived_originals:,} derived "
            f"originals, {sum(1 for c in gold_groups.values() if c > 1):,} gold groups of 2+, "
            f"largest {max(gold_groups.values())} (built in {time.perf_counter() - started:.0f}s)"
        )
        results: dict[str, dict[str, object]] = {}
        for name in args.systems:
            results[name] = run_system(
                name, corpus, options, {"passages": not args.no_passages, "peer_threshold": args.peer_threshold}
            )
        baseline = results.get("datasketch")
        print(f"{'system':<12}{'art/s':>9}{'x ds':>7}{'cpu art/s':>11}{'x ds':>7}{'peak MiB':>10}{'ARI':>8}"
              f"{'P':>8}{'R':>8}{'F1':>8}{'pairs':>10}")
        for name, r in results.items():
            rate = size / _number(r["seconds"])
            cpu_rate = size / _number(r["cpu_seconds"])
            ratio = f"{rate * _number(baseline['seconds']) / size:.1f}x" if baseline else "-"
            cpu_ratio = f"{cpu_rate * _number(baseline['cpu_seconds']) / size:.1f}x" if baseline else "-"
            print(f"{name:<12}{rate:>9,.0f}{ratio:>7}{cpu_rate:>11,.0f}{cpu_ratio:>7}{_number(r['peak_mib']):>10,.0f}"
                  f"{_number(r['ari']):>8.4f}{_number(r['precision']):>8.4f}{_number(r['recall']):>8.4f}"
                  f"{_number(r['f1']):>8.4f}{int(_number(r['pairs'])):>10,}")
        if "newsfold" in results:
            r = results["newsfold"]
            print(f"newsfold index: {_number(r['index_key_bytes']) / size:.0f} B/article in key tables, "
                  f"{_number(r['index_bytes']) / size:.0f} B/article with ids and bookkeeping")
            path = "numba kernels" if kernels.enabled() else f"numpy ({kernels.KERNELS_ENV}=numpy)"
            print(f"newsfold path: {path}; kernel warm-up before the clock "
                  f"{_number(r['warm_up_seconds']):.2f}s (cache load; a cold compile is more, see docs/copies.md)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
