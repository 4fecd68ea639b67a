"""A RIEC's decisions on alerts carry its own signature, as a node's requests do.

Closing an alert ends the regional team's look at a woman. A hub insider who wrote
`alert_closed` entries under a RIEC's name (or replayed an old signed one after new
evidence reopened the alert) would hide a carousel with every check passing. Now the
RIEC signs each acknowledgement and closing, with the time it decided, the hub refuses
one that does not verify or is not of now, logs the signature, and `audit verify`
checks it (README "Audit log", "The RIEC workflow").
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import grpc
import pytest

from hub import audit_log
from tests.alert_helpers import IULIA, days_ago, decision, stub, sync_rows
from tests.lookup_support import actions, audit_hub, running_hub
from tests.test_alert_watch import AGAIN
from tests.test_signed_records import ca, cert_of, hub_home, problems
from zichtlijn.certsign import (
    certificate_sha256,
    decision_statement,
    load_signing_key,
    sign_statement,
    verify_statement,
    withdraw_statement,
)
from zichtlijn.identity import Principal
from zichtlijn.riec_requests import decision_time, read_decision_time
from zichtlijn.v1 import alerts_pb2

AMS, RDAM = "riec-amsterdam-amstelland", "riec-rotterdam"


@pytest.fixture()
def alert(tmp_path, pki, secret_file):
    """A serving hub with one alert, Iulia's, routed to Amsterdam and Rotterdam."""
    with running_hub(tmp_path, pki, alerts=True) as hub:
        sync_rows(tmp_path, pki, secret_file, hub.port, "GM0363",
                  [IULIA.row("X-1", days_ago(90))])
        sync_rows(tmp_path, pki, secret_file, hub.port, "GM0599",
                  [IULIA.row("X-2", days_ago(60), **AGAIN)])
        [listed] = call(hub, pki, AMS, "List", alerts_pb2.ListAlertsRequest()).alerts
        yield hub, listed.alert_id


def call(hub, pki, stem: str, method: str, request):
    channel, alerts, _ = stub(pki, hub.port, stem)
    with channel:
        return getattr(alerts, method)(request, timeout=10)


def states(hub) -> dict[str, str]:
    with hub.store.lock:
        return dict(hub.store.db.execute("SELECT region, state FROM alert_regions"))


def test_decisions_are_signed_logged_and_verify(alert, pki, capsys):
    hub, alert_id = alert
    call(hub, pki, AMS, "Acknowledge", decision(pki, AMS, alert_id))
    call(hub, pki, RDAM, "Close", decision(pki, RDAM, alert_id, "close", "case_opened"))
    assert states(hub) == {"amsterdam-amstelland": "acknowledged", "rotterdam": "closed"}

    [acknowledged] = actions(hub, "alert_acknowledged")
    [closed] = [e for e in actions(hub, "alert_closed") if e["actor"] == "riec:rotterdam"]
    for entry, stem in [(acknowledged, AMS), (closed, RDAM)]:
        cert = cert_of(pki, stem)
        assert entry["riec_cert"] == certificate_sha256(cert).hex()
        statement = decision_statement(stem.removeprefix("riec-"), alert_id,
                                       entry["action"].removeprefix("alert_"),
                                       entry.get("reason", ""), entry["decided_at"])
        assert verify_statement(cert, statement, base64.b64decode(entry["riec_sig"]))
        gap = (dt.datetime.fromisoformat(entry["at"])
               - dt.datetime.fromisoformat(entry["decided_at"]))
        assert dt.timedelta(0) <= gap < dt.timedelta(minutes=1)

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "2 RIEC decisions, 2 RIEC-signed" in out


