"""A hub's or node's SQLite file that cannot be used: one line for the operator.

SQLite reports a damaged file or one that is no database only at the first statement,
as `file is not a database` or `database disk image is malformed`, with no file name;
the operator needs which file, and what to do about it (README "Backups")."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


class DatabaseFileError(Exception):
    """A database file that cannot be opened, read or written (the cause in one line)."""


RESTORE = "restore it from a backup (README \"Backups\")"


def explain(error: sqlite3.Error, path: Path, what: str, remedy: str = RESTORE) -> str:
    """`what` (e.g. "hub database") at `path`, and why it cannot be used."""
    if type(error) is sqlite3.DatabaseError:  # not OperationalError: the file itself
        return (f"{what} {path}: {error}: the file is damaged or is not a zichtlijn "
                f"database; {remedy}")
    return f"{what} {path}: {error}"


@contextmanager
def database_errors(path: Path, what: str, remedy: str = RESTORE) -> Iterator[None]:
    """Raise SQLite's errors inside as DatabaseFileError naming `path`."""
    try:
        yield
    except sqlite3.Error as error:
        raise DatabaseFileError(explain(error, path, what, remedy)) from error


def owner_only(path: Path | str) -> None:
    """Create the database file readable by its owner alone when it is not there yet:
    SQLite gives it the process's umask (0644 under the usual 022), and its -wal and -shm
    files the file's own mode. A node's maps case references to sighting UUIDs."""
    if str(path) == ":memory:" or Path(path).exists():
        return
    path = Path(path)
    # no directory, no right to write: SQLite says so next, naming the file
    with contextlib.suppress(OSError):
        path.touch(mode=0o600)


def existing_file(path: Path, what: str) -> None:
    """DatabaseFileError unless `path` is a file."""
    if not path.is_file():
        raise DatabaseFileError(f"{what} {path}: "
                                f"{'not a file' if path.exists() else 'not found'}")


def back_up(source: Path, target: Path, what: str,
            counts: Mapping[str, str] | None = None) -> dict[str, int]:
    """A consistent copy of the database at `source` in a new file `target` (mode 0600),
    also while a hub serves or a node syncs from it; what each of `counts` (name: a
    `SELECT count(*) ...`) counts in the copy.

    SQLite's VACUUM INTO reads one snapshot and writes only live rows: what a withdrawal,
    correction or purge erased before the copy is not in it. The copy is checked
    (`PRAGMA quick_check`) before it takes its name, so a file named `target` is whole."""
    if target.exists():
        raise DatabaseFileError(f"{target} exists; choose another file name")
    if not target.parent.is_dir():
        raise DatabaseFileError(f"{target}: no directory {target.parent} to write it in")
    existing_file(source, what)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with database_errors(source, what):
            conn = sqlite3.connect(source)
            umask = os.umask(0o077)  # the encodings are the hub's and nodes' to read alone
            try:
                conn.execute("VACUUM INTO ?", [str(partial)])
            finally:
                os.umask(umask)
                conn.close()
        with database_errors(partial, "copy"):
            copy = sqlite3.connect(partial)
            try:
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
                counted = {name: copy.execute(sql).fetchone()[0]
                           for name, sql in (counts or {}).items()}
            finally:
                copy.close()
        if verdict != "ok":
            raise DatabaseFileError(f"{what} {source}: the copy does not check ({verdict}); "
                                    "nothing was written")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)  # a copy cut short (a full disk) is not left behind
    return counted
