"""`zichtlijn hub restore`: put a backup in the hub database's place, and say so in its
audit log (README "Restoring from a backup").

The backup's log is a prefix of the lost one. The restore is appended to it as an entry
of its own, so an auditor reading the log sees where the history was cut and by whom. A
node that verified the lost entries learns of the restore from the hub's operator, not
from the hub (`node sync --hub-restored`), since a hub that could tell its nodes to
forget what they verified could rewrite its history.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from hub import audit_log
from hub.erase_gemeente import ACTION as ERASED
from hub.partition import stored_partition
from hub.revocation import carry_over, revocations_in
from hub.store import HubStore, utc_now
from zichtlijn.database_file import DatabaseFileError, database_errors, existing_file

SET_ASIDE = ".before-restore"
# how far the alert change cursor jumps when the replaced database cannot tell how far it
# had come: more changes than a hub makes in decades
CURSOR_JUMP = 1_000_000_000
T = TypeVar("T")


@dataclass(frozen=True)
class Restored:
    log_size: int  # entries of the backup's log, before the restore's own
    sightings: int
    set_aside: Path | None  # where the database it replaced went
    revoked_again: int = 0  # revocations made after the backup, kept
    # municipalities the replaced database had erased after the backup: (gemeente, reason)
    erase_again: tuple[tuple[str, str], ...] = ()
    sha256: str = ""  # of the copy put in place, as the restore entry and backup_made log it


def restore(db_path: Path, backup: Path, actor: str) -> Restored:
    """Check `backup` is a whole hub database, set the current one aside (its write-ahead
    log with it), put a copy of the backup in its place and log the restore."""
    if backup.resolve() == db_path.resolve():
        raise DatabaseFileError(f"{backup} is the hub database itself, not a backup of it")
    log_size, sightings = _check(backup)
    aside = db_path.with_name(db_path.name + SET_ASIDE)
    replaced = db_path.exists()
    if replaced:
        if aside.exists():
            raise DatabaseFileError(f"{aside} exists (from an earlier restore): delete it "
                                    "or move it away first")
        aside.mkdir(mode=0o700)
        for part in sorted(db_path.parent.glob(db_path.name + "*")):
            if part != aside:
                part.rename(aside / part.name)
    partial = db_path.with_name(db_path.name + ".partial")
    shutil.copyfile(backup, partial)
    os.chmod(partial, 0o600)
    # of the bytes put in place, before the hub opens them: the `backup_made` entry of the
    # backup they came from logs the same digest, so an auditor ties the two together
    with partial.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    os.replace(partial, db_path)
    lost = _lost_with(aside / db_path.name, log_size) if replaced else _Lost()
    store = HubStore.for_operator(db_path)
    try:
        with store.transaction() as conn:
            cursor = _alert_cursor_past(conn, lost.cursor)
            details = {} if cursor is None else {"alert_cursor_from": cursor}
            now = utc_now()
            audit_log.append(conn, now, actor, "restore", log_size=log_size,
                             sightings=sightings, backup=backup.name, sha256=digest,
                             partition=stored_partition(conn), **details)
            revoked_again = carry_over(conn, list(lost.revocations), actor, now)
    finally:
        store.close()
    return Restored(log_size, sightings, aside if replaced else None, revoked_again,
                    lost.erased, digest)


@dataclass(frozen=True)
class _Lost:
    """What the replaced database knew that its backup does not, and a restore must not
    undo; each part is empty when that database cannot tell it (lost, damaged, or from a
    release without the table)."""

    # the newest alert change cursor it issued; one set aside by an earlier restore is
    # behind what the hub issued since, so only the database replaced now counts
    cursor: int | None = None
    # certificates it had revoked (hub/revocation.py)
    revocations: tuple[tuple[bytes, str, str, str], ...] = ()
    # municipalities its log erased beyond the backup's entries (hub/erase_gemeente.py):
    # the restore brings their sightings back, so they are erased again
    erased: tuple[tuple[str, str], ...] = ()


def _lost_with(database: Path, log_size: int) -> _Lost:
    def read(query: Callable[[sqlite3.Connection], T], nothing: T) -> T:
        try:
            return query(conn)
        except sqlite3.Error:
            return nothing

    try:
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return _Lost()
    with closing(conn):
        return _Lost(read(_newest_alert_cursor, None),
                     tuple(read(revocations_in, [])),
                     read(lambda c: _erased_after(c, log_size), ()))


def _erased_after(conn: sqlite3.Connection, log_size: int) -> tuple[tuple[str, str], ...]:
    rows = conn.execute(
        "SELECT entry FROM audit_entries WHERE idx >= ? AND CAST(entry AS TEXT) "
        "LIKE ? ORDER BY idx", [log_size, f'%"action":"{ERASED}"%']).fetchall()
    entries = [json.loads(row[0]) for row in rows]
    return tuple((e["gemeente"], e["reason"]) for e in entries if e.get("action") == ERASED)


def _newest_alert_cursor(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'alert_events'").fetchone()
    return row[0] if row else 0


def _alert_cursor_past(conn: sqlite3.Connection, lost: int | None) -> int | None:
    """Make the next alert change's cursor exceed every cursor issued before the restore.

    A RIEC watcher resumes after the last cursor it handled (zichtlijn/alert_watch.py);
    the backup's sequence is behind it, so changes made after the restore would take
    cursors it has seen and never reach it. Past the replaced database's newest cursor
    when it can be read, else CURSOR_JUMP past the backup's. None: no alert tables."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alert_events'").fetchone():
        return None
    restored = _newest_alert_cursor(conn)
    past = max(restored, lost) if lost is not None else restored + CURSOR_JUMP
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'alert_events'")
    conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('alert_events', ?)", [past])
    return past + 1


def _check(backup: Path) -> tuple[int, int]:
    existing_file(backup, "backup")
    with database_errors(backup, "backup", "choose another backup"):
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if verdict != "ok" or not {"sightings", "audit_entries"} <= tables:
                raise DatabaseFileError(
                    f"backup {backup}: not a whole hub database "
                    f"({verdict if verdict != 'ok' else 'no sightings or audit log'})")
            log_size, = conn.execute("SELECT count(*) FROM audit_entries").fetchone()
            sightings, = conn.execute("SELECT count(*) FROM sightings").fetchone()
        finally:
            conn.close()
    return log_size, sightings
