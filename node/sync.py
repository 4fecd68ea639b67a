"""Nightly sync: upload unsynced encodings in bounded, content-addressed batches.

Each batch is marked synced only after the hub's receipt for it arrives and
verifies against the audit log (node/log_client.py), and the hub recognises
a batch (by digest) or a sighting (by UUID) it already holds, so a sync cut
off at any point can simply be run again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import grpc

from node.log_client import NodeLog
from node.store import NodeStore, StoredSighting
from zichtlijn import wire
from zichtlijn.transport import STILL_LINKING
from zichtlijn.v1 import encoding_pb2, sync_pb2, sync_pb2_grpc
from zichtlijn.witness import LogError
from zichtlijn.wording import counted

Progress = Callable[[int, int], None]


class SyncError(RuntimeError):
    """The hub answered something this node cannot accept; nothing unconfirmed is marked."""


@dataclass
class SyncReport:
    batches: int = 0
    sent: int = 0
    accepted: int = 0
    already_present: int = 0
    tree_size: int = 0  # the hub log size this node verified and cosigned
    witnesses: int = 0  # witnesses that have cosigned that tree head so far
    still_linking: bool = False  # the hub answered before its link run had ended
    # codes sent that the hub's signals.toml does not list (they weigh 0 there)
    uncatalogued: set[str] = field(default_factory=set)

    def summary(self) -> str:
        linking = "; the hub is still linking them" if self.still_linking else ""
        batches = counted(self.batches, "batch", "batches")
        return (f"synced {counted(self.sent, 'sighting')} in {batches} "
                f"({self.accepted} new at the hub, {self.already_present} already there"
                f"{linking}); hub log verified at {self.tree_size} entries, cosigned "
                f"({counted(self.witnesses, 'witness', 'witnesses')})")


    def warnings(self) -> list[str]:
        if not self.uncatalogued:
            return []
        return [f"the hub's signal catalogue does not list {', '.join(sorted(self.uncatalogued))}:"
                " those codes weigh 0 in its alerts until it does (ask the hub operator, or "
                "correct the export's codes; README \"Match alerts for the RIEC\")"]


def _batches(rows: list[StoredSighting], size: int) -> Iterator[list[StoredSighting]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def build_batch(rows: list[StoredSighting], log: NodeLog | None = None,
                known_tree_size: int = 0) -> sync_pb2.UploadBatch:
    """The upload message; signed by the node's certificate key when ``log`` is given."""
    sightings = [encoding_pb2.EncodedSighting.FromString(r.encoded) for r in rows]
    digest = wire.batch_digest(sightings)
    signature = log.sign_batch(digest, len(sightings)) if log else b""
    return sync_pb2.UploadBatch(batch_digest=digest, sightings=sightings,
                                node_signature=signature, known_tree_size=known_tree_size)


def sync(
    channel: grpc.Channel,
    store: NodeStore,
    batch_size: int,
    timeout_s: float,
    progress: Progress | None = None,
    log: NodeLog | None = None,
) -> SyncReport:
    """Check the hub's log, upload everything unsynced, cosign the newest verified head.

    Raises grpc.RpcError if the hub refuses or is gone, and LogError (nothing
    more marked synced) if its tree heads or a receipt do not verify. ``log``
    defaults to the one of the node home that holds ``store``.
    """
    log = log or NodeLog.for_home(store.path.parent, store.db)
    deadline = time.monotonic() + timeout_s

    def remaining() -> float:
        return max(deadline - time.monotonic(), 0.001)

    head = log.refresh(channel, remaining())
    rows = list(store.unsynced())
    report = SyncReport()
    if rows:
        _upload(channel, store, log, head.size, rows, batch_size, remaining(), report, progress)
    report.witnesses = log.cosign_latest(channel, remaining())
    report.tree_size = log.latest().size
    return report


def _upload(channel: grpc.Channel, store: NodeStore, log: NodeLog, known_tree_size: int,
            rows: list[StoredSighting], batch_size: int, timeout_s: float,
            report: SyncReport, progress: Progress | None) -> None:
    stub = sync_pb2_grpc.SyncServiceStub(channel)
    by_digest: dict[bytes, list[StoredSighting]] = {}
    batches = -(-len(rows) // batch_size)

    def messages() -> Iterator[sync_pb2.UploadBatch]:
        # built and signed as the stream takes them, not all before it opens (a node with
        # 200,000 unsynced sightings held 400 signed batches at once): gRPC drains this
        # as its flow control allows, so small batches are still all built at once
        for batch in _batches(rows, batch_size):
            message = build_batch(batch, log, known_tree_size)
            by_digest[bytes(message.batch_digest)] = batch
            yield message

    receipts = stub.Upload(messages(), timeout=timeout_s)
    for receipt in receipts:
        batch = by_digest.get(bytes(receipt.batch_digest))
        if batch is None:
            receipts.cancel()
            raise SyncError("hub acknowledged a batch this node did not send")
        try:
            log.accept_receipt(bytes(receipt.batch_digest), len(batch), receipt)
        except LogError:
            receipts.cancel()
            raise
        store.mark_synced([r.sighting_uuid for r in batch], bytes(receipt.batch_digest))
        report.batches += 1
        report.sent += len(batch)
        report.accepted += receipt.accepted
        report.already_present += receipt.already_present
        report.uncatalogued.update(receipt.uncatalogued_signals)
        if progress:
            progress(report.sent, len(rows))
    report.still_linking = STILL_LINKING in tuple(receipts.trailing_metadata() or ())
    if report.batches < batches:
        raise SyncError(f"hub closed the stream after {report.batches} of {batches} "
                        "batches; run sync again to send the rest")
