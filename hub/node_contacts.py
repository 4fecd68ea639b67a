"""When each node was last heard from: for `hub status` and monitoring.

A node reports its key epochs at the start of every sync, so the time of its last
report is the time of its last sync attempt that reached the hub. A node silent for
more than `SILENT_DAYS` has stopped syncing (its timer, its certificate, its network):
`hub status` names it, and `hub status --check` exits 1 (README "Monitoring").
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

SILENT_DAYS = 2  # nodes sync nightly

SCHEMA = """
CREATE TABLE IF NOT EXISTS node_contacts (
    gemeente TEXT PRIMARY KEY,
    last_report_at TEXT NOT NULL
) WITHOUT ROWID;
"""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def heard_from(conn: sqlite3.Connection, gemeente: str, at: str) -> None:
    """Inside the caller's transaction."""
    conn.execute("INSERT INTO node_contacts (gemeente, last_report_at) VALUES (?, ?) "
                 "ON CONFLICT (gemeente) DO UPDATE SET last_report_at = excluded.last_report_at",
                 [gemeente, at])


def _silent(last_heard: str, now: dt.datetime) -> bool:
    return now - dt.datetime.fromisoformat(last_heard) > dt.timedelta(days=SILENT_DAYS)


def describe_contacts(conn: sqlite3.Connection, now: dt.datetime) -> tuple[str, list[str]]:
    """The status line and a warning for each silent node."""
    rows = conn.execute("SELECT gemeente, last_report_at FROM node_contacts "
                        "ORDER BY gemeente").fetchall()
    if not rows:
        return "none has synced yet", []
    silent = [(gemeente, at) for gemeente, at in rows if _silent(at, now)]
    line = f"{len(rows)} have synced; {len(rows) - len(silent)} within {SILENT_DAYS} days"
    return line, [f"node {gemeente} was last heard from {at} "
                  f"({(now - dt.datetime.fromisoformat(at)).days} days ago)"
                  for gemeente, at in silent]


@dataclass(frozen=True)
class NodeRow:
    gemeente: str
    sightings: int  # held at the hub now
    last_heard: str | None  # RFC 3339 UTC; None: never synced since this release
    silent: bool


def node_rows(conn: sqlite3.Connection, now: dt.datetime) -> list[NodeRow]:
    """Every municipality the hub holds sightings of or has heard from."""
    held = dict(conn.execute("SELECT gemeente, count(*) FROM sightings GROUP BY gemeente"))
    heard = dict(conn.execute("SELECT gemeente, last_report_at FROM node_contacts"))
    return [NodeRow(g, held.get(g, 0), heard.get(g), g not in heard or _silent(heard[g], now))
            for g in sorted(held.keys() | heard.keys())]
