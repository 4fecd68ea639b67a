"""Alert life cycle: one alert per evidence; new evidence updates it and reopens it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from hub.alerts.reconcile import Reconciler, ReconcileReport
from hub.alerts.rules import Fact, Finding
from hub.alerts.store import create_tables, region_view
from hub.store import HubStore
from zichtlijn.v1 import alerts_pb2

AMS, RDAM = "amsterdam-amstelland", "rotterdam"
FACTS = {
    f"s{i}": Fact(f"s{i}", "P", gemeente, dt.date(2025, 3, i + 1), "woning", False,
                  ("unlicensed",))
    for i, gemeente in enumerate(["GM0363", "GM0599", "GM0363", "GM0599", "GM0344", "GM0363"])
}


@pytest.fixture()
def store(tmp_path: Path) -> HubStore:
    hub_store = HubStore(tmp_path / "hub.db")
    create_tables(hub_store.db.conn)
    yield hub_store
    hub_store.close()


def finding(*sightings: str, regions=(AMS, RDAM), rule="carousel", score=2.0) -> Finding:
    return Finding(rule, frozenset(sightings), score, frozenset(regions))


def apply(store: HubStore, *findings: Finding, now: str = "2025-04-01T10:00:00+00:00"
          ) -> ReconcileReport:
    with store.transaction() as conn:
        reconciler = Reconciler(conn, FACTS, now)
        for f in findings:
            reconciler.apply(f)
    return reconciler.report


def alert_ids(store: HubStore) -> list[str]:
    return [a for (a,) in store.db.execute("SELECT alert_id FROM alerts ORDER BY created_at")]


def view(store: HubStore, alert_id: str, region: str) -> alerts_pb2.Alert:
    return region_view(store.db.conn, alert_id, region)


def events(store: HubStore) -> list[tuple[str, str, str]]:
    return store.db.execute("SELECT alert_id, region, change FROM alert_events ORDER BY cursor"
                            ).fetchall()


def audit_actions(store: HubStore) -> list[str]:
    return [json.loads(e)["action"] for (e,) in store.db.execute(
        "SELECT entry FROM audit_entries ORDER BY idx")]


def set_state(store: HubStore, alert_id: str, region: str, state: str,
              reason: str | None = None) -> None:
    store.db.execute("UPDATE alert_regions SET state = ?, changed = 0, close_reason = ? "
                     "WHERE alert_id = ? AND region = ?", [state, reason, alert_id, region])


def test_a_finding_creates_one_alert_new_in_every_region(store):
    report = apply(store, finding("s0", "s1"))
    [alert_id] = alert_ids(store)
    assert report.created == 1
    for region in (AMS, RDAM):
        seen = view(store, alert_id, region)
        assert seen.state == alerts_pb2.ALERT_STATE_NEW and not seen.changed
        assert [s.sighting_uuid for s in seen.sightings] == ["s0", "s1"]
        assert list(seen.gemeenten) == ["GM0363", "GM0599"]
        assert seen.sightings[0].signals == ["unlicensed"] and seen.version == 1
    assert view(store, alert_id, "midden-nederland") is None
    assert events(store) == [(alert_id, AMS, "created"), (alert_id, RDAM, "created")]
    assert audit_actions(store) == ["alert_created"]


def test_the_same_evidence_again_changes_nothing(store):
    apply(store, finding("s0", "s1"))
    report = apply(store, finding("s0", "s1"), now="2025-04-02T10:00:00+00:00")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert len(alert_ids(store)) == 1 and len(events(store)) == 2
    assert audit_actions(store) == ["alert_created"]


def test_new_evidence_updates_the_alert_and_marks_it_changed(store):
    apply(store, finding("s0", "s1"))
    [alert_id] = alert_ids(store)
    set_state(store, alert_id, AMS, "acknowledged")
    report = apply(store, finding("s0", "s1", "s4", score=3.0))
    assert (report.created, report.updated, report.reopened) == (0, 1, 0)
    assert alert_ids(store) == [alert_id]
    ams = view(store, alert_id, AMS)
    assert (ams.state, ams.changed, ams.version, ams.score) == (
        alerts_pb2.ALERT_STATE_ACKNOWLEDGED, True, 2, 3.0)
    assert list(ams.gemeenten) == ["GM0344", "GM0363", "GM0599"]
    assert events(store)[-2:] == [(alert_id, AMS, "updated"), (alert_id, RDAM, "updated")]
    assert audit_actions(store)[-1] == "alert_updated"


def test_a_closed_alert_stays_closed_on_the_same_evidence_and_reopens_on_new(store):
    apply(store, finding("s0", "s1"))
    [alert_id] = alert_ids(store)
    set_state(store, alert_id, AMS, "closed", "no_grounds")
    set_state(store, alert_id, RDAM, "acknowledged")
    apply(store, finding("s0", "s1"))
    assert view(store, alert_id, AMS).state == alerts_pb2.ALERT_STATE_CLOSED
    report = apply(store, finding("s0", "s1", "s2"))
    assert report.reopened == 1
    ams, rdam = view(store, alert_id, AMS), view(store, alert_id, RDAM)
    assert (ams.state, ams.changed, ams.close_reason) == (alerts_pb2.ALERT_STATE_NEW, True, "")
    assert (rdam.state, rdam.changed) == (alerts_pb2.ALERT_STATE_ACKNOWLEDGED, True)
    assert events(store)[-2:] == [(alert_id, AMS, "reopened"), (alert_id, RDAM, "updated")]


def test_evidence_held_before_is_not_new_evidence(store):
    apply(store, finding("s0", "s1", "s2"))
    [alert_id] = alert_ids(store)
    apply(store, finding("s0", "s1"))  # a relink moved s2 out
    set_state(store, alert_id, AMS, "closed", "no_grounds")
    apply(store, finding("s0", "s1", "s2"))  # and back in: nothing the RIEC has not seen
    assert view(store, alert_id, AMS).state == alerts_pb2.ALERT_STATE_CLOSED
    assert [s.sighting_uuid for s in view(store, alert_id, AMS).sightings] == ["s0", "s1", "s2"]


def test_an_alert_is_recognised_by_its_sightings_whatever_the_person_id(store):
    apply(store, finding("s0", "s1"))
    renamed = {k: dataclasses.replace(v, person_id="P-other") for k, v in FACTS.items()}
    with store.transaction() as conn:
        reconciler = Reconciler(conn, renamed, "2025-04-03T00:00:00+00:00")
        reconciler.apply(finding("s0", "s1"))
    assert reconciler.report.unchanged == 1 and len(alert_ids(store)) == 1


def test_different_rules_on_the_same_sightings_are_different_alerts(store):
    apply(store, finding("s0", "s1"), finding("s0", "s1", rule="accumulation", score=7.0))
    assert len(alert_ids(store)) == 2


def test_two_persons_becoming_one_merge_into_the_older_alert(store):
    apply(store, finding("s0", "s1", regions=(AMS,)), now="2025-04-01T00:00:00+00:00")
    apply(store, finding("s4", "s5", regions=("midden-nederland",)),
          now="2025-04-02T00:00:00+00:00")
    older, younger = alert_ids(store)
    report = apply(store, finding("s0", "s1", "s4", "s5", regions=(AMS, RDAM)),
                   now="2025-04-03T00:00:00+00:00")
    assert (report.merged, report.updated, report.created) == (1, 1, 0)
    merged = view(store, younger, "midden-nederland")
    assert merged.state == alerts_pb2.ALERT_STATE_CLOSED
    assert merged.close_reason == f"merged:{older}"
    # every region that had either alert now has the surviving one
    for region in (AMS, RDAM, "midden-nederland"):
        assert len(view(store, older, region).sightings) == 4
    # and the same evidence again touches neither
    assert apply(store, finding("s0", "s1", "s4", "s5", regions=(AMS, RDAM))).changes == 0


def test_a_person_split_in_two_keeps_the_alert_for_one_and_creates_one_for_the_other(store):
    apply(store, finding("s0", "s1", "s2", "s3"))
    [first] = alert_ids(store)
    report = apply(store, finding("s0", "s1"), finding("s2", "s3"))
    assert (report.updated, report.created) == (1, 1)
    second = next(a for a in alert_ids(store) if a != first)
    assert [s.sighting_uuid for s in view(store, first, AMS).sightings] == ["s0", "s1"]
    assert [s.sighting_uuid for s in view(store, second, AMS).sightings] == ["s2", "s3"]


def test_a_region_whose_rule_fires_later_receives_the_alert_then(store):
    apply(store, finding("s0", "s1", regions=(AMS,)))
    [alert_id] = alert_ids(store)
    assert view(store, alert_id, RDAM) is None
    apply(store, finding("s0", "s1", "s3", regions=(AMS, RDAM)))
    assert view(store, alert_id, RDAM).state == alerts_pb2.ALERT_STATE_NEW
    assert events(store)[-1] == (alert_id, RDAM, "created")


def test_an_alert_no_finding_matches_any_more_keeps_its_evidence_and_state(store):
    apply(store, finding("s0", "s1"))
    [alert_id] = alert_ids(store)
    set_state(store, alert_id, AMS, "acknowledged")
    assert apply(store).changes == 0  # e.g. a relink split the person: no finding at all
    kept = view(store, alert_id, AMS)
    assert kept.state == alerts_pb2.ALERT_STATE_ACKNOWLEDGED and len(kept.sightings) == 2


REGION_OF = {"GM0363": AMS, "GM0599": RDAM, "GM0344": "midden-nederland"}.get


def apply_routed(store: HubStore, *findings: Finding) -> ReconcileReport:
    with store.transaction() as conn:
        reconciler = Reconciler(conn, FACTS, "2025-04-02T10:00:00+00:00", REGION_OF)
        for f in findings:
            reconciler.apply(f)
    return reconciler.report


def test_a_region_whose_sightings_left_the_evidence_hears_no_more_of_the_alert(store):
    """Rotterdam's only sighting (s1) is withdrawn and Amsterdam's rule still fires on
    s0, s2 and s5: Rotterdam sees the alert closed, without sightings, and not its next
    change; Amsterdam sees the evidence as before."""
    apply_routed(store, finding("s0", "s1", "s2"))
    [alert_id] = alert_ids(store)
    apply_routed(store, finding("s0", "s2", regions=(AMS,)))
    left = view(store, alert_id, RDAM)
    assert left.state == alerts_pb2.ALERT_STATE_CLOSED
    assert left.close_reason == "evidence_left_region"
    assert list(left.sightings) == [] and list(left.gemeenten) == [] and left.sighting_count == 0
    assert [s.sighting_uuid for s in view(store, alert_id, AMS).sightings] == ["s0", "s2"]
    assert events(store)[-2:] == [(alert_id, RDAM, "closed"), (alert_id, AMS, "updated")]
    entry = json.loads(store.db.execute(
        "SELECT entry FROM audit_entries ORDER BY idx DESC LIMIT 1").fetchone()[0])
    assert entry["action"] == "alert_updated" and entry["regions_left"] == [RDAM]

    apply_routed(store, finding("s0", "s2", "s5", regions=(AMS,)))  # new evidence, Amsterdam's
    assert events(store)[-1] == (alert_id, AMS, "updated")
    assert view(store, alert_id, RDAM).close_reason == "evidence_left_region"


def test_new_evidence_from_the_region_routes_the_alert_to_it_again(store):
    apply_routed(store, finding("s0", "s1"))
    [alert_id] = alert_ids(store)
    apply_routed(store, finding("s0", "s2", regions=(AMS,)))
    report = apply_routed(store, finding("s0", "s2", "s3"))  # s3: a new Rotterdam sighting
    back = view(store, alert_id, RDAM)
    assert back.state == alerts_pb2.ALERT_STATE_NEW and back.changed and not back.close_reason
    assert [s.sighting_uuid for s in back.sightings] == ["s0", "s2", "s3"]
    assert report.reopened == 1
    assert (alert_id, RDAM, "reopened") in events(store)


def test_a_merge_does_not_reach_a_region_the_merged_alert_had_left(store):
    apply_routed(store, finding("s0", "s1"), finding("s2", "s4", rule="carousel",
                                                       regions=(AMS, "midden-nederland")))
    first, second = alert_ids(store)
    apply_routed(store, finding("s2", "s5", regions=(AMS,)))  # s4 (midden) withdrawn
    apply_routed(store, finding("s0", "s2", "s5", regions=(AMS,)))  # s1 gone, the two merge
    assert view(store, first, RDAM).close_reason == "evidence_left_region"
    assert view(store, second, "midden-nederland").close_reason == "evidence_left_region"
    assert (second, "midden-nederland", "merged") not in events(store)
    regions = {r for (r,) in store.db.execute(
        "SELECT region FROM alert_regions WHERE alert_id = ? AND close_reason IS NULL", [first])}
    assert regions == {AMS}


def test_an_older_hub_database_gets_the_undated_column_and_shows_its_rows_as_dated(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alert_sightings (alert_id TEXT NOT NULL, sighting_uuid TEXT "
                     "NOT NULL, gemeente TEXT NOT NULL, observed_on TEXT NOT NULL, signals TEXT "
                     "NOT NULL, current INTEGER NOT NULL, PRIMARY KEY (alert_id, sighting_uuid)"
                     ") WITHOUT ROWID")
        conn.execute("INSERT INTO alert_sightings VALUES ('A-1', 's0', 'GM0363', '2025-03-01', "
                     "'', 1)")
    old = HubStore(path)
    try:
        create_tables(old.db.conn)
        from hub.alerts.store import current_sightings

        [sighting] = current_sightings(old.db.conn, "A-1")
        assert sighting.sighting_uuid == "s0" and not sighting.undated
    finally:
        old.close()


def test_an_alerts_related_alerts_are_found_from_its_own_sightings():
    """The query for `related_alert_ids` starts from the alert's own sightings and reaches
    the others by each sighting's index: begun from every alert of the region, as SQLite
    chose by itself, a full evaluation at 90,000 sightings read every alert's sightings
    once for each alert and ran for more than ten minutes."""
    import sqlite3

    from hub.alerts.store import RELATED_ALERTS, create_tables

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE IF NOT EXISTS sightings (sighting_uuid TEXT)")
    create_tables(conn)
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + RELATED_ALERTS,
                                           ["utrecht", "evidence_left_region", "A-1"])]
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert searches[0].startswith("SEARCH s1 USING PRIMARY KEY (alert_id=?)")
    assert searches[1] == "SEARCH s2 USING INDEX alert_sightings_uuid (sighting_uuid=?)"
    assert not any(step.startswith("SCAN") for step in searches)
