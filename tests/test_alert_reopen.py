"""`riec reopen`: a RIEC takes back its own closing of an alert.

A consultation closes the wrong alert (an id mistyped), closes one too soon, or hears
from outside zichtlijn that it should look again. Until 2026-12-07 only new evidence
reopened a closed alert. Now the region's RIEC reopens its own closing, signed as the
closing was, with a reason code and no free text; the alert is acknowledged again in
that region and in no other. What the hub closed itself (a merge, evidence that left the
region or was withdrawn) is not the RIEC's to undo. `audit verify` replays the reopening
from the log like every other decision (README "The RIEC workflow", "Audit log").
"""

from __future__ import annotations

import base64
import json

import grpc
import pytest

from hub import audit_log
from tests.alert_helpers import (
    IULIA,
    close,
    days_ago,
    decision,
    list_alerts,
    sync_rows,
    watch_all,
)
from tests.lookup_support import (
    actions,
    audit_entries,
    audit_hub,
    day,
    import_and_sync,
    node,
    run,
    running_hub,
    three_towns,
)
from tests.test_alert_watch import AGAIN
from tests.test_signed_decisions import call, states
from tests.test_signed_records import ca, cert_of, hub_home, problems
from zichtlijn.certsign import certificate_sha256, decision_statement, verify_statement
from zichtlijn.identity import Principal
from zichtlijn.v1 import alerts_pb2

AMS, RDAM = "riec-amsterdam-amstelland", "riec-rotterdam"
ACKNOWLEDGED, CLOSED = alerts_pb2.ALERT_STATE_ACKNOWLEDGED, alerts_pb2.ALERT_STATE_CLOSED


@pytest.fixture()
def alert(tmp_path, pki, secret_file):
    """A serving hub with one alert, Iulia's, routed to Amsterdam and Rotterdam."""
    with running_hub(tmp_path, pki, alerts=True) as hub:
        sync_rows(tmp_path, pki, secret_file, hub.port, "GM0363",
                  [IULIA.row("X-1", days_ago(90))])
        sync_rows(tmp_path, pki, secret_file, hub.port, "GM0599",
                  [IULIA.row("X-2", days_ago(60), **AGAIN)])
        [listed] = list_alerts(pki, hub.port, AMS).alerts
        yield hub, listed.alert_id


def reopen(hub, pki, stem: str, alert_id: str,
           reason: str = "closed_in_error") -> alerts_pb2.Alert:
    """`stem`'s RIEC reopens the alert, as `riec reopen` does."""
    return call(hub, pki, stem, "Reopen", decision(pki, stem, alert_id, "reopen", reason))


def refused(hub, pki, stem: str, method: str, request) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as err:
        call(hub, pki, stem, method, request)
    return err.value


# -- what a reopening does -----------------------------------------------------------------


def test_a_riec_reopens_its_own_closing_and_only_its_region_changes(alert, pki):
    hub, alert_id = alert
    close(pki, hub.port, AMS, alert_id, "no_grounds")  # the wrong alert: meant another
    close(pki, hub.port, RDAM, alert_id, "referred")

    reopened = reopen(hub, pki, AMS, alert_id, "closed_in_error")

    # acknowledged, not new: the consultation has seen it and takes it up again itself
    assert (reopened.state, reopened.close_reason, reopened.changed) == (ACKNOWLEDGED, "",
                                                                         False)
    assert reopened.version == 1 and len(reopened.sightings) == 2  # the evidence as it was
    assert states(hub) == {"amsterdam-amstelland": "acknowledged", "rotterdam": "closed"}
    # Rotterdam's closing stands, and its analysts see where Amsterdam stands now
    [rotterdam] = list_alerts(pki, hub.port, RDAM).alerts
    assert (rotterdam.state, rotterdam.close_reason) == (CLOSED, "referred")
    assert [(o.region, o.state) for o in rotterdam.other_regions] == [
        ("amsterdam-amstelland", ACKNOWLEDGED)]


