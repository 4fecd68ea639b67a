"""`zichtlijn node withdraw`: the sighting leaves the hub, persons re-cluster, it stays out."""

from __future__ import annotations

import re

import grpc
import pytest

from hub.linker_rows import LinkerUnusableError
from hub.store import ConflictError
from hub.unusable import UNAVAILABLE_MESSAGE
from node.sync import build_batch
from tests.lookup_support import (
    ELENA_CASES,
    ROWS,
    actions,
    audit_hub,
    csv_bytes,
    import_and_sync,
    node,
    persons_of,
    relink_in_progress,
    run,
    running_hub,
    three_towns,
    uuids_by_case,
)
from tests.record_signing import withdraw_request
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import records_pb2, records_pb2_grpc


@pytest.fixture()
def world(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki) as hub:
        yield hub, three_towns(tmp_path, pki, secret_file, hub)


def withdraw_over_grpc(hub, pki, stem: str, sighting_uuid: str,
                       reason=records_pb2.WITHDRAW_REASON_ERASURE_REQUEST):
    """A Withdraw call straight to the hub, as the certificate `stem` (raises RpcError)."""
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls(stem)) as channel:
        return records_pb2_grpc.RecordServiceStub(channel).Withdraw(
            withdraw_request(pki, stem, sighting_uuid, reason), timeout=10)


def elena(hub, homes) -> dict[str, str]:
    """case_ref -> person id, for Elena's four sightings."""
    persons = persons_of(hub)
    return {case: persons[uuid] for home in homes.values()
            for case, uuid in uuids_by_case(home).items() if case in ELENA_CASES}


def test_withdrawal_splits_the_person_it_held_together(world, capsys):
    hub, homes = world
    before = elena(hub, homes)
    assert len(set(before.values())) == 1  # one person over three towns
    rtm_uuid = uuids_by_case(homes["GM0599"])["RTM-7"]

    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason", "error") == 0
    out = capsys.readouterr().out
    assert "withdrew RTM-7" in out and "the hub removed it too" in out
    assert "changed person" not in out and "alert" not in out  # no counts: see below

    persons = persons_of(hub)
    assert rtm_uuid not in persons
    after = {case: p for case, p in elena(hub, homes).items() if case != "RTM-7"}
    # her maiden-name sightings and her married-name sighting are no longer one person
    assert after["AMS-1"] == after["AMS-2"] != after["UTR-3"]
    assert "RTM-7" not in uuids_by_case(homes["GM0599"])

    [entry] = actions(hub, "withdraw")
    assert entry["actor"] == "node:GM0599" and entry["reason"] == "recorded_in_error"
    assert entry["removed"] is True and entry["persons_changed"] >= 1
    assert rtm_uuid not in str(entry)  # named by a digest, not the UUID

    # a full relink agrees with the incremental re-clustering
    hub.linker.relink_all()
    assert persons_of(hub) == persons


def test_the_node_hears_whether_the_hub_held_it_not_what_it_changed(world, pki):
    """A withdrawal's reply says removed or not: how many sightings changed person and
    how many alerts changed told a node whether a made-up sighting had joined someone
    (README "Who sees what"). The hub's audit entry keeps the count."""
    hub, homes = world
    rtm_uuid = uuids_by_case(homes["GM0599"])["RTM-7"]  # joins Elena's three other towns
    reply = withdraw_over_grpc(hub, pki, "node-GM0599", rtm_uuid)
    assert reply.removed is True
    assert {field.name for field, _ in reply.ListFields()} == {"removed"}
    assert set(records_pb2.WithdrawReply.DESCRIPTOR.fields_by_name) == {"removed"}
    [entry] = actions(hub, "withdraw")
    assert entry["removed"] is True and entry["persons_changed"] >= 1


def test_a_withdrawn_case_is_not_imported_or_uploaded_again(world, tmp_path, capsys):
    hub, homes = world
    rtm_uuid = uuids_by_case(homes["GM0599"])["RTM-7"]
    from node.store import NodeStore

    store = NodeStore(homes["GM0599"] / "node.db")
    kept = store.db.execute(
        "SELECT case_ref, sighting_uuid, observed_on, encoded, content_digest, NULL "
        "FROM sightings WHERE case_ref = 'RTM-7'").fetchall()
    store.close()
    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7",
               "--reason", "erasure") == 0
    # the inspection system still exports it: left out, with the line, and no failure
    # (a nightly import of that export must not fail every night)
    path = tmp_path / "again.csv"
    path.write_bytes(csv_bytes(ROWS["GM0599"]))
    capsys.readouterr()
    assert run("node", "import", "--home", homes["GM0599"], path) == 0
    out, err = capsys.readouterr()
    assert re.search(r"line 2: case_ref: 'RTM-7' of \d{4}-\d\d-\d\d was withdrawn on", err)
    assert "rejected 0, skipped 1 withdrawn" in out

    # a node restored from a backup taken before the withdrawal cannot bring it back
    from node.store import StoredSighting

    batch = build_batch([StoredSighting(*kept[0])])
    with pytest.raises(ConflictError, match=f"sighting {rtm_uuid} was withdrawn"):
        hub.store.store_batch("GM0599", bytes(batch.batch_digest), list(batch.sightings))
    assert rtm_uuid not in persons_of(hub)
    assert actions(hub, "withdraw")[0]["reason"] == "erasure_request"


