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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from linkage import merkle
from linkage.checkpoint import (
    Checkpoint,
    CheckpointError,
    SignedNote,
    Verifier,
    open_checkpoint,
    verify_cosignature,
)
from zichtlijn import audit_alerts
from zichtlijn.audit_alerts import AlertLog
from zichtlijn.audit_file import meta_of, open_export
from zichtlijn.audit_log_keys import (
    KeyTimeline,
    key_before_replacement,
)
from zichtlijn.audit_verify.entries import PARTITION, _EntryReader
from zichtlijn.audit_verify.report import (
    RECONCILE,
    SIGNATURE,
    Problem,
    Report,
    Trust,
)
from zichtlijn.audit_verify.signatures import _load_certificates, _SignatureChecker
from zichtlijn.audit_verify.times import _check_export_time, _export_time, _settle

__all__ = ["Problem", "Report", "Trust", "verify_export"]

PARALLEL_ENTRIES = 50_000  # below this, starting worker processes costs more than it saves


# -- tree heads -------------------------------------------------------------------


def _open_head(text: str, keys: KeyTimeline) -> tuple[Checkpoint, SignedNote]:
    """The head, checked with the key that must have signed a tree of its size."""
    note = SignedNote.from_text(text)
    size = note.checkpoint().size
    key = keys.key_for(size)
    if key is None:
        raise CheckpointError(keys.missing(size))
    return open_checkpoint(note, key), note


def _check_heads(conn: sqlite3.Connection, trust: Trust, tree: merkle.MemoryTree,
                 report: Report, keys: KeyTimeline) -> None:
    heads: list[tuple[Checkpoint, SignedNote, str]] = []
    for problem in keys.problems():
        report.add(problem)
    for (text,) in conn.execute("SELECT note FROM tree_heads ORDER BY rowid"):
        try:
            head, note = _open_head(text, keys)
        except CheckpointError as exc:
            size = _size_hint(text)
            report.add(f"tree head{size}: not signed by the log key {trust.log_key.name} "
                       f"({exc}): forged or altered")
            continue
        heads.append((head, note, text))
    heads.sort(key=lambda h: h[0].size)
    report.tree_heads = len(heads)
    last_good = 0
    mismatch_reported = False
    seen: dict[int, bytes] = {}
    for head, note, text in heads:
        report.largest_signed = max(report.largest_signed, head.size)
        if seen.get(head.size, head.root) != head.root:
            report.add(f"the log signed two different tree heads of size {head.size}: it has "
                       "shown two histories (fork)", head.size)
        seen[head.size] = head.root
        matches = _matches(head, tree, report, "tree head", mismatch_reported, last_good)
        mismatch_reported = mismatch_reported or not matches
        if matches:
            last_good = head.size
            report.latest_head, report.latest_note = head, text
        _cosignatures(head, note, trust, matches, f"tree head of size {head.size}", report)
    for origin, text in trust.checkpoints:
        try:
            head, note = _open_head(text, keys)
        except CheckpointError as exc:
            report.add(f"checkpoint from {origin}: not signed by the log key ({exc})")
            continue
        if head.size > tree.size:
            _newer_checkpoint(conn, origin, head, note, trust, report)
            continue
        matches = _matches(head, tree, report, f"checkpoint from {origin}", False, None)
        if not matches and report.actions["restore"]:
            report.add(f"checkpoint from {origin}: the log holds a `restore` entry; a head "
                       "cosigned before the hub was restored from a backup belongs to the "
                       "history the restore cut off: keep it as evidence of that history "
                       "(README \"Restoring from a backup\")")
        _cosignatures(head, note, trust, matches, f"checkpoint from {origin}", report)


