"""`zichtlijn audit ...`: export the hub's audit log, verify it offline, witness it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

from linkage.checkpoint import SIG_COSIGNATURE_V1, CheckpointError, Verifier
from zichtlijn.arg_types import non_negative_days, positive_seconds
from zichtlijn.audit_file import write_export
from zichtlijn.audit_verify import Report, Trust, verify_export
from zichtlijn.ca_bundle import read_ca_bundle
from zichtlijn.errors import CliError
from zichtlijn.progress import Progress
from zichtlijn.transport import TlsFiles, secure_channel
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc
from zichtlijn.witness import (
    LogError,
    LogKeyring,
    WitnessKey,
    fetch_settled_head,
    open_tree_head,
    read_vkey,
    submit_cosignature,
)
from zichtlijn.wording import counted

SHOW_PROBLEMS = 20


def _tls(args: argparse.Namespace) -> TlsFiles:
    missing = [f"--{n}" for n in ("hub", "ca", "cert", "key") if not getattr(args, n)]
    if missing:
        raise CliError(f"{' '.join(missing)} required to reach the hub (or pass --home)")
    args.peer = args.hub
    return TlsFiles(Path(args.ca), Path(args.cert), Path(args.key))


def _progress(chunks: Iterator[audit_pb2.ExportChunk],
              progress: Progress) -> Iterator[audit_pb2.ExportChunk]:
    entries = total = 0
    for chunk in chunks:
        if chunk.HasField("meta"):
            total = chunk.meta.log_size
        entries += len(chunk.entries)
        progress(entries, total)
        yield chunk


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    progress = Progress(f"exporting to {out.name}")
    try:
        if args.home:
            written = write_export(_progress(_local_chunks(Path(args.home)), progress), out)
        else:
            tls = _tls(args)
            with secure_channel(args.hub, tls) as channel:
                stub = audit_pb2_grpc.AuditServiceStub(channel)
                chunks = stub.Export(audit_pb2.ExportRequest(), timeout=args.timeout)
                written = write_export(_progress(chunks, progress), out)
    finally:
        progress.done()
    print(f"{out}: {written.entries} log entries, {written.tree_heads} signed tree heads, "
          f"{written.batches} batches, {written.sightings} sightings, {written.alerts} alerts "
          f"(log {written.meta.origin}, exported by {written.meta.exported_by})")
    return 0


def _local_chunks(home: Path) -> Iterator[audit_pb2.ExportChunk]:
    """The operator's export straight from the hub database (the hub may be running),
    logged in it as the operator's OS account, as the other operator commands are."""
    from hub.admin_cli import operator_actor
    from hub.audit_export import ExportError
    from hub.config import load_config
    from hub.log_key import load_log_key
    from hub.logged_reads import logged_export
    from hub.store import HubStore
    from hub.tree_heads import TreeHeads

    config = load_config(home)
    log_key = load_log_key(home)
    store = HubStore.for_operator(config.db_path)
    try:
        yield from logged_export(TreeHeads(store, log_key), operator_actor())
    except ExportError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()


def _witness_keys(values: list[str]) -> tuple[Verifier, ...]:
    keys: list[Verifier] = []
    for value in values:
        path = Path(value)
        lines = path.read_text("utf-8").split() if path.is_file() else [value]
        for line in lines:
            try:
                verifier = Verifier.from_vkey(line)
            except CheckpointError as exc:
                raise CliError(f"--witness-key {value}: {exc}") from None
            if verifier.sig_type != SIG_COSIGNATURE_V1:
                raise CliError(f"--witness-key {value}: not a cosignature/v1 witness key")
            keys.append(verifier)
    return tuple(keys)


def _trust(args: argparse.Namespace) -> Trust:
    witnesses = _witness_keys(args.witness_key)
    if args.quorum > len(witnesses):
        raise CliError(f"--quorum {args.quorum} needs at least {args.quorum} --witness-key")
    checkpoints = tuple((path, Path(path).read_text("utf-8")) for path in args.checkpoint)
    earlier = tuple(read_vkey(Path(path)) for path in args.earlier_log_key)
    within = getattr(args, "settled_within", None)
    return Trust(read_vkey(Path(args.log_key)), read_ca_bundle(Path(args.ca)), witnesses,
                 args.quorum, checkpoints, earlier,
                 dt.timedelta(days=within) if args.quorum and within else None)


