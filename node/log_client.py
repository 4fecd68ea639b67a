"""The node's view of the hub's audit log: receipts, verified tree heads, its witness key.

At every sync the node (1) fetches the hub's latest tree head with a
consistency proof from the last head it verified, (2) signs each batch with
its certificate key and checks each receipt (the logged entry is its own
upload, the entry is in a log-signed tree head, that head extends the
previous one), and (3) cosigns the newest head it verified. Receipts and
heads are kept in node.db as evidence; a batch is marked synced only after
its receipt verified.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import sqlite_utils
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from linkage import merkle
from linkage.checkpoint import Checkpoint, CheckpointError, NoteSignature, SignedNote, Verifier
from node.config import NodeConfig, load_config
from zichtlijn import certsign
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc, sync_pb2
from zichtlijn.witness import (
    LogError,
    LogKeyring,
    WitnessKey,
    check_extends,
    open_tree_head,
    read_vkey,
    submit_cosignature,
)

WITNESS_KEY_NAME = "witness.key"

SCHEMA = """
CREATE TABLE IF NOT EXISTS log_tree_heads (
    size INTEGER PRIMARY KEY,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    verified_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS log_receipts (
    batch_digest BLOB PRIMARY KEY,
    leaf_index INTEGER NOT NULL,
    entry BLOB NOT NULL,
    tree_size INTEGER NOT NULL REFERENCES log_tree_heads(size),
    inclusion_proof BLOB NOT NULL,
    received_at TEXT NOT NULL
);
-- what this node verified of a history the hub no longer shows, set aside when its
-- operator said the hub was restored from a backup (`node sync --hub-restored`): signed by
-- the log key, it is the evidence of what the restore lost
CREATE TABLE IF NOT EXISTS log_heads_abandoned (
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    abandoned_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS log_receipts_abandoned (
    batch_digest BLOB NOT NULL,
    leaf_index INTEGER NOT NULL,
    entry BLOB NOT NULL,
    tree_size INTEGER NOT NULL,
    inclusion_proof BLOB NOT NULL,
    received_at TEXT NOT NULL,
    abandoned_at TEXT NOT NULL
);
"""

RESTORED_HINT = ("; if the hub's operator says it was restored from a backup, run `zichtlijn "
                 "node sync --hub-restored` (README \"Restoring from a backup\")")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def log_keyring(config: NodeConfig) -> LogKeyring | None:
    """The hub's log key this node trusts, with the replaced ones it trusted before."""
    if not config.log_key:
        return None
    try:
        retired = tuple((Verifier.from_vkey(vkey), up_to)
                        for vkey, up_to in config.retired_log_keys)
    except CheckpointError as exc:
        raise LogError(f"{config.home / 'node.toml'}: retired_log_keys: {exc}") from None
    return LogKeyring(read_vkey(config.log_key), retired)


def witness_key(config: NodeConfig) -> WitnessKey:
    """This node's cosigning key (created on first use), named ``node/<gemeente>``."""
    return WitnessKey.load_or_create(config.home / WITNESS_KEY_NAME, f"node/{config.gemeente}")


def log_status(db: sqlite_utils.Database) -> tuple[int | None, int, int]:
    """Size of the latest verified tree head (None if never), the number of receipts, and
    of tree heads set aside after a hub restore."""
    tables = db.table_names()
    if "log_tree_heads" not in tables:
        return None, 0, 0
    size = db.execute("SELECT max(size) FROM log_tree_heads").fetchone()[0]
    abandoned = (db.execute("SELECT count(*) FROM log_heads_abandoned").fetchone()[0]
                 if "log_heads_abandoned" in tables else 0)
    return size, db.execute("SELECT count(*) FROM log_receipts").fetchone()[0], abandoned


@dataclass
class NodeLog:
    """Receipts and tree heads in node.db, plus the keys a node signs and cosigns with."""

    db: sqlite_utils.Database
    gemeente: str
    log_key: LogKeyring | None
    cert: x509.Certificate
    signing_key: ec.EllipticCurvePrivateKey
    witness: WitnessKey
    _latest: Checkpoint | None = field(default=None, repr=False)

    @classmethod
    def open(cls, config: NodeConfig, db: sqlite_utils.Database) -> NodeLog:
        _, cert_pem, key_pem = config.tls.read()
        db.conn.executescript(SCHEMA)
        log_key = log_keyring(config)
        return cls(db, config.gemeente, log_key, x509.load_pem_x509_certificate(cert_pem),
                   certsign.load_signing_key(key_pem), witness_key(config))

    @classmethod
    def for_home(cls, home: Path, db: sqlite_utils.Database) -> NodeLog:
        return cls.open(load_config(home), db)

    # -- state -------------------------------------------------------------------

    def latest(self) -> Checkpoint | None:
        """The newest head this node verified (kept in memory after the first read)."""
        if self._latest is None:
            row = self.db.execute(
                "SELECT note FROM log_tree_heads ORDER BY size DESC LIMIT 1").fetchone()
            if row is not None:
                self._latest = open_tree_head(row[0], self.log_key, "stored tree head")
        return self._latest

    def latest_note(self) -> str | None:
        row = self.db.execute(
            "SELECT note FROM log_tree_heads ORDER BY size DESC LIMIT 1").fetchone()
        return None if row is None else row[0]

    def _keep_head(self, head: Checkpoint, note: str) -> None:
        """Inside the caller's transaction, once ``head`` was checked to extend the latest."""
        self.db.execute(
            "INSERT OR IGNORE INTO log_tree_heads (size, root, note, verified_at) "
            "VALUES (?, ?, ?, ?)", [head.size, head.root, note, _now()])

    # -- tree heads ----------------------------------------------------------------

    def refresh(self, channel: grpc.Channel, timeout_s: float) -> Checkpoint:
        """Fetch the hub's latest head, check it extends ours, keep it; LogError if not."""
        previous = self.latest()
        stub = audit_pb2_grpc.AuditServiceStub(channel)
        reply = stub.GetTreeHead(
            audit_pb2.TreeHeadRequest(from_size=previous.size if previous else 0),
            timeout=timeout_s)
        head = open_tree_head(reply.note, self.log_key)
        try:
            check_extends(previous, head, reply.from_size, list(reply.consistency_proof))
        except LogError as exc:
            raise LogError(f"{exc}{RESTORED_HINT}") from None
        with self.db.conn:
            self._keep_head(head, reply.note)
        self._latest = head
        return head

    # -- after a hub restore -------------------------------------------------------

    def shared_with_hub(self, channel: grpc.Channel, timeout_s: float) -> Checkpoint | None:
        """The newest tree head this node verified that the hub's log still extends (None:
        only the empty tree). The heads a node keeps are one chain, so those the hub
        extends are its first ones: found by halving, one call each."""
        stub = audit_pb2_grpc.AuditServiceStub(channel)
        newest = open_tree_head(stub.GetTreeHead(audit_pb2.TreeHeadRequest(),
                                                 timeout=timeout_s).note, self.log_key)
        notes = [note for (note,) in self.db.execute(
            "SELECT note FROM log_tree_heads WHERE size <= ? ORDER BY size", [newest.size])]
        shared, low, high = None, 0, len(notes) - 1
        while low <= high:
            middle = (low + high) // 2
            ours = open_tree_head(notes[middle], self.log_key, "stored tree head")
            reply = stub.GetTreeHead(audit_pb2.TreeHeadRequest(from_size=ours.size),
                                     timeout=timeout_s)
            try:
                check_extends(ours, open_tree_head(reply.note, self.log_key), reply.from_size,
                              list(reply.consistency_proof))
            except LogError:
                high = middle - 1
                continue
            shared, low = ours, middle + 1
        return shared

    def abandon_after(self, shared: Checkpoint | None) -> tuple[int, list[bytes]]:
        """Set aside every head beyond `shared` and every receipt proven against one; the
        number of heads set aside and the batches whose log entries lie beyond `shared`
        (the restored hub may not hold them)."""
        size = shared.size if shared else 0
        now = _now()
        with self.db.conn:
            lost = [bytes(digest) for (digest,) in self.db.execute(
                "SELECT batch_digest FROM log_receipts WHERE leaf_index >= ?", [size])]
            self.db.execute(
                "INSERT INTO log_receipts_abandoned SELECT batch_digest, leaf_index, entry, "
                "tree_size, inclusion_proof, received_at, ? FROM log_receipts "
                "WHERE tree_size > ?", [now, size])
            self.db.execute("DELETE FROM log_receipts WHERE tree_size > ?", [size])
            abandoned = self.db.execute(
                "INSERT INTO log_heads_abandoned SELECT size, root, note, verified_at, ? "
                "FROM log_tree_heads WHERE size > ?", [now, size]).rowcount
            self.db.execute("DELETE FROM log_tree_heads WHERE size > ?", [size])
        self._latest = None
        return abandoned, lost

    # -- uploads -------------------------------------------------------------------

    def sign_batch(self, batch_digest: bytes, sightings: int) -> bytes:
        return certsign.sign_batch(self.signing_key, self.gemeente, batch_digest, sightings)

    def accept_receipt(self, batch_digest: bytes, sightings: int,
                       receipt: sync_pb2.BatchReceipt) -> Checkpoint:
        """Verify a receipt and keep it; LogError naming the batch if it does not verify."""
        try:
            return self._accept_receipt(batch_digest, sightings, receipt)
        except LogError as exc:
            raise LogError(f"receipt for batch {batch_digest.hex()[:12]} refused, batch not "
                           f"marked synced: {exc}") from None

    def _accept_receipt(self, batch_digest: bytes, sightings: int,
                        receipt: sync_pb2.BatchReceipt) -> Checkpoint:
        previous = self.latest()
        head = open_tree_head(receipt.tree_head, self.log_key)
        check_extends(previous, head, receipt.consistency_from, list(receipt.consistency_proof))
        entry = bytes(receipt.log_entry)
        self._check_entry(entry, batch_digest, sightings, receipt)
        proof = list(receipt.inclusion_proof)
        if not merkle.verify_inclusion(merkle.leaf_hash(entry), receipt.leaf_index, head.size,
                                       proof, head.root):
            raise LogError(f"inclusion proof for entry {receipt.leaf_index} does not verify "
                           f"against the tree head of size {head.size}")
        with self.db.conn:
            self._keep_head(head, receipt.tree_head)
            self.db.execute(
                "INSERT OR REPLACE INTO log_receipts (batch_digest, leaf_index, entry, "
                "tree_size, inclusion_proof, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                [batch_digest, receipt.leaf_index, entry, head.size, b"".join(proof), _now()])
        self._latest = head
        return head

    def _check_entry(self, entry: bytes, batch_digest: bytes, sightings: int,
                     receipt: sync_pb2.BatchReceipt) -> None:
        """The logged entry must be this node's upload of exactly this batch."""
        try:
            fields = json.loads(entry)
            signature = base64.b64decode(fields.get("node_sig", ""), validate=True)
        except (ValueError, binascii.Error, AttributeError):
            raise LogError(f"log entry {receipt.leaf_index} is not a readable entry") from None
        # the counts are not compared with the receipt's: a retried batch is logged once,
        # with the counts of its first arrival
        expected = {"action": "upload", "actor": f"node:{self.gemeente}",
                    "batch": batch_digest.hex(), "sightings": sightings}
        for name, value in expected.items():
            if fields.get(name) != value:
                raise LogError(f"log entry {receipt.leaf_index} records {name}="
                               f"{fields.get(name)!r}, expected {value!r}")
        counted = fields.get("accepted", -1), fields.get("already_present", -1)
        if not all(isinstance(c, int) and c >= 0 for c in counted) or sum(counted) != sightings:
            raise LogError(f"log entry {receipt.leaf_index} does not account for the "
                           f"{sightings} sightings of the batch")
        if not certsign.verify_batch(self.cert, self.gemeente, batch_digest, sightings,
                                     signature):
            raise LogError(f"log entry {receipt.leaf_index} does not carry this node's "
                           "signature of the batch")

    # -- witnessing ----------------------------------------------------------------

    def cosign_latest(self, channel: grpc.Channel, timeout_s: float) -> int:
        """Cosign the newest head this node verified; the hub's witness count for it."""
        note = self.latest_note()
        if note is None:
            return 0
        head = open_tree_head(note, self.log_key, "stored tree head")
        count, line = submit_cosignature(channel, self.witness, head, timeout_s)
        # kept with the node's own cosignature: the checkpoint it hands to an auditor
        cosigned = SignedNote.from_text(note).with_signatures(NoteSignature.from_line(line))
        with self.db.conn:
            self.db.execute("UPDATE log_tree_heads SET note = ? WHERE size = ?",
                            [cosigned.to_text(), head.size])
        return count
