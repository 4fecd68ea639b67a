"""EpochService: nodes report their key epochs; the hub logs every change."""

from __future__ import annotations

import logging
import re

import grpc

from hub import epochs, node_contacts
from hub.store import HubStore, utc_now
from hub.validate import calendar_day
from zichtlijn.transport import require_role
from zichtlijn.v1 import epochs_pb2, epochs_pb2_grpc

log = logging.getLogger("zichtlijn.hub.epochs")
MAX_EPOCHS = 64
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


def _problem(report: epochs_pb2.EpochReport) -> str | None:
    if len(report.epochs) > MAX_EPOCHS:
        return f"more than {MAX_EPOCHS} epochs"
    seen: set[int] = set()
    for i, e in enumerate(report.epochs):
        where = f"epochs[{i}]"
        if e.epoch == 0 or e.epoch in seen:
            return f"{where}: epoch missing or repeated"
        seen.add(e.epoch)
        if e.state not in epochs.STATE_NAMES:
            return f"{where}: unknown state"
        if not _FINGERPRINT.match(e.key_fingerprint):
            return f"{where}: key_fingerprint must be 16 hex digits"
        for field in ("overlap_until", "changed_on"):
            value = getattr(e, field)
            if value and calendar_day(value) is None:
                return f"{where}: {field} is not a date in the form YYYY-MM-DD"
        if (e.state == epochs_pb2.EPOCH_STATE_OVERLAP) != bool(e.overlap_until):
            return f"{where}: overlap_until belongs to (and only to) an epoch in overlap"
    if sum(e.state == epochs_pb2.EPOCH_STATE_CURRENT for e in report.epochs) > 1:
        return "more than one current epoch"
    return None


class EpochService(epochs_pb2_grpc.EpochServiceServicer):
    def __init__(self, store: HubStore) -> None:
        self.store = store

    def ReportEpochs(self, request: epochs_pb2.EpochReport,
                     context: grpc.ServicerContext) -> epochs_pb2.EpochReportReply:
        node = require_role(context, "node")
        problem = _problem(request)
        if problem:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
        try:
            with self.store.transaction() as conn:
                now = utc_now()
                node_contacts.heard_from(conn, node.name, now)
                changes = epochs.record_report(conn, node.name, now, request.epochs)
                behind = epochs.retired_elsewhere(conn, node.name)
        except epochs.EpochConflict as conflict:
            log.warning("refused epoch report from %s: %s", node, conflict)
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(conflict))
        if changes:
            log.info("%s: %d key-epoch change(s) recorded", node, changes)
        # told back so a node that installed late ends its overlap, and one that never
        # installed learns why its uploads are refused
        held = {e.epoch for e in request.epochs if e.state != epochs_pb2.EPOCH_STATE_RETIRED}
        return epochs_pb2.EpochReportReply(changes_recorded=changes, retired_elsewhere=[
            epochs_pb2.RetiredElsewhere(epoch=epoch, successor=behind[epoch] or 0)
            for epoch in sorted(held & behind.keys())])
