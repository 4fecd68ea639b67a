"""A node's signed correction or withdrawal cannot be replayed (a crypto review, 2026-12-07).

The review: a correction was signed as (gemeente, sighting, new digest), with no time and
nothing of what it replaced, so a hub insider (the red team's attacker of
tests/test_signed_records.py, who runs hub.records on hub.db) could copy the node's
signature out of the first correction's log entry after the node had corrected the
sighting again, put the sighting back to the content its municipality had corrected
away, and `audit verify` passed. Now the node signs a correction with the content digest
it replaces and the time it decided (a withdrawal with the time): the hub's own code
refuses a copy, and a hub that logs one anyway is reported by `audit verify`, naming the
entry. The lawful cases still pass end to end: a correction back to an earlier content,
after a hub restore, after `node recover`, and of a sighting of a key rotation's overlap.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3

import grpc
import pytest

from hub import records as hub_records
from hub.config import HubConfig
from hub.records import NodeSigned, RequestRefused
from hub.store import HubStore
from linkage.schema import default_schema
from node import records as node_records
from tests.lookup_support import (
    ELENA,
    actions,
    audit_hub,
    run,
    running_hub,
    three_towns,
    uuids_by_case,
    write_json,
)
from tests.record_signing import signer
from tests.test_correction import hub_row, stored_sighting
from tests.test_hub_restore import hub_on
from tests.test_rotation import (  # noqa: F401  (kits, nodes: fixtures)
    DAY0,
    DURING,
    OTHERS,
    TODAY,
    kits,
    nodes,
    put_back,
    reinstall_and_recover,
    rotate,
    row,
)
from tests.test_signed_records import (
    ca,
    cert_of,
    hub_home,
    key_of,
    problems,
    stub_call,
    withdraw_cli,
)
from zichtlijn import wire
from zichtlijn.certsign import (
    correct_statement_v1,
    read_request_time,
    request_time,
    sighting_ref,
    sign_statement,
    withdraw_statement_v1,
)
from zichtlijn.database_file import back_up
from zichtlijn.transport import OTHER_CONTENT, secure_channel
from zichtlijn.v1 import records_pb2

UTRECHT = "node-GM0344"


@pytest.fixture()
def world(tmp_path, pki, secret_file):
    """A real hub (gRPC, mTLS, SQLite) and three towns' nodes that synced."""
    with running_hub(tmp_path, pki) as hub:
        yield hub, three_towns(tmp_path, pki, secret_file, hub)


C1 = {**ELENA, "sex": "x"}  # a wrong identity: Iulia Țurcanu, the woman of the carousel
C2 = {**ELENA, "sex": "m"}  # corrected again


def correction_entry(hub, digest: bytes) -> tuple[int, dict]:
    """The index and entry of the (last) correction that made `digest`."""
    return _last(hub, "correct", lambda e: e["new_digest"] == digest.hex())


def _last(hub, action: str, match) -> tuple[int, dict]:
    with hub.store.lock:
        rows = hub.store.db.execute("SELECT idx, entry FROM audit_entries ORDER BY idx")
        found = [(idx, json.loads(raw)) for idx, raw in rows]
    return [(i, e) for i, e in found if e["action"] == action and match(e)][-1]


def copied(pki, entry: dict) -> NodeSigned:
    """The node's signature and what it signed, as an insider copies them out of an entry:
    no node key is used."""
    return NodeSigned(cert_of(pki, UTRECHT), base64.b64decode(entry["node_sig"]),
                      entry["decided_at"], bytes.fromhex(entry["replaces"]))


def replay(hub, pki, entry: dict, sighting) -> hub_records.RecordOutcome:
    """The red team's forge.py: the hub's own correction code, run on hub.db."""
    return hub_records.correct(hub.store, hub.linker, default_schema(), "GM0344", sighting,
                               dt.date.today(), signed=copied(pki, entry))


def as_request(entry: dict, sighting) -> records_pb2.CorrectRequest:
    """The same copy sent to the hub's service (over the node's own mTLS connection)."""
    return records_pb2.CorrectRequest(sighting=sighting,
                                      node_signature=base64.b64decode(entry["node_sig"]),
                                      replaces_digest=bytes.fromhex(entry["replaces"]),
                                      decided_at=entry["decided_at"])


def held_digest(hub, uuid: str) -> bytes:
    return bytes(hub_row(hub, uuid)[0])


