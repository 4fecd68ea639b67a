"""Alerts follow withdrawn and purged sightings; a lookup names the open alert."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from contextlib import contextmanager

import pytest

from hub.retention import purge
from tests.alert_helpers import close, list_alerts
from tests.lookup_support import (
    ELENA,
    actions,
    audit_hub,
    day,
    import_and_sync,
    node,
    run,
    running_hub,
    three_towns,
    uuids_by_case,
    write_json,
)
from zichtlijn.v1 import alerts_pb2

AMS = "amsterdam-amstelland"


@pytest.fixture()
def world(tmp_path, pki, secret_file):
    with running_hub(tmp_path, pki, alerts=True) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        yield hub, homes


def elena_alert(hub, pki) -> alerts_pb2.Alert:
    [alert] = [a for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts
               if a.rule == "carousel"]
    return alert


def uuids_in_alert_tables(hub) -> set[str]:
    with hub.store.lock:
        held = {u for (u,) in hub.store.db.execute("SELECT sighting_uuid FROM alert_sightings")}
        for (blob,) in hub.store.db.execute("SELECT snapshot FROM alert_events"):
            held |= {s.sighting_uuid for s in alerts_pb2.Alert.FromString(blob).sightings}
    return held


def test_withdrawal_closes_the_alert_it_held_up(world, pki, capsys):
    hub, homes = world
    before = elena_alert(hub, pki)
    assert before.state == alerts_pb2.ALERT_STATE_NEW and before.gemeente_count == 3
    rtm = uuids_by_case(homes["GM0599"])["RTM-7"]
    assert rtm in uuids_in_alert_tables(hub)

    rules = sorted(a.rule for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts)
    assert rules == ["accumulation", "carousel"]  # 0+0=1 over her signals, and three towns

    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
               "erasure") == 0
    # the node hears that the hub removed it, not how many alerts that changed
    assert "the hub removed it too" in capsys.readouterr().out
    # neither rule holds without RTM-7: both alerts are closed
    assert {(a.state, a.close_reason) for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts
            } == {(alerts_pb2.ALERT_STATE_CLOSED, "evidence_withdrawn")}
    after = elena_alert(hub, pki)
    # without RTM-7 her two names are two persons, each in one town: no carousel any more
    assert after.alert_id == before.alert_id
    assert after.state == alerts_pb2.ALERT_STATE_CLOSED
    assert after.close_reason == "evidence_withdrawn"
    assert after.version == before.version + 1
    assert rtm not in {s.sighting_uuid for s in after.sightings}
    assert rtm not in uuids_in_alert_tables(hub)  # nor in any earlier event of the feed
    closed = {e["alert"]: e for e in actions(hub, "alert_closed")}
    assert closed[before.alert_id]["reason"] == "evidence_withdrawn"
    assert AMS in closed[before.alert_id]["regions"] and len(closed) == 2


def test_withdrawal_updates_an_alert_that_still_holds(world, pki):
    hub, homes = world
    before = elena_alert(hub, pki)
    ams2 = uuids_by_case(homes["GM0363"])["AMS-2"]
    assert run("node", "withdraw", "--home", homes["GM0363"], "AMS-2", "--reason",
               "error") == 0
    after = elena_alert(hub, pki)
    assert after.state == alerts_pb2.ALERT_STATE_NEW  # still three towns: still an alert
    assert after.version == before.version + 1
    assert after.sighting_count == before.sighting_count - 1
    assert ams2 not in uuids_in_alert_tables(hub)
    assert actions(hub, "alert_closed") == []
    assert actions(hub, "alert_updated")


def test_retention_purge_takes_sightings_out_of_alerts(world, pki):
    hub, homes = world
    alert = elena_alert(hub, pki)
    flags = {a.rule: a.changed for a in list_alerts(pki, hub.port, "riec-rotterdam").alerts}
    first = min(s.observed_on for s in alert.sightings)
    # the day the two earliest (Amsterdam) sightings pass an 18-month retention
    purge_day = dt.date.fromisoformat(first) + dt.timedelta(days=33 + 549)
    outcome = purge(hub.store, hub.linker, purge_day, 18, alerts=hub.alerts)
    assert outcome.sightings == 3  # AMS-1, AMS-2, AMS-3
    assert outcome.alerts_changed == 2  # her carousel and accumulation alerts
    # Rotterdam and Utrecht remain: still two towns, still 3 + 3 signal weight, so both
    # alerts hold, updated to the evidence that is left; no new evidence, so each region's
    # "changed" flag stays as it was: a region's "changed" flag stays as it was
    for alert in list_alerts(pki, hub.port, "riec-rotterdam").alerts:
        assert alert.state == alerts_pb2.ALERT_STATE_NEW and alert.changed == flags[alert.rule]
        assert alert.sighting_count == 2 and alert.gemeente_count == 2
    assert actions(hub, "alert_closed") == []
    ams = set(uuids_by_case(homes["GM0363"]).values())
    assert not ams & uuids_in_alert_tables(hub)


def test_lookup_names_the_open_alerts_and_not_closed_ones(world, tmp_path, pki, secret_file,
                                                          capsys):
    hub, _homes = world
    home = node(tmp_path, pki, secret_file, "GM0014", hub)
    alerts = sorted(a.alert_id for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts)
    assert len(alerts) == 2  # carousel and accumulation
    probe = write_json(tmp_path, ELENA)
    capsys.readouterr()
    assert run("node", "lookup", "--home", home, "--purpose", "controle", "--from-json",
               probe, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["open_alert_ids"] == alerts
    assert run("node", "lookup", "--home", home, "--purpose", "controle", "--from-json",
               probe) == 0
    assert f"open alerts: {', '.join(alerts)}" in capsys.readouterr().out
    assert actions(hub, "lookup")[0]["open_alerts"] == 2

    # every region closes the first; the second stays open
    from tests.alert_helpers import decision, stub

    for region in (AMS, "rotterdam"):
        channel, riec, _ = stub(pki, hub.port, f"riec-{region}")
        with channel:
            riec.Close(decision(pki, f"riec-{region}", alerts[0], "close", "case_opened"),
                       timeout=10)
    # still open in Midden-Nederland (Utrecht): an open alert is open in any region
    assert run("node", "lookup", "--home", home, "--purpose", "controle", "--from-json",
               probe, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["open_alert_ids"] == alerts
    with hub.store.transaction() as conn:  # the test PKI has no certificate for that RIEC
        conn.execute("UPDATE alert_regions SET state = 'closed', close_reason = 'referred' "
                     "WHERE alert_id = ? AND region = 'midden-nederland'", [alerts[0]])
    assert run("node", "lookup", "--home", home, "--purpose", "controle", "--from-json",
               probe, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["open_alert_ids"] == alerts[1:]


def test_without_an_alert_engine_a_removal_closes_no_alert_it_could_not_evaluate(world, pki,
                                                                               caplog):
    # a hub whose hub.toml lost its `alerts =` line: the rules cannot say whether an
    # alert still holds, so closing one would be a guess
    hub, homes = world
    alert = elena_alert(hub, pki)
    purge_day = dt.date.fromisoformat(min(s.observed_on for s in alert.sightings)) \
        + dt.timedelta(days=33 + 549)
    outcome = purge(hub.store, hub.linker, purge_day, 18, alerts=None)
    assert outcome.sightings == 3 and outcome.alerts_changed == 0
    assert "2 alert(s) held removed sightings and were not evaluated again" in caplog.text
    for alert in list_alerts(pki, hub.port, "riec-rotterdam").alerts:
        assert alert.state == alerts_pb2.ALERT_STATE_NEW  # open, as the rules last said
        assert alert.sighting_count == 2  # without what was removed
    assert actions(hub, "alert_closed") == []
    ams = set(uuids_by_case(homes["GM0363"]).values())
    assert not ams & uuids_in_alert_tables(hub)


def test_a_hub_holding_alerts_is_refused_without_their_configuration(world, tmp_path,
                                                                          capsys):
    hub, _ = world
    hub.stop(0)
    toml = tmp_path / "hub" / "hub.toml"
    toml.write_text("".join(line for line in toml.read_text("utf-8").splitlines(True)
                            if not line.startswith("alerts =")), "utf-8")
    # serve too, as a configuration fault (exit 78: the unit does not restart on it): its
    # nightly withdrawals and daily purge would leave them open, unevaluated
    for command in (["erase", "--gemeente", "GM0344", "--reason", "left"], ["purge"],
                    ["relink"], ["serve"]):
        capsys.readouterr()
        assert run("hub", *command, "--home", tmp_path / "hub") == (
            78 if command == ["serve"] else 1)
        err = capsys.readouterr().err
        assert "alerts but hub.toml names no alert configuration (alerts = DIR)" in err
        assert err.count("\n") == 1


def test_a_correction_that_splits_her_person_closes_the_alert_no_rule_holds(
        world, tmp_path, pki, capsys):
    # Rotterdam and Utrecht find they recorded another woman: Elena is left in Amsterdam
    # alone, so no carousel fires on her; the RIEC is told, as after a withdrawal
    hub, homes = world
    carousel = elena_alert(hub, pki).alert_id
    others = {"GM0599": ("RTM-7", {"given_names": "Oksana", "surname": "Melnyk",
                                   "date_of_birth": "02-02-1992", "sex": "v"}),
              "GM0344": ("UTR-3", {"given_names": "Precious", "surname": "Okafor",
                                   "date_of_birth": "05-05-1994", "sex": "v"})}
    for gemeente, (case, identity) in others.items():
        assert run("node", "correct", "--home", homes[gemeente], case, "--from-json",
                   write_json(tmp_path, identity, f"{case}.json")) == 0
    [alert] = [a for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts
               if a.alert_id == carousel]
    assert alert.state == alerts_pb2.ALERT_STATE_CLOSED
    assert alert.close_reason == "evidence_corrected"
    # closed once: by Rotterdam's correction, which took the document that tied Utrecht's
    # married-name sighting to her; Utrecht's found it closed already
    # and each correction took its sighting out of what the RIECs see of the closed alert:
    # it is another woman's now (the RIEC reviewer found it listed there still, and at
    # Schiedam's node in that alert); a region left without its municipalities sees
    # nothing of the others'
    closings = [(e["reason"], e["regions"], e.get("regions_left"))
                for e in actions(hub, "alert_closed") if e["alert"] == carousel]
    assert closings == [("evidence_corrected", [AMS, "midden-nederland"], ["rotterdam"]),
                        ("evidence_corrected", [], ["midden-nederland"])]
    assert {s.gemeente for s in alert.sightings} == {"GM0363"}
    [rotterdam] = [a for a in list_alerts(pki, hub.port, "riec-rotterdam").alerts
                   if a.alert_id == carousel]
    assert rotterdam.close_reason == "evidence_left_region" and not rotterdam.sightings
    corrected = {uuids_by_case(homes[g])[case] for g, (case, _) in others.items()}
    assert not corrected & uuids_in_alert_tables(hub)  # rows and past events alike
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 0 and "every check passed" in out


def test_a_region_whose_sightings_are_withdrawn_no_longer_sees_the_alert(world, pki):
    """Elena's two Amsterdam controls are withdrawn; Rotterdam and Utrecht still make a
    carousel. Amsterdam's RIEC keeps the alert closed, without the other regions'
    sightings, and is not told of its next change."""
    hub, homes = world
    carousel = elena_alert(hub, pki)
    for case in ("AMS-1", "AMS-2"):
        assert run("node", "withdraw", "--home", homes["GM0363"], case, "--reason",
                   "error") == 0
    [left] = [a for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts
              if a.alert_id == carousel.alert_id]
    assert (left.state, left.close_reason) == (alerts_pb2.ALERT_STATE_CLOSED,
                                               "evidence_left_region")
    assert list(left.sightings) == [] and list(left.gemeenten) == []
    [kept] = [a for a in list_alerts(pki, hub.port, "riec-rotterdam").alerts
              if a.alert_id == carousel.alert_id]
    assert kept.state == alerts_pb2.ALERT_STATE_NEW
    assert sorted(kept.gemeenten) == ["GM0344", "GM0599"]
    assert any(e.get("regions_left") == [AMS] for e in actions(hub, "alert_updated"))


def test_an_alert_closed_by_a_withdrawal_shows_a_region_whose_sightings_went_nothing(
        world, pki):
    """RTM-7 was Rotterdam's only sighting of Elena and what joined her names; without it
    no rule fires. Amsterdam's RIEC sees the alert closed as withdrawn with what is left
    of it; Rotterdam's sees it closed as having left its region, without the others'."""
    hub, homes = world
    carousel = elena_alert(hub, pki)
    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
               "erasure") == 0
    [rotterdam] = [a for a in list_alerts(pki, hub.port, "riec-rotterdam").alerts
                   if a.alert_id == carousel.alert_id]
    assert (rotterdam.state, rotterdam.close_reason) == (alerts_pb2.ALERT_STATE_CLOSED,
                                                         "evidence_left_region")
    assert list(rotterdam.sightings) == []
    amsterdam = elena_alert(hub, pki)
    assert amsterdam.close_reason == "evidence_withdrawn" and amsterdam.sightings
    closed = {e["alert"]: e for e in actions(hub, "alert_closed")}
    assert closed[carousel.alert_id]["regions_left"] == ["rotterdam"]


def test_an_alert_marks_a_sighting_without_a_date_of_birth(tmp_path, pki, secret_file,
                                                            capsys):
    """A control without a date of birth joins a person on its name alone: the RIEC sees
    which sightings of an alert those are, the likeliest place of a namesake."""
    with running_hub(tmp_path, pki, alerts=True) as hub:
        rows = {"GM0363": [["AMS-1", day(0), "Zamfira", "Vulpescu", "14-03-1998", "v", "",
                            "nee", "unlicensed"]],
                "GM0599": [["RTM-1", day(30), "Zamfira", "Vulpescu", "", "v", "", "nee",
                            "unlicensed"]]}
        homes = {g: node(tmp_path, pki, secret_file, g, hub) for g in rows}
        for gemeente, written in rows.items():
            import_and_sync(tmp_path, homes[gemeente], written)
        [carousel] = [a for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts
                      if a.rule == "carousel"]
        undated = {s.gemeente: s.undated for s in carousel.sightings}
        assert undated == {"GM0363": False, "GM0599": True}
        riec = tmp_path / "riec"
        assert run("riec", "init", "--home", riec, "--hub", f"127.0.0.1:{hub.port}",
                   "--ca", pki.root / "ca.pem", "--cert", pki.root / f"riec-{AMS}.pem",
                   "--key", pki.root / f"riec-{AMS}.key") == 0
        capsys.readouterr()
        assert run("riec", "alerts", "--home", riec) == 0
        shown = [line for line in capsys.readouterr().out.splitlines() if "GM0599  " in line]
        assert shown and all(line.endswith("(no date of birth)") for line in shown)
        assert run("riec", "alerts", "--home", riec, "--format", "csv") == 0
        table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert {(r["gemeente"], r["undated"]) for r in table if r["rule"] == "carousel"} == {
            ("GM0363", "no"), ("GM0599", "yes")}


def test_a_corrected_control_date_is_what_the_alert_shows_now_and_in_its_history(
        world, tmp_path, pki):
    # the RIEC reviewer: the date was corrected at the node, the alert went on showing the
    # old one (its evidence and score were unchanged, so the evaluation wrote nothing)
    hub, homes = world
    carousel = elena_alert(hub, pki)
    ams2 = uuids_by_case(homes["GM0363"])["AMS-2"]
    assert {s.observed_on for s in carousel.sightings if s.sighting_uuid == ams2} == {day(33)}
    iulia = {"given_names": "Iulia", "surname": "Turcanu", "date_of_birth": "14-03-1998",
             "sex": "v"}
    assert run("node", "correct", "--home", homes["GM0363"], "AMS-2", "--observed-on",
               day(40), "--from-json", write_json(tmp_path, iulia, "ams2.json")) == 0
    now = elena_alert(hub, pki)
    assert (now.alert_id, now.state) == (carousel.alert_id, alerts_pb2.ALERT_STATE_NEW)
    assert {s.observed_on for s in now.sightings if s.sighting_uuid == ams2} == {day(40)}
    with hub.store.lock:
        shown = {s.observed_on for (blob,) in hub.store.db.execute(
                     "SELECT snapshot FROM alert_events") for s in
                 alerts_pb2.Alert.FromString(blob).sightings if s.sighting_uuid == ams2}
    assert shown == {day(40)}  # a watcher replaying the feed reads the corrected date too


def test_a_lookup_names_apart_the_open_alerts_its_own_riec_can_look_up(
        world, tmp_path, pki, secret_file, capsys):
    # the RIEC review: Utrecht's inspector was told "the RIEC can look them up" of alerts
    # its RIEC did not hold; Groningen's region holds none of Elena's
    hub, homes = world
    carousel = elena_alert(hub, pki).alert_id
    groningen = node(tmp_path, pki, secret_file, "GM0014", hub)
    answers = {}
    for gemeente, home in (("GM0363", homes["GM0363"]), ("GM0014", groningen)):
        capsys.readouterr()
        assert run("node", "lookup", "--home", home, "--purpose", "controle", "--format",
                   "json", "--from-json", write_json(tmp_path, ELENA)) == 0
        answers[gemeente] = json.loads(capsys.readouterr().out)
    assert carousel in answers["GM0363"]["open_alert_ids"]
    assert answers["GM0363"]["own_region_alert_ids"] == answers["GM0363"]["open_alert_ids"]
    assert answers["GM0014"]["open_alert_ids"] == answers["GM0363"]["open_alert_ids"]
    assert answers["GM0014"]["own_region_alert_ids"] == []


def test_a_womans_alerts_name_each_other(world, pki):
    # the RIEC review: Elena's carousel and accumulation alerts never referred to each
    # other; the analyst matched sighting UUIDs by hand
    hub, _homes = world
    alerts = {a.rule: a for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts}
    carousel, accumulation = alerts["carousel"], alerts["accumulation"]
    assert list(carousel.related_alert_ids) == [accumulation.alert_id]
    assert list(accumulation.related_alert_ids) == [carousel.alert_id]


def test_a_replayed_feed_keeps_no_weight_of_a_withdrawn_sighting(world, pki, tmp_path,
                                                                   capsys):
    # the RIEC review: past events lost the erased sighting but kept its weight in the
    # score (12.0 with two sightings of 4 left)
    hub, homes = world
    accumulation = {a.rule: a for a in list_alerts(pki, hub.port, f"riec-{AMS}").alerts}[
        "accumulation"]
    assert accumulation.score == 7.5  # 1.5 + 0 + 3 + 3
    assert run("node", "withdraw", "--home", homes["GM0363"], "AMS-1", "--reason",
               "erasure") == 0
    with hub.store.lock:
        scores = {alerts_pb2.Alert.FromString(blob).score for (blob,) in hub.store.db.execute(
            "SELECT snapshot FROM alert_events WHERE alert_id = ?", [accumulation.alert_id])}
    assert scores == {6.0}
    # and when no rule holds it any more, the closed alert's own score is taken again over
    # what is left (the privacy officer: it kept the erased sighting's weight): 0 + 3
    assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
               "erasure") == 0
    for region in (AMS, "rotterdam"):
        [closed] = [a for a in list_alerts(pki, hub.port, f"riec-{region}").alerts
                    if a.alert_id == accumulation.alert_id]
        assert closed.state == alerts_pb2.ALERT_STATE_CLOSED
        # a region the alert left sees no score over the others' evidence either
        assert closed.score == (0.0 if closed.close_reason == "evidence_left_region"
                                else 3.0), (region, closed.close_reason)
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 0 and "every check passed" in out


IULIA = {"given_names": "Iulia", "surname": "Turcanu", "date_of_birth": "14-03-1998",
         "sex": "v"}


@contextmanager
def iulia_in_two_towns(tmp_path, pki, secret_file, control: list[str]):
    """A hub with alert rules; Iulia controlled in Amsterdam (AMS-1) and 83 days later in
    Rotterdam (RTM-1), `control` the row's setting-and-after columns. Yields the hub and
    Rotterdam's node home."""
    row = [*IULIA.values(), *control]
    with running_hub(tmp_path, pki, alerts=True) as hub:
        ams = node(tmp_path, pki, secret_file, "GM0363", hub)
        rtm = node(tmp_path, pki, secret_file, "GM0599", hub)
        import_and_sync(tmp_path, ams, [["AMS-1", day(0), *row]])
        import_and_sync(tmp_path, rtm, [["RTM-1", day(83), *row]])
        yield hub, rtm


