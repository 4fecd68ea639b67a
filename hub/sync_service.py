"""SyncService: nodes upload batches; the hub stores them and links on arrival.

The link run (and the alert evaluation after it) runs on the hub's link worker
(hub/link_worker.py); an upload waits for it while the node's deadline allows.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator

import grpc

from hub.epochs import left_behind_refusal
from hub.link_worker import LinkWorker, LinkWorkerClosed
from hub.linker import Linker
from hub.linker_rows import LinkerUnusableError
from hub.store import ConflictError, HubStore
from hub.tree_heads import TreeHeadError, TreeHeads
from hub.unusable import linker_wait
from hub.validate import Refusal, uncatalogued, validate_batch
from linkage.schema import LinkageSchema
from zichtlijn.certsign import verify_batch
from zichtlijn.transport import STILL_LINKING, caller_certificate, require_role
from zichtlijn.v1 import sync_pb2, sync_pb2_grpc

HELD_PER_MESSAGE = 1000  # HeldSightings: about 86 KB a message

log = logging.getLogger("zichtlijn.hub.sync")


class SyncService(sync_pb2_grpc.SyncServiceServicer):
    def __init__(self, store: HubStore, linker: Linker, schema: LinkageSchema,
                 heads: TreeHeads,
                 signal_codes: frozenset[str] | None = None,
                 after_link: Callable[[bool], object] | None = None,
                 per_node_per_day: int | None = None) -> None:
        self.store = store
        self.linker = linker
        self.schema = schema
        self.heads = heads
        self.signal_codes = signal_codes
        # alert evaluation after every link run; full after a relink (every person changed)
        self.after_link = after_link
        self.link_worker = LinkWorker(self._link)
        # new sightings taken from one node in 24 hours (hub.toml [uploads]); None: any
        self.per_node_per_day = per_node_per_day
        self._counting_locks: dict[str, threading.Lock] = {}
        self._counting_guard = threading.Lock()

    def Upload(
        self, request_iterator: Iterator[sync_pb2.UploadBatch], context: grpc.ServicerContext
    ) -> Iterator[sync_pb2.BatchReceipt]:
        node = require_role(context, "node")
        cert = caller_certificate(context)
        stored_any = False
        uncatalogued_sent: set[str] = set()  # logged once per upload, not per batch
        known_size: int | None = None  # the tree size the next consistency proof starts at
        try:
            for position, batch in enumerate(request_iterator):
                try:
                    validate_batch(batch, self.schema, dt.date.today())
                    digest = bytes(batch.batch_digest)
                    if not verify_batch(cert, node.name, digest, len(batch.sightings),
                                        bytes(batch.node_signature)):
                        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                                      f"batch {position}: node_signature does not verify with "
                                      f"the client certificate of {node}")
                    with self.store.lock:  # a node that never installed the next epoch
                        behind = left_behind_refusal(self.store.db.conn, node.name,
                                                     batch.sightings)
                    if behind:
                        raise Refusal(grpc.StatusCode.FAILED_PRECONDITION, behind)
                    if known_size is None:
                        known_size = batch.known_tree_size
                        self.heads.check_known_size(known_size)
                    # counted and stored as one step per municipality: two uploads under
                    # one certificate at once both passed the count (the code review)
                    with self._counting(node.name):
                        self._within_daily_limit(node.name, position, len(batch.sightings))
                        outcome = self.store.store_batch(node.name, digest,
                                                         list(batch.sightings), cert,
                                                         bytes(batch.node_signature))
                    if outcome.leaf_index is None:
                        raise TreeHeadError(f"batch {digest.hex()[:12]} has no log entry")
                    receipt = self.heads.receipt(outcome.leaf_index, known_size)
                    unknown = (uncatalogued(batch, self.signal_codes)
                               if self.signal_codes is not None else set())
                    uncatalogued_sent |= unknown
                except Refusal as refusal:
                    log.warning("refused batch from %s: %s", node, refusal.message)
                    context.abort(refusal.code, refusal.message)
                except ConflictError as exc:
                    log.warning("refused batch from %s: %s", node, exc)
                    context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
                except TreeHeadError as exc:
                    log.warning("no receipt for %s: %s", node, exc)
                    context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
                known_size = receipt.head.size
                stored_any = stored_any or outcome.accepted > 0
                log.info("batch %s from %s: %d new, %d already held",
                         bytes(batch.batch_digest).hex()[:12], node, outcome.accepted,
                         outcome.already_present)
                yield sync_pb2.BatchReceipt(
                    batch_digest=batch.batch_digest,
                    accepted=outcome.accepted,
                    already_present=outcome.already_present,
                    received_at=outcome.received_at,
                    leaf_index=receipt.leaf_index,
                    log_entry=receipt.entry,
                    tree_head=receipt.head.note,
                    inclusion_proof=receipt.inclusion,
                    consistency_from=receipt.consistency_from,
                    consistency_proof=receipt.consistency,
                    uncatalogued_signals=sorted(unknown),
                )
        finally:
            if uncatalogued_sent:
                log.warning("%s sent signal code(s) outside signals.toml, stored as sent and "
                            "weighing 0 until it lists them: %s", node,
                            ", ".join(sorted(uncatalogued_sent)))
            if stored_any:
                self._link_soon(context, str(node))

    def _counting(self, gemeente: str) -> threading.Lock:
        with self._counting_guard:
            return self._counting_locks.setdefault(gemeente, threading.Lock())

    def _within_daily_limit(self, gemeente: str, position: int, count: int) -> None:
        """Refuse a batch that would take the node past its new sightings for 24 hours.

        Counted as the sightings the hub took (a batch resent after a lost receipt adds
        none) plus the whole batch at hand: refusing costs the node a day, linking a
        flood costs every node's lookups their answers."""
        if self.per_node_per_day is None:
            return
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat(timespec="seconds")
        with self.store.lock:
            taken = self.store.db.execute(
                "SELECT coalesce(sum(accepted), 0) FROM batches WHERE gemeente = ? "
                "AND received_at > ?", [gemeente, since]).fetchone()[0]
        if taken + count > self.per_node_per_day:
            raise Refusal(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          f"batch {position}: {gemeente} sent {taken:,} new sightings in the "
                          f"last 24 hours and the hub takes at most {self.per_node_per_day:,} "
                          "a day from one municipality (hub.toml [uploads]); the rest goes "
                          "at a later sync")

    def _link_soon(self, context: grpc.ServicerContext, node: str) -> None:
        """Ask for a link run and wait for it while the node's deadline allows."""
        try:
            ticket = self.link_worker.request()
        except LinkWorkerClosed:  # the hub is stopping; its next start links what is pending
            log.info("upload from %s stored while the hub stops: linked at its next start",
                     node)
            return
        if not context.is_active():
            return  # the node has gone (cancelled); the run goes on without it
        # stops waiting before the node's deadline: its call ends with its receipts
        if not self.link_worker.wait(ticket, linker_wait(context)):
            context.set_trailing_metadata((STILL_LINKING,))
            log.info("upload from %s returns before its link run ends (the node's deadline); "
                     "the run goes on", node)

    def _link(self) -> None:
        try:
            run = self.linker.link_pending()
        except LinkerUnusableError as error:  # the operator must act; a traceback adds nothing
            log.error("%s", error)
            return
        except Exception:  # stored sightings stay pending and are linked by the next run
            log.exception("link run failed")
            return
        log.info("link run: %d new sightings, %d candidates, %d links, %.2fs",
                 run.new_sightings, run.candidate_pairs, run.new_links, run.seconds)
        if self.after_link is not None:
            try:
                self.after_link(run.relinked_at is not None)
            except Exception:  # alerts are evaluated again after the next link run
                log.exception("alert evaluation failed")

    def ListHeld(self, request: sync_pb2.ListHeldRequest, context: grpc.ServicerContext
                 ) -> Iterator[sync_pb2.HeldSightings]:
        node = require_role(context, "node")
        for chunk in self.store.held_of(node.name, HELD_PER_MESSAGE):
            yield sync_pb2.HeldSightings(sightings=[
                sync_pb2.HeldSighting(sighting_uuid=uuid, content_digest=digest,
                                      observed_on=observed_on, single_epoch_digest=single,
                                      epoch=epoch)
                for uuid, digest, observed_on, single, epoch in chunk])
        withdrawn = self.store.withdrawn_of(node.name)
        for start in range(0, len(withdrawn), HELD_PER_MESSAGE):
            yield sync_pb2.HeldSightings(
                withdrawn_uuids=withdrawn[start : start + HELD_PER_MESSAGE])

    def GetNodeStatus(
        self, request: sync_pb2.NodeStatusRequest, context: grpc.ServicerContext
    ) -> sync_pb2.NodeStatus:
        node = require_role(context, "node")
        return sync_pb2.NodeStatus(
            gemeente=node.name,
            sightings_held=self.store.count_sightings(node.name),
            schema_fingerprint=self.schema.fingerprint,
        )