def test_a_node_cannot_withdraw_another_towns_sighting(world, pki):
    hub, homes = world
    ams_uuid = uuids_by_case(homes["GM0363"])["AMS-1"]
    with pytest.raises(grpc.RpcError) as err:
        withdraw_over_grpc(hub, pki, "node-GM0599", ams_uuid)
    # answered as not this node's, without naming whose it is
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "not this municipality's" in err.value.details()
    assert "GM0363" not in err.value.details()
    assert ams_uuid in persons_of(hub)
    # no tombstone under the caller for a UUID it never held: it stands for nothing
    assert hub.store.withdrawn_of("GM0599") == [] == hub.store.withdrawn_of("GM0363")
    [entry] = actions(hub, "withdraw")  # the attempt is logged, as refused
    assert entry["actor"] == "node:GM0599" and entry["removed"] is False
    assert entry["refused"] == "another_gemeente"


def test_node_withdraw_of_a_uuid_another_town_holds_says_so_and_changes_nothing(
        world, capsys):
    from node.store import NodeStore

    hub, homes = world
    ams_uuid = uuids_by_case(homes["GM0363"])["AMS-1"]
    # a node database altered to hold another town's UUID under its own case_ref
    store = NodeStore(homes["GM0599"] / "node.db")
    with store.db.conn:
        store.db.execute("UPDATE sightings SET sighting_uuid = ? WHERE case_ref = 'RTM-7'",
                         [ams_uuid])
    store.close()
    capsys.readouterr()
    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
               "error") == 1
    err = capsys.readouterr().err
    assert err == (f"zichtlijn: RTM-7: the hub holds sighting {ams_uuid} for another "
                   "municipality, so it is not this node's to withdraw; nothing was changed "
                   "here or at the hub\n")
    assert uuids_by_case(homes["GM0599"])["RTM-7"] == ams_uuid  # kept here
    assert ams_uuid in persons_of(hub) and hub.store.withdrawn_of("GM0599") == []


def test_a_withdrawal_before_the_upload_stops_that_upload(world, pki):
    """The tombstone is for this: a UUID no town holds yet stays out once withdrawn."""
    import uuid

    from node.store import NodeStore
    from zichtlijn import wire
    from zichtlijn.v1 import encoding_pb2

    hub, homes = world
    store = NodeStore(homes["GM0599"] / "node.db")
    (encoded,) = store.db.execute(
        "SELECT encoded FROM sightings WHERE case_ref = 'RTM-7'").fetchone()
    store.close()
    fresh = str(uuid.uuid4())
    reply = withdraw_over_grpc(hub, pki, "node-GM0599", fresh)
    assert reply.removed is False
    assert hub.store.withdrawn_of("GM0599") == [fresh]
    sighting = encoding_pb2.EncodedSighting.FromString(encoded)
    sighting.sighting_uuid = fresh  # a control the hub has not seen, under that UUID
    with pytest.raises(ConflictError, match=f"sighting {fresh} was withdrawn"):
        hub.store.store_batch("GM0599", wire.batch_digest([sighting]), [sighting])
    [entry] = actions(hub, "withdraw")
    assert entry["removed"] is False and "refused" not in entry


@pytest.mark.parametrize("stem", ["riec-rotterdam", "auditor-ap", "operator-operator"])
def test_only_nodes_may_withdraw(world, pki, stem):
    hub, homes = world
    ams_uuid = uuids_by_case(homes["GM0363"])["AMS-1"]
    with pytest.raises(grpc.RpcError) as err:
        withdraw_over_grpc(hub, pki, stem, ams_uuid)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert ams_uuid in persons_of(hub)


