"""A view built from several queries reads one snapshot: a fold committing in the middle does not show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsfold.store import Store
from newsfold.views import filter_events, story_view
from test_server import populate_demo_store


def test_story_view_is_not_torn_by_a_commit_in_the_middle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "demo.db"
    with Store(path) as setup:
        populate_demo_store(setup)
    with Store(path) as reader, Store(path) as writer:
        original = reader.get_story

        def get_story_then_a_fold_commits(story_id: str) -> dict[str, Any] | None:
            story = original(story_id)
            writer.delete_events(["ev-bridge-traffic"])
            return story

        monkeypatch.setattr(reader, "get_story", get_story_then_a_fold_commits)
        view = story_view(reader, "st-bridge")
        assert view is not None
        assert [e["id"] for e in view["events"]] == ["ev-bridge-opens", "ev-bridge-traffic"]
        monkeypatch.undo()
        after = story_view(reader, "st-bridge")
        assert after is not None and [e["id"] for e in after["events"]] == ["ev-bridge-opens"]
        assert "ev-bridge-traffic" not in {e["id"] for e in filter_events(reader)["items"]}
