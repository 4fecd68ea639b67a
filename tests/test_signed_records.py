"""Withdrawals and corrections carry the node's own signature, as uploads do.

A red team found that the hub wrote `withdraw` and `correct` entries itself: an insider
who ran the hub's own code (hub.records) on hub.db got entries, relinks and alert changes
under any municipality's name that every check passed. Now the node signs each request
with its certificate's key, the hub refuses one that does not verify, logs the signature,
and `audit verify` checks it (README "Audit log", "AVG: retention, withdrawal, correction").
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

import grpc
import pytest
from cryptography import x509

from hub import audit_log
from hub import records as hub_records
from hub.records import NodeSigned
from linkage.schema import default_schema
from tests.lookup_support import (
    ELENA,
    actions,
    audit_hub,
    node,
    persons_of,
    run,
    running_hub,
    three_towns,
    uuids_by_case,
    write_json,
)
from tests.record_signing import correct_request, signer, withdraw_request
from tests.test_correction import hub_row, stored_sighting
from zichtlijn import audit_verify, wire
from zichtlijn.certsign import (
    batch_statement,
    certificate_sha256,
    correct_statement,
    correct_statement_v1,
    load_signing_key,
    request_time,
    sighting_ref,
    sign_batch,
    sign_statement,
    verify_statement,
    withdraw_statement,
    withdraw_statement_v1,
)
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import records_pb2, records_pb2_grpc


@pytest.fixture()
def old_release(monkeypatch):
    """Entries written as a release before nodes signed their requests wrote them."""
    monkeypatch.setattr(audit_log, "ENTRY_VERSION", 1)


def first_v2(hub) -> int:
    """The index of the log's first entry of version 2."""
    with hub.store.lock:
        return next(idx for idx, raw in hub.store.db.execute(
            "SELECT idx, entry FROM audit_entries ORDER BY idx") if json.loads(raw)["v"] == 2)


@pytest.fixture()
def world(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki) as hub:
        yield hub, three_towns(tmp_path, pki, secret_file, hub)


def hub_home(hub) -> Path:
    return hub.store.path.parent


def ca(pki) -> Path:
    return pki.root / "ca.pem"


def cert_of(pki, stem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pki.tls(stem).cert.read_bytes())


def key_of(pki, stem: str):
    return load_signing_key(pki.tls(stem).key.read_bytes())


def stub_call(hub, pki, stem: str, method: str, request):
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls(stem)) as channel:
        return getattr(records_pb2_grpc.RecordServiceStub(channel), method)(request, timeout=30)


def withdraw_cli(home: Path, case_ref: str) -> int:
    return run("node", "withdraw", "--home", home, case_ref, "--reason", "erasure")


def correct_cli(home: Path, tmp_path: Path, case_ref: str, values: dict) -> int:
    return run("node", "correct", "--home", home, case_ref, "--from-json",
               write_json(tmp_path, values, f"{case_ref}.json"))


def problems(out: str) -> list[str]:
    """The problems `audit verify` listed."""
    return [line.strip() for line in out.splitlines() if line.startswith("  entry #")]


# -- the statements ------------------------------------------------------------------


