"""RecordService: a node withdraws or corrects its own sightings and reports its purges."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import uuid
from collections.abc import Callable

import grpc

from hub import lookup_control, records
from hub.alerts.engine import AlertEngine
from hub.audit_log import append as audit
from hub.linker import Linker
from hub.linker_rows import LinkerBusyError, LinkerUnusableError
from hub.refusal_log import RefusalLog
from hub.settings import LookupSettings, settings_of
from hub.store import HubStore, utc_now
from hub.unusable import LinkerRequired, linker_wait
from hub.validate import Refusal, calendar_day
from linkage.schema import LinkageSchema
from zichtlijn import wire
from zichtlijn.certsign import (
    correct_statement,
    sighting_ref,
    verify_statement,
    withdraw_statement,
)
from zichtlijn.identity import Principal
from zichtlijn.transport import NOT_OWN, OTHER_CONTENT, caller_certificate, require_role
from zichtlijn.v1 import records_pb2, records_pb2_grpc

log = logging.getLogger("zichtlijn.hub.records")
MAX_PURGES = 1000
_PURGE_ID = re.compile(r"^[0-9a-f]{32}$")
_REASONS = {
    records_pb2.WITHDRAW_REASON_RECORDED_IN_ERROR: "recorded_in_error",
    records_pb2.WITHDRAW_REASON_ERASURE_REQUEST: "erasure_request",
}


#: said when a relink kept a withdrawal or correction from the linker: the node keeps
#: its own record as it was, so running the command again is all it takes
NOTHING_CHANGED = "nothing was changed; run the command again in a few minutes"

def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _node_signed(context: grpc.ServicerContext, node: Principal, statement: bytes,
                 signature: bytes, what: str, decided_at: str,
                 replaces: bytes | None = None) -> records.NodeSigned:
    """The node's signature over `statement`, checked against its client certificate
    before anything is changed, or the call refused (INVALID_ARGUMENT, one line, nothing
    written): only a change the node signed goes into the log under its name. A request
    decided more than 10 minutes from the hub's clock is refused too (FAILED_PRECONDITION:
    set the clock right), as a RIEC's decision is: a signature replayed later is older."""
    if not signature:
        log.warning("%s by %s refused: no node_signature", what, node)
        context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                      f"a {what} needs the node's node_signature (a node older than this "
                      "hub sends none: upgrade it); nothing was changed")
    if not decided_at:
        # the statement of a node before entry version 4 signs no time: it could be
        # replayed for ever, so the hub takes none
        log.warning("%s by %s refused: no decided_at (a node of an earlier release)",
                    what, node)
        context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                      f"a {what} needs the time the node decided it (decided_at), signed "
                      "with it; a node of a release before this hub's signs none: upgrade "
                      "it; nothing was changed")
    try:
        records.check_time(decided_at, dt.datetime.now(dt.UTC))
    except records.RequestRefused as refused:
        _refuse(context, node, what, refused)
    cert = caller_certificate(context)
    if not verify_statement(cert, statement, signature):
        log.warning("%s by %s refused: node_signature does not verify", what, node)
        context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                      f"node_signature does not verify with the client certificate of {node}"
                      f" for this {what}; nothing was changed")
    return records.NodeSigned(cert, signature, decided_at, replaces)


def _refuse(context: grpc.ServicerContext, node: Principal, what: str,
            refused: records.RequestRefused) -> None:
    """Abort the call for a signed request the hub does not act on (hub/records.py)."""
    log.warning("%s by %s refused: %s", what, node, str(refused).split(";")[0])
    if refused.other_content:
        context.set_trailing_metadata((OTHER_CONTENT,))
    context.abort(grpc.StatusCode.INVALID_ARGUMENT if refused.invalid
                  else grpc.StatusCode.FAILED_PRECONDITION, str(refused))


