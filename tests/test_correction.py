"""`zichtlijn node correct`: re-entered details replace the sighting at the hub, same UUID."""

from __future__ import annotations

import io

import grpc
import pytest

from node.store import NodeStore
from tests.lookup_support import (
    ELENA,
    ROWS,
    actions,
    csv_bytes,
    import_and_sync,
    node,
    persons_of,
    run,
    running_hub,
    uuids_by_case,
    write_json,
)
from tests.record_signing import correct_request
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import encoding_pb2, records_pb2, records_pb2_grpc

# the inspector at GM0344 typed her date of birth wrong and left out her passport
WRONG = ["UTR-3", ROWS["GM0344"][0][1], "Iulia", "Turcanu", "03-12-1989", "v", "", "ja",
         "no_id_access"]


@pytest.fixture()
def world(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki) as hub:
        homes = {}
        for gemeente, rows in ROWS.items():
            homes[gemeente] = node(tmp_path, pki, secret_file, gemeente, hub)
            fixed = [WRONG if r[0] == "UTR-3" else r for r in rows]
            import_and_sync(tmp_path, homes[gemeente], fixed)
        yield hub, homes


def hub_row(hub, uuid):
    with hub.store.lock:
        return hub.store.db.execute(
            "SELECT digest, observed_on, signals, person_id FROM sightings "
            "WHERE sighting_uuid = ?", [uuid]).fetchone()


def test_correction_keeps_the_uuid_and_relinks(world, tmp_path, capsys):
    hub, homes = world
    home = homes["GM0344"]
    uuid = uuids_by_case(home)["UTR-3"]
    ams = uuids_by_case(homes["GM0363"])["AMS-1"]
    digest_before, *_, person_before = hub_row(hub, uuid)
    assert person_before != persons_of(hub)[ams]  # the wrong date kept her apart

    corrected = {**ELENA, "document_number": "AB1234567"}
    capsys.readouterr()
    assert run("node", "correct", "--home", home, "UTR-3", "--from-json",
               write_json(tmp_path, corrected), "--signals", "no_id_access;unlicensed") == 0
    out = capsys.readouterr().out
    assert f"corrected UTR-3 (sighting {uuid}, same UUID): the hub replaced it" in out
    assert "changed person" not in out

    assert uuids_by_case(home)["UTR-3"] == uuid
    digest_after, observed_on, signals, person_after = hub_row(hub, uuid)
    assert digest_after != digest_before
    assert observed_on == WRONG[1]  # not given, so kept
    assert signals == "no_id_access;unlicensed"
    assert person_after == persons_of(hub)[ams]  # now she is one person again
    assert hub.store.count_sightings() == 7

    [entry] = actions(hub, "correct")
    assert entry["actor"] == "node:GM0344" and entry["changed"] is True
    assert entry["old_digest"] == bytes(digest_before).hex()
    assert entry["new_digest"] == bytes(digest_after).hex()
    assert uuid not in str(entry)

    # the node holds the corrected encoding, synced: nothing to send again
    store = NodeStore(home / "node.db")
    try:
        assert store.count_unsynced() == 0
        [encoded] = store.db.execute(
            "SELECT encoded FROM sightings WHERE case_ref = 'UTR-3'").fetchone()
        assert encoding_pb2.EncodedSighting.FromString(encoded).subject.document_token
    finally:
        store.close()
    hub.linker.relink_all()
    assert hub_row(hub, uuid)[3] == persons_of(hub)[ams]


def test_the_same_details_again_change_nothing(world, tmp_path, capsys):
    hub, homes = world
    same = {"given_names": "Iulia", "surname": "Turcanu", "date_of_birth": "03-12-1989",
            "sex": "v"}
    capsys.readouterr()
    assert run("node", "correct", "--home", homes["GM0344"], "UTR-3", "--from-json",
               write_json(tmp_path, same)) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert actions(hub, "correct") == []


