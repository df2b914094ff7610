"""`newsfold eval` scores assignments against gold."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsfold.cli import cli


def test_eval_scores_an_export_against_gold(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(json.dumps({"id": i, "label": g}) for i, g in [("a", 1), ("b", 1), ("c", 2), ("d", 2)]),
        encoding="utf-8",
    )
    perfect = tmp_path / "perfect.jsonl"
    perfect.write_text(
        "\n".join(json.dumps({"id": i, "event": e}) for i, e in [("a", "x"), ("b", "x"), ("c", "y"), ("d", "y")]),
        encoding="utf-8",
    )
    lumped = tmp_path / "lumped.jsonl"
    lumped.write_text("\n".join(json.dumps({"id": i, "event": "x"}) for i in "abcd"), encoding="utf-8")
    runner = CliRunner()
    best = runner.invoke(cli, ["eval", "--gold", str(gold), "--gold-field", "label", "--predicted", str(perfect),
                               "--json"])
    assert best.exit_code == 0, best.output
    assert json.loads(best.output)["bcubed_f1"] == 1.0
    worst = json.loads(
        runner.invoke(cli, ["eval", "--gold", str(gold), "--gold-field", "label", "--predicted", str(lumped),
                            "--json"]).output
    )
    assert worst["bcubed_precision"] == 0.5 and worst["bcubed_recall"] == 1.0
    missing = runner.invoke(cli, ["eval", "--gold", str(tmp_path / "none.jsonl"), "--predicted", str(lumped)])
    assert missing.exit_code == 2
