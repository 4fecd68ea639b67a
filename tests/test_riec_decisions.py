"""A RIEC's decisions outlive a hub restored from a backup (README "Restoring from a backup")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import stat
from pathlib import Path

import pytest

from hub.config import HubConfig
from hub.restore import restore
from hub.server import RunningHub, start_hub
from tests.alert_helpers import BLESSING, IULIA, days_ago, list_alerts, sync_rows
from tests.conftest import ALERTS_DIR
from zichtlijn import cli
from zichtlijn.database_file import back_up
from zichtlijn.riec_decisions import (
    ACKNOWLEDGE,
    CLOSE,
    REOPEN,
    Decision,
    DecisionJournal,
    DecisionsError,
    behind,
)
from zichtlijn.v1 import alerts_pb2

AMS = "riec-amsterdam-amstelland"
AGAIN = {"licensed": "ja", "signals": ""}
NEW, ACKNOWLEDGED, CLOSED = (alerts_pb2.ALERT_STATE_NEW, alerts_pb2.ALERT_STATE_ACKNOWLEDGED,
                             alerts_pb2.ALERT_STATE_CLOSED)


def alert(state: int, *sightings: str, alert_id: str = "A-1") -> alerts_pb2.Alert:
    return alerts_pb2.Alert(alert_id=alert_id, state=state, sightings=[
        alerts_pb2.AlertSighting(sighting_uuid=uuid) for uuid in sightings])


def decided(action: str, *evidence: str, reason: str = "") -> dict[str, Decision]:
    return {"A-1": Decision("A-1", action, reason, frozenset(evidence), "2026-12-07T00:00:00")}


def test_an_alert_short_of_a_decision_on_the_same_evidence_is_behind():
    closed = decided(CLOSE, "s1", "s2", reason="no_grounds")
    assert behind([alert(NEW, "s1", "s2")], closed) == [(alert(NEW, "s1", "s2"), closed["A-1"])]
    assert len(behind([alert(ACKNOWLEDGED, "s1")], closed)) == 1  # evidence shrank: still
    assert len(behind([alert(NEW, "s1")], decided(ACKNOWLEDGE, "s1"))) == 1


def test_an_alert_as_far_along_or_with_evidence_the_decision_never_saw_is_not():
    assert behind([alert(CLOSED, "s1")], decided(CLOSE, "s1")) == []
    assert behind([alert(CLOSED, "s1")], decided(ACKNOWLEDGE, "s1")) == []  # never backwards
    assert behind([alert(ACKNOWLEDGED, "s1")], decided(ACKNOWLEDGE, "s1")) == []
    assert behind([alert(NEW, "s1", "s3")], decided(CLOSE, "s1", "s2")) == []  # reopened
    assert behind([alert(NEW, "s1", alert_id="A-2")], decided(CLOSE, "s1")) == []


def test_an_alert_changed_since_the_decision_is_not_behind_even_on_the_same_evidence():
    """Closed at version 2; a new sighting reopened it (version 3), then that sighting was
    withdrawn (version 4): its evidence is again what was closed, but the hub did not lose
    the decision, it moved on from it. A restored hub shows version 2 or less."""
    closed = {"A-1": dataclasses.replace(decided(CLOSE, "s1", "s2", reason="no_grounds")["A-1"],
                                         version=2)}
    assert behind([_at_version(alert(NEW, "s1", "s2"), 4)], closed) == []
    restored = _at_version(alert(NEW, "s1", "s2"), 2)
    assert behind([restored], closed) == [(restored, closed["A-1"])]
    # a journal line written before versions were kept: decided on evidence alone
    assert len(behind([_at_version(alert(NEW, "s1"), 9)], decided(CLOSE, "s1"))) == 1


def test_a_reopening_the_hub_lost_is_sent_again_as_far_as_it_goes():
    """Reopened after a closing: a hub restored from between the two shows the closing,
    and gets the reopening again; one restored from before both shows the alert new, and
    an acknowledgement is where the reopening left it."""
    reopened = decided(REOPEN, "s1", "s2", reason="closed_in_error")
    closed_here = _closed(alert(CLOSED, "s1", "s2"), "no_grounds")
    assert behind([closed_here], reopened) == [(closed_here, reopened["A-1"])]
    [(_, step)] = behind([alert(NEW, "s1", "s2")], reopened)
    assert (step.action, step.reason, step.at) == (ACKNOWLEDGE, "", reopened["A-1"].at)
    assert behind([alert(ACKNOWLEDGED, "s1", "s2")], reopened) == []


def test_a_reopening_is_not_sent_again_where_the_hub_closed_the_alert_since():
    # merged, its evidence gone from the region or withdrawn: no closing of this RIEC's
    reopened = decided(REOPEN, "s1", "s2", reason="new_information")
    for reason in ("merged:A-2", "evidence_left_region", "evidence_withdrawn"):
        assert behind([_closed(alert(CLOSED, "s1"), reason)], reopened) == []
    assert behind([_closed(alert(CLOSED, "s1", "s3"), "no_grounds")], reopened) == []


def test_the_journal_keeps_a_reopening_as_the_alerts_last_decision(tmp_path):
    journal = DecisionJournal(tmp_path / "decisions.jsonl")
    closed = Decision("A-1", CLOSE, "no_grounds", frozenset({"s1"}), "2026-12-07T00:00:00", 1)
    reopened = Decision("A-1", REOPEN, "closed_in_error", frozenset({"s1"}),
                        "2026-12-07T00:05:00", 1)
    journal.record(closed)
    journal.record(reopened)
    assert journal.latest() == {"A-1": reopened}


def _closed(shown: alerts_pb2.Alert, reason: str) -> alerts_pb2.Alert:
    shown.close_reason = reason
    return shown


def _at_version(shown: alerts_pb2.Alert, version: int) -> alerts_pb2.Alert:
    shown.version = version
    return shown


def test_the_journal_keeps_the_version_decided_on(tmp_path):
    journal = DecisionJournal(tmp_path / "decisions.jsonl")
    journal.record(Decision("A-1", CLOSE, "no_grounds", frozenset({"s1"}), "2026-12-07T00:00:00",
                            3))
    assert journal.latest()["A-1"].version == 3


def test_the_journal_keeps_each_alerts_last_decision_and_names_a_damaged_line(tmp_path):
    journal = DecisionJournal(tmp_path / "decisions.jsonl")
    assert journal.latest() == {}
    first = Decision("A-1", ACKNOWLEDGE, "", frozenset({"s1"}), "2026-12-07T00:00:00")
    then = Decision("A-1", CLOSE, "referred", frozenset({"s1", "s2"}), "2026-12-08T00:00:00")
    other = Decision("A-2", CLOSE, "duplicate", frozenset({"s9"}), "2026-12-08T00:00:00")
    for decision in (first, then, other):
        journal.record(decision)
    assert journal.latest() == {"A-1": then, "A-2": other}
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    with journal.path.open("a") as out:
        out.write('{"alert_id": "A-3"}\n')
    with pytest.raises(DecisionsError, match="line 4 is not a decision"):
        journal.latest()


def test_decisions_older_than_the_retention_period_are_dropped(tmp_path):
    journal = DecisionJournal(tmp_path / "decisions.jsonl")
    old = Decision("A-1", CLOSE, "no_grounds", frozenset({"s1"}), "2025-05-01T09:00:00+00:00")
    recent = Decision("A-2", ACKNOWLEDGE, "", frozenset({"s2"}), "2025-07-01T09:00:00+00:00")
    journal.record(old, today=dt.date(2026, 11, 1))  # 18 months back: 2025-05-01, kept
    journal.record(recent, today=dt.date(2026, 11, 1))
    assert set(journal.latest()) == {"A-1", "A-2"}
    journal.record(recent, today=dt.date(2026, 11, 2))  # now A-1 is older than 18 months
    assert set(journal.latest()) == {"A-2"}
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert not journal.path.with_name("decisions.jsonl.new").exists()


@dataclasses.dataclass
class Restored:
    """A hub restored from a backup taken before the consultation closed Iulia's alert
    and acknowledged Blessing's; serving again, with the RIEC's home beside it."""
    hub: RunningHub
    port: int
    riec: Path
    iulia: str
    blessing: str


@pytest.fixture
def restored(tmp_path, pki, secret_file):
    home = tmp_path / "hub"
    home.mkdir()
    config = HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=8, alerts=ALERTS_DIR)
    first = start_hub(config)
    port = first.port
    sync_rows(tmp_path, pki, secret_file, port, "GM0363",
              [IULIA.row("X-1", days_ago(90)), BLESSING.row("X-2", days_ago(80))])
    sync_rows(tmp_path, pki, secret_file, port, "GM0599",
              [IULIA.row("Y-1", days_ago(60), **AGAIN), BLESSING.row("Y-2", days_ago(50), **AGAIN)])
    riec = tmp_path / "riec"
    assert cli.main(["riec", "init", "--home", str(riec), "--hub", f"127.0.0.1:{port}",
                     "--ca", str(pki.root / "ca.pem"), "--cert", str(pki.root / f"{AMS}.pem"),
                     "--key", str(pki.root / f"{AMS}.key")]) == 0
    backup = tmp_path / "hub-backup.db"
    back_up(home / "hub.db", backup, "hub database")
    iulia, blessing = sorted((a for a in list_alerts(pki, port, AMS).alerts),
                             key=lambda a: a.sightings[0].observed_on)
    # the consultation, after the backup: Iulia's alert closed, Blessing's acknowledged
    assert cli.main(["riec", "close", iulia.alert_id, "--reason", "case_opened",
                     "--home", str(riec)]) == 0
    assert cli.main(["riec", "ack", blessing.alert_id, "--home", str(riec)]) == 0
    first.stop(0)

    restore(home / "hub.db", backup, "operator-cli:test")
    second = start_hub(dataclasses.replace(config, listen=f"127.0.0.1:{port}"))
    try:
        lost = {a.alert_id: a.state for a in list_alerts(pki, port, AMS).alerts}
        assert lost == {iulia.alert_id: NEW, blessing.alert_id: NEW}
        # Blessing is seen in a third town: evidence the acknowledgement never saw
        sync_rows(tmp_path, pki, secret_file, port, "GM0344",
                  [BLESSING.row("Z-1", days_ago(20), **AGAIN)])
        yield Restored(second, port, riec, iulia.alert_id, blessing.alert_id)
    finally:
        second.stop(0)


def test_decisions_a_restore_lost_are_sent_again_and_reopened_alerts_are_left(
        restored, pki, capsys):
    capsys.readouterr()
    assert cli.main(["riec", "alerts", "--home", str(restored.riec), "--brief"]) == 0
    out, err = capsys.readouterr()
    now = {a.alert_id: a for a in list_alerts(pki, restored.port, AMS).alerts}
    assert cli.main(["riec", "alerts", "--home", str(restored.riec)]) == 0
    again = capsys.readouterr().err
    assert err.startswith("zichtlijn: sent again 1 decision(s) of this RIEC")
    assert f"{restored.iulia} (close case_opened, " in err
    assert restored.blessing not in err
    assert now[restored.iulia].state == CLOSED
    assert now[restored.iulia].close_reason == "case_opened"
    assert now[restored.blessing].state == NEW and now[restored.blessing].changed
    assert now[restored.blessing].sighting_count == 3
    # what was printed is the hub's state after sending again, not the list before it
    [iulia_line] = [line for line in out.splitlines() if restored.iulia in line]
    assert "closed" in iulia_line
    assert again == ""  # nothing behind any more: nothing sent twice


def test_riec_watch_sends_the_lost_decisions_again_and_shows_them_as_changes(
        restored, pki, capsys):
    (restored.riec / "watch.cursor").unlink(missing_ok=True)
    capsys.readouterr()
    assert cli.main(["riec", "watch", "--home", str(restored.riec), "--no-follow"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("zichtlijn: sent again 1 decision(s) of this RIEC")
    now = {a.alert_id: a for a in list_alerts(pki, restored.port, AMS).alerts}
    assert now[restored.iulia].state == CLOSED
    assert now[restored.blessing].state == NEW
    closed = [line for line in out.splitlines() if " closed " in line]
    assert len(closed) == 1 and restored.iulia in closed[0]
    assert cli.main(["riec", "watch", "--home", str(restored.riec), "--no-follow"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "sent again" not in err  # nothing behind, nothing new


def test_a_decision_the_hub_refuses_is_one_warning_and_the_list_still_shows(
        tmp_path, pki, secret_file, hub, capsys):
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0363", [IULIA.row("X-1", days_ago(90))])
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0599",
              [IULIA.row("Y-1", days_ago(60), **AGAIN)])
    riec = tmp_path / "riec"
    assert cli.main(["riec", "init", "--home", str(riec), "--hub", f"127.0.0.1:{hub.port}",
                     "--ca", str(pki.root / "ca.pem"), "--cert", str(pki.root / f"{AMS}.pem"),
                     "--key", str(pki.root / f"{AMS}.key")]) == 0
    [raised] = list_alerts(pki, hub.port, AMS).alerts
    # a journal written by hand, with a reason the hub does not know
    DecisionJournal(riec / "decisions.jsonl").record(Decision(
        raised.alert_id, CLOSE, "because", frozenset(s.sighting_uuid for s in raised.sightings),
        "2026-12-07T00:00:00"))
    capsys.readouterr()
    assert cli.main(["riec", "alerts", "--home", str(riec), "--brief"]) == 0
    out, err = capsys.readouterr()
    [warning] = err.splitlines()
    assert warning.startswith(f"zichtlijn: warning: could not send again the close of "
                              f"{raised.alert_id}: ")
    assert raised.alert_id in out and "1 alert (1 new" in out


def test_a_reopening_lost_with_its_closing_comes_back_as_an_acknowledgement(
        restored, pki, capsys):
    """The consultation had reopened Iulia's alert after closing it (closed too soon),
    after the backup: the restored hub shows it new, and it is acknowledged again."""
    [iulia] = [a for a in list_alerts(pki, restored.port, AMS).alerts
               if a.alert_id == restored.iulia]
    DecisionJournal(restored.riec / "decisions.jsonl").record(Decision(  # as riec reopen
        iulia.alert_id, REOPEN, "closed_in_error",
        frozenset(s.sighting_uuid for s in iulia.sightings),
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), iulia.version))
    capsys.readouterr()
    assert cli.main(["riec", "alerts", "--home", str(restored.riec), "--brief"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("zichtlijn: sent again 1 decision(s) of this RIEC")
    assert f"{restored.iulia} (acknowledge, " in err
    now = {a.alert_id: a for a in list_alerts(pki, restored.port, AMS).alerts}
    assert now[restored.iulia].state == ACKNOWLEDGED


def test_a_restored_hub_with_decisions_sent_again_verifies(restored, pki, capsys):
    """The restore cut the log and the alert states back together; the decisions sent
    again are logged signed, and each region's state replays from the log."""
    from hub.config import HubConfig
    from tests.lookup_support import audit_hub

    home = restored.hub.store.path.parent
    config = HubConfig(home, f"127.0.0.1:{restored.port}", pki.tls("hub-hub"), workers=8,
                       alerts=ALERTS_DIR)
    (home / "hub.toml").write_text(config.to_toml(), "utf-8")  # for `audit export --home`
    assert cli.main(["riec", "alerts", "--home", str(restored.riec), "--brief"]) == 0
    code, out = audit_hub(home, pki.root / "ca.pem", capsys)
    assert code == 0, out
    assert "1 RIEC decisions, 1 RIEC-signed" in out  # the one sent again; the rest cut off