def test_withdrawal_needs_a_reason_at_the_hub(world, pki):
    hub, homes = world
    with pytest.raises(grpc.RpcError) as err:
        withdraw_over_grpc(hub, pki, "node-GM0363", uuids_by_case(homes["GM0363"])["AMS-1"],
                           reason=records_pb2.WITHDRAW_REASON_UNSPECIFIED)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_unsynced_sighting_is_withdrawn_locally_only(tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        home = node(tmp_path, pki, secret_file, "GM0363", hub)
        path = tmp_path / "one.csv"
        path.write_bytes(csv_bytes(ROWS["GM0363"][:1]))
        assert run("node", "import", "--home", home, path) == 0
        capsys.readouterr()
        assert run("node", "withdraw", "--home", home, "AMS-1", "--reason", "error") == 0
        assert "never synced" in capsys.readouterr().out
        assert uuids_by_case(home) == {} and actions(hub, "withdraw") == []


def test_unknown_case_ref_is_one_line(world, capsys):
    _hub, homes = world
    assert run("node", "withdraw", "--home", homes["GM0363"], "NOPE-1", "--reason",
               "error") == 1
    err = capsys.readouterr().err
    assert err == "zichtlijn: no sighting with case_ref 'NOPE-1' at this node\n"


def test_unreachable_hub_changes_nothing(tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        home = node(tmp_path, pki, secret_file, "GM0363", hub)
        import_and_sync(tmp_path, home, ROWS["GM0363"][:1])
    capsys.readouterr()
    assert run("node", "withdraw", "--home", home, "AMS-1", "--reason", "error") == 1
    assert "unreachable" in capsys.readouterr().err
    assert list(uuids_by_case(home)) == ["AMS-1"]


def test_no_copy_of_a_withdrawn_encoding_remains_in_the_live_files(world):
    """Not in the database pages (secure_delete) nor in the write-ahead log (truncated)."""
    from node.store import NodeStore
    from zichtlijn.v1 import encoding_pb2

    hub, homes = world
    store = NodeStore(homes["GM0599"] / "node.db")
    try:
        (blob,) = store.db.execute(
            "SELECT encoded FROM sightings WHERE case_ref = 'RTM-7'").fetchone()
    finally:
        store.close()
    # her subject encoding as the hub stores it (the name filter alone she shares with AMS-2)
    subject = encoding_pb2.EncodedSighting.FromString(blob).subject.SerializeToString(
        deterministic=True)

    def files() -> dict[str, bytes]:
        found = {p.name: p.read_bytes() for p in hub.store.path.parent.glob("hub.db*")}
        found |= {p.name: p.read_bytes() for p in homes["GM0599"].glob("node.db*")}
        return found

    holding = {n.split("-")[0] for n, data in files().items() if subject in data}
    assert holding == {"hub.db", "node.db"}  # before: the search finds her at both
    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
               "erasure") == 0
    assert [name for name, data in files().items() if subject in data] == []


def test_a_withdrawal_the_hub_cannot_link_is_unavailable_and_changes_nothing(
        world, pki, monkeypatch, caplog):
    hub, homes = world
    ams_uuid = uuids_by_case(homes["GM0363"])["AMS-1"]

    def unusable(*_args, **_kwargs):
        raise LinkerUnusableError("hub linker: memory could not be rebuilt from the database "
                                  "after a failed run (x); fix the database and restart the hub")

    monkeypatch.setattr(hub.linker, "remove_found", unusable)  # `remove` goes through it
    with pytest.raises(grpc.RpcError) as err:
        withdraw_over_grpc(hub, pki, "node-GM0363", ams_uuid)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert err.value.details() == UNAVAILABLE_MESSAGE  # the node learns to retry, not why
    assert ams_uuid in persons_of(hub)
    assert actions(hub, "withdraw") == []
    assert "restart the hub" in caplog.text  # the operator learns why


def test_during_a_relink_a_withdrawal_changes_nothing_and_says_why(world, capsys,
                                                                   monkeypatch):
    """A relink holds the linker for minutes at national scale: the withdrawal gives up before
    the node's deadline, at the hub and at the node alike, and says to run it again."""
    from hub import unusable

    hub, homes = world
    monkeypatch.setattr(unusable, "DEADLINE_MARGIN_S", 1.0)
    with relink_in_progress(hub.linker):
        capsys.readouterr()
        code = run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason", "error",
                   "--timeout", "3")
        err = capsys.readouterr().err
    assert code == 1
    assert "unavailable for now: the hub is linking every sighting again, since" in err
    assert err.rstrip().endswith("nothing was changed; run the command again in a few minutes")
    assert err.count("\n") == 1
    assert "RTM-7" in uuids_by_case(homes["GM0599"])  # the node kept it
    assert uuids_by_case(homes["GM0599"])["RTM-7"] in persons_of(hub)  # so did the hub
    assert actions(hub, "withdraw") == []
    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason", "error") == 0


