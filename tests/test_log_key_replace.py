"""Replacing the hub's log key (README "Replacing the log key"): lost or taken, the old key
signs nothing that nodes or auditors accept after the replacement, while what they
verified under it stays verifiable."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from hub.log_key import LogKey, load_log_key
from linkage.checkpoint import Verifier
from node.retention import retention_months
from tests.lookup_support import day, import_and_sync, run, running_hub, three_towns
from tests.test_hub_restore import hub_on
from zichtlijn.witness import LogError, LogKeyring, read_vkey


@pytest.fixture()
def world_of_three(tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        assert run("node", "witness", "--home", homes["GM0363"]) == 0
    # each node holds its own copy of the key it was given, not the hub's file
    for home in homes.values():
        shutil.copy(tmp_path / "hub" / "log.vkey", home / "given-log.vkey")
        config = home / "node.toml"
        config.write_text(config.read_text("utf-8").replace(
            str(tmp_path / "hub" / "log.vkey"), str(home / "given-log.vkey")), "utf-8")
    capsys.readouterr()
    return homes


def test_a_lost_log_key_is_replaced_and_nodes_and_auditors_follow(
        tmp_path, pki, world_of_three, capsys):
    homes, hub_home = world_of_three, tmp_path / "hub"
    old_vkey = tmp_path / "old-log.vkey"
    shutil.copy(hub_home / "log.vkey", old_vkey)
    (hub_home / "log.key").unlink()  # the disk it was on is gone

    assert run("hub", "log-key", "replace", "--home", hub_home, "--reason", "lost") == 0
    out = capsys.readouterr().out
    assert "the replacement is logged and the first head of the new key signed" in out
    assert "node trust-log-key" in out
    new_vkey = hub_home / "log.vkey"
    assert read_vkey(new_vkey) != read_vkey(old_vkey)
    assert read_vkey(new_vkey).name == read_vkey(old_vkey).name  # the same log
    assert [p.name.split(".replaced-")[0] for p in hub_home.glob("*.replaced-*")] == ["log.vkey"]
    assert run("hub", "status", "--home", hub_home) == 0
    status = capsys.readouterr().out
    assert "log key      replaced " in status and "(lost); README" in status

    with hub_on(tmp_path, pki, homes) as hub:
        # a node not yet told refuses the hub's heads, and says what to do
        assert run("node", "sync", "--home", homes["GM0599"]) == 1
        err = capsys.readouterr().err
        assert "tree head refused" in err and "node trust-log-key" in err
        assert err.count("\n") == 1
        with (homes["GM0344"] / "node.toml").open("a") as config:
            config.write("\n[retention]\nmonths = 24\n")
        for home in homes.values():
            assert run("node", "trust-log-key", "--home", home, "--log-key", new_vkey) == 0
        assert retention_months(homes["GM0344"]) == 24  # the rest of node.toml is kept
        out = capsys.readouterr().out
        assert "stays trusted for the" in out
        import_and_sync(tmp_path, homes["GM0363"],
                        [["AMS-9", day(300), "Ana", "Lungu", "01-02-1999", "v", "", "nee", ""]])
        for home in homes.values():
            assert run("node", "sync", "--home", home) == 0
            assert run("node", "witness", "--home", home) == 0
        # a RIEC with the new key finds a head settled by the nodes' witnessing
        witnesses = []
        for home in homes.values():
            capsys.readouterr()
            assert run("node", "witness-key", "--home", home) == 0
            witnesses += ["--witness-key", capsys.readouterr().out.strip()]
        assert run("audit", "tree-head", "--log-key", new_vkey, *witnesses, "--quorum", "2",
                   "--hub", f"127.0.0.1:{hub.port}", "--ca", pki.root / "ca.pem",
                   "--cert", pki.root / "riec-rotterdam.pem",
                   "--key", pki.root / "riec-rotterdam.key") == 0
        assert "settled tree head:" in capsys.readouterr().err
        assert run("node", "trust-log-key", "--home", homes["GM0363"],
                   "--log-key", new_vkey) == 1
        assert "already trusts that log key" in capsys.readouterr().err
    # the node keeps the old key only for what it verified under it
    node_toml = (homes["GM0363"] / "node.toml").read_text("utf-8")
    assert "retired_log_keys" in node_toml and read_vkey(old_vkey).to_vkey() in node_toml
    assert run("node", "status", "--home", homes["GM0363"]) == 0
    assert "; replaced key trusted up to " in capsys.readouterr().out

    export = tmp_path / "audit.db"
    assert run("audit", "export", "--home", hub_home, "--out", export) == 0
    capsys.readouterr()
    verify = ["audit", "verify", export, "--ca", pki.root / "ca.pem"]
    assert run(*verify, "--log-key", new_vkey, "--earlier-log-key", old_vkey) == 0
    assert "1 log_key_replaced" in capsys.readouterr().out
    # the new key alone cannot check the heads signed before; the old key is not current
    assert run(*verify, "--log-key", new_vkey) == 1
    assert "which was not given (--log-key, --earlier-log-key)" in capsys.readouterr().out
    assert run(*verify, "--log-key", old_vkey, "--earlier-log-key", new_vkey) == 1
    assert "not with the key given" in capsys.readouterr().out


def test_a_replaced_key_signs_nothing_new_that_is_accepted(tmp_path, pki, world_of_three,
                                                          capsys):
    hub_home = tmp_path / "hub"
    stolen = load_log_key(hub_home)  # someone else holds a copy
    old_vkey = tmp_path / "old-log.vkey"
    shutil.copy(hub_home / "log.vkey", old_vkey)
    assert run("hub", "log-key", "replace", "--home", hub_home, "--reason",
               "compromised") == 0
    new_vkey = hub_home / "log.vkey"
    export = tmp_path / "audit.db"
    assert run("audit", "export", "--home", hub_home, "--out", export) == 0
    with sqlite3.connect(export) as conn:
        size = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        latest = conn.execute("SELECT note FROM tree_heads ORDER BY rowid DESC "
                              "LIMIT 1").fetchone()[0]
    root = LogKeyring(read_vkey(new_vkey)).open(latest).root
    forged = LogKey(stolen.origin, stolen.private_key).sign(size, root).to_text()

    # a node that trusted the new key when it had verified `up_to` entries
    keyring = LogKeyring(read_vkey(new_vkey), ((stolen.verifier, size - 2),))
    with pytest.raises(LogError, match=r"signed by the retired log key .* trusted only up to"):
        keyring.open(forged)
    assert keyring.open(LogKey(stolen.origin, stolen.private_key).sign(
        size - 2, b"\x00" * 32).to_text()).size == size - 2  # what it verified before

    # an auditor finds the old key's head beside the log's own
    with sqlite3.connect(export) as conn:
        conn.execute("INSERT INTO tree_heads (note) VALUES (?)", [forged])
    capsys.readouterr()
    assert run("audit", "verify", export, "--log-key", new_vkey, "--earlier-log-key", old_vkey,
               "--ca", pki.root / "ca.pem") == 1
    out = capsys.readouterr().out
    assert f"tree head of size {size}: not signed by the log key" in out
    assert isinstance(read_vkey(old_vkey), Verifier)


def test_an_export_taken_before_the_replacement_verifies_with_the_earlier_key(
        tmp_path, pki, world_of_three, capsys):
    """README step 4 with an export an auditor took before the replacement: it holds no
    replacement entry, so every head is the old key's, and is checked with it."""
    hub_home = tmp_path / "hub"
    old_vkey = tmp_path / "old-log.vkey"
    shutil.copy(hub_home / "log.vkey", old_vkey)
    before = tmp_path / "audit-before.db"
    assert run("audit", "export", "--home", hub_home, "--out", before) == 0
    assert run("hub", "log-key", "replace", "--home", hub_home, "--reason", "scheduled") == 0
    new_vkey = hub_home / "log.vkey"
    capsys.readouterr()
    verify = ["audit", "verify", before, "--ca", pki.root / "ca.pem", "--log-key", new_vkey]
    assert run(*verify, "--earlier-log-key", old_vkey) == 0
    out = capsys.readouterr().out
    assert (f"note: the export holds no log key replacement: it was taken before key "
            f"{read_vkey(old_vkey).key_id.hex()} (--earlier-log-key) was replaced") in out
    assert "every check passed" in out

    # a head of the new key in a log that never replaced its key is no head of it
    with sqlite3.connect(before) as conn:
        size = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    new_key = load_log_key(hub_home)
    with sqlite3.connect(before) as conn:
        conn.execute("INSERT INTO tree_heads (note) VALUES (?)",
                     [new_key.sign(size, b"\x00" * 32).to_text()])
    assert run(*verify, "--earlier-log-key", old_vkey) == 1
    assert f"tree head of size {size}: not signed by the log key" in capsys.readouterr().out