def _newer_checkpoint(conn: sqlite3.Connection, origin: str, head: Checkpoint,
                      note: SignedNote, trust: Trust, report: Report) -> None:
    """A checkpoint of more entries than the export holds. Cosigned after the export was
    made (a municipality's checkpoint of tonight against an export of this morning) it
    says nothing of this export: export again. Cosigned before, the export should hold
    those entries: a restore cut them off, or the log was truncated or forked."""
    cosigned = _cosigned_at(head, note, trust)
    exported = _export_time(conn, report)
    what = f"checkpoint from {origin} of size {head.size}"
    if cosigned is not None and exported is not None and cosigned >= exported:
        report.add(f"{what} was cosigned at {cosigned.isoformat()}, after this export was "
                   f"made ({exported.isoformat()}, {report.entries} entries): export again "
                   "and verify that export with it")
    elif report.actions["restore"]:
        report.add(f"{what}: the log holds a `restore` entry; a head cosigned before the hub "
                   "was restored from a backup belongs to the history the restore cut off: "
                   "keep it as evidence of that history (README \"Restoring from a backup\")")
    elif cosigned is not None and exported is not None:
        report.add(f"{what} was cosigned at {cosigned.isoformat()}, before this export was "
                   f"made ({exported.isoformat()}), which holds only {report.entries} "
                   f"entries: entries #{report.entries}..#{head.size - 1} are missing "
                   "(truncated log, or a history this export does not show: fork)",
                   report.entries)
    else:
        report.add(f"{what} holds more entries than this export ({report.entries}): a later "
                   "checkpoint, or a log cut short; export again and verify that export with "
                   "it (with --witness-key its cosignature's time tells the two apart)")


def _cosigned_at(head: Checkpoint, note: SignedNote, trust: Trust) -> dt.datetime | None:
    """The earliest time a configured witness cosigned `head` (its signed timestamp)."""
    times = [at for _, at in _configured_cosignatures(head, note, trust) if at is not None]
    return dt.datetime.fromtimestamp(min(times), dt.UTC) if times else None


def _configured_cosignatures(head: Checkpoint, note: SignedNote, trust: Trust
                             ) -> Iterator[tuple[Verifier, int | None]]:
    """Each cosignature of `note` by a configured witness: (witness, its signed timestamp,
    or None when it does not verify)."""
    by_key = {(w.name, w.key_id): w for w in trust.witnesses}
    for signature in note.signatures:
        witness = by_key.get((signature.name, signature.key_id))
        if witness is None:
            continue
        try:
            yield witness, verify_cosignature(head, signature, witness)
        except CheckpointError:
            yield witness, None


def _size_hint(text: str) -> str:
    lines = text.split("\n")
    return f" of size {lines[1]}" if len(lines) > 1 and lines[1].isdigit() else ""


def _matches(head: Checkpoint, tree: merkle.MemoryTree, report: Report, what: str,
             quiet: bool, last_good: int | None) -> bool:
    """Does the recomputed log agree with ``head``? Reports the first disagreement."""
    if head.size > tree.size:
        report.add(f"{what} of size {head.size} was signed, but the export holds only "
                   f"{tree.size} entries: entries #{tree.size}..#{head.size - 1} are missing "
                   "(truncated log, or a history this export does not show: fork)", tree.size)
        return False
    if tree.root(head.size) == head.root:
        return True
    if quiet:
        return False
    if last_good is None:
        report.add(f"{what} of size {head.size} does not match this log: the holder was shown "
                   "another history (fork), or entries before it were changed", head.size - 1)
    elif head.size - last_good == 1:
        report.add(f"entry #{last_good} was changed, removed, inserted or moved: the log no "
                   f"longer matches the tree head signed at size {head.size}", last_good)
    else:
        report.add(f"entries #{last_good}..#{head.size - 1}: one of these was changed, removed, "
                   f"inserted or moved: the log no longer matches the tree head signed at size "
                   f"{head.size} (it matches the one at size {last_good})", last_good)
    return False


def _cosignatures(head: Checkpoint, note: SignedNote, trust: Trust, matches: bool, what: str,
                  report: Report) -> None:
    for witness, at in _configured_cosignatures(head, note, trust):
        if at is None:
            report.add(f"{what}: invalid cosignature from {witness.name}", rank=SIGNATURE)
            continue
        report.cosignatures += 1
        if not matches:
            report.add(f"{what} was cosigned by {witness.name} but does not match this log: "
                       "the hub showed that witness another history (fork)",
                       min(head.size, report.entries), SIGNATURE)
            continue
        report.vouched[witness.name] = max(report.vouched.get(witness.name, 0), head.size)


