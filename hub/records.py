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

A node's signed request (`NodeSigned`) is acted on only as signed: at about the
time the node decided it, and a correction only against the content it says it
replaces and after the sighting's last correction. These checks are here, in
the code that changes the sighting, not only in the gRPC service, so that a hub
insider who runs this code with a signature copied out of the log (a crypto
review's replay) is refused by it too.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from cryptography import x509

from hub import alert_evidence, audit_log, record_tables, upload_records
from hub.alerts.engine import AlertEngine
from hub.linker import Linker, RemovalRun
from hub.store import HubStore, utc_now
from hub.validate import validate_batch
from linkage.schema import LinkageSchema
from zichtlijn import wire
from zichtlijn.certsign import read_request_time, sighting_ref
from zichtlijn.erasure import truncate_wal
from zichtlijn.riec_requests import clock_gap
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


class RequestRefused(ValueError):
    """A node's signed withdrawal or correction the hub does not act on; nothing was
    changed. `invalid`: the request is malformed (INVALID_ARGUMENT) rather than decided at
    another time or against other content (FAILED_PRECONDITION); `other_content`: the hub
    holds the sighting with other content than the correction replaces (the node asks
    what it holds and signs against that)."""

    def __init__(self, message: str, invalid: bool = False,
                 other_content: bool = False) -> None:
        super().__init__(message)
        self.invalid = invalid
        self.other_content = other_content


@dataclass(frozen=True)
class NodeSigned:
    """The calling node's certificate and its signature over the withdraw or correct
    statement (zichtlijn/certsign.py), checked by the caller, with what the statement
    signs beside the request itself: when the node decided it and, for a correction, the
    content digest it replaces. Logged in the entry as `node_cert`, `node_sig`,
    `decided_at` and `replaces`, as an upload's signature is, so an auditor can tell the
    change from one the hub wrote under the node's name, or replayed in it."""

    cert: x509.Certificate
    signature: bytes
    decided_at: str
    replaces: bytes | None = None  # a correction's; None for a withdrawal

    def fields(self, conn: sqlite3.Connection, gemeente: str) -> dict[str, str]:
        """The entry's fields; keeps the certificate for the export (the auditor checks
        the signature offline), in the transaction of the entry."""
        upload_records.record_certificate(conn, f"node:{gemeente}", self.cert)
        fields = {"decided_at": self.decided_at,
                  **upload_records.entry_fields(self.cert, self.signature)}
        if self.replaces is not None:
            fields["replaces"] = self.replaces.hex()
        return fields


def check_time(decided_at: str, now: dt.datetime) -> dt.datetime:
    """The time a node decided a request, if it is about `now` (as a RIEC's decision must
    be, hub/alerts/decisions.py); raises RequestRefused otherwise. A replay of a signature
    copied from the log is minutes, days or weeks older than the hub's clock."""
    try:
        at = read_request_time(decided_at)
    except ValueError as exc:
        raise RequestRefused(f"decided_at: {exc}; nothing was changed", invalid=True) from None
    if gap := clock_gap(at, now):
        raise RequestRefused(f"{gap}: set the node's clock right (NTP) and run the command "
                             "again; nothing was changed")
    return at


def _logged_time(at: str) -> dt.datetime:
    return dt.datetime.fromisoformat(at)


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
    """(seq, digest, batch digest, received_at, the decided_at of its last signed
    correction or None) of `gemeente`'s sighting, or None."""
    with store.lock:
        return store.db.execute(
            "SELECT s.seq, s.digest, s.batch_digest, s.received_at, c.decided_at "
            "FROM sightings s LEFT JOIN correction_times c ON c.sighting_seq = s.seq "
            "WHERE s.sighting_uuid = ? AND s.gemeente = ?",
            [sighting_uuid, gemeente]).fetchone()


def check_correction(signed: NodeSigned, sighting_uuid: str, held: tuple,
                     new_digest: bytes, now: dt.datetime) -> None:
    """Raise RequestRefused unless the node's signed correction is to be acted on against
    the sighting as `held` (`_held`'s row): decided about `now`, after the
    correction the hub applied last, and against the content the hub holds. A correction
    to the content held already changes nothing and is taken whatever it replaces (a node
    asking again after a reply it did not get), at its time."""
    at = check_time(signed.decided_at, now)
    if signed.replaces is None or len(signed.replaces) != 32:
        raise RequestRefused("a correction needs the digest of the content it replaces "
                             "(replaces_digest, 32 bytes); nothing was changed", invalid=True)
    held_digest, last = bytes(held[1]), held[4]
    if held_digest not in (signed.replaces, new_digest):
        raise RequestRefused(
            f"the hub holds sighting {sighting_uuid} with content {held_digest.hex()[:16]}, "
            f"not the {signed.replaces.hex()[:16]} this correction replaces (a correction "
            "signed before another, or the hub restored from a backup); nothing was changed",
            other_content=True)
    if last is not None and at <= read_request_time(last):
        raise RequestRefused(
            f"the correction of sighting {sighting_uuid} was decided at {signed.decided_at}, "
            f"not after the last one the hub applied to it ({last}): an earlier correction "
            "sent again (or the node's clock set back); nothing was changed")


def check_correction_at(store: HubStore, gemeente: str, sighting_uuid: str,
                        signed: NodeSigned, new_digest: bytes, now: dt.datetime) -> None:
    """`check_correction` against the sighting as the hub holds it now, if it holds it
    (`correct` says NotHeld otherwise, and checks again): for the service, before the
    correction costs the node a slot of its hour."""
    held = _held(store, sighting_uuid, gemeente)
    if held is not None:
        check_correction(signed, sighting_uuid, held, new_digest, now)


def withdraw(store: HubStore, linker: Linker, gemeente: str, sighting_uuid: str,
             reason: str, alerts: AlertEngine | None = None,
             wait: float | None = None, signed: NodeSigned | None = None) -> RecordOutcome:
    """Remove one of `gemeente`'s sightings and re-cluster; remembered so it stays out.

    Alerts holding it are updated, or closed as `evidence_withdrawn` when no
    rule fires on what is left (hub/alert_evidence.py). A UUID the hub holds for another
    gemeente raises NotOwn (the attempt logged, nothing else changed).
    """
    at = utc_now()
    if signed is not None:
        # a withdrawal is final, so nothing later of the sighting's can be undone by an
        # old one; only the time is checked (certsign.withdraw_statement)
        check_time(signed.decided_at, _logged_time(at))
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
    seq, old_digest, batch, received_at, _ = held
    new_digest = wire.sighting_digest(sighting)
    at = utc_now()
    if signed is not None:
        check_correction(signed, sighting.sighting_uuid, held, new_digest, _logged_time(at))
    actor = f"node:{gemeente}"
    details = {"sighting": sighting_ref(sighting.sighting_uuid), "batch": bytes(batch).hex(),
               "old_digest": bytes(old_digest).hex(), "new_digest": new_digest.hex()}
    if bytes(old_digest) == new_digest:
        with store.transaction() as conn:
            # read again in the transaction that writes (the lock is re-entrant): a
            # correction applied since the check must not be followed by an older one
            now = _held(store, sighting.sighting_uuid, gemeente)
            if signed is not None and now != held:
                raise RequestRefused(f"sighting {sighting.sighting_uuid} changed at the hub "
                                     "while this correction was checked; nothing was "
                                     "changed: run the command again")
            audit_log.append(conn, at, actor, "correct", changed=False, **details,
                             **_signed_fields(conn, gemeente, signed))
            if signed is not None:
                record_tables.set_correction_time(conn, seq, signed.decided_at)
        return RecordOutcome(False, 0)

    def record(conn: sqlite3.Connection, run: RemovalRun) -> None:
        # the corrected sighting keeps its UUID, batch and arrival time; it is linked
        # afresh right after, as the newest sighting
        seq = HubStore._insert_sighting(conn, gemeente, bytes(batch), received_at, sighting)
        if signed is not None:
            record_tables.set_correction_time(conn, seq, signed.decided_at)
        audit_log.append(conn, at, actor, "correct", changed=True, linked=run.linked,
                         persons_changed=run.persons_changed, **details, **run.logged(),
                         **_signed_fields(conn, gemeente, signed))

    def still_held() -> list[int]:
        # read again under the linker: a withdrawal may have removed it while this waited
        # (putting it back would undo an erasure), or a correction replaced it (then this
        # one must replace that one's content, and be decided after it)
        now = _held(store, sighting.sighting_uuid, gemeente)
        if now is None:
            raise NotHeld(f"the hub holds no sighting {sighting.sighting_uuid} of {gemeente}")
        if signed is not None and now != held:
            check_correction(signed, sighting.sighting_uuid, now, new_digest,
                             _logged_time(at))
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
