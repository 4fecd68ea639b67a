"""LookupService: "seen before?" for the inspector at the door, answered with counts only.

Order of a lookup, and why:
1. caller must hold a node certificate; the request must be well formed and
   carry one of the configured purpose codes;
2. one transaction checks the operator's switch and the node's rate limit and
   takes a slot of the hour (so two concurrent lookups cannot both get the
   last one; the node's corrections take slots of the same hour); a refusal is
   itself an audit entry;
3. the probe is matched under the linker's lock (hub/probe.py), outside any
   database transaction: the linker takes its lock before the store's, never
   the other way round. A link run holds that lock for seconds, a relink for
   minutes at national scale: the lookup waits while its deadline allows and
   is then refused as UNAVAILABLE, saying what the hub is doing;
4. the answer is an audit entry (who, when, purpose, outcome and counts; never
   the encoding), written also when matching failed.

The probe exists only in this request's memory; nothing of it is stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import grpc

from hub import lookup_control
from hub.audit_log import append as audit
from hub.linker import Linker
from hub.linker_rows import LinkerBusyError
from hub.lookup_answer import build_answer
from hub.refusal_log import RefusalLog
from hub.settings import LookupSettings
from hub.store import HubStore, utc_now
from hub.unusable import LinkerRequired, linker_wait
from hub.validate import MAX_OTHER_EPOCHS, Refusal, _identity, check_entities
from linkage.schema import LinkageSchema
from zichtlijn import wire
from zichtlijn.transport import require_role
from zichtlijn.v1 import lookup_pb2, lookup_pb2_grpc

log = logging.getLogger("zichtlijn.hub.lookup")


def _purpose_problem(request: lookup_pb2.LookupRequest, settings: LookupSettings) -> str | None:
    allowed = ", ".join(settings.purposes)
    if not request.purpose:
        return f"a lookup needs a purpose code (one of: {allowed})"
    if request.purpose not in settings.purposes:
        return f"the purpose given is not one of: {allowed}"  # never echoed: free text
    return None


def _check_probe(request: lookup_pb2.LookupRequest, schema: LinkageSchema) -> None:
    if bytes(request.schema_fingerprint) != schema.fingerprint:
        raise Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                      f"schema fingerprint differs from the hub's {schema.label}; "
                      "node and hub must run the same linkage schema")
    if not 1 <= len(request.encodings) <= MAX_OTHER_EPOCHS + 1:
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                      f"a lookup carries 1 to {MAX_OTHER_EPOCHS + 1} encodings (one per epoch)")
    epochs = [e.epoch for e in request.encodings]
    if 0 in epochs or len(set(epochs)) != len(epochs):
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, "encodings: epoch missing or repeated")
    for i, encoding in enumerate(request.encodings):
        _identity(f"encodings[{i}].subject", encoding.subject, schema)
        check_entities(f"encodings[{i}]", encoding.entities)


class LookupService(lookup_pb2_grpc.LookupServiceServicer):
    def __init__(self, store: HubStore, linker: Linker, schema: LinkageSchema,
                 settings: LookupSettings, alerts_available: bool = False,
                 clock: Callable[[], float] = time.time,
                 region_of: Callable[[str], str | None] = lambda _gemeente: None) -> None:
        self.alerts_available = alerts_available
        self.region_of = region_of  # a gemeente's RIEC region (the alert configuration)
        self.store = store
        self.linker = linker
        self.schema = schema
        self.settings = settings
        self.clock = clock
        self.refusals = RefusalLog(clock)

    def _refuse(self, context: grpc.ServicerContext, actor: str, reason: str,
                purpose: str | None, code: grpc.StatusCode, message: str) -> None:
        # a node's script may loop (over its budget, switched off, or sending what is
        # refused): each reason's refusals are logged a minute apart, the next one counting
        # those left out
        details = self.refusals.details(actor, reason)
        if details is not None:
            with self.store.transaction() as conn:
                audit(conn, utc_now(), actor, "lookup_refused", reason=reason, purpose=purpose,
                      **details)
        log.warning("lookup by %s refused: %s", actor, reason)
        context.abort(code, message)

    def Lookup(self, request: lookup_pb2.LookupRequest,
               context: grpc.ServicerContext) -> lookup_pb2.LookupAnswer:
        node = require_role(context, "node")
        actor = str(node)
        # only a configured code reaches the log: the field is free text from the client
        purpose = request.purpose if request.purpose in self.settings.purposes else None
        problem = _purpose_problem(request, self.settings)
        if problem:
            self._refuse(context, actor, "purpose", None, grpc.StatusCode.INVALID_ARGUMENT,
                         problem)
        try:
            _check_probe(request, self.schema)
        except Refusal as refusal:
            self._refuse(context, actor, "malformed", purpose, refusal.code, refusal.message)

        with self.store.transaction() as conn:
            off = lookup_control.disabled_reason(conn, node.name, self.settings.enabled)
            wait = None if off else lookup_control.admit(
                conn, node.name, admitted_at := self.clock(), self.settings.per_node_per_hour)
        if off:
            self._refuse(context, actor, "disabled", purpose,
                         grpc.StatusCode.PERMISSION_DENIED, off)
        if wait is not None:
            self._refuse(context, actor, "rate_limit", purpose,
                         grpc.StatusCode.RESOURCE_EXHAUSTED,
                         lookup_control.over_budget(node.name,
                                                    self.settings.per_node_per_hour, wait))

        probe = {e.epoch: wire.identity_from_wire(e.subject) for e in request.encodings}
        entities = {e.epoch: [(t.kind, t.token) for t in e.entities] for e in request.encodings}
        answer, outcome = None, "error"
        try:
            with LinkerRequired(context, "try the lookup again in a few minutes"):
                try:  # a relink holds the linker for minutes at national scale
                    match = self.linker.probe(probe, entities, wait=linker_wait(context))
                except LinkerBusyError:
                    outcome = "busy"
                    raise
            with self.store.lock:
                answer = build_answer(self.store.db.conn, match,
                                      any(len(e.dob_tokens) for e in probe.values()),
                                      self.alerts_available, node.name,
                                      self.region_of(node.name))
        finally:
            with self.store.transaction() as conn:
                details: dict[str, object] = {"purpose": purpose, "outcome": outcome}
                if answer is not None:
                    details = {
                        "purpose": purpose,
                        "outcome": lookup_pb2.LookupOutcome.Name(answer.outcome)
                        .removeprefix("LOOKUP_OUTCOME_").lower(),
                        "sightings": answer.earlier_sightings,
                        "gemeenten": answer.municipalities,
                        "open_alerts": len(answer.open_alert_ids),
                        "possible_persons": answer.possible_persons,
                        "probe_dated": answer.probe_dated,
                    }
                audit(conn, utc_now(), actor, "lookup", **details)
                if outcome == "busy":  # matched nothing, learned nothing: not one of the hour's
                    lookup_control.give_back(conn, node.name, admitted_at)
        log.info("lookup by %s (%s): %s, %d sightings", actor, purpose,
                 details["outcome"], answer.earlier_sightings)
        answer.answered_at = utc_now()
        return answer