def test_a_signature_stands_for_one_kind_of_statement_only(pki):
    """Domain separation: the same key signs batches, withdrawals and corrections, and a
    signature over one never verifies as another, whatever the fields."""
    key, cert = key_of(pki, "node-GM0599"), cert_of(pki, "node-GM0599")
    ref = sighting_ref(str(uuid.uuid4()))
    digest = bytes(range(32))
    at = request_time()
    withdraw = withdraw_statement("GM0599", ref, "erasure_request", at)
    correct = correct_statement("GM0599", ref, bytes(32), digest, at)
    batch = batch_statement("GM0599", digest, 1)
    assert len({withdraw, correct, batch}) == 3
    assert verify_statement(cert, withdraw, sign_statement(key, withdraw))
    assert verify_statement(cert, correct, sign_statement(key, correct))
    batch_sig = sign_batch(key, "GM0599", digest, 1)
    assert verify_statement(cert, batch, batch_sig)
    for signed, other in [(withdraw, correct), (correct, withdraw), (batch, withdraw),
                          (batch, correct), (withdraw, batch)]:
        assert not verify_statement(cert, other, sign_statement(key, signed))
    # another municipality's key, or another reason, does not stand for this one
    assert not verify_statement(cert, withdraw, sign_statement(key_of(pki, "node-GM0363"),
                                                               withdraw))
    assert not verify_statement(
        cert, withdraw_statement("GM0599", ref, "recorded_in_error", at),
        sign_statement(key, withdraw))
    # fields chosen so that only the label tells the kinds apart
    for one, other in [(withdraw_statement_v1("GM0599", ref, digest.hex()),
                        correct_statement_v1("GM0599", ref, digest)),
                       (withdraw_statement_v1("GM0599", digest.hex(), "1"), batch)]:
        assert one != other
        assert not verify_statement(cert, other, sign_statement(key, one))
    # a signature over a statement of the form before entry version 4 (no time, no old
    # digest) never stands for one of the form after it, nor the other way round
    for old, new in [(correct_statement_v1("GM0599", ref, digest), correct),
                     (withdraw_statement_v1("GM0599", ref, "erasure_request"), withdraw)]:
        assert not verify_statement(cert, new, sign_statement(key, old))
        assert not verify_statement(cert, old, sign_statement(key, new))
    # another time, or another content replaced, is another statement
    earlier = request_time(dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC))
    assert not verify_statement(cert, correct_statement("GM0599", ref, bytes(32), digest,
                                                        earlier), sign_statement(key, correct))
    assert not verify_statement(cert, correct_statement("GM0599", ref, digest, digest, at),
                                sign_statement(key, correct))
    with pytest.raises(ValueError, match="newline"):
        withdraw_statement("GM0599", ref, "erasure_request\nGM0363", at)


# -- a real hub and node ---------------------------------------------------------------


def test_withdraw_and_correct_are_signed_logged_and_verify(world, pki, tmp_path, capsys):
    hub, homes = world
    rtm = uuids_by_case(homes["GM0599"])["RTM-7"]
    utr = uuids_by_case(homes["GM0344"])["UTR-3"]
    assert withdraw_cli(homes["GM0599"], "RTM-7") == 0
    assert correct_cli(homes["GM0344"], tmp_path, "UTR-3", {**ELENA, "sex": "x"}) == 0
    assert rtm not in persons_of(hub)

    [withdrawn] = actions(hub, "withdraw")
    [corrected] = actions(hub, "correct")
    for entry, stem in [(withdrawn, "node-GM0599"), (corrected, "node-GM0344")]:
        assert entry["node_cert"] == certificate_sha256(cert_of(pki, stem)).hex()
        signature = base64.b64decode(entry["node_sig"])
        gemeente = stem.removeprefix("node-")
        statement = (withdraw_statement(gemeente, entry["sighting"], entry["reason"],
                                        entry["decided_at"])
                     if entry["action"] == "withdraw" else
                     correct_statement(gemeente, entry["sighting"],
                                       bytes.fromhex(entry["replaces"]),
                                       bytes.fromhex(entry["new_digest"]), entry["decided_at"]))
        assert verify_statement(cert_of(pki, stem), statement, signature)
    assert withdrawn["sighting"] == sighting_ref(rtm)
    assert corrected["sighting"] == sighting_ref(utr) and corrected["changed"] is True
    # signed as replacing what the hub held, and logged with it
    assert corrected["replaces"] == corrected["old_digest"]

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "requests   1 withdrawals, 1 node-signed; 1 corrections, 1 node-signed" in out


def test_refused_requests_are_logged_with_their_signature_and_verify(world, pki, capsys):
    """A withdrawal of another town's sighting is refused, logged, and signed; so is a
    correction beyond the hour's budget (its entry names the digest the node signed)."""
    hub, homes = world
    ams = uuids_by_case(homes["GM0363"])["AMS-1"]
    with pytest.raises(grpc.RpcError) as err:
        stub_call(hub, pki, "node-GM0599", "Withdraw",
                  withdraw_request(pki, "node-GM0599", ams))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    [refused] = actions(hub, "withdraw")
    assert refused["refused"] == "another_gemeente" and "node_sig" in refused

    mine = stored_sighting(homes["GM0363"], "AMS-1")
    mine.signals.append("unlicensed")
    with hub.store.transaction() as conn:  # the node's hour is used up
        conn.executemany("INSERT INTO lookup_log (gemeente, at) VALUES (?, ?)",
                         [("GM0363", 4e9)] * 100)
    with pytest.raises(grpc.RpcError) as err:
        stub_call(hub, pki, "node-GM0363", "Correct",
                  correct_request(pki, "node-GM0363", mine,
                                  stored_sighting(homes["GM0363"], "AMS-1")))
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    [over] = actions(hub, "correct_refused")
    assert over["new_digest"] == wire.sighting_digest(mine).hex() and "node_sig" in over

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "requests   1 withdrawals, 1 node-signed; 1 corrections, 1 node-signed" in out


