"""AuditService: tree heads for witnesses and clients, cosignatures, the auditor's export."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import grpc

from hub.audit_export import ExportError
from hub.logged_reads import logged_export
from hub.tree_heads import TreeHeadError, TreeHeads
from zichtlijn.transport import require_role
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc

log = logging.getLogger("zichtlijn.hub.audit")

READERS = ("node", "riec", "auditor", "operator")
WITNESSES = ("node", "auditor")
EXPORTERS = ("auditor", "operator")
#: a caller names its configured witnesses; more than this is no configuration
MAX_WITNESS_KEYS = 64


class AuditService(audit_pb2_grpc.AuditServiceServicer):
    def __init__(self, heads: TreeHeads) -> None:
        self.heads = heads

    def GetTreeHead(self, request: audit_pb2.TreeHeadRequest,
                    context: grpc.ServicerContext) -> audit_pb2.TreeHead:
        require_role(context, *READERS)
        if request.min_cosignatures:
            head = self.heads.settled(request.min_cosignatures,
                                      list(request.witness_keys[:MAX_WITNESS_KEYS]))
            if head is None:
                context.abort(grpc.StatusCode.NOT_FOUND,
                              f"no tree head has {request.min_cosignatures} cosignatures yet")
        else:
            head = self.heads.current()
        reply = audit_pb2.TreeHead(note=self.heads.with_cosignatures(head))
        # a caller ahead of this log gets the head without a proof and sees the truncation
        if 0 < request.from_size <= head.size:
            reply.from_size = request.from_size
            reply.consistency_proof.extend(self.heads.consistency(request.from_size, head.size))
        return reply

    def AddCosignature(self, request: audit_pb2.CosignatureRequest,
                       context: grpc.ServicerContext) -> audit_pb2.CosignatureReply:
        witness = require_role(context, *WITNESSES)
        try:
            count = self.heads.add_cosignature(witness, request.tree_size, request.witness_key,
                                               request.signature)
        except TreeHeadError as exc:
            log.warning("refused cosignature from %s: %s", witness, exc)
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        log.info("tree head %d cosigned by %s (%d witnesses)", request.tree_size, witness, count)
        return audit_pb2.CosignatureReply(cosignatures=count)

    def Export(self, request: audit_pb2.ExportRequest,
               context: grpc.ServicerContext) -> Iterator[audit_pb2.ExportChunk]:
        auditor = require_role(context, *EXPORTERS)
        log.info("audit export for %s", auditor)
        try:
            yield from logged_export(self.heads, str(auditor))
        except ExportError as exc:
            context.abort(grpc.StatusCode.UNAVAILABLE, str(exc))
