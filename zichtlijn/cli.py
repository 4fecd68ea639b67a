"""The `zichtlijn` command: one entry point, a subcommand group per user."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

import grpc

# nothing imported here may import linkage.kernels: its cache is decided first (main)
from zichtlijn.numba_cache import NumbaCacheError, ensure_numba_cache

GROUPS = ("node", "hub", "riec", "audit", "pki", "keys", "demo")


class OneLineParser(argparse.ArgumentParser):
    """Bad options and arguments are one line, as every other error (DESIGN §10); the
    usage stays one `--help` away. Subcommands' parsers are of the same class."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    from hub.cli import register as register_hub
    from node.cli import register as register_node
    from zichtlijn.audit_cli import register as register_audit
    from zichtlijn.cli_tools import register_keys, register_pki
    from zichtlijn.demo import register as register_demo
    from zichtlijn.riec_cli import register as register_riec

    parser = OneLineParser(
        prog="zichtlijn",
        description="Privacy-preserving linkage of control sightings across municipalities.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    groups = parser.add_subparsers(dest="group", metavar="{" + ",".join(GROUPS) + "}",
                                   required=True)
    register_node(groups)
    register_hub(groups)
    register_riec(groups)
    register_audit(groups)
    register_pki(groups)
    register_keys(groups)
    register_demo(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:  # before anything imports linkage.kernels, which needs a writable numba cache
        ensure_numba_cache()
    except NumbaCacheError as error:
        print(f"zichtlijn: {error}", file=sys.stderr)
        return 1
    from zichtlijn.errors import USER_ERRORS, CliError, describe

    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a reader that left is met here, not in a traceback at exit
        return code
    except KeyboardInterrupt:
        print("zichtlijn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (`... | head`): as a command killed by SIGPIPE
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that exiting flushes nowhere, silently
        return 141
    except grpc.RpcError as error:
        print(f"zichtlijn: {describe(error, getattr(args, 'peer', 'hub'))}", file=sys.stderr)
        return 1
    except (CliError, *USER_ERRORS) as error:
        print(f"zichtlijn: {describe(error)}", file=sys.stderr)
        return getattr(error, "exit_code", 1)
    except sqlite3.Error as error:  # past opening (a full disk, a file damaged meanwhile)
        # SQLite's own message names tables and columns, never a value; the stack (-v)
        # is its frames alone, as for a bug below
        _print_stack(args, error)
        print(f"zichtlijn: database error: {error} (run again with -v for where)",
              file=sys.stderr)
        return 1
    except Exception as error:  # a bug: one line, and never the message
        # an unexpected error's message may quote what it was working on (a name from
        # a CSV row), so neither the line nor -v's stack shows it: only type and place
        _print_stack(args, error)
        print(f"zichtlijn: internal error ({type(error).__name__}; its message is not shown, "
              "as it may quote personal data): run again with -v for where it happened, and "
              "report it", file=sys.stderr)
        return 70  # EX_SOFTWARE


def _print_stack(args: argparse.Namespace, error: BaseException) -> None:
    """With -v, where `error` happened: file, line, function and source line of each frame,
    never the message of the error or of one it was raised from (a logger's exc_info would
    print both)."""
    if args.verbose:
        print("".join(traceback.format_tb(error.__traceback__)), end="", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
