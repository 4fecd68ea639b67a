"""SyncService: nodes upload batches; the hub stores them and links on arrival."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator

import grpc

from hub.linker import Linker
from hub.store import ConflictError, HubStore
from hub.validate import Refusal, validate_batch
from linkage.schema import LinkageSchema
from zichtlijn.transport import require_role
from zichtlijn.v1 import sync_pb2, sync_pb2_grpc

log = logging.getLogger("zichtlijn.hub.sync")


class SyncService(sync_pb2_grpc.SyncServiceServicer):
    def __init__(self, store: HubStore, linker: Linker, schema: LinkageSchema,
                 signal_codes: frozenset[str] | None = None,
                 after_link: Callable[[], object] | None = None) -> None:
        self.store = store
        self.linker = linker
        self.schema = schema
        self.signal_codes = signal_codes
        self.after_link = after_link  # alert evaluation: runs after every link run

    def Upload(
        self, request_iterator: Iterator[sync_pb2.UploadBatch], context: grpc.ServicerContext
    ) -> Iterator[sync_pb2.BatchReceipt]:
        node = require_role(context, "node")
        stored_any = False
        try:
            for batch in request_iterator:
                try:
                    validate_batch(batch, self.schema, dt.date.today(), self.signal_codes)
                    outcome = self.store.store_batch(node.name, bytes(batch.batch_digest),
                                                     list(batch.sightings))
                except Refusal as refusal:
                    log.warning("refused batch from %s: %s", node, refusal.message)
                    context.abort(refusal.code, refusal.message)
                except ConflictError as exc:
                    log.warning("refused batch from %s: %s", node, exc)
                    context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
                stored_any = stored_any or outcome.accepted > 0
                log.info("batch %s from %s: %d new, %d already held",
                         bytes(batch.batch_digest).hex()[:12], node, outcome.accepted,
                         outcome.already_present)
                yield sync_pb2.BatchReceipt(
                    batch_digest=batch.batch_digest,
                    accepted=outcome.accepted,
                    already_present=outcome.already_present,
                    received_at=outcome.received_at,
                )
        finally:
            if stored_any:
                self._link()

    def _link(self) -> None:
        try:
            run = self.linker.link_pending()
        except Exception:  # stored sightings stay pending and are linked by the next run
            log.exception("link run failed")
            return
        log.info("link run: %d new sightings, %d candidates, %d links, %.2fs",
                 run.new_sightings, run.candidate_pairs, run.new_links, run.seconds)
        if self.after_link is not None:
            try:
                self.after_link()
            except Exception:  # alerts are evaluated again after the next link run
                log.exception("alert evaluation failed")

    def GetNodeStatus(
        self, request: sync_pb2.NodeStatusRequest, context: grpc.ServicerContext
    ) -> sync_pb2.NodeStatus:
        node = require_role(context, "node")
        return sync_pb2.NodeStatus(
            gemeente=node.name,
            sightings_held=self.store.count_sightings(node.name),
            schema_fingerprint=self.schema.fingerprint,
        )
