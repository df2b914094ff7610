"""The CLI, called in-process: output, exit codes, exports, bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from newsfold.cli import cli

REPORT = (
    "The harbour authority in Portmere opened a new ferry terminal on Monday after two years of work.\n\n"
    "Officials said the terminal would handle three million passengers a year and cut waiting times.\n\n"
    "Local traders welcomed the opening but complained about the cost of parking near the quay."
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Ferry terminal opens in Portmere\n\n" + REPORT, encoding="utf-8")
    (folder / "b.txt").write_text("Ferry terminal opens in Portmere\n\n" + REPORT, encoding="utf-8")
    (folder / "c.txt").write_text(
        "Storm closes schools\n\nA winter storm closed every school in the northern districts on Tuesday.",
        encoding="utf-8",
    )
    return folder


def test_fold_prints_summary_and_exits_zero(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    result = run("fold", str(corpus), "--db", str(db), "--stages", "copies")
    assert result.exit_code == 0, result.output
    assert "stored     3" in result.output
    again = run("fold", str(corpus), "--db", str(db), "--stages", "copies", "--json")
    assert again.exit_code == 0
    summary = json.loads(again.output)
    assert summary["stored"] == 0 and summary["unchanged"] == 3 and summary["read"] == 3


def test_exact_duplicates_form_one_group_with_roles(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    run("fold", str(corpus), "--db", str(db), "--stages", "copies")
    groups = json.loads(run("list", "groups", "--db", str(db), "--json").output)
    assert len(groups) == 1 and groups[0]["size"] == 2
    exported = run("export", "--db", str(db), "--what", "assignments").output
    rows = {row["id"]: row for row in map(json.loads, exported.splitlines())}
    assert set(rows) == {"a.txt", "b.txt", "c.txt"}
    assert rows["a.txt"]["copy_group"] == rows["b.txt"]["copy_group"] is not None
    assert {rows["a.txt"]["copy_role"], rows["b.txt"]["copy_role"]} == {"canonical", "duplicate"}
    assert rows["c.txt"]["copy_group"] is None and rows["c.txt"]["event"] is None


def test_show_explains_an_article_and_a_group(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    run("fold", str(corpus), "--db", str(db), "--stages", "copies")
    shown = json.loads(run("show", "b.txt", "--db", str(db), "--json").output)
    assert shown["title"] == "Ferry terminal opens in Portmere"
    assert shown["copy_group"]["role"] in {"canonical", "duplicate"}
    assert shown["copies"][0]["other"] == "a.txt" and shown["copies"][0]["kind"] == "exact"
    group = json.loads(run("show", shown["copy_group"]["id"], "--db", str(db), "--json").output)
    assert {m["id"] for m in group["members"]} == {"a.txt", "b.txt"}
    missing = run("show", "nope", "--db", str(db))
    assert missing.exit_code == 1 and "no article" in missing.output


def test_exports_in_every_format(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    run("fold", str(corpus), "--db", str(db), "--stages", "copies")
    pairs_csv = run("export", "--db", str(db), "--what", "pairs", "--format", "csv").output
    pair_rows = list(csv.DictReader(io.StringIO(pairs_csv)))
    assert [(r["id_a"], r["id_b"], r["kind"]) for r in pair_rows] == [("a.txt", "b.txt", "exact")]
    out = tmp_path / "articles.parquet"
    result = run("export", "--db", str(db), "--what", "articles", "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0
    table = pq.read_table(out)
    assert sorted(table.column("id").to_pylist()) == ["a.txt", "b.txt", "c.txt"]
    no_out = run("export", "--db", str(db), "--format", "parquet")
    assert no_out.exit_code == 2 and "--out" in no_out.output


def test_skipped_records_are_reported_counted_and_written(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "ok-1", "text": "A proper article about the council vote on the new budget."}\n'
        '{"id": "bad", "text": "unterminated\n'
        '{"id": "empty", "text": "  "}\n',
        encoding="utf-8",
    )
    db = tmp_path / "n.db"
    skipped_file = tmp_path / "skipped.jsonl"
    result = CliRunner().invoke(
        cli, ["fold", str(feed), "--db", str(db), "--skipped", str(skipped_file), "--json"]
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["stored"] == 1 and summary["skipped_total"] == 2 and summary["read"] == 3
    lines = [json.loads(line) for line in skipped_file.read_text().splitlines()]
    assert len(lines) == 2
    assert any("feed.jsonl" in line["location"] and "2" in line["location"] for line in lines)
    assert "skipped" in result.stderr
    stats = json.loads(run("stats", "--db", str(db), "--json").output)
    assert stats["articles"] == 1 and sum(stats["skipped_by_kind"].values()) == 2


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert run("fold", str(tmp_path / "missing"), "--db", str(tmp_path / "x.db")).exit_code == 2
    assert run("fold", str(tmp_path), "--stages", "bogus", "--db", str(tmp_path / "x.db")).exit_code == 2
    assert run("list", "nothing").exit_code == 2
    assert run("stats", "--db", str(tmp_path / "absent.db")).exit_code == 2


def test_event_partition_is_for_the_spark_engine(corpus: Path, tmp_path: Path) -> None:
    result = run("fold", str(corpus), "--db", str(tmp_path / "n.db"), "--event-partition", "language")
    assert result.exit_code == 2
    assert "--event-partition is for --engine spark" in result.output
    assert not (tmp_path / "n.db").exists()
