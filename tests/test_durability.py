"""What the hub receipts and what a node imports is on the disk when the call returns:
SQLite writes each commit through (`synchronous=FULL`), since a receipted batch the hub
lost in a power cut is one the node never sends again."""

from __future__ import annotations

from hub.store import HubStore
from node.store import NodeStore

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_the_hub_writes_each_commit_through_to_the_disk(tmp_path):
    store = HubStore(tmp_path / "hub.db")
    try:
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == FULL
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()


def test_a_node_writes_each_commit_through_to_the_disk(tmp_path):
    NodeStore(tmp_path / "node.db", create=True).close()
    store = NodeStore(tmp_path / "node.db")  # as every command but `node init` opens it
    try:
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == FULL
    finally:
        store.close()