def corrected(home, tmp_path, values: dict, name: str):
    """`node correct UTR-3` with `values`: the sighting as the node now holds it."""
    assert run("node", "correct", "--home", home, "UTR-3", "--from-json",
               write_json(tmp_path, values, name)) == 0
    return stored_sighting(home, "UTR-3")


# -- the review's finding, refused -----------------------------------------------------------


def test_an_earlier_correction_copied_from_the_log_is_refused(world, pki, tmp_path, capsys):
    """The review's reproduction: UTR-3 corrected to C1, then to C2; the insider applies
    the first correction again with the signature from its entry. The hub's own code
    refuses it, and so does its service: the node signed it as replacing what the sighting
    was before C1, which the hub no longer holds."""
    hub, homes = world
    home = homes["GM0344"]
    c1 = corrected(home, tmp_path, C1, "c1.json")
    _, first = correction_entry(hub, wire.sighting_digest(c1))
    c2 = corrected(home, tmp_path, C2, "c2.json")
    assert held_digest(hub, c2.sighting_uuid) == wire.sighting_digest(c2)
    entries = len(actions(hub, "correct"))

    with pytest.raises(RequestRefused) as refused:
        replay(hub, pki, first, c1)
    assert refused.value.other_content
    assert (f"the hub holds sighting {c1.sighting_uuid} with content "
            f"{wire.sighting_digest(c2).hex()[:16]}, not the {first['replaces'][:16]} this "
            "correction replaces") in str(refused.value)
    with pytest.raises(grpc.RpcError) as err:
        stub_call(hub, pki, UTRECHT, "Correct", as_request(first, c1))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "\n" not in err.value.details() and "nothing was changed" in err.value.details()
    assert OTHER_CONTENT in tuple(err.value.trailing_metadata())
    # the hub holds C2 still, and logged nothing more
    assert held_digest(hub, c2.sighting_uuid) == wire.sighting_digest(c2)
    assert len(actions(hub, "correct")) == entries
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "2 corrections, 2 node-signed" in out


def test_a_correction_back_to_an_earlier_content_is_taken_an_old_one_is_not(
        world, pki, tmp_path, capsys):
    """C1, C2, then C1 again: a fresh statement, taken (the wrong woman entered, the right
    one, then the inspector's second thoughts). The correction C1 -> C2 copied from the
    log now replaces what the hub holds, C1; it is refused all the same, as decided before
    the correction the hub applied last."""
    hub, homes = world
    home = homes["GM0344"]
    c1 = corrected(home, tmp_path, C1, "c1.json")
    c2 = corrected(home, tmp_path, C2, "c2.json")
    _, to_c2 = correction_entry(hub, wire.sighting_digest(c2))
    again = corrected(home, tmp_path, C1, "c1-again.json")
    assert wire.sighting_digest(again) == wire.sighting_digest(c1)
    assert held_digest(hub, c1.sighting_uuid) == wire.sighting_digest(c1)
    assert to_c2["replaces"] == wire.sighting_digest(c1).hex()

    with pytest.raises(RequestRefused, match="not after the last one the hub applied to it"):
        replay(hub, pki, to_c2, c2)
    with pytest.raises(grpc.RpcError) as err:
        stub_call(hub, pki, UTRECHT, "Correct", as_request(to_c2, c2))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "an earlier correction sent again" in err.value.details()
    assert held_digest(hub, c1.sighting_uuid) == wire.sighting_digest(c1)
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "3 corrections, 3 node-signed" in out