def test_the_feed_tells_a_reopening_by_the_riec_from_one_by_new_evidence(alert, pki):
    hub, alert_id = alert
    close(pki, hub.port, AMS, alert_id, "no_grounds")
    reopen(hub, pki, AMS, alert_id)
    changes = watch_all(pki, hub.port, AMS)
    assert [c.change for c in changes] == ["created", "closed", "reopened_by_riec"]
    assert changes[-1].alert.state == ACKNOWLEDGED and not changes[-1].alert.changed
    # a region's feed holds its own decisions only: Rotterdam's shows none of Amsterdam's
    assert [c.change for c in watch_all(pki, hub.port, RDAM)] == ["created"]


def test_the_reopening_is_logged_with_the_riecs_signature_and_no_name(alert, pki):
    hub, alert_id = alert
    close(pki, hub.port, AMS, alert_id, "case_opened")
    reopen(hub, pki, AMS, alert_id, "new_information")
    [entry] = actions(hub, "alert_reopened")
    assert entry["actor"] == "riec:amsterdam-amstelland"
    assert {k: entry[k] for k in ("alert", "region", "version", "state_changed", "reason")
            } == {"alert": alert_id, "region": "amsterdam-amstelland", "version": 1,
                  "state_changed": True, "reason": "new_information"}
    cert = cert_of(pki, AMS)
    assert entry["riec_cert"] == certificate_sha256(cert).hex()
    statement = decision_statement("amsterdam-amstelland", alert_id, "reopened",
                                   "new_information", entry["decided_at"])
    assert verify_statement(cert, statement, base64.b64decode(entry["riec_sig"]))
    for word in ("Iulia", "Turcanu", "X-1", "X-2"):
        assert word not in json.dumps(entry)


def test_close_reopen_close_again_verifies_and_new_evidence_counts_as_before(
        alert, pki, secret_file, tmp_path, capsys):
    hub, alert_id = alert
    close(pki, hub.port, AMS, alert_id, "no_grounds")
    reopen(hub, pki, AMS, alert_id, "new_information")
    # Iulia met again, in Utrecht: the reopened alert is updated and marked changed
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0344",
              [IULIA.row("X-3", days_ago(20), **AGAIN)])
    [updated] = list_alerts(pki, hub.port, AMS).alerts
    assert (updated.state, updated.changed, updated.version) == (ACKNOWLEDGED, True, 2)
    assert watch_all(pki, hub.port, AMS)[-1].change == "updated"
    close(pki, hub.port, AMS, alert_id, "case_opened")
    assert states(hub)["amsterdam-amstelland"] == "closed"

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 0, out
    assert "3 RIEC decisions, 3 RIEC-signed" in out


# -- what may not be reopened --------------------------------------------------------------


def test_only_a_closed_alert_of_the_region_can_be_reopened(alert, pki):
    hub, alert_id = alert
    not_closed = refused(hub, pki, AMS, "Reopen",
                         decision(pki, AMS, alert_id, "reopen", "closed_in_error"))
    assert not_closed.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert not_closed.details() == (
        f"alert {alert_id} is not closed in region amsterdam-amstelland (it is new): only a "
        "closed alert can be reopened; nothing was changed")
    unknown = refused(hub, pki, AMS, "Reopen",
                      decision(pki, AMS, "A-0000000000", "reopen", "closed_in_error"))
    assert unknown.code() == grpc.StatusCode.NOT_FOUND  # as for another region's alert
    assert unknown.details() == "no alert A-0000000000 in region amsterdam-amstelland"
    close(pki, hub.port, AMS, alert_id, "no_grounds")
    free_text = refused(hub, pki, AMS, "Reopen",
                        decision(pki, AMS, alert_id, "reopen", "her lawyer called"))
    assert free_text.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert free_text.details() == ("reason: 'her lawyer called' is not one of "
                                   "closed_in_error, new_information")
    # the closing's signature does not reopen
    closing = decision(pki, AMS, alert_id, "close", "no_grounds")
    forged = alerts_pb2.ReopenAlertRequest(alert_id=alert_id, reason="closed_in_error",
                                           decided_at=closing.decided_at,
                                           riec_signature=closing.riec_signature)
    assert refused(hub, pki, AMS, "Reopen", forged).code() == grpc.StatusCode.INVALID_ARGUMENT
    assert states(hub) == {"amsterdam-amstelland": "closed", "rotterdam": "new"}
    assert actions(hub, "alert_reopened") == []
    # an acknowledgement of the closed alert says how it can be taken up again
    acknowledged = refused(hub, pki, AMS, "Acknowledge", decision(pki, AMS, alert_id))
    assert acknowledged.details() == (f"alert {alert_id} is closed; it reopens on new "
                                      "evidence, or when this RIEC reopens it (riec reopen)")
    reopen(hub, pki, AMS, alert_id)
    again = refused(hub, pki, AMS, "Reopen",
                    decision(pki, AMS, alert_id, "reopen", "closed_in_error"))
    assert again.details().startswith(f"alert {alert_id} is not closed in region "
                                      "amsterdam-amstelland (it is acknowledged)")
    assert len(actions(hub, "alert_reopened")) == 1


