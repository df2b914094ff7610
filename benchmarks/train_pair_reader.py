"""Fit the pair reader (``newsfold.events.pair_reader``) on ECB+ dev and write its adapter.

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/train_pair_reader.py [--out FILE] [--topics 1-25]

Training pairs: every pair of dev articles within a topic, labelled 1 when both report the same gold event
and 0 when they report the topic's sibling event (6,297 pairs on topics 1–25); one epoch, batches of 16,
each pair read in a random order; AdamW at 5e-4 on the adapters and the head only, warm-up over the first
tenth of the steps then a linear decay, gradients clipped at norm 1; everything seeded, so a rerun on one
machine writes the same adapter. About 10 minutes on 2 cores. ``--weight`` is stored with the adapter: how
much the reader's logit counts beside the linker's (chosen by the nested cross-validation in
docs/events.md, not here). Only dev topics are read; ``--topics`` takes a subset (a fold's training topics).
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from pathlib import Path

from newsfold.events.pair_reader import ADAPTER_FILE, PairReader, reading_text
from train_event_scorer import DEFAULT_DATA, ECB_DEV_TOPICS, EcbDocument, load_ecb

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "newsfold" / "events" / ADAPTER_FILE


def within_topic_pairs(documents: list[EcbDocument]) -> list[tuple[str, str, float]]:
    """(text, text, same event) for every pair of documents of one topic."""
    by_topic: dict[int, list[EcbDocument]] = {}
    for document in documents:
        by_topic.setdefault(document.topic, []).append(document)
    return [
        (reading_text(x.article), reading_text(y.article), float(x.event == y.event))
        for topic in sorted(by_topic)
        for x, y in itertools.combinations(by_topic[topic], 2)
    ]


def train(pairs: list[tuple[str, str, float]], weight: float, seed: int = 0, batch: int = 16,
          rate: float = 5e-4, epochs: float = 1.0) -> PairReader:
    """A fresh reader fitted on ``pairs`` (see the module docstring)."""
    import torch

    torch.manual_seed(seed)
    shuffle = random.Random(seed)
    reader = PairReader.fresh(weight)
    reader.model.train()
    parameters = reader.trainable()
    optimizer = torch.optim.AdamW(parameters, lr=rate, weight_decay=0.0)
    steps = max(1, int(len(pairs) * epochs / batch))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    order: list[int] = []
    while len(order) < steps * batch:
        epoch = list(range(len(pairs)))
        shuffle.shuffle(epoch)
        order += epoch
    started = time.perf_counter()
    for step in range(steps):
        chosen = [pairs[k] for k in order[step * batch : (step + 1) * batch]]
        chosen = [(b, a, y) if shuffle.random() < 0.5 else (a, b, y) for a, b, y in chosen]
        logits = reader.forward([a for a, _, _ in chosen], [b for _, b, _ in chosen])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.tensor([y for *_, y in chosen]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 50 == 0:
            print(f"step {step}/{steps} loss {loss.item():.3f} ({time.perf_counter() - started:.0f} s)", flush=True)
    reader.model.eval()
    reader.head.eval()
    return reader


def _topics(text: str) -> list[int]:
    chosen: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        chosen.extend(range(int(low), int(high or low) + 1))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--topics", default="1-25", help="dev topics to train on (default all of 1-25)")
    parser.add_argument("--weight", type=float, default=0.25, help="the reader's logit weight, stored with it")
    args = parser.parse_args(argv)
    topics = _topics(args.topics)
    if not set(topics) <= set(ECB_DEV_TOPICS):
        parser.error("only dev topics (1-25) may be trained on")
    documents = load_ecb(args.data, topics)
    pairs = within_topic_pairs(documents)
    print(f"{len(pairs)} within-topic pairs of {len(documents)} dev articles in {len(topics)} topics", flush=True)
    reader = train(pairs, args.weight)
    reader.save(args.out, notes={"trained_on": f"ECB+ dev topics {args.topics}", "pairs": len(pairs)})
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
