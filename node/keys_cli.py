"""`zichtlijn node keys ...`: install the next epoch's key package, end an overlap."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from node.config import load_config
from node.epoch_report import heard_retired_elsewhere, retired_elsewhere_advice
from node.epochs import OVERLAP, RETIRED, EpochInfo, Keyring, overlap_ended
from node.home_lock import holding_lock
from node.store import NodeStore
from zichtlijn.errors import CliError


def describe(info: EpochInfo, today: dt.date | None = None) -> str:
    """One line about an epoch, as `node status` and `node keys` print it."""
    keys = f"keys {info.key_fingerprint}"
    if info.from_secret_file:
        return f"{info.epoch} current ({keys}; development secret file)"
    if info.state == RETIRED:
        return f"{info.epoch} retired on {info.retired_on}: keys destroyed ({keys})"
    if today is not None and overlap_ended(info, today):
        return (f"{info.epoch} overlap ended on {info.overlap_until}; retired at the next "
                f"import or sync ({keys})")
    if info.state == OVERLAP:
        return (f"{info.epoch} overlap until {info.overlap_until}: new sightings are also "
                f"encoded under it ({keys})")
    return f"{info.epoch} current since {info.changed_on} ({keys})"


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def cmd_install(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    path = Path(args.package)
    today = dt.date.today()
    until = args.overlap_until
    if until is None and args.overlap_days is not None:
        if args.overlap_days < 0:
            raise CliError("--overlap-days must not be negative")
        until = today + dt.timedelta(days=args.overlap_days)
    store = NodeStore(config.db_path)
    try:
        keyring = Keyring(config, store)
        info = keyring.install(path.read_bytes(), today, until, str(path))
        epochs = keyring.epochs(today)
        behind = heard_retired_elsewhere(store.db)  # the hub's answer at the last sync
    finally:
        store.close()
    print(f"epoch {info.epoch} installed; this node's epochs now:")
    for other in epochs:
        print(f"  {describe(other)}")
    # a late package: every new sighting would go on being encoded under an epoch the
    # others destroyed (perhaps because its keys were stolen) for the whole overlap
    for other in epochs:
        if other.state == OVERLAP and other.epoch in behind:
            print("zichtlijn: warning: "
                  + retired_elsewhere_advice(other.epoch, OVERLAP, behind[other.epoch]),
                  file=sys.stderr)
    return 0


def cmd_retire(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    store = NodeStore(config.db_path)
    try:
        info = Keyring(config, store).retire(args.epoch, dt.date.today())
    finally:
        store.close()
    print(f"epoch {describe(info)}")
    return 0


def register(commands: argparse._SubParsersAction,
             add_home: Callable[[argparse.ArgumentParser], None],
             home_of: Callable[[argparse.Namespace], Path]) -> None:
    keys = commands.add_parser("keys", help="key epochs: install the next package, retire one")
    actions = keys.add_subparsers(dest="action", required=True)

    install = actions.add_parser(
        "install", help="install a key package; a newer epoch starts an overlap window")
    add_home(install)
    install.add_argument("--package", required=True, help="key package made for this node")
    window = install.add_mutually_exclusive_group()
    window.add_argument("--overlap-until", type=_parse_date, metavar="YYYY-MM-DD",
                        help="last day new sightings are also encoded under the old epoch")
    window.add_argument("--overlap-days", type=int, metavar="DAYS",
                        help="overlap length from today (default 90)")
    install.set_defaults(run=holding_lock("keys install", home_of,
                                          lambda a: cmd_install(a, home_of(a))))

    retire = actions.add_parser(
        "retire", help="end an old epoch's overlap now and destroy its keys")
    add_home(retire)
    retire.add_argument("--epoch", type=int, required=True, help="the old epoch to retire")
    retire.set_defaults(run=holding_lock("keys retire", home_of,
                                         lambda a: cmd_retire(a, home_of(a))))
