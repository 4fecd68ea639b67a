"""Alert tables in the hub database, the per-region view of an alert, and the change feed.

An alert is the evidence (rule, score, sightings) plus one state row per RIEC
region it was routed to: each regional consultation acknowledges, closes and
reopens for itself, so one region closing an alert never silences another.

Every change of what a region sees is a row in `alert_events`, written in
the same transaction as the change and holding the alert as the region saw
it right after. Its AUTOINCREMENT cursor only grows and SQLite commits one
writer at a time, so a watcher that resumes after its last cursor gets each
change exactly once, also after a hub restart.
"""

from __future__ import annotations

import sqlite3
import threading

from zichtlijn.v1 import alerts_pb2

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    score REAL NOT NULL,
    version INTEGER NOT NULL,
    evidence_digest BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    merged_into TEXT REFERENCES alerts(alert_id)
);
CREATE TABLE IF NOT EXISTS alert_sightings (
    alert_id TEXT NOT NULL REFERENCES alerts(alert_id),
    sighting_uuid TEXT NOT NULL,
    gemeente TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    signals TEXT NOT NULL,
    -- 0: evidence once, no longer; kept so it never counts as new evidence again
    current INTEGER NOT NULL,
    -- 1: no date of birth (AlertSighting.undated); NULL in rows written before it was kept
    undated INTEGER,
    PRIMARY KEY (alert_id, sighting_uuid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alert_sightings_uuid ON alert_sightings(sighting_uuid);
CREATE INDEX IF NOT EXISTS alert_sightings_gemeente ON alert_sightings(gemeente);
CREATE TABLE IF NOT EXISTS alert_regions (
    alert_id TEXT NOT NULL REFERENCES alerts(alert_id),
    region TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('new', 'acknowledged', 'closed')),
    changed INTEGER NOT NULL,
    close_reason TEXT,
    state_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, region)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alert_regions_region ON alert_regions(region);
CREATE TABLE IF NOT EXISTS alert_events (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id TEXT NOT NULL REFERENCES alerts(alert_id),
    region TEXT NOT NULL,
    change TEXT NOT NULL,
    at TEXT NOT NULL,
    snapshot BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_events_region ON alert_events(region, cursor);
-- a removal scrubs the removed sightings from each touched alert's past snapshots
-- (hub/alert_evidence.py `forget`): without it, a scan of every event per alert
CREATE INDEX IF NOT EXISTS alert_events_alert ON alert_events(alert_id);
CREATE TABLE IF NOT EXISTS alert_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

#: The close reason of a region the alert's evidence no longer touches: its view holds
#: no sightings (they are all of other regions' municipalities now) and no later change.
LEFT_REGION = "evidence_left_region"

STATE_TO_WIRE = {
    "new": alerts_pb2.ALERT_STATE_NEW,
    "acknowledged": alerts_pb2.ALERT_STATE_ACKNOWLEDGED,
    "closed": alerts_pb2.ALERT_STATE_CLOSED,
}
STATE_FROM_WIRE = {v: k for k, v in STATE_TO_WIRE.items()}


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(alert_sightings)")}
    if "undated" not in columns:  # a hub database from before 2026-12-07
        conn.execute("ALTER TABLE alert_sightings ADD COLUMN undated INTEGER")


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM alert_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO alert_meta (key, value) VALUES (?, ?)", [key, value])


#: alert_meta key: set until a full evaluation has ended. An engine built by an operator's
#: command (hub purge, hub erase) notes a rule change or an upgrade but evaluates only what
#: changed, so the flag, not the change itself, makes the next start read everything.
FULL_EVALUATION = "full_evaluation_pending"


def mark_full_evaluation(conn: sqlite3.Connection) -> None:
    """The next engine must read everything (a no-op where no engine ever ran)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                    "AND name = 'alert_meta'").fetchone() is not None:
        set_meta(conn, FULL_EVALUATION, "1")


def current_sightings(conn: sqlite3.Connection, alert_id: str,
                      gemeente: str | None = None) -> list[alerts_pb2.AlertSighting]:
    query = ("SELECT sighting_uuid, gemeente, observed_on, signals, coalesce(undated, 0) "
             "FROM alert_sightings "
             "WHERE alert_id = ? AND current = 1")
    params: list[str] = [alert_id]
    if gemeente is not None:
        query += " AND gemeente = ?"
        params.append(gemeente)
    rows = conn.execute(query + " ORDER BY observed_on, sighting_uuid", params).fetchall()
    return [alerts_pb2.AlertSighting(sighting_uuid=u, gemeente=g, observed_on=o,
                                     signals=[s for s in signals.split(";") if s],
                                     undated=bool(undated))
            for u, g, o, signals, undated in rows]


# The region's other alerts sharing a current sighting with one alert. CROSS JOIN fixes
# SQLite's join order: from the alert's own sightings, by each sighting's index, to the
# alerts holding it. Left to itself SQLite began with every alert of the region (by the
# region index) and read all their sightings, once for each alert: a full evaluation of
# 90,000 sightings ran for more than ten minutes where it took seconds.
RELATED_ALERTS = (
    "SELECT DISTINCT s2.alert_id FROM alert_sightings s1 "
    "CROSS JOIN alert_sightings s2 ON s2.sighting_uuid = s1.sighting_uuid "
    "AND s2.alert_id != s1.alert_id AND s2.current = 1 "
    "CROSS JOIN alerts a ON a.alert_id = s2.alert_id AND a.merged_into IS NULL "
    "CROSS JOIN alert_regions r ON r.alert_id = s2.alert_id AND r.region = ? "
    "AND coalesce(r.close_reason, '') != ? "
    "WHERE s1.alert_id = ? AND s1.current = 1 ORDER BY s2.alert_id")


def region_view(conn: sqlite3.Connection, alert_id: str, region: str) -> alerts_pb2.Alert | None:
    """The alert as `region` sees it, or None when it was not routed there."""
    row = conn.execute(
        "SELECT a.rule, a.score, a.version, a.created_at, a.updated_at, r.state, r.changed, "
        "r.close_reason, r.state_at FROM alerts a JOIN alert_regions r "
        "ON r.alert_id = a.alert_id WHERE a.alert_id = ? AND r.region = ?",
        [alert_id, region],
    ).fetchone()
    if row is None:
        return None
    rule, score, version, created_at, updated_at, state, changed, reason, state_at = row
    left = reason == LEFT_REGION
    sightings = [] if left else current_sightings(conn, alert_id)
    gemeenten = sorted({s.gemeente for s in sightings})
    # whom to coordinate with; a region that has left the alert sees nothing of it any more
    others = [] if left else [
        alerts_pb2.RegionState(region=other, state=STATE_TO_WIRE[other_state],
                               close_reason=other_reason or "")
        for other, other_state, other_reason in conn.execute(
            "SELECT region, state, close_reason FROM alert_regions WHERE alert_id = ? "
            "AND region != ? AND coalesce(close_reason, '') != ? ORDER BY region",
            [alert_id, region, LEFT_REGION])]
    related = [] if left else [other for (other,) in conn.execute(RELATED_ALERTS,
                                                                  [region, LEFT_REGION, alert_id])]
    if left:  # a score over the other regions' evidence, which this one no longer sees
        score = 0.0
    return alerts_pb2.Alert(
        alert_id=alert_id, rule=rule, score=score, region=region,
        state=STATE_TO_WIRE[state], close_reason=reason or "", changed=bool(changed),
        version=version, created_at=created_at, updated_at=max(updated_at, state_at),
        sighting_count=len(sightings), gemeente_count=len(gemeenten), gemeenten=gemeenten,
        sightings=sightings, other_regions=others, related_alert_ids=related,
    )


def metadata_only(alert: alerts_pb2.Alert) -> alerts_pb2.Alert:
    """What an auditor may read: ids, rule, counts, states and times; no sightings."""
    stripped = alerts_pb2.Alert()
    stripped.CopyFrom(alert)
    stripped.ClearField("gemeenten")
    stripped.ClearField("sightings")
    stripped.ClearField("related_alert_ids")  # which alerts share a woman is content
    return stripped


def record_event(conn: sqlite3.Connection, alert_id: str, region: str, change: str,
                 at: str) -> int:
    view = region_view(conn, alert_id, region)
    if view is None:
        raise KeyError((alert_id, region))
    cursor = conn.execute(
        "INSERT INTO alert_events (alert_id, region, change, at, snapshot) VALUES (?, ?, ?, ?, ?)",
        [alert_id, region, change, at, view.SerializeToString(deterministic=True)],
    )
    return int(cursor.lastrowid)


def events_after(conn: sqlite3.Connection, cursor: int, region: str | None,
                 limit: int) -> list[alerts_pb2.AlertChange]:
    query = "SELECT cursor, change, at, snapshot FROM alert_events WHERE cursor > ?"
    params: list[object] = [cursor]
    if region is not None:
        query += " AND region = ?"
        params.append(region)
    rows = conn.execute(query + " ORDER BY cursor LIMIT ?", [*params, limit]).fetchall()
    return [alerts_pb2.AlertChange(cursor=c, change=change, at=at,
                                   alert=alerts_pb2.Alert.FromString(snapshot))
            for c, change, at, snapshot in rows]


def head_cursor(conn: sqlite3.Connection, region: str | None) -> int:
    if region is None:
        row = conn.execute("SELECT max(cursor) FROM alert_events").fetchone()
    else:
        row = conn.execute("SELECT max(cursor) FROM alert_events WHERE region = ?",
                           [region]).fetchone()
    return int(row[0] or 0)


class ChangeSignal:
    """Wakes watchers when an alert change was committed (or the hub stops).

    Watchers also re-read the database after each timeout, so a change made by
    another process (`zichtlijn hub evaluate`) reaches them too, only later.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0
        self.closed = False

    def notify(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()

    def generation(self) -> int:
        with self._condition:
            return self._generation

    def wait(self, since_generation: int, timeout: float) -> None:
        with self._condition:
            self._condition.wait_for(
                lambda: self.closed or self._generation != since_generation, timeout)