def test_a_node_that_never_uploaded_with_its_certificate_still_verifies(world, pki,
                                                                         tmp_path,
                                                                         secret_file, capsys):
    """The certificate that signed a withdrawal goes into the export, also when it signed
    no upload (a node withdrawing a UUID before its upload, or with a renewed one)."""
    hub, _ = world
    node(tmp_path, pki, secret_file, "GM0014", hub)  # a town that never synced
    reply = stub_call(hub, pki, "node-GM0014", "Withdraw",
                      withdraw_request(pki, "node-GM0014", str(uuid.uuid4())))
    assert reply.removed is False
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "1 withdrawals, 1 node-signed" in out


# -- the hub refuses what the node did not sign --------------------------------------------


def state(hub) -> tuple:
    with hub.store.lock:
        calls = hub.store.db.execute("SELECT count(*) FROM withdraw_calls").fetchone()[0]
        slots = hub.store.db.execute("SELECT count(*) FROM lookup_log").fetchone()[0]
    return (len(actions(hub, "withdraw")) + len(actions(hub, "correct"))
            + len(actions(hub, "correct_refused")), calls, slots, persons_of(hub))


def wrong_withdrawals(pki, rtm: str) -> dict[str, records_pb2.WithdrawRequest]:
    good = signer(pki, "node-GM0599").withdraw(rtm, "erasure")
    other_key = signer(pki, "node-GM0363")
    other_key = type(other_key)("GM0599", other_key.key)  # GM0599's statement, another key
    batch_sig = sign_batch(key_of(pki, "node-GM0599"), "GM0599", bytes(32), 1)
    return {
        "unsigned": records_pb2.WithdrawRequest(
            sighting_uuid=rtm, reason=records_pb2.WITHDRAW_REASON_ERASURE_REQUEST),
        "another key": other_key.withdraw(rtm, "erasure"),
        "another reason": records_pb2.WithdrawRequest(
            sighting_uuid=rtm, reason=records_pb2.WITHDRAW_REASON_RECORDED_IN_ERROR,
            node_signature=good.node_signature, decided_at=good.decided_at),
        "another sighting": records_pb2.WithdrawRequest(
            sighting_uuid=str(uuid.uuid4()), reason=good.reason,
            node_signature=good.node_signature, decided_at=good.decided_at),
        "another time": records_pb2.WithdrawRequest(
            sighting_uuid=rtm, reason=good.reason, node_signature=good.node_signature,
            decided_at=request_time()),
        "a batch signature": records_pb2.WithdrawRequest(
            sighting_uuid=rtm, reason=good.reason, node_signature=batch_sig,
            decided_at=good.decided_at),
        "garbage": records_pb2.WithdrawRequest(
            sighting_uuid=rtm, reason=good.reason, node_signature=b"\x30\x00",
            decided_at=good.decided_at),
    }


def test_the_hub_refuses_a_withdrawal_the_node_did_not_sign(world, pki):
    hub, homes = world
    rtm = uuids_by_case(homes["GM0599"])["RTM-7"]
    before = state(hub)
    for label, request in wrong_withdrawals(pki, rtm).items():
        with pytest.raises(grpc.RpcError) as err:
            stub_call(hub, pki, "node-GM0599", "Withdraw", request)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, label
        details = err.value.details()
        assert "\n" not in details and "nothing was changed" in details, label
        assert ("needs the node's node_signature" if label == "unsigned"
                else "node_signature does not verify with the client certificate of "
                     "node:GM0599") in details, label
        assert state(hub) == before, label
    assert rtm in persons_of(hub) and hub.store.withdrawn_of("GM0599") == []
    # the same request, signed by the node, goes through
    assert stub_call(hub, pki, "node-GM0599", "Withdraw",
                     withdraw_request(pki, "node-GM0599", rtm)).removed


