"""Replacing the CA (README "Certificates"): while every home's CA file holds the old and the
new CA, certificates of both work side by side, and an auditor verifies a log that holds
both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import Pki
from tests.lookup_support import run, running_hub, three_towns
from tests.test_keys_cli import package_args, run_ceremony
from zichtlijn.keys_cli import TEST_KDF_ENV
from zichtlijn.pki import write_dev_pki


# a new CA under the old one's name (told apart by key identifiers only) or its own
@pytest.fixture(params=["zichtlijn dev CA", "zichtlijn dev CA 2027"])
def changing(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Pki, Pki, Pki]:
    """The old PKI, the new one, and the homes' files halfway through the change: the hub
    and GM0599 already renewed, the others not yet, every CA file the bundle of both."""
    old, new = Pki(tmp_path / "old-pki"), Pki(tmp_path / "new-pki")
    write_dev_pki(old.root, ["GM0363", "GM0599", "GM0344"], [], ["ap"])
    write_dev_pki(new.root, ["GM0599"], [], [], ca_name=request.param)
    mixed = Pki(tmp_path / "mixed")
    mixed.root.mkdir()
    (mixed.root / "ca.pem").write_bytes((old.root / "ca.pem").read_bytes()
                                        + (new.root / "ca.pem").read_bytes())
    for stem, pki in (("hub-hub", new), ("node-GM0599", new), ("node-GM0363", old),
                      ("node-GM0344", old), ("auditor-ap", old)):
        for suffix in (".pem", ".key"):
            shutil.copy(pki.root / f"{stem}{suffix}", mixed.root / f"{stem}{suffix}")
    return old, new, mixed


def test_old_and_new_certificates_sync_side_by_side_and_the_log_verifies(
        tmp_path, secret_file, changing, capsys):
    _, new, mixed = changing
    with running_hub(tmp_path, mixed) as hub:
        homes = three_towns(tmp_path, mixed, secret_file, hub)  # each imports and syncs
        capsys.readouterr()
        assert run("node", "status", "--home", homes["GM0363"]) == 0
        status = capsys.readouterr().out
    tls_line = next(line for line in status.splitlines() if line.startswith("tls"))
    assert "CA certificate 1 of 2 until" in tls_line and "CA certificate 2 of 2 until" in tls_line

    export = tmp_path / "audit.db"
    assert run("audit", "export", "--home", tmp_path / "hub", "--out", export) == 0
    log_key = tmp_path / "hub" / "log.vkey"
    capsys.readouterr()
    assert run("audit", "verify", export, "--log-key", log_key, "--ca", mixed.root / "ca.pem") == 0
    assert "every check passed" in capsys.readouterr().out
    # the new CA alone no longer vouches for the nodes that uploaded under the old one
    assert run("audit", "verify", export, "--log-key", log_key, "--ca", new.root / "ca.pem") == 1
    assert "node:GM0363: not issued by the configured CA" in capsys.readouterr().out


def test_key_packages_are_sealed_to_certificates_of_either_ca(tmp_path, changing, monkeypatch,
                                                             capsys):
    old, new, mixed = changing
    monkeypatch.setenv(TEST_KDF_ENV, "1")
    shares = run_ceremony(tmp_path, epoch=1)
    for node, pki in (("GM0363", old), ("GM0599", new)):
        assert run(*package_args(tmp_path, mixed, shares, (1, 2, 3), node=node,
                                 cert=pki.root / f"node-{node}.pem")) == 0
    assert sorted(p.name for p in (tmp_path / "packages").iterdir()) == [
        "GM0363-epoch1.keys", "GM0599-epoch1.keys"]
    # with the old CA alone, the renewed node's certificate is refused
    capsys.readouterr()
    assert run(*package_args(tmp_path, old, shares, (1, 2, 3), node="GM0599",
                             cert=new.root / "node-GM0599.pem", out="elsewhere")) == 1
    assert "not issued by the given --ca" in capsys.readouterr().err