def _purge_problem(report: records_pb2.PurgeReport) -> str | None:
    if len(report.purges) > MAX_PURGES:
        return f"more than {MAX_PURGES} purges in one report"
    for i, purge in enumerate(report.purges):
        try:
            dt.datetime.fromisoformat(purge.purged_at)
        except ValueError:
            return f"purges[{i}]: purged_at is not an ISO date and time"
        if calendar_day(purge.cutoff) is None:
            return f"purges[{i}]: cutoff is not a date in the form YYYY-MM-DD"
        if not _PURGE_ID.match(purge.purge_id):
            return f"purges[{i}]: purge_id must be 32 hex digits"
    return None


class RecordService(records_pb2_grpc.RecordServiceServicer):
    def __init__(self, store: HubStore, linker: Linker, schema: LinkageSchema,
                 alerts: AlertEngine | None = None, lookup: LookupSettings | None = None,
                 clock: Callable[[], float] = time.time,
                 withdrawals_per_day: int | None = None) -> None:
        self.store = store
        self.linker = linker
        self.schema = schema
        self.alerts = alerts
        # a correction is charged to the node's lookup budget, so it needs the [lookup]
        # settings the hub's LookupService runs with (start_hub passes them); hub.toml's
        # in the hub's home when not given
        self.lookup = lookup or settings_of(store.path.parent).lookup
        self.clock = clock
        self.refusals = RefusalLog(clock)  # refused corrections: an entry a minute at most
        # withdrawals taken from one node in 24 hours: the upload bound (hub/records.py
        # admit_withdrawal), hub.toml's when not given
        self.withdrawals_per_day = (withdrawals_per_day if withdrawals_per_day is not None
                                    else settings_of(store.path.parent).uploads.per_node_per_day)

    def _charge(self, context: grpc.ServicerContext, node: Principal,
                request: records_pb2.CorrectRequest, signed: records.NodeSigned,
                new_digest: bytes) -> float:
        """Take one slot of the node's lookup budget for this correction (the time it was
        taken at), or refuse the correction, logged, with nothing changed.

        A correction re-points one of the node's sightings at whatever identity it
        encodes; whether the sighting then joins a person or an alert tells the node
        what a lookup would, so it costs what a lookup costs (README "At the door")."""
        per_hour = self.lookup.per_node_per_hour
        with self.store.transaction() as conn:
            wait = lookup_control.admit(conn, node.name, admitted_at := self.clock(), per_hour)
            logged = None if wait is None else self.refusals.details(str(node), "rate_limit")
            if logged is not None:
                # with the digest the node signed, so the signature can be checked
                audit(conn, utc_now(), str(node), "correct_refused", reason="rate_limit",
                      sighting=sighting_ref(request.sighting.sighting_uuid),
                      new_digest=new_digest.hex(), **signed.fields(conn, node.name), **logged)
        if wait is not None:
            log.warning("correction by %s refused: rate limit", node)
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          f"{lookup_control.over_budget(node.name, per_hour, wait)}; "
                          "nothing was changed (a correction counts as a lookup): "
                          "run it again then")
        return admitted_at

    def Withdraw(self, request: records_pb2.WithdrawRequest,
                 context: grpc.ServicerContext) -> records_pb2.WithdrawReply:
        node = require_role(context, "node")
        if not _is_uuid(request.sighting_uuid):
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "sighting_uuid is not a UUID")
        reason = _REASONS.get(request.reason)
        if reason is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "a withdrawal needs a reason (recorded in error or erasure request)")
        signed = _node_signed(context, node, withdraw_statement(
            node.name, sighting_ref(request.sighting_uuid), reason, request.decided_at),
            bytes(request.node_signature), "withdrawal", request.decided_at)
        admitted_at = self.clock()
        try:
            with self.store.transaction() as conn:
                records.admit_withdrawal(conn, node.name, admitted_at, self.withdrawals_per_day)
        except records.OverDailyLimit as over:
            # nothing written: a refused flood must not grow the log it was refused for
            log.warning("withdrawal by %s refused: %s", node, over)
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(over))
        try:
            with LinkerRequired(context, NOTHING_CHANGED):
                try:
                    outcome = records.withdraw(self.store, self.linker, node.name,
                                               request.sighting_uuid, reason, self.alerts,
                                               linker_wait(context), signed)
                except (LinkerBusyError, LinkerUnusableError, records.RequestRefused):
                    # nothing changed: the node asks again, which must not cost it twice
                    with self.store.transaction() as conn:
                        records.give_back_withdrawal(conn, node.name, admitted_at)
                    raise
        except records.RequestRefused as refused:  # records.withdraw checks the time too
            _refuse(context, node, "withdrawal", refused)
        except records.NotOwn as not_own:
            # the other gemeente is not named: that is no business of this node's
            log.warning("withdrawal by %s refused: the sighting is another gemeente's", node)
            context.set_trailing_metadata((NOT_OWN,))
            context.abort(grpc.StatusCode.PERMISSION_DENIED, str(not_own))
        log.info("withdrawal by %s (%s): removed=%s, %d person changes, %d alerts changed "
                 "(%d sightings read)", node, reason, outcome.changed, outcome.persons_changed,
                 outcome.alerts_changed, outcome.alert_sightings_read)
        # the counts stay in this log line and the audit entry: sent to the node they told
        # whether a made-up sighting had joined someone's person or alert
        return records_pb2.WithdrawReply(removed=outcome.changed)

    def Correct(self, request: records_pb2.CorrectRequest,
                context: grpc.ServicerContext) -> records_pb2.CorrectReply:
        node = require_role(context, "node")
        new_digest = wire.sighting_digest(request.sighting)
        replaces = bytes(request.replaces_digest)
        if request.decided_at and len(replaces) != 32:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "a correction needs the digest of the content it replaces "
                          "(replaces_digest, 32 bytes); nothing was changed")
        statement = (correct_statement(node.name, sighting_ref(request.sighting.sighting_uuid),
                                       replaces, new_digest, request.decided_at)
                     if request.decided_at else b"")
        signed = _node_signed(context, node, statement, bytes(request.node_signature),
                              "correction", request.decided_at, replaces)
        # against what the hub holds before the correction costs the node a lookup:
        # a replayed or outdated one is refused for nothing (hub/records.py checks it
        # again under the linker)
        try:
            records.check_correction_at(self.store, node.name, request.sighting.sighting_uuid,
                                        signed, new_digest, dt.datetime.now(dt.UTC))
        except records.RequestRefused as refused:
            _refuse(context, node, "correction", refused)
        admitted_at = self._charge(context, node, request, signed, new_digest)
        try:
            with LinkerRequired(context, NOTHING_CHANGED):
                try:
                    outcome = records.correct(self.store, self.linker, self.schema,
                                              node.name, request.sighting, dt.date.today(),
                                              self.alerts, linker_wait(context), signed)
                except (LinkerBusyError, LinkerUnusableError, records.RequestRefused):
                    # nothing changed and nothing was learned: the node runs it again
                    with self.store.transaction() as conn:
                        lookup_control.give_back(conn, node.name, admitted_at)
                    raise
        except records.RequestRefused as refused:  # another correction came between
            _refuse(context, node, "correction", refused)
        except Refusal as refusal:
            context.abort(refusal.code, refusal.message.replace("sighting 0", "sighting"))
        except records.NotHeld as missing:
            context.abort(grpc.StatusCode.NOT_FOUND, str(missing))
        log.info("correction by %s: changed=%s, %d person changes, %d alerts changed "
                 "(%d sightings read)", node, outcome.changed, outcome.persons_changed,
                 outcome.alerts_changed, outcome.alert_sightings_read)
        return records_pb2.CorrectReply(changed=outcome.changed)  # no counts: as Withdraw

    def ReportPurges(self, request: records_pb2.PurgeReport,
                     context: grpc.ServicerContext) -> records_pb2.PurgeReportReply:
        node = require_role(context, "node")
        problem = _purge_problem(request)
        if problem:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
        try:
            with self.store.transaction() as conn:
                recorded = records.record_node_purges(conn, node.name, list(request.purges))
        except records.OverDailyLimit as over:
            log.warning("purge report of %s refused: %s", node, over)
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(over))
        return records_pb2.PurgeReportReply(recorded=recorded)
