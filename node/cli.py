"""`zichtlijn node ...`: what a municipality's IT department runs."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import sys
from pathlib import Path

import grpc

from linkage.key_package import KeyPackageError, open_package
from linkage.schema import default_schema
from node import alerts_cli
from node.access import access_lines
from node.ask_again import ask_again
from node.config import GEMEENTE, NodeConfig, load_config
from node.csv_file import ENCODINGS, CsvFileError
from node.epoch_report import heard_retired_elsewhere, report_epochs, retired_elsewhere_advice
from node.epochs import RETIRED, EpochError, Keyring, load_private_key
from node.home_lock import holding_lock, working_on
from node.importer import ROW_REFUSED, import_csv
from node.keys_cli import describe as describe_epoch
from node.keys_cli import register as register_keys
from node.log_client import NodeLog, log_status, witness_key
from node.log_key_trust import keep_log_key, trust_log_key
from node.lookup_cli import register as register_lookup
from node.records_cli import register as register_records
from node.recover import recover
from node.rejoin import rejoin
from node.retention import purge, refusal, report_purges, retention_months, retention_toml
from node.store import NodeStore
from node.sync import sync
from node.sync_runs import describe_runs, last_runs, record_run
from zichtlijn.arg_types import positive_seconds
from zichtlijn.cert_expiry import describe as describe_certs
from zichtlijn.cert_expiry import warnings as cert_warnings
from zichtlijn.cli_home import HomeOption
from zichtlijn.database_file import back_up
from zichtlijn.dates import add_retention_months_argument
from zichtlijn.errors import CliError, failure_line
from zichtlijn.home_dir import make_home
from zichtlijn.keyfile import load_purpose_keys
from zichtlijn.progress import Progress
from zichtlijn.signal_catalogue import load_signals, node_signals
from zichtlijn.transport import DEFAULT_DEADLINE_S, TlsFiles, secure_channel
from zichtlijn.witness import LogError, read_vkey
from zichtlijn.wording import counted

HOME = HomeOption("node", "ZICHTLIJN_NODE_HOME")
KEYS_DIR = "keys"


def cmd_init(args: argparse.Namespace) -> int:
    home = HOME.path(args)
    if not GEMEENTE.match(args.gemeente):
        raise CliError(f"--gemeente {args.gemeente!r}: expected a CBS code like GM0363")
    tls = TlsFiles(Path(args.ca).resolve(), Path(args.cert).resolve(), Path(args.key).resolve())
    tls.check_pair()
    principal = tls.principal()
    if principal.role != "node" or principal.name != args.gemeente:
        raise CliError(f"{args.cert}: certificate is for {principal}, not node:{args.gemeente}")
    signals = None
    if args.signals:
        signals = Path(args.signals).resolve()
        load_signals(signals)  # refuse a bad catalogue now, not at the first import
    log_key = Path(args.log_key).resolve() if args.log_key else None
    if log_key:
        read_vkey(log_key)  # refuse a wrong file now rather than at the first sync
    package = None
    if args.key_package:
        package = Path(args.key_package)
        config = NodeConfig(home=home, gemeente=args.gemeente, hub=args.hub, tls=tls,
                            key_packages=(home / KEYS_DIR).resolve(), signals_file=signals,
                            log_key=log_key)
        # open it before anything is written: a package for another node stops here
        epoch = open_package(package.read_bytes(), args.gemeente,
                             load_private_key(tls.key), str(package)).epoch
    else:
        secret = Path(args.secret).resolve()
        epoch = load_purpose_keys(secret).epoch
        config = NodeConfig(home=home, gemeente=args.gemeente, hub=args.hub, tls=tls,
                            secret_file=secret, epoch=epoch, signals_file=signals,
                            log_key=log_key)
    make_home(home)
    # --force would replace node.toml and node.db under another command working on them
    with working_on(home, "init"):
        config = _write_home(args, home, config, log_key, package)
    witness = witness_key(config)
    print(f"node {args.gemeente} ready in {home} (hub {args.hub}, epoch {epoch})")
    print(f"witness key {witness.vkey}")
    if not log_key:
        print("no --log-key given: sync refuses until node.toml names the hub's log.vkey",
              file=sys.stderr)
    return 0


def _write_home(args: argparse.Namespace, home: Path, config: NodeConfig,
                log_key: Path | None, package: Path | None) -> NodeConfig:
    config_path = home / "node.toml"
    if config_path.exists() and not args.force:
        raise CliError(f"{config_path} exists; pass --force to overwrite the configuration")
    if log_key:  # kept in the home, as `node trust-log-key` keeps a new one
        config = dataclasses.replace(config, log_key=keep_log_key(home, log_key))
    config_path.write_text(config.to_toml() + retention_toml(args.retention_months), "utf-8")
    store = NodeStore(config.db_path, create=True)  # the one command that makes node.db
    try:
        if package is not None:
            Keyring(config, store).install(package.read_bytes(), dt.date.today(),
                                           name=str(package))
    finally:
        store.close()
    return config


def cmd_import(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    path = Path(args.file)
    data = path.read_bytes()
    today = dt.date.today()
    known = node_signals(config.signals_file).codes
    store = NodeStore(config.db_path)
    progress = Progress(f"importing {path.name}")
    try:
        months = retention_months(config.home)
        purge(store, today, months)  # retention first: nothing past it is kept or re-imported
        # newest epoch first; during a rotation's overlap the old epoch too (dual encoding)
        encoder, *older = Keyring(config, store).encoders(default_schema(), today)
        try:
            report = import_csv(data, store, encoder, today, progress, also=older,
                                known_signals=known, refuse=refusal(store, today, months),
                                encoding=args.encoding, gemeente=config.gemeente)
        except CsvFileError as error:  # name the file, as the row errors do
            raise CsvFileError(f"{path.name}: {error}") from None
    finally:
        progress.done()
        store.close()
    # a refused row says so; a note (a kept row without some value) says what was kept
    said = [*(f"{error}{ROW_REFUSED}" for error in report.errors), *report.note_lines(),
            *report.advice()]
    for line in said:
        print(f"{path.name}: {line}", file=sys.stderr)
    print(f"{path.name}: {report.summary()}")
    return 1 if report.errors else 0


def cmd_sightings(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    store = NodeStore(config.db_path)
    try:
        if args.case_ref is not None:  # one person's controls, for an AVG art. 15 request
            said = access_lines(store, args.case_ref)
            if not said:
                raise CliError(f"no sighting with case_ref {args.case_ref!r} here (withdrawn, "
                               "past retention, or never imported)")
            print("\n".join(said))
            print("alerts     `zichtlijn node alerts` lists the alerts holding this town's "
                  "controls; what the hub linked them to is the hub operator's to answer")
            return 0
        rows = store.listing()
    finally:
        store.close()
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["case_ref", "sighting_uuid", "observed_on", "synced"])
        writer.writerows((c, u, o, "yes" if s else "no") for c, u, o, s in rows)
    else:
        for c, u, o, s in rows:
            print(f"{o}  {u}  {'synced  ' if s else 'unsynced'}  {c}")
        print(f"{len(rows)} sightings, {sum(1 for r in rows if not r[3])} not yet synced")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    args.peer = config.hub
    for warning in cert_warnings(config.tls, dt.date.today()):
        print(f"zichtlijn: warning: {warning} (README \"Certificates\")", file=sys.stderr)
    store = NodeStore(config.db_path)
    progress = Progress("syncing")
    try:
        purge(store, dt.date.today(), retention_months(config.home))  # never upload expired
        epochs = Keyring(config, store).epochs(dt.date.today())
        short = min(args.timeout, DEFAULT_DEADLINE_S)  # a call that moves no batches
        with secure_channel(config.hub, config.tls) as channel:
            if args.hub_restored:
                print(rejoin(channel, store, short).summary())
            behind = report_epochs(channel, epochs, short, store.db)
            try:
                report = sync(channel, store, config.batch_size, args.timeout, progress)
            except LogError:
                _ask_again_before_refusing(channel, store, short, config.hub)
                raise
            asked = ask_again(channel, store, short, config.hub)
            purges = report_purges(channel, store, short, config.hub)
        # what the hub refused for its bound of a day stays here for a later sync; the
        # run counts as failed, so `node status --check` says so until one goes through
        problems = [line for line in (asked.problem(), purges.problem()) if line]
        record_run(store.db, not problems, "; ".join(problems) or report.summary())
    except Exception as error:
        record_run(store.db, False, failure_line(error, config.hub))
        raise
    finally:
        progress.done()
        store.close()
    print(report.summary())
    for warning in [*behind, *report.warnings()]:
        print(f"zichtlijn: warning: {warning}", file=sys.stderr)
    if asked.summary():
        print(asked.summary())
    for line in problems:
        print(f"zichtlijn: {line}", file=sys.stderr)
    return 1 if problems else 0


def _ask_again_before_refusing(channel: grpc.Channel, store: NodeStore, timeout_s: float,
                               hub: str) -> None:
    """A hub restored from a backup shows a shorter log, and the sync refuses until its
    operator says so (--hub-restored); the withdrawals and corrections the restore undid
    are asked again all the same: an erasure or a rectification does not wait for that
    word (the privacy officer's review found a restore showing a corrected sighting to
    the RIECs again). A failure here is a warning: the refusal, with its hint, follows."""
    try:
        again = ask_again(channel, store, timeout_s, hub)
    except Exception as failed:
        print(f"zichtlijn: warning: asking again for withdrawals and corrections failed: "
              f"{failure_line(failed, hub)}", file=sys.stderr)
        return
    for line in (again.summary(), again.problem()):
        if line:
            print(line)


def cmd_recover(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    args.peer = config.hub
    store = NodeStore(config.db_path)
    today = dt.date.today()
    try:
        try:
            usable: frozenset[int] | None = frozenset(
                i.epoch for i in Keyring(config, store).epochs(today, retire=False)
                if i.state != RETIRED)
        except EpochError:  # a package missing after the restore: status says which
            usable = None
        with secure_channel(config.hub, config.tls) as channel:
            print(recover(channel, store, today, args.timeout, usable).summary())
    finally:
        store.close()
    return 0


def cmd_witness(args: argparse.Namespace) -> int:
    """Check the hub's latest tree head against the last one verified, cosign it, print it."""
    config = load_config(HOME.path(args))
    args.peer = config.hub
    store = NodeStore(config.db_path)
    try:
        log = NodeLog.open(config, store.db)
        with secure_channel(config.hub, config.tls) as channel:
            head = log.refresh(channel, args.timeout)
            witnesses = log.cosign_latest(channel, args.timeout)
        note = log.latest_note()
    finally:
        store.close()
    print(f"hub log consistent at {head.size} entries; cosigned "
          f"({counted(witnesses, 'witness', 'witnesses')})",
          file=sys.stderr)
    print(note, end="")
    return 0


