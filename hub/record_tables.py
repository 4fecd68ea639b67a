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
-- what bounds a node's purge reports in 24 hours (hub/records.py)
CREATE INDEX IF NOT EXISTS node_purges_recent ON node_purges(gemeente, recorded_at);
-- when each node's withdrawals reached the hub, for their bound in 24 hours
-- (hub/records.py); the gemeente and a time, nothing of the sighting, kept a day
CREATE TABLE IF NOT EXISTS withdraw_calls (
    gemeente TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS withdraw_calls_node ON withdraw_calls(gemeente, at);
-- when its node decided the last correction the hub applied to a sighting (the signed
-- decided_at, hub/records.py): one decided no later is an earlier one replayed. The row
-- goes with the sighting's (a correction stores the sighting anew, with a new seq).
CREATE TABLE IF NOT EXISTS correction_times (
    sighting_seq INTEGER PRIMARY KEY REFERENCES sightings(seq) ON DELETE CASCADE,
    decided_at TEXT NOT NULL
);
"""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def is_withdrawn(conn: sqlite3.Connection, sighting_uuid: str, gemeente: str) -> bool:
    """Withdrawn UUIDs are remembered (nothing else of them) so they cannot come back."""
    return conn.execute(
        "SELECT 1 FROM withdrawn_sightings WHERE sighting_uuid = ? AND gemeente = ?",
        [sighting_uuid, gemeente]).fetchone() is not None


def set_correction_time(conn: sqlite3.Connection, seq: int, decided_at: str) -> None:
    """Record when the node decided the correction just applied to sighting `seq`."""
    conn.execute("INSERT OR REPLACE INTO correction_times (sighting_seq, decided_at) "
                 "VALUES (?, ?)", [seq, decided_at])
