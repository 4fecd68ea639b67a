"""The operator's switch for lookups and the per-node rate limit, both kept in hub.db.

Both live in the database, not in memory, so `zichtlijn hub lookups disable`
run beside a serving hub takes effect at the next lookup, and a hub restart
neither forgets a switch nor hands a node a fresh hour of lookups.

The rate limit is the node's budget of lookups *and corrections*: a correction
re-points one of the node's sightings at any identity it encodes, and whether
that sighting then joins a person (its alerts) answers "seen before?" as a lookup
does (hub/records_service.py charges each Correct here). The operator's switch
is for lookups only: a correction is the municipality's AVG duty.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from hub import audit_log

ALL = "*"  # scope of the global switch; otherwise a gemeente code
WINDOW_S = 3600.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS lookup_switches (
    scope TEXT PRIMARY KEY,
    disabled INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lookup_log (
    gemeente TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS lookup_log_node ON lookup_log(gemeente, at);
"""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


@dataclass(frozen=True)
class Switch:
    scope: str
    disabled: bool
    changed_at: str
    changed_by: str


def switches(conn: sqlite3.Connection) -> list[Switch]:
    rows = conn.execute(
        "SELECT scope, disabled, changed_at, changed_by FROM lookup_switches ORDER BY scope"
    ).fetchall()
    return [Switch(scope, bool(disabled), at, by) for scope, disabled, at, by in rows]


def set_switch(conn: sqlite3.Connection, scope: str, disabled: bool, actor: str,
               at: str) -> None:
    """Switch lookups off or on for one gemeente or (scope ALL) for every node; logged."""
    conn.execute(
        "INSERT OR REPLACE INTO lookup_switches (scope, disabled, changed_at, changed_by) "
        "VALUES (?, ?, ?, ?)", [scope, int(disabled), at, actor])
    audit_log.append(conn, at, actor, "lookups_disabled" if disabled else "lookups_enabled",
                     scope="all" if scope == ALL else scope)


def disabled_reason(conn: sqlite3.Connection, gemeente: str, enabled_in_config: bool) -> str | None:
    """Why lookups are off for this node, or None when they are on."""
    rows = dict(conn.execute(
        "SELECT scope, disabled FROM lookup_switches WHERE scope IN (?, ?)", [ALL, gemeente]
    ).fetchall())
    if rows.get(ALL, 0) or (not enabled_in_config and ALL not in rows):
        return "lookups are disabled at this hub by its operator"
    if rows.get(gemeente, 0):
        return f"lookups are disabled for node:{gemeente} by the hub operator"
    return None


def admit(conn: sqlite3.Connection, gemeente: str, now: float, per_hour: int) -> float | None:
    """Count one lookup against the node's hour, or return the seconds until one is free.

    A sliding window of the last hour. Run it in the transaction that logs the
    lookup, so two concurrent lookups cannot both take the last slot.
    """
    conn.execute("DELETE FROM lookup_log WHERE at <= ?", [now - WINDOW_S])
    count, oldest = conn.execute(
        "SELECT count(*), min(at) FROM lookup_log WHERE gemeente = ?", [gemeente]).fetchone()
    if count >= per_hour:
        return max(1.0, oldest + WINDOW_S - now)
    conn.execute("INSERT INTO lookup_log (gemeente, at) VALUES (?, ?)", [gemeente, now])
    return None


def over_budget(gemeente: str, per_hour: int, wait: float) -> str:
    """The line a lookup or correction beyond the node's hour is refused with."""
    return (f"rate limit: {per_hour} lookups and corrections per hour for node:{gemeente}; "
            f"the next one is possible in {int(wait // 60)} min {int(wait % 60)} s")


def give_back(conn: sqlite3.Connection, gemeente: str, admitted_at: float) -> None:
    """Return the slot `admit` took at `admitted_at` (a lookup that was never matched, a
    correction the linker could not take)."""
    conn.execute("DELETE FROM lookup_log WHERE rowid = (SELECT rowid FROM lookup_log "
                 "WHERE gemeente = ? AND at = ? LIMIT 1)", [gemeente, admitted_at])
