"""Above its start, the automatic threshold's rise is paid per name: a pair of dated
sightings pays only the part its name needs, counted when the threshold stepped (README
"The rise taken per name"). Here 30 women named Maria Popa and one Xenia Zamfirescu:
a rise of 2 makes the hub's bar 4.5, and the same evidence (an equal name, a date of
birth one day off: 4.0) joins Xenia's sightings but not two Maria Popas."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import numpy as np

from hub import linked_with
from hub.epoch_tables import EpochTables
from hub.linker import Linker
from hub.name_rise import NameRise, counted_names
from hub.probe import NO_MATCH, PERSON
from hub.store import HubStore
from linkage.compare import MatchPolicy, score_pairs
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.population import NameCounts, name_keys
from linkage.schema import default_schema
from linkage.table import EncodingTable
from node.csv_import import parse_row
from node.importer import encode_sighting
from tests.linker_support import log_removal, partition
from zichtlijn import wire

ENCODER = Encoder(default_schema(), derive_purpose_keys(b"\x0c" * 32, 1))
START = MatchPolicy().threshold
RISE = 2.0


def rise_at_twenty(population) -> float:
    return START + (RISE if population.persons >= 20 else 0.0)


def sighting(given: str, surname: str, born: dt.date) -> object:
    row = {"case_ref": "X-1", "observed_on": "2026-10-01", "given_names": given,
           "surname": surname, "date_of_birth": born.isoformat()}
    message = encode_sighting(parse_row(2, row, dt.date(2026, 11, 23)), ENCODER)
    message.sighting_uuid = str(uuid.uuid4())
    return message


MARIA_BORN = [dt.date(1975, 1, 3) + dt.timedelta(days=400 * k) for k in range(30)]
# a day before MARIA_BORN[7] (3 September 1982): in its window of three days (1-3)
DAY_OFF = MARIA_BORN[7] - dt.timedelta(days=1)


def store_batch(store: HubStore, batch: list) -> None:
    store.store_batch("GM0363", wire.batch_digest(batch), batch)


def person_of(store: HubStore, message) -> str:
    return next(person for person, _, uuid_, _ in store.clusters()
                if uuid_ == message.sighting_uuid)


def stepped_hub(tmp_path) -> tuple[HubStore, Linker, object]:
    """A hub of 30 Maria Popas and one Xenia Zamfirescu, stepped to the raised bar with
    its names counted; and Xenia's sighting."""
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy(), rise_at_twenty)
    xenia = sighting("Xenia", "Zamfirescu", MARIA_BORN[7])
    store_batch(store, [*(sighting("Maria", "Popa", born) for born in MARIA_BORN), xenia])
    assert linker.link_pending().relinked_at == START + RISE
    return store, linker, xenia


