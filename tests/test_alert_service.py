"""AlertService and NodeAlertService over real gRPC/mTLS: routing and the authorisation matrix."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from hub.config import HubConfig
from hub.server import RunningHub, start_hub
from node.store import NodeStore
from tests.alert_helpers import (
    BLESSING,
    IULIA,
    ZSOFIA,
    days_ago,
    decision,
    list_alerts,
    stub,
    sync_rows,
)
from tests.conftest import ALERTS_DIR
from zichtlijn.v1 import alerts_pb2

AMS, RDAM, MN, NN = "amsterdam-amstelland", "rotterdam", "midden-nederland", "noord-nederland"
NOT_ALLOWED = grpc.StatusCode.PERMISSION_DENIED


@dataclass
class World:
    hub: RunningHub
    root: Path
    x: str  # Iulia: Amsterdam + Utrecht -> amsterdam-amstelland, midden-nederland
    w: str  # Zsófia: Amsterdam + Utrecht
    y: str  # Blessing: Rotterdam + Groningen -> rotterdam, noord-nederland

    def uuids(self, gemeente: str) -> dict[str, str]:
        store = NodeStore(self.root / f"node-{gemeente}" / "node.db")
        try:
            return {case_ref: uuid for case_ref, uuid, _, _ in store.listing()}
        finally:
            store.close()

    def alert_of(self, uuid: str) -> str:
        with self.hub.store.lock:
            return self.hub.store.db.execute(
                "SELECT alert_id FROM alert_sightings WHERE sighting_uuid = ?", [uuid]
            ).fetchone()[0]


@pytest.fixture(scope="module")
def world(tmp_path_factory, pki, secret_file):
    """One hub for the module (tests run in file order: the actions below change states)."""
    root = tmp_path_factory.mktemp("alerts")
    (root / "hub").mkdir()
    hub = start_hub(HubConfig(root / "hub", "127.0.0.1:0", pki.tls("hub-hub"), workers=8,
                              alerts=ALERTS_DIR))
    again = {"licensed": "ja", "signals": ""}
    sync_rows(root, pki, secret_file, hub.port, "GM0363",
              [IULIA.row("X-1", days_ago(60)), ZSOFIA.row("W-1", days_ago(50))])
    sync_rows(root, pki, secret_file, hub.port, "GM0344",
              [IULIA.row("X-2", days_ago(30), **again), ZSOFIA.row("W-2", days_ago(20), **again)])
    sync_rows(root, pki, secret_file, hub.port, "GM0599", [BLESSING.row("Y-1", days_ago(40))])
    sync_rows(root, pki, secret_file, hub.port, "GM0014",
              [BLESSING.row("Y-2", days_ago(10), **again)])
    built = World(hub, root, "", "", "")
    amsterdam = built.uuids("GM0363")
    built.x = built.alert_of(amsterdam["X-1"])
    built.w = built.alert_of(amsterdam["W-1"])
    built.y = built.alert_of(built.uuids("GM0599")["Y-1"])
    yield built
    hub.stop(0)


def call(world: World, pki, stem: str, rpc: str, alert_id: str = "",
         reason: str = "no_grounds"):
    channel, alerts, nodes = stub(pki, world.hub.port, stem)
    with channel:
        if rpc == "List":
            return alerts.List(alerts_pb2.ListAlertsRequest(), timeout=10).alerts
        if rpc == "Watch":
            return [c.alert for c in alerts.Watch(alerts_pb2.WatchAlertsRequest(), timeout=10)]
        if rpc == "Acknowledge":
            return alerts.Acknowledge(decision(pki, stem, alert_id), timeout=10)
        if rpc == "Close":
            return alerts.Close(decision(pki, stem, alert_id, "close", reason), timeout=10)
        if rpc == "Reopen":
            return alerts.Reopen(decision(pki, stem, alert_id, "reopen", reason), timeout=10)
        return nodes.ListOwn(alerts_pb2.ListOwnAlertsRequest(), timeout=10).alerts


def test_each_alert_is_routed_to_the_regions_of_its_municipalities(world):
    with world.hub.store.lock:
        rows = world.hub.store.db.execute(
            "SELECT alert_id, region FROM alert_regions ORDER BY alert_id, region").fetchall()
    routed: dict[str, set[str]] = {}
    for alert_id, region in rows:
        routed.setdefault(alert_id, set()).add(region)
    assert routed == {world.x: {AMS, MN}, world.w: {AMS, MN}, world.y: {RDAM, NN}}


# -- the matrix: node, riec of the region, riec of another region, auditor (and operator) ----

STEMS = ["node-GM0363", "riec-amsterdam-amstelland", "riec-rotterdam", "auditor-ap",
         "operator-operator"]


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("rpc", ["List", "Watch"])
def test_reading_alerts(world, pki, stem, rpc):
    if stem in ("node-GM0363", "operator-operator"):
        with pytest.raises(grpc.RpcError) as err:
            call(world, pki, stem, rpc)
        assert err.value.code() == NOT_ALLOWED
        return
    seen = call(world, pki, stem, rpc)
    ids = {a.alert_id for a in seen}
    if stem == "riec-amsterdam-amstelland":
        assert ids == {world.x, world.w}
        for alert in seen:
            assert alert.region == AMS
            # every involved municipality and date, so it knows which RIEC to ask
            assert list(alert.gemeenten) == ["GM0344", "GM0363"]
            assert {s.gemeente for s in alert.sightings} == {"GM0344", "GM0363"}
            assert all(s.observed_on and s.sighting_uuid for s in alert.sightings)
    elif stem == "riec-rotterdam":
        assert ids == {world.y}
        assert all(list(a.gemeenten) == ["GM0014", "GM0599"] for a in seen)
    else:  # auditor: every region's view, metadata only
        assert ids == {world.x, world.w, world.y}
        assert {a.region for a in seen} == {AMS, MN, RDAM, NN}
        for alert in seen:
            assert alert.sighting_count == 2 and alert.gemeente_count == 2
            assert not alert.sightings and not alert.gemeenten and not alert.related_alert_ids


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("rpc", ["Acknowledge", "Close"])
def test_acting_on_an_alert(world, pki, stem, rpc):
    alert_id = world.x if rpc == "Acknowledge" else world.w
    if stem == "riec-amsterdam-amstelland":
        alert = call(world, pki, stem, rpc, alert_id)
        expected = (alerts_pb2.ALERT_STATE_ACKNOWLEDGED if rpc == "Acknowledge"
                    else alerts_pb2.ALERT_STATE_CLOSED)
        assert (alert.alert_id, alert.region, alert.state) == (alert_id, AMS, expected)
        # the other region's consultation keeps its own state
        [other] = [a for a in call(world, pki, "auditor-ap", "List")
                   if a.alert_id == alert_id and a.region == MN]
        assert other.state == alerts_pb2.ALERT_STATE_NEW
        return
    with pytest.raises(grpc.RpcError) as err:
        call(world, pki, stem, rpc, alert_id)
    if stem == "riec-rotterdam":
        # an alert of another region is indistinguishable from one that does not exist
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
        assert err.value.details() == f"no alert {alert_id} in region rotterdam"
    else:
        assert err.value.code() == NOT_ALLOWED


@pytest.mark.parametrize("stem", STEMS)
def test_reopening_an_alert(world, pki, stem):
    if stem == "riec-amsterdam-amstelland":
        call(world, pki, stem, "Close", world.w)  # as above (a repeat changes nothing)
        alert = call(world, pki, stem, "Reopen", world.w, reason="closed_in_error")
        assert (alert.alert_id, alert.region, alert.state) == (
            world.w, AMS, alerts_pb2.ALERT_STATE_ACKNOWLEDGED)
        return
    with pytest.raises(grpc.RpcError) as err:
        call(world, pki, stem, "Reopen", world.w, reason="closed_in_error")
    if stem == "riec-rotterdam":
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
        assert err.value.details() == f"no alert {world.w} in region rotterdam"
    else:
        assert err.value.code() == NOT_ALLOWED


@pytest.mark.parametrize("stem", STEMS)
def test_listing_own_alerts(world, pki, stem):
    if stem != "node-GM0363":
        with pytest.raises(grpc.RpcError) as err:
            call(world, pki, stem, "ListOwn")
        assert err.value.code() == NOT_ALLOWED
        return
    own = call(world, pki, stem, "ListOwn")
    assert {a.alert_id for a in own} == {world.x, world.w}
    amsterdam = set(world.uuids("GM0363").values())
    utrecht = world.uuids("GM0344")
    for alert in own:
        # only its own sightings: never another municipality's UUID or date
        assert [s.gemeente for s in alert.own_sightings] == ["GM0363"]
        assert {s.sighting_uuid for s in alert.own_sightings} <= amsterdam
        # and nothing of the whole alert (both alerts span Amsterdam and Utrecht): no
        # score, no count of sightings or towns, no time of change, nothing that names
        # Utrecht or its sightings
        sent = {field.name for field, _ in alert.ListFields()}
        assert sent == {"alert_id", "rule", "state", "own_sightings"}, sent
        wire = alert.SerializeToString()
        for other in ("GM0344", *utrecht.values(), days_ago(30), days_ago(20)):
            assert other.encode() not in wire


def test_a_node_alert_has_no_field_for_the_whole_alert():
    """Score, counts and time of change are reserved: they cannot come back unnoticed."""
    fields = set(alerts_pb2.NodeAlert.DESCRIPTOR.fields_by_name)
    assert fields == {"alert_id", "rule", "state", "own_sightings"}


def test_a_node_sees_the_state_of_its_own_region(world, pki):
    channel, alerts, _ = stub(pki, world.hub.port, "riec-rotterdam")
    with channel:
        alerts.Acknowledge(decision(pki, "riec-rotterdam", world.y), timeout=10)
    [rotterdam] = call(world, pki, "node-GM0599", "ListOwn")
    [groningen] = call(world, pki, "node-GM0014", "ListOwn")
    assert rotterdam.alert_id == groningen.alert_id == world.y
    assert rotterdam.state == alerts_pb2.ALERT_STATE_ACKNOWLEDGED
    assert groningen.state == alerts_pb2.ALERT_STATE_NEW  # noord-nederland has not acted


def test_every_read_and_action_is_in_the_audit_log_without_personal_data(world, pki):
    call(world, pki, "riec-rotterdam", "List")
    with world.hub.store.lock:
        entries = [json.loads(e) for (e,) in world.hub.store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")]
    listed = [e for e in entries if e["action"] == "alerts_listed" and
              e["actor"] == "riec:rotterdam"]
    assert listed and listed[-1]["alerts"] == [world.y] and listed[-1]["count"] == 1
    actions = {e["action"] for e in entries}
    assert {"alert_created", "alerts_listed", "alerts_watched"} <= actions
    text = json.dumps(entries)
    for words in ("Iulia", "Turcanu", "Blessing", "Osagie", "X-1", "Y-1"):
        assert words not in text


# -- filters and state rules -------------------------------------------------------------


def test_list_filters_by_state_and_by_date_of_last_change(world, pki):
    every = list_alerts(pki, world.hub.port, "riec-rotterdam")
    assert [a.alert_id for a in every.alerts] == [world.y] and every.cursor > 0
    none_new = list_alerts(pki, world.hub.port, "riec-rotterdam",
                           states=[alerts_pb2.ALERT_STATE_CLOSED])
    assert list(none_new.alerts) == []
    today = every.alerts[0].updated_at[:10]
    assert len(list_alerts(pki, world.hub.port, "riec-rotterdam", changed_since=today,
                           changed_until=today).alerts) == 1
    assert list_alerts(pki, world.hub.port, "riec-rotterdam",
                       changed_until="2000-01-01").alerts == []
    with pytest.raises(grpc.RpcError) as err:
        list_alerts(pki, world.hub.port, "riec-rotterdam", changed_since="yesterday")
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "changed_since" in err.value.details()


def test_state_rules_for_acknowledge_and_close(world, pki):
    channel, alerts, _ = stub(pki, world.hub.port, "riec-rotterdam")
    with channel:
        def close(reason: str) -> alerts_pb2.Alert:
            return alerts.Close(decision(pki, "riec-rotterdam", world.y, "close", reason),
                                timeout=10)

        with pytest.raises(grpc.RpcError) as err:
            close("she seemed fine")
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "reason" in err.value.details()
        assert close("case_opened").state == alerts_pb2.ALERT_STATE_CLOSED
        assert close("case_opened").close_reason == "case_opened"  # a retry is harmless
        with pytest.raises(grpc.RpcError) as err:
            close("no_grounds")
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        with pytest.raises(grpc.RpcError) as err:
            alerts.Acknowledge(decision(pki, "riec-rotterdam", world.y), timeout=10)
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "reopens on new evidence" in err.value.details()
        with pytest.raises(grpc.RpcError) as err:
            alerts.Acknowledge(decision(pki, "riec-rotterdam", "A-1; DROP"), timeout=10)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_hub_without_alert_configuration_says_so(tmp_path, pki):
    home = tmp_path / "plain-hub"
    home.mkdir()
    plain = start_hub(HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=4))
    try:
        with pytest.raises(grpc.RpcError) as err:
            list_alerts(pki, plain.port, "riec-rotterdam")
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert err.value.details() == ("alerting is not configured at this hub "
                                       "(hub.toml: alerts = DIR)")
    finally:
        plain.stop(0)