# -- reconciliation ---------------------------------------------------------------------


def _batch_digest(digests: bytes) -> bytes:
    # zichtlijn.wire.batch_digest over sighting digests that are already computed
    return hashlib.sha256(b"zichtlijn-batch\x00" + digests).digest()


def _reconcile(conn: sqlite3.Connection, reader: _EntryReader, report: Report) -> None:
    def add(message: str, entry: int | None = None) -> None:
        report.add(message, entry, RECONCILE)

    uploads = reader.uploads
    removals = reader.removals
    held: dict[bytes, int] = Counter()
    batch_digests: dict[bytes, bytes] = {}
    for digest, gemeente, sightings, accepted, received_at, leaf, digests in conn.execute(
            "SELECT digest, gemeente, sightings, accepted, received_at, leaf_index, "
            "sighting_digests FROM batches ORDER BY rowid"):
        digest, digests = bytes(digest), bytes(digests)
        report.batches += 1
        up = uploads.get(digest)
        label = f"batch {digest.hex()[:16]} ({gemeente}, {sightings} sightings, {received_at})"
        if up is None:
            add(f"{label} has no upload entry in the log")
            continue
        batch_digests[digest] = digests
        if (up.gemeente, up.sightings, up.accepted) != (gemeente, sightings, accepted):
            add(f"entry #{up.index}: logs {up.sightings} sightings ({up.accepted} new) "
                       f"from {up.gemeente}, the hub holds {label} with {accepted} new",
                       up.index)
        if leaf != up.index:
            add(f"{label}: recorded at leaf {leaf}, but its upload entry is #{up.index}",
                       up.index)
        if len(digests) != 32 * sightings or _batch_digest(digests) != digest:
            add(f"{label}: its sighting digests do not add up to the digest the node "
                       f"signed (entry #{up.index})", up.index)
    held_batches = {bytes(r[0]) for r in conn.execute("SELECT digest FROM batches")}
    for batch, up in uploads.items():
        if batch not in held_batches:
            add(f"entry #{up.index}: upload of batch {batch.hex()[:16]}, which the hub "
                       "does not hold", up.index)
    members = {b: {d[i:i + 32] for i in range(0, len(d), 32)} for b, d in batch_digests.items()}
    all_held: set[bytes] = set()
    for uuid, gemeente, digest, batch, linked in conn.execute(
            "SELECT sighting_uuid, gemeente, digest, batch_digest, linked FROM sightings "
            "ORDER BY rowid"):
        digest, batch = bytes(digest), bytes(batch)
        report.sightings += 1
        report.linked += bool(linked)
        all_held.add(digest)
        up = uploads.get(batch)
        if up is None:
            add(f"sighting {uuid} ({gemeente}): its batch {batch.hex()[:16]} has no upload "
                       "entry in the log")
            continue
        held[batch] += 1
        corrected = digest in removals.added.get(batch, ())
        if gemeente != up.gemeente or (digest not in members.get(batch, ()) and not corrected):
            add(f"sighting {uuid} ({gemeente}): not part of batch {batch.hex()[:16]} as "
                       f"node:{up.gemeente} signed it (entry #{up.index})", up.index)
    for batch, up in uploads.items():
        left = up.accepted - removals.dropped[batch]  # withdrawn or purged since, as logged
        if batch in batch_digests and held[batch] != left:
            add(f"entry #{up.index}: logs {up.accepted} new sightings in batch "
                       f"{batch.hex()[:16]}"
                       + (f" ({removals.dropped[batch]} withdrawn or purged since)"
                          if removals.dropped[batch] else "")
                       + f", the hub holds {held[batch]} of them", up.index)
        missing = len(members.get(batch, frozenset()) - all_held
                      - removals.gone.get(batch, set()))
        if missing:
            add(f"entry #{up.index}: {missing} sightings of batch {batch.hex()[:16]} are "
                       "not held by the hub", up.index)
    if reader.linked_since_relink - removals.unlinked != report.linked:
        since = (f"since the relink at entry #{reader.last_relink}"
                 if reader.last_relink is not None else "")
        less = (f" ({removals.unlinked} withdrawn, corrected or purged)"
                if removals.unlinked else "")
        add(f"link runs {since} logged {reader.linked_since_relink} newly linked "
                   f"sightings{less}, the hub marks {report.linked} linked".replace("  ", " "))
    _reconcile_alerts(conn, reader.alerts, report, reader.newest_version)
    _reconcile_persons(report.meta.get(PARTITION), reader.partition, report)


