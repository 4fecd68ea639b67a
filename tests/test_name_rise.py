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
from hub.linker import Linker
from hub.probe import NO_MATCH, PERSON
from hub.store import HubStore
from linkage.compare import MatchPolicy, score_pairs
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from linkage.table import EncodingTable
from node.csv_import import parse_row
from node.importer import encode_sighting
from tests.linker_support import partition
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


def store_batch(store: HubStore, batch: list) -> None:
    store.store_batch("GM0363", wire.batch_digest(batch), batch)


def person_of(store: HubStore, message) -> str:
    return next(person for person, _, uuid_, _ in store.clusters()
                if uuid_ == message.sighting_uuid)


def test_a_rare_name_pays_less_of_the_rise_than_a_common_one(tmp_path):
    # the premise: an equal name with a date one day off scores between the start and
    # the raised bar, less than the rise below it
    pair = EncodingTable.for_schema(default_schema())
    pair.append([ENCODER.encode_identity(Identity("Xenia", "Zamfirescu", born))
                 for born in (MARIA_BORN[7], MARIA_BORN[7] + dt.timedelta(days=1))], [(), ()])
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
    xenia_again = sighting("Xenia", "Zamfirescu", MARIA_BORN[7] + dt.timedelta(days=1))
    maria_again = sighting("Maria", "Popa", MARIA_BORN[7] + dt.timedelta(days=1))
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
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy(), rise_at_twenty)
    xenia = sighting("Xenia", "Zamfirescu", MARIA_BORN[7])
    store_batch(store, [*(sighting("Maria", "Popa", born) for born in MARIA_BORN), xenia])
    linker.link_pending()
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
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy(), rise_at_twenty)
    store_batch(store, [*(sighting("Maria", "Popa", born) for born in MARIA_BORN),
                        sighting("Xenia", "Zamfirescu", MARIA_BORN[7])])
    linker.link_pending()
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


def test_after_a_key_rotation_the_new_epochs_names_pay_the_whole_rise():
    from hub.epoch_tables import EpochTables
    from hub.name_rise import NameRise
    from linkage.population import NameCounts, name_keys

    new_key = Encoder(default_schema(), derive_purpose_keys(b"\x0d" * 32, 2))
    xenia = Identity("Xenia", "Zamfirescu", MARIA_BORN[7])
    tables = EpochTables(default_schema())
    # Xenia under the counted epoch, twice; then during the overlap (both epochs) and
    # after it (the new epoch only), where her name is a key the counts never saw
    added = tables.append([{1: ENCODER.encode_identity(xenia)}, {1: ENCODER.encode_identity(xenia)},
                           {1: ENCODER.encode_identity(xenia), 2: new_key.encode_identity(xenia)},
                           {2: new_key.encode_identity(xenia)}])
    counted = name_keys(tables.tables[1].filters, np.array([0]), 1)
    names = NameRise(NameCounts(counted, np.array([1]), frozenset({1})))  # Xenia alone
    names.append(tables, added)
    given_back = names.allowance(np.array([0, 0, 2]), np.array([1, 2, 3]), RISE)
    assert given_back.tolist() == [RISE, 0.0, 0.0]
