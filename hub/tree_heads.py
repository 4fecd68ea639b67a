"""Signed tree heads, witness cosignatures and proofs over the hub's audit log.

Tree heads are signed on demand (a receipt or a witness asks for one) and
only when the log has grown since the last one, so a sync of many batches
does not pay a signature per appended entry, yet every receipt carries a
head that covers its leaf. Each signed head is kept, so the auditor's
export holds the whole chain. Witnesses (nodes, auditors) cosign heads they
have verified; the hub checks and keeps each cosignature and serves it with
the head.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hub import audit_log
from hub.log_key import LogKey, LogKeyError, create_log_key, key_paths, load_log_key
from linkage import merkle
from linkage.checkpoint import (
    SIG_COSIGNATURE_V1,
    CheckpointError,
    NoteSignature,
    SignedNote,
    Verifier,
    verify_cosignature,
)
from zichtlijn.identity import Principal

if TYPE_CHECKING:  # hub.store creates this module's tables, so import it for types only
    from hub.store import HubStore

log = logging.getLogger("zichtlijn.hub.tree_heads")

SCHEMA = """
CREATE TABLE IF NOT EXISTS tree_heads (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    signed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cosignatures (
    size INTEGER NOT NULL REFERENCES tree_heads(size),
    witness_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (size, witness_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS witness_keys (
    vkey TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
"""


class TreeHeadError(ValueError):
    """A request the log cannot answer truthfully (a size it never had, a bad cosignature)."""


@dataclass(frozen=True)
class SignedHead:
    size: int
    note: str  # signed note text (log signature; cosignatures added by with_cosignatures)


@dataclass(frozen=True)
class Receipt:
    leaf_index: int
    entry: bytes
    head: SignedHead
    inclusion: list[bytes]
    consistency_from: int
    consistency: list[bytes]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def ensure_log_key(home: Path, conn: sqlite3.Connection) -> LogKey:
    """The hub's log key; created here only for a log that has never signed a tree head.

    `hub init` normally creates it. A missing key for a log that has signed
    heads is an error: a new key would make every earlier head unverifiable.
    """
    key_path, _ = key_paths(home)
    if key_path.exists():
        return load_log_key(home)
    signed = head_count(conn)
    if signed:
        raise LogKeyError(f"{key_path} is missing but this log has signed {signed} tree heads; "
                          "restore the key from backup")
    log.warning("no log signing key in %s: created one; give %s to nodes and auditors",
                home, key_paths(home)[1])
    return create_log_key(home)


def witness_name(principal: Principal) -> str:
    """The key name a principal's witness key must carry, e.g. ``node/GM0363``."""
    return f"{principal.role}/{principal.name}"


def head_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM tree_heads").fetchone()[0]


class TreeHeads:
    """Signing, proofs and cosignatures over one HubStore (all under its lock)."""

    def __init__(self, store: HubStore, key: LogKey) -> None:
        self.store = store
        self.key = key

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.db.conn

    def _latest(self) -> SignedHead | None:
        row = self.conn.execute(
            "SELECT size, note FROM tree_heads ORDER BY size DESC LIMIT 1").fetchone()
        return None if row is None else SignedHead(row[0], row[1])

    def current(self) -> SignedHead:
        """A signed head of the whole log, signing one only if the log grew since the last."""
        with self.store.lock:
            size = audit_log.log_size(self.conn)
            latest = self._latest()
            if latest is not None and latest.size == size:
                return latest
            note = self.key.sign(size, audit_log.tree_root(self.conn, size)).to_text()
            with self.store.transaction() as conn:
                conn.execute("INSERT INTO tree_heads (size, note, signed_at) VALUES (?, ?, ?)",
                             [size, note, utc_now()])
            return SignedHead(size, note)

    def covering(self, leaf_index: int) -> SignedHead:
        """The latest signed head if it already covers ``leaf_index``, else a fresh one."""
        with self.store.lock:
            latest = self._latest()
            if latest is not None and latest.size > leaf_index:
                return latest
            return self.current()

    def settled(self, min_cosignatures: int,
                witness_keys: Sequence[str] = ()) -> SignedHead | None:
        """The largest head with at least this many distinct witness cosignatures, counting
        only those of `witness_keys` (vkeys) when given."""
        among = (f" WHERE c.witness_key IN ({','.join('?' * len(witness_keys))})"
                 if witness_keys else "")
        with self.store.lock:
            row = self.conn.execute(
                "SELECT h.size, h.note FROM tree_heads h JOIN cosignatures c USING (size)"
                f"{among} GROUP BY h.size HAVING count(*) >= ? ORDER BY h.size DESC LIMIT 1",
                [*witness_keys, min_cosignatures],
            ).fetchone()
        return None if row is None else SignedHead(row[0], row[1])

    def with_cosignatures(self, head: SignedHead) -> str:
        """The head's note with every cosignature collected for it appended."""
        with self.store.lock:
            lines = [r[0] for r in self.conn.execute(
                "SELECT signature FROM cosignatures WHERE size = ? ORDER BY received_at, "
                "witness_key", [head.size])]
        if not lines:
            return head.note
        note = SignedNote.from_text(head.note)
        return note.with_signatures(*(NoteSignature.from_line(x) for x in lines)).to_text()

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        with self.store.lock:
            if old_size > new_size:
                raise TreeHeadError(f"no consistency proof from size {old_size} to the smaller "
                                    f"tree of size {new_size}")
            return merkle.consistency_proof(old_size, new_size,
                                            audit_log.SqliteSubtrees(self.conn))

    def check_known_size(self, known_size: int) -> None:
        """Refuse a caller that has verified a bigger tree than this log holds."""
        with self.store.lock:
            size = audit_log.log_size(self.conn)
        if known_size > size:
            raise TreeHeadError(f"the caller has verified a tree of size {known_size}, but "
                                f"this log holds {size} entries")

    def receipt(self, leaf_index: int, known_size: int) -> Receipt:
        """Entry, covering head, inclusion proof and consistency proof from ``known_size``."""
        with self.store.lock:
            head = self.covering(leaf_index)
            row = self.conn.execute("SELECT entry FROM audit_entries WHERE idx = ?",
                                    [leaf_index]).fetchone()
            if row is None:
                raise TreeHeadError(f"log has no entry {leaf_index}")
            if known_size > head.size:
                raise TreeHeadError(
                    f"the caller has verified a tree of size {known_size}, but this log "
                    f"holds {head.size} entries")
            subtrees = audit_log.SqliteSubtrees(self.conn)
            return Receipt(
                leaf_index, audit_log.stored_entry(row[0]), head,
                merkle.inclusion_proof(leaf_index, head.size, subtrees),
                known_size, merkle.consistency_proof(known_size, head.size, subtrees),
            )

    def add_cosignature(self, principal: Principal, size: int, vkey: str,
                        line: str) -> int:
        """Check and keep a witness's cosignature; returns the head's witness count."""
        try:
            verifier = Verifier.from_vkey(vkey)
            signature = NoteSignature.from_line(line)
        except CheckpointError as exc:
            raise TreeHeadError(str(exc)) from None
        if verifier.sig_type != SIG_COSIGNATURE_V1:
            raise TreeHeadError("witness key is not a cosignature/v1 key")
        expected = witness_name(principal)
        if verifier.name != expected:
            raise TreeHeadError(f"witness key name {verifier.name!r} is not {expected!r}, "
                                f"the name of the calling certificate")
        with self.store.lock:
            row = self.conn.execute("SELECT note FROM tree_heads WHERE size = ?",
                                    [size]).fetchone()
            if row is None:
                raise TreeHeadError(f"no tree head of size {size} was signed by this log")
            checkpoint = SignedNote.from_text(row[0]).checkpoint()
            try:
                verify_cosignature(checkpoint, signature, verifier)
            except CheckpointError as exc:
                raise TreeHeadError(str(exc)) from None
            now = utc_now()
            with self.store.transaction() as conn:
                conn.execute("INSERT OR IGNORE INTO witness_keys (vkey, principal, first_seen) "
                             "VALUES (?, ?, ?)", [verifier.to_vkey(), str(principal), now])
                conn.execute("INSERT OR REPLACE INTO cosignatures "
                             "(size, witness_key, signature, received_at) VALUES (?, ?, ?, ?)",
                             [size, verifier.to_vkey(), signature.to_line(), now])
            return self.conn.execute("SELECT count(*) FROM cosignatures WHERE size = ?",
                                     [size]).fetchone()[0]
