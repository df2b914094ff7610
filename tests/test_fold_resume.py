"""A fold killed mid-run leaves a sound store, and rerunning the same command finishes the work."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsfold.store import Store

WORDS = (
    "minister council bridge harbour election vote talks agreement energy wind farm port city police "
    "budget audit report crowd river storm flood court ruling trade deal summit border tariff market "
    "strike union factory railway airport school hospital doctor virus vaccine museum festival"
).split()


def write_corpus(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            paragraphs = [" ".join(rng.choices(WORDS, k=40)) + "." for _ in range(4)]
            record = {"id": f"gen-{number:05d}", "title": f"Story {number}", "text": "\n\n".join(paragraphs)}
            handle.write(json.dumps(record) + "\n")


def stored_count(db: Path) -> int:
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return 0


def fold_command(corpus: Path, db: Path) -> list[str]:
    return [
        sys.executable, "-m", "newsfold", "fold", str(corpus), "--db", str(db),
        "--stages", "copies", "--batch-size", "50", "--quiet",
    ]


def test_killed_fold_resumes_to_every_article_exactly_once(tmp_path: Path) -> None:
    total = 4000
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, total)
    db = tmp_path / "resume.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(fold_command(corpus, db), env=env)
    deadline = time.monotonic() + 120
    seen_at_kill = 0
    while time.monotonic() < deadline and process.poll() is None:
        seen_at_kill = stored_count(db)
        if seen_at_kill >= 300:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the fold finished before it could be killed"
    assert 0 < stored_count(db) < total

    rerun = subprocess.run(fold_command(corpus, db), env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr

    with Store(db) as store:
        assert store.integrity_check() == "ok"
        ids = [row["id"] for row in store.iter_assignments()]
        assert len(ids) == total
        assert sorted(ids) == [f"gen-{n:05d}" for n in range(total)]
        assert store.mark("copies") == max(seq for seq, _ in store.pending("none"))
