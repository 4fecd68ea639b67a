"""The hub's SQLite database: encodings, batches, links and persons.

One connection shared by the server's threads behind a lock: SQLite allows a
single writer anyway, and every write here is a short transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from cryptography import x509

from hub import (
    audit_log,
    epochs,
    linked_with,
    lookup_control,
    node_contacts,
    record_tables,
    revocation,
    stored_content,
    tree_heads,
    upload_records,
)
from zichtlijn import wire
from zichtlijn.database_file import database_errors, owner_only
from zichtlijn.v1 import encoding_pb2


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class BatchOutcome:
    accepted: int
    already_present: int
    received_at: str
    leaf_index: int | None = None  # the batch's upload entry in the audit log


class ConflictError(ValueError):
    """A sighting UUID already held with other content, or by another gemeente."""


# How long a connection waits for another process's write lock before giving up. The
# serving hub keeps SQLite's default (Python's): it waits holding `HubStore.lock`, so every
# upload and lookup waits with it, while a node retries a failed call at its next sync. An
# operator's command waits longer: a link run of the serving hub can hold the lock past 5 s,
# and a command given up has to be run again (a backup made anew).
SERVER_WAIT_S = 5.0
OPERATOR_WAIT_S = 120.0


class DatabaseLocked(sqlite3.OperationalError):
    """Another process held the hub database's write lock past this connection's wait."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"the hub database stayed locked for {wait_s:g} s (a link run?); "
                         "try again")
        self.wait_s = wait_s


