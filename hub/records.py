"""Withdrawal and correction of a municipality's own sightings at the hub (AVG art. 16, 17).

Both take the sighting out of the linker (hub/linker.py `remove`: its rows,
links and person re-clustering in one transaction with the audit entry); a
correction then stores the corrected encodings under the same UUID and links
them like a new arrival. A withdrawn UUID is remembered (without anything
else) for the retention period, so a node restored from an old backup cannot
upload an erased sighting again.

Audit entries name a sighting by `sighting_ref`, a digest of its UUID: the
node that owns the sighting can find its entry, the log itself carries no
identifier that appears in alerts or exports.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from cryptography import x509

from hub import alert_evidence, audit_log, upload_records
from hub.alerts.engine import AlertEngine
from hub.linker import Linker, RemovalRun
from hub.store import HubStore, utc_now
from hub.validate import validate_batch
from linkage.schema import LinkageSchema
from zichtlijn import wire
from zichtlijn.certsign import sighting_ref
from zichtlijn.erasure import truncate_wal
from zichtlijn.v1 import encoding_pb2, sync_pb2

REASONS = ("recorded_in_error", "erasure_request")


#: the window a node's withdrawals and purge reports are bounded in
DAY_S = 86_400.0

#: New purge ids the hub records from one node in 24 hours. A node purges at most once
#: a day (each day's cutoff passes one more day of controls), so this is one report of
#: the most a report carries (hub/records_service.py MAX_PURGES): nearly three years of
#: purges held back by a node that could not reach the hub go in one sync; only a node
#: flooding the audit log with made-up purges meets it.
PURGES_PER_NODE_PER_DAY = 1000


class OverDailyLimit(Exception):
    """A node's withdrawals or purge reports would pass their bound for 24 hours; nothing
    of the call was written."""


class NotHeld(LookupError):
    """The hub holds no such sighting of the calling gemeente."""


class _Gone(Exception):
    """The sighting was removed while a withdrawal waited for the linker."""


class NotOwn(PermissionError):
    """The hub holds the sighting for another gemeente: not the caller's to withdraw."""


#: the audit entry's `refused` of a withdrawal of another gemeente's sighting
REFUSED_NOT_OWN = "another_gemeente"


@dataclass(frozen=True)
class NodeSigned:
    """The calling node's certificate and its signature over the withdraw or correct
    statement (zichtlijn/certsign.py), checked by the caller: logged in the entry as
    `node_cert` and `node_sig`, as an upload's are, so an auditor can tell the change
    from one the hub wrote under the node's name."""

    cert: x509.Certificate
    signature: bytes

    def fields(self, conn: sqlite3.Connection, gemeente: str) -> dict[str, str]:
        """The entry's fields; keeps the certificate for the export (the auditor checks
        the signature offline), in the transaction of the entry."""
        upload_records.record_certificate(conn, f"node:{gemeente}", self.cert)
        return upload_records.entry_fields(self.cert, self.signature)


def _signed_fields(conn: sqlite3.Connection, gemeente: str,
                   signed: NodeSigned | None) -> dict[str, str]:
    # None: the hub's own code called without a node's request (tests, benchmarks); such
    # an entry carries no signature, which `audit verify` reports once any node's signed
    # withdrawal or correction is in the log
    return {} if signed is None else signed.fields(conn, gemeente)


@dataclass(frozen=True)
class RecordOutcome:
    changed: bool  # withdrawal: a sighting was removed; correction: the content differed
    persons_changed: int
    alerts_changed: int = 0
    alert_sightings_read: int = 0  # by the alert evaluation that followed


def _held(store: HubStore, sighting_uuid: str, gemeente: str) -> tuple | None:
    with store.lock:
        return store.db.execute(
            "SELECT seq, digest, batch_digest, received_at FROM sightings "
            "WHERE sighting_uuid = ? AND gemeente = ?", [sighting_uuid, gemeente]).fetchone()


