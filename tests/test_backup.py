"""`zichtlijn hub backup` and `zichtlijn node backup`: a whole copy of a database in use,
holding nothing erased before it; a damaged database is one line naming the file."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from node.records import stored
from node.store import NodeStore
from tests.lookup_support import run, running_hub, three_towns, uuids_by_case
from zichtlijn.database_file import DatabaseFileError, back_up


@pytest.fixture()
def world(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki) as hub:
        yield hub, three_towns(tmp_path, pki, secret_file, hub)


def rows(path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_a_serving_hub_is_copied_whole_and_for_its_operator_alone(world, tmp_path, capsys):
    hub, _ = world
    copy = tmp_path / "hub-copy.db"
    assert run("hub", "backup", "--home", hub.store.path.parent, "--out", copy) == 0
    held = rows(hub.store.path, "SELECT sighting_uuid, person_id FROM sightings ORDER BY 1")
    # the live log goes on with the backup's own entry, which the copy does not hold
    *log, made = rows(hub.store.path, "SELECT idx, entry FROM audit_entries ORDER BY idx")
    assert b'"action":"backup_made"' in made[1]
    assert rows(copy, "SELECT sighting_uuid, person_id FROM sightings ORDER BY 1") == held
    assert rows(copy, "SELECT idx, entry FROM audit_entries ORDER BY idx") == log
    assert f"{len(held)} sightings, audit log of {len(log)} entries" in capsys.readouterr().out
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    # never over an earlier copy, and only where it can be written
    assert run("hub", "backup", "--home", hub.store.path.parent, "--out", copy) == 1
    assert "exists; choose another file name" in capsys.readouterr().err
    assert run("hub", "backup", "--home", hub.store.path.parent,
               "--out", tmp_path / "absent" / "copy.db") == 1
    assert f"no directory {tmp_path / 'absent'} to write it in" in capsys.readouterr().err


def test_a_node_copy_holds_no_trace_of_a_sighting_withdrawn_before_it(world, tmp_path, capsys):
    _, homes = world
    home = homes["GM0599"]
    store = NodeStore(home / "node.db")
    withdrawn = stored(store, "RTM-7").message.subject.name_filter
    store.close()
    assert run("node", "withdraw", "--home", home, "RTM-7", "--reason", "erasure") == 0
    copy = tmp_path / "node-copy.db"
    assert run("node", "backup", "--home", home, "--out", copy) == 0
    assert "not yet synced" in capsys.readouterr().out
    assert set(rows(copy, "SELECT case_ref FROM sightings")) == {
        (case,) for case in uuids_by_case(home)}
    assert withdrawn not in copy.read_bytes()


@pytest.mark.parametrize("role", ["hub", "node"])
def test_a_damaged_database_is_one_line_naming_the_file(world, role, capsys):
    hub, homes = world
    home = hub.store.path.parent if role == "hub" else homes["GM0363"]
    if role == "hub":
        hub.stop(grace=0)
    database = home / f"{role}.db"
    for leftover in home.glob(f"{role}.db-*"):  # the write-ahead log of the last run
        leftover.unlink()
    database.write_bytes(b"not a database at all" * 200)
    capsys.readouterr()
    assert run(role, "status", "--home", home) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{role} database {database}: file is not a database" in err
    assert "restore it from a backup" in err


def test_a_copy_that_fails_halfway_leaves_nothing_behind(world, tmp_path):
    hub, _ = world
    copy = tmp_path / "hub-copy.db"
    with pytest.raises(DatabaseFileError, match="no such table"):
        back_up(hub.store.path, copy, "hub database", {"x": "SELECT count(*) FROM no_table"})
    assert list(tmp_path.glob("hub-copy.db*")) == []
