"""Night-by-night linking at the hub gives the same persons as one full relink."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from hub.linker import Linker
from hub.linker_rows import LinkerUnusableError, StoredClusterError
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.linking import link_all
from linkage.schema import default_schema
from linkage.table import EncodingTable
from tests.linker_support import encoded_sightings, log_removal, nightly_batches, partition
from zichtlijn import wire
from zichtlijn.errors import USER_ERRORS, describe


@pytest.fixture(scope="module")
def uploads():
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    return nightly_batches(encoded_sightings(encoder, 250, seed=3), 97)  # uneven nights


def test_incremental_linking_equals_full_relink(tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    nightly = partition(store)
    person_ids = {row[2]: row[0] for row in store.clusters()}

    linker.relink_all()
    assert partition(store) == nightly
    assert {row[2]: row[0] for row in store.clusters()} == person_ids
    assert sum(len(g) for g in nightly) == sum(len(b) for _, b in uploads)
    assert any(len(g) >= 3 for g in nightly)
    assert store.count_persons() == len(nightly)
    store.close()


def test_one_gemeentes_copies_of_a_record_share_a_copy_key(tmp_path):
    import uuid

    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    [(_, record), (_, other), *_] = encoded_sightings(encoder, 5, seed=3)
    copies = []
    for _ in range(3):
        copy = type(record)()
        copy.CopyFrom(record)
        copy.sighting_uuid = str(uuid.uuid4())
        copies.append(copy)
    store = HubStore(tmp_path / "hub.db")
    for gemeente, batch in (("GM0363", [copies[0], copies[1], other]), ("GM0599", [copies[2]])):
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    linker = Linker(store, default_schema(), MatchPolicy())
    linker.link_pending()
    keys = linker.graph.copies[:4].tolist()  # rows in the order stored
    assert keys[0] == keys[1] and len(set(keys)) == 3 and min(keys) > 0
    # another gemeente's identical record is a control of its own, as is another record
    restarted = Linker(store, default_schema(), MatchPolicy())  # keys rebuilt at start-up
    assert restarted.graph.copies[:4].tolist() == keys
    store.close()


def test_a_large_upload_is_linked_in_runs_that_give_the_persons_of_one(tmp_path, uploads,
                                                                        monkeypatch):
    """A first sync's history is linked LINK_RUN_SIGHTINGS at a time, releasing the linker
    between runs for lookups at the door; the persons are those of one run."""
    from hub import linker as linker_module

    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    monkeypatch.setattr(linker_module, "LINK_RUN_SIGHTINGS", 40)
    released = []
    lock = linker._lock

    class CountingLock:  # records each release, as a waiting lookup would get the lock
        def __enter__(self):
            return lock.__enter__()

        def __exit__(self, *exc):
            released.append(1)
            return lock.__exit__(*exc)

    monkeypatch.setattr(linker, "_lock", CountingLock())
    run = linker.link_pending()
    total = sum(len(b) for _, b in uploads)
    assert run.new_sightings == total
    assert len(released) >= total // 40  # a run of 40 at most, then the lock is free
    monkeypatch.setattr(linker, "_lock", lock)
    in_runs = partition(store)
    linker.relink_all()  # one run of everything
    assert partition(store) == in_runs
    with store.lock:
        actions = [json.loads(entry)["action"] for (entry,) in store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")]
    before_relink = actions[: actions.index("relink")]
    assert before_relink.count("link_run") == -(-total // 40)  # each run its audit entry
    class Stopped(Exception):
        pass

    def stop(limit: int = -1) -> None:
        raise Stopped

    # a hub stopped mid-relink: every person forgotten (and logged so), none linked again
    monkeypatch.setattr(linker, "_link_pending", stop)
    with pytest.raises(Stopped):
        linker.relink_all()
    released.clear()
    restarted = Linker(store, default_schema(), MatchPolicy())
    monkeypatch.setattr(restarted, "_lock", CountingLock())
    assert restarted.link_pending(in_runs=False).new_sightings == total  # a hub not serving yet
    assert len(released) == 2  # one run, then the look at the threshold
    assert partition(store) == in_runs
    store.close()


def test_a_lookup_waiting_for_a_relink_is_told_so_when_it_can_wait_no_longer(tmp_path,
                                                                              uploads):
    from hub.linker_rows import LinkerBusyError
    from tests.lookup_support import relink_in_progress

    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    gemeente, batch = uploads[0]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    linker.link_pending()
    probe = {1: wire.identity_from_wire(batch[0].subject)}
    with relink_in_progress(linker):
        with pytest.raises(LinkerBusyError, match=r"^the hub is linking every sighting again, "
                                                  r"since \d\d:\d\d$"):
            linker.probe(probe, wait=0.05)
        with pytest.raises(LinkerBusyError):  # a withdrawal waits no longer, changes nothing
            linker.remove([1], log_removal, wait=0.05)
    assert linker.probe(probe, wait=0.05).outcome == "person"  # free again, and it was seen
    assert store.count_sightings() == len(batch)
    store.close()


def fail_next_transaction(store: HubStore, monkeypatch, error: Exception) -> None:
    """The next write transaction raises `error` after its statements ran (and rolls back)."""
    real = store.transaction

    @contextlib.contextmanager
    def failing():
        monkeypatch.setattr(store, "transaction", real)
        with real() as conn:
            yield conn
            raise error

    monkeypatch.setattr(store, "transaction", failing)


def test_a_link_run_whose_write_fails_leaves_nothing_half_done(tmp_path, uploads, monkeypatch):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in uploads[:2]:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    gemeente, batch = uploads[2]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    fail_next_transaction(store, monkeypatch, sqlite3.OperationalError("disk I/O error"))
    with pytest.raises(sqlite3.OperationalError):
        linker.link_pending()

    # the sightings stayed pending; the next run takes them in once, as a batch run would
    linker.link_pending()
    for gemeente, batch in uploads[3:]:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    assert linker.rows.size == sum(len(b) for _, b in uploads)
    nightly = partition(store)
    linker.relink_all()
    assert partition(store) == nightly
    store.close()


def test_a_linker_that_cannot_rebuild_its_memory_refuses_further_runs(tmp_path, uploads,
                                                                     monkeypatch):
    path = tmp_path / "hub.db"
    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy())
    gemeente, batch = uploads[0]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    linker.link_pending()
    with sqlite3.connect(path) as other:  # edited by hand while the hub runs
        other.execute("UPDATE sightings SET person_id = 'nobody' WHERE seq = 1")
    other.close()
    gemeente, batch = uploads[1]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    fail_next_transaction(store, monkeypatch, sqlite3.OperationalError("database is locked"))

    with pytest.raises(LinkerUnusableError) as refused:
        linker.link_pending()
    expected = ("hub linker: memory could not be rebuilt from the database after a failed "
                "run (hub database: person id 'nobody' is not P- and 12 hex digits; restore "
                "the database from a backup); fix the database and restart the hub")
    assert describe(refused.value) == expected
    assert isinstance(refused.value, USER_ERRORS)
    for later in (linker.link_pending, lambda: linker.remove([1], log_removal),
                  lambda: linker.probe({})):
        with pytest.raises(LinkerUnusableError, match="restart the hub"):
            later()
    store.close()


def test_restarted_hub_continues_with_the_same_persons(tmp_path, uploads):
    path = tmp_path / "hub.db"
    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy())
    half = len(uploads) // 2
    for gemeente, batch in uploads[:half]:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    store.close()

    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in uploads[half:]:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    continued = partition(store)
    linker.relink_all()
    assert partition(store) == continued
    store.close()


def test_a_restarted_hub_takes_its_nights_into_room_made_at_start_up(tmp_path):
    # a table that grows copies itself: at a million sightings a moment of some 380 MB.
    # 1,000 sightings loaded, then nights past 1,024: where a table loaded bare would grow
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    sightings = encoded_sightings(encoder, 330, seed=4)
    assert len(sightings) > 1100
    path = tmp_path / "hub.db"
    store = HubStore(path)
    for gemeente, batch in nightly_batches(sightings[:1000], 500):
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    Linker(store, default_schema(), MatchPolicy()).link_pending()
    store.close()

    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy())
    tables = {epoch: table.filters for epoch, table in linker.encodings.tables.items()}
    for gemeente, batch in nightly_batches(sightings[1000:], 50):
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    assert linker.encodings.size == len(sightings)
    assert all(linker.encodings.tables[epoch].filters is filters
               for epoch, filters in tables.items())
    store.close()


def last_sighting_with_cluster_seq(tmp_path, uploads, cluster_seq) -> tuple[Path, int, str]:
    """A hub database of one linked night whose last sighting's cluster_seq was edited by
    hand to `cluster_seq` (a callable of the seq); the path, that seq and its UUID."""
    path = tmp_path / "hub.db"
    store = HubStore(path)
    gemeente, batch = uploads[0]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    Linker(store, default_schema(), MatchPolicy()).link_pending()
    store.close()
    with sqlite3.connect(path) as conn:  # SQLite's INTEGER affinity keeps text as text
        seq, uuid = conn.execute("SELECT seq, sighting_uuid FROM sightings WHERE linked = 1 "
                                 "ORDER BY seq DESC LIMIT 1").fetchone()
        conn.execute("UPDATE sightings SET cluster_seq = ? WHERE seq = ?",
                     [cluster_seq(seq), seq])
    conn.close()
    return path, seq, uuid


def refusal_at_start(path: Path) -> str:
    """The one line a hub starting on this database stops with."""
    store = HubStore(path)
    with pytest.raises(StoredClusterError) as refused:
        Linker(store, default_schema(), MatchPolicy())
    store.close()
    assert isinstance(refused.value, USER_ERRORS)  # the CLI prints it, no traceback
    return describe(refused.value)


def test_a_cluster_seq_naming_no_sighting_is_one_line_for_the_operator(tmp_path, uploads):
    path, seq, uuid = last_sighting_with_cluster_seq(tmp_path, uploads, lambda s: s + 1000)
    assert refusal_at_start(path) == (
        f"hub database: sighting seq {seq} ({uuid!r}) has cluster_seq {seq + 1000}, which "
        "names no linked sighting; restore the database from a backup")


@pytest.mark.parametrize("stored", ["seven", 7.5])
def test_a_cluster_seq_that_is_no_seq_is_one_line_for_the_operator(tmp_path, uploads, stored):
    path, seq, _ = last_sighting_with_cluster_seq(tmp_path, uploads, lambda _: stored)
    assert refusal_at_start(path) == (
        f"hub database: sighting seq {seq} has cluster_seq {str(stored)!r}, which is not a "
        "sighting seq; restore the database from a backup")


def test_hub_linker_agrees_with_batch_link_all(tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    encodings, entities = [], []
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        encodings += [wire.identity_from_wire(s.subject) for s in batch]
        entities += [[(e.kind, e.token) for e in s.entities] for s in batch]
    assert any(entities), "the carousel's sightings carry phones, plates, addresses"
    linker.link_pending()
    table = EncodingTable.for_schema(default_schema())
    table.append(encodings, entities)
    labels = link_all(table, MatchPolicy())
    uuids = [s.sighting_uuid for _, batch in uploads for s in batch]
    groups: dict[int, set[str]] = {}
    for label, sighting in zip(labels.tolist(), uuids, strict=True):
        groups.setdefault(label, set()).add(sighting)
    assert {frozenset(g) for g in groups.values()} == partition(store)
    store.close()


def test_the_hub_logs_an_unusable_linker_as_one_line_for_the_operator(tmp_path, caplog):
    import logging

    from hub.sync_service import SyncService

    class Unusable:
        def link_pending(self):
            raise LinkerUnusableError("hub linker: memory could not be rebuilt from the "
                                      "database after a failed run (x); fix the database "
                                      "and restart the hub")

    store = HubStore(tmp_path / "hub.db")
    service = SyncService(store, Unusable(), default_schema(), heads=None)
    with caplog.at_level(logging.ERROR):
        service._link()
    store.close()
    [record] = caplog.records
    assert record.getMessage().endswith("fix the database and restart the hub")
    assert record.exc_info is None  # no traceback in the hub's log


def test_a_database_of_another_schema_is_refused_in_one_line(tmp_path, uploads):
    """A hub upgraded to another schema must not compare the old encodings with new ones."""
    from linkage.schema import SchemaError, default_schema_text, parse_schema

    store = HubStore(tmp_path / "hub.db")
    gemeente, batch = uploads[0]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    other = parse_schema(default_schema_text().replace("diffusion_taps = 3", "diffusion_taps = 2"))
    with pytest.raises(SchemaError) as caught:
        Linker(store, other, MatchPolicy())
    message = describe(caught.value)
    assert message == (
        f"hub database: {len(batch)} sighting(s) were encoded under linkage schema "
        f"{default_schema().fingerprint.hex()[:12]}, this hub runs {other.label}; encodings "
        "of two schemas cannot be compared: see README \"Changing the linkage schema\"")
    assert isinstance(caught.value, USER_ERRORS)
    Linker(store, default_schema(), MatchPolicy())  # the schema it was made with: fine
    store.close()