def _print_report(report: Report, trust: Trust) -> None:
    meta = report.meta
    print(f"export     log {meta.get('origin')}, {report.entries} entries, exported "
          f"{meta.get('exported_at')} by {meta.get('exported_by')}")
    actions = ", ".join(f"{n} {a}" for a, n in sorted(report.actions.items()))
    print(f"log        {report.entries} entries ({actions or 'none'}); "
          f"{report.tree_heads} signed tree heads")
    print(f"uploads    {report.uploads} upload entries, {report.batches} batches, "
          f"{report.sightings} sightings, {report.linked} linked by {report.link_runs} link runs")
    print(f"requests   {report.requests.summary()}")
    print(f"alerts     {report.alerts} alerts ({report.alerts_merged} merged), "
          f"{report.alerts_logged} created by the log")
    if report.soon_withdrawn:
        # lawful (a file imported by mistake), but also how a node reads whether a made-up
        # sighting joins an alert: worth a question to the municipality when it recurs
        counts = ", ".join(
            f"{g} {n}" + (f" ({report.soon_erased[g]} at the person's request, AVG art. 17)"
                          if report.soon_erased[g] else "")
            for g, n in sorted(report.soon_withdrawn.items()))
        print(f"withdrawn  within a day of their upload: {counts} sighting(s)")
    if trust.witnesses:
        vouched = ", ".join(f"{w} to {s}" for w, s in sorted(report.vouched.items())) or "none"
        print(f"witnesses  {report.cosignatures} valid cosignatures; vouched: {vouched}")
        if trust.quorum:
            settled = ("nothing" if report.settled_size is None
                       else f"the first {report.settled_size} entries")
            print(f"settled    {settled} (cosigned by {trust.quorum} of "
                  f"{len(trust.witnesses)} configured witnesses)")


def cmd_verify(args: argparse.Namespace) -> int:
    trust = _trust(args)
    report = verify_export(Path(args.export), trust)
    _print_report(report, trust)
    for note in report.notes:
        print(f"note: {note}")
    if not report.ok:
        problems = sorted(report.problems)
        print(f"{len(problems)} problems, first to last:")
        for problem in problems[:SHOW_PROBLEMS]:
            print(f"  {problem.line()}")
        if len(problems) > SHOW_PROBLEMS:
            print(f"  ... {len(problems) - SHOW_PROBLEMS} more")
        raise CliError(f"audit verify FAILED: {problems[0].line()}")
    print("final signed tree head:")
    print(report.latest_note, end="")
    print(f"verified: {report.entries} entries, every check passed")
    return 0


def cmd_cosign(args: argparse.Namespace) -> int:
    """Verify an export, then cosign its final tree head as this auditor's witness."""
    trust = _trust(args)
    tls = _tls(args)
    report = verify_export(Path(args.export), trust)
    if not report.ok or report.latest_head is None:
        first = report.first()
        raise CliError(f"not cosigning: the export does not verify ({first and first.line()})")
    principal = tls.principal()
    state = Path(args.state)
    key = WitnessKey.load_or_create(state / "witness.key", f"{principal.role}/{principal.name}")
    last_path = state / "last.head"
    if last_path.exists():
        # a head cosigned before a key replacement is signed by an earlier key; what
        # matters is that the verified log extends it
        keyring = LogKeyring(trust.log_key,
                             tuple((key, report.entries) for key in trust.earlier_log_keys))
        last = open_tree_head(last_path.read_text("utf-8"), keyring, f"{last_path}")
        if last.size > report.entries or report.tree.root(last.size) != last.root:
            restored = ("; the export holds a `restore` entry: the hub was restored from a "
                        f"backup, so move {last_path} out of {state}, keep it as evidence, and "
                        "cosign again (README \"Restoring from a backup\")"
                        if report.actions["restore"] else "")
            raise LogError(f"the export is not consistent with the tree head of size {last.size} "
                           f"this auditor cosigned before ({last_path}): history was rewritten "
                           f"or forked{restored}")
    with secure_channel(args.hub, tls) as channel:
        count, line = submit_cosignature(channel, key, report.latest_head, args.timeout)
    last_path.write_text(report.latest_note + line + "\n", "utf-8")
    print(f"cosigned tree head of size {report.latest_head.size} as {key.name} "
          f"({counted(count, 'witness', 'witnesses')}); witness key {key.vkey}")
    return 0


