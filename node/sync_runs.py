"""When this node last synced, and how it went: for `node status` and monitoring.

Each `node sync` records its outcome: what it sent, or the one line that says why it
failed (a gRPC status, a log that did not verify: never a row's content). `node status`
warns when the last sync failed or none has worked for `STALE_DAYS`, and `node status
--check` exits 1 then, for a monitoring system (README "Monitoring").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

STALE_DAYS = 2  # the sync runs nightly: two nights missed is worth a look
KEEP = 100  # outcomes kept, newest first

SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_runs (
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    detail TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class SyncRun:
    at: str  # RFC 3339 UTC
    ok: bool
    detail: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def record_run(db: sqlite_utils.Database, ok: bool, detail: str, at: str | None = None) -> None:
    db.conn.executescript(SCHEMA)
    with db.conn:
        db.conn.execute("INSERT INTO sync_runs (at, ok, detail) VALUES (?, ?, ?)",
                        [at or _now(), int(ok), detail])
        db.conn.execute("DELETE FROM sync_runs WHERE rowid NOT IN (SELECT rowid FROM "
                        "sync_runs ORDER BY rowid DESC LIMIT ?)", [KEEP])


def _run(row: tuple | None) -> SyncRun | None:
    return None if row is None else SyncRun(row[0], bool(row[1]), row[2])


def last_runs(db: sqlite_utils.Database) -> tuple[SyncRun | None, SyncRun | None]:
    """The newest sync, and the newest that worked."""
    db.conn.executescript(SCHEMA)
    newest = db.conn.execute("SELECT at, ok, detail FROM sync_runs ORDER BY rowid DESC "
                             "LIMIT 1").fetchone()
    worked = db.conn.execute("SELECT at, ok, detail FROM sync_runs WHERE ok = 1 ORDER BY "
                             "rowid DESC LIMIT 1").fetchone()
    return _run(newest), _run(worked)


def describe_runs(newest: SyncRun | None, worked: SyncRun | None,
                  now: dt.datetime) -> tuple[str, list[str]]:
    """The status line and its warnings."""
    if newest is None:
        return "never synced", ["no sync has run yet (`node sync`, nightly)"]
    warnings = []
    if not newest.ok:
        warnings.append(f"the last sync, at {newest.at}, failed: {newest.detail}")
    if worked is None:
        warnings.append("no sync has worked yet")
        return f"{newest.at}, failed", warnings
    age = now - dt.datetime.fromisoformat(worked.at)
    if age > dt.timedelta(days=STALE_DAYS):
        warnings.append(f"no sync has worked for {age.days} days (since {worked.at})")
    line = f"{worked.at}: {worked.detail}"
    return (line if newest.ok else f"{newest.at} failed; the last that worked {line}"), warnings