def test_a_signature_made_long_before_is_refused(world, pki):
    """A correction or withdrawal signed 20 minutes before it reaches the hub: what a copy
    replayed later looks like (and a node whose clock is off, which is told so). Nothing
    changes, and the correction takes no slot of the node's hour."""
    hub, homes = world
    utr = stored_sighting(homes["GM0344"], "UTR-3")
    fixed = stored_sighting(homes["GM0344"], "UTR-3")
    fixed.signals.append("unlicensed")
    long_ago = request_time(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20))
    node = signer(pki, UTRECHT)
    old_correction = node.correct(fixed, wire.sighting_digest(utr), long_ago)
    old_withdrawal = node.withdraw(utr.sighting_uuid, "erasure", long_ago)
    for method, request in [("Correct", old_correction), ("Withdraw", old_withdrawal)]:
        with pytest.raises(grpc.RpcError) as err:
            stub_call(hub, pki, UTRECHT, method, request)
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION, method
        assert err.value.details() == (
            "decided_at is 20 minutes behind the hub's clock (at most 10 either way): set "
            "the node's clock right (NTP) and run the command again; nothing was changed")
    # the hub's own code, as an insider runs it with those signatures
    with pytest.raises(RequestRefused, match="20 minutes behind"):
        hub_records.correct(hub.store, hub.linker, default_schema(), "GM0344", fixed,
                            dt.date.today(), signed=NodeSigned(
                                cert_of(pki, UTRECHT), old_correction.node_signature,
                                long_ago, wire.sighting_digest(utr)))
    with pytest.raises(RequestRefused, match="20 minutes behind"):
        hub_records.withdraw(hub.store, hub.linker, "GM0344", utr.sighting_uuid, "erasure",
                             signed=NodeSigned(cert_of(pki, UTRECHT),
                                               old_withdrawal.node_signature, long_ago))
    assert held_digest(hub, utr.sighting_uuid) == wire.sighting_digest(utr)
    assert actions(hub, "correct") == actions(hub, "withdraw") == []
    with hub.store.lock:
        assert hub.store.db.execute("SELECT count(*) FROM lookup_log").fetchone()[0] == 0


def test_a_node_of_the_release_before_is_told_to_upgrade(world, pki):
    """A node of the previous release signs the older statements and sends no time: the
    hub takes neither form from it (a signature without a time could be replayed for
    ever), refuses in one line, and changes nothing."""
    hub, homes = world
    utr = stored_sighting(homes["GM0344"], "UTR-3")
    fixed = stored_sighting(homes["GM0344"], "UTR-3")
    fixed.signals.append("unlicensed")
    key = key_of(pki, UTRECHT)
    ref = sighting_ref(utr.sighting_uuid)
    old_node = {
        "Correct": records_pb2.CorrectRequest(sighting=fixed, node_signature=sign_statement(
            key, correct_statement_v1("GM0344", ref, wire.sighting_digest(fixed)))),
        "Withdraw": records_pb2.WithdrawRequest(
            sighting_uuid=utr.sighting_uuid,
            reason=records_pb2.WITHDRAW_REASON_ERASURE_REQUEST,
            node_signature=sign_statement(key, withdraw_statement_v1(
                "GM0344", ref, "erasure_request")))}
    for method, request in old_node.items():
        with pytest.raises(grpc.RpcError) as err:
            stub_call(hub, pki, UTRECHT, method, request)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        what = "correction" if method == "Correct" else "withdrawal"
        assert err.value.details() == (
            f"a {what} needs the time the node decided it (decided_at), signed with it; a "
            "node of a release before this hub's signs none: upgrade it; nothing was "
            "changed")
    assert held_digest(hub, utr.sighting_uuid) == wire.sighting_digest(utr)
    assert actions(hub, "correct") == actions(hub, "withdraw") == []


def test_a_request_time_has_one_form():
    at = dt.datetime(2026, 12, 8, 9, 30, 1, 250, tzinfo=dt.UTC)
    assert request_time(at) == "2026-12-08T09:30:01.000250+00:00"
    assert read_request_time("2026-12-08T09:30:01.000250+00:00") == at
    for other in ("2026-12-08T09:30:01+00:00", "2026-12-08T09:30:01.000250Z",
                  "2026-12-08T10:30:01.000250+01:00", "2026-12-08T09:30:01.000250", "now"):
        with pytest.raises(ValueError):
            read_request_time(other)


# -- a hub that logs a replay anyway -----------------------------------------------------------