def test_what_the_hub_closed_is_not_the_riecs_to_reopen(tmp_path, pki, secret_file, capsys):
    """Elena's carousel and accumulation alerts (Amsterdam, Rotterdam, Utrecht). Amsterdam
    closes the carousel; then Rotterdam withdraws RTM-7, the sighting that joined her two
    names, and no rule holds what is left: the hub closes both alerts where they were
    open, and Rotterdam's region holds none of the evidence any more."""
    with running_hub(tmp_path, pki, alerts=True) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        alerts = {a.rule: a.alert_id for a in list_alerts(pki, hub.port, AMS).alerts}
        carousel, accumulation = alerts["carousel"], alerts["accumulation"]
        close(pki, hub.port, AMS, carousel, "no_grounds")
        assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
                   "erasure") == 0

        left = refused(hub, pki, RDAM, "Reopen",
                       decision(pki, RDAM, carousel, "reopen", "new_information"))
        assert left.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert left.details() == (
            f"alert {carousel} was closed as evidence_left_region: none of its sightings is "
            "in region rotterdam any more, so there is nothing of it here to reopen; a new "
            "sighting of the region returns it; nothing was changed")
        withdrawn = refused(hub, pki, AMS, "Reopen",
                            decision(pki, AMS, accumulation, "reopen", "new_information"))
        assert withdrawn.details() == (
            f"alert {accumulation} was closed by the hub (evidence_withdrawn): no rule holds "
            "what a municipality left of its evidence; it reopens on new evidence; nothing "
            "was changed")
        # Amsterdam's own closing, but of evidence that has since shrunk to what no rule
        # holds: open again, it would show evidence no entry logged
        shrunk = refused(hub, pki, AMS, "Reopen",
                         decision(pki, AMS, carousel, "reopen", "closed_in_error"))
        assert shrunk.details() == (
            f"alert {carousel} lost evidence since it was closed (a sighting withdrawn, "
            "corrected or purged) and no rule holds what is left; it reopens on new "
            "evidence; nothing was changed")
        assert actions(hub, "alert_reopened") == []
        code, out = audit_hub(tmp_path / "hub", ca(pki), capsys)
        assert code == 0, out