class HubStore:
    def __init__(self, path: Path, wait_s: float = SERVER_WAIT_S) -> None:
        self.path = path
        self.wait_s = wait_s
        self.lock = threading.RLock()
        owner_only(path)
        with database_errors(path, "hub database"):
            conn = sqlite3.connect(path, timeout=wait_s, check_same_thread=False,
                                   isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            # withdrawn and purged rows are overwritten, not left in free pages (AVG erasure)
            self.db.execute("PRAGMA secure_delete=ON")
            self._create()

    @classmethod
    def for_operator(cls, path: Path) -> HubStore:
        """The store of an operator's command, beside a hub that may be serving."""
        return cls(path, OPERATOR_WAIT_S)

    def close(self) -> None:
        with self.lock:  # never while another thread is inside a statement
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            conn = self.db.conn
            try:
                # where a write waits for another process: once begun, the transaction
                # holds the write lock (WAL), and reads never wait for it
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
                    raise DatabaseLocked(self.wait_s) from None
                raise
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _create(self) -> None:
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS batches (
                digest BLOB PRIMARY KEY,
                gemeente TEXT NOT NULL,
                sightings INTEGER NOT NULL,
                accepted INTEGER NOT NULL,
                received_at TEXT NOT NULL
            );
            -- a node's uploads of the last 24 hours, counted at every batch it sends
            CREATE INDEX IF NOT EXISTS batches_gemeente ON batches(gemeente, received_at);
            CREATE TABLE IF NOT EXISTS sightings (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                sighting_uuid TEXT NOT NULL UNIQUE,
                gemeente TEXT NOT NULL,
                observed_on TEXT NOT NULL,
                setting TEXT,
                licensed INTEGER,
                signals TEXT NOT NULL,
                epoch INTEGER NOT NULL,
                schema_fingerprint BLOB NOT NULL,
                digest BLOB NOT NULL,
                subject BLOB NOT NULL,
                batch_digest BLOB NOT NULL REFERENCES batches(digest),
                received_at TEXT NOT NULL,
                person_id TEXT,
                cluster_seq INTEGER,
                linked INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX IF NOT EXISTS sightings_unlinked ON sightings(linked) WHERE linked = 0;
            CREATE INDEX IF NOT EXISTS sightings_person ON sightings(person_id);
            CREATE INDEX IF NOT EXISTS sightings_gemeente ON sightings(gemeente, observed_on);
            CREATE TABLE IF NOT EXISTS companions (
                sighting_seq INTEGER NOT NULL REFERENCES sightings(seq) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                encoding BLOB NOT NULL,
                PRIMARY KEY (sighting_seq, position)
            );
            -- persons a link run or removal changed (old and new ids), until the alert
            -- engine has evaluated them (hub/alerts/engine.py): the nightly evaluation reads
            -- only these and the networks they touch
            CREATE TABLE IF NOT EXISTS person_changes (
                change_seq INTEGER PRIMARY KEY AUTOINCREMENT,
                person_id TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS entities (
                sighting_seq INTEGER NOT NULL REFERENCES sightings(seq) ON DELETE CASCADE,
                kind INTEGER NOT NULL,
                token BLOB NOT NULL
            );
            CREATE INDEX IF NOT EXISTS entities_token ON entities(kind, token);
            CREATE INDEX IF NOT EXISTS entities_sighting ON entities(sighting_seq);
            CREATE TABLE IF NOT EXISTS links (
                a INTEGER NOT NULL REFERENCES sightings(seq) ON DELETE CASCADE,
                b INTEGER NOT NULL REFERENCES sightings(seq) ON DELETE CASCADE,
                score REAL NOT NULL,
                PRIMARY KEY (a, b)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS links_b ON links(b);
            """
        )
        audit_log.create_tables(self.db.conn)
        epochs.create_tables(self.db.conn)
        node_contacts.create_tables(self.db.conn)
        revocation.create_tables(self.db.conn)
        lookup_control.create_tables(self.db.conn)
        record_tables.create_tables(self.db.conn)
        upload_records.create_tables(self.db.conn)
        tree_heads.create_tables(self.db.conn)
        linked_with.create_tables(self.db.conn)

    # -- uploads ---------------------------------------------------------------

    def batch_outcome(self, digest: bytes) -> BatchOutcome | None:
        with self.lock:
            row = self.db.execute(
                "SELECT sightings, received_at FROM batches WHERE digest = ?", [digest]
            ).fetchone()
        if row is None:
            return None
        return BatchOutcome(accepted=0, already_present=row[0], received_at=row[1])

    def store_batch(
        self, gemeente: str, digest: bytes, sightings: list[encoding_pb2.EncodedSighting],
        node_cert: x509.Certificate | None = None, node_signature: bytes = b"",
    ) -> BatchOutcome:
        """Store a validated batch in one transaction: all of it or none.

        ``node_cert`` and ``node_signature`` (already verified by the caller) go
        into the upload entry so an auditor can check the node made this upload.
        """
        received_at = utc_now()
        with self.transaction() as conn:
            known = conn.execute(
                "SELECT sightings, received_at, gemeente FROM batches WHERE digest = ?",
                [digest]).fetchone()
            if known and known[2] != gemeente:
                # the same content under another gemeente's certificate: its UUIDs are that
                # gemeente's (a receipt for them is no business of this node's)
                raise ConflictError("this batch's sightings belong to another gemeente")
            if known:
                return BatchOutcome(0, known[0], known[1], upload_records.leaf_of(conn, digest))
            new = []
            present = 0
            for s in sightings:
                existing = conn.execute(
                    "SELECT gemeente, digest FROM sightings WHERE sighting_uuid = ?",
                    [s.sighting_uuid],
                ).fetchone()
                if existing is None:
                    if record_tables.is_withdrawn(conn, s.sighting_uuid, gemeente):
                        raise ConflictError(
                            f"sighting {s.sighting_uuid} was withdrawn; withdraw it at the "
                            "node again (`zichtlijn node withdraw`)")
                    new.append(s)
                elif existing[0] != gemeente:
                    raise ConflictError(f"sighting {s.sighting_uuid} belongs to another gemeente")
                elif bytes(existing[1]) != wire.sighting_digest(s):
                    raise ConflictError(
                        f"sighting {s.sighting_uuid} is held with other content; "
                        "corrections go through `zichtlijn node correct`")
                else:
                    present += 1
            conn.execute(
                "INSERT INTO batches (digest, gemeente, sightings, accepted, received_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [digest, gemeente, len(sightings), len(new), received_at],
            )
            for s in new:
                self._insert_sighting(conn, gemeente, digest, received_at, s)
            appended = audit_log.append(
                conn, received_at, f"node:{gemeente}", "upload", batch=digest.hex(),
                sightings=len(sightings), accepted=len(new), already_present=present,
                **upload_records.entry_fields(node_cert, node_signature))
            upload_records.record_batch(conn, digest, appended.first_index, f"node:{gemeente}",
                                        node_cert, sightings)
        return BatchOutcome(len(new), present, received_at, appended.first_index)

    @staticmethod
    def _insert_sighting(conn: sqlite3.Connection, gemeente: str, batch: bytes,
                         received_at: str, s: encoding_pb2.EncodedSighting) -> int:
        """Store one sighting with its parts; its seq."""
        cursor = conn.execute(
            "INSERT INTO sightings (sighting_uuid, gemeente, observed_on, setting, licensed, "
            "signals, epoch, schema_fingerprint, digest, subject, batch_digest, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                s.sighting_uuid, gemeente, s.observed_on, wire.setting_from_wire(s.setting),
                int(s.licensed) if s.HasField("licensed") else None, ";".join(s.signals),
                s.epoch, s.schema_fingerprint, wire.sighting_digest(s),
                s.subject.SerializeToString(deterministic=True), batch, received_at,
            ],
        )
        seq = cursor.lastrowid
        conn.executemany(
            "INSERT INTO companions (sighting_seq, position, encoding) VALUES (?, ?, ?)",
            [(seq, i, c.SerializeToString(deterministic=True))
             for i, c in enumerate(s.companions)],
        )
        conn.executemany(
            "INSERT INTO entities (sighting_seq, kind, token) VALUES (?, ?, ?)",
            [(seq, e.kind, e.token) for e in s.entities],
        )
        epochs.insert_other_epochs(conn, seq, s)
        return seq

    # -- reads -----------------------------------------------------------------

    def count_sightings(self, gemeente: str | None = None) -> int:
        with self.lock:
            if gemeente is None:
                return self.db.execute("SELECT count(*) FROM sightings").fetchone()[0]
            return self.db.execute(
                "SELECT count(*) FROM sightings WHERE gemeente = ?", [gemeente]
            ).fetchone()[0]

    def count_persons(self) -> int:
        """Distinct persons the linked sightings form (read from the person index)."""
        with self.lock:
            return self.db.execute(
                "SELECT count(DISTINCT person_id) FROM sightings").fetchone()[0]

    def held_of(self, gemeente: str, per_chunk: int
                ) -> Iterator[list[tuple[str, bytes, str, bytes, int]]]:
        """(sighting_uuid, content digest, observed_on, single-epoch digest or b"", newest
        key epoch) of every sighting of `gemeente`, in chunks of at most `per_chunk`, read
        in one snapshot (`stored_content.single_epoch_digests`: only sightings encoded under
        two epochs have one)."""
        with self.lock:
            rows = self.db.execute(
                "SELECT seq, sighting_uuid, digest, observed_on, epoch FROM sightings "
                "WHERE gemeente = ? ORDER BY seq", [gemeente]).fetchall()
            single = stored_content.single_epoch_digests(self.db.conn,
                                                         [row[0] for row in rows])
        for start in range(0, len(rows), per_chunk):
            yield [(uuid, bytes(digest), day, single.get(uuid, b""), epoch)
                   for _, uuid, digest, day, epoch in rows[start : start + per_chunk]]

    def withdrawn_of(self, gemeente: str) -> list[str]:
        """The UUIDs of `gemeente`'s sightings withdrawn here (the tombstones)."""
        with self.lock:
            return [uuid for (uuid,) in self.db.execute(
                "SELECT sighting_uuid FROM withdrawn_sightings WHERE gemeente = ? "
                "ORDER BY withdrawn_at", [gemeente])]

    def clusters(self) -> list[tuple[str, str, str, str]]:
        with self.lock:
            return self.db.execute(
                "SELECT person_id, gemeente, sighting_uuid, observed_on FROM sightings "
                "WHERE person_id IS NOT NULL ORDER BY person_id, observed_on, sighting_uuid"
            ).fetchall()