def test_the_hub_refuses_a_decision_the_riec_did_not_sign_or_not_now(alert, pki):
    hub, alert_id = alert
    before = states(hub)
    ten_past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)

    def refused(stem: str, method: str, request) -> grpc.RpcError:
        with pytest.raises(grpc.RpcError) as err:
            call(hub, pki, stem, method, request)
        return err.value

    unsigned = refused(AMS, "Acknowledge", alerts_pb2.AcknowledgeAlertRequest(alert_id=alert_id))
    assert unsigned.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "needs the RIEC's riec_signature" in unsigned.details()
    # Rotterdam's signature over Rotterdam's decision, sent on Amsterdam's connection
    other = refused(AMS, "Acknowledge", decision(pki, RDAM, alert_id))
    assert other.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert other.details() == ("riec_signature does not verify with the client certificate "
                               "of riec:amsterdam-amstelland for this acknowledgement; "
                               "nothing was changed")
    # an acknowledgement's signature does not close
    acknowledged = decision(pki, AMS, alert_id)
    forged = alerts_pb2.CloseAlertRequest(alert_id=alert_id, reason="no_grounds",
                                          decided_at=acknowledged.decided_at,
                                          riec_signature=acknowledged.riec_signature)
    assert refused(AMS, "Close", forged).code() == grpc.StatusCode.INVALID_ARGUMENT
    late = refused(AMS, "Close", decision(pki, AMS, alert_id, "close", "no_grounds",
                                          decision_time(ten_past)))
    assert late.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert late.details().startswith("decided_at is 20 minutes behind the hub's clock")
    odd = refused(AMS, "Acknowledge", decision(pki, AMS, alert_id,
                                               decided_at=ten_past.strftime("%d-%m-%Y %H:%M")))
    assert odd.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert odd.details().startswith("decided_at: ")
    assert states(hub) == before
    assert actions(hub, "alert_acknowledged") == []
    assert [e for e in actions(hub, "alert_closed") if e["actor"].startswith("riec:")] == []


def test_decisions_made_up_or_replayed_at_the_hub_are_reported(alert, pki, capsys):
    hub, alert_id = alert
    call(hub, pki, AMS, "Acknowledge", decision(pki, AMS, alert_id))
    [real] = actions(hub, "alert_acknowledged")
    riec = Principal("riec", "rotterdam")
    later = (dt.datetime.fromisoformat(real["at"]) + dt.timedelta(days=30)).isoformat()
    made_up = {"alert": alert_id, "region": "rotterdam", "version": real["version"],
               "state_changed": True, "reason": "no_grounds"}
    with hub.store.transaction() as conn:
        at = real["at"]
        unsigned = audit_log.log_size(conn)
        audit_log.append(conn, at, riec, "alert_closed", **made_up)
        # Amsterdam's real signature and certificate under Rotterdam's name
        copied = {k: real[k] for k in ("decided_at", "riec_cert", "riec_sig")}
        other_riec = audit_log.log_size(conn)
        audit_log.append(conn, at, riec, "alert_closed", **made_up, **copied)
        # Amsterdam's own entry written again a month on: the same valid signature
        again = {k: v for k, v in real.items() if k not in ("v", "at", "actor", "action")}
        replayed = audit_log.log_size(conn)
        audit_log.append(conn, later, Principal("riec", "amsterdam-amstelland"),
                         "alert_acknowledged", **again)

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1
    found = problems(out)
    assert (f"entry #{unsigned}: closing by riec:rotterdam carries no signature of the RIEC, "
            "though every entry of version 3 or later does: the RIEC did not decide it"
            ) in found
    assert (f"entry #{other_riec}: closing by riec:rotterdam signed with the certificate of "
            "riec:amsterdam-amstelland") in found
    assert (f"entry #{replayed}: acknowledgement by riec:amsterdam-amstelland logged at "
            f"{later} but decided at {real['decided_at']}, further apart than a hub accepts: "
            "a decision replayed at the hub?") in found
    assert len(found) == 3, found
    # and the closings were never made where the RIEC's view is read from
    assert (f"alert {alert_id} is new in region rotterdam at the hub, but closed as the log "
            f"leaves it (entry #{other_riec}): its state was changed in hub.db without an "
            "entry") in out
    assert "4 RIEC decisions, 2 RIEC-signed" in out


def test_an_entry_of_a_decision_names_no_one(alert, pki):
    hub, alert_id = alert
    call(hub, pki, RDAM, "Close", decision(pki, RDAM, alert_id, "close", "referred"))
    text = json.dumps(actions(hub, "alert_closed"))
    for word in ("Iulia", "Turcanu", "X-1", "X-2"):
        assert word not in text


@pytest.fixture()
def release_before_signed_decisions(monkeypatch):
    monkeypatch.setattr(audit_log, "ENTRY_VERSION", 2)


