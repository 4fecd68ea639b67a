"""A lookup's probe is matched exactly as a new sighting would be linked, and nothing changes."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pytest

from hub.linker import Linker
from hub.probe import AMBIGUOUS, NO_MATCH, PERSON
from hub.store import HubStore
from linkage.blocking import CandidateIndex
from linkage.compare import MatchPolicy
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from linkage.table import EncodingTable
from node.csv_import import parse_row
from node.importer import encode_sighting
from tests.linker_support import TODAY, encoded_sightings, log_removal
from zichtlijn import wire

SECRET = b"\x05" * 32


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder(default_schema(), derive_purpose_keys(SECRET, 1))


@pytest.fixture(scope="module")
def messages(encoder):
    return encoded_sightings(encoder, 150, seed=5)


def test_query_gives_the_pairs_add_would_give(messages):
    """Checked row by row, dated and undated, so a change to `add` cannot go unnoticed here."""
    encodings = [wire.identity_from_wire(m.subject) for _, m in messages]
    undated = [e for e in encodings if not e.dob_tokens]
    assert undated, "the data must hold undated sightings"
    table = EncodingTable.for_schema(default_schema())
    table.append(encodings)
    index = CandidateIndex()
    index.add(table, range(200))
    checked_undated = paired = 0
    for row in range(200, min(table.size, 330)):
        queried = index.query(table, table, [row])
        assert np.all(queried[:, 1] == row)
        added = index.add(table, [row])
        assert sorted(queried[:, 0].tolist()) == sorted(added[:, 0].tolist()), row
        checked_undated += table.dob[row, 0] == 0
        paired += len(added)
    assert checked_undated > 0 and paired > 130


def test_take_copies_rows_and_leaves_room_for_a_probe(messages):
    encodings = [wire.identity_from_wire(m.subject) for _, m in messages[:20]]
    table = EncodingTable.for_schema(default_schema())
    table.append(encodings)
    copy = table.take([7, 3])
    assert copy.size == 2
    assert copy.filter_bytes(0) == table.filter_bytes(7)
    assert np.array_equal(copy.dob[1], table.dob[3])
    copy.append([encodings[0]])
    assert copy.filter_bytes(2) == table.filter_bytes(0) and table.size == 20


def linked_store(tmp_path, messages, count=None) -> tuple[HubStore, Linker]:
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    by_gemeente: dict[str, list] = {}
    for gemeente, message in messages[:count]:
        by_gemeente.setdefault(gemeente, []).append(message)
    for gemeente, batch in by_gemeente.items():
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    linker.link_pending()
    return store, linker


def snapshot(store: HubStore) -> list[tuple]:
    with store.lock:
        return store.db.execute(
            "SELECT seq, person_id, linked FROM sightings ORDER BY seq").fetchall()


def test_a_probe_finds_what_recording_the_sighting_would_link(tmp_path, messages):
    """For held-out sightings: the probe's answer = the person the sighting joins when stored."""
    held_out = messages[-90:]
    store, linker = linked_store(tmp_path, messages, len(messages) - 90)
    answers = []
    before = snapshot(store)
    for _, message in held_out:
        # the probe as a lookup sends it: her identity and the phone, car, address or
        # advert the inspector wrote down (a shared phone is a blocking key and evidence)
        answers.append(linker.probe({1: wire.identity_from_wire(message.subject)},
                                    {1: [(t.kind, t.token) for t in message.entities]}))
    assert snapshot(store) == before  # a lookup stores and changes nothing
    assert {a.outcome for a in answers} >= {PERSON, NO_MATCH}

    for (gemeente, message), answer in zip(held_out, answers, strict=True):
        # record the sighting for real, compare, then take it out again
        store.store_batch(gemeente, wire.batch_digest([message]), [message])
        linker.link_pending()
        with store.lock:
            seq, person = store.db.execute(
                "SELECT seq, person_id FROM sightings WHERE sighting_uuid = ?",
                [message.sighting_uuid]).fetchone()
            mates = {r[0] for r in store.db.execute(
                "SELECT seq FROM sightings WHERE person_id = ? AND seq != ?", [person, seq])}
        assert set(answer.seqs) == mates, answer
        linker.remove([seq], log_removal)
    store.close()


def test_undated_common_name_is_ambiguous_not_guessed(tmp_path, encoder):
    """Two dated women share a name; a probe without date of birth fits both."""
    sightings = []
    for born in (dt.date(1995, 4, 2), dt.date(1988, 11, 20)):
        for day in (3, 9):
            identity = Identity("Maria", "Popescu", born, "f")
            message = encode_sighting(_parsed(identity, day), encoder)
            message.sighting_uuid = str(uuid.uuid4())
            sightings.append(("GM0363", message))
    store, linker = linked_store(tmp_path, sightings)
    undated = linker.probe({1: encoder.encode_identity(Identity("Maria", "Popescu"))})
    assert (undated.outcome, undated.possible_persons) == (AMBIGUOUS, 2)
    dated = linker.probe({1: encoder.encode_identity(
        Identity("Maria", "Popescu", dt.date(1995, 4, 2)))})
    assert dated.outcome == PERSON and len(dated.seqs) == 2
    store.close()


def _parsed(identity: Identity, day: int):
    row = {"case_ref": f"C-{uuid.uuid4().hex[:8]}", "observed_on": f"2026-05-{day:02d}",
           "given_names": "x", "surname": "y"}
    parsed = parse_row(2, row, TODAY)
    parsed.subject = identity
    return parsed


def test_during_a_rotation_the_probe_meets_both_epochs(tmp_path):
    """Seen before the rotation (epoch 1 only) and after it (epoch 2 only): one person."""
    old = Encoder(default_schema(), derive_purpose_keys(b"\x01" * 32, 1))
    new = Encoder(default_schema(), derive_purpose_keys(b"\x02" * 32, 2))
    elena = Identity("Iulia", "Turcanu", dt.date(1998, 3, 14), "f")
    before = encode_sighting(_parsed(elena, 3), old)
    during = encode_sighting(_parsed(elena, 9), new, [old])  # dual encoding bridges them
    after = encode_sighting(_parsed(elena, 20), new)
    sightings = []
    for message in (before, during, after):
        message.sighting_uuid = str(uuid.uuid4())
        sightings.append(("GM0363", message))
    store, linker = linked_store(tmp_path, sightings)
    both = linker.probe({2: new.encode_identity(elena), 1: old.encode_identity(elena)})
    assert both.outcome == PERSON and len(both.seqs) == 3
    only_new = linker.probe({2: new.encode_identity(elena)})
    assert only_new.outcome == PERSON and len(only_new.seqs) == 3  # through the bridge
    store.close()
