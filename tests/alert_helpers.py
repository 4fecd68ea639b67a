"""Constructed alert scenarios: real CSV files imported by real nodes, synced to a real hub."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from linkage.encode import Encoder
from linkage.schema import default_schema
from node.config import NodeConfig
from node.importer import import_csv
from node.store import NodeStore
from node.sync import sync
from tests.conftest import Pki, make_node
from tests.test_csv_import import csv_bytes
from zichtlijn.keyfile import load_purpose_keys
from zichtlijn.riec_requests import DecisionRequest, DecisionSigner
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import alerts_pb2, alerts_pb2_grpc

HEADER = ["case_ref", "observed_on", "setting", "licensed", "signals", "given_names", "surname",
          "date_of_birth"]
TODAY = dt.date.today()


@dataclass(frozen=True)
class Woman:
    given: str
    surname: str
    born: str

    def row(self, case_ref: str, observed_on: str, licensed: str = "nee",
            signals: str = "unlicensed", setting: str = "woning") -> list[str]:
        return [case_ref, observed_on, setting, licensed, signals, self.given, self.surname,
                self.born]


IULIA = Woman("Iulia", "Țurcanu", "1998-03-14")
BLESSING = Woman("Blessing", "Osagie", "1995-11-02")
ZSOFIA = Woman("Zsófia", "Kovács", "2001-07-21")
ELENA = Woman("Elena", "Ionescu", "1999-01-30")


def sync_rows(root: Path, pki: Pki, secret_file: Path, port: int, gemeente: str,
              rows: list[list[str]]) -> NodeConfig:
    """Import `rows` as a CSV file at the node of `gemeente` and sync it to the hub."""
    config = make_node(root, pki, secret_file, gemeente, port)
    csv_file = config.home / f"import-{len(list(config.home.glob('import-*')))}.csv"
    csv_file.write_bytes(csv_bytes(rows, HEADER))
    store = NodeStore(config.db_path)
    try:
        encoder = Encoder(default_schema(), load_purpose_keys(secret_file))
        report = import_csv(csv_file.read_bytes(), store, encoder, TODAY)
        assert report.rejected == 0, [str(e) for e in report.errors]
        with secure_channel(config.hub, config.tls) as channel:
            sync(channel, store, 100, 30)
    finally:
        store.close()
    return config


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def stub(pki: Pki, port: int, stem: str):
    channel = secure_channel(f"127.0.0.1:{port}", pki.tls(stem))
    return channel, alerts_pb2_grpc.AlertServiceStub(channel), \
        alerts_pb2_grpc.NodeAlertServiceStub(channel)


def decision(pki: Pki, stem: str, alert_id: str, action: str = "acknowledge",
             reason: str = "", decided_at: str | None = None) -> DecisionRequest:
    """A decision signed with the key of `stem`'s certificate, as `riec ack`, `riec close`
    or `riec reopen` sends it."""
    return DecisionSigner.of(pki.tls(stem)).request(alert_id, action, reason, decided_at)


def close(pki: Pki, port: int, stem: str, alert_id: str, reason: str) -> None:
    """`stem`'s RIEC closes the alert, as `riec close` does."""
    channel, alerts, _ = stub(pki, port, stem)
    with channel:
        alerts.Close(decision(pki, stem, alert_id, "close", reason), timeout=10)


def list_alerts(pki: Pki, port: int, stem: str, **request) -> alerts_pb2.ListAlertsResponse:
    channel, alerts, _ = stub(pki, port, stem)
    with channel:
        return alerts.List(alerts_pb2.ListAlertsRequest(**request), timeout=10)


def watch_all(pki: Pki, port: int, stem: str, after: int = 0) -> list[alerts_pb2.AlertChange]:
    channel, alerts, _ = stub(pki, port, stem)
    with channel:
        return list(alerts.Watch(alerts_pb2.WatchAlertsRequest(after_cursor=after), timeout=10))