def test_the_hub_refuses_a_correction_the_node_did_not_sign(world, pki):
    hub, homes = world
    held = stored_sighting(homes["GM0363"], "AMS-1")
    mine = stored_sighting(homes["GM0363"], "AMS-1")
    mine.signals.append("unlicensed")
    other = stored_sighting(homes["GM0363"], "AMS-1")
    other.signals.append("not_from_nl")  # content the node did not sign for
    good = correct_request(pki, "node-GM0363", mine, held)
    before, row = state(hub), hub_row(hub, mine.sighting_uuid)
    for label, request in {
            "unsigned": records_pb2.CorrectRequest(sighting=mine),
            "other content": records_pb2.CorrectRequest(
                sighting=other, node_signature=good.node_signature,
                replaces_digest=good.replaces_digest, decided_at=good.decided_at),
            "another content replaced": records_pb2.CorrectRequest(
                sighting=mine, node_signature=good.node_signature,
                replaces_digest=wire.sighting_digest(other), decided_at=good.decided_at),
            "another node's key": records_pb2.CorrectRequest(
                sighting=mine, node_signature=correct_request(
                    pki, "node-GM0599", mine, held).node_signature,
                replaces_digest=good.replaces_digest, decided_at=good.decided_at)}.items():
        with pytest.raises(grpc.RpcError) as err:
            stub_call(hub, pki, "node-GM0363", "Correct", request)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, label
        assert "\n" not in err.value.details() and "nothing was changed" in err.value.details()
        # nothing changed: no entry, no slot of the node's hour taken, the sighting as held
        assert state(hub) == before and hub_row(hub, mine.sighting_uuid) == row, label
    assert stub_call(hub, pki, "node-GM0363", "Correct", good).changed


# -- what an insider writes with the hub's own code ------------------------------------------


def last_index(hub) -> int:
    with hub.store.lock:
        return hub.store.db.execute("SELECT max(idx) FROM audit_entries").fetchone()[0]


def forged(hub, pki, homes) -> dict[str, int]:
    """RTM-7 withdrawn by its node (signed); then, with the hub's own code as a hub insider
    would run it (forge.py of the red team), withdrawals in GM0599's name: their indices."""
    assert withdraw_cli(homes["GM0599"], "RTM-7") == 0
    rtm8 = uuids_by_case(homes["GM0599"])["RTM-8"]
    made_up = str(uuid.uuid4())
    index = {}
    hub_records.withdraw(hub.store, hub.linker, "GM0599", rtm8, "recorded_in_error")
    index["unsigned"] = last_index(hub)
    # a signature the insider can make: with his own key, naming the node's certificate
    at = request_time()
    statement = withdraw_statement("GM0599", sighting_ref(made_up), "recorded_in_error", at)
    hub_records.withdraw(hub.store, hub.linker, "GM0599", made_up, "recorded_in_error",
                         signed=NodeSigned(cert_of(pki, "node-GM0599"),
                                           sign_statement(key_of(pki, "hub-hub"), statement),
                                           at))
    index["bad signature"] = last_index(hub)
    # or the hub's own certificate with its key: valid, but not the node's
    hub_records.withdraw(hub.store, hub.linker, "GM0599", made_up, "recorded_in_error",
                         signed=NodeSigned(cert_of(pki, "hub-hub"),
                                           sign_statement(key_of(pki, "hub-hub"), statement),
                                           at))
    index["hub certificate"] = last_index(hub)
    return index


@pytest.mark.parametrize("parallel", [False, True])
def test_withdrawals_forged_with_the_hubs_code_are_reported(world, pki, capsys, monkeypatch,
                                                            parallel):
    hub, homes = world
    if parallel:  # the signatures checked in worker processes, as in a large log
        monkeypatch.setattr(audit_verify, "PARALLEL_ENTRIES", 1)
        monkeypatch.setattr(audit_verify._SignatureChecker, "STEP", 2)
    index = forged(hub, pki, homes)
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1
    found = problems(out)
    assert (f"entry #{index['unsigned']}: withdrawal by node:GM0599 carries no signature of "
            "the node, though every entry of version 2 or later does: the node did not ask "
            "for it") in found
    assert (f"entry #{index['bad signature']}: the signature of node:GM0599 over this "
            "withdrawal does not verify: the withdrawal was altered or made up") in found
    assert (f"entry #{index['hub certificate']}: withdrawal by node:GM0599 signed with the "
            "certificate of hub:hub") in found
    assert len(found) == 3, found  # the log itself is whole: only the forgeries are wrong
    assert "4 withdrawals, 1 node-signed" in out  # only the node's own


