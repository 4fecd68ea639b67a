"""AlertService (RIEC, auditor) and NodeAlertService (municipality nodes) over gRPC.

Who may do what comes from the client certificate only:

| caller          | List / Watch                  | Acknowledge / Close / Reopen | ListOwn       |
|-----------------|-------------------------------|------------------------------|---------------|
| riec:<region>   | alerts routed to its region   | those alerts                 | no            |
| auditor:<name>  | every region's, metadata only | no                           | no            |
| node:<gemeente> | no                            | no                           | own sightings |
| operator, hub   | no                            | no                           | no            |

A RIEC asking about an alert of another region hears NOT_FOUND, the same as
for an alert that does not exist, so it cannot probe for other regions'
alerts. Every read and action is an audit-log entry with ids and counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator

import grpc

from hub import audit_log
from hub.alerts.config import AlertConfig
from hub.alerts.decisions import DecisionRefused, SignedDecision, check_decision
from hub.alerts.reconcile import evidence_digest_of
from hub.alerts.store import (
    LEFT_REGION,
    STATE_FROM_WIRE,
    STATE_TO_WIRE,
    ChangeSignal,
    current_sightings,
    events_after,
    head_cursor,
    metadata_only,
    record_event,
    region_view,
)
from hub.store import HubStore, utc_now
from hub.validate import calendar_day
from zichtlijn.identity import Principal
from zichtlijn.transport import caller_certificate, require_role
from zichtlijn.v1 import alerts_pb2, alerts_pb2_grpc

CLOSE_REASON_MEANINGS = {
    "case_opened": "the consultation opened a case on it",
    "referred": "handed to a partner (police, Inspectorate, another RIEC)",
    "no_grounds": "looked into: no sign of exploitation",
    "insufficient_information": "too little to act on now",
    "duplicate": "the same matter as another alert",
}
CLOSE_REASONS = tuple(CLOSE_REASON_MEANINGS)
# A RIEC takes back its own closing for one of these; no free text, as for closing (a note
# could carry a name)
REOPEN_REASON_MEANINGS = {
    "closed_in_error": "the wrong alert was closed, or it was closed too soon",
    "new_information": "information from outside zichtlijn gives reason to look again",
}
REOPEN_REASONS = tuple(REOPEN_REASON_MEANINGS)
#: the change on the region's feed when its RIEC reopens an alert: not `reopened`, which
#: tells an analyst that new evidence came in (state new, *changed*)
REOPENED_BY_RIEC = "reopened_by_riec"
#: a RIEC decision as the log names it (alert_<action>) -> the reasons it may give, the
#: region's state after it and the change on the region's feed
_DECISIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "acknowledged": ((), "acknowledged", "acknowledged"),
    "closed": (CLOSE_REASONS, "closed", "closed"),
    # acknowledged, not new: the region has seen the alert, and took it up again itself
    "reopened": (REOPEN_REASONS, "acknowledged", REOPENED_BY_RIEC),
}
ALERT_ID = re.compile(r"^A-[0-9a-f]{10}$")
WATCH_BATCH = 200
WATCH_WAIT_S = 1.0  # also how soon a change made by another process is seen

log = logging.getLogger(__name__)


class _Refusal(Exception):
    """A request refused with a status the client can act on (not frozen: it passes
    through a `with` block, which sets its traceback)."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    day = calendar_day(value)
    if day is None:
        raise _Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                       f"{field}: {value!r} is not an ISO date (YYYY-MM-DD)")
    return day


