"""`zichtlijn node withdraw | correct | purge`: the municipality's AVG duties, per sighting."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from linkage.schema import default_schema
from node import records, retention
from node.config import load_config
from node.epochs import Keyring
from node.home_lock import holding_lock, working_on
from node.identity_input import CORRECTION_FIELDS, check_at_prompt, prompting, read_input
from node.store import NodeStore
from zichtlijn.arg_types import positive_seconds
from zichtlijn.errors import CliError
from zichtlijn.signal_catalogue import node_signals
from zichtlijn.transport import secure_channel

KEPT = ("observed_on", "setting", "licensed", "signals")

# The hub answers a withdrawal or correction once it has re-clustered the persons and
# evaluated the alerts they touch: seconds for a region, about 12 s with a million
# sightings (README "National scale"). During a relink (minutes there) it waits while
# this deadline allows, then answers that nothing was changed.
HUB_REWORK_TIMEOUT_S = 600.0
ON_HELP = ("the control's date (YYYY-MM-DD), needed where the case reference holds "
           "controls of several dates (a dossier number)")
HUB_REWORK_HELP = ("seconds to wait for the hub, which re-links and re-evaluates the alerts "
                   "before it answers (default 600)")


def _withdrawn_line(outcome: records.Outcome) -> str:
    # the hub says whether it held the sighting, not how many persons or alerts changed:
    # those counts told a node whether a sighting had joined someone else's (README
    # "Who sees what"); its log and audit entry keep them
    if not outcome.at_hub:
        return "never synced, so only this node held it"
    if not outcome.changed_at_hub:
        return "the hub no longer held it (already withdrawn or purged)"
    return "the hub removed it too and re-linked what it touched"


def _corrected_line(outcome: records.Outcome) -> str:
    if not outcome.at_hub:
        return "not synced yet; the next sync sends it"
    if not outcome.changed_at_hub:
        return "the hub already held these details"
    return "the hub replaced it and re-linked it"


def _on(args: argparse.Namespace) -> str | None:
    if args.on is None:
        return None
    try:
        return dt.date.fromisoformat(args.on).isoformat()
    except ValueError:
        raise CliError(f"--on {args.on!r}: expected the control's date like 2026-03-01"
                       ) from None


def cmd_withdraw(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    args.peer = config.hub
    store = NodeStore(config.db_path)
    try:
        with secure_channel(config.hub, config.tls) as channel:
            outcome = records.withdraw(channel, store, args.case_ref, args.reason,
                                       dt.date.today(), args.timeout, _on(args))
    finally:
        store.close()
    print(f"withdrew {args.case_ref} (sighting {outcome.sighting_uuid}): "
          f"{_withdrawn_line(outcome)}; the case reference will not be imported again")
    return 0


def cmd_correct(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    args.peer = config.hub
    today = dt.date.today()
    store = NodeStore(config.db_path)
    try:
        records.stored(store, args.case_ref, _on(args))  # an unknown one stops before typing
        values = read_input(args.from_json, CORRECTION_FIELDS, keep=KEPT)
        for name in KEPT:
            flag = getattr(args, name)
            if flag is not None:
                values[name] = flag
        known = node_signals(config.signals_file).codes

        def replace(typed: dict[str, str]) -> records.Outcome:
            # the home's lock only while writing, never while someone types: a correction
            # left at the prompt would make the nightly sync refuse (node/home_lock.py)
            with working_on(home, "correct"):
                encoders = Keyring(config, store).encoders(default_schema(), today)
                refuse = retention.refusal(store, today, retention.retention_months(home))
                return records.correct(channel, store, args.case_ref, typed, encoders,
                                       today, refuse, args.timeout, known, _on(args))

        with secure_channel(config.hub, config.tls) as channel:
            # a refused field is typed again at the prompt: it is checked before the hub is asked
            outcome = check_at_prompt(values, CORRECTION_FIELDS, replace,
                                      prompting(args.from_json))
    finally:
        store.close()
    if not outcome.changed:
        print(f"{args.case_ref}: the details entered are the ones stored; nothing changed")
        return 0
    print(f"corrected {args.case_ref} (sighting {outcome.sighting_uuid}, same UUID): "
          f"{_corrected_line(outcome)}")
    return 0


def cmd_purge(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    months = retention.retention_months(home)
    store = NodeStore(config.db_path)
    try:
        outcome = retention.purge(store, dt.date.today(), months)
    finally:
        store.close()
    print(f"purged {outcome.sightings} sightings observed on or before {outcome.cutoff} "
          f"(retention {months} months); reported to the hub at the next sync")
    return 0


def register(commands: argparse._SubParsersAction,
             add_home: Callable[[argparse.ArgumentParser], None],
             home_of: Callable[[argparse.Namespace], Path]) -> None:
    withdraw = commands.add_parser(
        "withdraw", help="remove a sighting here and at the hub (error or erasure request)")
    add_home(withdraw)
    withdraw.add_argument("case_ref", help="this municipality's case reference")
    withdraw.add_argument("--on", metavar="DATE", help=ON_HELP)
    withdraw.add_argument("--reason", choices=sorted(records.REASONS), required=True,
                          help="error: recorded in error; erasure: the person asked (AVG 17)")
    withdraw.add_argument("--timeout", type=positive_seconds, default=HUB_REWORK_TIMEOUT_S,
                          help=HUB_REWORK_HELP)
    withdraw.set_defaults(run=holding_lock("withdraw", home_of,
                                          lambda a: cmd_withdraw(a, home_of(a))))

    correct = commands.add_parser(
        "correct", help="re-enter a sighting's person and replace it (same UUID)")
    add_home(correct)
    correct.add_argument("case_ref", help="this municipality's case reference")
    correct.add_argument("--on", metavar="DATE", help=ON_HELP)
    correct.add_argument("--from-json", metavar="FILE",
                         help="the corrected fields as one JSON object ('-': stdin); "
                              "default: prompt on a terminal")
    correct.add_argument("--observed-on", dest="observed_on", help="corrected control date")
    correct.add_argument("--setting", help="corrected setting")
    correct.add_argument("--licensed", help="corrected licence (ja/nee)")
    correct.add_argument("--signals", help="corrected signal codes (;-separated)")
    correct.add_argument("--timeout", type=positive_seconds, default=HUB_REWORK_TIMEOUT_S,
                         help=HUB_REWORK_HELP)
    # takes the lock itself, once the identity is typed
    correct.set_defaults(run=lambda a: cmd_correct(a, home_of(a)))

    purge = commands.add_parser("purge", help="delete sightings past the retention period now")
    add_home(purge)
    purge.set_defaults(run=holding_lock("purge", home_of, lambda a: cmd_purge(a, home_of(a))))