def test_decisions_from_before_riecs_signed_are_counted_not_reported(
        release_before_signed_decisions, alert, pki, capsys, monkeypatch):
    hub, alert_id = alert
    with hub.store.transaction() as conn:  # as the hub's release of then acknowledged
        conn.execute("UPDATE alert_regions SET state = 'acknowledged' WHERE alert_id = ? "
                     "AND region = 'rotterdam'", [alert_id])
        audit_log.append(conn, decision_time(), Principal("riec", "rotterdam"),
                         "alert_acknowledged", alert=alert_id, region="rotterdam", version=1,
                         state_changed=True)
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "1 RIEC decisions, 0 RIEC-signed" in out
    monkeypatch.setattr(audit_log, "ENTRY_VERSION", 3)  # the hub upgraded
    call(hub, pki, AMS, "Acknowledge", decision(pki, AMS, alert_id))
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "2 RIEC decisions, 1 RIEC-signed" in out


def test_a_decision_time_has_one_form_and_its_signature_one_meaning(pki):
    assert read_decision_time("2026-12-07T15:04:05+00:00") == dt.datetime(
        2026, 12, 7, 15, 4, 5, tzinfo=dt.UTC)
    for other in ("2026-12-07T15:04:05Z", "2026-12-07T16:04:05+01:00",
                  "2026-12-07T15:04:05.5+00:00", "2026-12-07T15:04:05", "yesterday"):
        with pytest.raises(ValueError):
            read_decision_time(other)
    key, cert = load_signing_key(pki.tls(AMS).key.read_bytes()), cert_of(pki, AMS)
    at = "2026-12-07T15:04:05+00:00"
    signed = decision_statement("amsterdam-amstelland", "A-0123456789", "closed", "referred", at)
    signature = sign_statement(key, signed)
    assert verify_statement(cert, signed, signature)
    for other in (decision_statement("amsterdam-amstelland", "A-0123456789", "closed",
                                     "no_grounds", at),
                  decision_statement("amsterdam-amstelland", "A-0123456789", "acknowledged",
                                     "", at),
                  decision_statement("rotterdam", "A-0123456789", "closed", "referred", at),
                  withdraw_statement("amsterdam-amstelland", "A-0123456789", "referred",
                                     at)):
        assert not verify_statement(cert, other, signature)
    with pytest.raises(ValueError):
        decision_statement("amsterdam-amstelland", "A-0123456789\nclosed", "closed", "", at)


def test_a_riec_whose_key_cannot_sign_is_told_so_in_one_line(tmp_path, pki, capsys):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from zichtlijn import cli
    from zichtlijn.pki import DevCA

    # a CA that issued the RIEC an RSA certificate: it can log in, not sign a decision
    issuer = DevCA.create("an RSA-issuing CA")
    key = rsa.generate_private_key(65537, 2048)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([]))
            .issuer_name(issuer.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.UniformResourceIdentifier("zichtlijn://riec/rotterdam")]), critical=False)
            .sign(issuer.key, hashes.SHA256()))
    rsa_key, rsa_cert = tmp_path / "riec-rsa.key", tmp_path / "riec-rsa.pem"
    rsa_key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    rsa_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    home = tmp_path / "riec"
    capsys.readouterr()
    assert cli.main(["riec", "init", "--home", str(home), "--hub", "127.0.0.1:1",
                     "--ca", str(ca(pki)), "--cert", str(rsa_cert),
                     "--key", str(rsa_key)]) == 1
    err = capsys.readouterr().err
    assert err == (f"zichtlijn: {rsa_key}: certificate key is not an EC key; statements "
                   "need ECDSA\n")
    assert not (home / "riec.toml").exists()


def test_region_states_through_decisions_and_new_evidence_verify(alert, pki, secret_file,
                                                                 tmp_path, capsys):
    hub, alert_id = alert
    call(hub, pki, AMS, "Acknowledge", decision(pki, AMS, alert_id))
    call(hub, pki, RDAM, "Close", decision(pki, RDAM, alert_id, "close", "no_grounds"))
    # Iulia met again, in Utrecht: new evidence reopens Rotterdam's closing, adds a region
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0344",
              [IULIA.row("X-3", days_ago(20), **AGAIN)])
    assert states(hub) == {"amsterdam-amstelland": "acknowledged", "rotterdam": "new",
                           "midden-nederland": "new"}
    [updated] = actions(hub, "alert_updated")
    assert updated["new_sightings"] == 1 and updated["regions_added"] == ["midden-nederland"]
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
