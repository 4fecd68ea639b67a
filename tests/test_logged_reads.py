"""Reads of linkage data by the operator or an auditor leave an audit log entry
(README "Audit log (for auditors)"): `hub clusters`, `hub backup` and `audit export`,
each while the hub serves on the same home, with counts and digests only."""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from hub.audit_log import ENTRY_VERSION
from hub.server import RunningHub
from tests.lookup_support import run, running_hub, three_towns
from zichtlijn.audit_file import write_export
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc

OPERATOR = f"operator-cli:{getpass.getuser()}"


@pytest.fixture()
def hub(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki) as hub:
        three_towns(tmp_path, pki, secret_file, hub)
        yield hub


def log(database: Path) -> list[bytes]:
    with sqlite3.connect(database) as conn:
        return [bytes(e) for (e,) in conn.execute("SELECT entry FROM audit_entries ORDER BY idx")]


def new_entries(hub: RunningHub, before: int) -> list[dict]:
    return [json.loads(e) for e in log(hub.store.path)[before:]]


def personal(hub: RunningHub) -> set[str]:
    """Every sighting UUID and person id the hub holds: no entry may name one."""
    return {value for row in hub.store.clusters() for value in (row[0], row[2])}


def assert_names_nobody(hub: RunningHub, entry: dict) -> None:
    raw = json.dumps(entry)
    assert not [value for value in personal(hub) if value in raw]


def test_hub_clusters_logs_what_it_shows_in_counts(hub, capsys):
    home = hub.store.path.parent
    before = len(log(hub.store.path))
    capsys.readouterr()
    assert run("hub", "clusters", "--home", home, "--format", "csv") == 0
    shown = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert run("hub", "clusters", "--home", home, "--min-sightings", "2") == 0
    assert "(1 shown with >= 2 sightings)" in capsys.readouterr().out  # Elena, 4 times
    as_csv, as_table = new_entries(hub, before)
    assert {k: v for k, v in as_csv.items() if k != "at"} == {
        "v": ENTRY_VERSION, "actor": OPERATOR, "action": "clusters_read", "format": "csv",
        "persons": len({r["person_id"] for r in shown}), "sightings": len(shown)}
    assert (as_csv["persons"], as_csv["sightings"]) == (4, 7)
    assert {k: v for k, v in as_table.items() if k != "at"} == {
        "v": ENTRY_VERSION, "actor": OPERATOR, "action": "clusters_read", "format": "table",
        "persons": 1, "sightings": 4, "min_sightings": 2}
    for entry in (as_csv, as_table):
        assert_names_nobody(hub, entry)


def test_hub_backup_is_logged_after_the_copy_with_its_digest(hub, tmp_path, capsys):
    home = hub.store.path.parent
    copy = tmp_path / "hub-2026-12-06.db"
    assert run("hub", "backup", "--home", home, "--out", copy) == 0
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    assert f"SHA-256 {digest[:16]}), the backup logged" in capsys.readouterr().out
    # the copy holds the log up to the backup; the live log goes on with its entry
    held = log(copy)
    *before, made = log(hub.store.path)
    assert before == held
    entry = json.loads(made)
    with sqlite3.connect(copy) as conn:
        sightings = conn.execute("SELECT count(*) FROM sightings").fetchone()[0]
    assert {k: v for k, v in entry.items() if k != "at"} == {
        "v": ENTRY_VERSION, "actor": OPERATOR, "action": "backup_made", "log_size": len(held),
        "sightings": sightings, "backup": copy.name, "sha256": digest}
    assert str(tmp_path) not in made.decode()  # the file's name, never where it is
    assert_names_nobody(hub, entry)


def test_a_backup_that_cannot_be_logged_is_not_left_behind(hub, tmp_path, capsys,
                                                            monkeypatch):
    def locked(*_: object) -> str:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("hub.cli.log_backup_made", locked)
    before = log(hub.store.path)
    copy = tmp_path / "copy.db"
    assert run("hub", "backup", "--home", hub.store.path.parent, "--out", copy) == 1
    assert capsys.readouterr().err == (
        "zichtlijn: the backup could not be logged in the hub's audit log (database is "
        f"locked), so {copy} was removed; run it again\n")
    assert list(tmp_path.glob("copy.db*")) == []
    assert log(hub.store.path) == before


def test_audit_export_is_logged_for_the_auditor_and_the_operator(hub, tmp_path, pki, capsys):
    by_auditor = tmp_path / "auditor.db"
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("auditor-ap")) as channel:
        stub = audit_pb2_grpc.AuditServiceStub(channel)
        exported = write_export(stub.Export(audit_pb2.ExportRequest(), timeout=30), by_auditor)
    *_, auditor_entry = log(hub.store.path)
    entry = json.loads(auditor_entry)
    assert {k: v for k, v in entry.items() if k != "at"} == {
        "v": ENTRY_VERSION, "actor": "auditor:ap", "action": "log_exported",
        "entries": exported.entries}
    assert exported.entries == len(log(hub.store.path)) - 1  # not in its own export
    assert_names_nobody(hub, entry)

    by_operator = tmp_path / "operator.db"
    home = hub.store.path.parent
    assert run("audit", "export", "--home", home, "--out", by_operator) == 0
    assert f"exported by {OPERATOR}" in capsys.readouterr().out
    # the operator's export holds the auditor's entry, and is logged in its turn
    with sqlite3.connect(by_operator) as conn:
        entries = [bytes(e) for (e,) in conn.execute("SELECT entry FROM entries ORDER BY idx")]
    assert entries[-1] == auditor_entry
    entry = json.loads(log(hub.store.path)[-1])
    assert {k: v for k, v in entry.items() if k != "at"} == {
        "v": ENTRY_VERSION, "actor": OPERATOR, "action": "log_exported", "entries": len(entries)}
    for export in (by_auditor, by_operator):
        assert run("audit", "verify", export, "--log-key", home / "log.vkey",
                   "--ca", pki.root / "ca.pem") == 0
    assert "1 log_exported" in capsys.readouterr().out


def test_an_export_holds_a_head_covering_every_entry_when_another_process_appends(
        hub, tmp_path, pki, capsys):
    """An entry another process appends between the export's signing of a head and its
    snapshot (a serving hub's upload, an operator command) was in the export under no
    head, and the export did not verify; the export now takes its snapshot again."""
    from hub import audit_log
    from hub.audit_export import export_chunks
    from hub.store import HubStore, utc_now

    home = hub.store.path.parent
    other_process = HubStore(hub.store.path)
    signed = []

    def sign_then_someone_appends() -> None:
        hub.heads.current()
        signed.append(True)
        if len(signed) == 1:
            with other_process.transaction() as conn:
                audit_log.append(conn, utc_now(), "operator-cli:other", "lookups_disabled",
                                 scope="all")

    export = tmp_path / "raced.db"
    try:
        write_export(export_chunks(hub.store.path, hub.heads.key.verifier, "operator:test",
                                   sign_then_someone_appends, hub.store.lock), export)
    finally:
        other_process.close()
    assert len(signed) == 2  # the first snapshot held an entry under no head
    capsys.readouterr()
    assert run("audit", "verify", export, "--log-key", home / "log.vkey",
               "--ca", pki.root / "ca.pem") == 0, capsys.readouterr().out
