"""Storyline linking with a hot index key: the per-key postings cap against comparing every candidate.

Generates ``--events`` one-article events over ``--days`` days. Every event names the same actor (the
hot key, as a head of state is named in most political stories of a year) and one of ``--stories``
subjects, each with its own people and terms, so true storylines exist under the hot key. Then times, in
this one process, :func:`newsfold.stories.link_storylines` with the default ``key_postings`` (200) and
with ``key_postings=None`` (every earlier event sharing a key is a candidate), and prints events per
second, the ratio, and how many events got a different storyline or earlier link under the cap.

    .venv/bin/python benchmarks/stories.py --events 4000 8000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsfold.evaluate import score_clustering  # noqa: E402
from newsfold.events.features import ArticleFeatures, IdfTable, article_features  # noqa: E402
from newsfold.model import Article  # noqa: E402
from newsfold.stories.link import StoryGrouping, StoryOptions, link_storylines  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "tor", "vi", "zel", "bra", "don", "est", "ful", "gar", "hin"]


def generated_events(count: int, stories: int, days: int, seed: int = 5) -> dict[str, list[ArticleFeatures]]:
    """``count`` one-article events, each about one of ``stories`` subjects and all naming one actor."""
    rng = random.Random(seed)

    def word(parts: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(parts))

    subjects = [
        ([word(3) for _ in range(6)], f"{word(2).capitalize()} {word(2).capitalize()}", word(3).capitalize())
        for _ in range(stories)
    ]
    idf = IdfTable.background()
    start = dt.date(2024, 1, 1)
    events: dict[str, list[ArticleFeatures]] = {}
    for number in range(count):
        terms, person, place = subjects[rng.randrange(stories)]
        chosen = rng.sample(terms, 5)
        text = (f"{person} discussed the {chosen[0]} {chosen[1]} {chosen[2]} in {place} on a call with President "
                f"Mendel. The {chosen[3]} {chosen[4]} {chosen[0]} in {place} would follow, {person} said.")
        article = Article(id=f"e{number:06d}", content_hash=f"{number:016d}", title=f"{person}: {chosen[0]} {chosen[2]}",
                          text=text, published=start + dt.timedelta(days=rng.randrange(days)))
        events[f"event-{number:06d}"] = [article_features(article, idf, update_idf=False)]
    return events


def timed(events: dict[str, list[ArticleFeatures]], options: StoryOptions) -> tuple[float, StoryGrouping]:
    started = time.process_time()
    result = link_storylines(events, options)
    return time.process_time() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[4000, 8000])
    parser.add_argument("--stories", type=int, default=400)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args(argv)
    for count in args.events:
        events = generated_events(count, args.stories, args.days)
        capped_s, capped = timed(events, StoryOptions())
        full_s, full = timed(events, StoryOptions(key_postings=None))
        parents_capped = {link.later: link.earlier for s in capped.storylines for link in s.links}
        parents_full = {link.later: link.earlier for s in full.storylines for link in s.links}
        differ = sum(parents_capped.get(e) != parents_full.get(e) for e in events)
        agreement = score_clustering(dict(full.assignments), dict(capped.assignments))
        print(f"{count} events, one actor in all of them, {args.stories} subjects over {args.days} days (CPU time):")
        print(f"  key_postings=200 : {capped_s:7.2f} s  {count / capped_s:9.0f} events/s  "
              f"{len(capped.storylines)} storylines")
        print(f"  key_postings=None: {full_s:7.2f} s  {count / full_s:9.0f} events/s  "
              f"{len(full.storylines)} storylines")
        print(f"  speed-up {full_s / capped_s:.1f}x; earlier link differs for {differ} events; "
              f"storylines ARI against uncapped {agreement.ari:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