def only_alert(pki, hub, stem: str, rule: str) -> alerts_pb2.Alert:
    [alert] = [a for a in list_alerts(pki, hub.port, stem).alerts if a.rule == rule]
    return alert


def test_a_date_corrected_out_of_the_window_leaves_each_region_its_decision_and_view(
        tmp_path, pki, secret_file):
    """The review of the day's change: a control's date corrected out of the carousel's
    window is still her control in her town. The alert closes (no rule holds it), but
    Rotterdam's own decision and its sightings stay; the first version forgot the
    sighting and made Rotterdam a region the alert had left."""
    with iulia_in_two_towns(tmp_path, pki, secret_file, ["", "nee", "unlicensed"]) as (
            hub, rtm):
        carousel = only_alert(pki, hub, "riec-rotterdam", "carousel")
        close(pki, hub.port, "riec-rotterdam", carousel.alert_id, "case_opened")
        assert run("node", "correct", "--home", rtm, "RTM-1", "--observed-on", day(283),
                   "--from-json", write_json(tmp_path, IULIA)) == 0
        seen = {region: next(a for a in list_alerts(pki, hub.port, f"riec-{region}").alerts
                             if a.alert_id == carousel.alert_id)
                for region in ("rotterdam", AMS)}
    assert seen["rotterdam"].close_reason == "case_opened"
    assert seen[AMS].close_reason == "evidence_corrected"
    for alert in seen.values():
        assert sorted((s.gemeente, s.observed_on) for s in alert.sightings) == [
            ("GM0363", day(0)), ("GM0599", day(283))]


