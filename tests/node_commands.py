"""Every `zichtlijn node` command with the fewest arguments it takes, for tests that run
each on a node home (a missing node.db, the home's lock). A new node command fails
`test_every_node_command_is_listed` until it is added here."""

from __future__ import annotations

import argparse
from pathlib import Path

from zichtlijn import cli

#: command words after `node` -> arguments after them (besides --home); FILE is replaced
#: by a path that need not exist: each command refuses before reading it
ARGS: dict[tuple[str, ...], list[str]] = {
    ("import",): ["FILE"],
    ("sightings",): [],
    ("sync",): [],
    ("recover",): [],
    ("witness",): [],
    ("trust-log-key",): ["--log-key", "FILE"],
    ("witness-key",): [],
    ("backup",): ["--out", "FILE"],
    ("status",): [],
    ("keys", "install"): ["--package", "FILE"],
    ("keys", "retire"): ["--epoch", "1"],
    ("lookup",): ["--purpose", "controle", "--from-json", "FILE"],
    ("withdraw",): ["E-1", "--reason", "error"],
    ("correct",): ["E-1", "--from-json", "FILE"],
    ("purge",): [],
    ("alerts",): [],
}


def node_commands() -> set[tuple[str, ...]]:
    """The command words of every runnable `zichtlijn node` command but `init`."""
    found: set[tuple[str, ...]] = set()

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions  # argparse keeps subparsers nowhere public
                if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.add(path)
        for action in subs:
            for name, sub in action.choices.items():
                walk(sub, (*path, name))

    root = next(a for a in cli.build_parser()._actions
                if isinstance(a, argparse._SubParsersAction))
    walk(root.choices["node"], ())
    return found - {("init",)}


def argv(command: tuple[str, ...], home: Path, file: Path) -> list[str]:
    return ["node", *command, "--home", str(home),
            *(str(file) if arg == "FILE" else arg for arg in ARGS[command])]