def withdraw(store: HubStore, linker: Linker, gemeente: str, sighting_uuid: str,
             reason: str, alerts: AlertEngine | None = None,
             wait: float | None = None, signed: NodeSigned | None = None) -> RecordOutcome:
    """Remove one of `gemeente`'s sightings and re-cluster; remembered so it stays out.

    Alerts holding it are updated, or closed as `evidence_withdrawn` when no
    rule fires on what is left (hub/alert_evidence.py). A UUID the hub holds for another
    gemeente raises NotOwn (the attempt logged, nothing else changed).
    """
    at = utc_now()
    held = _held(store, sighting_uuid, gemeente)
    touched: dict[str, bytes] = {}

    def record(conn: sqlite3.Connection, run: RemovalRun) -> None:
        touched.update(alert_evidence.forget(conn, [sighting_uuid],
                                             alerts.config if alerts else None))
        conn.execute("INSERT OR IGNORE INTO withdrawn_sightings (sighting_uuid, gemeente, "
                     "withdrawn_at) VALUES (?, ?, ?)", [sighting_uuid, gemeente, at])
        details: dict[str, object] = {}
        if held is not None:
            # what `audit verify` needs to account for the sighting no longer held
            details = {"batch": bytes(held[2]).hex(), "digest": bytes(held[1]).hex(),
                       "linked": run.linked}
        audit_log.append(conn, at, f"node:{gemeente}", "withdraw",
                         sighting=sighting_ref(sighting_uuid), reason=reason,
                         removed=held is not None, persons_changed=run.persons_changed,
                         **details, **run.logged(), **_signed_fields(conn, gemeente, signed))

    if held is None:
        with store.transaction() as conn:
            # read in this transaction, so an upload cannot come between: a UUID another
            # gemeente holds gets no tombstone here (it would stand under the wrong
            # municipality), while a UUID held by nobody yet does (it stops a later upload)
            owner = conn.execute("SELECT gemeente FROM sightings WHERE sighting_uuid = ?",
                                 [sighting_uuid]).fetchone()
            if owner is None:
                record(conn, RemovalRun(0, 0, 0, 0.0))
            elif owner[0] != gemeente:
                audit_log.append(conn, at, f"node:{gemeente}", "withdraw",
                                 sighting=sighting_ref(sighting_uuid), reason=reason,
                                 removed=False, persons_changed=0, refused=REFUSED_NOT_OWN,
                                 **_signed_fields(conn, gemeente, signed))
        if owner is None:
            return RecordOutcome(False, 0)
        if owner[0] != gemeente:
            raise NotOwn(f"sighting {sighting_uuid} is not this municipality's: "
                         "nothing was withdrawn")
        # its own upload landed since `_held` looked: withdraw it as held (a tombstone
        # alone would leave it held while the node deletes its row)
        return withdraw(store, linker, gemeente, sighting_uuid, reason, alerts, wait, signed)

    def still_held() -> list[int]:
        # read again under the linker: a correction may have replaced it (another seq and
        # digest) or a withdrawal or purge removed it while this one waited
        nonlocal held
        held = _held(store, sighting_uuid, gemeente)
        if held is None:
            raise _Gone
        return [held[0]]

    try:
        run = linker.remove_found(still_held, record, wait)
    except _Gone:  # withdrawn meanwhile: the tombstone path says the hub no longer held it
        return withdraw(store, linker, gemeente, sighting_uuid, reason, alerts, wait, signed)
    settled = alert_evidence.settle(store, alerts, [sighting_uuid], touched,
                                    alert_evidence.WITHDRAWN)
    with store.lock:
        truncate_wal(store.db.conn)
    return RecordOutcome(True, run.persons_changed, *settled)


def correct(store: HubStore, linker: Linker, schema: LinkageSchema, gemeente: str,
            sighting: encoding_pb2.EncodedSighting, today: dt.date,
            alerts: AlertEngine | None = None, wait: float | None = None,
            signed: NodeSigned | None = None) -> RecordOutcome:
    """Replace one of `gemeente`'s sightings by its corrected encoding, same UUID.

    The sighting stays (same UUID): the rules are evaluated again and update the
    alerts holding it with the corrected evidence; one that no rule holds any more
    (the correction split the person it was raised on) is closed as
    `evidence_corrected`.

    Raises hub.validate.Refusal for a malformed sighting and NotHeld when the
    gemeente holds no sighting with that UUID; LinkerBusyError, having changed
    nothing, when a link run holds the linker for longer than `wait` seconds.
    """
    validate_batch(sync_pb2.UploadBatch(batch_digest=wire.batch_digest([sighting]),
                                        sightings=[sighting]), schema, today)
    held = _held(store, sighting.sighting_uuid, gemeente)
    if held is None:
        raise NotHeld(f"the hub holds no sighting {sighting.sighting_uuid} of {gemeente}")
    _, old_digest, batch, received_at = held
    new_digest = wire.sighting_digest(sighting)
    at = utc_now()
    actor = f"node:{gemeente}"
    details = {"sighting": sighting_ref(sighting.sighting_uuid), "batch": bytes(batch).hex(),
               "old_digest": bytes(old_digest).hex(), "new_digest": new_digest.hex()}
    if bytes(old_digest) == new_digest:
        with store.transaction() as conn:
            audit_log.append(conn, at, actor, "correct", changed=False, **details,
                             **_signed_fields(conn, gemeente, signed))
        return RecordOutcome(False, 0)

    def record(conn: sqlite3.Connection, run: RemovalRun) -> None:
        # the corrected sighting keeps its UUID, batch and arrival time; it is linked
        # afresh right after, as the newest sighting
        HubStore._insert_sighting(conn, gemeente, bytes(batch), received_at, sighting)
        audit_log.append(conn, at, actor, "correct", changed=True, linked=run.linked,
                         persons_changed=run.persons_changed, **details, **run.logged(),
                         **_signed_fields(conn, gemeente, signed))

    def still_held() -> list[int]:
        # read again under the linker: a withdrawal may have removed it while this waited
        # (putting it back would undo an erasure), or a correction replaced it
        now = _held(store, sighting.sighting_uuid, gemeente)
        if now is None:
            raise NotHeld(f"the hub holds no sighting {sighting.sighting_uuid} of {gemeente}")
        details["old_digest"] = bytes(now[1]).hex()
        return [now[0]]

    holding = alert_evidence.alerts_holding(store, [sighting.sighting_uuid])
    run = linker.remove_found(still_held, record, wait)
    linked = linker.link_pending()
    with store.lock:
        truncate_wal(store.db.conn)
    changed = read = 0
    if alerts is not None:
        evaluation = alerts.evaluate_after_removal([sighting.sighting_uuid], holding)
        supported = evaluation.report.supported
        # what the RIECs see of the sighting follows the correction (AVG art. 16)
        left = alert_evidence.rectify(store, sighting.sighting_uuid, holding, supported,
                                      alerts.config)
        # the evaluation read every person of these alerts: one no finding matched has no
        # rule firing on it any more (the correction split the person it was raised on);
        # one whose shown evidence lost the sighting is closed even where its RIECs had
        # closed it, so a region left without its municipalities stops seeing it
        unsupported = {alert_id: digest for alert_id, digest in holding.items()
                       if alert_id not in supported}
        closed = sum(alert_evidence.close_unsupported(
            store, {a: d for a, d in unsupported.items() if (a in left) == lost},
            alert_evidence.CORRECTED, not lost, alerts.config.regions.region_of,
            alerts.config)
            for lost in (True, False))
        if closed:
            alerts.signal.notify()
        changed = evaluation.report.changes + closed
        read = evaluation.sightings
    return RecordOutcome(True, run.persons_changed + linked.persons_changed, changed, read)