def cmd_tree_head(args: argparse.Namespace) -> int:
    """The latest tree head cosigned by a quorum of the configured witnesses."""
    tls = _tls(args)
    log_key = read_vkey(Path(args.log_key))
    witnesses = list(_witness_keys(args.witness_key))
    if args.quorum > len(witnesses):
        raise CliError(f"--quorum {args.quorum} needs at least {args.quorum} --witness-key")
    with secure_channel(args.hub, tls) as channel:
        head, note = fetch_settled_head(channel, log_key, witnesses, args.quorum, args.timeout)
    print(f"settled tree head: {head.size} entries, cosigned by {args.quorum} of "
          f"{len(witnesses)} configured witnesses", file=sys.stderr)
    print(note.to_text(), end="")
    return 0


def _add_hub(parser: argparse.ArgumentParser, required: bool) -> None:
    help_suffix = "" if required else " (with --hub)"
    parser.add_argument("--hub", required=required, help="hub address host:port")
    parser.add_argument("--ca", required=required, help="CA certificate (PEM)" + help_suffix)
    parser.add_argument("--cert", required=required,
                        help="your auditor certificate (PEM)" + help_suffix)
    parser.add_argument("--key", required=required, help="its private key (PEM)" + help_suffix)
    parser.add_argument("--timeout", type=positive_seconds, default=600.0,
                        help="deadline in seconds (default 600)")


def _add_trust(parser: argparse.ArgumentParser, ca: bool = True,
               checkpoints: bool = True) -> None:
    parser.add_argument("--log-key", required=True, help="the hub's log.vkey, obtained out of band")
    if checkpoints:  # verify and cosign read the whole log, with every key it was signed by
        parser.add_argument("--earlier-log-key", action="append", default=[], metavar="FILE",
                            help="a log key the hub replaced (`hub log-key replace`), for "
                                 "the heads signed before (repeatable)")
    if ca:
        parser.add_argument("--ca", required=True,
                            help="CA certificate that issued the node certificates (PEM)")
    parser.add_argument("--witness-key", action="append", default=[], metavar="VKEY",
                        help="a witness verifier key, or a file of them one per line "
                             "(repeatable; `zichtlijn node witness-key`)")
    parser.add_argument("--quorum", type=int, default=0,
                        help="witnesses that must cosign a tree head to settle it")
    if checkpoints:
        parser.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                            help="a signed tree head a witness holds (`zichtlijn node "
                                 "witness`), checked against the export (repeatable)")


def register(groups: argparse._SubParsersAction) -> None:
    audit = groups.add_parser("audit", help="audit log: export, verify offline, witness")
    commands = audit.add_subparsers(dest="command", required=True)

    export = commands.add_parser(
        "export", help="export the audit log (auditor over gRPC, or operator with --home)")
    export.add_argument("--out", required=True, help="export file to create (SQLite)")
    export.add_argument("--home", help="hub home: export directly from the hub database")
    _add_hub(export, required=False)
    export.set_defaults(run=cmd_export)

    verify = commands.add_parser("verify", help="verify an export offline")
    verify.add_argument("export", help="file written by `zichtlijn audit export`")
    _add_trust(verify)
    verify.add_argument("--settled-within", type=non_negative_days, default=2.0,
                        metavar="DAYS",
                        help="with --quorum: fail when an entry older than DAYS before the "
                             "export is not under a head the quorum cosigned (default 2: "
                             "nodes witness nightly; 0 turns the check off)")
    verify.set_defaults(run=cmd_verify)

    cosign = commands.add_parser(
        "cosign", help="verify an export, then cosign its final tree head as a witness")
    cosign.add_argument("export", help="file written by `zichtlijn audit export`")
    cosign.add_argument("--state", required=True,
                        help="directory for this auditor's witness key and last cosigned head")
    _add_trust(cosign, ca=False)
    _add_hub(cosign, required=True)
    cosign.set_defaults(run=cmd_cosign)

    head = commands.add_parser(
        "tree-head", help="the latest tree head settled by a quorum of witnesses")
    _add_trust(head, ca=False, checkpoints=False)
    _add_hub(head, required=True)
    head.set_defaults(run=cmd_tree_head)
