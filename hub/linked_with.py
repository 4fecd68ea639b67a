"""Which matching settings the hub's stored links were made with.

Links are stored with their scores; persons follow from them. A hub whose
weights or bars change (a new release, a new `[matching] threshold`) would
link each night's sightings under the new settings and keep the old links:
persons made under two rules at once, and a nightly run that no longer
equals `hub relink`. The hub therefore records the digest of the settings
its links were made with and says at start-up when they differ.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from linkage.population import NameCounts

SCHEMA = """
CREATE TABLE IF NOT EXISTS linking_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    digest TEXT NOT NULL
);
-- how far the hub has raised its automatic threshold (hub.toml [matching] "auto") above
-- the one it starts at; a rise, not a value, so that a new shipped start moves it too
CREATE TABLE IF NOT EXISTS threshold_rise (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rise REAL NOT NULL
);
-- how many persons bore each name filter (a 64-bit key, `linkage.population.name_keys`)
-- when the automatic threshold last stepped, and the key epochs counted: pairs of rarer
-- names pay less of the rise (hub/name_rise.py)
CREATE TABLE IF NOT EXISTS name_counts (
    key INTEGER PRIMARY KEY,
    persons INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS name_count_epochs (
    epoch INTEGER PRIMARY KEY
);
-- the sightings the names were counted on: those up to `through_seq`, `held` of them
CREATE TABLE IF NOT EXISTS name_count_basis (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    through_seq INTEGER NOT NULL,
    held INTEGER NOT NULL
);
-- what hubs of 2026-12-04 and 2026-12-05 kept instead: the raised threshold itself
CREATE TABLE IF NOT EXISTS raised_threshold (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    threshold REAL NOT NULL
);
"""

#: where the automatic threshold started when hubs kept `raised_threshold`
_RAISED_THRESHOLD_START = 3.5


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def recorded(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT digest FROM linking_settings WHERE id = 1").fetchone()
    return None if row is None else str(row[0])


def threshold_rise(conn: sqlite3.Connection) -> float | None:
    """How far above its start the hub has raised its automatic threshold, if at all."""
    row = conn.execute("SELECT rise FROM threshold_rise WHERE id = 1").fetchone()
    if row is not None:
        return float(row[0])
    kept = conn.execute("SELECT threshold FROM raised_threshold WHERE id = 1").fetchone()
    return None if kept is None else float(kept[0]) - _RAISED_THRESHOLD_START


def raise_threshold(conn: sqlite3.Connection, rise: float) -> None:
    conn.execute("INSERT OR REPLACE INTO threshold_rise (id, rise) VALUES (1, ?)", [rise])


def name_counts(conn: sqlite3.Connection) -> NameCounts | None:
    """The name counts kept with the threshold's rise, if names were counted."""
    epochs = [epoch for epoch, in conn.execute("SELECT epoch FROM name_count_epochs")]
    if not epochs:
        return None
    rows = conn.execute("SELECT key, persons FROM name_counts").fetchall()
    keys = np.array([key for key, _ in rows], dtype=np.int64).view(np.uint64)
    order = np.argsort(keys)  # stored as signed integers: sorted again as unsigned
    persons = np.array([count for _, count in rows], dtype=np.int64)
    return NameCounts(keys[order], persons[order], frozenset(epochs))


def keep_name_counts(conn: sqlite3.Connection, counts: NameCounts) -> None:
    """Replace the kept name counts (in the transaction of the relink they are for)."""
    conn.execute("DELETE FROM name_counts")
    conn.execute("DELETE FROM name_count_epochs")
    conn.executemany("INSERT INTO name_counts (key, persons) VALUES (?, ?)",
                     zip(counts.keys.view(np.int64).tolist(), counts.persons.tolist(),
                         strict=True))
    conn.executemany("INSERT INTO name_count_epochs (epoch) VALUES (?)",
                     [(epoch,) for epoch in sorted(counts.epochs)])
    conn.execute("DELETE FROM name_count_basis")
    start_count_basis(conn)


def start_count_basis(conn: sqlite3.Connection) -> None:
    """Take the sightings held now as those the kept counts were taken on, unless known
    (a hub that counted under a release before the basis was kept starts its clock)."""
    conn.execute("INSERT OR IGNORE INTO name_count_basis (id, through_seq, held) "
                 "SELECT 1, coalesce(max(seq), 0), count(*) FROM sightings")


def count_basis(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """How many sightings the kept names were counted on, and how many of those are
    still held (retention, withdrawals); None before names were counted."""
    basis = conn.execute("SELECT through_seq, held FROM name_count_basis WHERE id = 1"
                         ).fetchone()
    if basis is None:
        return None
    through_seq, held = basis
    still = conn.execute("SELECT count(*) FROM sightings WHERE seq <= ?",
                         [through_seq]).fetchone()[0]
    return held, still


def counts_outlived(conn: sqlite3.Connection, left: float) -> bool:
    """Are fewer than the share `left` of the sightings the names were counted on still
    held?"""
    basis = count_basis(conn)
    if basis is None or not basis[0]:
        return False
    held, still = basis
    return still < left * held


def _has_links(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT EXISTS (SELECT 1 FROM links)").fetchone()[0] == 1


def before_link_run(conn: sqlite3.Connection, digest: str) -> None:
    """In a link run's transaction, before its links are written: a hub without links
    (new, or just relinked) takes this run's settings as those of all its links."""
    if not _has_links(conn):
        conn.execute("INSERT OR REPLACE INTO linking_settings (id, digest) VALUES (1, ?)",
                     [digest])


def advice(conn: sqlite3.Connection, digest: str) -> str | None:
    """A line for the operator when the stored links were made with other settings."""
    if not _has_links(conn):
        return None
    made_with = recorded(conn)
    if made_with == digest:
        return None
    when = ("before the hub recorded its matching settings" if made_with is None
            else f"with other matching settings ({made_with})")
    return (f"hub database: its links were made {when}; this hub links with {digest} "
            "(weights, bars and candidate keys of this release and hub.toml [matching]); run "
            "`zichtlijn hub relink` so every person is linked under the same settings")