def test_a_sighting_corrected_away_and_back_shows_again_and_passes_the_audit(
        tmp_path, pki, secret_file, capsys):
    """The review of the day's change: corrected to another woman, Rotterdam's control left
    the carousel's rows; corrected back, the evidence digest was the old one, so the alert
    reopened for Rotterdam without its control and `audit verify` reported it."""
    other = {"given_names": "Zsofia", "surname": "Kovacs", "date_of_birth": "30-11-1990",
             "sex": "v"}
    with iulia_in_two_towns(tmp_path, pki, secret_file, ["", "nee", "unlicensed"]) as (
            hub, rtm):
        for identity, name in ((other, "away.json"), (IULIA, "back.json")):
            assert run("node", "correct", "--home", rtm, "RTM-1", "--from-json",
                       write_json(tmp_path, identity, name)) == 0
        carousel = only_alert(pki, hub, "riec-rotterdam", "carousel")
        assert carousel.state == alerts_pb2.ALERT_STATE_NEW
        assert sorted(s.gemeente for s in carousel.sightings) == ["GM0363", "GM0599"]
        assert carousel.score == 2
        code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 0 and "every check passed" in out, out


def test_an_alert_every_region_closed_shows_the_score_of_its_corrected_evidence(
        tmp_path, pki, secret_file):
    # the review of the day's change: both RIECs had closed it, so the closing (and its
    # rescoring) was skipped, and the score kept the corrected sighting's old weight
    with iulia_in_two_towns(tmp_path, pki, secret_file, ["", "ja", "controller_present"]) as (
            hub, rtm):
        accumulation = only_alert(pki, hub, "riec-rotterdam", "accumulation")
        assert accumulation.score == 6.0
        for stem in (f"riec-{AMS}", "riec-rotterdam"):
            close(pki, hub.port, stem, accumulation.alert_id, "no_grounds")
        assert run("node", "correct", "--home", rtm, "RTM-1", "--signals", "", "--from-json",
                   write_json(tmp_path, IULIA)) == 0
        [after] = [a for a in list_alerts(pki, hub.port, "riec-rotterdam").alerts
                   if a.alert_id == accumulation.alert_id]
    assert after.close_reason == "no_grounds" and after.score == 3.0
