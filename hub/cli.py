"""`zichtlijn hub ...`: what the national hub operator runs."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import logging
import signal
import sqlite3
import sys
import threading
from pathlib import Path

from hub.admin_cli import (
    LOCK_NAME,
    is_serving,
    not_serving,
    operator_actor,
    serving,
    stopped_hub,
)
from hub.admin_cli import register as register_admin
from hub.alerts import cli as alerts_cli
from hub.alerts import setup as alerts_setup
from hub.alerts.config import load_alert_config
from hub.allocator import return_large_frees
from hub.config import HubConfig, load_config
from hub.epochs import left_behind_warnings, node_epochs
from hub.erase_gemeente import erase_gemeente
from hub.linker import Linker
from hub.log_key import DEFAULT_ORIGIN, create_log_key, key_paths, load_log_key
from hub.log_key_replace import REASONS, replace_log_key
from hub.logged_reads import log_backup_made, log_clusters_read
from hub.node_contacts import SILENT_DAYS, describe_contacts, node_rows
from hub.restore import SET_ASIDE, restore
from hub.retention import RetentionJob, purge
from hub.revocation import REASONS as REVOKE_REASONS
from hub.revocation import parse_fingerprint, revoke, revoke_fingerprint
from hub.server import start_hub
from hub.settings import HubSettings, RetentionSettings, load_settings, settings_toml
from hub.status import status_lines, uncatalogued_signals, unrouted_gemeenten
from hub.store import DatabaseLocked, HubStore, utc_now
from linkage.schema import default_schema
from zichtlijn.alert_format import gemeenten_text
from zichtlijn.cert_expiry import describe as describe_certs
from zichtlijn.cert_expiry import warnings as cert_warnings
from zichtlijn.cli_home import HomeOption
from zichtlijn.config_files import ConfigFileError
from zichtlijn.database_file import DatabaseFileError, back_up
from zichtlijn.dates import add_retention_months_argument
from zichtlijn.errors import USER_ERRORS, CliError, describe
from zichtlijn.home_dir import make_home
from zichtlijn.transport import TlsFiles

HOME = HomeOption("hub", "ZICHTLIJN_HUB_HOME")
log = logging.getLogger("zichtlijn.hub")


def cmd_init(args: argparse.Namespace) -> int:
    home = HOME.path(args)
    tls = TlsFiles(Path(args.ca).resolve(), Path(args.cert).resolve(), Path(args.key).resolve())
    tls.check_pair()
    principal = tls.principal()
    if principal.role != "hub":
        raise CliError(f"{args.cert}: certificate is for {principal}, not a hub")
    alerts = None
    if args.alerts:
        alerts = Path(args.alerts).resolve()
        load_alert_config(alerts)  # refuse a bad configuration now, not at the first serve
    config = HubConfig(home=home, listen=args.listen, tls=tls, alerts=alerts)
    make_home(home)
    config_path = home / "hub.toml"
    if config_path.exists() and not args.force:
        raise CliError(f"{config_path} exists; pass --force to overwrite the configuration")
    settings = HubSettings(retention=RetentionSettings(args.retention_months))
    config_path.write_text(config.to_toml() + settings_toml(settings), "utf-8")
    HubStore.for_operator(config.db_path).close()
    key_path, vkey_path = key_paths(home)
    log_key = load_log_key(home) if key_path.exists() else create_log_key(home, args.origin)
    print(f"hub ready in {home} (listen {args.listen})")
    print(f"log key {log_key.origin}: give {vkey_path} to nodes, auditors and RIECs")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # a service's journal: what it started with, each upload, link run and purge (counts
    # and codes, never personal data); other commands stay quiet without -v
    journal = logging.getLogger("zichtlijn")
    quiet = journal.level
    journal.setLevel(logging.INFO)
    try:
        return _serve_home(args)
    finally:
        journal.setLevel(quiet)


# sysexits' EX_CONFIG: `hub serve` cannot read its home's configuration (hub.toml, the
# settings, the alert rules it names) or finds its database missing. Restarting will
# not mend it (a lost database wants `hub restore`), so the unit names it in
# RestartPreventExitStatus= (deploy/systemd)
EX_CONFIG = 78


class HubConfigurationError(CliError):
    exit_code = EX_CONFIG


def _serve_home(args: argparse.Namespace) -> int:
    try:
        config = load_config(HOME.path(args))
        settings = load_settings(config.home)
    except USER_ERRORS as error:
        raise HubConfigurationError(describe(error)) from None
    if args.listen:
        config = dataclasses.replace(config, listen=args.listen)
    return_large_frees()
    with serving(config.home):
        return _serve(args, config, settings)


def _serve(args: argparse.Namespace, config: HubConfig, settings: HubSettings) -> int:
    try:
        hub = start_hub(config, settings=settings)
    except ConfigFileError as error:  # the alert rules, read first: no passing fault either
        raise HubConfigurationError(describe(error)) from None
    months = settings.retention.months

    def daily() -> None:
        for warning in cert_warnings(config.tls, dt.date.today()):
            log.warning("%s (README \"Certificates\")", warning)
        purge(hub.store, hub.linker, dt.date.today(), months, alerts=hub.alerts)

    retention = RetentionJob(daily).start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    host = config.listen.rsplit(":", 1)[0]
    print(f"hub serving on {host}:{hub.port}", flush=True)
    if args.port_file:
        Path(args.port_file).write_text(f"{hub.port}\n", "utf-8")
    stop.wait()
    retention.stop()
    hub.stop()
    print("hub stopped", file=sys.stderr)
    return 0


def cmd_clusters(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    store = HubStore.for_operator(config.db_path)
    try:
        rows = store.clusters()
        persons: dict[str, list[tuple]] = {}
        for row in rows:
            persons.setdefault(row[0], []).append(row)
        shown = {p: s for p, s in persons.items()
                 if args.format == "csv" or len(s) >= args.min_sightings}
        # logged before anything is printed, so nothing is shown that has no entry
        log_clusters_read(store, operator_actor(), {p: len(s) for p, s in shown.items()},
                          args.format, args.min_sightings if args.format == "table" else None)
    finally:
        store.close()
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["person_id", "gemeente", "sighting_uuid", "observed_on"])
        writer.writerows(rows)
        return 0
    for person, sightings in sorted(shown.items(), key=lambda p: (-len(p[1]), p[0])):
        gemeenten = sorted({s[1] for s in sightings})
        first, last = sightings[0][3], sightings[-1][3]
        print(f"{person}  {len(sightings)} sightings  {gemeenten_text(len(gemeenten))} "
              f"({', '.join(gemeenten)})  {first} .. {last}")
    print(f"{len(persons)} persons from {len(rows)} sightings "
          f"({len(shown)} shown with >= {args.min_sightings} sightings)")
    return 0


def cmd_epochs(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    store = HubStore.for_operator(config.db_path)
    try:
        with store.lock:
            rows = node_epochs(store.db.conn)
    finally:
        store.close()
    for r in rows:
        until = f" until {r.overlap_until}" if r.overlap_until else ""
        print(f"epoch {r.epoch}  {r.gemeente}  {r.state}{until}  keys {r.key_fingerprint}  "
              f"(reported {r.reported_at})")
    print(f"{len({r.epoch for r in rows})} epochs reported by "
          f"{len({r.gemeente for r in rows})} nodes")
    return 0


#: `hub status --check`: a WARNING about the service (not serving, a silent node, a
#: certificate running out, ...), and one only about the data nodes sent (signal codes
#: the catalogue does not list), which a monitoring system can route to office hours
CHECK_SERVICE = 1
CHECK_DATA = 3


def cmd_status(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    matching = load_settings(config.home).matching
    alerts = load_alert_config(config.alerts) if config.alerts else None
    store = HubStore.for_operator(config.db_path)
    try:
        with store.lock:
            lines = status_lines(store.db.conn, matching)
            nodes, silent = describe_contacts(store.db.conn, dt.datetime.now(dt.UTC))
            silent += left_behind_warnings(store.db.conn)  # a node left on a retired epoch
            unrouted = None if alerts is None else unrouted_gemeenten(store.db.conn,
                                                                      alerts.regions)
            unlisted = None if alerts is None else uncatalogued_signals(store.db.conn,
                                                                        alerts.signals.codes)
            routing = [w for w in (unrouted, unlisted) if w]
            # one town's export slip, not the service: it must not page a national on-call
            # (a municipality no region lists is the operator's configuration, so it does)
            about_data = [w for w in (unlisted,) if w]
    finally:
        store.close()
    today = dt.date.today()
    certs = cert_warnings(config.tls, today)
    aside = config.db_path.with_name(config.db_path.name + SET_ASIDE)
    # it holds what was withdrawn or purged since the backup: not to be kept
    left = [f"{aside} holds the database a restore replaced, with what was withdrawn or "
            "purged since the backup: delete it once the nodes have rejoined (README "
            "\"Restoring from a backup\")"] if aside.exists() else []
    sections = [_serving_section(config.home)]  # (label, what it says, its warnings)
    if alerts is not None:
        sections.append(("alerts", f"{len(alerts.regions.gemeenten_of)} regions, "
                                   f"{len(alerts.signals.codes)} signal codes ({config.alerts})",
                         routing))
    sections += [("nodes", nodes, silent),
                 ("tls", describe_certs(config.tls, today), certs)]
    if left:
        sections.append(("restore", "the replaced database is still here", left))
    for label, said, warnings in sections:
        lines.append(f"{label:<12} {said}")
        lines += [f"{'':<12} WARNING: {warning}" for warning in warnings]
    print("\n".join(lines))
    if not args.check:
        return 0
    warned = [w for _, _, warnings in sections for w in warnings]
    if any(w not in about_data for w in warned):
        return CHECK_SERVICE
    return CHECK_DATA if warned else 0


def _serving_section(home: Path) -> tuple[str, str, list[str]]:
    """Whether `hub serve` runs on this home: a stopped hub is the first thing to report."""
    try:  # the lock `hub serve` holds while it runs (hub/admin_cli.py); seen on this machine
        served = is_serving(home)
    except OSError as error:
        return ("serving", "unknown", [f"cannot tell whether `hub serve` runs: {home / LOCK_NAME}: "
                                       f"{error.strerror}"])
    if served:
        return ("serving", f"yes (`hub serve` holds {LOCK_NAME})", [])
    return ("serving", "no", ["no `zichtlijn hub serve` runs on this home: nodes cannot sync "
                              "and RIECs get no alerts"])


def cmd_nodes(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    store = HubStore.for_operator(config.db_path)
    try:
        with store.lock:
            rows = node_rows(store.db.conn, dt.datetime.now(dt.UTC))
    finally:
        store.close()
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["gemeente", "sightings", "last_heard", "silent"])
        writer.writerows([r.gemeente, r.sightings, r.last_heard or "", int(r.silent)]
                         for r in rows)
        return 0
    for r in rows:
        note = f"  SILENT for more than {SILENT_DAYS} days" if r.silent else ""
        print(f"{r.gemeente}  {r.sightings:>9,} sightings  last heard "
              f"{r.last_heard or 'never'}{note}")
    print(f"{len(rows)} municipalities, {sum(r.silent for r in rows)} silent")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    target = Path(args.out)
    held = back_up(config.db_path, target, "hub database", {
        "sightings": "SELECT count(*) FROM sightings",
        "entries": "SELECT count(*) FROM audit_entries"})
    try:
        digest = log_backup_made(config.db_path, target, operator_actor(), held["entries"],
                                 held["sightings"])
    except BaseException as error:
        # a copy of every encoding that the log does not show must not stay behind
        target.unlink(missing_ok=True)
        if isinstance(error, DatabaseLocked):
            raise CliError(f"the hub database stayed locked for {error.wait_s:g} s (a link "
                           f"run?), so the backup could not be logged and {target} was "
                           "removed; try again") from None
        if isinstance(error, (sqlite3.Error, DatabaseFileError)):
            raise CliError(f"the backup could not be logged in the hub's audit log ({error}), "
                           f"so {target} was removed; run it again") from None
        raise
    print(f"hub database backed up to {target}: {held['sightings']:,} sightings, audit log of "
          f"{held['entries']:,} entries ({target.stat().st_size / 1e6:,.1f} MB, SHA-256 "
          f"{digest[:16]}), the backup logged; README \"Backups\"")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args), database_required=False)
    not_serving(config.home, "the hub is serving on this home; stop it first to restore")
    restored = restore(config.db_path, Path(args.backup), operator_actor())
    aside = (f"; the database it replaced is in {restored.set_aside}: delete it once the "
             "nodes have rejoined" if restored.set_aside else "")
    if restored.revoked_again:
        aside += (f"; {restored.revoked_again} certificate revocation(s) made after the "
                  "backup kept")
    if restored.erase_again:
        try:
            with stopped_hub(config.home) as (store, linker, engine):
                for gemeente, reason in restored.erase_again:
                    erased = erase_gemeente(store, linker, gemeente, reason,
                                            operator_actor(), engine)
                    aside += (f"; {gemeente}, erased after the backup, erased again "
                              f"({erased.sightings:,} sightings)")
        except CliError as error:  # the restore itself is done: say what is left to do
            todo = "; ".join(f"zichtlijn hub erase --gemeente {g} --reason {r}"
                             for g, r in restored.erase_again)
            raise CliError(f"restored from {args.backup}, but the municipalities erased "
                           f"after the backup are not erased again yet: {error}; then run "
                           f"{todo}") from None
    print(f"restored {restored.sightings:,} sightings and an audit log of "
          f"{restored.log_size:,} entries from {args.backup} (SHA-256 {restored.sha256}, as "
          f"its backup_made entry logs it), the restore logged{aside}. "
          "Tell the nodes and auditors: a node whose sync now refuses the hub's log runs "
          "`zichtlijn node sync --hub-restored` once; an auditor sets its last cosigned "
          "head aside (README \"Restoring from a backup\")")
    return 0


def cmd_relink(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    # a serving hub would go on linking from the persons it holds in memory
    not_serving(config.home, "the hub is serving on this home and would go on from the "
                             "persons it holds; stop it first to relink (it relinks by itself "
                             "when its threshold steps)")
    return_large_frees()
    store = HubStore.for_operator(config.db_path)
    try:
        if config.alerts is None and (held := alerts_setup.alerts_held(store)):
            raise CliError(alerts_setup.unconfigured(held, "after the relink"))
        matching = load_settings(config.home).matching
        linker = Linker(store, default_schema(), matching.policy(), matching.auto_rule(),
                        alerts=config.alerts is not None)
        run = linker.relink_all(operator_actor(), count_names=args.count_names)
    finally:
        store.close()
    print(f"relinked {run.new_sightings} sightings: {run.new_links} links, "
          f"{run.components_reclustered} components, {run.seconds:.1f}s; link threshold "
          f"{linker.policy.threshold}{' (automatic)' if matching.auto else ''}")
    if config.alerts is not None:  # persons changed: alerts follow their sightings
        return alerts_cli.cmd_evaluate(config.home)
    return 0


def cmd_log_key_replace(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    not_serving(config.home, "the hub is serving on this home and signs with the key it "
                             "loaded at its start; stop it first to replace the key")
    replaced = replace_log_key(config.home, config.db_path, args.reason, operator_actor())
    aside = ", ".join(str(p) for p in replaced.set_aside) or "none: the old key files are lost"
    print(f"log {replaced.new_key.origin}: new signing key "
          f"{replaced.new_key.verifier.key_id.hex()} ({args.reason}); the replacement is "
          f"logged and the first head of the new key signed at {replaced.head_size} entries. "
          f"Old key files set aside: {aside}.")
    print(f"Give {config.home / 'log.vkey'} to every node, auditor and RIEC out of band, as "
          "the first; each node runs `zichtlijn node trust-log-key --log-key FILE`, auditors "
          "verify with both keys (README \"Replacing the log key\"). Then start the hub.")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    config = load_config(HOME.path(args))
    # the PEM, or (a lost laptop: no file left) the SHA-256 of one the hub has seen
    pem = Path(args.cert).read_bytes() if args.cert else None
    fingerprint = parse_fingerprint(args.fingerprint) if args.fingerprint else None
    store = HubStore.for_operator(config.db_path)
    try:
        with store.transaction() as conn:
            if pem is not None:
                revoked = revoke(conn, pem, args.reason, operator_actor(), utc_now())
            else:
                assert fingerprint is not None  # argparse requires one of the two
                revoked = revoke_fingerprint(conn, fingerprint, args.reason,
                                             operator_actor(), utc_now())
    finally:
        store.close()
    if revoked.already:
        print(f"{args.cert or args.fingerprint}: the certificate of {revoked.principal} was "
              "revoked before")
        return 0
    print(f"revoked the certificate of {revoked.principal} ({revoked.sha256.hex()[:16]}; "
          f"{args.reason}), logged; a serving hub refuses it from its next call. Issue "
          "the home a new certificate from the CA (README \"Revoking a certificate\")")
    return 0


def register(groups: argparse._SubParsersAction) -> None:
    hub = groups.add_parser("hub", help="central hub: serve, status, clusters, relink, "
                                           "backup, revoke, erase")
    commands = hub.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create a hub home directory")
    HOME.add_to(init)
    init.add_argument("--listen", default="127.0.0.1:50051", help="host:port to listen on")
    init.add_argument("--ca", required=True, help="CA certificate (PEM)")
    init.add_argument("--cert", required=True, help="the hub's certificate (PEM)")
    init.add_argument("--key", required=True, help="the hub's private key (PEM)")
    init.add_argument("--alerts", metavar="DIR",
                      help="alert configuration: regions.toml, signals.toml, rules.toml "
                           "(example: deploy/alerts)")
    init.add_argument("--origin", default=DEFAULT_ORIGIN,
                      help=f"audit log name in its tree heads (default {DEFAULT_ORIGIN})")
    init.add_argument("--force", action="store_true", help="overwrite an existing hub.toml "
                      "(never the log key)")
    add_retention_months_argument(init, "the nodes'")
    init.set_defaults(run=cmd_init)

    serve = commands.add_parser("serve", help="run the gRPC server (mTLS) until stopped")
    HOME.add_to(serve)
    serve.add_argument("--listen", help="override host:port (port 0 picks a free port)")
    serve.add_argument("--port-file", help="write the bound port to this file")
    serve.set_defaults(run=cmd_serve)

    clusters = commands.add_parser("clusters", help="pseudonymous persons (operator view)")
    HOME.add_to(clusters)
    clusters.add_argument("--format", choices=("table", "csv"), default="table")
    clusters.add_argument("--min-sightings", type=int, default=2,
                          help="table format: only persons with at least this many sightings")
    clusters.set_defaults(run=cmd_clusters)

    status = commands.add_parser("status", help="what the hub holds and how it links "
                                                "(threshold, name counts, last relink)")
    HOME.add_to(status)
    status.add_argument("--check", action="store_true",
                        help=f"for monitoring: exit {CHECK_SERVICE} when a WARNING line is "
                             f"about the service, {CHECK_DATA} when every WARNING is about "
                             "data (signal codes outside signals.toml), not the service, 0 "
                             "when there is none")
    status.set_defaults(run=cmd_status)

    nodes = commands.add_parser("nodes", help="each municipality: sightings held, when "
                                             "its node last synced")
    HOME.add_to(nodes)
    nodes.add_argument("--format", choices=("table", "csv"), default="table")
    nodes.set_defaults(run=cmd_nodes)

    backup = commands.add_parser("backup", help="copy the hub database to a new file, also "
                                               "while serving (README \"Backups\")")
    HOME.add_to(backup)
    backup.add_argument("--out", required=True, metavar="FILE", help="the copy (must not exist)")
    backup.set_defaults(run=cmd_backup)

    restore_cmd = commands.add_parser("restore", help="put a backup in the hub database's "
                                                     "place (hub stopped)")
    HOME.add_to(restore_cmd)
    restore_cmd.add_argument("--from", dest="backup", required=True, metavar="FILE",
                             help="a file written by `zichtlijn hub backup`")
    restore_cmd.set_defaults(run=cmd_restore)

    log_key = commands.add_parser("log-key", help="the audit log's signing key")
    log_key_commands = log_key.add_subparsers(dest="log_key_command", required=True)
    replace_cmd = log_key_commands.add_parser(
        "replace", help="sign the log with a new key from now on (the old one lost or "
                        "possibly known to others; hub stopped)")
    HOME.add_to(replace_cmd)
    replace_cmd.add_argument("--reason", required=True, choices=REASONS,
                             help="why: recorded in the log entry of the replacement")
    replace_cmd.set_defaults(run=cmd_log_key_replace)

    revoke_cmd = commands.add_parser(
        "revoke", help="refuse a certificate from now on (a stolen or lost key; also while "
                       "serving)")
    HOME.add_to(revoke_cmd)
    which = revoke_cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--cert", metavar="PEM",
                       help="the certificate to refuse (a node's, a RIEC's, an auditor's)")
    which.add_argument("--fingerprint", metavar="SHA256HEX",
                       help="instead of --cert, when the file is lost with the key: the "
                            "certificate's SHA-256 (as in the hub's journal, the CA's "
                            "records, or an upload's node_cert in an audit export), of a "
                            "certificate that signed an upload to this hub")
    revoke_cmd.add_argument("--reason", required=True, choices=REVOKE_REASONS,
                            help="recorded in the log entry of the revocation")
    revoke_cmd.set_defaults(run=cmd_revoke)

    epochs = commands.add_parser("epochs", help="key epochs each node reported (no keys)")
    HOME.add_to(epochs)
    epochs.set_defaults(run=cmd_epochs)

    relink = commands.add_parser("relink", help="link every sighting again from scratch")
    HOME.add_to(relink)
    relink.add_argument("--count-names", action="store_true",
                        help="count again how many persons bear each name (the rise per "
                             "name; otherwise those of the threshold's last step are kept)")
    relink.set_defaults(run=cmd_relink)

    alerts_cli.register(commands, HOME.add_to, HOME.path)
    register_admin(commands, HOME.add_to, HOME.path)