class AlertService(alerts_pb2_grpc.AlertServiceServicer):
    def __init__(self, store: HubStore, config: AlertConfig, signal: ChangeSignal,
                 max_watchers: int) -> None:
        self.store = store
        self.config = config
        self.signal = signal
        # a following Watch holds a server thread; never let watchers starve uploads
        self._watchers = threading.BoundedSemaphore(max_watchers)

    def _viewer(self, context: grpc.ServicerContext) -> tuple[Principal, str | None]:
        """The caller and the region it sees (None: an auditor, every region)."""
        who = require_role(context, "riec", "auditor")
        if who.role == "auditor":
            return who, None
        if who.name not in self.config.regions.gemeenten_of:
            context.abort(grpc.StatusCode.PERMISSION_DENIED,
                          f"region {who.name} is not configured at this hub (regions.toml)")
        return who, who.name

    def _shown(self, who: Principal, alert: alerts_pb2.Alert) -> alerts_pb2.Alert:
        return metadata_only(alert) if who.role == "auditor" else alert

    def List(self, request: alerts_pb2.ListAlertsRequest,
             context: grpc.ServicerContext) -> alerts_pb2.ListAlertsResponse:
        who, region = self._viewer(context)
        try:
            states = {STATE_FROM_WIRE[s] for s in request.states if s in STATE_FROM_WIRE}
            if len(states) != len(set(request.states)):
                raise _Refusal(grpc.StatusCode.INVALID_ARGUMENT, "states: unknown alert state")
            since = _date(request.changed_since, "changed_since")
            until = _date(request.changed_until, "changed_until")
        except _Refusal as refusal:
            context.abort(refusal.code, refusal.message)
        with self.store.transaction() as conn:
            query = "SELECT alert_id, region FROM alert_regions"
            rows = (conn.execute(query + " WHERE region = ?", [region]).fetchall()
                    if region else conn.execute(query).fetchall())
            views = []
            for alert_id, row_region in rows:
                view = region_view(conn, alert_id, row_region)
                changed_on = dt.date.fromisoformat(view.updated_at[:10])
                if states and STATE_FROM_WIRE[view.state] not in states:
                    continue
                if (since and changed_on < since) or (until and changed_on > until):
                    continue
                views.append(view)
            views.sort(key=lambda v: (v.created_at, v.alert_id, v.region))
            cursor = head_cursor(conn, region)
            audit_log.append(conn, utc_now(), who, "alerts_listed", count=len(views),
                             alerts=sorted({v.alert_id for v in views}), cursor=cursor)
        return alerts_pb2.ListAlertsResponse(alerts=[self._shown(who, v) for v in views],
                                             cursor=cursor)

    def Watch(self, request: alerts_pb2.WatchAlertsRequest,
              context: grpc.ServicerContext) -> Iterator[alerts_pb2.AlertChange]:
        who, region = self._viewer(context)
        # only a following watcher holds its thread for long
        if request.follow and not self._watchers.acquire(blocking=False):
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          "too many alert watchers at this hub; retry later")
        try:
            cursor = request.after_cursor
            while context.is_active():
                if self.signal.closed:
                    # an error, not the end of the stream: the client must resume later
                    context.abort(grpc.StatusCode.UNAVAILABLE, "hub is stopping")
                generation = self.signal.generation()
                with self.store.lock:
                    changes = events_after(self.store.db.conn, cursor, region, WATCH_BATCH)
                if changes:
                    with self.store.transaction() as conn:
                        audit_log.append(conn, utc_now(), who, "alerts_watched",
                                         count=len(changes), after=cursor,
                                         to=changes[-1].cursor,
                                         alerts=sorted({c.alert.alert_id for c in changes}))
                for change in changes:
                    if who.role == "auditor":
                        change.alert.CopyFrom(metadata_only(change.alert))
                    yield change
                    cursor = change.cursor
                if len(changes) == WATCH_BATCH:
                    continue
                if not request.follow:
                    return
                self.signal.wait(generation, WATCH_WAIT_S)
        finally:
            if request.follow:
                self._watchers.release()

    def _act(self, context: grpc.ServicerContext, alert_id: str, action: str,
             reason: str | None, decided_at: str, signature: bytes) -> alerts_pb2.Alert:
        who = require_role(context, "riec")
        region = who.name
        if region not in self.config.regions.gemeenten_of:
            context.abort(grpc.StatusCode.PERMISSION_DENIED,
                          f"region {region} is not configured at this hub (regions.toml)")
        reasons, new_state, change = _DECISIONS[action]
        try:
            if not ALERT_ID.match(alert_id):
                raise _Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                               f"alert_id: {alert_id[:40]!r} is not an alert id like A-0123456789")
            if reasons and reason not in reasons:
                raise _Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                               f"reason: {(reason or '')[:40]!r} is not one of "
                               f"{', '.join(reasons)}")
            now = utc_now()
            signed = _signed_decision(context, who, alert_id, action, reason or "", decided_at,
                                      signature, dt.datetime.fromisoformat(now))
            with self.store.transaction() as conn:
                row = conn.execute(
                    "SELECT state, changed, close_reason FROM alert_regions "
                    "WHERE alert_id = ? AND region = ?", [alert_id, region]).fetchone()
                if row is None:
                    raise _Refusal(grpc.StatusCode.NOT_FOUND,
                                   f"no alert {alert_id} in region {region}")
                state, changed, old_reason = row
                if action == "reopened":
                    _check_reopen(conn, alert_id, region, state, old_reason)
                    moved = True
                else:
                    moved = _transition(alert_id, state, bool(changed), old_reason, action,
                                        reason)
                if moved:
                    conn.execute(
                        "UPDATE alert_regions SET state = ?, changed = 0, close_reason = ?, "
                        "state_at = ? WHERE alert_id = ? AND region = ?",
                        [new_state, reason if new_state == "closed" else None, now, alert_id,
                         region])
                    record_event(conn, alert_id, region, change, now)
                view = region_view(conn, alert_id, region)
                details: dict[str, object] = {"alert": alert_id, "region": region,
                                              "version": view.version, "state_changed": moved}
                if reason:
                    details["reason"] = reason
                details.update(signed.fields(conn, str(who)))
                audit_log.append(conn, now, who, f"alert_{action}", **details)
        except _Refusal as refusal:
            context.abort(refusal.code, refusal.message)
        if moved:
            self.signal.notify()
        return view

    def Acknowledge(self, request: alerts_pb2.AcknowledgeAlertRequest,
                    context: grpc.ServicerContext) -> alerts_pb2.Alert:
        return self._act(context, request.alert_id, "acknowledged", None, request.decided_at,
                         bytes(request.riec_signature))

    def Close(self, request: alerts_pb2.CloseAlertRequest,
              context: grpc.ServicerContext) -> alerts_pb2.Alert:
        return self._act(context, request.alert_id, "closed", request.reason,
                         request.decided_at, bytes(request.riec_signature))

    def Reopen(self, request: alerts_pb2.ReopenAlertRequest,
               context: grpc.ServicerContext) -> alerts_pb2.Alert:
        return self._act(context, request.alert_id, "reopened", request.reason,
                         request.decided_at, bytes(request.riec_signature))