def cmd_trust_log_key(args: argparse.Namespace) -> int:
    trusted = trust_log_key(load_config(HOME.path(args)), Path(args.log_key))
    print(f"the hub's log is now checked with key {trusted.config.log_key}; the replaced "
          f"key {trusted.old_key_id} stays trusted for the {trusted.up_to:,} entries this "
          "node verified under it, and for nothing signed beyond them")
    return 0


def cmd_witness_key(args: argparse.Namespace) -> int:
    print(witness_key(load_config(HOME.path(args))).vkey)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    store = NodeStore(config.db_path)
    try:
        keyring = Keyring(config, store)
        # a read: an ended overlap is reported, never retired here (keys are destroyed
        # irreversibly, and a monitoring job's clock may run ahead)
        epochs = keyring.epochs(dt.date.today(), retire=False)
        behind = heard_retired_elsewhere(store.db)
        try:  # the keys an import would encode with: a missing package shows here first
            keyring.encoders(default_schema(), dt.date.today(), retire=False)
            keys_problem = None
        except (EpochError, KeyPackageError) as error:  # e.g. sealed to an old certificate
            keys_problem = str(error)
        total, unsynced = store.counts()
        verified, receipts, abandoned = log_status(store.db)
        hub_only = store.count_hub_only()
        newest, worked = last_runs(store.db)
    finally:
        store.close()
    warned = 0

    def warn(lines: list[str]) -> None:
        nonlocal warned
        for line in lines:
            print(f"           WARNING: {line}")
        warned += len(lines)

    schema = default_schema()
    print(f"gemeente   {config.gemeente}")
    print(f"hub        {config.hub}")
    print(f"schema     {schema.label}")
    for position, info in enumerate(epochs):
        print(f"{'epochs' if position == 0 else '':<10} {describe_epoch(info, dt.date.today())}")
    warn([keys_problem] if keys_problem else [])
    # what the hub answered at the last sync: epochs held here that the others retired
    warn([retired_elsewhere_advice(i.epoch, i.state, behind[i.epoch])
          for i in epochs if i.epoch in behind and i.state != RETIRED])
    taken_back = (f"; {hub_only} synced before a restore of this database, at the hub, not "
                  "imported again yet (`node recover`)" if hub_only else "")
    print(f"sightings  {total} ({unsynced} not yet synced{taken_back})")
    line, sync_warnings = describe_runs(newest, worked, dt.datetime.now(dt.UTC))
    print(f"last sync  {line}")
    warn(sync_warnings)
    today = dt.date.today()
    print(f"tls        {describe_certs(config.tls, today)}")
    warn(cert_warnings(config.tls, today))
    kept = (f", {abandoned} tree head(s) of a history lost in a hub restore kept as evidence"
            if abandoned else "")
    print(f"audit log  {'never checked' if verified is None else f'verified at {verified} entries'}"
          f", {receipts} receipts kept{kept}; log key {config.log_key or 'NOT CONFIGURED'}"
          + "".join(f"; replaced key trusted up to {up_to:,} entries"
                    for _, up_to in config.retired_log_keys))
    return 1 if args.check and warned else 0


