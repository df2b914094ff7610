"""The README's Python example runs as written (on a copy of examples/)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README.md has no Python example"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    previous = Path.cwd()
    os.chdir(tmp_path)
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            exec(compile(blocks[0], "README.md", "exec"), {})
    finally:
        os.chdir(previous)
    printed = output.getvalue()
    assert "'stored':" in printed
    assert "lantern-2025-0305-bridge" in printed
    assert (tmp_path / "demo.db").exists()
