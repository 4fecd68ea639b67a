"""Tables of withdrawals and node purges (kept apart from hub/records.py: the store needs them)."""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS withdrawn_sightings (
    sighting_uuid TEXT NOT NULL,
    gemeente TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL,
    PRIMARY KEY (sighting_uuid, gemeente)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS node_purges (
    purge_id TEXT PRIMARY KEY,
    gemeente TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) WITHOUT ROWID;
"""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def is_withdrawn(conn: sqlite3.Connection, sighting_uuid: str, gemeente: str) -> bool:
    """Withdrawn UUIDs are remembered (nothing else of them) so they cannot come back."""
    return conn.execute(
        "SELECT 1 FROM withdrawn_sightings WHERE sighting_uuid = ? AND gemeente = ?",
        [sighting_uuid, gemeente]).fetchone() is not None
