"""`zichtlijn audit verify`: check an audit export offline, and name the first bad entry.

What is checked, with nothing trusted but the hub's log key, the CA
certificate and the configured witness keys (all obtained out of band):

1. the log: entries numbered 0..n-1 without gaps, each a canonical entry;
   the RFC 9162 tree recomputed from them matches every tree head the hub
   signed (a changed, removed, inserted or reordered entry, or a log that was
   truncated and regrown, no longer matches the heads signed before);
2. the tree heads: every one signed by the log key, cosignatures from
   configured witnesses valid and for heads that match this log (a head a
   witness cosigned on another history is a fork), checkpoints collected
   from witnesses (``--checkpoint``) likewise;
3. the uploads: each upload entry carries the node's own signature over its
   batch, made with a certificate from the CA, so the hub cannot have made it
   up; the batch digest is recomputed from the batch's sighting digests; so
   does each withdrawal and correction the node signed, and each decision on an
   alert the RIEC signed (zichtlijn/audit_requests.py);
4. reconciliation with the hub's tables: every batch and every stored
   sighting has its upload entry, no upload entry points at nothing, counts
   add up, and the link runs account for every linked sighting; every alert
   the hub holds was created by an entry and has the version, evidence digest
   and merge the entries log last, and no alert entry names an alert the hub
   does not hold. The Merkle tree proves append-only history; this step is
   what shows completeness.

The package: `report` (the report's types), `entries` (reading the log), `signatures`
(nodes' and RIECs' signatures), `heads` (tree heads, checkpoints and cosignatures),
`reconcile` (with the hub's tables) and `times` (the export's time, settling);
`verify_export`, here, runs them in turn.
"""

from __future__ import annotations

from pathlib import Path

from zichtlijn.audit_file import meta_of, open_export
from zichtlijn.audit_verify.entries import _EntryReader
from zichtlijn.audit_verify.heads import _check_heads, _timeline
from zichtlijn.audit_verify.reconcile import _reconcile
from zichtlijn.audit_verify.report import SIGNATURE, Problem, Report, Trust
from zichtlijn.audit_verify.signatures import _load_certificates, _SignatureChecker
from zichtlijn.audit_verify.times import _check_export_time, _settle

__all__ = ["Problem", "Report", "Trust", "verify_export"]

#: read by verify_export, here: tests set it on this module to use worker processes
PARALLEL_ENTRIES = 50_000  # below this, starting worker processes costs more than it saves


def verify_export(path: Path, trust: Trust) -> Report:
    """Check everything; the report lists every problem found (empty when the export verifies)."""
    conn = open_export(path)
    try:
        report = Report(meta_of(conn))
        origin = report.meta.get("origin")
        if origin != trust.log_key.name:
            report.add(f"the export is of log {origin!r}, not of log {trust.log_key.name!r} "
                       "whose key was given")
            return report
        certs = _load_certificates(conn, trust.cas, report)
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        signatures = _SignatureChecker(certs, report, entries >= PARALLEL_ENTRIES)
        reader = _EntryReader(report, signatures)
        try:
            reader.read(conn)
        finally:
            signatures.finish()  # also stops the worker processes
        report.root = reader.tree.root()
        report.tree = reader.tree
        _check_heads(conn, trust, reader.tree, report, _timeline(conn, trust, reader, report))
        if report.latest_head is None and report.entries:
            report.add("no tree head signed by the log key covers this log")
        elif report.largest_signed < report.entries:
            report.add(f"entries #{report.largest_signed}..#{report.entries - 1} are covered "
                       "by no signed tree head", report.largest_signed, SIGNATURE)
        report.uploads = len(reader.uploads)
        _reconcile(conn, reader, report)
        _check_export_time(conn, report)
        _settle(conn, trust, report)
        return report
    finally:
        conn.close()
