"""Every `zichtlijn` command the READMEs show is one this release parses, so an
operator who copies a line from it meets the command it describes, not a usage error.

The README writes optional parts as `[--flag VALUE]`, choices as `a|b` and
placeholders in capitals; each line is tried with no optional part, with every
optional part (its first choice), and with every choice of a word.
"""

from __future__ import annotations

import argparse
import itertools
import re
import shlex
from pathlib import Path

import pytest

from zichtlijn import cli

README = Path(__file__).parent.parent / "README.md"
DEPLOY_README = README.parent / "deploy" / "README.md"
_COMMAND = re.compile(r"^ {4}(?:\$ )?(?:\.venv/bin/)?zichtlijn (.*)$")
# a line of options under a command whose last line did not end in a backslash
_ORPHAN = re.compile(r"^ {8}\[?--")
_OPTIONAL = re.compile(r"\[([^\]]*)\]")
# placeholders whose option checks its value
_VALUES = {"YYYY-MM-DD": "2027-03-31", "DATE": "2027-01-01", "D": "2027-01-01", "CURSOR": "0"}


def readme_commands() -> list[tuple[int, str]]:
    """(line number, text after `zichtlijn`) of every command in an indented code
    block, continuation lines joined and comments dropped."""
    found, lines = [], README.read_text("utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = _COMMAND.match(lines[index])
        if match:
            number, text = index + 1, match.group(1)
            while text.rstrip().endswith("\\") and index + 1 < len(lines):
                index += 1
                text = text.rstrip()[:-1] + " " + lines[index].strip()
            found.append((number, text.split("  #")[0].split(" # ")[0].strip()))
        index += 1
    return found


def orphan_option_lines() -> list[int]:
    """Line numbers of option lines under a command that had already ended: the shell
    would run them as commands of their own."""
    lines = README.read_text("utf-8").splitlines()
    return [number + 2 for number, line in enumerate(lines[:-1])
            if not line.rstrip().endswith("\\") and _ORPHAN.match(lines[number + 1])
            and (_COMMAND.match(line) or _ORPHAN.match(line))]


def _words(text: str) -> list[str]:
    text = re.sub(r"<[^>]*>", "PLACEHOLDER", text)  # <K or more share files>
    text = re.sub(r"\([^)]*\)", "", text)  # (N names, optional)
    return [_VALUES.get(word, word) for word in shlex.split(text) if word != "..."]


def variants(text: str) -> list[list[str]]:
    """The argument lists one README line stands for."""
    bare = _OPTIONAL.sub("", text)
    # every optional part in, its first choice; a part standing for more of itself
    # ("[--node ... --cert ...]") left out
    full = _OPTIONAL.sub(lambda m: "" if "..." in m.group(1) else m.group(1).split(" | ")[0],
                         text)
    found = []
    for line in {bare, full}:
        words = _words(line)
        choices = [word.split("|") if "|" in word and not word.startswith("-") else [word]
                   for word in words]
        found.extend(list(chosen) for chosen in itertools.product(*choices))
    return found


COMMANDS = readme_commands()


def test_the_readme_shows_the_commands_of_every_user():
    shown = {text.split()[0] for _, text in COMMANDS}
    assert shown >= {"node", "hub", "riec", "audit", "keys", "demo", "pki"}
    assert len(COMMANDS) > 50


def test_no_option_line_stands_after_its_command_ended():
    assert orphan_option_lines() == []


def test_a_variant_per_choice_and_per_optional_part():
    assert variants("node withdraw --home node CASE_REF --reason error|erasure") == [
        ["node", "withdraw", "--home", "node", "CASE_REF", "--reason", "error"],
        ["node", "withdraw", "--home", "node", "CASE_REF", "--reason", "erasure"],
    ]
    assert sorted(variants("node keys install --package P [--overlap-until YYYY-MM-DD | "
                           "--overlap-days 90]")) == [
        ["node", "keys", "install", "--package", "P"],
        ["node", "keys", "install", "--package", "P", "--overlap-until", "2027-03-31"],
    ]


@pytest.mark.parametrize("line, text", COMMANDS, ids=[f"line{n}" for n, _ in COMMANDS])
def test_every_readme_command_parses(line, text, capsys):
    for words in variants(text):
        try:
            parsed = cli.build_parser().parse_args(words)
        except SystemExit:
            error = capsys.readouterr().err.strip().splitlines()[-1]
            pytest.fail(f"README line {line}: zichtlijn {' '.join(words)}: {error}")
        assert callable(parsed.run)


_INLINE = re.compile(r"`(?:zichtlijn )?((?:node|hub|riec|audit|keys|pki|demo) [^`\n]*)`")


def _subcommand(words: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The parser of the longest subcommand path `words` begins with, and that path."""
    parser, path = cli.build_parser(), []
    for word in words:
        subparsers = [action for action in parser._actions  # argparse keeps them private
                      if isinstance(action, argparse._SubParsersAction)]
        if not subparsers or word not in subparsers[0].choices:
            break
        parser, path = subparsers[0].choices[word], [*path, word]
    return parser, path


def test_every_command_named_in_the_text_exists_with_its_options():
    named = sorted({text for readme in (README, DEPLOY_README)
                    for text in _INLINE.findall(readme.read_text("utf-8"))})
    assert len(named) > 30
    for text in named:
        words = text.split()
        parser, path = _subcommand(words)
        whole_family = words[1:2] == ["..."]  # `zichtlijn hub ...`
        assert len(path) >= 2 or whole_family or words[0] == "demo", (
            f"README names `{text}`: no such command")
        known = {option for action in parser._actions for option in action.option_strings}
        for option in (word for word in words if word.startswith("--")):
            assert option in known, f"README names `{text}`: {' '.join(path)} has no {option}"


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_inside_the_readme_leads_to_a_heading():
    text = README.read_text("utf-8")
    anchors = {_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert len(links) > 10
    assert sorted(set(links) - anchors) == []
