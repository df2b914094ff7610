"""The events and stories stages over a store: the seeds fold as the data README says, incrementally too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsfold.pipeline import fold
from newsfold.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


@pytest.fixture
def seed_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (../shared/data is absent)")
    return SEEDS


def folded(store: Store) -> tuple[set[frozenset[str]], set[str]]:
    events: dict[str, set[str]] = {}
    stories: set[str] = set()
    for row in store.iter_assignments():
        assert row["event"] is not None and row["story"] is not None
        events.setdefault(str(row["event"]), set()).add(str(row["id"])[:3])
        stories.add(str(row["story"]))
    return {frozenset(m) for m in events.values()}, stories


EXPECTED = {frozenset({"000", "001", "002"}), frozenset({"003"}), frozenset({"004"})}


def test_seeds_fold_into_events_and_one_storyline(tmp_path: Path, seed_dir: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        report = fold([seed_dir], store)
        events, stories = folded(store)
        assert events == EXPECTED
        assert len(stories) == 1
        by_stage = {s.stage: s for s in report.stages}
        assert by_stage["events"].counts["events_opened"] == 3
        event_id = store.event_of(["001_3e84e9b1bb314fa2.txt"])["001_3e84e9b1bb314fa2.txt"]
        event = store.get_event(event_id)
        assert event is not None and event["card"]["when"] == "2020-06-19"
        evidence = {m["article_id"][:3]: m["evidence"] for m in event["members"]}
        assert evidence["001"]["action"] == "join" and "term_cosine" in evidence["001"]["features"]
        story = store.get_story(next(iter(stories)))
        assert story is not None and len(story["summary"]["links"]) == 2
        # a rerun folds nothing new and changes nothing
        fold([seed_dir], store)
        assert folded(store) == (events, stories)


def test_incremental_fold_gives_the_same_events(tmp_path: Path, seed_dir: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for path in sorted(seed_dir.glob("*.txt")):
        shutil.copy(path, (first if path.name[:3] in {"000", "003"} else second) / path.name)
    with Store(tmp_path / "n.db") as store:
        fold([first], store)
        fold([second], store)
        events, stories = folded(store)
        assert events == EXPECTED
        assert len(stories) == 1
