"""A correction costs what a lookup costs: each Correct takes a slot of the node's lookup
hour ([lookup] per_node_per_hour), and one beyond it is refused, logged, and changes
nothing, at the hub or at the node (README "At the door", "Limits").

Why: a node can point one of its own sightings at any identity it encodes and see, in
its alerts, whether the sighting joined someone; unlimited corrections were an unlimited
"seen before?" beside the limited lookup (found by a red-team evaluation)."""

from __future__ import annotations

import grpc
import pytest

from hub import unusable
from hub.records import sighting_ref
from hub.settings import HubSettings, LookupSettings
from node.store import NodeStore
from tests.lookup_support import (
    ELENA,
    ROWS,
    actions,
    import_and_sync,
    node,
    relink_in_progress,
    run,
    running_hub,
    uuids_by_case,
    write_json,
)
from tests.record_signing import correct_request
from tests.test_correction import WRONG, hub_row, stored_sighting
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import records_pb2_grpc

PER_HOUR = 3


@pytest.fixture()
def world(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki, HubSettings(LookupSettings(per_node_per_hour=PER_HOUR))
                     ) as hub:
        homes = {}
        for gemeente, rows in ROWS.items():
            homes[gemeente] = node(tmp_path, pki, secret_file, gemeente, hub)
            import_and_sync(tmp_path, homes[gemeente],
                            [WRONG if r[0] == "UTR-3" else r for r in rows])
        yield hub, homes


def node_row(home, case_ref: str) -> tuple:
    store = NodeStore(home / "node.db")
    try:
        return store.db.execute(
            "SELECT encoded, content_digest, corrected_on FROM sightings WHERE case_ref = ?",
            [case_ref]).fetchone()
    finally:
        store.close()


def correct(home, tmp_path, values: dict, name: str) -> int:
    return run("node", "correct", "--home", home, "UTR-3", "--from-json",
               write_json(tmp_path, values, name))


def lookup(home, tmp_path) -> int:
    return run("node", "lookup", "--home", home, "--purpose", "controle", "--format", "json",
               "--from-json", write_json(tmp_path, ELENA, "probe.json"))


def slots_taken(hub, gemeente: str) -> int:
    with hub.store.lock:
        return hub.store.db.execute("SELECT count(*) FROM lookup_log WHERE gemeente = ?",
                                    [gemeente]).fetchone()[0]


def test_corrections_share_the_lookup_hour_and_one_beyond_it_changes_nothing(
        world, pki, tmp_path, capsys):
    hub, homes = world
    home = homes["GM0344"]
    uuid = uuids_by_case(home)["UTR-3"]
    assert correct(home, tmp_path, ELENA, "first.json") == 0
    assert lookup(home, tmp_path) == 0
    assert correct(home, tmp_path, {**ELENA, "document_number": "AB1234567"}, "second.json") == 0
    at_hub, at_node = hub_row(hub, uuid), node_row(home, "UTR-3")
    capsys.readouterr()

    # the fourth of the hour: refused in one line that names the budget
    assert correct(home, tmp_path, {**ELENA, "sex": "x"}, "third.json") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "refused (RESOURCE_EXHAUSTED): rate limit: 3 lookups and corrections per hour " \
           "for node:GM0344; the next one is possible in " in err
    assert "nothing was changed" in err
    # nothing changed at the hub, nor at the node: the correction can be made again
    assert hub_row(hub, uuid) == at_hub
    assert node_row(home, "UTR-3") == at_node
    assert len(actions(hub, "correct")) == 2
    [refused] = actions(hub, "correct_refused")
    assert refused["actor"] == "node:GM0344" and refused["reason"] == "rate_limit"
    assert refused["sighting"] == sighting_ref(uuid) and uuid not in str(refused)

    # one hour for both: a lookup is refused now too
    assert lookup(home, tmp_path) == 1
    assert "3 lookups and corrections per hour" in capsys.readouterr().err
    assert [e["reason"] for e in actions(hub, "lookup_refused")] == ["rate_limit"]

    # the budget is the node's own: another town's correction still goes through
    other = stored_sighting(homes["GM0363"], "AMS-1")
    other.signals.append("unlicensed")
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363")) as channel:
        assert records_pb2_grpc.RecordServiceStub(channel).Correct(correct_request(
            pki, "node-GM0363", other, stored_sighting(homes["GM0363"], "AMS-1")),
            timeout=10).changed

    # an hour later the same command makes the correction
    with hub.store.transaction() as conn:
        conn.execute("UPDATE lookup_log SET at = at - 3600")
    assert correct(home, tmp_path, {**ELENA, "sex": "x"}, "third.json") == 0
    assert hub_row(hub, uuid) != at_hub and node_row(home, "UTR-3") != at_node



def direct_correct(hub, pki, stem: str, sighting, timeout: float = 10):
    """Signed as replacing the content the hub holds."""
    replaces = bytes(hub_row(hub, sighting.sighting_uuid)[0])
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls(stem)) as channel:
        return records_pb2_grpc.RecordServiceStub(channel).Correct(
            correct_request(pki, stem, sighting, replaces), timeout=timeout)


def test_every_correct_takes_a_slot_even_one_that_changes_nothing(world, pki):
    """The node sent it and the hub linked it: what it could learn, it has learned."""
    hub, homes = world
    same = stored_sighting(homes["GM0363"], "AMS-1")
    for _ in range(PER_HOUR):
        assert direct_correct(hub, pki, "node-GM0363", same).changed is False
    assert slots_taken(hub, "GM0363") == PER_HOUR
    with pytest.raises(grpc.RpcError) as err:
        direct_correct(hub, pki, "node-GM0363", same)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert len(actions(hub, "correct")) == PER_HOUR
    assert len(actions(hub, "correct_refused")) == 1


def test_a_correction_the_linker_could_not_take_gives_its_slot_back(world, pki, monkeypatch):
    """During a relink the correction changes nothing and the node runs it again: like a
    lookup that found the linker busy, it is not one of the hour's."""
    hub, homes = world
    monkeypatch.setattr(unusable, "DEADLINE_MARGIN_S", 1.0)
    changed = stored_sighting(homes["GM0363"], "AMS-1")
    changed.signals.append("unlicensed")
    with relink_in_progress(hub.linker), pytest.raises(grpc.RpcError) as err:
        direct_correct(hub, pki, "node-GM0363", changed, timeout=3)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert slots_taken(hub, "GM0363") == 0
    assert direct_correct(hub, pki, "node-GM0363", changed).changed
    assert slots_taken(hub, "GM0363") == 1
