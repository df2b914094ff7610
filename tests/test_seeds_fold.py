"""Acceptance: folding ../shared/data/seeds through the CLI gives the titles, datelines and dates the
seeds' README implies, and a byte-identical copy of a seed joins its copy group."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from newsfold.cli import cli
from newsfold.store import Store

SEED_000 = "000_b6401c2b5c7dabf4.txt"
SEED_001 = "001_3e84e9b1bb314fa2.txt"
SEED_003 = "003_303e7899af01f908.txt"
SEED_004 = "004_b4ec7b0ef9ed0411.txt"


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def test_seeds_fold_with_titles_datelines_and_dates(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "seeds.db"
    result = CliRunner().invoke(cli, ["fold", str(seeds_dir), "--db", str(db), "--stages", "copies", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 5
    with Store(db) as store:
        a000, a001, a003, a004 = store.get_articles([SEED_000, SEED_001, SEED_003, SEED_004])
    assert a000.title == "Lukashenko says Russian-Belarusian issues can be solved"
    assert a000.dateline is not None and a000.dateline.place == "MINSK" and a000.dateline.agency == "TASS"
    assert _day(a000.published) == dt.date(2020, 6, 19)
    assert a001.dateline is not None and a001.dateline.place is not None
    assert a001.dateline.place.lower() == "minsk"
    assert _day(a001.published) == dt.date(2020, 6, 19)
    assert _day(a003.published) == dt.date(2020, 11, 26)
    assert _day(a004.published) == dt.date(2024, 5, 24)


def test_byte_identical_copy_of_a_seed_joins_its_copy_group(seeds_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    shutil.copyfile(seeds_dir / SEED_000, corpus / "mirror-of-000.txt")
    db = tmp_path / "seeds.db"
    result = CliRunner().invoke(cli, ["fold", str(corpus), "--db", str(db), "--stages", "copies", "--quiet"])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        groups = store.copy_group_ids_of([SEED_000, "mirror-of-000.txt"])
        assert groups[SEED_000] == groups["mirror-of-000.txt"]
        group = store.get_copy_group(groups[SEED_000])
    assert group is not None
    roles = {m.article_id: m.role for m in group.members}
    assert roles["mirror-of-000.txt"] == "duplicate" and roles[SEED_000] == "canonical"


def test_yearless_dates_are_resolved_again_against_the_collection(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "seeds.db"
    runner = CliRunner()
    runner.invoke(cli, ["fold", str(seeds_dir / SEED_000), "--db", str(db), "--stages", "copies", "-q"])
    with Store(db) as store:
        alone = store.get_article(SEED_000)
    assert alone is not None and alone.year_inferred
    result = runner.invoke(
        cli, ["fold", str(seeds_dir / SEED_004), "--db", str(db), "--stages", "copies", "--json"]
    )
    assert json.loads(result.stdout)["redated"] in (0, 1)
    with Store(db) as store:
        later = store.get_article(SEED_000)
    assert later is not None and _day(later.published) == dt.date(2020, 6, 19)
    assert later.dateline is not None and later.dateline.date == dt.date(2020, 6, 19)