def test_an_upload_landing_during_a_withdrawal_is_withdrawn_not_just_tombstoned(
        world, monkeypatch):
    """The hub looks up whether it holds the UUID before its transaction; the node's own
    upload of it may land in between. The withdrawal then takes the sighting out, where it
    wrote a tombstone beside the held sighting and the node deleted its row."""
    from hub import records

    hub, homes = world
    target = uuids_by_case(homes["GM0599"])["RTM-8"]
    looked = []
    original = records._held

    def not_yet_held(*args):
        looked.append(True)
        return None if len(looked) == 1 else original(*args)  # the upload lands after

    monkeypatch.setattr(records, "_held", not_yet_held)
    outcome = records.withdraw(hub.store, hub.linker, "GM0599", target, "error")
    assert outcome.changed
    with hub.store.lock:
        assert hub.store.db.execute("SELECT count(*) FROM sightings WHERE sighting_uuid = ?",
                                    [target]).fetchone()[0] == 0
    [entry] = [e for e in actions(hub, "withdraw") if e["removed"]]
    assert entry["batch"] and entry["digest"]


def test_audit_verify_counts_what_a_node_withdrew_within_a_day_of_its_upload(
        tmp_path, pki, secret_file, capsys):
    """Lawful (a file imported by mistake), and also how a node would read whether a
    made-up sighting joins an alert; the auditor sees the count per municipality."""
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
        assert code == 0 and "within a day of their upload" not in out
        assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
                   "error") == 0
        # an erasure at the person's request is told apart (the privacy officer's review)
        assert run("node", "withdraw", "--home", homes["GM0344"], "UTR-3", "--reason",
                   "erasure") == 0
        code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 0, out
    assert ("withdrawn  within a day of their upload: GM0344 1 (1 at the person's request, "
            "AVG art. 17), GM0599 1 sighting(s)") in out


def _corrected(home, sighting_uuid: str):
    """The node's stored encoding of a sighting with a signal added: a correction."""
    import sqlite3

    from zichtlijn.v1 import encoding_pb2

    with sqlite3.connect(home / "node.db") as conn:
        [(encoded,)] = conn.execute("SELECT encoded FROM sightings WHERE sighting_uuid = ?",
                                    [sighting_uuid]).fetchall()
    sighting = encoding_pb2.EncodedSighting.FromString(encoded)
    sighting.signals.append("injuries")
    return sighting


def _meanwhile(monkeypatch, other) -> None:
    """`other()` runs right after the first `_held` look-up, before the linker is waited
    for: what another call does while this one waits behind a long link run."""
    from hub import records

    original, pending = records._held, [other]

    def looked_up(*args):
        found = original(*args)
        if pending:
            pending.pop()()
        return found

    monkeypatch.setattr(records, "_held", looked_up)


def _held_at_hub(hub, sighting_uuid: str) -> tuple[int, int]:
    with hub.store.lock:
        return tuple(hub.store.db.execute(
            "SELECT (SELECT count(*) FROM sightings WHERE sighting_uuid = ?), "
            "(SELECT count(*) FROM withdrawn_sightings WHERE sighting_uuid = ?)",
            [sighting_uuid, sighting_uuid]).fetchone())


def test_a_withdrawal_waiting_behind_a_correction_of_it_still_removes_it(world, monkeypatch):
    # the code review: it removed the seq it read before waiting, which the correction had
    # replaced, so it deleted nothing, logged `removed`, and the node deleted its row
    import datetime as dt

    from hub import records

    hub, homes = world
    target = uuids_by_case(homes["GM0599"])["RTM-8"]
    corrected = _corrected(homes["GM0599"], target)
    _meanwhile(monkeypatch, lambda: records.correct(
        hub.store, hub.linker, hub.linker.schema, "GM0599", corrected, dt.date.today()))
    assert records.withdraw(hub.store, hub.linker, "GM0599", target, "erasure").changed
    assert _held_at_hub(hub, target) == (0, 1)
    [entry] = [e for e in actions(hub, "withdraw") if e["removed"]]
    [replaced] = [e for e in actions(hub, "correct") if e["changed"]]
    assert entry["digest"] == replaced["new_digest"]  # the one it removed, as logged


def test_a_correction_waiting_behind_a_withdrawal_of_it_puts_nothing_back(world, monkeypatch):
    # it removed the stale seq (nothing) and inserted the corrected sighting: an erasure
    # undone
    import datetime as dt

    from hub import records

    hub, homes = world
    target = uuids_by_case(homes["GM0599"])["RTM-8"]
    corrected = _corrected(homes["GM0599"], target)
    _meanwhile(monkeypatch, lambda: records.withdraw(hub.store, hub.linker, "GM0599", target,
                                                     "erasure"))
    with pytest.raises(records.NotHeld):
        records.correct(hub.store, hub.linker, hub.linker.schema, "GM0599", corrected,
                        dt.date.today())
    assert _held_at_hub(hub, target) == (0, 1)
    assert [e for e in actions(hub, "correct") if e["changed"]] == []
