"""The shared seed articles read as five text documents named by their file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfold.model import RawDocument
from newsfold.readers import iter_raw

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


def test_seeds_give_five_documents_named_by_their_files() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS} (they live beside the project in ../shared/data)")
    file_names = sorted(
        path.name for path in SEEDS.iterdir() if path.is_file() and not path.name.startswith(".")
    )

    items = list(iter_raw([SEEDS]))

    assert all(isinstance(item, RawDocument) for item in items)
    documents = [item for item in items if isinstance(item, RawDocument)]
    assert len(documents) == 5
    assert [document.derived_id for document in documents] == file_names
    assert [document.location for document in documents] == [str(SEEDS / name) for name in file_names]
    assert all(document.text.strip() and document.given_id is None for document in documents)
