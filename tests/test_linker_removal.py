"""Removing sightings from the hub's linker re-clusters exactly what a full relink builds."""

from __future__ import annotations

import uuid

import pytest

from hub.linker import Linker
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from tests.linker_support import encoded_sightings, log_removal, nightly_batches, partition
from zichtlijn import wire


@pytest.fixture(scope="module")
def batches():
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x06" * 32, 1))
    return nightly_batches(encoded_sightings(encoder, 200, seed=9), 120)


def persons(store: HubStore) -> dict[str, str]:
    return {uuid_: person for person, _, uuid_, _ in store.clusters()}


def test_removal_then_relink_gives_the_same_persons(tmp_path, batches):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in batches:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    # remove the first sighting of every person with three or more (their person id changes)
    # and one middle sighting of others: components split and persons get renamed
    by_person: dict[str, list[int]] = {}
    with store.lock:
        for seq, person in store.db.execute(
                "SELECT seq, person_id FROM sightings ORDER BY seq").fetchall():
            by_person.setdefault(person, []).append(seq)
    doomed = [seqs[0] if len(seqs) >= 3 else seqs[len(seqs) // 2]
              for seqs in by_person.values() if len(seqs) >= 2][::2]
    assert len(doomed) >= 10
    recorded = []
    run = linker.remove(doomed, record=lambda conn, r: recorded.append(r))
    assert run.removed == len(doomed) and recorded and run.persons_changed > 0
    assert store.count_sightings() == sum(len(b) for _, b in batches) - len(doomed)
    with store.lock:
        dangling = store.db.execute(
            "SELECT count(*) FROM links WHERE a NOT IN (SELECT seq FROM sightings) "
            "OR b NOT IN (SELECT seq FROM sightings)").fetchone()[0]
    assert dangling == 0
    after_removal = persons(store)

    linker.relink_all()
    assert persons(store) == after_removal

    # a restarted hub continues from the database as if nothing was ever removed in memory
    store.close()
    store = HubStore(tmp_path / "hub.db")
    Linker(store, default_schema(), MatchPolicy()).relink_all()
    assert persons(store) == after_removal
    store.close()


def test_removed_rows_are_never_candidates_again(tmp_path, batches):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    gemeente, batch = batches[0]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    linker.link_pending()
    victim = batch[0]
    with store.lock:
        (seq,) = store.db.execute("SELECT seq FROM sightings WHERE sighting_uuid = ?",
                                  [victim.sighting_uuid]).fetchone()
    linker.remove([seq], log_removal)
    probe = linker.probe({victim.epoch: wire.identity_from_wire(victim.subject)})
    assert seq not in probe.seqs
    # the same encoding, uploaded under a new UUID, links as a fresh sighting
    again = type(victim).FromString(victim.SerializeToString())
    again.sighting_uuid = str(uuid.uuid4())
    store.store_batch(gemeente, wire.batch_digest([again]), [again])
    assert linker.link_pending().new_sightings == 1
    linked_before = partition(store)
    linker.relink_all()
    assert partition(store) == linked_before
    store.close()


def links(store: HubStore) -> set[tuple[str, str]]:
    with store.lock:
        return set(store.db.execute(
            "SELECT x.sighting_uuid, y.sighting_uuid FROM links l JOIN sightings x "
            "ON x.seq = l.a JOIN sightings y ON y.seq = l.b").fetchall())


@pytest.mark.parametrize("cap", [2, 4])
def test_a_removal_lets_the_next_sighting_below_a_capped_block(tmp_path, batches,
                                                                monkeypatch, cap):
    """A common name's undated block holds only its first sightings (the cap); when one of
    them is withdrawn the next to have arrived moves up, as a relink would rank it."""
    from linkage import blocking

    monkeypatch.setattr(blocking, "UNDATED_GROUP_CAP", cap)
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in batches:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    with store.lock:
        doomed = [seq for (seq,) in store.db.execute(
            "SELECT seq FROM sightings ORDER BY seq LIMIT 60")][::3]
    linker.remove(doomed, log_removal)
    after_removal, links_after_removal = persons(store), links(store)
    linker.relink_all()
    assert links(store) == links_after_removal
    assert persons(store) == after_removal
    store.close()
