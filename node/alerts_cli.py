"""`zichtlijn node alerts`: the alerts that involve this municipality's own sightings.

The hub answers with each alert's id, rule and state in this node's region and
this node's own sightings only (no score, no count of the other municipalities'
sightings or towns: DESIGN §5, a node sees its own sightings); the case
reference behind each UUID is looked up here, in the node's own database, so the
hub never learns one. The rest of an alert is the RIEC consultation's.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

from node.config import load_config
from node.store import NodeStore
from zichtlijn.alert_format import STATE_NAMES
from zichtlijn.arg_types import positive_seconds
from zichtlijn.transport import DEFAULT_DEADLINE_S, secure_channel
from zichtlijn.v1 import alerts_pb2, alerts_pb2_grpc

NOT_HERE = "(not in this node)"


def cmd_alerts(args: argparse.Namespace, home: Path) -> int:
    config = load_config(home)
    args.peer = config.hub
    with secure_channel(config.hub, config.tls) as channel:
        reply = alerts_pb2_grpc.NodeAlertServiceStub(channel).ListOwn(
            alerts_pb2.ListOwnAlertsRequest(), timeout=args.timeout)
    store = NodeStore(config.db_path)
    try:
        case_refs = store.case_ref_of([s.sighting_uuid for a in reply.alerts
                                       for s in a.own_sightings])
    finally:
        store.close()
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["alert_id", "rule", "state", "case_ref", "sighting_uuid",
                         "observed_on", "signals"])
        for a in reply.alerts:
            for s in a.own_sightings:
                writer.writerow([a.alert_id, a.rule, STATE_NAMES[a.state],
                                 case_refs.get(s.sighting_uuid, ""), s.sighting_uuid,
                                 s.observed_on, ";".join(s.signals)])
        return 0
    for a in reply.alerts:
        here = len(a.own_sightings)
        print(f"{a.alert_id}  {a.rule:<12}  {STATE_NAMES[a.state]:<12}  "
              f"{here} sighting{'' if here == 1 else 's'} here")
        for s in a.own_sightings:
            print(f"    {s.observed_on}  {case_refs.get(s.sighting_uuid, NOT_HERE)}  "
                  f"{s.sighting_uuid}  {', '.join(s.signals) or '-'}")
    count = len(reply.alerts)
    print(f"{count} alert{' involves' if count == 1 else 's involve'} sightings of "
          f"{config.gemeente} (the rest of each alert is the RIEC consultation's)")
    return 0


def register(commands: argparse._SubParsersAction,
             add_home: Callable[[argparse.ArgumentParser], None],
             home_of: Callable[[argparse.Namespace], Path]) -> None:
    alerts = commands.add_parser("alerts",
                                 help="alerts involving this node's sightings, with case_ref")
    add_home(alerts)
    alerts.add_argument("--format", choices=("table", "csv"), default="table")
    alerts.add_argument("--timeout", type=positive_seconds, default=DEFAULT_DEADLINE_S,
                        help=f"deadline in seconds (default {DEFAULT_DEADLINE_S:g})")
    alerts.set_defaults(run=lambda args: cmd_alerts(args, home_of(args)))