def test_entries_from_before_nodes_signed_are_counted_not_reported(old_release, world, pki,
                                                                  capsys, monkeypatch):
    """A log holds unsigned withdrawals and corrections from before this release (entry
    version 1): counted, not reported. Once the hub runs this release its entries are of
    version 2, every withdrawal or correction among them signed: an unsigned one, in any
    town's name, is reported; and so is an entry in the old form after the new ones."""
    hub, homes = world
    ams = uuids_by_case(homes["GM0363"])["AMS-3"]
    hub_records.withdraw(hub.store, hub.linker, "GM0363", ams, "recorded_in_error")
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "requests   1 withdrawals, 0 node-signed; 0 corrections, 0 node-signed" in out
    monkeypatch.setattr(audit_log, "ENTRY_VERSION", 2)  # the hub upgraded
    assert withdraw_cli(homes["GM0599"], "RTM-7") == 0
    signed = last_index(hub)
    hub_records.withdraw(hub.store, hub.linker, "GM0363", str(uuid.uuid4()),
                         "recorded_in_error")
    monkeypatch.setattr(audit_log, "ENTRY_VERSION", 1)  # by hand, in the old form
    hub_records.withdraw(hub.store, hub.linker, "GM0363", str(uuid.uuid4()),
                         "recorded_in_error")
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1
    assert problems(out) == [
        f"entry #{signed + 1}: withdrawal by node:GM0363 carries no signature of the node, "
        "though every entry of version 2 or later does: the node did not ask for it",
        f"entry #{signed + 2}: withdrawal by node:GM0363 carries no signature of the node, "
        f"though every withdrawal and correction since entry #{signed} must (the hub "
        "refuses one unsigned): the node did not ask for it",
        f"entry #{signed + 2}: withdraw written as entry version 1 after entry "
        f"#{first_v2(hub)} of version 2, which a hub's release never "
        "does (written by hand?)"]
    assert "4 withdrawals, 1 node-signed" in out

def test_a_correction_forged_with_the_hubs_code_is_reported(world, pki, tmp_path, capsys):
    """The red team's false carousel alert: a one-sighting woman re-pointed at another's
    encoding, in the carrier town's name. Its node had corrected before, signed."""
    hub, homes = world
    assert correct_cli(homes["GM0344"], tmp_path, "UTR-3", {**ELENA, "sex": "x"}) == 0
    carrier = stored_sighting(homes["GM0344"], "UTR-3")
    victim = stored_sighting(homes["GM0363"], "AMS-3")
    carrier.subject.CopyFrom(victim.subject)
    hub_records.correct(hub.store, hub.linker, default_schema(), "GM0344", carrier,
                        dt.date.today())
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1
    [problem] = problems(out)
    assert "correction by node:GM0344 carries no signature of the node" in problem


def test_a_signature_stripped_or_altered_in_the_export_is_reported(world, pki, capsys):
    hub, homes = world
    assert withdraw_cli(homes["GM0599"], "RTM-7") == 0
    assert withdraw_cli(homes["GM0599"], "RTM-8") == 0
    code, _ = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0
    export = hub_home(hub).parent / "audit.db"
    with sqlite3.connect(export) as conn:
        idx, entry = [(i, json.loads(raw)) for i, raw in conn.execute(
            "SELECT idx, entry FROM entries ORDER BY idx")
            if json.loads(raw)["action"] == "withdraw"][-1]
    other = signer(pki, "node-GM0599").withdraw(str(uuid.uuid4()), "erasure")
    bad = (f"entry #{idx}: the signature of node:GM0599 over this withdrawal does not "
           "verify: the withdrawal was altered or made up")
    for label, changed, expected in [
            ("stripped", {k: v for k, v in entry.items() if k not in ("node_sig", "node_cert")},
             f"entry #{idx}: withdrawal by node:GM0599 carries no signature of the node, "
             "though every entry of version 2 or later does"),
            ("altered", {**entry, "node_sig": base64.b64encode(
                other.node_signature).decode()}, bad),
            ("another reason", {**entry, "reason": "recorded_in_error"}, bad)]:
        copy = hub_home(hub).parent / f"audit-{label}.db"
        copy.write_bytes(export.read_bytes())
        with sqlite3.connect(copy) as conn:
            conn.execute("UPDATE entries SET entry = ? WHERE idx = ?",
                         [json.dumps(changed, sort_keys=True, separators=(",", ":")).encode(),
                          idx])
        capsys.readouterr()
        assert run("audit", "verify", copy, "--log-key", hub_home(hub) / "log.vkey",
                   "--ca", ca(pki)) == 1
        out = capsys.readouterr().out
        # the tree heads show that the entry was edited; the signature check says how
        assert expected in out, (label, out)
