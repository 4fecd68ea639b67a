"""Who is linked with whom is in the audit log as a digest: every entry of a change that
can move sightings between persons records the persons after it, `audit verify` compares
the newest with what hub.db holds, and a hub started on persons it did not leave links
everything again."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from hub import partition, records
from hub.erase_gemeente import erase_gemeente
from hub.linker import Linker
from hub.retention import purge
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from tests.linker_support import encoded_sightings, nightly_batches
from tests.lookup_support import audit_hub, persons_of, running_hub, three_towns
from zichtlijn import wire
from zichtlijn.v1.encoding_pb2 import EncodedSighting

ENCODER = Encoder(default_schema(), derive_purpose_keys(b"\x0b" * 32, 1))


@pytest.fixture(scope="module")
def batches():
    return nightly_batches(encoded_sightings(ENCODER, 60, seed=4), 40)


@pytest.fixture()
def hub(tmp_path, batches):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in batches:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    yield store, linker
    store.close()


def recorded(store: HubStore) -> tuple[str, str, str]:
    """(action of the newest entry recording the persons, its digest, the database's)."""
    with store.lock:
        index, logged = partition.last_logged(store.db.conn)
        (raw,) = store.db.execute("SELECT entry FROM audit_entries WHERE idx = ?",
                                  [index]).fetchone()
        return json.loads(raw)["action"], logged, partition.stored_partition(store.db.conn)


def held_persons(store: HubStore) -> dict[str, str]:
    return {uuid_: person for person, _, uuid_, _ in store.clusters()}


def two_persons(store: HubStore) -> tuple[str, str]:
    """A sighting of one person and another person's id."""
    persons = held_persons(store)
    first = next(iter(persons))
    other = next(p for p in persons.values() if p != persons[first])
    return first, other


def join_by_hand(conn: sqlite3.Connection, persons: dict[str, str]) -> tuple[str, str]:
    """Move a sighting into another person in hub.db, as an insider would: (its UUID, the
    person id it was given)."""
    moved = next(iter(persons))
    into = next(p for p in persons.values() if p != persons[moved])
    conn.execute("UPDATE sightings SET person_id = ? WHERE sighting_uuid = ?", [into, moved])
    return moved, into


def test_the_digest_depends_on_who_is_with_whom_and_on_nothing_else():
    seqs, persons, clusters = [1, 2, 3], [7, 7, 9], [1, 1, 3]
    digest = partition.partition_digest(seqs, persons, clusters)
    assert partition.partition_digest(seqs, persons, clusters) == digest
    assert partition.partition_digest(seqs, [7, 9, 9], clusters) != digest
    assert partition.partition_digest(seqs, persons, [1, 2, 3]) != digest
    assert partition.partition_digest([1, 2, 4], persons, clusters) != digest


def test_every_link_run_records_the_persons_it_leaves(hub):
    store, linker = hub
    action, logged, stored = recorded(store)
    assert action == "link_run"
    assert logged == stored == linker.partition()


def test_every_change_of_persons_records_them(hub, batches):
    store, linker = hub
    gemeente, batch = batches[0]
    records.withdraw(store, linker, gemeente, batch[0].sighting_uuid, "entered_in_error")
    assert recorded(store)[0] == "withdraw"
    assert len(set(recorded(store)[1:])) == 1

    corrected = EncodedSighting()
    corrected.CopyFrom(batch[1])
    corrected.subject.CopyFrom(batch[-1].subject)  # now another woman's
    records.correct(store, linker, default_schema(), gemeente, corrected,
                    dt.date(2026, 11, 23))
    # the removal recorded its persons, then the corrected sighting's link run
    assert recorded(store)[0] == "link_run"
    assert len(set(recorded(store)[1:])) == 1

    erase_gemeente(store, linker, batches[-1][0], "left", "operator-cli:test")
    assert recorded(store)[0] == "gemeente_erased"
    assert len(set(recorded(store)[1:])) == 1

    purge(store, linker, dt.date(2030, 1, 1), 12)
    action, logged, stored = recorded(store)
    assert action == "retention_purge" and logged == stored == linker.partition()

    linker.relink_all()
    assert recorded(store)[0] in ("relink", "link_run")
    assert len(set(recorded(store)[1:])) == 1


def test_a_hub_started_on_persons_changed_in_its_database_links_everything_again(
        hub, tmp_path, caplog):
    store, _ = hub
    before = held_persons(store)
    moved, into = two_persons(store)
    with store.transaction() as conn:
        conn.execute("UPDATE sightings SET person_id = ? WHERE sighting_uuid = ?",
                     [into, moved])
    _, logged, stored = recorded(store)
    assert logged != stored

    restarted = Linker(store, default_schema(), MatchPolicy())
    assert restarted.relinked_at_start  # so a serving hub evaluates every alert again
    assert held_persons(store) == before
    with store.lock:
        entries = [json.loads(raw) for (raw,) in store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")]
    relinks = [e for e in entries if e["action"] == "relink"]
    assert [(e["reason"], e["actor"]) for e in relinks] == [("stored_persons_differ", "hub:hub")]
    assert entries[relinks[0]["logged_entry"]]["partition"] == logged
    assert recorded(store)[1] == recorded(store)[2] == restarted.partition()
    assert "persons are not those log entry" in caplog.text
    assert moved not in caplog.text and into not in caplog.text

    # started on the persons it left, it changes nothing and logs nothing
    count = len(entries)
    assert not Linker(store, default_schema(), MatchPolicy()).relinked_at_start
    with store.lock:
        assert store.db.execute("SELECT count(*) FROM audit_entries").fetchone()[0] == count


def test_a_person_id_the_hub_never_writes_differs_from_every_logged_digest(hub):
    store, _ = hub
    moved, _ = two_persons(store)
    with store.transaction() as conn:
        conn.execute("UPDATE sightings SET person_id = 'P-someone' WHERE sighting_uuid = ?",
                     [moved])
    _, logged, stored = recorded(store)
    assert stored != logged


def test_a_log_from_before_entries_recorded_persons_is_taken_as_it_is(hub):
    store, _ = hub
    with store.transaction() as conn:
        rows = conn.execute("SELECT idx, entry FROM audit_entries").fetchall()
        for idx, raw in rows:
            entry = json.loads(raw)
            entry.pop("partition", None)
            conn.execute("UPDATE audit_entries SET entry = ? WHERE idx = ?",
                         [json.dumps(entry).encode(), idx])
        moved, into = two_persons(store)
        conn.execute("UPDATE sightings SET person_id = ? WHERE sighting_uuid = ?",
                     [into, moved])
    with store.lock:
        assert partition.last_logged(store.db.conn) is None
    Linker(store, default_schema(), MatchPolicy())
    assert held_persons(store)[moved] == into  # nothing to compare with: left as held


def test_audit_verify_catches_two_persons_joined_in_the_hub_database(tmp_path, pki,
                                                                    secret_file, capsys):
    """The insider's false carousel: two persons joined by hand in hub.db. Their sightings
    are as the nodes signed them; the persons are not those the linker last logged."""
    with running_hub(tmp_path, pki) as hub:
        three_towns(tmp_path, pki, secret_file, hub)
        code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
        assert code == 0, out
        persons = persons_of(hub)
    with sqlite3.connect(tmp_path / "hub" / "hub.db") as conn:
        moved, into = join_by_hand(conn, persons)
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 1
    assert "moved between persons in hub.db" in out
    assert into not in out and moved not in out

    # the hub, started again, links everything again and says so in its log
    with running_hub(tmp_path, pki):
        pass
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 0, out
    with sqlite3.connect(tmp_path / "hub" / "hub.db") as conn:
        reasons = [json.loads(raw).get("reason") for (raw,) in conn.execute(
            "SELECT entry FROM audit_entries WHERE CAST(entry AS TEXT) LIKE '%\"relink\"%'")]
    assert reasons == ["stored_persons_differ"]


def test_a_link_run_written_into_the_log_by_hand_is_reported(tmp_path, pki, secret_file,
                                                            capsys):
    """The insider who joins two persons and writes a `link_run` entry recording the
    joined persons (the hub signs whatever hub.db holds) passes the persons check; but the
    linker logs a run only when it links a new sighting, and one of none is reported."""
    from hub import audit_log
    from hub.store import utc_now

    with running_hub(tmp_path, pki) as hub:
        three_towns(tmp_path, pki, secret_file, hub)
        persons = persons_of(hub)
    with sqlite3.connect(tmp_path / "hub" / "hub.db") as conn:
        join_by_hand(conn, persons)
        audit_log.append(conn, utc_now(), "hub:hub", "link_run", new_sightings=0,
                         candidate_pairs=0, new_links=0, persons_changed=1,
                         partition=partition.stored_partition(conn))
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 1
    assert "link run of no new sightings, which the linker never logs" in out
    assert "moved between persons" not in out  # the forged entry records the join
