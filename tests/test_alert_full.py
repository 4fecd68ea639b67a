"""A full alert evaluation reading a chunk of persons at a time finds what reading all finds."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
import uuid
from collections import defaultdict

import pytest

from hub.alerts import full
from hub.alerts.rules import Finding, evaluate, finding_order
from hub.alerts.scope import Reach
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from tests.test_alert_scope import hub_at, nights, store_night
from zichtlijn import wire

#: a fixed key, so that the data holds what these tests look for whatever run it is: with
#: one random key in a hundred, the phones, plates and adverts joined no companions that
#: their encodings had not joined already (CI of stop 41)
FIXED_SECRET = bytes(range(32))


@pytest.fixture(scope="module")
def linked_hub(tmp_path_factory):
    encoder = Encoder(default_schema(), derive_purpose_keys(FIXED_SECRET, epoch=1))
    store, linker, engine = hub_at(tmp_path_factory.mktemp("full") / "hub.db")
    for night in nights(encoder, 260, 3, count=2):
        store_night(store, night)
        linker.link_pending()
    engine.evaluate(full=True)  # groups the companions
    yield store, engine
    store.close()


def test_anchors_that_may_qualify_are_those_the_facts_show(linked_hub):
    store, engine = linked_hub
    reach = engine._reach
    carriers = defaultdict(list)
    for fact in engine.load_facts():
        for kind, key in fact.anchors:
            carriers[(kind, key)].append((fact.person_id, fact.gemeente, fact.setting))
    expected = {anchor for anchor, found in carriers.items()
                if reach.qualifies(anchor[0], found)}
    with store.lock:
        conn = store.db.conn
        found = full.entity_anchors_that_may_qualify(conn, reach)
        found |= full.companion_anchors_that_may_qualify(
            conn, reach, full.carriers_by_companion(engine._companions.members))
    assert {kind for kind, _ in expected} >= {"companion"}  # the data has networks
    assert found == expected


@pytest.mark.parametrize("per_chunk", [1, 7, 10_000])
def test_chunks_of_persons_give_the_findings_of_all_facts_at_once(linked_hub, per_chunk):
    store, engine = linked_hub
    facts = engine.load_facts()
    expected = evaluate(facts, engine.config)
    assert {f.rule for f in expected} == {"accumulation", "carousel", "network"}
    with store.lock:
        conn = store.db.conn
        may_qualify = full.entity_anchors_that_may_qualify(conn, engine._reach)
        may_qualify |= full.companion_anchors_that_may_qualify(
            conn, engine._reach, full.carriers_by_companion(engine._companions.members))
        chunks = list(full.person_chunks(conn, per_chunk))
    done = full.evaluate_in_chunks(iter(chunks), engine.load_facts, engine.load_sighting_facts,
                                   engine.config, may_qualify)
    assert done.sightings == len(facts)
    assert list(done.findings.in_order()) == expected


def test_packed_findings_unpack_to_themselves_in_the_order_of_findings():
    rng = random.Random(5)
    findings = [
        Finding(rule, frozenset(str(uuid.UUID(int=rng.getrandbits(128), version=4))
                                for _ in range(rng.randint(1, 6))),
                float(i), frozenset(rng.sample(["noord", "oost", "west"], rng.randint(1, 3))))
        for i, rule in enumerate(rng.choice(["network", "carousel"]) for _ in range(200))]
    packed = full.PackedFindings()
    for finding in findings:
        packed.add(finding)
    assert [packed.finding(i) for i in range(len(packed))] == findings
    in_order = packed.in_order()
    assert list(in_order) == sorted(findings, key=finding_order)
    assert in_order[10:20] == sorted(findings, key=finding_order)[10:20]



def test_the_facts_the_reconciler_records_are_read_again_as_they_were(linked_hub):
    store, engine = linked_hub
    facts = {f.sighting_uuid: dataclasses.replace(f, anchors=()) for f in engine.load_facts()}
    wanted = [*sorted(facts)[::3], "00000000-0000-4000-8000-00000000dead"]
    with store.lock:
        found = full.sighting_facts(store.db.conn, wanted)
    assert found == {u: facts[u] for u in wanted[:-1]}


def test_companions_regrouped_a_few_sightings_at_a_time_group_as_in_one_read(linked_hub,
                                                                              monkeypatch):
    from hub.alerts import engine as engine_module

    store, engine = linked_hub
    again = engine_module.AlertEngine(store, engine.config, engine.schema, engine.policy)
    monkeypatch.setattr(engine_module, "COMPANION_SEQS", 7)
    again.evaluate(full=True)
    assert len(engine._companions.person_of) > 50
    assert again._companions.person_of == engine._companions.person_of
    assert again._companions_through == engine._companions_through


def test_an_address_counts_unless_its_setting_is_ignored_and_a_missing_setting_never_is():
    reach = Reach(link_kinds=frozenset({"phone", "address"}),
                  ignore_address_in_settings=frozenset({"raam", "club"}),
                  min_persons=3, min_gemeenten=2)
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE sightings (seq INTEGER PRIMARY KEY, sighting_uuid TEXT, gemeente TEXT, "
        "setting TEXT, person_id TEXT, epoch INTEGER);"
        "CREATE TABLE entities (sighting_seq INTEGER, kind INTEGER, token BLOB);")
    address, phone = wire.ENTITY_KINDS["address"], wire.ENTITY_KINDS["phone"]
    carriers = {  # token: (setting, gemeente) of the sightings of persons P1, P2, P3
        b"A": [(None, "GM1"), (None, "GM2"), ("woning", "GM1")],  # qualifies
        b"B": [("raam", "GM1"), (None, "GM2"), (None, "GM1")],  # two persons counted
        b"C": [("raam", "GM1"), ("club", "GM2"), ("raam", "GM1")],  # none counted
    }
    seq = 0
    for token, found in carriers.items():
        for person, (setting, gemeente) in enumerate(found):
            for kind in (address, phone):
                seq += 1
                conn.execute("INSERT INTO sightings VALUES (?, ?, ?, ?, ?, 1)",
                             [seq, f"u{seq}", gemeente, setting, f"P{person}"])
                conn.execute("INSERT INTO entities VALUES (?, ?, ?)", [seq, kind, token])
    found = full.entity_anchors_that_may_qualify(conn, reach)
    assert found == {("address", f"1:{b'A'.hex()}")} | {
        ("phone", f"1:{t.hex()}") for t in carriers}  # a phone's setting never matters


def test_the_engine_groups_companions_by_their_sightings_phones_plates_and_adverts(linked_hub):
    from hub.alerts.companions import COMPANION_ENTITY_KINDS, companion_persons

    store, engine = linked_hub
    with store.lock:
        db = store.db
        companions = db.execute(
            "SELECT s.seq, s.sighting_uuid, c.position, s.epoch, c.encoding FROM companions c "
            "JOIN sightings s ON s.seq = c.sighting_seq WHERE s.person_id IS NOT NULL "
            "ORDER BY s.seq, c.position").fetchall()
        tokens = defaultdict(list)
        for seq, kind, token in db.execute("SELECT sighting_seq, kind, token FROM entities"):
            tokens[seq].append((kind, bytes(token)))
    with_tokens = [(u, p, e, bytes(b), tokens[seq]) for seq, u, p, e, b in companions]
    grouped = companion_persons(with_tokens, engine.schema, engine.policy)
    assert engine._companions.person_of == grouped
    by_name_alone = companion_persons([row[:4] for row in with_tokens], engine.schema,
                                      engine.policy)
    # tokens joined some: two companions one man only with them, their sightings sharing one
    tokens_of = {(u, p): {(k, t) for k, t in row_tokens if k in COMPANION_ENTITY_KINDS}
                 for u, p, _, _, row_tokens in with_tokens}
    keys = list(grouped)
    joined_by_tokens = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]
                        if grouped[a] == grouped[b] and by_name_alone[a] != by_name_alone[b]]
    assert any(tokens_of[a] & tokens_of[b] for a, b in joined_by_tokens)
    assert {kind for row in with_tokens for kind, _ in row[4]} > COMPANION_ENTITY_KINDS
