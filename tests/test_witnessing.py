"""Witnesses: cosignatures, settled tree heads, forks and rewritten histories are caught."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import grpc
import pytest

from hub import audit_log
from hub.config import HubConfig
from hub.log_key import LogKeyError, create_log_key
from hub.server import start_hub
from hub.store import HubStore
from hub.tree_heads import ensure_log_key
from linkage.checkpoint import Checkpoint, SignedNote
from node.log_client import witness_key
from tests.audit_support import Site, running_site, verify
from zichtlijn import cli
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc
from zichtlijn.witness import LogError, WitnessKey, fetch_settled_head


@pytest.fixture()
def site(tmp_path, pki, secret_file):
    with running_site(tmp_path / "a", pki, secret_file) as running:
        yield running


def _stub(site: Site, stem: str, port: int | None = None):
    channel = secure_channel(f"127.0.0.1:{port or site.hub.port}", site.pki.tls(stem))
    return channel, audit_pb2_grpc.AuditServiceStub(channel)


# -- the hub's log key --------------------------------------------------------------------


def test_hub_init_writes_a_private_log_key_and_keeps_it(tmp_path, pki, capsys):
    home = tmp_path / "hub"
    args = ["hub", "init", "--home", str(home), "--ca", str(pki.root / "ca.pem"),
            "--cert", str(pki.root / "hub-hub.pem"), "--key", str(pki.root / "hub-hub.key")]
    assert cli.main(args) == 0
    assert stat.S_IMODE((home / "log.key").stat().st_mode) == 0o600
    vkey = (home / "log.vkey").read_text()
    assert vkey.startswith("zichtlijn/audit-log+")
    assert f"give {home / 'log.vkey'} to nodes" in capsys.readouterr().out
    assert cli.main([*args, "--force"]) == 0
    assert (home / "log.vkey").read_text() == vkey  # --force never replaces the log key


def test_a_log_that_signed_heads_refuses_to_start_without_its_key(site):
    site.witness(site.node("GM0363").gemeente)
    site.stop()
    (site.hub_home / "log.key").unlink()
    store = HubStore(site.hub_home / "hub.db")
    try:
        with pytest.raises(LogKeyError, match="restore the key from backup"):
            ensure_log_key(site.hub_home, store.db.conn)
    finally:
        store.close()


# -- cosignatures ---------------------------------------------------------------------------


def test_cosignatures_are_served_with_the_tree_head(site):
    site.load("GM0363", 1, "a")
    site.sync("GM0363")
    site.node("GM0599")
    site.witness("GM0363")
    note = SignedNote.from_text(site.witness("GM0599"))
    channel, stub = _stub(site, "riec-rotterdam")
    with channel:
        served = SignedNote.from_text(stub.GetTreeHead(audit_pb2.TreeHeadRequest(),
                                                       timeout=10).note)
    assert served.text == note.text
    assert [s.name for s in served.signatures] == ["zichtlijn/audit-log", "node/GM0363",
                                                   "node/GM0599"]


def _cosign_request(site: Site, key: WitnessKey, size: int | None = None, line: str | None = None):
    head = SignedNote.from_text(site.hub.heads.with_cosignatures(site.hub.heads.current()))
    checkpoint = head.checkpoint()
    return audit_pb2.CosignatureRequest(
        tree_size=checkpoint.size if size is None else size, witness_key=key.vkey,
        signature=line or key.cosignature_line(checkpoint))


@pytest.mark.parametrize(("case", "says"), [
    ("name", "witness key name 'node/GM0599' is not 'node/GM0363'"),
    ("signature", "invalid cosignature from 'node/GM0363'"),
    ("size", "no tree head of size 99 was signed by this log"),
])
def test_bad_cosignatures_are_refused(site, tmp_path, case, says):
    own = witness_key(site.node("GM0363"))
    other = WitnessKey.load_or_create(tmp_path / "w.key", "node/GM0599")
    if case == "name":
        request = _cosign_request(site, other)
    elif case == "signature":  # the right key, but over another tree
        head = site.hub.heads.current()
        other_tree = Checkpoint("zichtlijn/audit-log", head.size, b"\x07" * 32)
        request = _cosign_request(site, own, line=own.cosignature_line(other_tree))
    else:
        request = _cosign_request(site, own, size=99)
    channel, stub = _stub(site, "node-GM0363")
    with channel, pytest.raises(grpc.RpcError) as err:
        stub.AddCosignature(request, timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert says in err.value.details()


def test_riec_may_read_tree_heads_but_not_cosign(site):
    channel, stub = _stub(site, "riec-rotterdam")
    key = witness_key(site.node("GM0363"))
    with channel, pytest.raises(grpc.RpcError) as err:
        stub.AddCosignature(_cosign_request(site, key), timeout=10)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_settled_head_needs_a_quorum_of_configured_witnesses(site, tmp_path):
    site.load("GM0363", 2, "a")
    site.sync("GM0363")
    site.witness("GM0363")
    site.witness("GM0599")
    settled_size = site.hub.heads.current().size
    site.load("GM0363", 1, "b")
    site.sync("GM0363")  # a newer head, cosigned by GM0363 alone
    log_key = site.trust().log_key
    witnesses = list(site.trust().witnesses)
    channel, _ = _stub(site, "riec-rotterdam")
    with channel:
        head, _ = fetch_settled_head(channel, log_key, witnesses, 2, 10)
        assert head.size == settled_size < site.hub.heads.current().size
        # the newest head carries a cosignature, but of a witness this client does not
        # count: the hub passes it over for the newest head its configured ones cosigned
        gm0599 = next(w for w in witnesses if w.name == "node/GM0599")
        head, _ = fetch_settled_head(channel, log_key, [gm0599], 1, 10)
        assert head.size == settled_size
        # two cosignatures at the hub, but only one of them from a key this client names
        stranger = WitnessKey.load_or_create(tmp_path / "s.key", "node/GM0014").verifier
        for configured, quorum in (([witnesses[0], stranger], 2), ([*witnesses, stranger], 3)):
            with pytest.raises(grpc.RpcError) as err:
                fetch_settled_head(channel, log_key, configured, quorum, 10)
            assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_hub_that_ignores_the_named_witnesses_is_still_checked(site, monkeypatch):
    """The client checks the quorum itself: a hub (an older release, or a dishonest one)
    that hands out a head its configured witnesses did not cosign is refused."""
    site.load("GM0363", 2, "a")
    site.sync("GM0363")
    site.witness("GM0363")
    site.witness("GM0599")
    site.load("GM0363", 1, "b")
    site.sync("GM0363")
    site.witness("GM0363")
    real = site.hub.heads.settled
    monkeypatch.setattr(site.hub.heads, "settled",
                        lambda count, keys=(): real(count))  # counts every witness
    witnesses = list(site.trust().witnesses)
    gm0599 = next(w for w in witnesses if w.name == "node/GM0599")
    channel, _ = _stub(site, "riec-rotterdam")
    with channel, pytest.raises(LogError, match="checkpoint has 0 of 1 witness cosignatures"):
        fetch_settled_head(channel, site.trust().log_key, [gm0599], 1, 10)


def test_tree_head_command_prints_the_settled_head(site, capsys):
    site.load("GM0363", 1, "a")
    site.sync("GM0363")
    site.witness("GM0363")
    note = site.witness("GM0599")
    site.witness("GM0363")  # both cosign the same head now
    keys = [a for v in site.trust().witnesses for a in ("--witness-key", v.to_vkey())]
    code = cli.main(["audit", "tree-head", "--hub", f"127.0.0.1:{site.hub.port}",
                     "--ca", str(site.pki.root / "ca.pem"),
                     "--cert", str(site.pki.root / "riec-rotterdam.pem"),
                     "--key", str(site.pki.root / "riec-rotterdam.key"),
                     "--log-key", str(site.hub_home / "log.vkey"), *keys, "--quorum", "2"])
    out = capsys.readouterr()
    assert code == 0
    assert out.out.startswith(SignedNote.from_text(note).text)
    assert "cosigned by 2 of 2 configured witnesses" in out.err


def test_node_witness_command_cosigns_and_prints_the_head(site, capsys):
    home = str(site.node("GM0363").home)
    assert cli.main(["node", "witness", "--home", home]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("zichtlijn/audit-log\n0\n")
    assert "\u2014 node/GM0363 " in out.out and "cosigned (1 witness)" in out.err
    assert cli.main(["node", "witness-key", "--home", home]) == 0
    assert capsys.readouterr().out.startswith("node/GM0363+")


def test_auditor_cosigns_a_verified_export_and_refuses_a_rewritten_one(site, tmp_path, capsys):
    site.load("GM0363", 2, "a")
    site.sync("GM0363")
    export = site.export(tmp_path / "one.db")
    auditor = ["--hub", f"127.0.0.1:{site.hub.port}", "--ca", str(site.pki.root / "ca.pem"),
               "--cert", str(site.pki.root / "auditor-ap.pem"),
               "--key", str(site.pki.root / "auditor-ap.key"),
               "--log-key", str(site.hub_home / "log.vkey"), "--state", str(tmp_path / "ap")]
    assert cli.main(["audit", "cosign", str(export), *auditor]) == 0
    # GM0363 cosigned the head of its last receipt; the export's head is the auditor's alone
    assert "cosigned tree head of size 2 as auditor/ap (1 witness)" in capsys.readouterr().out
    # the same log, grown: consistent with what the auditor cosigned
    site.load("GM0363", 1, "b")
    site.sync("GM0363")
    assert cli.main(["audit", "cosign", str(site.export(tmp_path / "two.db")), *auditor]) == 0
    capsys.readouterr()
    # an export of another history (here: a fresh log with the same key) is not cosigned
    fresh = Site(tmp_path / "b", site.pki, site.secret_file)
    fresh.hub_home.mkdir(parents=True)
    for name in ("log.key", "log.vkey"):
        shutil.copy(site.hub_home / name, fresh.hub_home / name)
    fresh.start()
    try:
        fresh.load("GM0599", 4, "x")
        fresh.sync("GM0599")
        other = fresh.export(tmp_path / "three.db")
        assert cli.main(["audit", "cosign", str(other), *auditor]) == 1
    finally:
        fresh.stop()
    assert "history was rewritten or forked" in capsys.readouterr().err


def test_after_a_hub_restore_an_auditor_sets_its_last_head_aside_and_cosigns_again(
        site, tmp_path, capsys):
    auditor = ["--hub", "", "--ca", str(site.pki.root / "ca.pem"),
               "--cert", str(site.pki.root / "auditor-ap.pem"),
               "--key", str(site.pki.root / "auditor-ap.key"),
               "--log-key", str(site.hub_home / "log.vkey"), "--state", str(tmp_path / "ap")]

    def cosign(export: Path) -> int:
        auditor[1] = f"127.0.0.1:{site.hub.port}"
        return cli.main(["audit", "cosign", str(export), *auditor])

    site.load("GM0363", 2, "a")
    site.sync("GM0363")
    backup = tmp_path / "hub-backup.db"
    assert cli.main(["hub", "backup", "--home", str(site.hub_home), "--out", str(backup)]) == 0
    site.load("GM0363", 2, "b")
    site.sync("GM0363")
    assert cosign(site.export(tmp_path / "before.db")) == 0
    witness = (tmp_path / "ap" / "witness.key").read_bytes()
    site.stop()
    assert cli.main(["hub", "restore", "--home", str(site.hub_home), "--from", str(backup)]) == 0
    site.start()
    restored = site.export(tmp_path / "restored.db")
    capsys.readouterr()
    assert cosign(restored) == 1
    err = capsys.readouterr().err
    assert "history was rewritten or forked; the export holds a `restore` entry" in err
    assert f"move {tmp_path / 'ap' / 'last.head'} out of {tmp_path / 'ap'}" in err
    # the head it cosigned is kept apart as evidence; the auditor stays the same witness
    (tmp_path / "ap" / "last.head").rename(tmp_path / "before-restore.head")
    assert cli.main(["audit", "verify", str(restored), "--log-key",
                     str(site.hub_home / "log.vkey"), "--ca", str(site.pki.root / "ca.pem"),
                     "--checkpoint", str(tmp_path / "before-restore.head")]) == 1
    assert "the log holds a `restore` entry; a head cosigned before the hub was restored" in (
        capsys.readouterr().out)
    assert cosign(restored) == 0
    assert (tmp_path / "ap" / "witness.key").read_bytes() == witness


# -- forks and rewritten histories -------------------------------------------------------------


def _clone_hub(site: Site, home: Path) -> None:
    """What an insider can do: copy the database and the log key, serve a second history."""
    home.mkdir(parents=True)
    for name in ("log.key", "log.vkey"):
        shutil.copy(site.hub_home / name, home / name)
    with site.hub.store.lock:
        _snapshot(site.hub.store.db.conn, home / "hub.db")


def _snapshot(source: sqlite3.Connection, dest: Path) -> None:
    """A consistent copy of a database in WAL mode (copying the file alone misses the WAL)."""
    copy = sqlite3.connect(dest)
    try:
        source.backup(copy)
    finally:
        copy.close()


def test_fork_two_nodes_shown_different_histories_is_caught(site, tmp_path):
    site.load("GM0363", 2, "a")
    site.sync("GM0363")
    site.load("GM0599", 2, "a")
    site.sync("GM0599")
    site.witness("GM0363")
    site.witness("GM0599")
    common = site.hub.heads.current().size
    _clone_hub(site, tmp_path / "fork" / "hub")
    fork = start_hub(HubConfig(tmp_path / "fork" / "hub", "127.0.0.1:0", site.pki.tls("hub-hub"),
                               workers=4))
    real = site.nodes["GM0599"]
    try:
        site.nodes["GM0599"] = replace(real, hub=f"127.0.0.1:{fork.port}")
        site.load("GM0363", 1, "b")
        site.sync("GM0363")                  # history A, on the real hub
        site.load("GM0599", 1, "b")
        site.sync("GM0599")                  # history B, on the fork
        site.witness("GM0363")
        seen_by_gm0599 = site.witness("GM0599")
    finally:
        fork.stop(grace=0)
        site.nodes["GM0599"] = real

    # GM0599, shown history A afterwards, refuses it
    with pytest.raises(LogError, match="history was rewritten or forked"):
        site.witness("GM0599")
    export = site.export(tmp_path / "export.db")
    # A alone verifies, but with a quorum of two only the common prefix is settled
    alone = verify(export, site, quorum=2)
    assert alone.ok and alone.settled_size == common < alone.entries
    # with the tree head GM0599 holds, the auditor sees the fork
    report = verify(export, site, quorum=2, checkpoints=(("GM0599", seen_by_gm0599),))
    assert not report.ok
    assert report.first().message.startswith(
        "checkpoint from GM0599 of size ") and "(fork)" in report.first().message


def test_truncated_and_regrown_log_is_caught(site, tmp_path):
    site.load("GM0363", 3, "a")
    site.sync("GM0363", batch_size=1)        # entries 0-2 uploads, 3 link run
    held = site.witness("GM0363")            # GM0363 cosigned the head of size 4
    port = site.hub.port
    site.stop()
    # the insider truncates the log to two entries and grows it again, hiding an upload
    conn = sqlite3.connect(site.hub_home / "hub.db")
    with conn:
        (batch,) = conn.execute("SELECT entry FROM audit_entries WHERE idx = 2").fetchone()
        digest = bytes.fromhex(audit_log_json(batch)["batch"])
        conn.execute("DELETE FROM sightings WHERE batch_digest = ?", [digest])
        conn.execute("DELETE FROM upload_batches WHERE batch_digest = ?", [digest])
        conn.execute("DELETE FROM batches WHERE digest = ?", [digest])
        conn.execute("DELETE FROM audit_entries WHERE idx >= 2")
        conn.execute("DELETE FROM audit_nodes WHERE (idx + 1) << level > 2")
        audit_log.append_entries(conn, [
            audit_log.encode_entry("2026-01-01T00:00:00+00:00", "hub:hub", "link_run",
                                   {"new_sightings": 2, "new_links": 1})
        ] + [audit_log.encode_entry("2026-01-01T00:00:00+00:00", "operator-cli:root",
                                    "lookups_enabled", {"scope": "all"}) for _ in range(3)])
    careless = tmp_path / "careless.db"
    _snapshot(conn, careless)
    with conn:  # the careful insider also covers its tracks
        conn.execute("DELETE FROM cosignatures WHERE size > 2")
        conn.execute("DELETE FROM tree_heads WHERE size > 2")
    conn.close()
    site.start(port)
    export = site.export(tmp_path / "export.db")

    # the careless insider kept the heads it had signed: the export alone shows it
    from hub.audit_export import export_chunks
    from zichtlijn.audit_file import write_export

    careless_export = tmp_path / "careless-export.db"
    write_export(export_chunks(careless, site.trust().log_key, "operator:test"), careless_export)
    assert verify(careless_export, site).first().message.startswith("entry #2 was changed")

    # the careful one re-signed everything: only the witness's tree head shows it
    assert verify(export, site).ok
    report = verify(export, site, checkpoints=(("GM0363", held),))
    assert report.first().message.startswith("checkpoint from GM0363 of size 4 does not match")
    with pytest.raises(LogError, match="not consistent with the tree head of size 4"):
        site.witness("GM0363")


def audit_log_json(raw: bytes) -> dict:
    import json

    return json.loads(raw)


def test_cosigning_needs_a_writable_key_file_not_a_new_one_each_time(tmp_path):
    key = WitnessKey.load_or_create(tmp_path / "k", "auditor/ap")
    again = WitnessKey.load_or_create(tmp_path / "k", "auditor/ap")
    assert key.vkey == again.vkey
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    create_log_key(tmp_path / "hub")
    with pytest.raises(LogKeyError, match="keeps its signing key for life"):
        create_log_key(tmp_path / "hub")


def test_relink_is_logged_and_the_linked_count_still_reconciles(site, tmp_path):
    site.load("GM0363", 3, "a")
    site.sync("GM0363")
    site.hub.linker.relink_all()
    export = site.export(tmp_path / "export.db")
    report = verify(export, site)
    assert report.ok, report.problems
    assert report.actions["relink"] == 1 and report.link_runs == 2 and report.linked == 3


def test_a_checkpoint_newer_than_the_export_asks_for_a_new_export_not_a_fork(site, tmp_path):
    """A municipality's checkpoint of tonight against an export of this morning: it holds
    more entries because the log grew, not because the export hides any."""
    site.load("GM0363", 2, "a")
    site.sync("GM0363")
    site.witness("GM0363")
    export = site.export(tmp_path / "export.db")
    site.load("GM0363", 2, "b")
    site.sync("GM0363")
    later = site.witness("GM0363")
    report = verify(export, site, checkpoints=(("GM0363", later),))
    [message] = [p.message for p in report.problems]
    assert message.startswith("checkpoint from GM0363 of size ")
    assert message.endswith("entries): export again and verify that export with it")
    assert "after this export was made" in message
    assert "fork" not in message and "restore" not in message
    assert verify(site.export(tmp_path / "export-again.db"), site,
                  checkpoints=(("GM0363", later),)).ok
