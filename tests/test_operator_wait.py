"""An operator's command waits for the serving hub's write lock (README "Hub operator"):
while a link run holds it, `hub backup`, `hub revoke`, `hub lookups`, `hub clusters` and
`audit export --home` wait past SQLite's 5 s and then do their work; a lock held past
the operator's wait is one line, and a backup whose entry could not be written is not
left behind. The link run is played by a second connection holding `BEGIN IMMEDIATE`."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hub.store import SERVER_WAIT_S
from tests.lookup_support import run


@contextmanager
def write_lock(database: Path, seconds: float | None = None) -> Iterator[None]:
    """The database's write lock held by another connection, as a serving hub's link run
    holds it, for `seconds` (None: until the block ends)."""
    conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    released = threading.Lock()

    def release() -> None:
        with released:
            if conn.in_transaction:
                conn.execute("COMMIT")

    timer = threading.Timer(seconds, release) if seconds is not None else None
    if timer is not None:
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
        release()
        conn.close()


def actions(database: Path) -> list[str]:
    with sqlite3.connect(database) as conn:
        return [json.loads(entry)["action"] for (entry,) in conn.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")]


def test_operator_commands_wait_out_a_lock_held_past_sqlites_default(hub_home, pki,
                                                                      tmp_path):
    database = hub_home / "hub.db"
    before = actions(database)
    commands = {
        "backup_made": ["hub", "backup", "--home", hub_home, "--out", tmp_path / "copy.db"],
        "certificate_revoked": ["hub", "revoke", "--home", hub_home, "--cert",
                                pki.root / "node-GM0363.pem", "--reason", "key_stolen"],
        "lookups_disabled": ["hub", "lookups", "disable", "--home", hub_home, "--all"],
        "clusters_read": ["hub", "clusters", "--home", hub_home],
        "log_exported": ["audit", "export", "--home", hub_home, "--out",
                         tmp_path / "audit.db"],
    }
    codes: dict[str, int] = {}
    held = SERVER_WAIT_S + 1  # longer than a connection of SQLite's default waits
    started = time.monotonic()
    with write_lock(database, held):
        # all at once, so the test waits out the lock once
        threads = [threading.Thread(target=lambda a=action, c=command: codes.update(
            {a: run(*c)})) for action, command in commands.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert codes == dict.fromkeys(commands, 0)
    assert time.monotonic() - started >= held
    assert sorted(actions(database)[len(before):]) == sorted(commands)
    assert (tmp_path / "copy.db").is_file()


def test_a_lock_held_past_the_operators_wait_is_one_line_and_leaves_no_backup(
        hub_home, pki, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("hub.store.OPERATOR_WAIT_S", 0.5)
    database = hub_home / "hub.db"
    before = actions(database)
    copy = tmp_path / "copy.db"
    locked = "zichtlijn: the hub database stayed locked for 0.5 s (a link run?); try again\n"
    capsys.readouterr()
    with write_lock(database):
        assert run("hub", "backup", "--home", hub_home, "--out", copy) == 1
        assert capsys.readouterr().err == (
            "zichtlijn: the hub database stayed locked for 0.5 s (a link run?), so the backup "
            f"could not be logged and {copy} was removed; try again\n")
        assert list(tmp_path.glob("copy.db*")) == []
        assert run("hub", "revoke", "--home", hub_home, "--cert",
                   pki.root / "node-GM0363.pem", "--reason", "key_stolen") == 1
        assert capsys.readouterr().err == locked
        assert run("hub", "lookups", "disable", "--home", hub_home, "--all") == 1
        assert capsys.readouterr().err == locked
    assert actions(database) == before
