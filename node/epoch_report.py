"""Tell the hub which key epochs this node holds, so its audit log records each change."""

from __future__ import annotations

import grpc

from node.epochs import CURRENT, OVERLAP, RETIRED, EpochInfo
from zichtlijn.v1 import epochs_pb2, epochs_pb2_grpc

_STATES = {
    CURRENT: epochs_pb2.EPOCH_STATE_CURRENT,
    OVERLAP: epochs_pb2.EPOCH_STATE_OVERLAP,
    RETIRED: epochs_pb2.EPOCH_STATE_RETIRED,
}


def to_wire(info: EpochInfo) -> epochs_pb2.NodeEpoch:
    return epochs_pb2.NodeEpoch(
        epoch=info.epoch,
        state=_STATES[info.state],
        key_fingerprint=info.key_fingerprint,
        overlap_until=info.overlap_until.isoformat() if info.state == OVERLAP else "",
        changed_on=info.changed_on.isoformat() if info.changed_on else "",
    )


def report_epochs(channel: grpc.Channel, epochs: list[EpochInfo], timeout_s: float) -> int:
    """Send the node's epoch state; returns how many changes the hub recorded."""
    stub = epochs_pb2_grpc.EpochServiceStub(channel)
    reply = stub.ReportEpochs(epochs_pb2.EpochReport(epochs=[to_wire(i) for i in epochs]),
                              timeout=timeout_s)
    return reply.changes_recorded
