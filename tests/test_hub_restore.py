"""Restoring from a backup (README "Restoring from a backup").

A hub restored from a backup gets back from its nodes what it lost, and its audit log
says what happened: the hub is backed up; then Amsterdam syncs a night's controls,
Rotterdam withdraws a sighting and Utrecht corrects one. The hub is lost and restored
from the backup, which holds none of that. Amsterdam's node, which verified the lost log
entries, refuses the restored log until told of the restore; then each node sends again
what it lost. Without any backup the hub is rebuilt from its nodes the same way. A node
restored from its own backup takes back the UUIDs of what it synced after it."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from hub.admin_cli import serving
from hub.alerts.store import create_tables as create_alert_tables
from hub.restore import CURSOR_JUMP
from node.store import NodeStore
from tests.lookup_support import (
    ELENA,
    ROWS,
    csv_bytes,
    day,
    import_and_sync,
    run,
    running_hub,
    three_towns,
    uuids_by_case,
    write_json,
)
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2

NIGHT = [["AMS-9", day(200), "Oksana", "Melnyk", "05-05-1993", "v", "", "nee", ""],
         ["AMS-10", day(201), "Iulia", "Țurcanu", "14-03-1998", "v", "", "nee", ""]]


def held(home: Path) -> dict[str, bytes]:
    """sighting_uuid -> content digest, of every sighting the hub database holds."""
    with sqlite3.connect(home / "hub.db") as conn:
        return {uuid: bytes(digest) for uuid, digest in conn.execute(
            "SELECT sighting_uuid, digest FROM sightings")}


def log_actions(home: Path) -> list[dict]:
    with sqlite3.connect(home / "hub.db") as conn:
        return [json.loads(entry) for (entry,) in conn.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")]


@contextmanager
def hub_on(tmp_path: Path, pki, homes: dict[str, Path]):
    """The hub of `tmp_path / "hub"` serving again, on a port of its own: the nodes are
    told the new address."""
    with running_hub(tmp_path, pki) as hub:
        for home in homes.values():
            config = home / "node.toml"
            text = config.read_text("utf-8")
            start = text.index('hub = "') + len('hub = "')
            end = text.index('"', start)
            config.write_text(text[:start] + f"127.0.0.1:{hub.port}" + text[end:], "utf-8")
        yield hub


@pytest.fixture()
def world_of_three(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki) as hub:
        yield hub, three_towns(tmp_path, pki, secret_file, hub)


def test_a_restored_hub_gets_back_what_it_lost_from_its_nodes(tmp_path, pki, secret_file,
                                                              capsys):
    hub_home = tmp_path / "hub"
    backup = tmp_path / "hub-backup.db"
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
        import_and_sync(tmp_path, homes["GM0363"], NIGHT)
        assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7",
                   "--reason", "erasure") == 0
        assert run("node", "correct", "--home", homes["GM0344"], "UTR-4", "--from-json",
                   write_json(tmp_path, {**ELENA, "given_names": "Maria",
                                         "surname": "de Vries"})) == 0
    before = held(hub_home)
    withdrawn = next(e for e in log_actions(hub_home) if e["action"] == "withdraw")

    capsys.readouterr()
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    said = capsys.readouterr().out
    assert "restored 7 sightings and an audit log of 9 entries" in said
    assert held(hub_home) != before
    [restored] = [e for e in log_actions(hub_home) if e["action"] == "restore"]
    digest = hashlib.sha256(backup.read_bytes()).hexdigest()
    assert f"(SHA-256 {digest}, as its backup_made entry logs it)" in said
    assert (restored["log_size"], restored["backup"], restored["sha256"]) == (
        9, backup.name, digest)
    # the lost log's backup_made entry names the same file, size and content
    [made] = [e for e in log_actions(hub_home / "hub.db.before-restore")
              if e["action"] == "backup_made"]
    assert (made["log_size"], made["backup"], made["sha256"]) == (9, backup.name, digest)
    assert restored["actor"].startswith("operator-cli:")
    assert run("hub", "status", "--home", hub_home, "--check") == 1
    status = capsys.readouterr().out
    assert (f"restored     {restored['at']} by {restored['actor']} from {backup.name} "
            f"(SHA-256 {digest}), whose log held 9 entries" in status)
    # a reminder, until it is gone: the set-aside database holds what was erased since
    assert "WARNING: " + str(hub_home / "hub.db.before-restore") + " holds the database" in (
        status)
    # the database it replaced is set aside for the operator, not left in use
    assert held(hub_home / "hub.db.before-restore") == before
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 1
    assert "from an earlier restore" in capsys.readouterr().err

    with hub_on(tmp_path, pki, homes):
        capsys.readouterr()
        assert run("node", "sync", "--home", homes["GM0363"]) == 1
        err = capsys.readouterr().err
        # the lost history is longer than the restored one (9 entries, the backup's own
        # entry, the night's upload, ...), which the node sees as a truncation
        assert "hub shows a tree of 10 entries, smaller than the 11 this node verified" in err
        assert "restored from a backup, run `zichtlijn node sync --hub-restored`" in err
        assert err.count("\n") == 1

        assert run("node", "sync", "--home", homes["GM0363"], "--hub-restored") == 0
        out = capsys.readouterr().out
        # beyond: the head it verified at the night's start (over the backup's own entry)
        # and the night's receipt
        assert "2 tree head(s) beyond kept as evidence; 2 sighting(s) to send again" in out
        assert "synced 2 sightings" in out  # Amsterdam's night, sent again
        # Rotterdam's and Utrecht's nodes verified nothing the restore lost: their plain
        # nightly sync finds what it undid of their withdrawal and their correction
        assert run("node", "sync", "--home", homes["GM0599"]) == 0
        assert "the hub held 1 sighting(s) this node withdrew and 0 it corrected" in (
            capsys.readouterr().out)
        assert run("node", "sync", "--home", homes["GM0344"]) == 0
        assert "the hub held 0 sighting(s) this node withdrew and 1 it corrected" in (
            capsys.readouterr().out)
        # once agreed, every node syncs as before, and asking again changes nothing
        for gemeente in ROWS:
            assert run("node", "sync", "--home", homes[gemeente]) == 0
        assert "asked again" not in capsys.readouterr().out
        assert run("node", "sync", "--home", homes["GM0363"], "--hub-restored") == 0
        assert ("0 tree head(s) beyond kept as evidence; 0 sighting(s) to send again"
                in capsys.readouterr().out)

    assert held(hub_home) == before
    again = [e for e in log_actions(hub_home) if e["action"] == "withdraw"]
    assert [e["sighting"] for e in again] == [withdrawn["sighting"]]
    # the restored log, with the restore in it, verifies offline
    export = tmp_path / "audit.db"
    assert run("audit", "export", "--home", hub_home, "--out", export) == 0
    assert run("audit", "verify", export, "--log-key", hub_home / "log.vkey",
               "--ca", pki.root / "ca.pem") == 0
    assert "1 restore" in capsys.readouterr().out
    # what Amsterdam verified of the lost history is kept, signed, as evidence
    assert run("node", "status", "--home", homes["GM0363"]) == 0
    assert "tree head(s) of a history lost in a hub restore kept as evidence" in (
        capsys.readouterr().out)
    store = NodeStore(homes["GM0363"] / "node.db")
    try:
        kept = store.db.execute("SELECT count(*) FROM log_heads_abandoned").fetchone()[0]
        assert kept >= 1
        assert set(uuids_by_case(homes["GM0363"]).values()) <= set(before)
    finally:
        store.close()


def test_a_serving_hub_is_not_restored(hub_home, tmp_path, capsys):
    backup = tmp_path / "hub-backup.db"
    assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
    with serving(hub_home):
        assert run("hub", "restore", "--home", hub_home, "--from", backup) == 1
    assert "the hub is serving on this home; stop it first" in capsys.readouterr().err
    assert not (hub_home / "hub.db.before-restore").exists()


def test_a_restore_from_what_is_no_hub_backup_changes_nothing(hub_home, tmp_path, capsys):
    database = hub_home / "hub.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS marker (x)")
    before = database.read_bytes()
    node_db = tmp_path / "node.db"
    NodeStore(node_db, create=True).close()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database" * 100)
    for backup, said in ((node_db, "not a whole hub database (no sightings or audit log)"),
                         (damaged, "file is not a database: the file is damaged or is not a "
                                   "zichtlijn database; choose another backup"),
                         (tmp_path, "not a file"),
                         (tmp_path / "absent.db", "not found"),
                         (database, "is the hub database itself")):
        capsys.readouterr()
        assert run("hub", "restore", "--home", hub_home, "--from", backup) == 1
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1
        assert database.read_bytes() == before
        assert not (hub_home / "hub.db.before-restore").exists()


def test_a_restored_node_takes_back_the_uuids_of_what_it_synced_after_its_backup(
        tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        amsterdam = homes["GM0363"]
        backup = tmp_path / "node-backup.db"
        assert run("node", "backup", "--home", amsterdam, "--out", backup) == 0
        import_and_sync(tmp_path, amsterdam, NIGHT)  # writes and imports GM0363's csv
        assert run("node", "withdraw", "--home", amsterdam, "AMS-3", "--reason", "erasure") == 0
        at_hub = {uuid for uuid in held(hub.store.path.parent)}
        night = {case: uuid for case, uuid in uuids_by_case(amsterdam).items()
                 if case in ("AMS-9", "AMS-10")}

        for leftover in amsterdam.glob("node.db*"):
            leftover.unlink()
        backup.rename(amsterdam / "node.db")
        assert set(uuids_by_case(amsterdam)) == {"AMS-1", "AMS-2", "AMS-3"}
        capsys.readouterr()
        assert run("node", "recover", "--home", amsterdam) == 0
        out = capsys.readouterr().out
        assert ("the hub holds 4 sighting(s) of this node; 2 of them are not in this node's "
                "database" in out)
        # withdrawn at the hub after the backup: withdrawn here too, and kept out
        assert "1 held here were withdrawn at the hub after the backup" in out
        assert set(uuids_by_case(amsterdam)) == {"AMS-1", "AMS-2"}
        first_file = tmp_path / "first.csv"
        first_file.write_bytes(csv_bytes(ROWS["GM0363"]))
        assert run("node", "import", "--home", amsterdam, first_file) == 0
        refused = capsys.readouterr()
        withdrawn_row = next(row for row in ROWS["GM0363"] if row[0] == "AMS-3")
        assert f"'AMS-3' of {withdrawn_row[1]} was withdrawn on" in refused.err
        assert "unchanged 2, rejected 0, skipped 1 withdrawn" in refused.out
        assert run("node", "status", "--home", amsterdam) == 0
        assert "2 (0 not yet synced; 2 synced before a restore" in capsys.readouterr().out

        # the night's file imported again: its rows take back the UUIDs the hub holds
        night_file = tmp_path / "night.csv"
        night_file.write_bytes(csv_bytes(NIGHT))
        assert run("node", "import", "--home", amsterdam, night_file) == 0
        assert "imported 2 (2 of them already at the hub" in capsys.readouterr().out
        assert {case: uuids_by_case(amsterdam)[case] for case in night} == night
        assert run("node", "sync", "--home", amsterdam) == 0
        assert "synced 0 sightings" in capsys.readouterr().out
        assert set(held(hub.store.path.parent)) == at_hub
        # and the node can withdraw them again
        assert run("node", "withdraw", "--home", amsterdam, "AMS-9", "--reason", "error") == 0
        assert night["AMS-9"] not in held(hub.store.path.parent)


def test_what_a_recovered_node_took_back_is_sent_again_after_a_hub_restore(
        tmp_path, pki, secret_file, capsys):
    """The operations review: a node restored from its backup takes back the UUIDs of the
    night's rows from the hub (`node recover`, import): synced without a batch of its
    own. A later hub restore lost them, and `--hub-restored`, which sent again the
    batches logged beyond what the hub kept, sent nothing: they were gone for good."""
    hub_home = tmp_path / "hub"
    hub_backup, node_backup = tmp_path / "hub-backup.db", tmp_path / "node-backup.db"
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        amsterdam = homes["GM0363"]
        assert run("hub", "backup", "--home", hub_home, "--out", hub_backup) == 0
        assert run("node", "backup", "--home", amsterdam, "--out", node_backup) == 0
        import_and_sync(tmp_path, amsterdam, NIGHT)
        for lost in amsterdam.glob("node.db*"):
            lost.unlink()
        node_backup.rename(amsterdam / "node.db")
        assert run("node", "recover", "--home", amsterdam) == 0
        night_file = tmp_path / "night.csv"
        night_file.write_bytes(csv_bytes(NIGHT))
        capsys.readouterr()
        assert run("node", "import", "--home", amsterdam, night_file) == 0
        assert "imported 2 (2 of them already at the hub" in capsys.readouterr().out
    before = held(hub_home)
    assert run("hub", "restore", "--home", hub_home, "--from", hub_backup) == 0
    night = {uuids_by_case(amsterdam)[case] for case in ("AMS-9", "AMS-10")}
    assert not night & set(held(hub_home))
    with hub_on(tmp_path, pki, homes):
        capsys.readouterr()
        assert run("node", "sync", "--home", amsterdam, "--hub-restored") == 0
        assert "2 sighting(s) to send again" in capsys.readouterr().out
    assert held(hub_home) == before


def test_hub_restored_does_not_put_back_what_the_hub_purged_itself(tmp_path, pki,
                                                                     secret_file, capsys):
    """The review of the day's change: the first version sent again every sighting the hub
    did not hold, also those it had purged under a shorter retention than the node's,
    which it then held and showed in lookups until its next purge."""
    import datetime as dt

    from hub.retention import purge

    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        amsterdam = homes["GM0363"]
        purge(hub.store, hub.linker, dt.date.today(), 9)  # the hub keeps 9 months, the node 18
        purged = set(uuids_by_case(amsterdam).values()) - set(held(hub.store.path.parent))
        assert purged
        capsys.readouterr()
        assert run("node", "sync", "--home", amsterdam, "--hub-restored") == 0
        assert "0 sighting(s) to send again" in capsys.readouterr().out
        assert not purged & set(held(hub.store.path.parent))


def test_a_sync_refused_after_a_restore_still_asks_again_for_what_the_node_corrected(
        tmp_path, pki, secret_file, capsys):
    """The privacy officer's review: a hub restored from a backup of before a correction
    showed the RIECs the wrong woman's sighting again, and the node that corrected it,
    having verified the longer log, refused every plain sync until its operator was told
    of the restore. The correction is asked again all the same; the sync still refuses."""
    hub_home = tmp_path / "hub"
    backup = tmp_path / "hub-backup.db"
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        amsterdam = homes["GM0363"]
        assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
        assert run("node", "correct", "--home", amsterdam, "AMS-3", "--from-json",
                   write_json(tmp_path, {"given_names": "Ana", "surname": "Ciobanu",
                                         "date_of_birth": "01-01-1990", "sex": "v"})) == 0
        import_and_sync(tmp_path, amsterdam, NIGHT)  # verifies the longer log
        corrected = held(hub_home)[uuids_by_case(amsterdam)["AMS-3"]]
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    assert held(hub_home)[uuids_by_case(amsterdam)["AMS-3"]] != corrected
    with hub_on(tmp_path, pki, homes):
        capsys.readouterr()
        assert run("node", "sync", "--home", amsterdam) == 1
        said = capsys.readouterr()
        assert "the hub held 0 sighting(s) this node withdrew and 1 it corrected" in said.out
        assert "run `zichtlijn node sync --hub-restored`" in said.err
    assert held(hub_home)[uuids_by_case(amsterdam)["AMS-3"]] == corrected


def test_a_failed_asking_again_leaves_the_refusal_and_its_hint(tmp_path, pki, secret_file,
                                                               capsys, monkeypatch):
    """The review of the day's change: when asking again failed (a deadline), its error
    replaced the refusal, and the operator never read `--hub-restored`."""
    import grpc

    import node.cli as node_cli

    class Gone(grpc.RpcError):
        def code(self):
            return grpc.StatusCode.DEADLINE_EXCEEDED

        def details(self):
            return "Deadline Exceeded"

    def gone(*_args, **_kwargs):
        raise Gone()

    hub_home, backup = tmp_path / "hub", tmp_path / "hub-backup.db"
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
        import_and_sync(tmp_path, homes["GM0363"], NIGHT)  # verifies the longer log
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    monkeypatch.setattr(node_cli, "ask_again", gone)
    with hub_on(tmp_path, pki, homes):
        capsys.readouterr()
        assert run("node", "sync", "--home", homes["GM0363"]) == 1
        err = capsys.readouterr().err
    assert "asking again for withdrawals and corrections failed" in err
    assert err.rstrip().endswith("(README \"Restoring from a backup\")")
    assert "run `zichtlijn node sync --hub-restored`" in err


def test_a_hub_that_lost_its_database_without_a_backup_is_rebuilt_from_its_nodes(
        tmp_path, pki, secret_file, capsys):
    hub_home = tmp_path / "hub"
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7",
                   "--reason", "erasure") == 0
    before = held(hub_home)
    for lost in hub_home.glob("hub.db*"):
        lost.unlink()
    with hub_on(tmp_path, pki, homes):  # a new, empty database (log.key kept)
        for gemeente in ROWS:
            assert run("node", "sync", "--home", homes[gemeente], "--hub-restored") == 0
        assert "up to 0 entries" in capsys.readouterr().out
    assert held(hub_home) == before


def alert_changes(database: Path, count: int) -> list[int]:
    """Record `count` alert changes in `database`; their cursors."""
    with sqlite3.connect(database) as conn:
        create_alert_tables(conn)
        conn.execute("INSERT OR IGNORE INTO alerts VALUES ('A-1', 'carousel', 1.0, 1, x'00', "
                     "'2026-12-01', '2026-12-01', NULL)")
        return [conn.execute("INSERT INTO alert_events (alert_id, region, change, at, snapshot) "
                             "VALUES ('A-1', 'landelijk', 'updated', '2026-12-01', x'00') "
                             "RETURNING cursor").fetchone()[0] for _ in range(count)]


def test_a_riec_watcher_gets_every_alert_change_made_after_a_restore(hub_home, tmp_path):
    database = hub_home / "hub.db"
    alert_changes(database, 3)
    backup = tmp_path / "hub-backup.db"
    assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
    seen = alert_changes(database, 4)[-1]  # changes a watcher handled, lost with the hub
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    # the restored database's sequence stood at 3; a watcher resuming after `seen` would
    # never get changes numbered 4 to 7
    assert alert_changes(database, 1) == [seen + 1]
    # a database lost with the disk cannot say how far it had come, nor can the one an
    # earlier restore set aside: the cursor jumps
    for lost in hub_home.glob("hub.db*"):
        if lost.is_file():
            lost.unlink()
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    assert alert_changes(database, 1) == [3 + CURSOR_JUMP + 1]
    [*_, restored] = [e for e in log_actions(hub_home) if e["action"] == "restore"]
    assert restored["alert_cursor_from"] == 3 + CURSOR_JUMP + 1


GIVEN = ["Ana", "Elena", "Iulia", "Maria", "Oksana", "Zsofia", "Blessing", "Sanne"]
SURNAMES = ["Popa", "Rusu", "Melnyk", "Kovacs", "Osagie", "de Vries", "Moraru"]


def nodes_hold(homes: dict[str, Path]) -> dict[str, bytes]:
    """UUID -> digest (UUID included) of every synced sighting the nodes hold."""
    found = {}
    for home in homes.values():
        store = NodeStore(home / "node.db")
        try:
            for uuid, encoded in store.db.execute(
                    "SELECT sighting_uuid, encoded FROM sightings WHERE synced_at IS NOT NULL"):
                message = encoding_pb2.EncodedSighting.FromString(encoded)
                message.sighting_uuid = uuid
                found[uuid] = wire.sighting_digest(message)
        finally:
            store.close()
    return found


def random_night(rng: random.Random, tmp_path: Path, home: Path, night: int) -> None:
    """New controls, a withdrawal and a correction now and then, and the sync."""
    rows = [[f"{home.name}-{night}-{k}", day(rng.randint(0, 250)), rng.choice(GIVEN),
             rng.choice(SURNAMES), f"{rng.randint(1, 28):02d}-03-19{rng.randint(80, 99)}",
             "v", "", "nee", ""] for k in range(rng.randint(1, 4))]
    import_and_sync(tmp_path, home, rows)
    synced = sorted(uuids_by_case(home))
    if rng.random() < 0.4 and synced:
        assert run("node", "withdraw", "--home", home, rng.choice(synced),
                   "--reason", rng.choice(["error", "erasure"])) == 0
    synced = sorted(uuids_by_case(home))
    if rng.random() < 0.4 and synced:
        fixed = {"given_names": rng.choice(GIVEN), "surname": rng.choice(SURNAMES),
                 "date_of_birth": f"{rng.randint(1, 28):02d}-04-1990"}
        assert run("node", "correct", "--home", home, rng.choice(synced), "--from-json",
                   write_json(tmp_path, fixed)) == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_after_any_nights_a_restored_hub_holds_what_its_nodes_hold(tmp_path, pki, secret_file,
                                                                    seed):
    rng = random.Random(seed)
    hub_home = tmp_path / "hub"
    backup = tmp_path / "hub-backup.db"
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        for night in range(6):
            if night == rng.randint(1, 4) and not backup.exists():
                assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
            for home in homes.values():
                random_night(rng, tmp_path, home, night)
        if not backup.exists():
            assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
        assert held(hub_home) == nodes_hold(homes)
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    with hub_on(tmp_path, pki, homes):
        for home in homes.values():  # told or not, each node gets there
            if run("node", "sync", "--home", home) != 0:
                assert run("node", "sync", "--home", home, "--hub-restored") == 0
    assert held(hub_home) == nodes_hold(homes)


def test_a_node_database_of_an_earlier_release_is_upgraded_in_place(world_of_three, capsys):
    _, homes = world_of_three
    home = homes["GM0599"]
    database = home / "node.db"
    with sqlite3.connect(database) as conn:  # as the release before 2026-12-06 left it
        conn.execute("ALTER TABLE sightings DROP COLUMN corrected_on")
        conn.execute("DROP TABLE IF EXISTS withdrawn_cases")
        conn.execute("CREATE TABLE withdrawn_cases (case_ref TEXT PRIMARY KEY, "
                     "observed_on TEXT NOT NULL, withdrawn_on TEXT NOT NULL)")
        conn.execute("INSERT INTO withdrawn_cases VALUES ('OLD-1', '2026-01-01', '2026-02-01')")
    assert run("node", "withdraw", "--home", home, "RTM-7", "--reason", "error") == 0
    assert run("node", "correct", "--home", home, "RTM-8", "--from-json",
               write_json(home.parent, {**ELENA, "given_names": "Zsofia"})) == 0
    assert run("node", "sync", "--home", home) == 0
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT case_ref, sighting_uuid IS NOT NULL, reason "
                            "FROM withdrawn_cases ORDER BY case_ref").fetchall() == [
            ("OLD-1", 0, None), ("RTM-7", 1, "error")]
        assert conn.execute("SELECT count(*) FROM sightings WHERE corrected_on IS NOT NULL"
                            ).fetchone() == (1,)


def test_no_command_makes_a_new_database_where_the_hubs_was_lost(hub_home, tmp_path, capsys):
    # a monitoring check or a restarting service that made an empty hub.db would hide the
    # loss: the restore would take it for the database it replaces, and not move the
    # alert cursor past what a RIEC watcher may already have seen
    database = hub_home / "hub.db"
    alert_changes(database, 3)
    backup = tmp_path / "hub-backup.db"
    assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
    for lost in hub_home.glob("hub.db*"):
        lost.unlink()
    for command in (["status", "--check"], ["purge"], ["clusters"], ["nodes"], ["serve"]):
        capsys.readouterr()
        # serve: EX_CONFIG, which the unit does not restart on: waiting cannot mend it
        assert run("hub", *command, "--home", hub_home) == (78 if command == ["serve"] else 1)
        assert "the hub database is missing" in capsys.readouterr().err
        assert not database.exists()
        # nor its lock file: looking whether `hub serve` runs makes none (status, purge did)
        assert not (hub_home / "serve.lock").exists()
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    [*_, restored] = [e for e in log_actions(hub_home) if e["action"] == "restore"]
    assert restored["alert_cursor_from"] == 3 + CURSOR_JUMP + 1
