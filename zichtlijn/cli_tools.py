"""`zichtlijn pki dev` and `zichtlijn keys new`: set-up helpers."""

from __future__ import annotations

import argparse
from pathlib import Path

from zichtlijn.errors import CliError
from zichtlijn.identity import GEMEENTE_CODE
from zichtlijn.keyfile import write_new_secret
from zichtlijn.keys_cli import register as register_custodian_commands
from zichtlijn.pki import write_dev_pki


def cmd_pki_dev(args: argparse.Namespace) -> int:
    for code in args.node:
        if not GEMEENTE_CODE.match(code):
            raise CliError(f"--node {code!r}: expected a CBS code like GM0363")
    written = write_dev_pki(Path(args.out), args.node, args.riec, args.auditor,
                            tuple(args.hub_host))
    print(f"development PKI in {args.out}: {len(written) - 1} certificates and ca.pem")
    return 0


def cmd_keys_new(args: argparse.Namespace) -> int:
    write_new_secret(Path(args.out), args.epoch)
    print(f"linkage secret for epoch {args.epoch} written to {args.out} (mode 0600)")
    return 0


def register_pki(groups: argparse._SubParsersAction) -> None:
    pki = groups.add_parser("pki", help="certificates for development and tests")
    commands = pki.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="write a development CA and certificates")
    dev.add_argument("--out", required=True, help="directory to write into")
    dev.add_argument("--node", action="append", default=[], metavar="GMxxxx",
                     help="a municipality node (repeatable)")
    dev.add_argument("--riec", action="append", default=[], metavar="REGION",
                     help="a RIEC region client (repeatable)")
    dev.add_argument("--auditor", action="append", default=[], metavar="NAME",
                     help="an auditor client (repeatable)")
    dev.add_argument("--hub-host", action="append", default=["localhost", "127.0.0.1"],
                     help="host name or IP in the hub certificate (repeatable)")
    dev.set_defaults(run=cmd_pki_dev)


def register_keys(groups: argparse._SubParsersAction) -> None:
    keys = groups.add_parser("keys", help="linkage secret and key management")
    commands = keys.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="write a fresh linkage secret file (one holder)")
    new.add_argument("--out", required=True, help="file to create (never overwritten)")
    new.add_argument("--epoch", type=int, default=1, help="key epoch (default 1)")
    new.set_defaults(run=cmd_keys_new)
    register_custodian_commands(commands)