def admit_withdrawal(conn: sqlite3.Connection, gemeente: str, now: float,
                     per_day: int) -> None:
    """Count one withdrawal by `gemeente` at `now` (seconds), or raise OverDailyLimit,
    counting nothing, when it made `per_day` in the 24 hours before.

    Every withdrawal writes an audit entry, and one of a UUID nobody holds a tombstone
    too, so a node asking for made-up UUIDs would grow both without end. The bound is
    the hub's upload bound (hub.toml [uploads] per_node_per_day): a municipality can take
    back in a day whatever file it could send in one, and no lawful one withdraws more."""
    since = now - DAY_S
    taken = conn.execute("SELECT count(*) FROM withdraw_calls WHERE gemeente = ? AND at > ?",
                         [gemeente, since]).fetchone()[0]
    if taken >= per_day:
        raise OverDailyLimit(
            f"{gemeente} made {taken:,} withdrawals in the last 24 hours and the hub takes at "
            f"most {per_day:,} a day from one municipality (hub.toml [uploads] "
            "per_node_per_day); nothing was withdrawn: run it again tomorrow")
    conn.execute("DELETE FROM withdraw_calls WHERE gemeente = ? AND at <= ?", [gemeente, since])
    conn.execute("INSERT INTO withdraw_calls (gemeente, at) VALUES (?, ?)", [gemeente, now])


def give_back_withdrawal(conn: sqlite3.Connection, gemeente: str, at: float) -> None:
    """Uncount a withdrawal that changed nothing (the linker was busy): it is run again."""
    conn.execute("DELETE FROM withdraw_calls WHERE rowid = (SELECT rowid FROM withdraw_calls "
                 "WHERE gemeente = ? AND at = ? LIMIT 1)", [gemeente, at])


def record_node_purges(conn: sqlite3.Connection, gemeente: str, purges: list,
                       per_day: int = PURGES_PER_NODE_PER_DAY) -> int:
    """Log each purge a node reports, once (a report resent after a lost reply is ignored).

    Raises OverDailyLimit, having recorded none of them, when the report's new purges
    would take the node past `per_day` recorded in 24 hours: the node keeps the report
    and sends it at a later sync."""
    recorded = 0
    at = utc_now()
    since = (dt.datetime.fromisoformat(at) - dt.timedelta(seconds=DAY_S)).isoformat(
        timespec="seconds")
    known = {purge_id for (purge_id,) in conn.execute(
        "SELECT purge_id FROM node_purges WHERE purge_id IN (SELECT value FROM json_each(?))",
        [json.dumps([p.purge_id for p in purges])])}
    fresh_ids = {p.purge_id for p in purges} - known
    taken = conn.execute("SELECT count(*) FROM node_purges WHERE gemeente = ? AND "
                         "recorded_at > ?", [gemeente, since]).fetchone()[0]
    if fresh_ids and taken + len(fresh_ids) > per_day:
        raise OverDailyLimit(
            f"{gemeente} reported {taken:,} purges in the last 24 hours and the hub records "
            f"at most {per_day:,} a day from one municipality; nothing of this report "
            f"({len(fresh_ids):,} new) was recorded: send it at a later sync")
    for purge in purges:
        fresh = conn.execute(
            "INSERT OR IGNORE INTO node_purges (purge_id, gemeente, recorded_at) "
            "VALUES (?, ?, ?)", [purge.purge_id, gemeente, at]).rowcount
        if fresh:
            audit_log.append(conn, at, f"node:{gemeente}", "node_purge",
                             purge_id=purge.purge_id, purged_at=purge.purged_at,
                             cutoff=purge.cutoff, retention_months=purge.retention_months,
                             sightings=purge.sightings)
            recorded += 1
    return recorded