@pytest.mark.parametrize("case", ["after another", "after a correction back"])
def test_a_replayed_correction_a_hub_logs_anyway_is_reported(world, pki, tmp_path, capsys,
                                                             monkeypatch, case):
    """A hub whose code was changed not to check (or that writes the entry itself) logs the
    copy. `audit verify` names the entry: the same signature stands in the log twice, its
    time is not after the correction it follows and, where the hub held other content,
    the node signed it for other content than it was applied to."""
    hub, homes = world
    home = homes["GM0344"]
    c0 = stored_sighting(home, "UTR-3")
    c1 = corrected(home, tmp_path, C1, "c1.json")
    c2 = corrected(home, tmp_path, C2, "c2.json")
    if case == "after another":  # the review's: C1 applied again over C2
        original, entry = correction_entry(hub, wire.sighting_digest(c1))
        sighting, applied_to = c1, c2
    else:  # C2 again over C1, with the hub holding C1 once more
        corrected(home, tmp_path, C1, "c1-again.json")
        original, entry = correction_entry(hub, wire.sighting_digest(c2))
        sighting, applied_to = c2, c1
    following = _last(hub, "correct", lambda e: True)[0]
    monkeypatch.setattr(hub_records, "check_correction", lambda *args, **kwargs: None)
    assert replay(hub, pki, entry, sighting).changed
    index = _last(hub, "correct", lambda e: True)[0]
    assert held_digest(hub, c1.sighting_uuid) == wire.sighting_digest(sighting)

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1, out
    found = problems(out)
    expected = [
        f"entry #{index}: correction by node:GM0344 carries the node's signed request of "
        f"entry #{original} again (the same statement and signature): a request replayed "
        "at the hub",
        f"entry #{index}: correction by node:GM0344 was decided at {entry['decided_at']}, "
        f"not after the correction of entry #{following} it follows: an earlier correction "
        "replayed at the hub?"]
    if case == "after another":
        assert entry["replaces"] == wire.sighting_digest(c0).hex()
        expected.append(
            f"entry #{index}: correction by node:GM0344 was signed by the node as replacing "
            f"content {entry['replaces'][:16]}, but the hub applied it to "
            f"{wire.sighting_digest(applied_to).hex()[:16]}: an earlier correction "
            "replayed at the hub?")
    assert sorted(found) == sorted(expected), found


def test_a_withdrawal_replayed_is_reported(world, pki, capsys, monkeypatch):
    """A withdrawal is final: a copy of its signature can only withdraw again what the node
    withdrew. Within its 10 minutes the hub's code takes the copy as a no-op (the UUID is
    gone and kept out); the log then holds the node's signature twice, which is reported.
    A hub whose code was changed to take one signed long before is reported for its time."""
    hub, homes = world
    uuid = uuids_by_case(homes["GM0599"])["RTM-7"]
    assert withdraw_cli(homes["GM0599"], "RTM-7") == 0
    original, entry = _last(hub, "withdraw", lambda e: True)
    rtm_cert = cert_of(pki, "node-GM0599")
    signed = NodeSigned(rtm_cert, base64.b64decode(entry["node_sig"]), entry["decided_at"])
    assert not hub_records.withdraw(hub.store, hub.linker, "GM0599", uuid,
                                    "erasure_request", signed=signed).changed
    copy = _last(hub, "withdraw", lambda e: True)[0]
    # RTM-8, as if signed 30 minutes before: a hub that no longer checks the time logs it
    rtm8 = uuids_by_case(homes["GM0599"])["RTM-8"]
    long_ago = request_time(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30))
    old = signer(pki, "node-GM0599").withdraw(rtm8, "error", long_ago)
    monkeypatch.setattr(hub_records, "check_time", lambda *args, **kwargs: None)
    assert hub_records.withdraw(hub.store, hub.linker, "GM0599", rtm8, "recorded_in_error",
                                signed=NodeSigned(rtm_cert, old.node_signature,
                                                  long_ago)).changed
    late, late_entry = _last(hub, "withdraw", lambda e: True)

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1, out
    assert sorted(problems(out)) == sorted([
        f"entry #{copy}: withdrawal by node:GM0599 carries the node's signed request of "
        f"entry #{original} again (the same statement and signature): a request replayed "
        "at the hub",
        f"entry #{late}: withdrawal by node:GM0599 logged at {late_entry['at']} but decided "
        f"at {long_ago}, further apart than a hub accepts: a withdrawal replayed at the "
        "hub?"])


