"""The databases are readable by their owner alone, whatever the umask: a node's maps its
case references to the sighting UUIDs the hub and the RIECs see."""

from __future__ import annotations

import os
import stat

from hub.store import HubStore
from node.store import NodeStore


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_databases_and_their_journals_are_the_owners_alone(tmp_path):
    before = os.umask(0o022)  # the usual one: SQLite alone would write 0644
    try:
        node = NodeStore(tmp_path / "node.db", create=True)
        hub = HubStore(tmp_path / "hub.db")
        node.db.execute("CREATE TABLE t (x)")  # a write: the -wal file appears
        hub.db.execute("CREATE TABLE t (x)")
        for name in ("node.db", "node.db-wal", "hub.db", "hub.db-wal"):
            assert mode(tmp_path / name) == 0o600, name
        node.close()
        hub.close()
    finally:
        os.umask(before)


def test_an_existing_databases_mode_is_left_as_the_operator_set_it(tmp_path):
    database = tmp_path / "node.db"
    NodeStore(database, create=True).close()
    database.chmod(0o640)  # a backup tool's group, say
    NodeStore(database).close()
    assert mode(database) == 0o640


def test_an_audit_export_and_a_watch_cursor_are_their_owners_alone(tmp_path):
    """The export names every sighting by UUID and municipality; the cursor is a region's
    place in its alert feed. Neither follows a umask that would let others read it."""
    from zichtlijn.audit_file import write_export
    from zichtlijn.riec_config import CursorFile
    from zichtlijn.v1 import audit_pb2

    before = os.umask(0o022)
    try:
        export = tmp_path / "audit.db"
        write_export([audit_pb2.ExportChunk(meta=audit_pb2.ExportMeta(format=1))], export)
        cursor = CursorFile(tmp_path / "watch.cursor")
        cursor.write(7)
        assert (mode(export), mode(tmp_path / "watch.cursor")) == (0o600, 0o600)
        assert cursor.read() == 7
    finally:
        os.umask(before)


def test_a_home_made_by_init_is_its_owners_alone(tmp_path, pki):
    """A home holds keys, packages, databases and the map of case references to sighting
    UUIDs: `hub init` and `riec init` (and `node init`, through the same function) make
    it 0700 under the usual umask; one that exists keeps the operator's mode."""
    from zichtlijn import cli

    before = os.umask(0o022)
    try:
        hub, riec, kept = tmp_path / "hub", tmp_path / "riec", tmp_path / "kept"
        kept.mkdir(mode=0o750)
        assert cli.main(["hub", "init", "--home", str(hub), "--ca", str(pki.root / "ca.pem"),
                         "--cert", str(pki.root / "hub-hub.pem"),
                         "--key", str(pki.root / "hub-hub.key")]) == 0
        for home in (riec, kept):
            assert cli.main(["riec", "init", "--home", str(home), "--hub", "127.0.0.1:1",
                             "--ca", str(pki.root / "ca.pem"),
                             "--cert", str(pki.root / "riec-amsterdam-amstelland.pem"),
                             "--key", str(pki.root / "riec-amsterdam-amstelland.key")]) == 0
        assert (mode(hub), mode(riec), mode(kept)) == (0o700, 0o700, 0o750)
    finally:
        os.umask(before)


def test_a_private_file_is_never_readable_by_others_while_written(tmp_path, monkeypatch):
    """The mode is narrowed before the first byte: write-then-chmod left a development
    CA's private keys readable by others for a moment under the usual umask."""
    from zichtlijn import private_file

    modes_while_writing = []
    real_write = os.write

    def spying_write(fd, data):
        modes_while_writing.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return real_write(fd, data)

    monkeypatch.setattr(private_file.os, "write", spying_write)
    existing = tmp_path / "node-GM0363.key"
    existing.write_bytes(b"an older key, once readable by all")
    existing.chmod(0o644)
    before = os.umask(0o000)  # the widest: only the code's own mode keeps others out
    try:
        private_file.write_private(existing, b"-----BEGIN PRIVATE KEY-----")
        private_file.write_private(tmp_path / "custodian-1.txt", b"passphrase")
    finally:
        os.umask(before)
    assert modes_while_writing and set(modes_while_writing) == {0o600}
    assert existing.read_bytes() == b"-----BEGIN PRIVATE KEY-----"
    assert mode(existing) == mode(tmp_path / "custodian-1.txt") == 0o600


def test_the_development_pki_writes_its_private_keys_for_their_owner_alone(tmp_path):
    from zichtlijn.pki import write_dev_pki

    before = os.umask(0o000)
    try:
        write_dev_pki(tmp_path, ["GM0363"], ["amsterdam"], ["ap"])
    finally:
        os.umask(before)
    keys = sorted(tmp_path.glob("*.key"))
    assert [key.name for key in keys] == ["auditor-ap.key", "hub-hub.key", "node-GM0363.key",
                                          "operator-operator.key", "riec-amsterdam.key"]
    assert {mode(key) for key in keys} == {0o600}
