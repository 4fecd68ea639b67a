"""`zichtlijn riec ...`: the RIEC handhavingsknelpunt's alert client.

The client's home directory (`riec init`) holds the hub address, the RIEC's
certificate files, the cursor of the last alert change `riec watch` showed and
the RIEC's own decisions (zichtlijn/riec_decisions.py). Region and role come
from the certificate: the hub shows each RIEC only the alerts routed to its region.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import grpc

from hub.alerts.service import (
    CLOSE_REASON_MEANINGS,
    CLOSE_REASONS,
    REOPEN_REASON_MEANINGS,
    REOPEN_REASONS,
)
from zichtlijn.alert_format import SCORE_LEGEND, STATE_VALUES, change_line, print_table, write_csv
from zichtlijn.alert_watch import AlertWatcher
from zichtlijn.arg_types import positive_seconds
from zichtlijn.certsign import CertificateKeyError
from zichtlijn.cli_home import HomeOption
from zichtlijn.errors import CliError
from zichtlijn.home_dir import make_home
from zichtlijn.riec_config import CURSOR_NAME, CursorFile, RiecConfig, load_config
from zichtlijn.riec_decisions import (
    ACKNOWLEDGE,
    CLOSE,
    DECISIONS_NAME,
    REOPEN,
    Decision,
    DecisionJournal,
    behind,
    decision_of,
)
from zichtlijn.riec_requests import DecisionSigner
from zichtlijn.transport import DEFAULT_DEADLINE_S, TlsFiles, describe_rpc_error, secure_channel
from zichtlijn.v1 import alerts_pb2, alerts_pb2_grpc
from zichtlijn.wording import counted

HOME = HomeOption("RIEC client", "ZICHTLIJN_RIEC_HOME")


def _config(args: argparse.Namespace) -> RiecConfig:
    config = load_config(HOME.path(args))
    args.peer = config.hub  # named in a one-line gRPC error
    return config


def _date(value: str | None, flag: str) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise CliError(f"{flag} {value!r}: expected a date like 2025-06-30") from None


def cmd_init(args: argparse.Namespace) -> int:
    home = HOME.path(args)
    tls = TlsFiles(Path(args.ca).resolve(), Path(args.cert).resolve(), Path(args.key).resolve())
    tls.check_pair()
    principal = tls.principal()
    if principal.role not in ("riec", "auditor"):
        raise CliError(f"{args.cert}: certificate is for {principal}, not a RIEC (or auditor)")
    if principal.role == "riec":
        _signer(tls)  # a RIEC signs its decisions: a key that cannot is refused now
    make_home(home)
    path = home / "riec.toml"
    if path.exists() and not args.force:
        raise CliError(f"{path} exists; pass --force to overwrite the configuration")
    path.write_text(RiecConfig(home, args.hub, tls).to_toml(), "utf-8")
    print(f"RIEC client for {principal} ready in {home} (hub {args.hub})")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    config = _config(args)
    request = alerts_pb2.ListAlertsRequest(
        states=[STATE_VALUES[s] for s in args.state or []],
        changed_since=_date(args.since, "--since"), changed_until=_date(args.until, "--until"))
    with secure_channel(config.hub, config.tls) as channel:
        stub = alerts_pb2_grpc.AlertServiceStub(channel)
        reply = stub.List(request, timeout=args.timeout)
        _decide_again(stub, reply, DecisionJournal(config.home / DECISIONS_NAME), config,
                      args.timeout)
    if args.format == "csv":
        write_csv(reply.alerts, sys.stdout)
        return 0
    print_table(reply.alerts, sys.stdout, details=not args.brief)
    if reply.alerts:
        print(SCORE_LEGEND)
    counts = {name: sum(1 for a in reply.alerts if a.state == value)
              for name, value in STATE_VALUES.items()}
    changed = sum(1 for a in reply.alerts if a.changed)
    print(f"{counted(len(reply.alerts), 'alert')} ("
          f"{', '.join(f'{n} {k}' for k, n in counts.items())}; {changed} with new evidence); "
          f"`riec watch --after {reply.cursor}` follows the changes from here")
    return 0


def _send(stub: alerts_pb2_grpc.AlertServiceStub, signer: DecisionSigner, alert_id: str,
          action: str, reason: str, timeout: float) -> alerts_pb2.Alert:
    request = signer.request(alert_id, action, reason)
    if action == CLOSE:
        return stub.Close(request, timeout=timeout)
    if action == REOPEN:
        return stub.Reopen(request, timeout=timeout)
    return stub.Acknowledge(request, timeout=timeout)


def _signer(tls: TlsFiles) -> DecisionSigner:
    try:
        return DecisionSigner.of(tls)
    except CertificateKeyError as exc:
        raise CliError(f"{tls.key}: {exc}") from None


def _decide_again(stub: alerts_pb2_grpc.AlertServiceStub, reply: alerts_pb2.ListAlertsResponse,
                  journal: DecisionJournal, config: RiecConfig, timeout: float) -> None:
    """Send again the decisions a restored hub lost, and show the alerts as they are now.
    Each is signed again now: the RIEC stands by it, and the hub takes no old time."""
    redone: list[Decision] = []
    lost = behind(reply.alerts, journal.latest())
    signer = _signer(config.tls) if lost else None
    for alert, decision in lost:
        try:
            alert.CopyFrom(_send(stub, signer, alert.alert_id, decision.action,
                                 decision.reason, timeout))
        except grpc.RpcError as error:  # the list is still worth showing
            print(f"zichtlijn: warning: could not send again the {decision.action} of "
                  f"{alert.alert_id}: {describe_rpc_error(error, 'hub')}", file=sys.stderr)
            continue
        redone.append(decision)
    if redone:
        ids = ", ".join(f"{d.alert_id} ({d.action}{' ' + d.reason if d.reason else ''}, {d.at})"
                        for d in redone)
        print(f"zichtlijn: sent again {len(redone)} decision(s) of this RIEC the hub no longer "
              f"held, on evidence it had seen (a hub restored from a backup): {ids}",
              file=sys.stderr)


def cmd_watch(args: argparse.Namespace) -> int:
    config = _config(args)
    cursor_file = CursorFile(config.home / CURSOR_NAME)
    start = args.after if args.after is not None else cursor_file.read()

    def show(change: alerts_pb2.AlertChange) -> None:
        print(change_line(change), flush=True)
        cursor_file.write(change.cursor)  # after showing: a crash repeats one, loses none

    def retrying(message: str) -> None:
        print(f"zichtlijn: hub {config.hub} {message}", file=sys.stderr, flush=True)

    journal = DecisionJournal(config.home / DECISIONS_NAME)
    with secure_channel(config.hub, config.tls) as channel:
        stub = alerts_pb2_grpc.AlertServiceStub(channel)

        def decide_again() -> None:  # at the start and whenever a lost hub is back
            if not journal.latest():
                return  # nothing to send: spare the hub a logged listing
            listed = stub.List(alerts_pb2.ListAlertsRequest(), timeout=DEFAULT_DEADLINE_S)
            _decide_again(stub, listed, journal, config, DEFAULT_DEADLINE_S)

        watcher = AlertWatcher(stub, start, show, window_s=args.window, on_retry=retrying,
                               on_connect=decide_again)
        if args.no_follow:
            cursor = watcher.catch_up()
            print(f"up to date at cursor {cursor}", file=sys.stderr)
            return 0
        watcher.follow()
    return 0


def _act(args: argparse.Namespace, action: str, reason: str = "") -> int:
    config = _config(args)
    signer = _signer(config.tls)
    with secure_channel(config.hub, config.tls) as channel:
        alert = _send(alerts_pb2_grpc.AlertServiceStub(channel), signer, args.alert_id, action,
                      reason, args.timeout)
    DecisionJournal(config.home / DECISIONS_NAME).record(decision_of(alert, action, reason))
    print_table([alert], sys.stdout, details=False)
    return 0


def cmd_ack(args: argparse.Namespace) -> int:
    return _act(args, ACKNOWLEDGE)


def cmd_close(args: argparse.Namespace) -> int:
    return _act(args, CLOSE, args.reason)


def cmd_reopen(args: argparse.Namespace) -> int:
    return _act(args, REOPEN, args.reason)


def _common(parser: argparse.ArgumentParser) -> None:
    HOME.add_to(parser)
    parser.add_argument("--timeout", type=positive_seconds, default=DEFAULT_DEADLINE_S,
                        help=f"deadline in seconds (default {DEFAULT_DEADLINE_S:g})")


def register(groups: argparse._SubParsersAction) -> None:
    riec = groups.add_parser("riec", help="RIEC alert client: alerts, watch, ack, close, reopen")
    commands = riec.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create a RIEC client home directory")
    HOME.add_to(init, help_text=f"directory (default: ${HOME.env})")
    init.add_argument("--hub", required=True, help="hub address host:port")
    init.add_argument("--ca", required=True, help="CA certificate (PEM)")
    init.add_argument("--cert", required=True, help="this RIEC's certificate (PEM)")
    init.add_argument("--key", required=True, help="this RIEC's private key (PEM)")
    init.add_argument("--force", action="store_true", help="overwrite an existing riec.toml")
    init.set_defaults(run=cmd_init)

    alerts = commands.add_parser("alerts", help="list the alerts of this region")
    _common(alerts)
    alerts.add_argument("--state", action="append", choices=sorted(STATE_VALUES),
                        help="only alerts in this state (repeatable)")
    alerts.add_argument("--since", metavar="DATE", help="changed on or after this date")
    alerts.add_argument("--until", metavar="DATE", help="changed on or before this date")
    alerts.add_argument("--format", choices=("table", "csv"), default="table",
                        help="csv: one row per sighting")
    alerts.add_argument("--brief", action="store_true", help="table: one line per alert")
    alerts.set_defaults(run=cmd_alerts)

    watch = commands.add_parser(
        "watch", help="show alert changes as they happen, resuming where the last run stopped")
    HOME.add_to(watch)
    watch.add_argument("--no-follow", action="store_true",
                       help="show the changes since the last run, then exit")
    watch.add_argument("--after", type=int, metavar="CURSOR",
                       help="start after this cursor instead of the saved one (0: everything)")
    watch.add_argument("--window", type=float, default=300.0,
                       help="deadline of each watch call in seconds; the client then calls "
                            "again from its cursor (default 300)")
    watch.set_defaults(run=cmd_watch)

    ack = commands.add_parser("ack", help="acknowledge an alert (new -> acknowledged)")
    _common(ack)
    ack.add_argument("alert_id", metavar="ID", help="alert id, e.g. A-0123456789")
    ack.set_defaults(run=cmd_ack)

    close = commands.add_parser("close", help="close an alert with a reason")
    _common(close)
    close.add_argument("alert_id", metavar="ID", help="alert id, e.g. A-0123456789")
    close.add_argument("--reason", required=True, choices=CLOSE_REASONS,
                       help="why the consultation closes it: " + "; ".join(
                           f"{code}: {CLOSE_REASON_MEANINGS[code]}" for code in CLOSE_REASONS))
    close.set_defaults(run=cmd_close)

    reopen = commands.add_parser(
        "reopen", help="take back a closing of this RIEC (closed -> acknowledged)",
        description="Reopen an alert this RIEC closed: it is acknowledged again in this "
                    "region only. An alert closed by the hub (merged, its evidence withdrawn "
                    "or gone from the region) is not this RIEC's to reopen; it reopens on "
                    "new evidence.")
    _common(reopen)
    reopen.add_argument("alert_id", metavar="ID", help="alert id, e.g. A-0123456789")
    reopen.add_argument("--reason", required=True, choices=REOPEN_REASONS,
                        help="why the consultation reopens it: " + "; ".join(
                            f"{code}: {REOPEN_REASON_MEANINGS[code]}"
                            for code in REOPEN_REASONS))
    reopen.set_defaults(run=cmd_reopen)
