"""Helpers for audit-log tests: a real hub, real nodes, real syncs, real exports."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from hub.config import HubConfig
from hub.server import RunningHub, start_hub
from linkage.encode import Encoder
from linkage.schema import default_schema
from node.config import NodeConfig
from node.importer import import_csv
from node.log_client import NodeLog, witness_key
from node.store import NodeStore
from node.sync import SyncReport, sync
from tests.conftest import Pki, make_node
from tests.test_csv_import import TODAY, csv_bytes, good
from zichtlijn.audit_file import write_export
from zichtlijn.audit_verify import Report, Trust, verify_export
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc
from zichtlijn.witness import read_vkey

NAMES = [("Elena", "Ionescu"), ("Ioana", "Vasile"), ("Blessing", "Osagie"), ("Zsofia", "Kovacs"),
         ("Maria", "Popa"), ("Iulia", "Turcanu"), ("Ana", "Dumitru"), ("Olga", "Rusu")]


@dataclass
class Site:
    """A hub home and node homes under one directory (make_node finds root/hub/log.vkey)."""

    root: Path
    pki: Pki
    secret_file: Path
    hub: RunningHub | None = None
    nodes: dict[str, NodeConfig] = field(default_factory=dict)

    @property
    def hub_home(self) -> Path:
        return self.root / "hub"

    def start(self, port: int = 0) -> RunningHub:
        self.hub_home.mkdir(parents=True, exist_ok=True)
        config = HubConfig(self.hub_home, f"127.0.0.1:{port}", self.pki.tls("hub-hub"), workers=4)
        (self.hub_home / "hub.toml").write_text(config.to_toml(), "utf-8")  # as `hub init` would
        self.hub = start_hub(config)
        return self.hub

    def stop(self) -> None:
        if self.hub is not None:
            self.hub.stop(grace=0)
            self.hub = None

    def node(self, gemeente: str) -> NodeConfig:
        if gemeente not in self.nodes:
            assert self.hub is not None
            self.nodes[gemeente] = make_node(self.root, self.pki, self.secret_file, gemeente,
                                             self.hub.port)
        return self.nodes[gemeente]

    def load(self, gemeente: str, count: int, tag: str) -> None:
        config = self.node(gemeente)
        rows = [good(f"{gemeente}-{tag}-{i}", *NAMES[i % len(NAMES)]) for i in range(count)]
        store = NodeStore(config.db_path)
        try:
            encoder = Encoder(default_schema(), _keys(self.secret_file))
            assert import_csv(csv_bytes(rows), store, encoder, TODAY).rejected == 0
        finally:
            store.close()

    def sync(self, gemeente: str, batch_size: int = 2) -> SyncReport:
        config = self.node(gemeente)
        store = NodeStore(config.db_path)
        try:
            with secure_channel(config.hub, config.tls) as channel:
                return sync(channel, store, batch_size, 30)
        finally:
            store.close()

    def witness(self, gemeente: str) -> str:
        """The node checks and cosigns the hub's latest head; its signed note."""
        config = self.node(gemeente)
        store = NodeStore(config.db_path)
        try:
            log = NodeLog.open(config, store.db)
            with secure_channel(config.hub, config.tls) as channel:
                log.refresh(channel, 30)
                log.cosign_latest(channel, 30)
            note = log.latest_note()
            assert note is not None
            return note
        finally:
            store.close()

    def export(self, out: Path, stem: str = "auditor-ap") -> Path:
        assert self.hub is not None
        with secure_channel(f"127.0.0.1:{self.hub.port}", self.pki.tls(stem)) as channel:
            stub = audit_pb2_grpc.AuditServiceStub(channel)
            write_export(stub.Export(audit_pb2.ExportRequest(), timeout=30), out)
        return out

    def trust(self, quorum: int = 0, checkpoints: tuple[tuple[str, str], ...] = (),
              settled_within: dt.timedelta | None = None) -> Trust:
        witnesses = tuple(witness_key(c).verifier for c in self.nodes.values())
        ca = x509.load_pem_x509_certificate((self.pki.root / "ca.pem").read_bytes())
        return Trust(read_vkey(self.hub_home / "log.vkey"), (ca,), witnesses, quorum,
                     checkpoints, settled_within=settled_within)


def _keys(secret_file: Path):
    from zichtlijn.keyfile import load_purpose_keys

    return load_purpose_keys(secret_file)


def copy_export(export: Path, dest: Path) -> Path:
    shutil.copy(export, dest)
    return dest


def edit(path: Path, *statements: tuple[str, list]) -> Path:
    with sqlite3.connect(path) as conn:
        for sql, params in statements:
            conn.execute(sql, params)
    return path


def entry(path: Path, index: int) -> dict:
    with sqlite3.connect(path) as conn:
        (raw,) = conn.execute("SELECT entry FROM entries WHERE idx = ?", [index]).fetchone()
    return json.loads(raw)


def canonical(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def actions(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [json.loads(r[0])["action"]
                for r in conn.execute("SELECT entry FROM entries ORDER BY idx")]


def verify(path: Path, site: Site, **kwargs) -> Report:
    return verify_export(path, site.trust(**kwargs))


@contextlib.contextmanager
def running_site(root: Path, pki: Pki, secret_file: Path) -> Iterator[Site]:
    """A Site whose hub runs for the `with` block (the usual test fixture)."""
    site = Site(root, pki, secret_file)
    site.start()
    try:
        yield site
    finally:
        site.stop()