def _reconcile_persons(held: str | None, logged: tuple[int, str] | None,
                       report: Report) -> None:
    """The persons the hub holds must be those its newest entry recording them left: a
    person changed in hub.db (sightings joined or split) after that entry differs. Tied
    to no entry: a log cut short also ends at an older such entry, and that is reported
    first, as its cause."""
    if logged is None:  # a log from before entries recorded the persons
        return
    index, digest = logged
    if held is None:
        report.add(f"entry #{index} records the persons, but the export holds no partition "
                   "(exported by an older hub, or removed): export again", None, RECONCILE)
    elif held != digest:
        report.add(f"entry #{index} records the persons as partition {digest[:16]}, the hub "
                   f"holds {held[:16]}: sightings were moved between persons in hub.db "
                   "after that entry, not by the linker", None, RECONCILE)


#: the entry version of the release whose exports first held alert_regions (2026-12-07)
REGION_STATES_VERSION = 3


def _reconcile_alerts(conn: sqlite3.Connection, log: AlertLog, report: Report,
                      newest_version: tuple[int, int] | None) -> None:
    def add(message: str, entry: int | None = None) -> None:
        report.add(message, entry, RECONCILE)

    held = audit_alerts.held_alerts(conn)
    report.alerts_logged = sum(a.created is not None for a in log.alerts.values())
    if held is None:
        # exports made before alerts were exported lack the table; so does one whose
        # table was dropped to hide an alert: either way the entries cannot be checked
        if log.alerts:
            first = min(a.first for a in log.alerts.values())
            add(f"entry #{first}: the log has entries for {len(log.alerts)} alerts, but the "
                "export holds no alerts table (exported by an older hub, or removed): export "
                "again", first)
        return
    report.alerts = len(held)
    report.alerts_merged = sum(a.merged_into is not None for a in held)
    audit_alerts.reconcile(held, log, add)
    states = audit_alerts.held_region_states(conn)
    if states is None:
        # an export made before 2026-12-07 holds none; so does one whose table was dropped
        # to hide a closing, which the entries of that release (version 3) give away
        if newest_version is not None and newest_version[0] >= REGION_STATES_VERSION:
            add(f"entry #{newest_version[1]} is of entry version {newest_version[0]}, "
                "whose exports hold each alert's region states, but this export holds no "
                "alert_regions table (removed?): export again", newest_version[1])
        return
    audit_alerts.reconcile_regions(states, log, add)
    audit_alerts.reconcile_shown(held, log, add)


def _timeline(conn: sqlite3.Connection, trust: Trust, reader: _EntryReader,
              report: Report) -> KeyTimeline:
    """The keys the heads are checked by; an export taken before the log key was replaced
    (no replacement entry) by the earlier key that signed it, said in a note."""
    if not reader.key_changes and trust.earlier_log_keys:
        signers = set()
        for (text,) in conn.execute("SELECT note FROM tree_heads"):
            with contextlib.suppress(CheckpointError):
                signers |= {s.key_id for s in SignedNote.from_text(text).signatures
                            if s.name == trust.log_key.name}
        older = key_before_replacement(trust.earlier_log_keys, signers)
        if older is not None:
            report.notes.append(
                f"the export holds no log key replacement: it was taken before key "
                f"{older.key_id.hex()} (--earlier-log-key) was replaced, and its "
                f"{report.entries} entries are checked with that key")
            return KeyTimeline(older, (), [])
    return KeyTimeline(trust.log_key, trust.earlier_log_keys, reader.key_changes)


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
