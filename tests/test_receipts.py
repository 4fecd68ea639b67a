"""A node verifies and keeps a receipt for every batch, and refuses one that does not verify."""

from __future__ import annotations

import re
import sqlite3

import pytest

from hub.tree_heads import Receipt, TreeHeads
from linkage import merkle
from linkage.checkpoint import SignedNote
from node.store import NodeStore
from tests.audit_support import Site, running_site
from zichtlijn import cli
from zichtlijn.witness import LogError


@pytest.fixture()
def site(tmp_path, pki, secret_file):
    with running_site(tmp_path, pki, secret_file) as running:
        yield running


def _unsynced(site: Site, gemeente: str) -> int:
    store = NodeStore(site.node(gemeente).db_path)
    try:
        return store.count_unsynced()
    finally:
        store.close()


def _hub_sightings(site: Site) -> int:
    return site.hub.store.count_sightings()


def test_every_batch_gets_a_receipt_the_node_keeps(site):
    site.load("GM0363", 5, "a")
    report = site.sync("GM0363", batch_size=2)
    assert report.batches == 3 and report.tree_size >= 3 and report.witnesses == 1
    with sqlite3.connect(site.node("GM0363").db_path) as conn:
        receipts = conn.execute("SELECT leaf_index, entry, tree_size, inclusion_proof "
                                "FROM log_receipts ORDER BY leaf_index").fetchall()
        heads = dict(conn.execute("SELECT size, note FROM log_tree_heads"))
    assert [r[0] for r in receipts] == [0, 1, 2]
    for index, entry, size, proof in receipts:
        head = SignedNote.from_text(heads[size]).checkpoint()
        path = [proof[i:i + 32] for i in range(0, len(proof), 32)]
        assert merkle.verify_inclusion(merkle.leaf_hash(entry), index, size, path, head.root)


def _tamper_receipts(monkeypatch, change) -> None:
    """The hub lies in its receipts: ``change(honest_receipt, honest_receipt_function)``."""
    original = TreeHeads.receipt

    def lying(self, leaf_index: int, known_size: int) -> Receipt:
        return change(original(self, leaf_index, known_size),
                      lambda index, known: original(self, index, known))

    monkeypatch.setattr(TreeHeads, "receipt", lying)


def _flip(proof: list[bytes]) -> list[bytes]:
    return [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]] if proof else [b"\x00" * 32]


def test_receipt_with_a_bad_inclusion_proof_is_refused(site, monkeypatch, capsys):
    site.load("GM0363", 4, "a")
    _tamper_receipts(monkeypatch, lambda r, _: Receipt(r.leaf_index, r.entry, r.head,
                                                       _flip(r.inclusion), r.consistency_from,
                                                       r.consistency))
    code = cli.main(["node", "sync", "--home", str(site.node("GM0363").home)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("zichtlijn: receipt for batch ")
    # the node's epoch report may precede the upload in the log, so the entry number varies
    assert re.search(r"refused, batch not marked synced: inclusion proof for entry \d+ "
                     r"does not verify", err)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _unsynced(site, "GM0363") == 4


def test_receipt_for_another_entry_is_refused(site, monkeypatch):
    site.load("GM0363", 2, "a")
    site.sync("GM0363")  # entries 0 (upload), 1 (link run)
    site.load("GM0363", 2, "b")

    def other_entry(r: Receipt, honest) -> Receipt:
        # a consistent receipt, but for entry 0: the hub shows an old upload as the new one
        return honest(0, r.consistency_from)

    _tamper_receipts(monkeypatch, other_entry)
    with pytest.raises(LogError, match=r"log entry 0 records batch='[0-9a-f]+', expected"):
        site.sync("GM0363")
    assert _unsynced(site, "GM0363") == 2


def test_receipt_that_does_not_extend_the_last_head_is_refused(site, monkeypatch):
    site.load("GM0363", 2, "a")
    site.sync("GM0363")
    site.load("GM0363", 2, "b")
    _tamper_receipts(monkeypatch, lambda r, _: Receipt(r.leaf_index, r.entry, r.head,
                                                       r.inclusion, r.consistency_from,
                                                       _flip(r.consistency)))
    with pytest.raises(LogError, match="is not consistent with the tree head of size 2"):
        site.sync("GM0363")
    assert _unsynced(site, "GM0363") == 2


def test_tree_head_signed_by_another_key_stops_the_sync_before_upload(site, tmp_path, capsys):
    from hub.log_key import create_log_key

    config = site.node("GM0363")
    other = create_log_key(tmp_path / "impostor")  # same origin name, another key
    toml = config.home / "node.toml"
    toml.write_text(toml.read_text().replace(str(config.log_key), str(tmp_path / "impostor" /
                                                                       "log.vkey")))
    site.load("GM0363", 2, "a")
    code = cli.main(["node", "sync", "--home", str(config.home)])
    err = capsys.readouterr().err
    assert code == 1 and other.origin == "zichtlijn/audit-log"
    assert err.startswith("zichtlijn: tree head refused: ")
    assert "expected log key 'zichtlijn/audit-log'" in err and err.count("\n") == 1
    assert _hub_sightings(site) == 0 and _unsynced(site, "GM0363") == 2


def test_node_without_a_log_key_refuses_to_sync(site, capsys):
    config = site.node("GM0363")
    toml = config.home / "node.toml"
    toml.write_text(toml.read_text().split("\n[audit]")[0])
    site.load("GM0363", 1, "a")
    assert cli.main(["node", "sync", "--home", str(config.home)]) == 1
    assert "no hub log key configured" in capsys.readouterr().err
    assert _hub_sightings(site) == 0


def test_hub_refuses_a_batch_the_node_did_not_sign(site):
    import grpc

    from node.sync import build_batch
    from zichtlijn.transport import secure_channel
    from zichtlijn.v1 import sync_pb2_grpc

    site.load("GM0363", 1, "a")
    config = site.node("GM0363")
    store = NodeStore(config.db_path)
    try:
        batch = build_batch(list(store.unsynced()))  # no signature
    finally:
        store.close()
    with secure_channel(config.hub, config.tls) as channel:
        stub = sync_pb2_grpc.SyncServiceStub(channel)
        with pytest.raises(grpc.RpcError) as err:
            list(stub.Upload(iter([batch]), timeout=10))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == ("batch 0: node_signature does not verify with the client "
                                   "certificate of node:GM0363")
    assert _hub_sightings(site) == 0
