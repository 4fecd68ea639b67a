"""`zichtlijn node lookup`: "seen before?" for the person in front of the inspector.

The identity is typed at a prompt or sent as JSON on stdin or in a file (an
inspection app), checked like a CSV row, encoded in memory under every key
epoch the node holds, and sent to the hub with a purpose code. Nothing of
it is stored: a lookup is not a sighting. To record the control, import it
as usual.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import grpc

from linkage.encode import Encoder
from linkage.normalise import NOT_KNOWN
from linkage.schema import default_schema
from node.config import load_config
from node.epochs import Keyring, overlap_ended
from node.home_lock import working_on
from node.identity_input import (
    LOOKUP_FIELDS,
    check_at_prompt,
    parse_identity,
    prompting,
    read_input,
)
from node.importer import entity_tokens
from node.store import NodeStore
from zichtlijn import wire
from zichtlijn.arg_types import positive_seconds
from zichtlijn.errors import CliError
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import lookup_pb2, lookup_pb2_grpc

DEFAULT_TIMEOUT_S = 10.0  # someone is waiting at the door


def build_request(values: dict[str, str], encoders: list[Encoder], purpose: str,
                  today: dt.date) -> lookup_pb2.LookupRequest:
    parsed = parse_identity(values, today)
    return lookup_pb2.LookupRequest(
        purpose=purpose,
        schema_fingerprint=encoders[0].schema.fingerprint,
        encodings=[lookup_pb2.ProbeEncoding(
            epoch=e.epoch, subject=wire.identity_to_wire(e.encode_identity(parsed.subject)),
            entities=entity_tokens(parsed, e))
            for e in encoders],
    )


def lookup(channel: grpc.Channel, request: lookup_pb2.LookupRequest,
           timeout_s: float) -> lookup_pb2.LookupAnswer:
    return lookup_pb2_grpc.LookupServiceStub(channel).Lookup(request, timeout=timeout_s)


def outcome_name(answer: lookup_pb2.LookupAnswer) -> str:
    return lookup_pb2.LookupOutcome.Name(answer.outcome).removeprefix("LOOKUP_OUTCOME_").lower()


def as_json(answer: lookup_pb2.LookupAnswer) -> str:
    return json.dumps({
        "outcome": outcome_name(answer),
        "earlier_sightings": answer.earlier_sightings,
        "municipalities": answer.municipalities,
        "first_seen": answer.first_seen or None,
        "last_seen": answer.last_seen or None,
        "signals": list(answer.signals),
        "open_alert_ids": list(answer.open_alert_ids) if answer.alerts_available else None,
        "own_region_alert_ids": (list(answer.own_region_alert_ids) if answer.alerts_available
                                 else None),
        "possible_persons": answer.possible_persons,
        "probe_dated": answer.probe_dated,
        "answered_at": answer.answered_at,
        "in_own_municipality": answer.in_own_municipality,
    }, sort_keys=True)


#: after "not seen before" when the surname was left empty: the whole-name filter of a
#: given name alone shares too little with hers to be found (README "At the door")
GIVEN_NAME_ONLY = ("only a given name was given, by which a lookup rarely finds her; ask for "
                   "her surname and look up again")


def as_text(answer: lookup_pb2.LookupAnswer, given_name_only: bool = False) -> str:
    if answer.outcome == lookup_pb2.LOOKUP_OUTCOME_AMBIGUOUS:
        return (f"cannot tell: without a date of birth this name fits "
                f"{answer.possible_persons} different persons; ask for the date of birth "
                "(or the phone in her advert) and look up again")
    if answer.outcome != lookup_pb2.LOOKUP_OUTCOME_PERSON:
        line = "not seen before: no earlier sighting matches"
        if not answer.probe_dated:
            line += (" (without a date of birth only a clear match is reported; "
                     "ask for it and look up again)")
        if given_name_only:
            line += f"\n{GIVEN_NAME_ONLY}"
        return line
    own = answer.in_own_municipality
    mine = f" ({own} in your municipality)" if own else " (none in your municipality)"
    lines = [f"seen before: {answer.earlier_sightings} earlier sighting(s) in "
             f"{answer.municipalities} municipalit{'y' if answer.municipalities == 1 else 'ies'}"
             f"{mine}, first {answer.first_seen}, last {answer.last_seen}",
             f"signals:     {', '.join(answer.signals) if answer.signals else 'none recorded'}"]
    lines.append(_alerts_line(answer))
    return "\n".join(lines)


def _alerts_line(answer: lookup_pb2.LookupAnswer) -> str:
    """The open alerts, those the node's own RIEC can look up apart: until 2026-12-07 every
    id was one "the RIEC can look up", and the inspector's RIEC found no such alert when it
    was another region's (the RIEC review)."""
    if not answer.alerts_available:
        return "open alert:  unknown (this hub runs no alert rules)"
    ids = list(answer.open_alert_ids)
    if not ids:
        return "open alert:  none"
    yours = [a for a in ids if a in set(answer.own_region_alert_ids)]
    others = [a for a in ids if a not in yours]
    said = []
    if yours:
        said.append(f"{', '.join(yours)} (your RIEC can look "
                    f"{'it up by this id' if len(yours) == 1 else 'them up by these ids'})")
    if others:
        said.append(f"{', '.join(others)} (the RIEC of another region where she was seen "
                    f"holds {'it' if len(others) == 1 else 'them'}; yours can ask it)")
    return f"{'open alert: ' if len(ids) == 1 else 'open alerts:'} {'; '.join(said)}"