def _signed_decision(context: grpc.ServicerContext, who: Principal, alert_id: str,
                     action: str, reason: str, decided_at: str, signature: bytes,
                     now: dt.datetime) -> SignedDecision:
    """The RIEC's signature over its decision, checked against its client certificate
    before anything is read or changed (hub/alerts/decisions.py)."""
    cert = caller_certificate(context)
    try:
        return check_decision(cert, who.name, alert_id, action, reason, decided_at, signature,
                              now)
    except DecisionRefused as refused:
        log.warning("alert %s by %s refused: %s", action, who, str(refused).split(";")[0])
        raise _Refusal(grpc.StatusCode.INVALID_ARGUMENT if refused.invalid
                       else grpc.StatusCode.FAILED_PRECONDITION, str(refused)) from None


def _transition(alert_id: str, state: str, changed: bool, old_reason: str | None,
                action: str, reason: str | None) -> bool:
    """Whether the action changes the state; a repeat is a no-op (clients retry)."""
    if action == "acknowledged":
        if state == "closed":
            ours = old_reason in CLOSE_REASONS  # a closing of this RIEC's, which it may undo
            raise _Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                           f"alert {alert_id} is closed; it reopens on new evidence"
                           + (", or when this RIEC reopens it (riec reopen)" if ours else ""))
        return state == "new" or changed
    if state == "closed":
        if old_reason == reason:
            return False
        raise _Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                       f"alert {alert_id} is already closed ({old_reason})")
    return True


def _check_reopen(conn: sqlite3.Connection, alert_id: str, region: str, state: str,
                  close_reason: str | None) -> None:
    """Refuse, in one line, to reopen anything but a closing of this region's RIEC whose
    evidence still stands as it was logged."""
    survivor = _survivor(conn, alert_id)
    if survivor is not None:
        raise _Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                       f"alert {alert_id} was merged into {survivor} (two persons turned out "
                       f"to be one): its evidence is in {survivor}, look at that alert "
                       "instead; nothing was changed")
    if state != "closed":
        raise _Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                       f"alert {alert_id} is not closed in region {region} (it is {state}): "
                       "only a closed alert can be reopened; nothing was changed")
    if close_reason == LEFT_REGION:
        raise _Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                       f"alert {alert_id} was closed as {LEFT_REGION}: none of its sightings "
                       f"is in region {region} any more, so there is nothing of it here to "
                       "reopen; a new sighting of the region returns it; nothing was changed")
    if close_reason not in CLOSE_REASONS:
        raise _Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                       f"alert {alert_id} was closed by the hub ({close_reason}): no rule holds "
                       "what a municipality left of its evidence; it reopens on new evidence; "
                       "nothing was changed")
    rule, score, logged = conn.execute(
        "SELECT rule, score, evidence_digest FROM alerts WHERE alert_id = ?",
        [alert_id]).fetchone()
    shown = [u for (u,) in conn.execute(
        "SELECT sighting_uuid FROM alert_sightings WHERE alert_id = ? AND current = 1",
        [alert_id])]
    if evidence_digest_of(rule, score, shown) != bytes(logged):
        # closed here first, then a withdrawal, correction or purge left evidence no rule
        # holds (hub/alert_evidence.py): open, it would show evidence no entry logged
        raise _Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                       f"alert {alert_id} lost evidence since it was closed (a sighting "
                       "withdrawn, corrected or purged) and no rule holds what is left; it "
                       "reopens on new evidence; nothing was changed")


