"""After an erasure: push the write-ahead log into the database file and empty it.

With `secure_delete` on, SQLite overwrites a deleted row in the database
pages, but the write-ahead log can still hold the frames that once wrote it
until the log is checkpointed and cut back. Withdrawal and purge call this
right after their transaction, so no copy of the removed row remains in the
live files (backups and the storage underneath are another matter; README).
"""

from __future__ import annotations

import sqlite3


def truncate_wal(conn: sqlite3.Connection) -> bool:
    """True when the log was emptied (False: another reader held it; the next call will)."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
