"""`zichtlijn node init --key-package`, `node keys ...` and `node status` on the command line."""

from __future__ import annotations

import datetime as dt

import pytest

from node.config import load_config
from node.epochs import Keyring
from node.store import NodeStore
from tests.keytools import make_epoch
from tests.test_csv_import import csv_bytes, good
from zichtlijn import cli


def today() -> dt.date:
    """Asked when needed, not once at import: a run that crosses midnight failed."""
    return dt.date.today()


@pytest.fixture(scope="module")
def kits(pki):
    return {e: make_epoch(pki, e, ["GM0363", "GM0599"]) for e in (1, 2)}


@pytest.fixture()
def packages(tmp_path, kits):
    paths = {}
    for epoch, kit in kits.items():
        for node, blob in kit.packages.items():
            path = tmp_path / f"{node}-epoch{epoch}.keys"
            path.write_bytes(blob)
            paths[node, epoch] = path
    return paths


def init_args(tmp_path, pki, package, gemeente="GM0363"):
    return ["node", "init", "--home", str(tmp_path / "node"), "--gemeente", gemeente,
            "--hub", "127.0.0.1:1", "--ca", str(pki.root / "ca.pem"),
            "--cert", str(pki.root / f"node-{gemeente}.pem"),
            "--key", str(pki.root / f"node-{gemeente}.key"), "--key-package", str(package)]


def status(tmp_path, capsys) -> str:
    capsys.readouterr()
    assert cli.main(["node", "status", "--home", str(tmp_path / "node")]) == 0
    return capsys.readouterr().out


def test_init_with_a_key_package(tmp_path, pki, kits, packages, capsys):
    assert cli.main(init_args(tmp_path, pki, packages["GM0363", 1])) == 0
    assert "epoch 1" in capsys.readouterr().out
    config = load_config(tmp_path / "node")
    assert config.secret_file is None and config.key_packages == (tmp_path / "node" / "keys")
    toml = (tmp_path / "node" / "node.toml").read_text()
    assert "secret_file" not in toml
    out = status(tmp_path, capsys)
    assert f"epochs     1 current since {today()} (keys {kits[1].keys.fingerprint()})" in out


def test_init_with_another_nodes_package_writes_nothing(tmp_path, pki, packages, capsys):
    assert cli.main(init_args(tmp_path, pki, packages["GM0599", 1])) == 1
    err = capsys.readouterr().err
    assert err == (f"zichtlijn: {packages['GM0599', 1]}: made for GM0599, "
                   "not for this node (GM0363)\n")
    assert not (tmp_path / "node" / "node.toml").exists()


def test_init_with_another_certificates_key_names_the_key_not_the_package(
        tmp_path, pki, packages, capsys):
    """A .pem and a .key mixed up at renewal: the package is fine, the key is not this
    certificate's, and the custodians need not meet for a new package."""
    args = init_args(tmp_path, pki, packages["GM0363", 1])
    args[args.index("--key") + 1] = str(pki.root / "node-GM0599.key")
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err == (f"zichtlijn: --key {pki.root / 'node-GM0599.key'} does not belong to --cert "
                   f"{pki.root / 'node-GM0363.pem'} (its public key is another): give the key "
                   "made with this certificate\n")
    assert not (tmp_path / "node" / "node.toml").exists()


def test_init_with_a_damaged_package_is_one_line(tmp_path, pki, packages, capsys):
    packages["GM0363", 1].write_text("{not json", "utf-8")
    assert cli.main(init_args(tmp_path, pki, packages["GM0363", 1])) == 1
    assert capsys.readouterr().err.endswith("not a zichtlijn key package\n")


def test_install_next_epoch_shows_the_overlap_and_retire_ends_it(tmp_path, pki, kits,
                                                                 packages, capsys):
    assert cli.main(init_args(tmp_path, pki, packages["GM0363", 1])) == 0
    home = str(tmp_path / "node")
    assert cli.main(["node", "keys", "install", "--home", home,
                     "--package", str(packages["GM0363", 2]), "--overlap-days", "30"]) == 0
    out = status(tmp_path, capsys)
    until = today() + dt.timedelta(days=30)
    assert f"epochs     2 current since {today()}" in out
    assert (f"           1 overlap until {until}: new sightings are also encoded under it"
            in out)
    assert cli.main(["node", "keys", "retire", "--home", home, "--epoch", "2"]) == 1
    assert "epoch 2 is the current epoch" in capsys.readouterr().err
    assert cli.main(["node", "keys", "retire", "--home", home, "--epoch", "1"]) == 0
    assert f"1 retired on {today()}: keys destroyed" in status(tmp_path, capsys)
    assert sorted(p.name for p in (tmp_path / "node" / "keys").iterdir()) == ["epoch-2.keys"]


def test_after_the_overlap_import_encodes_under_the_new_epoch_only(tmp_path, pki, packages,
                                                                  capsys):
    assert cli.main(init_args(tmp_path, pki, packages["GM0363", 1])) == 0
    config = load_config(tmp_path / "node")
    store = NodeStore(config.db_path)
    try:  # the rotation happened three weeks ago with a two-week overlap
        Keyring(config, store).install(packages["GM0363", 2].read_bytes(),
                                       today() - dt.timedelta(days=21),
                                       today() - dt.timedelta(days=7))
    finally:
        store.close()
    data = tmp_path / "controls.csv"
    row = good("A-1")
    row[1] = dt.date.today().isoformat()  # the node refuses rows past the retention period
    data.write_bytes(csv_bytes([row]))
    assert cli.main(["node", "import", "--home", str(tmp_path / "node"), str(data)]) == 0
    assert "1 retired on" in status(tmp_path, capsys)
    store = NodeStore(config.db_path)
    try:
        assert store.db.execute("SELECT epoch FROM sightings").fetchall() == [(2,)]
    finally:
        store.close()


def test_install_on_a_secret_file_node_is_refused(tmp_path, pki, secret_file, packages,
                                                  capsys):
    args = init_args(tmp_path, pki, packages["GM0363", 1])
    args[-2:] = ["--secret", str(secret_file)]
    assert cli.main(args) == 0
    assert "development secret file" in status(tmp_path, capsys)
    assert cli.main(["node", "keys", "install", "--home", str(tmp_path / "node"),
                     "--package", str(packages["GM0363", 2])]) == 1
    assert "rotation need key packages" in capsys.readouterr().err


def test_secret_and_key_package_are_exclusive(tmp_path, pki, secret_file, packages, capsys):
    args = [*init_args(tmp_path, pki, packages["GM0363", 1]), "--secret", str(secret_file)]
    with pytest.raises(SystemExit) as exit_:
        cli.main(args)
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_init_keeps_the_hubs_log_key_in_the_home(tmp_path, pki, packages, capsys,
                                                 monkeypatch):
    # node.toml used to name the file where it was given: deleting it broke every sync
    from hub.log_key import create_log_key

    given_dir = tmp_path / "handed-over"
    given_dir.mkdir()
    log_key = create_log_key(given_dir)
    monkeypatch.chdir(tmp_path)  # a home and a key given by relative paths, as by hand
    args = init_args(tmp_path, pki, packages["GM0363", 1])
    args[args.index("--home") + 1] = "node"
    assert cli.main([*args, "--log-key", "handed-over/log.vkey"]) == 0
    given = given_dir / "log.vkey"
    given.unlink()
    config = load_config(tmp_path / "node")
    assert config.log_key.parent == tmp_path / "node"
    assert config.log_key.read_text("utf-8").strip() == log_key.verifier.to_vkey()
    assert "log key" in status(tmp_path, capsys)