def test_a_rare_name_pays_less_of_the_rise_than_a_common_one(tmp_path):
    # the premise: an equal name with a date one day off scores between the start and
    # the raised bar, less than the rise below it
    pair = EncodingTable.for_schema(default_schema())
    pair.append([ENCODER.encode_identity(Identity("Xenia", "Zamfirescu", born))
                 for born in (MARIA_BORN[7], DAY_OFF)], [(), ()])
    evidence = float(score_pairs(pair, np.array([0]), np.array([1]), MatchPolicy())[0])
    assert START <= evidence < START + RISE

    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy(), rise_at_twenty)
    marias = [sighting("Maria", "Popa", born) for born in MARIA_BORN]
    xenia = sighting("Xenia", "Zamfirescu", MARIA_BORN[7])
    store_batch(store, [*marias, xenia])
    assert linker.link_pending().relinked_at == START + RISE
    with store.lock:
        relink = [json.loads(raw) for (raw,) in store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")][-2]
    # Maria Popa's name is kept; Xenia's, which no one else bears, is not
    assert relink["action"] == "relink" and relink["names_counted"] == 1

    # a night: each woman again, her date of birth one day off (the pair scores 4.0)
    xenia_again = sighting("Xenia", "Zamfirescu", DAY_OFF)
    maria_again = sighting("Maria", "Popa", DAY_OFF)
    store_batch(store, [xenia_again, maria_again])
    linker.link_pending()
    assert person_of(store, xenia_again) == person_of(store, xenia)
    assert person_of(store, maria_again) != person_of(store, marias[7])

    # a lookup at the door is answered with the same counts (the year one off)
    probe = {1: ENCODER.encode_identity(Identity("Xenia", "Zamfirescu",
                                                 MARIA_BORN[7].replace(year=1983)))}
    assert MARIA_BORN[7].year == 1982
    found = linker.probe(probe)
    assert found.outcome == PERSON and len(found.seqs) == 2
    maria_probe = {1: ENCODER.encode_identity(Identity("Maria", "Popa",
                                                       MARIA_BORN[7].replace(year=1983)))}
    assert linker.probe(maria_probe).outcome == NO_MATCH

    # the counts are kept: a restarted hub relinks to the same persons
    nightly = partition(store)
    Linker(store, default_schema(), MatchPolicy(), rise_at_twenty).relink_all()
    assert partition(store) == nightly
    # counted again from what is held now: more Maria Popas, the same persons here
    Linker(store, default_schema(), MatchPolicy(), rise_at_twenty).relink_all(count_names=True)
    assert partition(store) == nightly
    with store.lock:
        assert linked_with.name_counts(store.db.conn).persons.tolist() == [31]
    # a bar of 4.5 for every pair keeps Xenia's two sightings apart
    Linker(store, default_schema(), MatchPolicy(threshold=START + RISE)).relink_all()
    assert person_of(store, xenia_again) != person_of(store, xenia)
    store.close()


def test_an_undated_sighting_pays_the_whole_rise(tmp_path):
    store, linker, _ = stepped_hub(tmp_path)
    rows = np.arange(linker.encodings.size)
    undated = {1: ENCODER.encode_identity(Identity("Xenia", "Zamfirescu", None))}
    assert not linker.probe_allowance(linker.probe_names(undated), rows).any()
    dated = {1: ENCODER.encode_identity(Identity("Xenia", "Zamfirescu", MARIA_BORN[0]))}
    allowance = linker.probe_allowance(linker.probe_names(dated), rows)
    assert allowance[-1] == RISE  # against Xenia's own sighting: a name no one else bears
    assert (allowance[:-1] == 0).all()  # against a Maria Popa: her name pays it all
    store.close()


def test_a_hub_that_rose_before_names_were_counted_counts_them_at_its_relink(tmp_path,
                                                                             caplog):
    store, _, _ = stepped_hub(tmp_path)
    with store.transaction() as conn:  # as a release before the counts left it
        conn.execute("DELETE FROM name_counts")
        conn.execute("DELETE FROM name_count_epochs")
    upgraded = Linker(store, default_schema(), MatchPolicy(), rise_at_twenty)
    assert upgraded.policy.threshold == START + RISE
    assert "rose before it counted names" in caplog.text
    upgraded.relink_all()
    with store.lock:
        counts = linked_with.name_counts(store.db.conn)
    assert counts is not None and counts.persons.tolist() == [30]
    store.close()


NEW_EPOCH = Encoder(default_schema(), derive_purpose_keys(b"\x0d" * 32, 2))


def test_a_sighting_of_a_rotations_overlap_is_read_through_the_epoch_counted():
    xenia = Identity("Xenia", "Zamfirescu", MARIA_BORN[7])
    tables = EpochTables(default_schema())
    # Xenia under the counted epoch, twice; then during the overlap (both epochs) and
    # after it (the new epoch only), where her name is a key the counts never saw
    added = tables.append([{1: ENCODER.encode_identity(xenia)}, {1: ENCODER.encode_identity(xenia)},
                           {1: ENCODER.encode_identity(xenia), 2: NEW_EPOCH.encode_identity(xenia)},
                           {2: NEW_EPOCH.encode_identity(xenia)}])
    counted = name_keys(tables.tables[1].filters, np.array([0]), 1)
    names = NameRise(NameCounts(counted, np.array([1]), frozenset({1})))  # Xenia alone
    names.append(tables, added)
    given_back = names.allowance(np.array([0, 0, 2]), np.array([1, 2, 3]), RISE)
    # the overlap's sighting is read by its old key; the new epoch's alone pays it all
    assert given_back.tolist() == [RISE, RISE, 0.0]


def test_counted_across_a_rotation_a_names_new_key_carries_the_persons_of_both():
    tables = EpochTables(default_schema())
    marias = [Identity("Maria", "Popa", born) for born in MARIA_BORN[:5]]
    # persons 0-3 seen before the rotation, person 3 again in its overlap, person 4 after
    tables.append([*({1: ENCODER.encode_identity(maria)} for maria in marias[:4]),
                   {1: ENCODER.encode_identity(marias[3]), 2: NEW_EPOCH.encode_identity(marias[3])},
                   {2: NEW_EPOCH.encode_identity(marias[4])}])
    counts = counted_names(tables, np.array([0, 1, 2, 3, 3, 4]))
    assert counts.epochs == {1, 2}
    assert counts.persons.tolist() == [5, 5]  # one name, its key under each epoch
    # without the overlap's sighting the new key is a name one woman bears: not kept
    tables.forget([4])
    counts = counted_names(tables, np.array([0, 1, 2, 3, 3, 4]))
    assert counts.persons.tolist() == [4]


def rotated(encoder: Encoder, also: tuple[Encoder, ...], given: str, surname: str,
            born: dt.date) -> object:
    row = {"case_ref": "X-1", "observed_on": "2026-10-01", "given_names": given,
           "surname": surname, "date_of_birth": born.isoformat()}
    message = encode_sighting(parse_row(2, row, dt.date(2026, 11, 23)), encoder, also)
    message.sighting_uuid = str(uuid.uuid4())
    return message


def relinks(store: HubStore) -> list[dict]:
    with store.lock:
        return [entry for entry in (json.loads(raw) for (raw,) in store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")) if entry["action"] == "relink"]


def test_after_a_rotations_overlap_the_hub_counts_the_new_epochs_names_once(tmp_path):
    store, linker, xenia = stepped_hub(tmp_path)
    # the overlap: both women again, under both epochs, on their first dates
    xenia_overlap = rotated(NEW_EPOCH, (ENCODER,), "Xenia", "Zamfirescu", MARIA_BORN[7])
    maria_overlap = rotated(NEW_EPOCH, (ENCODER,), "Maria", "Popa", MARIA_BORN[7])
    store_batch(store, [xenia_overlap, maria_overlap])
    linker.link_pending()
    assert len(relinks(store)) == 1  # the step's; every sighting has a counted key
    assert person_of(store, xenia_overlap) == person_of(store, xenia)

    # after the overlap, each woman again with her date one day off (the pair scores 4.0,
    # under the new epoch only): Xenia's new key is counted as the rare name it is
    xenia_after = rotated(NEW_EPOCH, (), "Xenia", "Zamfirescu",
                          DAY_OFF)
    maria_after = rotated(NEW_EPOCH, (), "Maria", "Popa", DAY_OFF)
    store_batch(store, [xenia_after, maria_after])
    linker.link_pending()
    counted_again = relinks(store)[1:]
    assert [entry["reason"] for entry in counted_again] == ["new_key_epoch"]
    assert person_of(store, xenia_after) == person_of(store, xenia)
    assert person_of(store, maria_after) != person_of(store, maria_overlap)
    with store.lock:
        assert linked_with.name_counts(store.db.conn).epochs == {1, 2}

    # once: the next night's new-epoch sighting is scored against those counts
    store_batch(store, [rotated(NEW_EPOCH, (), "Xenia", "Zamfirescu", MARIA_BORN[7])])
    linker.link_pending()
    assert len(relinks(store)) == 2
    nightly = partition(store)
    Linker(store, default_schema(), MatchPolicy(), rise_at_twenty).relink_all()
    assert partition(store) == nightly
    store.close()


def report(store: HubStore, state: int, until: str = "") -> None:
    from hub import epochs
    from zichtlijn.v1 import epochs_pb2

    with store.transaction() as conn:
        epochs.record_report(conn, "GM0363", "2026-11-23T00:00:00+00:00", [
            epochs_pb2.NodeEpoch(epoch=1, state=state, key_fingerprint="old",
                                 overlap_until=until),
            epochs_pb2.NodeEpoch(epoch=2, state=epochs_pb2.EPOCH_STATE_CURRENT,
                                 key_fingerprint="new")])


def test_while_a_node_is_still_in_its_overlap_the_new_epochs_names_wait_to_be_counted(
        tmp_path):
    from zichtlijn.v1 import epochs_pb2

    store, linker, xenia = stepped_hub(tmp_path)
    store_batch(store, [rotated(NEW_EPOCH, (ENCODER,), "Xenia", "Zamfirescu", MARIA_BORN[7])])
    linker.link_pending()
    # one node retired the old epoch early; another is still in its overlap
    report(store, epochs_pb2.EPOCH_STATE_OVERLAP, "2999-12-31")
    xenia_after = rotated(NEW_EPOCH, (), "Xenia", "Zamfirescu",
                          DAY_OFF)
    store_batch(store, [xenia_after])
    linker.link_pending()
    assert len(relinks(store)) == 1  # names still being bridged: not counted yet
    assert person_of(store, xenia_after) != person_of(store, xenia)  # pays the whole rise
    # a relink meanwhile counts what it can, but not the epoch still being bridged into
    linker.relink_all(count_names=True)
    with store.lock:
        assert linked_with.name_counts(store.db.conn).epochs == {1}
    # the last overlap ends: the next link run counts them
    report(store, epochs_pb2.EPOCH_STATE_RETIRED)
    linker.link_pending()
    assert relinks(store)[-1].get("reason") == "new_key_epoch"
    assert person_of(store, xenia_after) == person_of(store, xenia)
    store.close()


def test_once_retention_has_removed_most_of_what_names_were_counted_on_they_are_counted_again(
        tmp_path):
    store, linker, _ = stepped_hub(tmp_path)
    with store.lock:
        seqs = [seq for (seq,) in store.db.execute("SELECT seq FROM sightings ORDER BY seq")]
    # half of what they were counted on is still held (15 Maria Popas gone): kept
    linker.remove(seqs[:15], log_removal)
    linker.link_pending()
    assert len(relinks(store)) == 1
    with store.lock:
        assert linked_with.name_counts(store.db.conn).persons.tolist() == [30]
    # fewer than half (16 gone): counted again, on the 14 Maria Popas held now
    linker.remove(seqs[15:16], log_removal)
    linker.link_pending()
    assert [entry.get("reason") for entry in relinks(store)] == [None, "counted_sightings_gone"]
    with store.lock:
        assert linked_with.name_counts(store.db.conn).persons.tolist() == [14]
    linker.link_pending()  # and the clock starts again from those
    assert len(relinks(store)) == 2
    store.close()


def test_a_hub_that_counted_before_the_basis_was_kept_starts_its_clock_at_start(tmp_path):
    store, _, _ = stepped_hub(tmp_path)
    with store.transaction() as conn:  # as the release of 2026-12-06 left it
        conn.execute("DELETE FROM name_count_basis")
    store_batch(store, [sighting("Maria", "Popa", MARIA_BORN[0].replace(year=2001))])
    upgraded = Linker(store, default_schema(), MatchPolicy(), rise_at_twenty)
    with store.lock:
        assert store.db.execute("SELECT through_seq, held FROM name_count_basis").fetchall() == [
            (32, 32)]
        seqs = [seq for (seq,) in store.db.execute("SELECT seq FROM sightings ORDER BY seq")]
    upgraded.remove(seqs[:17], log_removal)  # 15 of the 32 left: counted again
    upgraded.link_pending()
    assert relinks(store)[-1].get("reason") == "counted_sightings_gone"
    store.close()


def test_a_sighting_of_the_overlap_received_after_the_count_has_its_name_counted_again(
        tmp_path):
    store, linker, _ = stepped_hub(tmp_path)
    store_batch(store, [rotated(NEW_EPOCH, (ENCODER,), "Xenia", "Zamfirescu", MARIA_BORN[7])])
    linker.link_pending()
    # after the overlap: no Maria Popa was seen in it, so counted now her new key is a
    # name one woman bears, and the same evidence that keeps 30 namesakes apart joins two
    maria = rotated(NEW_EPOCH, (), "Maria", "Popa", MARIA_BORN[7])
    store_batch(store, [maria])
    linker.link_pending()
    assert relinks(store)[-1].get("reason") == "new_key_epoch"
    maria_day_off = rotated(NEW_EPOCH, (), "Maria", "Popa", DAY_OFF)
    store_batch(store, [maria_day_off])
    linker.link_pending()
    assert person_of(store, maria_day_off) == person_of(store, maria)
    # a node silent through the overlap's end now sends a Maria Popa it saw during it:
    # her keys are one name, the counts taken for two no longer fit
    store_batch(store, [rotated(NEW_EPOCH, (ENCODER,), "Maria", "Popa", MARIA_BORN[3])])
    linker.link_pending()
    assert relinks(store)[-1].get("reason") == "names_bridged_late"
    assert person_of(store, maria_day_off) != person_of(store, maria)
    # counted across the bridge, the counts fit again: once, and a restart agrees
    count = len(relinks(store))
    store_batch(store, [rotated(NEW_EPOCH, (), "Xenia", "Zamfirescu", MARIA_BORN[7])])
    linker.link_pending()
    nightly = partition(store)
    Linker(store, default_schema(), MatchPolicy(), rise_at_twenty).link_pending()
    assert len(relinks(store)) == count
    assert partition(store) == nightly
    store.close()


def test_a_sighting_bridging_a_name_already_bridged_leaves_the_counts_alone():
    marias = [Identity("Maria", "Popa", born) for born in MARIA_BORN[:6]]
    late = {1: ENCODER.encode_identity(marias[5]), 2: NEW_EPOCH.encode_identity(marias[5])}
    in_the_overlap = {1: ENCODER.encode_identity(marias[4]),
                      2: NEW_EPOCH.encode_identity(marias[4])}
    after_it = {2: NEW_EPOCH.encode_identity(marias[4])}
    # seen in the overlap, the fifth Maria bridged the name when it was counted; seen only
    # after it, her key was counted as another name, which the late sighting joins
    for fifth, bridges_late in ((in_the_overlap, False), (after_it, True)):
        tables = EpochTables(default_schema())
        tables.append([*({1: ENCODER.encode_identity(maria)} for maria in marias[:4]), fifth])
        counts = counted_names(tables, np.arange(5))
        assert counts.epochs == {1, 2}
        added = tables.append([late])
        bridged = counts.bridged_since(*tables.name_keys(np.arange(added.start, added.stop)))
        assert bridged.tolist() == [bridges_late]
