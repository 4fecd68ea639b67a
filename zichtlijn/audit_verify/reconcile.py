"""Reconciliation with the hub's tables: batches, sightings and link runs against the upload
and link run entries, the persons against the newest entry recording them, the alerts
against the alert entries. The Merkle tree proves append-only history; this is what shows
completeness."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter

from zichtlijn import audit_alerts
from zichtlijn.audit_alerts import AlertLog
from zichtlijn.audit_verify.entries import PARTITION, _EntryReader
from zichtlijn.audit_verify.report import RECONCILE, Report
from zichtlijn.certsign import sighting_ref


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
    for first in reader.contents.first:
        # a sighting's first correction replaced what its node uploaded
        if first.batch in members and first.old_digest not in members[first.batch]:
            add(f"entry #{first.index}: correction of a sighting of batch "
                f"{first.batch.hex()[:16]} logs it replacing content "
                f"{first.old_digest.hex()[:16]}, which is not in that batch as its node "
                "signed it", first.index)
    contents = reader.contents.sightings
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
        last = contents.get(sighting_ref(uuid)) if contents else None
        if last is not None and last.checked and last.digest != digest:
            # an earlier content of the sighting passes the check above (it was in its
            # batch, or a correction added it): the log says which one is current
            add(f"sighting {uuid} ({gemeente}): the hub holds content {digest.hex()[:16]}, "
                f"but entry #{last.index}, its last correction, left "
                f"{last.digest.hex()[:16]}: changed in hub.db without an entry", last.index)
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
