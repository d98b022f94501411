"""The README says exactly what the command line and the settings are: nothing left out, nothing stale."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from bot.cli import cli
from bot.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command that runs something (not the groups), with its path of names."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def long_options(command: click.Command) -> set[str]:
    return {
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in param.opts
        if name.startswith("--") and name != "--help"
    }


def cli_block() -> str:
    """The command summary: the first code block under "## The command line"."""
    section = README.split("## The command line", 1)[1]
    return section.split("```", 2)[1]


def usage_lines() -> dict[tuple[str, ...], str]:
    """Each `learning-bot ...` line of the summary by its command path; () for the lines about every command."""
    found: dict[tuple[str, ...], str] = {}
    for line in cli_block().splitlines():
        if not line.startswith("learning-bot "):
            continue  # a description continued on its own line
        usage = re.split(r"\s{2,}", line.strip())[0]
        words = usage.split()[1:]
        command = cli.commands.get(words[0])
        if command is None:
            path: tuple[str, ...] = ()
        elif isinstance(command, click.Group):
            path = (words[0], words[1])
        else:
            path = (words[0],)
        found[path] = f"{found.get(path, '')} {usage}".strip()
    return found


COMMANDS = dict(commands(cli))


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_and_its_options_are_in_the_readme(path: tuple[str, ...]) -> None:
    command = COMMANDS[path]
    usage = usage_lines().get(path)
    assert usage is not None, f"the README's command line summary has no `learning-bot {' '.join(path)}` line"
    for option in long_options(command):
        assert re.search(rf"{re.escape(option)}\b", usage), f"{option} of `{' '.join(path)}` is not in the README"
    rest = usage.split()[1 + len(path) :]
    for argument in (param for param in command.params if isinstance(param, click.Argument)):
        shown = rest[0] if rest else ""
        if argument.required:
            assert shown and not shown.startswith("["), f"{argument.name} of {path} is required: show it bare"
        else:
            assert shown == f"[{argument.name.upper()}]", f"{argument.name} of {path} is optional: show [NAME]"


def test_the_readme_lists_no_command_or_option_that_does_not_exist() -> None:
    for path, usage in usage_lines().items():
        if not path:
            continue
        assert path in COMMANDS, f"`learning-bot {' '.join(path)}` is not a command"
        for option in re.findall(r"--[a-z][a-z-]*", usage):
            assert option in long_options(COMMANDS[path]), f"`{' '.join(path)}` has no {option}"


def test_the_options_for_every_command_are_in_the_readme() -> None:
    block = cli_block()
    for param in cli.params:
        for name in param.opts:
            assert name in block, f"the global option {name} is not in the README's command line summary"
    assert "-h" in README and "--help" in block


def readme_variables() -> set[str]:
    """Every variable the README lists: in a settings table's first column, or set in an example `.env`."""
    names = set()
    for line in README.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first))
    for block in README.split("```sh")[1:]:
        for line in block.split("```", 1)[0].splitlines():
            match = re.match(r"#?\s*([A-Z][A-Z0-9_]+)=", line)
            if match:
                names.add(match.group(1))
    return names


def cli_variables() -> set[str]:
    """Variables the command line reads itself (`PORT`, `LEARNING_BOT_DB`, ...)."""
    found = set()

    def walk(command: click.Command) -> None:
        for param in command.params:
            envvars = param.envvar if isinstance(param.envvar, list | tuple) else [param.envvar]
            found.update(name for name in envvars if name)
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                walk(sub)

    walk(cli)
    return found


def test_every_variable_the_readme_lists_exists() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    listed = readme_variables()
    assert {"SLACK_BOT_TOKEN", "PORT", "DIGEST_CRON"} <= listed  # the tables were read
    assert listed - settings - cli_variables() == set()


def test_every_setting_is_in_the_readme() -> None:
    missing = ({name.upper() for name in Settings.model_fields} | cli_variables()) - readme_variables()
    assert missing == set(), f"settings the README does not list: {sorted(missing)}"
