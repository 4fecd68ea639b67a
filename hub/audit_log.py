"""The hub's append-only linkage log (DESIGN §8), stored beside the data it records.

Entries are canonical JSON (who, role, action, counts, digests, time; never
personal data or encodings). Each is a leaf of an RFC 9162 Merkle tree whose
perfect-subtree nodes live in `audit_nodes`; both are written in the same
SQLite transaction as the change the entry records, so the log cannot miss a
committed change nor record one that was rolled back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from linkage import merkle
from zichtlijn.identity import Principal

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_entries (
    idx INTEGER PRIMARY KEY,
    entry BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
"""

#: 2 (2026-12-07): withdraw and correct entries carry their node's signature. A log's
#: versions never go down (zichtlijn/audit_verify/entries.py), so an entry written by hand in the
#: form of an earlier release, after this one logged, is reported.
#: 3 (2026-12-07): a RIEC's alert_acknowledged and alert_closed carry its signature.
#: 4 (2026-12-08): a node's withdraw, correct and correct_refused carry the time it decided
#: them (`decided_at`) and a correction the content it replaces (`replaces`), signed with
#: them (zichtlijn/certsign.py /v2 statements): an old signature replayed is reported.
ENTRY_VERSION = 4


@dataclass(frozen=True)
class Appended:
    first_index: int
    new_size: int


class SqliteSubtrees:
    """merkle.SubtreeStore over the audit_nodes table of one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def subtree(self, level: int, index: int) -> bytes:
        row = self.conn.execute(
            "SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?", [level, index]
        ).fetchone()
        if row is None:
            raise KeyError((level, index))
        return bytes(row[0])


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def encode_entry(at: str, actor: Principal | str, action: str,
                 details: Mapping[str, object]) -> bytes:
    """Canonical bytes of one entry: sorted keys, no whitespace, ASCII only."""
    body = {"v": ENTRY_VERSION, "at": at, "actor": str(actor), "action": action,
            **dict(details)}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def stored_entry(value: bytes | str) -> bytes:
    """An entry's bytes as `audit_entries` holds them. The hub writes a BLOB; the same
    bytes written back as TEXT (an edit with the sqlite3 shell) are the same entry, and
    what was changed in them is for `audit verify` to report, not for the export to
    stumble on."""
    return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else bytes(value)


def log_size(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(idx) FROM audit_entries").fetchone()
    return 0 if row[0] is None else row[0] + 1


def append_entries(conn: sqlite3.Connection, entries: list[bytes]) -> Appended:
    """Append entries inside the caller's open transaction."""
    size = log_size(conn)
    if not entries:
        return Appended(size, size)
    conn.executemany("INSERT INTO audit_entries (idx, entry) VALUES (?, ?)",
                     [(size + i, e) for i, e in enumerate(entries)])
    nodes = merkle.append(size, SqliteSubtrees(conn), [merkle.leaf_hash(e) for e in entries])
    conn.executemany("INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)", nodes)
    return Appended(size, size + len(entries))


def append(conn: sqlite3.Connection, at: str, actor: Principal | str, action: str,
           **details: object) -> Appended:
    """Append one entry (see `append_entries`)."""
    return append_entries(conn, [encode_entry(at, actor, action, details)])


def tree_root(conn: sqlite3.Connection, size: int | None = None) -> bytes:
    return merkle.root(log_size(conn) if size is None else size, SqliteSubtrees(conn))