def test_an_alert_merged_into_another_names_the_one_to_look_at(tmp_path, pki, secret_file):
    """Two of Iulia's names are two persons, each with a carousel alert in Rotterdam; a
    control in Utrecht under her maiden name with her married name's passport makes them
    one, and one alert is merged into the other, the first raised (by id, when raised in
    one evaluation, as these are)."""
    with running_hub(tmp_path, pki, alerts=True) as hub:
        homes = {g: node(tmp_path, pki, secret_file, g, hub)
                 for g in ("GM0363", "GM0599", "GM0344")}
        maiden = ["Iulia", "Țurcanu", "14-03-1998", "v", ""]
        married = ["Iulia", "Rusu", "14-03-1998", "v", "AB1234567"]
        import_and_sync(tmp_path, homes["GM0363"], [["A-1", day(0), *maiden, "nee",
                                                      "unlicensed"]])
        import_and_sync(tmp_path, homes["GM0599"], [["R-1", day(30), *maiden, "nee", ""],
                                                     ["R-2", day(40), *married, "nee",
                                                      "unlicensed"]])
        import_and_sync(tmp_path, homes["GM0344"], [["U-1", day(60), *married, "ja", ""]])
        older, younger = sorted((a for a in list_alerts(pki, hub.port, RDAM).alerts),
                                key=lambda a: (a.created_at, a.alert_id))
        close(pki, hub.port, RDAM, younger.alert_id, "duplicate")
        import_and_sync(tmp_path, homes["GM0344"],
                        [["U-2", day(90), "Iulia", "Turcanu", "14-03-1998", "v", "AB1234567",
                          "ja", ""]])
        [merged] = actions(hub, "alert_merged")
        assert (merged["alert"], merged["into"]) == (younger.alert_id, older.alert_id)

        err = refused(hub, pki, RDAM, "Reopen",
                      decision(pki, RDAM, younger.alert_id, "reopen", "closed_in_error"))
        assert err.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert err.details() == (
            f"alert {younger.alert_id} was merged into {older.alert_id} (two persons turned "
            f"out to be one): its evidence is in {older.alert_id}, look at that alert "
            "instead; nothing was changed")


# -- what an auditor sees -----------------------------------------------------------------


def test_a_region_reopened_in_hub_db_without_an_entry_is_reported(alert, pki, capsys):
    hub, alert_id = alert
    close(pki, hub.port, AMS, alert_id, "no_grounds")
    [closed] = [i for i, e in enumerate(audit_entries(hub)) if e["action"] == "alert_closed"]
    with hub.store.transaction() as conn:  # what a reopening does, without its entry
        conn.execute("UPDATE alert_regions SET state = 'acknowledged', close_reason = NULL "
                     "WHERE alert_id = ? AND region = 'amsterdam-amstelland'", [alert_id])
    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1
    assert (f"alert {alert_id} is acknowledged in region amsterdam-amstelland at the hub, "
            f"but closed as the log leaves it (entry #{closed}): its state was changed in "
            "hub.db without an entry") in out


def test_reopenings_the_riec_did_not_sign_are_reported(alert, pki, capsys):
    hub, alert_id = alert
    close(pki, hub.port, AMS, alert_id, "no_grounds")
    reopen(hub, pki, AMS, alert_id)
    [closing] = [e for e in actions(hub, "alert_closed") if e["actor"].startswith("riec:")]
    riec = Principal("riec", "amsterdam-amstelland")
    made_up = {"alert": alert_id, "region": "amsterdam-amstelland", "version": 1,
               "state_changed": False, "reason": "closed_in_error"}
    with hub.store.transaction() as conn:
        at = closing["at"]
        unsigned = audit_log.log_size(conn)
        audit_log.append(conn, at, riec, "alert_reopened", **made_up)
        # the RIEC's real signature over its closing, put under a reopening
        borrowed = audit_log.log_size(conn)
        audit_log.append(conn, at, riec, "alert_reopened", **made_up,
                         **{k: closing[k] for k in ("decided_at", "riec_cert", "riec_sig")})
        by_hub = audit_log.log_size(conn)
        audit_log.append(conn, at, "hub:hub", "alert_reopened", **made_up)

    code, out = audit_hub(hub_home(hub), ca(pki), capsys)
    assert code == 1
    assert problems(out) == [
        f"entry #{unsigned}: reopening by riec:amsterdam-amstelland carries no signature of "
        "the RIEC, though every alert_reopened entry does: the RIEC did not decide it",
        f"entry #{borrowed}: the signature of riec:amsterdam-amstelland over this reopening "
        "does not verify: the reopening was altered or made up",
        f"entry #{by_hub}: reopening of an alert by hub:hub, which is not a RIEC"]
    assert "4 RIEC decisions, 2 RIEC-signed" in out