def cmd_lookup(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    args.peer = config.hub
    today = dt.date.today()
    store = NodeStore(config.db_path)
    try:
        keyring = Keyring(config, store)
        # a lookup at the door only reads, so it runs beside a nightly sync or an import,
        # unless a key rotation's overlap has ended: retiring it destroys its keys, a
        # write, which takes the home's lock as every writing command (node/home_lock.py)
        if any(overlap_ended(info, today) for info in keyring.epochs(today, retire=False)):
            with working_on(home, "lookup"):
                encoders = keyring.encoders(default_schema(), today)
        else:
            encoders = keyring.encoders(default_schema(), today, retire=False)
    finally:
        store.close()
    # only a code of the node's list goes on the wire: a lower-case name passed the form
    # of a code and reached the hub (the RIEC review); the word itself is never repeated
    if args.purpose not in config.purposes:
        raise CliError(f"--purpose: not one of this node's purpose codes "
                       f"({', '.join(config.purposes)}; node.toml lookup_purposes, as the "
                       "hub's [lookup] purposes): nothing was sent")
    values = read_input(args.from_json, LOOKUP_FIELDS)
    request = check_at_prompt(values, LOOKUP_FIELDS,
                              lambda typed: build_request(typed, encoders, args.purpose, today),
                              prompting(args.from_json))
    with secure_channel(config.hub, config.tls) as channel:
        answer = lookup(channel, request, args.timeout)
    surname = values.get("surname", "").strip()
    given_name_only = not surname or surname.lower() in NOT_KNOWN  # `onbekend` is none
    print(as_json(answer) if args.format == "json" else as_text(answer, given_name_only))
    return 0


def register(commands: argparse._SubParsersAction,
             add_home: Callable[[argparse.ArgumentParser], None],
             home_of: Callable[[argparse.Namespace], Path]) -> None:
    parser = commands.add_parser(
        "lookup", help="seen before? ask the hub about the person at a control (not stored)")
    add_home(parser)
    parser.add_argument("--purpose", required=True,
                        help="purpose code from the hub's list (e.g. controle)")
    parser.add_argument("--from-json", metavar="FILE",
                        help="identity as one JSON object ('-': stdin); default: prompt on a "
                             "terminal, JSON when stdin is not one")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--timeout", type=positive_seconds, default=DEFAULT_TIMEOUT_S,
                        help=f"seconds to wait for the hub (default {DEFAULT_TIMEOUT_S:g})")
    parser.set_defaults(run=lambda a: cmd_lookup(a, home_of(a)))