def test_an_entry_signed_in_the_form_before_is_reported(world, pki, tmp_path, capsys):
    """The older statement names no time and no content replaced, so a signature over one
    (copied from an entry written before the hub's upgrade) could be logged for ever. An
    entry of version 4 or later in that form is reported, even where its signature is the
    node's own (here made with the node's key, standing for such a copy)."""
    hub, homes = world
    c1 = corrected(homes["GM0344"], tmp_path, C1, "c1.json")
    assert withdraw_cli(homes["GM0599"], "RTM-7") == 0
    code, _ = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0
    export = hub_home(hub).parent / "audit.db"
    with sqlite3.connect(export) as conn:
        rows = [(i, json.loads(raw)) for i, raw in conn.execute(
            "SELECT idx, entry FROM entries ORDER BY idx")]
    [(ci, correction)] = [(i, e) for i, e in rows if e["action"] == "correct"]
    [(wi, withdrawal)] = [(i, e) for i, e in rows if e["action"] == "withdraw"]
    v1 = {
        ci: {**{k: v for k, v in correction.items() if k not in ("decided_at", "replaces")},
             "node_sig": base64.b64encode(sign_statement(key_of(pki, UTRECHT), (
                 correct_statement_v1("GM0344", correction["sighting"],
                                      wire.sighting_digest(c1))))).decode()},
        wi: {**{k: v for k, v in withdrawal.items() if k != "decided_at"},
             "node_sig": base64.b64encode(sign_statement(key_of(pki, "node-GM0599"), (
                 withdraw_statement_v1("GM0599", withdrawal["sighting"],
                                       withdrawal["reason"])))).decode()}}
    with sqlite3.connect(export) as conn:
        for idx, changed in v1.items():
            conn.execute("UPDATE entries SET entry = ? WHERE idx = ?",
                         [json.dumps(changed, sort_keys=True, separators=(",", ":")).encode(),
                          idx])
    capsys.readouterr()
    assert run("audit", "verify", export, "--log-key", hub_home(hub) / "log.vkey",
               "--ca", ca(pki)) == 1
    out = capsys.readouterr().out
    # the tree heads show that the entries were edited; the request check says how
    for idx, what, actor, replaces in [(ci, "correction", "GM0344",
                                        " and the content it replaces"),
                                       (wi, "withdrawal", "GM0599", "")]:
        assert (f"entry #{idx}: {what} by node:{actor} is signed without the time the node "
                f"decided it{replaces}, though every entry of version 4 or later is: an old "
                "signature replayed at the hub?") in out, out
    assert "1 withdrawals, 0 node-signed; 1 corrections, 0 node-signed" in out


def test_content_put_back_in_hub_db_without_an_entry_is_reported(world, pki, tmp_path, capsys):
    """Without the hub's code: C1's rows written back into hub.db over C2. C1 was once in
    the sighting's batch (by a correction), which the reconciliation accepted; the log
    says C2 is current, so the sighting is reported."""
    hub, homes = world
    home = homes["GM0344"]
    c1 = corrected(home, tmp_path, C1, "c1.json")
    c2 = corrected(home, tmp_path, C2, "c2.json")
    last = correction_entry(hub, wire.sighting_digest(c2))[0]
    with hub.store.transaction() as conn:
        _, batch, received_at = conn.execute(
            "SELECT seq, batch_digest, received_at FROM sightings WHERE sighting_uuid = ?",
            [c1.sighting_uuid]).fetchone()
        conn.execute("DELETE FROM sightings WHERE sighting_uuid = ?", [c1.sighting_uuid])
        HubStore._insert_sighting(conn, "GM0344", bytes(batch), received_at, c1)
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1
    assert (f"sighting {c1.sighting_uuid} (GM0344): the hub holds content "
            f"{wire.sighting_digest(c1).hex()[:16]}, but entry #{last}, its last correction, "
            f"left {wire.sighting_digest(c2).hex()[:16]}: changed in hub.db without an "
            "entry") in out, out


# -- the lawful cases, end to end ----------------------------------------------------------------


def test_a_correction_after_a_hub_restore_replaces_what_the_restored_hub_holds(
        tmp_path, pki, secret_file, capsys):
    """The hub restored from a backup of before a correction holds the content before it;
    the node, asked to correct again before its next sync, signs against the content it
    holds (the first correction's), is refused as other content, asks what the hub holds
    and signs against that. The log verifies; asking again at the sync changes nothing."""
    hub_home_ = tmp_path / "hub"
    backup = tmp_path / "hub-backup.db"
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        home = homes["GM0344"]
        c0 = stored_sighting(home, "UTR-3")
        assert run("hub", "backup", "--home", hub_home_, "--out", backup) == 0
        corrected(home, tmp_path, C1, "c1.json")
    assert run("hub", "restore", "--home", hub_home_, "--from", backup) == 0
    with hub_on(tmp_path, pki, homes) as hub:
        assert held_digest(hub, c0.sighting_uuid) == wire.sighting_digest(c0)
        capsys.readouterr()
        c2 = corrected(home, tmp_path, C2, "c2.json")
        assert "the hub replaced it" in capsys.readouterr().out
        assert held_digest(hub, c2.sighting_uuid) == wire.sighting_digest(c2)
        _, entry = correction_entry(hub, wire.sighting_digest(c2))
        assert entry["replaces"] == entry["old_digest"] == wire.sighting_digest(c0).hex()
        assert run("node", "sync", "--home", home) == 0
        assert "asked again" not in capsys.readouterr().out
    code, out = audit_hub(hub_home_, ca(pki), capsys)
    assert code == 0, out


