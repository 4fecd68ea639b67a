"""Shared fixtures: a real dev PKI, linkage keys, a real hub on a free port."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.config import HubConfig
from hub.server import RunningHub, start_hub
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from node.config import NodeConfig
from node.store import NodeStore
from zichtlijn import cli
from zichtlijn.keyfile import load_purpose_keys, write_new_secret
from zichtlijn.pki import write_dev_pki
from zichtlijn.transport import TlsFiles

GEMEENTEN = ("GM0363", "GM0599", "GM0344")
ALERTS_DIR = Path(__file__).resolve().parents[1] / "deploy" / "alerts"  # the shipped example


@dataclass(frozen=True)
class Pki:
    root: Path

    def tls(self, stem: str) -> TlsFiles:
        return TlsFiles(self.root / "ca.pem", self.root / f"{stem}.pem", self.root / f"{stem}.key")


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    root = tmp_path_factory.mktemp("pki")
    write_dev_pki(root, [*list(GEMEENTEN), "GM0014"], ["amsterdam-amstelland", "rotterdam"],
                  ["ap"])
    return Pki(root)


@pytest.fixture(scope="session")
def foreign_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Certificates with the right names from a CA the hub does not trust."""
    root = tmp_path_factory.mktemp("foreign-pki")
    write_dev_pki(root, list(GEMEENTEN), [], [])
    return Pki(root)


#: The session's linkage secret: random each run, so that the suite is not tuned to one
#: key, and printed in the header, so that a failure can be rerun under the same key
#: (ZICHTLIJN_TEST_SECRET=<hex> pytest ...).
SESSION_SECRET = (bytes.fromhex(os.environ["ZICHTLIJN_TEST_SECRET"])
                  if os.environ.get("ZICHTLIJN_TEST_SECRET") else secrets.token_bytes(32))


def pytest_report_header() -> str:
    return f"linkage test secret: ZICHTLIJN_TEST_SECRET={SESSION_SECRET.hex()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    if exitstatus:  # -q leaves out the header; a failure still says how to rerun it
        terminalreporter.write_line(f"to rerun with this key: {pytest_report_header()}")


@pytest.fixture(scope="session")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "linkage.key"
    write_new_secret(path, epoch=1, secret=SESSION_SECRET)
    return path


@pytest.fixture()
def hub_home(tmp_path: Path, pki: Pki) -> Path:
    """A hub home as `zichtlijn hub init` writes it, with the dev PKI's hub certificate."""
    home = tmp_path / "hub"
    assert cli.main(["hub", "init", "--home", str(home), "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / "hub-hub.pem"),
                     "--key", str(pki.root / "hub-hub.key")]) == 0
    return home


@pytest.fixture()
def encoder(secret_file: Path) -> Encoder:
    return Encoder(default_schema(), load_purpose_keys(secret_file))


@pytest.fixture()
def other_encoder() -> Encoder:
    return Encoder(default_schema(), derive_purpose_keys(b"\x07" * 32, epoch=1))


@pytest.fixture()
def hub(tmp_path: Path, pki: Pki) -> Iterator[RunningHub]:
    home = tmp_path / "hub"
    home.mkdir()
    running = start_hub(HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=8,
                                  alerts=ALERTS_DIR))
    yield running
    running.stop(grace=0)


def make_node(tmp_path: Path, pki: Pki, secret_file: Path, gemeente: str,
              hub_port: int) -> NodeConfig:
    home = tmp_path / f"node-{gemeente}"
    home.mkdir(exist_ok=True)
    log_key = tmp_path / "hub" / "log.vkey"  # written by the hub fixture's first start
    config = NodeConfig(home=home, gemeente=gemeente, hub=f"127.0.0.1:{hub_port}",
                        tls=pki.tls(f"node-{gemeente}"), secret_file=secret_file,
                        log_key=log_key if log_key.exists() else None)
    (home / "node.toml").write_text(config.to_toml(), "utf-8")
    NodeStore(config.db_path, create=True).close()  # as `node init` does
    return config
