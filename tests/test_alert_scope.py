"""The nightly alert evaluation reads only changed persons and their networks, and that is
enough: night by night it leaves exactly the alerts that evaluating everything leaves."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from hub.alerts.companions import CompanionPersons, companion_persons
from hub.alerts.config import load_alert_config
from hub.alerts.engine import AlertEngine
from hub.linker import Linker
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.schema import default_schema
from node.csv_import import RowError, parse_row
from node.importer import encode_sighting
from tests.linker_support import nightly_batches
from zichtlijn import wire
from zichtlijn.synth import iter_rows
from zichtlijn.v1 import encoding_pb2

DEPLOY_ALERTS = Path(__file__).resolve().parents[1] / "deploy" / "alerts"
GEMEENTEN = ["GM0363", "GM0599", "GM0344", "GM0518", "GM0014"]
TODAY = dt.date(2026, 11, 23)


def nights(encoder: Encoder, persons: int, seed: int, count: int
           ) -> list[list[tuple[str, encoding_pb2.EncodedSighting]]]:
    """Synthetic sightings (networks, companions, signals) split into `count` nights."""
    sightings = []
    for line, item in enumerate(iter_rows(persons, GEMEENTEN, seed, start=dt.date(2025, 6, 1),
                                          days=300), start=2):
        try:
            parsed = parse_row(line, item.row, TODAY)
        except RowError:
            continue
        message = encode_sighting(parsed, encoder)
        message.sighting_uuid = str(uuid.UUID(int=len(sightings) + 1, version=4))
        sightings.append((item.gemeente, message))
    size = -(-len(sightings) // count)
    return [sightings[i : i + size] for i in range(0, len(sightings), size)]


def store_night(store: HubStore, night: list[tuple[str, encoding_pb2.EncodedSighting]]) -> None:
    for gemeente, batch in nightly_batches(night, 1000):
        store.store_batch(gemeente, wire.batch_digest(batch), batch)


def alert_state(store: HubStore) -> list[tuple]:
    with store.lock:
        alerts = store.db.execute(
            "SELECT alert_id, rule, score, version, evidence_digest, merged_into FROM alerts "
            "ORDER BY alert_id").fetchall()
        regions = store.db.execute(
            "SELECT alert_id, region, state, changed FROM alert_regions "
            "ORDER BY alert_id, region").fetchall()
    return alerts + regions


def hub_at(path: Path) -> tuple[HubStore, Linker, AlertEngine]:
    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy())
    engine = AlertEngine(store, load_alert_config(DEPLOY_ALERTS), default_schema(),
                         MatchPolicy())
    return store, linker, engine


@pytest.mark.parametrize("seed", [3, 11])
def test_changed_persons_only_gives_the_alerts_of_a_full_evaluation(tmp_path, encoder, seed):
    scoped_store, scoped_linker, scoped = hub_at(tmp_path / "scoped.db")
    full_store, full_linker, full = hub_at(tmp_path / "full.db")
    scoped.evaluate(full=True)  # the hub's start
    read = []
    for night in nights(encoder, 260, seed, count=5):
        for store, linker in ((scoped_store, scoped_linker), (full_store, full_linker)):
            store_night(store, night)
            linker.link_pending()
        run = scoped.evaluate()
        read.append(run.sightings)
        full.evaluate(full=True)
        assert alert_state(scoped_store) == alert_state(full_store)
    assert alert_state(scoped_store), "the data must raise alerts for this to mean anything"
    # ...and a later full evaluation finds nothing the nightly ones missed
    assert scoped.evaluate(full=True).report.changes == 0
    total = scoped_store.db.execute("SELECT count(*) FROM sightings").fetchone()[0]
    assert read[-1] < total  # the last night did not read everything
    for store in (scoped_store, full_store):
        store.close()


def test_an_evaluation_without_changes_reads_nothing(tmp_path, encoder):
    store, linker, engine = hub_at(tmp_path / "hub.db")
    store_night(store, nights(encoder, 60, 5, count=1)[0])
    linker.link_pending()
    engine.evaluate()
    again = engine.evaluate()
    assert again.sightings == 0 and again.report.changes == 0
    store.close()


def companion_rows(encoder: Encoder) -> list[tuple[str, int, int, bytes]]:
    """Men recorded beside six sightings u0..u5: two Vasile Rusu (one undated), a Vasilii
    Rusu, an undated and a dated Mihai Ionescu, an undated Ion Rusu."""
    from linkage.encode import Identity

    men = [Identity("Vasile", "Rusu", dt.date(1980, 4, 2)), Identity("Mihai", "Ionescu", None),
           Identity("Vasilii", "Rusu", dt.date(1980, 4, 2)), Identity("Vasile", "Rusu", None),
           Identity("Mihai", "Ionescu", dt.date(1975, 1, 30)), Identity("Ion", "Rusu", None)]
    return [(f"u{i}", 0, 1,
             wire.identity_to_wire(encoder.encode_identity(m)).SerializeToString())
            for i, m in enumerate(men)]


def test_companions_added_night_by_night_are_grouped_as_in_one_batch(other_encoder):
    rows = companion_rows(other_encoder)
    nightly = CompanionPersons(default_schema(), MatchPolicy())
    moved = [nightly.add([row]) for row in rows]
    assert nightly.person_of == companion_persons(rows, default_schema(), MatchPolicy())
    assert moved[0] == {("u0", 0)}  # a new companion is always reported
    # the undated Mihai (u1) waits alone until a dated Mihai arrives, then moves to him
    assert ("u1", 0) in moved[4]
    assert nightly.companions_of("u2") == [nightly.person_of[("u0", 0)]]


def test_companions_of_a_removed_sighting_leave_the_grouping_of_the_rest(other_encoder):
    rows = companion_rows(other_encoder)
    grouping = CompanionPersons(default_schema(), MatchPolicy())
    grouping.add(rows)
    vasile = grouping.person_of[("u0", 0)]
    assert grouping.person_of[("u2", 0)] == vasile
    # u0 named Vasile's person; u4 is the only dated Mihai the undated u1 could join
    moved = grouping.remove(["u0", "u4"])
    rest = [row for row in rows if row[0] not in ("u0", "u4")]
    assert grouping.person_of == companion_persons(rest, default_schema(), MatchPolicy())
    assert {("u2", 0), ("u1", 0)} <= moved  # renamed after u2; left on his own
    assert vasile not in grouping.members and grouping.companions_of("u0") == []


def test_a_restarted_hub_evaluates_only_what_changed_and_misses_nothing(tmp_path, encoder):
    store, linker, engine = hub_at(tmp_path / "hub.db")
    full_store, full_linker, full = hub_at(tmp_path / "full.db")
    assert engine.rules_changed  # a new hub has never evaluated these rules
    engine.evaluate(full=True)
    full.evaluate(full=True)
    first, second, third = nights(encoder, 200, 13, count=3)
    for night in (first, second):
        for s, link in ((store, linker), (full_store, full_linker)):
            store_night(s, night)
            link.link_pending()
        engine.evaluate()
        full.evaluate(full=True)
    # a night arrives and is linked, then the hub stops before evaluating it
    for s, link in ((store, linker), (full_store, full_linker)):
        store_night(s, third)
        link.link_pending()
    restarted = AlertEngine(store, load_alert_config(DEPLOY_ALERTS), default_schema(),
                            MatchPolicy())
    assert not restarted.rules_changed
    run = restarted.evaluate(full=restarted.rules_changed)
    full.evaluate(full=True)
    assert alert_state(store) == alert_state(full_store)
    assert run.sightings < store.db.execute("SELECT count(*) FROM sightings").fetchone()[0]
    for s in (store, full_store):
        s.close()


def test_a_hub_upgraded_to_another_companion_grouping_evaluates_everything_at_start(
        tmp_path, encoder, monkeypatch):
    from hub.alerts import setup
    from hub.alerts.store import set_meta

    store, linker, engine = hub_at(tmp_path / "hub.db")
    assert engine.grouping_changed  # never evaluated
    for night in nights(encoder, 120, 5, count=1):
        store_night(store, night)
        linker.link_pending()
    engine.evaluate(full=True)
    config = load_alert_config(DEPLOY_ALERTS)
    again = setup.start_engine(config, store, default_schema(), MatchPolicy())
    assert not again.grouping_changed and not again.rules_changed
    with store.transaction() as conn:  # as a hub of the version before left it
        set_meta(conn, "companion_grouping", "1")
    calls = []
    original = AlertEngine.evaluate
    monkeypatch.setattr(AlertEngine, "evaluate",
                        lambda self, full=False: calls.append(full) or original(self, full))
    upgraded = setup.start_engine(config, store, default_schema(), MatchPolicy())
    assert upgraded.grouping_changed and calls == [True]
    # and after an upgrade that changed what a rule means (the accumulation of 2026-12-07)
    with store.transaction() as conn:
        set_meta(conn, "rules_meaning", "1")
    again = setup.start_engine(config, store, default_schema(), MatchPolicy())
    assert again.meaning_changed and not again.grouping_changed and calls == [True, True]
    store.close()


def alerted_uuids(store: HubStore, rule: str | None = None) -> list[str]:
    with store.lock:
        return [u for (u,) in store.db.execute(
            "SELECT DISTINCT s.sighting_uuid FROM alert_sightings s JOIN alerts a "
            "ON a.alert_id = s.alert_id WHERE s.current = 1 AND a.rule = coalesce(?, a.rule) "
            "ORDER BY s.sighting_uuid", [rule])]


@pytest.mark.parametrize("seed", [3, 17])
def test_withdrawals_and_corrections_need_no_full_evaluation(tmp_path, encoder, seed):
    """After a withdrawal or correction the hub reads only what it can have changed (the
    persons it touched, the alerts that held it, their networks) and is left with exactly
    the alerts a full evaluation gives."""
    from hub import records
    from hub.retention import purge

    scoped_store, scoped_linker, scoped = hub_at(tmp_path / "scoped.db")
    full_store, full_linker, full = hub_at(tmp_path / "full.db")
    full.evaluate_after_removal = lambda uuids, alert_ids: full.evaluate(full=True)
    read: list[int] = []
    [night] = nights(encoder, 220, seed, count=1)
    for store, linker, engine in ((scoped_store, scoped_linker, scoped),
                                  (full_store, full_linker, full)):
        store_night(store, night)
        linker.link_pending()
        engine.evaluate(full=True)
    by_uuid = {message.sighting_uuid: (gemeente, message) for gemeente, message in night}
    alerted = alerted_uuids(scoped_store)
    with_companions = [u for u in alerted if by_uuid[u][1].companions]
    with_entities = [u for u in alerted if by_uuid[u][1].entities
                     and not by_uuid[u][1].companions]
    in_networks = alerted_uuids(scoped_store, "network")
    assert len(with_companions) >= 2 and len(with_entities) >= 3 and len(in_networks) >= 2
    # a network that outlives one woman's withdrawal must be found again through the alert
    # that held her: her person may no longer reach the others
    steps = [("withdraw", in_networks[0]), ("correct", in_networks[-1]),
             ("withdraw", with_companions[0]), ("correct", with_companions[1]),
             ("withdraw", with_entities[0]), ("correct", with_entities[1]),
             ("withdraw", alerted[len(alerted) // 2]), ("correct", with_entities[2]),
             ("withdraw", night[-1][1].sighting_uuid)]
    states = [alert_state(scoped_store)]
    for action, removed in steps:
        gemeente, message = by_uuid[removed]
        for store, linker, engine in ((scoped_store, scoped_linker, scoped),
                                      (full_store, full_linker, full)):
            if action == "withdraw":
                outcome = records.withdraw(store, linker, gemeente, removed, "recorded_in_error",
                                           engine)
            else:
                corrected = encoding_pb2.EncodedSighting()
                corrected.CopyFrom(message)
                del corrected.companions[:]  # the companion and the phone were another case's
                del corrected.entities[:]
                del corrected.signals[:]
                outcome = records.correct(store, linker, default_schema(), gemeente,
                                          corrected, TODAY, engine)
            assert outcome.changed
            if engine is scoped:
                read.append(outcome.alert_sightings_read)
        states.append(alert_state(scoped_store))
        assert states[-1] == alert_state(full_store), (action, removed)
    # a retention purge takes the oldest months at once
    for store, linker, engine in ((scoped_store, scoped_linker, scoped),
                                  (full_store, full_linker, full)):
        purged = purge(store, linker, TODAY, 14, alerts=engine)
        assert purged.sightings > 50
        if engine is scoped:
            read.append(purged.alert_sightings_read)
    states.append(alert_state(scoped_store))
    assert states[-1] == alert_state(full_store)
    assert len(set(map(tuple, states))) > 4, "the removals must change alerts to test this"
    assert 0 < max(read) < len(night) // 2  # never a full evaluation
    assert scoped.evaluate(full=True).report.changes == 0
    for store in (scoped_store, full_store):
        store.close()


def test_reserved_room_takes_a_rebuilds_companions_without_copying_their_tables(
        other_encoder):
    from linkage.encode import Identity

    def man(number: int, epoch: int) -> tuple[str, int, int, bytes]:
        surname = "".join("abcdefghijklmnopqrstuvwxyz"[digit] for digit in (
            number // 676, number // 26 % 26, number % 26))
        identity = Identity("Ion", "Rus" + surname, dt.date(1970 + number % 30, 1, 1))
        encoding = wire.identity_to_wire(other_encoder.encode_identity(identity))
        return (f"s{epoch}-{number}", 0, epoch, encoding.SerializeToString())

    grouping = CompanionPersons(default_schema(), MatchPolicy())
    grouping.add([man(0, 1)])  # epoch 1's table exists before the room is reserved
    grouping.reserve(1500)
    grouping.add([man(0, 2)])  # epoch 2's table is made afterwards, with the room
    tables = {epoch: grouping._epochs[epoch].table for epoch in (1, 2)}
    held = {epoch: table.filters for epoch, table in tables.items()}
    for start in range(1, 1201, 100):  # past the 1,024 rows a table is made with
        grouping.add([man(number, epoch) for epoch in (1, 2)
                      for number in range(start, start + 100)])
    assert all(tables[epoch].filters is held[epoch] for epoch in (1, 2))
    assert tables[1].size == tables[2].size == 1201
    assert len(grouping.person_of) == 2 * 1201  # every man grouped


def test_a_hub_without_alert_rules_queues_no_person_changes(tmp_path, encoder):
    # the code review: nobody empties the queue without an alert engine, and a relink put
    # every person in it again (2,000 sightings: 1,999 rows, then 3,998, 5,997, ...)
    store = HubStore(tmp_path / "hub.db")
    with store.transaction() as conn:  # left by a run of before
        conn.execute("INSERT INTO person_changes (person_id) VALUES ('P-left')")
    linker = Linker(store, default_schema(), MatchPolicy(), alerts=False)
    for night in nights(encoder, 60, 5, count=1):
        store_night(store, night)
        linker.link_pending()
    linker.relink_all()
    with store.lock:
        assert store.db.execute("SELECT count(*) FROM person_changes").fetchone()[0] == 0
        assert store.db.execute("SELECT count(DISTINCT person_id) FROM sightings"
                                ).fetchone()[0] > 1
    store.close()


def test_an_upgrade_noted_by_an_operators_command_still_brings_a_full_evaluation(
        tmp_path, encoder, monkeypatch):
    """The review of the day's change: `hub purge` builds an engine (which noted the new
    rule meaning) but evaluates only what changed, so the next start evaluated nothing in
    full; and a hub run without rules dropped the queue of changed persons, after which
    the same rules evaluated only what changed since. Both now leave a full evaluation
    pending until one has ended."""
    from hub.alerts import setup
    from hub.alerts.store import set_meta

    store, linker, engine = hub_at(tmp_path / "hub.db")
    for night in nights(encoder, 120, 5, count=1):
        store_night(store, night)
        linker.link_pending()
    engine.evaluate(full=True)
    config = load_alert_config(DEPLOY_ALERTS)
    calls = []
    original = AlertEngine.evaluate
    monkeypatch.setattr(AlertEngine, "evaluate",
                        lambda self, full=False: calls.append(full) or original(self, full))
    with store.transaction() as conn:  # as the release before left it
        set_meta(conn, "rules_meaning", "1")
    AlertEngine(store, config, default_schema(), MatchPolicy())  # `hub purge`'s engine
    setup.start_engine(config, store, default_schema(), MatchPolicy())  # the next start
    setup.start_engine(config, store, default_schema(), MatchPolicy())  # and the one after
    assert calls == [True, False]

    Linker(store, default_schema(), MatchPolicy(), alerts=False)  # a start without rules
    setup.start_engine(config, store, default_schema(), MatchPolicy())
    assert calls == [True, False, True]
    store.close()
