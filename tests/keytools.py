"""Test helpers: an epoch's secret and key packages, and nodes that hold packages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from linkage.key_package import seal_package
from linkage.keys import PurposeKeys, derive_purpose_keys
from linkage.shares import secret_fingerprint
from node.config import NodeConfig
from node.store import NodeStore


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
    config = NodeConfig(home=home, gemeente=gemeente, hub=f"127.0.0.1:{hub_port}",
                        tls=pki.tls(f"node-{gemeente}"), key_packages=home / "keys")
    (home / "node.toml").write_text(config.to_toml(), "utf-8")
    NodeStore(config.db_path).close()
    return config