def test_a_correction_after_node_recover_replaces_what_the_hub_holds(
        tmp_path, pki, secret_file, capsys):
    """The node's database restored from a backup of before a correction holds the content
    before it; `node recover`, then a correction: signed against the hub's content."""
    with running_hub(tmp_path, pki) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        home = homes["GM0344"]
        backup = tmp_path / "node-backup.db"
        assert run("node", "backup", "--home", home, "--out", backup) == 0
        c1 = corrected(home, tmp_path, C1, "c1.json")
        for lost in home.glob("node.db*"):
            lost.unlink()
        backup.rename(home / "node.db")
        assert run("node", "recover", "--home", home) == 0
        assert held_digest(hub, c1.sighting_uuid) == wire.sighting_digest(c1)
        c2 = corrected(home, tmp_path, C2, "c2.json")
        assert held_digest(hub, c2.sighting_uuid) == wire.sighting_digest(c2)
        _, entry = correction_entry(hub, wire.sighting_digest(c2))
        assert entry["replaces"] == wire.sighting_digest(c1).hex()
        code, out = audit_hub(hub_home(hub), ca(pki), capsys)
        assert code == 0, out
        assert "2 corrections, 2 node-signed" in out


def test_a_sighting_of_a_rotations_overlap_is_corrected_after_the_old_epoch_is_retired(
        nodes, kits, hub, tmp_path, pki, capsys):  # noqa: F811
    """Uploaded under both epochs during the overlap, then the node restored from a backup
    takes its UUID back under the new epoch alone: the node holds another digest than the
    hub (the hub's with the old epoch's encoding). Corrected, the request names what the
    hub holds, and the log verifies."""
    amsterdam = nodes["GM0363"]
    amsterdam.import_rows([row("A-1", DAY0, OTHERS[1])], DAY0)
    amsterdam.sync(DAY0)
    backup = tmp_path / "node-backup.db"
    back_up(amsterdam.store.path, backup, "node database")
    rotate(nodes, kits)
    amsterdam.import_rows([row("A-2", DURING, OTHERS[0])], DURING)  # epochs 2 and 1
    amsterdam.sync(DURING)
    amsterdam.keyring.retire(1, TODAY)
    uuid = amsterdam.uuid_of("A-2")
    dual = held_digest(hub, uuid)
    with hub.store.lock:
        assert hub.store.db.execute("SELECT count(*) FROM epoch_encodings").fetchone()[0] >= 1

    put_back(amsterdam, backup)
    reinstall_and_recover(amsterdam, kits)
    assert amsterdam.import_rows([row("A-2", DURING, OTHERS[0])], TODAY).taken_back == 1
    taken_back = node_records.stored(amsterdam.store, "A-2")
    assert wire.sighting_digest(taken_back.message) != dual  # new epoch only, here

    with secure_channel(amsterdam.config.hub, amsterdam.config.tls) as channel:
        outcome = node_records.correct(
            channel, amsterdam.store, "A-2", {"given_names": "Blessing", "surname": "Osagie",
                                              "date_of_birth": "02-07-1995", "sex": "x"},
            amsterdam.keyring.encoders(default_schema(), TODAY), TODAY, lambda _: None, 30)
    assert outcome.changed_at_hub
    now = node_records.stored(amsterdam.store, "A-2")
    assert held_digest(hub, uuid) == wire.sighting_digest(now.message)
    _, entry = correction_entry(hub, wire.sighting_digest(now.message))
    assert entry["replaces"] == entry["old_digest"] == dual.hex()
    home = tmp_path / "hub"  # the fixture's hub has no hub.toml, which the export reads
    (home / "hub.toml").write_text(HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub")).to_toml(),
                                   "utf-8")
    code, out = audit_hub(home, pki.root / "ca.pem", capsys)
    assert code == 0, out

