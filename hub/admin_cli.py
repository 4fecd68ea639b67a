"""`zichtlijn hub purge` and `zichtlijn hub lookups ...`: retention and the lookup switch.

`hub purge` changes sightings and persons, which a serving hub holds in
memory too, so it refuses while `hub serve` runs on the same home (the
serving hub purges by itself, at start and daily). `hub lookups` only flips
a switch the serving hub reads at every lookup, so it works beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hub import lookup_control
from hub.alerts import setup as alerts_setup
from hub.alerts.config import load_alert_config
from hub.alerts.engine import AlertEngine
from hub.config import load_config
from hub.erase_gemeente import REASONS as ERASE_REASONS
from hub.erase_gemeente import erase_gemeente
from hub.linker import Linker
from hub.retention import purge
from hub.settings import load_settings
from hub.store import HubStore, utc_now
from linkage.schema import default_schema
from zichtlijn.errors import CliError
from zichtlijn.file_lock import exclusive_lock, is_held
from zichtlijn.identity import GEMEENTE_CODE

LOCK_NAME = "serve.lock"


@contextmanager
def serving(home: Path) -> Iterator[None]:
    """Held by `hub serve` while it runs; `hub purge` refuses while someone holds it."""
    with exclusive_lock(home / LOCK_NAME) as held:
        if held is None:
            raise CliError(f"another `zichtlijn hub serve` runs on {home}")
        yield


def is_serving(home: Path) -> bool:
    """Does `hub serve` run on `home` (hold its lock) now?"""
    return is_held(home / LOCK_NAME)


def not_serving(home: Path, refusal: str) -> None:
    """Raise CliError(`refusal`) while `hub serve` runs on `home`: for commands that change
    what a serving hub holds in memory (its persons)."""
    if is_serving(home):
        raise CliError(refusal)


def operator_actor() -> str:
    # the operator at the hub's console: the OS account is what the hub can vouch for
    return f"operator-cli:{getpass.getuser()}"


@contextmanager
def stopped_hub(home: Path) -> Iterator[tuple[HubStore, Linker, AlertEngine | None]]:
    """The store, linker and alert engine of a hub that is not serving, for a command that
    removes sightings as the serving hub would."""
    config = load_config(home)
    alert_config = load_alert_config(config.alerts) if config.alerts else None
    store = HubStore.for_operator(config.db_path)
    try:
        if alert_config is None and (held := alerts_setup.alerts_held(store)):
            raise CliError(alerts_setup.unconfigured(held, "after the removal"))
        matching = load_settings(home).matching
        linker = Linker(store, default_schema(), matching.policy(), matching.auto_rule(),
                        alerts=alert_config is not None)
        # companions are grouped with the configured settings, never a raised threshold
        engine = (AlertEngine(store, alert_config, default_schema(), matching.policy())
                  if alert_config else None)
        yield store, linker, engine
    finally:
        store.close()


def cmd_purge(args: argparse.Namespace, home: Path) -> int:
    months = load_settings(home).retention.months
    not_serving(home, "the hub is serving on this home and purges by itself at start and "
                      "daily; stop it first to purge by hand")
    with stopped_hub(home) as (store, linker, engine):
        outcome = purge(store, linker, dt.date.today(), months, actor=operator_actor(),
                        alerts=engine)
    per = ", ".join(f"{g} {n}" for g, n in outcome.by_gemeente.items())
    print(f"purged {outcome.sightings} sightings observed on or before {outcome.cutoff} "
          f"(retention {months} months){f': {per}' if per else ''}; "
          f"{outcome.persons_changed} sightings changed person, "
          f"{outcome.alerts_changed} alerts updated or closed")
    return 0


def cmd_erase(args: argparse.Namespace, home: Path) -> int:
    if not GEMEENTE_CODE.match(args.gemeente):
        raise CliError(f"--gemeente {args.gemeente!r}: expected a CBS code like GM0363")
    not_serving(home, "the hub is serving on this home; stop it first to erase a "
                      "municipality's sightings")
    with stopped_hub(home) as (store, linker, engine):
        erased = erase_gemeente(store, linker, args.gemeente, args.reason, operator_actor(),
                                engine)
    print(f"erased {erased.sightings:,} sightings of {args.gemeente} ({args.reason}), logged; "
          f"{erased.persons_changed} sightings changed person, {erased.alerts_changed} alerts "
          "updated or closed. Revoke its node's certificate if not done yet (`hub revoke "
          "--reason left`)")
    return 0


def _scope(args: argparse.Namespace) -> str:
    if args.all:
        return lookup_control.ALL
    if not GEMEENTE_CODE.match(args.node or ""):
        raise CliError(f"--node {args.node!r}: expected a CBS code like GM0363")
    return args.node


def cmd_lookups(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    settings = load_settings(home).lookup
    store = HubStore.for_operator(config.db_path)
    try:
        if args.action in ("enable", "disable"):
            with store.transaction() as conn:
                lookup_control.set_switch(conn, _scope(args), args.action == "disable",
                                          operator_actor(), utc_now())
        with store.lock:
            switches = lookup_control.switches(store.db.conn)
            unseen = (args.action != "status" and args.node is not None
                      and store.count_sightings(_scope(args)) == 0)
    finally:
        store.close()
    overall = next((s for s in switches if s.scope == lookup_control.ALL), None)
    on = not overall.disabled if overall else settings.enabled
    # a node's own switch outlasts `enable --all`: the operator switched it off for a reason
    nodes_off = [s for s in switches if s.scope != lookup_control.ALL and s.disabled]
    print(f"lookups {'enabled' if on else 'disabled'} for all nodes"
          f"{' but those below' if on and nodes_off else ''}"
          f"{f' (set by {overall.changed_by} at {overall.changed_at})' if overall else ''}; "
          f"purposes {', '.join(settings.purposes)}; "
          f"at most {settings.per_node_per_hour} lookups and corrections per node per hour")
    for switch in nodes_off:
        print(f"  disabled for node:{switch.scope} (by {switch.changed_by} at "
              f"{switch.changed_at}; `hub lookups enable --node {switch.scope}` ends it)")
    if unseen:
        print(f"  note: this hub holds no sighting of {_scope(args)} yet; the switch "
              "applies when its node looks up")
    return 0


def register(commands: argparse._SubParsersAction,
             add_home: Callable[[argparse.ArgumentParser], None],
             home_of: Callable[[argparse.Namespace], Path]) -> None:
    purge_cmd = commands.add_parser(
        "purge", help="purge sightings past the retention period now (hub stopped)")
    add_home(purge_cmd)
    purge_cmd.set_defaults(run=lambda a: cmd_purge(a, home_of(a)))

    erase = commands.add_parser(
        "erase", help="erase every sighting of one municipality (it left; hub stopped)")
    add_home(erase)
    erase.add_argument("--gemeente", required=True, metavar="GMxxxx",
                       help="the municipality whose sightings go")
    erase.add_argument("--reason", required=True, choices=ERASE_REASONS,
                       help="recorded in the log entry")
    erase.set_defaults(run=lambda a: cmd_erase(a, home_of(a)))

    lookups = commands.add_parser("lookups", help="lookup switch: status, enable, disable")
    actions = lookups.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="show whether lookups are on, and for whom")
    add_home(status)
    status.set_defaults(run=lambda a: cmd_lookups(a, home_of(a)))
    for action in ("enable", "disable"):
        parser = actions.add_parser(action, help=f"{action} lookups for one node or all")
        add_home(parser)
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--node", metavar="GMxxxx", help="one municipality's node")
        scope.add_argument("--all", action="store_true", help="every node")
        parser.set_defaults(run=lambda a: cmd_lookups(a, home_of(a)))