def _survivor(conn: sqlite3.Connection, alert_id: str) -> str | None:
    """The live alert `alert_id` was merged into, through any later merges; None when it
    was not merged."""
    survivor = None
    seen = {alert_id}
    while (row := conn.execute("SELECT merged_into FROM alerts WHERE alert_id = ?",
                               [survivor or alert_id]).fetchone()) and row[0] is not None:
        survivor = row[0]
        if survivor in seen:  # a cycle a hand edit could make: name where it stands
            break
        seen.add(survivor)
    return survivor


class NodeAlertService(alerts_pb2_grpc.NodeAlertServiceServicer):
    def __init__(self, store: HubStore, config: AlertConfig) -> None:
        self.store = store
        self.config = config

    def ListOwn(self, request: alerts_pb2.ListOwnAlertsRequest,
                context: grpc.ServicerContext) -> alerts_pb2.ListOwnAlertsResponse:
        node = require_role(context, "node")
        region = self.config.regions.region_of(node.name)
        alerts = []
        with self.store.transaction() as conn:
            ids = [a for (a,) in conn.execute(
                "SELECT DISTINCT s.alert_id FROM alert_sightings s JOIN alerts a "
                "ON a.alert_id = s.alert_id WHERE s.gemeente = ? AND s.current = 1 "
                "AND a.merged_into IS NULL ORDER BY s.alert_id", [node.name])]
            for alert_id in ids:
                # the alert's id, rule, this region's state and the node's own sightings:
                # nothing of the other municipalities' sightings, not even their number
                # (a node's made-up sighting would read another person's towns, sightings
                # and signal weight from the alert's score and counts)
                (rule,) = conn.execute("SELECT rule FROM alerts WHERE alert_id = ?",
                                       [alert_id]).fetchone()
                state = conn.execute(
                    "SELECT state FROM alert_regions WHERE alert_id = ? AND region = ?",
                    [alert_id, region]).fetchone()
                alerts.append(alerts_pb2.NodeAlert(
                    alert_id=alert_id, rule=rule,
                    state=STATE_TO_WIRE[state[0]] if state else alerts_pb2.ALERT_STATE_UNSPECIFIED,
                    own_sightings=current_sightings(conn, alert_id, node.name)))
            audit_log.append(conn, utc_now(), node, "alerts_listed", count=len(alerts),
                             alerts=ids)
        return alerts_pb2.ListOwnAlertsResponse(alerts=alerts)


class AlertsNotConfigured(alerts_pb2_grpc.AlertServiceServicer,
                          alerts_pb2_grpc.NodeAlertServiceServicer):
    """Both services on a hub started without an alert configuration: a clear refusal."""

    def _refuse(self, context: grpc.ServicerContext) -> None:
        context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                      "alerting is not configured at this hub (hub.toml: alerts = DIR)")

    def List(self, request: object, context: grpc.ServicerContext) -> None:
        self._refuse(context)

    def Watch(self, request: object, context: grpc.ServicerContext) -> None:
        self._refuse(context)

    def Acknowledge(self, request: object, context: grpc.ServicerContext) -> None:
        self._refuse(context)

    def Close(self, request: object, context: grpc.ServicerContext) -> None:
        self._refuse(context)

    def Reopen(self, request: object, context: grpc.ServicerContext) -> None:
        self._refuse(context)

    def ListOwn(self, request: object, context: grpc.ServicerContext) -> None:
        self._refuse(context)
