"""Assemble and run the hub's gRPC server (mTLS required, health service on)."""

from __future__ import annotations

import logging
from concurrent import futures
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from hub.config import HubConfig
from hub.epoch_service import EpochService
from hub.linker import Linker
from hub.lookup_service import LookupService
from hub.records_service import RecordService
from hub.settings import HubSettings, settings_of
from hub.store import HubStore
from hub.sync_service import SyncService
from linkage.compare import MatchPolicy
from linkage.schema import LinkageSchema, default_schema
from zichtlijn.transport import server_credentials, server_options
from zichtlijn.v1 import epochs_pb2_grpc, lookup_pb2_grpc, records_pb2_grpc, sync_pb2_grpc

log = logging.getLogger("zichtlijn.hub")


@dataclass
class RunningHub:
    server: grpc.Server
    port: int
    store: HubStore
    linker: Linker

    def stop(self, grace: float = 2.0) -> None:
        # grpcio can leave the stop event unset after a client cancelled a stream the
        # handler had already aborted; every handler has returned by then, so bound the wait
        self.server.stop(grace).wait(timeout=grace + 5)
        self.store.close()


def start_hub(
    config: HubConfig,
    schema: LinkageSchema | None = None,
    policy: MatchPolicy | None = None,
    settings: HubSettings | None = None,
) -> RunningHub:
    schema = schema or default_schema()
    settings = settings or settings_of(config.home)  # a bad [lookup] stops the hub here
    store = HubStore(config.db_path)
    linker = Linker(store, schema, policy or MatchPolicy())
    linker.link_pending()  # anything stored but not linked before a restart
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=config.workers),
                         options=server_options())
    sync_pb2_grpc.add_SyncServiceServicer_to_server(SyncService(store, linker, schema), server)
    epochs_pb2_grpc.add_EpochServiceServicer_to_server(EpochService(store), server)
    lookup_pb2_grpc.add_LookupServiceServicer_to_server(
        LookupService(store, linker, schema, settings.lookup), server)
    records_pb2_grpc.add_RecordServiceServicer_to_server(
        RecordService(store, linker, schema), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_secure_port(config.listen, server_credentials(config.tls))
    if port == 0:
        store.close()
        raise OSError(f"cannot listen on {config.listen}")
    server.start()
    for service in ("", "zichtlijn.v1.SyncService", "zichtlijn.v1.EpochService",
                    "zichtlijn.v1.LookupService", "zichtlijn.v1.RecordService"):
        health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
    log.info("hub listening on %s (schema %s)", config.listen.rsplit(":", 1)[0] + f":{port}",
             schema.label)
    return RunningHub(server, port, store, linker)
