"""Every command says how to use it (DESIGN §10: every command has --help)."""

from __future__ import annotations

import argparse

import pytest

from zichtlijn import cli


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every subcommand path of the console script, depth first."""
    for action in parser._actions:  # argparse keeps subparsers nowhere public
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name)
                yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(cli.build_parser()))


def test_the_script_has_every_command_of_the_design():
    assert {path[0] for path in COMMANDS} >= {"node", "hub", "riec", "audit", "keys", "demo"}


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_exits_zero(path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*path, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: zichtlijn {' '.join(path)}")


def test_a_reader_that_leaves_early_ends_the_command_quietly(tmp_path):
    # `zichtlijn hub clusters | head`: no "[Errno 32] Broken pipe", exit as SIGPIPE would
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "zichtlijn"
    process = subprocess.Popen([str(script), "pki", "dev", "--out", str(tmp_path / "pki"),
                                "--node", "GM0363"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the command writes
    err = process.stderr.read()
    assert (process.wait(), err) == (141, b"")


@pytest.mark.parametrize(("args", "said"), [
    (["node", "import"], "zichtlijn node import: error: the following arguments are required: "
                         "file (see `zichtlijn node import --help`)"),
    (["hub", "status", "--bogus"], "zichtlijn: error: unrecognized arguments: --bogus "
                                   "(see `zichtlijn --help`)"),
])
def test_a_bad_option_is_one_line_with_exit_status_2(args, said, capsys):
    # DESIGN §10: a one-line error on bad input; the usage is one --help away
    with pytest.raises(SystemExit) as exit_:
        cli.main(args)
    assert exit_.value.code == 2
    assert capsys.readouterr().err == said + "\n"