def cmd_backup(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    target = Path(args.out)
    held = back_up(config.db_path, target, "node database", {
        "sightings": "SELECT count(*) FROM sightings",
        "unsynced": "SELECT count(*) FROM sightings WHERE synced_at IS NULL"})
    print(f"node database backed up to {target}: {held['sightings']:,} sightings "
          f"({held['unsynced']:,} not yet synced; {target.stat().st_size / 1e6:,.1f} MB); "
          "README \"Backups\"")
    return 0


def register(groups: argparse._SubParsersAction) -> None:
    node = groups.add_parser(
        "node", help="municipality node: import, list, sync, lookup, withdraw, correct")
    commands = node.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create a node home directory")
    HOME.add_to(init)
    init.add_argument("--gemeente", required=True, help="CBS code, e.g. GM0363")
    init.add_argument("--hub", required=True, help="hub address host:port")
    init.add_argument("--ca", required=True, help="CA certificate (PEM)")
    init.add_argument("--cert", required=True, help="this node's certificate (PEM)")
    init.add_argument("--key", required=True, help="this node's private key (PEM)")
    keys = init.add_mutually_exclusive_group(required=True)
    keys.add_argument("--key-package", metavar="FILE",
                      help="this node's key package (zichtlijn keys package)")
    keys.add_argument("--secret", metavar="FILE",
                      help="development only: single-holder secret file (zichtlijn keys new)")
    init.add_argument("--log-key", help="the hub's log verifier key (hub home/log.vkey)")
    init.add_argument("--force", action="store_true", help="overwrite an existing node.toml")
    init.add_argument("--signals", metavar="FILE",
                      help="signal catalogue (the hub's signals.toml; default: the one "
                           "shipped); import sends only the codes it lists and leaves out, "
                           "counted, every other word of the signals column")
    add_retention_months_argument(init, "the hub's")
    init.set_defaults(run=cmd_init)

    imp = commands.add_parser(
        "import", help="import a CSV export of controls (DESIGN §10)",
        description="Import a CSV export of controls (DESIGN §10). A row whose case_ref, "
                    "date of the control or name is missing or unreadable is refused, "
                    "named by line and field (exit status 1); any other value that cannot "
                    "be read (also a setting, licence or signal code) is left out of its "
                    "row with a note, and the control kept (exit status 0). In an export "
                    "of several municipalities (a gemeente column) this node takes its "
                    "own rows and refuses one whose gemeente names none. Dates like "
                    "3/5/2026 are read day first unless the file's other dates show "
                    "month first, which is said. Identity values are never printed.")
    HOME.add_to(imp)
    imp.add_argument("file", help="CSV file with a header row (UTF-8 unless --encoding)")
    imp.add_argument("--encoding", choices=tuple(ENCODINGS), default="utf-8",
                     help="what the file is written in: windows-1252 for a spreadsheet's "
                          "\"CSV (comma delimited)\" (which cannot hold ș, ț or ă; "
                          "default utf-8)")
    imp.set_defaults(run=holding_lock("import", HOME.path, cmd_import))

    sightings = commands.add_parser("sightings", help="list stored sightings (no identity)")
    HOME.add_to(sightings)
    sightings.add_argument("--format", choices=("table", "csv"), default="table")
    sightings.add_argument("--case-ref", dest="case_ref", metavar="CASE_REF",
                           help="what this node holds of one case reference (its controls, "
                                "which parts of her identity were recorded, dates), for an "
                                "AVG art. 15 request")
    sightings.set_defaults(run=cmd_sightings)

    sync_cmd = commands.add_parser("sync", help="upload unsynced encodings to the hub")
    HOME.add_to(sync_cmd)
    sync_cmd.add_argument("--timeout", type=positive_seconds, default=600.0,
                          help="deadline for the whole sync in seconds (default 600)")
    sync_cmd.add_argument("--hub-restored", action="store_true",
                          help="only when the hub's operator says the hub was restored from "
                               "a backup: agree with its log again and send what it lost "
                               "(README \"Restoring from a backup\")")
    sync_cmd.set_defaults(run=holding_lock("sync", HOME.path, cmd_sync))

    recover_cmd = commands.add_parser(
        "recover", help="after restoring node.db from a backup: learn which of this node's "
                        "sightings the hub holds, so importing them again takes their UUIDs "
                        "back (README \"Restoring from a backup\")")
    HOME.add_to(recover_cmd)
    recover_cmd.add_argument("--timeout", type=positive_seconds, default=DEFAULT_DEADLINE_S,
                             help=f"deadline in seconds (default {DEFAULT_DEADLINE_S:g})")
    recover_cmd.set_defaults(run=holding_lock("recover", HOME.path, cmd_recover))

    witness = commands.add_parser(
        "witness", help="check the hub log is consistent, cosign its tree head, print it")
    HOME.add_to(witness)
    witness.add_argument("--timeout", type=positive_seconds, default=DEFAULT_DEADLINE_S,
                         help=f"deadline per call in seconds (default {DEFAULT_DEADLINE_S:g})")
    witness.set_defaults(run=holding_lock("witness", HOME.path, cmd_witness))

    trust = commands.add_parser(
        "trust-log-key", help="check the hub's log with the new key its operator announced "
                              "(after `hub log-key replace`)")
    HOME.add_to(trust)
    trust.add_argument("--log-key", required=True, metavar="FILE",
                       help="the hub's new log.vkey, obtained out of band")
    trust.set_defaults(run=holding_lock("trust-log-key", HOME.path, cmd_trust_log_key))

    wkey = commands.add_parser("witness-key", help="print this node's witness verifier key")
    HOME.add_to(wkey)
    wkey.set_defaults(run=cmd_witness_key)

    backup = commands.add_parser("backup", help="copy the node database to a new file, also "
                                               "while it syncs (README \"Backups\")")
    HOME.add_to(backup)
    backup.add_argument("--out", required=True, metavar="FILE", help="the copy (must not exist)")
    backup.set_defaults(run=cmd_backup)

    status = commands.add_parser("status", help="show configuration, schema, epoch, counts, "
                                                "the last sync")
    HOME.add_to(status)
    status.add_argument("--check", action="store_true",
                        help="exit 1 when a WARNING line is shown (for monitoring)")
    status.set_defaults(run=cmd_status)

    register_keys(commands, HOME.add_to, HOME.path)
    register_lookup(commands, HOME.add_to, HOME.path)
    register_records(commands, HOME.add_to, HOME.path)
    alerts_cli.register(commands, HOME.add_to, HOME.path)
