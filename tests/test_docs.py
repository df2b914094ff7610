"""The docs stay true to the code: every CLI command and option is documented."""

from __future__ import annotations

from pathlib import Path

import click

from newsfold.cli import cli

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_cli_command_and_option_is_in_docs_cli_md() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        assert f"newsfold {name}" in text, f"docs/cli.md does not document `newsfold {name}`"
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                longest = max(parameter.opts, key=len)
                assert longest in text, f"docs/cli.md does not mention {longest} of `newsfold {name}`"


def test_every_relative_link_in_readme_and_docs_exists() -> None:
    import re

    root = DOCS.parent
    for page in [root / "README.md", *sorted(DOCS.glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
