"""Nightly sync: upload unsynced encodings in bounded, content-addressed batches.

Each batch is marked synced only after the hub's receipt for it arrives, and
the hub recognises a batch (by digest) or a sighting (by UUID) it already
holds, so a sync cut off at any point can simply be run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import grpc

from node.store import NodeStore, StoredSighting
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2, sync_pb2, sync_pb2_grpc

Progress = Callable[[int, int], None]


class SyncError(RuntimeError):
    """The hub answered something this node cannot accept; nothing unconfirmed is marked."""


@dataclass
class SyncReport:
    batches: int = 0
    sent: int = 0
    accepted: int = 0
    already_present: int = 0

    def summary(self) -> str:
        return (f"synced {self.sent} sightings in {self.batches} batches "
                f"({self.accepted} new at the hub, {self.already_present} already there)")


def _batches(rows: list[StoredSighting], size: int) -> Iterator[list[StoredSighting]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def build_batch(rows: list[StoredSighting]) -> sync_pb2.UploadBatch:
    sightings = [encoding_pb2.EncodedSighting.FromString(r.encoded) for r in rows]
    return sync_pb2.UploadBatch(batch_digest=wire.batch_digest(sightings), sightings=sightings)


def sync(
    channel: grpc.Channel,
    store: NodeStore,
    batch_size: int,
    timeout_s: float,
    progress: Progress | None = None,
) -> SyncReport:
    """Upload everything unsynced; raises grpc.RpcError if the hub refuses or is gone."""
    rows = list(store.unsynced())
    report = SyncReport()
    if not rows:
        return report
    stub = sync_pb2_grpc.SyncServiceStub(channel)
    prepared = [(batch, build_batch(batch)) for batch in _batches(rows, batch_size)]
    by_digest = {bytes(message.batch_digest): batch for batch, message in prepared}
    receipts = stub.Upload(iter([m for _, m in prepared]), timeout=timeout_s)
    for receipt in receipts:
        batch = by_digest.get(bytes(receipt.batch_digest))
        if batch is None:
            raise SyncError("hub acknowledged a batch this node did not send")
        store.mark_synced([r.sighting_uuid for r in batch], bytes(receipt.batch_digest))
        report.batches += 1
        report.sent += len(batch)
        report.accepted += receipt.accepted
        report.already_present += receipt.already_present
        if progress:
            progress(report.sent, len(rows))
    if report.batches < len(prepared):
        raise SyncError(f"hub closed the stream after {report.batches} of {len(prepared)} "
                        "batches; run sync again to send the rest")
    return report
