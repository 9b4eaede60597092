"""The README's two set-up commands and its command-line list say what the code does."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from tracker.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= _commands(command, (*prefix, name))
        else:
            found.add((*prefix, name))
    return found


def _listed() -> set[tuple[str, ...]]:
    """Each command the README's "Command line" block shows, as the words that name it."""
    section = README.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    listed = set()
    for line in block.splitlines():
        words = shlex.split(line.split("#")[0].replace("|", " "))[1:]  # after .venv/bin/tracker
        while words and words[0].startswith("--"):  # options of the tool itself (--db FILE, --help)
            words = words[2:] if words[0] == "--db" else words[1:]
        command, group = [], main
        for word in words:
            if not isinstance(group, click.Group) or word not in group.commands:
                break
            command.append(word)
            group = group.commands[word]
        if command:
            listed.add(tuple(command))
        elif words:
            listed.add(tuple(words[:1]))  # a command the tool does not have: the test names it
    return listed


def test_the_readme_lists_every_command_the_tool_has_and_no_other():
    assert _listed() == _commands(main)


def test_the_readme_starts_the_app_and_runs_the_tests_with_the_makefile():
    setup = README.split("\n## Two commands\n", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^make run\b", setup, re.M) and re.search(r"^make test\b", setup, re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "make test" in ci
