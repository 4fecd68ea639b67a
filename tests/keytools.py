"""Test helpers: an epoch's secret and key packages, and nodes that hold packages."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from linkage.key_package import seal_package
from linkage.keys import PurposeKeys, derive_purpose_keys
from linkage.schema import default_schema
from linkage.shares import secret_fingerprint
from node.config import NodeConfig
from node.epoch_report import report_epochs
from node.epochs import Keyring
from node.importer import ImportReport, import_csv
from node.store import NodeStore
from node.sync import SyncReport, sync
from tests.test_csv_import import csv_bytes
from zichtlijn.transport import secure_channel


@dataclass
class EpochKit:
    epoch: int
    secret: bytes
    keys: PurposeKeys
    packages: dict[str, bytes] = field(default_factory=dict)

    def material(self) -> list[bytes]:
        """The master secret and every purpose key: what the hub must never hold."""
        return [self.secret, *self.keys.all_keys()]


def make_epoch(pki, epoch: int, nodes, secret: bytes | None = None) -> EpochKit:
    """What a ceremony and `keys package` produce, minus the shares (tested elsewhere)."""
    secret = secret or secrets.token_bytes(32)
    kit = EpochKit(epoch, secret, derive_purpose_keys(secret, epoch))
    for node in nodes:
        cert = x509.load_pem_x509_certificate((pki.root / f"node-{node}.pem").read_bytes())
        kit.packages[node] = seal_package(kit.keys, node, cert.public_key(),
                                          secret_fingerprint(secret, epoch))
    return kit


def package_node(tmp_path: Path, pki, gemeente: str, hub_port: int) -> NodeConfig:
    """A node home configured for key packages (none installed yet)."""
    home = tmp_path / f"node-{gemeente}"
    home.mkdir(exist_ok=True)
    log_key = tmp_path / "hub" / "log.vkey"  # written by the hub fixture's first start
    config = NodeConfig(home=home, gemeente=gemeente, hub=f"127.0.0.1:{hub_port}",
                        tls=pki.tls(f"node-{gemeente}"), key_packages=home / "keys",
                        log_key=log_key if log_key.exists() else None)
    (home / "node.toml").write_text(config.to_toml(), "utf-8")
    NodeStore(config.db_path, create=True).close()  # as `node init` does
    return config


HEADER = ["case_ref", "observed_on", "given_names", "surname", "date_of_birth", "sex"]


class Node:
    """A package-keyed node driven through the library with explicit dates."""

    def __init__(self, tmp_path: Path, pki, gemeente: str, port: int) -> None:
        self.config = package_node(tmp_path, pki, gemeente, port)
        self.store = NodeStore(self.config.db_path)
        self.keyring = Keyring(self.config, self.store)

    def import_rows(self, rows: list[list[str]], day: dt.date) -> ImportReport:
        encoder, *older = self.keyring.encoders(default_schema(), day)
        report = import_csv(csv_bytes(rows, HEADER), self.store, encoder, day, also=older)
        assert report.rejected == 0, report.errors
        return report

    def sync(self, day: dt.date) -> SyncReport:
        with secure_channel(self.config.hub, self.config.tls) as channel:
            report_epochs(channel, self.keyring.epochs(day), 10)
            return sync(channel, self.store, 100, 30)

    def uuid_of(self, case_ref: str) -> str:
        return {c: u for c, u, _, _ in self.store.listing()}[case_ref]
