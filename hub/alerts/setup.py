"""Wiring alerts into the hub: load the configuration, evaluate once, register services."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import grpc

from hub.alerts.config import AlertConfig, load_alert_config
from hub.alerts.engine import AlertEngine
from hub.alerts.service import AlertService, AlertsNotConfigured, NodeAlertService
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.schema import LinkageSchema
from zichtlijn.v1 import alerts_pb2_grpc

log = logging.getLogger("zichtlijn.hub.alerts")
SERVICE_NAMES = ("zichtlijn.v1.AlertService", "zichtlijn.v1.NodeAlertService")


def load(directory: Path | None) -> AlertConfig | None:
    """The alert configuration, checked whole before the hub opens anything."""
    if directory is None:
        log.warning("no alert configuration (hub.toml: alerts = DIR): no alerts are raised, "
                    "and alerts held from before are neither updated nor closed")
        return None
    return load_alert_config(directory)


def alerts_held(store: HubStore) -> int:
    with store.lock:
        if store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'alerts'").fetchone() is None:
            return 0
        return store.db.execute("SELECT count(*) FROM alerts").fetchone()[0]


def unconfigured(held: int, when: str) -> str:
    """Why a hub holding alerts is refused without their configuration: a withdrawal, a
    correction or a purge would change an alert's evidence with no rule to evaluate it,
    leaving it open as the rules last said (and `audit verify` reporting it)."""
    return (f"this hub holds {held:,} alerts but hub.toml names no alert configuration "
            f"(alerts = DIR): they could not be evaluated {when}; name the configuration "
            "they were raised under")


def start_engine(config: AlertConfig | None, store: HubStore, schema: LinkageSchema,
                 policy: MatchPolicy, full: bool = False) -> AlertEngine | None:
    """The alert engine, having evaluated what changed while the hub was down: everything
    when the rules or the companion grouping changed or `full` (every sighting was just
    linked again)."""
    if config is None:
        return None
    engine = AlertEngine(store, config, schema, policy)
    engine.evaluate(full=full or engine.full_pending)
    return engine


def register(server: grpc.Server, store: HubStore, engine: AlertEngine | None,
             workers: int, guarded: Callable[[object], object] = lambda s: s) -> None:
    """`guarded` wraps each servicer (hub/revocation.py: revoked certificates refused)."""
    if engine is None:
        refusing = guarded(AlertsNotConfigured())
        alerts_pb2_grpc.add_AlertServiceServicer_to_server(refusing, server)
        alerts_pb2_grpc.add_NodeAlertServiceServicer_to_server(refusing, server)
        return
    watchers = max(1, workers // 4)
    alerts_pb2_grpc.add_AlertServiceServicer_to_server(
        guarded(AlertService(store, engine.config, engine.signal, watchers)), server)
    alerts_pb2_grpc.add_NodeAlertServiceServicer_to_server(
        guarded(NodeAlertService(store, engine.config)), server)
