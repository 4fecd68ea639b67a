"""Assemble and run the hub's gRPC server (mTLS required, health service on)."""

from __future__ import annotations

import logging
from concurrent import futures
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from hub import linked_with
from hub.alerts import setup as alerts_setup
from hub.alerts.engine import AlertEngine
from hub.audit_service import AuditService
from hub.config import HubConfig
from hub.epoch_service import EpochService
from hub.link_worker import LinkWorker
from hub.linker import Linker
from hub.lookup_service import LookupService
from hub.records_service import RecordService
from hub.revocation import RevocationList, guard
from hub.settings import HubSettings, settings_of, threshold_advice
from hub.store import HubStore
from hub.sync_service import SyncService
from hub.tree_heads import TreeHeads, ensure_log_key
from linkage.compare import MatchPolicy
from linkage.linking import policy_digest
from linkage.schema import LinkageSchema, default_schema
from zichtlijn.config_files import ConfigFileError
from zichtlijn.transport import server_credentials, server_options
from zichtlijn.v1 import (
    audit_pb2_grpc,
    epochs_pb2_grpc,
    lookup_pb2_grpc,
    records_pb2_grpc,
    sync_pb2_grpc,
)

log = logging.getLogger("zichtlijn.hub")


@dataclass
class RunningHub:
    server: grpc.Server
    port: int
    store: HubStore
    linker: Linker
    alerts: AlertEngine | None = None
    heads: TreeHeads | None = None
    link_worker: LinkWorker | None = None
    revocations: RevocationList | None = None

    def stop(self, grace: float = 2.0) -> None:
        if self.alerts is not None:
            self.alerts.signal.close()  # following watchers end now, not at the grace deadline
        # grpcio can leave the stop event unset after a client cancelled a stream the
        # handler had already aborted; every handler has returned by then, so bound the wait
        self.server.stop(grace).wait(timeout=grace + 5)
        if self.link_worker is not None:
            # a run cut short leaves its sightings unlinked in the database (one transaction
            # at its end); the next start links them
            self.link_worker.close(timeout=grace + 5)
        if self.revocations is not None:
            self.revocations.close()
        self.store.close()


def start_hub(
    config: HubConfig,
    schema: LinkageSchema | None = None,
    policy: MatchPolicy | None = None,
    settings: HubSettings | None = None,
) -> RunningHub:
    schema = schema or default_schema()
    settings = settings or settings_of(config.home)  # a bad [lookup] stops the hub here
    alert_config = alerts_setup.load(config.alerts)  # a bad rules file stops the hub here
    store = HubStore(config.db_path)
    try:
        if alert_config is None and (held := alerts_setup.alerts_held(store)):
            raise ConfigFileError(config.home / "hub.toml", None, alerts_setup.unconfigured(
                held, "after a withdrawal, correction or purge"))
        heads = TreeHeads(store, ensure_log_key(config.home, store.db.conn))
    except BaseException:
        store.close()
        raise
    # a policy given by the caller is fixed; hub.toml's may be automatic
    auto_rule = settings.matching.auto_rule() if policy is None else None
    policy = policy or settings.matching.policy()
    linker = Linker(store, schema, policy, auto_rule, alerts=alert_config is not None)
    # anything stored but not linked yet (after a crash mid-relink, everything), in one run:
    # no lookup waits yet
    relinked = linker.link_pending(in_runs=False).relinked_at
    if auto_rule is not None:
        log.info("link threshold %s (automatic: rises as the population grows)",
                 linker.policy.threshold)
    elif advice := threshold_advice(linker.population(), linker.policy.threshold):
        log.warning("%s", advice)
    with store.lock:
        settings_changed = linked_with.advice(store.db.conn, policy_digest(linker.policy))
    if settings_changed:
        log.warning("%s", settings_changed)
    # companions are grouped with the configured settings, never a raised threshold
    alerts = alerts_setup.start_engine(alert_config, store, schema, policy,
                                       full=relinked is not None or linker.relinked_at_start)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=config.workers),
                         options=server_options())
    revocations = RevocationList(config.db_path)
    guarded = guard(revocations)
    sync_service = SyncService(store, linker, schema, heads,
                               alert_config.signals.codes if alert_config else None,
                               alerts.evaluate if alerts else None,
                               settings.uploads.per_node_per_day)
    sync_pb2_grpc.add_SyncServiceServicer_to_server(guarded(sync_service), server)
    alerts_setup.register(server, store, alerts, config.workers, guarded)
    epochs_pb2_grpc.add_EpochServiceServicer_to_server(guarded(EpochService(store)), server)
    lookup_pb2_grpc.add_LookupServiceServicer_to_server(guarded(
        LookupService(store, linker, schema, settings.lookup, alerts is not None,
                      region_of=alerts.config.regions.region_of if alerts else
                      (lambda _gemeente: None))), server)
    records_pb2_grpc.add_RecordServiceServicer_to_server(
        guarded(RecordService(store, linker, schema, alerts, settings.lookup,
                              withdrawals_per_day=settings.uploads.per_node_per_day)),
        server)
    audit_pb2_grpc.add_AuditServiceServicer_to_server(guarded(AuditService(heads)), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_secure_port(config.listen, server_credentials(config.tls))
    if port == 0:
        revocations.close()
        store.close()
        raise OSError(f"cannot listen on {config.listen}")
    server.start()
    for service in ("", "zichtlijn.v1.SyncService", "zichtlijn.v1.EpochService",
                    "zichtlijn.v1.AuditService", "zichtlijn.v1.LookupService",
                    "zichtlijn.v1.RecordService", *alerts_setup.SERVICE_NAMES):
        health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
    log.info("hub listening on %s (schema %s)", config.listen.rsplit(":", 1)[0] + f":{port}",
             schema.label)
    return RunningHub(server, port, store, linker, alerts, heads, sync_service.link_worker,
                      revocations)