def test_unsynced_correction_goes_out_with_the_next_sync(tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        home = node(tmp_path, pki, secret_file, "GM0344", hub)
        path = tmp_path / "wrong.csv"
        path.write_bytes(csv_bytes([WRONG]))
        assert run("node", "import", "--home", home, path) == 0
        uuid = uuids_by_case(home)["UTR-3"]
        capsys.readouterr()
        assert run("node", "correct", "--home", home, "UTR-3", "--from-json",
                   write_json(tmp_path, ELENA)) == 0
        assert "not synced yet" in capsys.readouterr().out
        assert actions(hub, "correct") == []
        assert run("node", "sync", "--home", home) == 0
        assert uuid in persons_of(hub)


def test_correction_is_validated_like_an_import(world, tmp_path, capsys):
    hub, homes = world
    assert run("node", "correct", "--home", homes["GM0344"], "UTR-3", "--from-json",
               write_json(tmp_path, {"given_names": "-", "date_of_birth": "14-03-1998"})) == 1
    err = capsys.readouterr().err
    assert err == "zichtlijn: given_names: given_names and surname are both empty\n"
    assert run("node", "correct", "--home", homes["GM0344"], "UTR-3", "--from-json",
               write_json(tmp_path, ELENA), "--observed-on", "2001-13-14") == 1
    assert "observed_on" in capsys.readouterr().err
    # a date past the retention period: refused, and said to leave the control as it was
    # (it said "not kept", read as the control deleted)
    assert run("node", "correct", "--home", homes["GM0344"], "UTR-3", "--from-json",
               write_json(tmp_path, ELENA), "--observed-on", "2001-01-10") == 1
    err = capsys.readouterr().err
    assert err.startswith("zichtlijn: observed_on: older than the retention period")
    assert err.endswith(": the correction is refused, the stored control is unchanged\n")
    assert "not kept" not in err
    assert run("node", "correct", "--home", homes["GM0344"], "NOPE", "--from-json",
               write_json(tmp_path, ELENA)) == 1
    assert "no sighting with case_ref 'NOPE'" in capsys.readouterr().err
    assert actions(hub, "correct") == []


def test_a_correction_from_a_script_with_no_input_says_how_to_give_it(world, capsys,
                                                                       monkeypatch):
    """Run with `< /dev/null` (cron, a script): not a JSON parser's complaint, but how the
    identity is given."""
    _, homes = world
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert run("node", "correct", "--home", homes["GM0344"], "UTR-3", "--setting",
               "woning") == 1
    assert capsys.readouterr().err == (
        "zichtlijn: no identity given: standard input is not a terminal and was empty; give "
        "it as JSON with --from-json FILE (or - for standard input), or run the command on "
        "a terminal to be asked\n")


def stored_sighting(home, case_ref: str) -> encoding_pb2.EncodedSighting:
    """The sighting as the node encoded it for the hub."""
    store = NodeStore(home / "node.db")
    try:
        [encoded] = store.db.execute(
            "SELECT encoded FROM sightings WHERE case_ref = ?", [case_ref]).fetchone()
    finally:
        store.close()
    return encoding_pb2.EncodedSighting.FromString(encoded)


def test_a_node_cannot_correct_another_towns_sighting(world, pki):
    hub, homes = world
    foreign = stored_sighting(homes["GM0363"], "AMS-1")
    foreign.signals.append("unlicensed")
    before = hub_row(hub, foreign.sighting_uuid)
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0599")) as channel, \
            pytest.raises(grpc.RpcError) as err:
        records_pb2_grpc.RecordServiceStub(channel).Correct(
            correct_request(pki, "node-GM0599", foreign,
                            stored_sighting(homes["GM0363"], "AMS-1")), timeout=10)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert hub_row(hub, foreign.sighting_uuid) == before


def test_the_node_hears_whether_the_hub_changed_it_not_what_changed(world, pki):
    """A correction's reply says changed or not, no count of persons or alerts (README
    "Who sees what"); the hub's audit entry keeps them."""
    hub, homes = world
    mine = stored_sighting(homes["GM0363"], "AMS-1")
    mine.signals.append("unlicensed")
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363")) as channel:
        reply = records_pb2_grpc.RecordServiceStub(channel).Correct(
            correct_request(pki, "node-GM0363", mine,
                            stored_sighting(homes["GM0363"], "AMS-1")), timeout=10)
    assert reply.changed is True
    assert {field.name for field, _ in reply.ListFields()} == {"changed"}
    assert set(records_pb2.CorrectReply.DESCRIPTOR.fields_by_name) == {"changed"}
    [entry] = actions(hub, "correct")
    assert entry["changed"] is True and "persons_changed" in entry


def test_a_malformed_correction_is_refused(world, pki):
    hub, homes = world
    broken = stored_sighting(homes["GM0363"], "AMS-1")
    broken.subject.name_filter = broken.subject.name_filter[:10]
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363")) as channel, \
            pytest.raises(grpc.RpcError) as err:
        records_pb2_grpc.RecordServiceStub(channel).Correct(
            correct_request(pki, "node-GM0363", broken,
                            stored_sighting(homes["GM0363"], "AMS-1")), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "name_filter" in err.value.details()


# The inspection system's nightly export still holds the row as first imported: the
# node's correction is the truth, so that row is left out and counted, exit status 0
def _export(tmp_path, rows, name="export.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def test_the_export_of_a_corrected_control_is_left_out_not_refused(world, tmp_path, capsys):
    hub, homes = world
    home = homes["GM0344"]
    rows = [WRONG if r[0] == "UTR-3" else r for r in ROWS["GM0344"]]
    assert run("node", "correct", "--home", home, "UTR-3", "--from-json",
               write_json(tmp_path, {**ELENA, "document_number": "AB1234567"})) == 0
    capsys.readouterr()
    assert run("node", "import", "--home", home, _export(tmp_path, rows)) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"export.csv: line 2: case_ref: 'UTR-3' of {WRONG[1]} was corrected at this node "
        "(`zichtlijn node correct`); the correction stands, not imported again"]
    assert ("export.csv: imported 0, unchanged 1, rejected 0, skipped 1 corrected at the "
            "node") in captured.out
    # the system's export corrected too: the same, the node's correction still stands
    fixed = ["UTR-3", WRONG[1], "Iulia", "Țurcanu", "14-03-1998", "v", "AB1234567", "ja",
             "no_id_access"]
    assert run("node", "import", "--home", home, _export(tmp_path, [fixed])) == 0
    assert "skipped 1 corrected at the node" in capsys.readouterr().out
    # other content than both is still refused, and nothing is stored or sent
    other = [*fixed[:2], "Iulia", "Rusu", "15-03-1998", *fixed[5:]]
    assert run("node", "import", "--home", home, _export(tmp_path, [other])) == 1
    assert "imported before with other content" in capsys.readouterr().err
    assert sorted(uuids_by_case(home)) == ["UTR-3", "UTR-4"]
    assert actions(hub, "correct") and hub.store.count_sightings() == 7


def _import_unsynced(tmp_path, home, rows, capsys):
    assert run("node", "import", "--home", home, _export(tmp_path, rows, "first.csv")) == 0
    capsys.readouterr()


def _node_alone(tmp_path, pki, secret_file):
    from tests.conftest import make_node

    return make_node(tmp_path, pki, secret_file, "GM0344", 1).home  # never synced here


def test_a_control_moved_to_another_date_is_not_imported_again_under_its_old_one(
        tmp_path, pki, secret_file, capsys):
    home = _node_alone(tmp_path, pki, secret_file)
    _import_unsynced(tmp_path, home, [WRONG], capsys)
    moved = ROWS["GM0344"][1][1]  # UTR-4's date
    assert run("node", "correct", "--home", home, "UTR-3", "--from-json",
               write_json(tmp_path, ELENA), "--observed-on", moved) == 0
    capsys.readouterr()
    assert run("node", "import", "--home", home, _export(tmp_path, [WRONG])) == 0
    assert "skipped 1 corrected at the node" in capsys.readouterr().out
    store = NodeStore(home / "node.db")
    try:
        assert store.dates_of("UTR-3") == [moved]  # before: a second control, the old one
    finally:
        store.close()


def test_a_node_database_from_before_keeps_working(tmp_path, pki, secret_file, capsys):
    import sqlite3

    home = _node_alone(tmp_path, pki, secret_file)
    _import_unsynced(tmp_path, home, [WRONG, ROWS["GM0344"][1]], capsys)
    with sqlite3.connect(home / "node.db") as conn:  # as the release before 2026-12-07 left it
        conn.execute("ALTER TABLE sightings DROP COLUMN imported_digests")
        conn.execute("ALTER TABLE sightings DROP COLUMN imported_on")
    assert run("node", "correct", "--home", home, "UTR-3", "--from-json",
               write_json(tmp_path, ELENA)) == 0
    capsys.readouterr()
    assert run("node", "import", "--home", home, _export(tmp_path, [WRONG])) == 0
    assert "skipped 1 corrected at the node" in capsys.readouterr().out
    # a correction made by that release left no memory of the row: refused as it was
    with sqlite3.connect(home / "node.db") as conn:
        conn.execute("ALTER TABLE sightings DROP COLUMN imported_digests")
        conn.execute("ALTER TABLE sightings DROP COLUMN imported_on")
    assert run("node", "import", "--home", home, _export(tmp_path, [WRONG])) == 1
    assert "was imported before with other content" in capsys.readouterr().err
    assert run("node", "import", "--home", home, _export(tmp_path, [ROWS["GM0344"][1]])) == 0
    assert "unchanged 1, rejected 0" in capsys.readouterr().out
