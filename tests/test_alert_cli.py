"""The alert commands end to end: riec alerts/ack/close, node alerts, hub evaluate, signal codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from hub.admin_cli import serving
from linkage.compare import MatchPolicy
from node.csv_import import RowError, parse_row
from tests.alert_helpers import HEADER, IULIA, ZSOFIA, days_ago, sync_rows
from tests.conftest import ALERTS_DIR, make_node
from tests.test_csv_import import csv_bytes
from zichtlijn import cli
from zichtlijn.alert_format import alert_line
from zichtlijn.v1 import alerts_pb2

AMS = "riec-amsterdam-amstelland"
AGAIN = {"licensed": "ja", "signals": ""}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def riec_home(tmp_path: Path, pki, port: int, stem: str = AMS) -> Path:
    home = tmp_path / f"home-{stem}"
    assert cli.main(["riec", "init", "--home", str(home), "--hub", f"127.0.0.1:{port}",
                     "--ca", str(pki.root / "ca.pem"), "--cert", str(pki.root / f"{stem}.pem"),
                     "--key", str(pki.root / f"{stem}.key")]) == 0
    return home


@pytest.fixture()
def carousel(tmp_path, pki, secret_file, hub) -> dict[str, Path]:
    """Iulia in Amsterdam then Rotterdam; Zsófia twice in Amsterdam only (no alert)."""
    homes = {
        "GM0363": sync_rows(tmp_path, pki, secret_file, hub.port, "GM0363",
                            [IULIA.row("AMS-2025-00017", days_ago(80)),
                             ZSOFIA.row("AMS-2025-00018", days_ago(70)),
                             ZSOFIA.row("AMS-2025-00031", days_ago(20))]).home,
        "GM0599": sync_rows(tmp_path, pki, secret_file, hub.port, "GM0599",
                            [IULIA.row("RDM/44/2025", days_ago(40), **AGAIN)]).home,
    }
    return homes


def test_riec_alerts_lists_the_region_alerts_with_every_town_and_date(
        tmp_path, pki, hub, carousel, capsys):
    home = riec_home(tmp_path, pki, hub.port)
    capsys.readouterr()
    code, out, err = run(capsys, "riec", "alerts", "--home", str(home))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert " carousel " in lines[0] and " new " in lines[0] and "2 gemeenten" in lines[0]
    assert lines[1].strip() == "gemeenten: GM0363, GM0599"
    # the other RIEC to coordinate with, and where it stands (the RIEC review)
    assert lines[2].strip() == "also with: rotterdam (new)"
    assert lines[3].split()[:2] == ["GM0363", days_ago(80)]
    assert lines[4].split()[:2] == ["GM0599", days_ago(40)]
    assert lines[-1].startswith("1 alert (1 new, 0 acknowledged, 0 closed")
    # when it was raised, and what a score counts (the RIEC review missed both)
    assert f"raised {dt.date.today().isoformat()}" in lines[0]
    assert lines[-2].startswith("score: carousel, the municipalities she was seen in;")
    # the hub never had a case reference to give
    assert "AMS-2025" not in out and "RDM/44" not in out

    code, out, _ = run(capsys, "riec", "alerts", "--home", str(home), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["gemeente"], r["observed_on"], r["state"]) for r in rows] == [
        ("GM0363", days_ago(80), "new"), ("GM0599", days_ago(40), "new")]
    assert rows[0]["signals"] == "unlicensed" and rows[1]["signals"] == ""


def test_riec_ack_and_close_from_the_command_line(tmp_path, pki, hub, carousel, capsys):
    home = riec_home(tmp_path, pki, hub.port)
    capsys.readouterr()
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(home), "--format", "csv")
    alert_id = next(csv.DictReader(io.StringIO(out)))["alert_id"]

    code, out, _ = run(capsys, "riec", "ack", alert_id, "--home", str(home))
    assert code == 0 and alert_id in out and "acknowledged" in out
    code, out, _ = run(capsys, "riec", "alerts", "--home", str(home), "--state", "new")
    assert out.splitlines()[-1].startswith("0 alerts")
    code, out, _ = run(capsys, "riec", "close", alert_id, "--reason", "case_opened",
                       "--home", str(home))
    assert code == 0 and "closed (case_opened)" in out
    # Rotterdam's consultation still has it as new
    rotterdam = riec_home(tmp_path, pki, hub.port, "riec-rotterdam")
    capsys.readouterr()
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(rotterdam), "--brief")
    assert alert_id in out and " new " in out


def test_riec_reopen_from_the_command_line(tmp_path, pki, hub, carousel, capsys):
    # closed too soon: the consultation takes it up again, and says why in a code
    home = riec_home(tmp_path, pki, hub.port)
    capsys.readouterr()
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(home), "--format", "csv")
    alert_id = next(csv.DictReader(io.StringIO(out)))["alert_id"]
    assert run(capsys, "riec", "close", alert_id, "--reason", "no_grounds", "--home",
               str(home))[0] == 0
    run(capsys, "riec", "watch", "--home", str(home), "--no-follow")  # seen up to here

    code, out, err = run(capsys, "riec", "reopen", alert_id, "--reason", "closed_in_error",
                         "--home", str(home))
    assert (code, err) == (0, "")
    assert alert_id in out and " acknowledged " in out and "closed" not in out
    # the RIEC's own record, so a hub restored from a backup gets the reopening back
    last = json.loads((home / "decisions.jsonl").read_text("utf-8").splitlines()[-1])
    assert (last["alert_id"], last["action"], last["reason"]) == (alert_id, "reopen",
                                                                   "closed_in_error")
    assert len(last["evidence"]) == 2
    code, out, _ = run(capsys, "riec", "watch", "--home", str(home), "--no-follow")
    [line] = out.splitlines()
    assert f" reopened_by_riec  {alert_id} " in line and " acknowledged " in line
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(home), "--state", "acknowledged",
                    "--brief")
    assert alert_id in out

    # not closed any more: one line saying so, nothing sent again, exit 1
    code, _, err = run(capsys, "riec", "reopen", alert_id, "--reason", "new_information",
                       "--home", str(home))
    assert code == 1
    assert err == (f"zichtlijn: hub 127.0.0.1:{hub.port} refused (FAILED_PRECONDITION): alert "
                   f"{alert_id} is not closed in region amsterdam-amstelland (it is "
                   "acknowledged): only a closed alert can be reopened; nothing was changed\n")


def test_riec_reopen_help_explains_each_reason(capsys):
    with pytest.raises(SystemExit):
        cli.main(["riec", "reopen", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert ("closed_in_error: the wrong alert was closed, or it was closed too soon" in out)
    assert ("new_information: information from outside zichtlijn gives reason to look "
            "again") in out


def test_riec_errors_are_one_line(tmp_path, pki, hub, carousel, capsys):
    home = riec_home(tmp_path, pki, hub.port)
    capsys.readouterr()
    code, _, err = run(capsys, "riec", "ack", "A-0000000000", "--home", str(home))
    assert code == 1
    assert err == (f"zichtlijn: hub 127.0.0.1:{hub.port} refused (NOT_FOUND): "
                   "no alert A-0000000000 in region amsterdam-amstelland\n")
    code, _, err = run(capsys, "riec", "alerts", "--home", str(home), "--since", "gisteren")
    assert (code, err) == (1, "zichtlijn: --since 'gisteren': expected a date like 2025-06-30\n")
    dead = riec_home(tmp_path, pki, 1, "riec-rotterdam")
    capsys.readouterr()
    code, _, err = run(capsys, "riec", "alerts", "--home", str(dead), "--timeout", "3")
    assert code == 1 and err.startswith("zichtlijn: hub 127.0.0.1:1 unreachable")
    assert err.count("\n") == 1


def test_riec_init_refuses_a_node_certificate(tmp_path, pki, capsys):
    code = cli.main(["riec", "init", "--home", str(tmp_path / "r"), "--hub", "127.0.0.1:1",
                     "--ca", str(pki.root / "ca.pem"), "--cert",
                     str(pki.root / "node-GM0363.pem"), "--key",
                     str(pki.root / "node-GM0363.key")])
    assert code == 1
    assert "certificate is for node:GM0363, not a RIEC" in capsys.readouterr().err


def test_node_alerts_resolves_its_own_case_refs_and_only_those(tmp_path, pki, hub, carousel,
                                                               capsys):
    code, out, _ = run(capsys, "node", "alerts", "--home", str(carousel["GM0363"]))
    assert code == 0
    assert "AMS-2025-00017" in out and "RDM/44/2025" not in out
    # its own sighting, nothing of the whole alert (it spans two towns): no score or counts
    assert "  1 sighting here" in out
    assert "gemeente" not in out and "score" not in out and "2 sightings" not in out
    code, out, _ = run(capsys, "node", "alerts", "--home", str(carousel["GM0599"]),
                       "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert list(row) == ["alert_id", "rule", "state", "case_ref", "sighting_uuid",
                         "observed_on", "signals"]
    assert (row["case_ref"], row["observed_on"], row["state"]) == (
        "RDM/44/2025", days_ago(40), "new")
    hub_files = b"".join(p.read_bytes() for p in Path(hub.store.path).parent.glob("hub.db*"))
    for case_ref in ("AMS-2025-00017", "AMS-2025-00018", "RDM/44/2025"):
        assert case_ref.encode() not in hub_files


def hub_home_with_alerts(hub, pki) -> Path:
    """The running hub's home, with a hub.toml that names the shipped alert configuration."""
    home = Path(hub.store.path).parent
    (home / "hub.toml").write_text(
        f'listen = "127.0.0.1:0"\nalerts = "{ALERTS_DIR}"\n\n[tls]\n'
        f'ca = "{pki.root / "ca.pem"}"\ncert = "{pki.root / "hub-hub.pem"}"\n'
        f'key = "{pki.root / "hub-hub.key"}"\n')
    return home


def test_hub_evaluate_on_demand_finds_nothing_new_twice(tmp_path, pki, hub, carousel, capsys):
    home = hub_home_with_alerts(hub, pki)
    code, out, _ = run(capsys, "hub", "evaluate", "--home", str(home))
    assert code == 0
    assert "0 alerts created, 0 updated (0 reopened), 0 merged, 1 unchanged" in out


# -- signal codes outside the catalogue -----------------------------------------------------


def test_node_with_the_catalogue_keeps_a_row_with_an_unknown_code_without_it_and_says_so(
        tmp_path, pki, secret_file, capsys):
    home = tmp_path / "node"
    assert cli.main(["node", "init", "--home", str(home), "--gemeente", "GM0363", "--hub",
                     "127.0.0.1:1", "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / "node-GM0363.pem"),
                     "--key", str(pki.root / "node-GM0363.key"), "--secret", str(secret_file),
                     "--signals", str(ALERTS_DIR / "signals.toml")]) == 0
    data = tmp_path / "controls.csv"
    data.write_bytes(csv_bytes([IULIA.row("A-1", days_ago(3), signals="unlicensed;loverboy"),
                                ZSOFIA.row("A-2", days_ago(2), signals="no_id_access")], HEADER))
    capsys.readouterr()
    code, out, err = run(capsys, "node", "import", "--home", str(home), str(data))
    assert code == 0  # the control is kept: the carousel counts it whatever its signals
    note, advice = err.splitlines()
    assert note == ("controls.csv: line 2: signals: 1 code(s) not in the signal catalogue "
                    "left out (not sent); add them to signals.toml on hub and nodes if they "
                    "are signal codes")
    assert advice.startswith("controls.csv: 1 row(s) carry 1 word(s) in signals that the "
                             "signal catalogue does not list, left out and not sent (line 2)")
    assert "loverboy" not in err  # never the word: free text there may be a name
    assert "imported 2, unchanged 0, rejected 0; 1 kept with a note" in out
    # someone typing it in is told instead, and can type it again
    with pytest.raises(RowError, match=r"1 code\(s\) not in the signal catalogue"):
        parse_row(2, {"case_ref": "A-3", "observed_on": days_ago(1), "given_names": "Ana",
                      "surname": "Popa", "signals": "loverboy"}, dt.date.today(),
                  frozenset({"unlicensed"}), strict=True)


def test_hub_keeps_a_code_outside_its_catalogue_weighing_0_and_status_names_it(
        tmp_path, pki, secret_file, hub, capsys, caplog):
    # a node whose catalogue lists a code the hub's does not (or a node of before
    # 2026-12-07, which sent every code): the hub still keeps and weighs such a code
    config = make_node(tmp_path, pki, secret_file, "GM0363", hub.port)
    own = config.home / "signals.toml"
    own.write_text((ALERTS_DIR / "signals.toml").read_text("utf-8")
                   + "\n[signals.loverboy]\nweight = 2.0\n", "utf-8")
    (config.home / "node.toml").write_text(
        replace(config, signals_file=own).to_toml(), "utf-8")
    data = tmp_path / "controls.csv"
    data.write_bytes(csv_bytes([IULIA.row("A-1", days_ago(3), signals="loverboy;unlicensed"),
                                ZSOFIA.row("A-2", days_ago(2), signals="loverboy")], HEADER))
    assert cli.main(["node", "import", "--home", str(config.home), str(data)]) == 0
    capsys.readouterr()
    code, _, err = run(capsys, "node", "sync", "--home", str(config.home))
    assert code == 0
    assert err == ("zichtlijn: warning: the hub's signal catalogue does not list loverboy: "
                   "those codes weigh 0 in its alerts until it does (ask the hub operator, or "
                   "correct the export's codes; README \"Match alerts for the RIEC\")\n")
    assert hub.store.count_sightings() == 2
    assert ("node:GM0363 sent signal code(s) outside signals.toml, stored as sent and weighing "
            "0 until it lists them: loverboy") in caplog.text
    home = hub_home_with_alerts(hub, pki)
    with serving(home):  # the lock `hub serve` holds: the service is well
        code, out, _ = run(capsys, "hub", "status", "--home", str(home), "--check")
        # one town's data slip is no page for the national on-call: its own status
        assert code == 3, out
        assert [line.strip() for line in out.splitlines() if "WARNING" in line] == [
            "WARNING: 1 signal code(s) outside signals.toml weigh 0 in the alerts: "
            "loverboy (2) sightings; list them, or correct the nodes' exports (README "
            "\"Match alerts for the RIEC\")"]
        with hub.store.transaction() as conn:  # and a node gone silent besides: the service
            conn.execute("UPDATE node_contacts SET last_report_at = '2000-01-01T00:00:00+00:00'")
        code, out, _ = run(capsys, "hub", "status", "--home", str(home), "--check")
        assert code == 1 and "was last heard from 2000-01-01" in out
        assert run(capsys, "hub", "status", "--home", str(home))[0] == 0  # information
    code, out, _ = run(capsys, "hub", "status", "--home", str(home), "--check")
    assert code == 1  # not serving, whatever the data


def test_hub_relink_evaluates_the_alerts_again(tmp_path, pki, hub, carousel, capsys):
    home = hub_home_with_alerts(hub, pki)
    code, out, _ = run(capsys, "hub", "relink", "--home", str(home))
    assert code == 0
    relinked, evaluated = out.splitlines()
    assert relinked.startswith("relinked 4 sightings")
    # hub.toml: "auto", which starts at the shipped threshold
    assert relinked.endswith(f"link threshold {MatchPolicy().threshold} (automatic)")
    # the persons got their ids anew; the alert is recognised by its sightings
    assert "0 alerts created" in evaluated and "1 unchanged" in evaluated


def test_the_demo_summary_counts_alerts_per_rule_and_shows_the_strongest():
    from zichtlijn.alert_format import CSV_COLUMNS
    from zichtlijn.demo import summarise_alerts

    def row(alert_id: str, rule: str, score: str, gemeente: str) -> str:
        values = {c: "" for c in CSV_COLUMNS}
        values.update(alert_id=alert_id, rule=rule, score=score, gemeente=gemeente)
        return ",".join(values[c] for c in CSV_COLUMNS)

    listing = "\n".join([",".join(CSV_COLUMNS), row("A-1", "carousel", "2", "GM0363"),
                         row("A-1", "carousel", "2", "GM0599"),
                         row("A-2", "carousel", "3", "GM0344"),
                         row("A-3", "network", "4", "GM0363")]) + "\n"
    lines = summarise_alerts(listing, top=1)
    assert lines[0] == "3 alerts: 2 carousel, 1 network"
    assert lines[1].startswith("A-2  carousel") and "1 sightings in GM0344" in lines[1]
    assert lines[2].startswith("A-3  network") and len(lines) == 3


def test_hub_evaluate_beside_a_serving_hub_only_under_the_rules_it_loaded(tmp_path, pki, hub,
                                                                           carousel, capsys):
    from hub.admin_cli import serving

    home = hub_home_with_alerts(hub, pki)
    run(capsys, "hub", "evaluate", "--home", str(home))  # the rules the hub runs under
    changed = tmp_path / "alerts"
    shutil.copytree(ALERTS_DIR, changed)
    rules = changed / "rules.toml"
    rules.write_text(rules.read_text() + "\n# edited by the operator\n")
    toml = home / "hub.toml"
    with serving(home):
        code, out, _ = run(capsys, "hub", "evaluate", "--home", str(home))
        assert code == 0 and "1 unchanged" in out  # same rules: safe beside the hub
        toml.write_text(toml.read_text().replace(str(ALERTS_DIR), str(changed)))
        code, _, err = run(capsys, "hub", "evaluate", "--home", str(home))
        assert code == 1 and err.count("\n") == 1
        assert err.startswith(f"zichtlijn: the alert rules in {changed} differ from those the "
                              "hub serving on this home loaded at its start; restart the hub")
    code, out, _ = run(capsys, "hub", "evaluate", "--home", str(home))  # the hub stopped
    assert code == 0 and "1 unchanged" in out


def test_an_alert_line_counts_one_gemeente_in_the_singular():
    one = alerts_pb2.Alert(alert_id="A-1", rule="accumulation", gemeente_count=1,
                           sighting_count=3)
    assert "  1 gemeente  3 sightings" in alert_line(one)
    assert "  2 gemeenten  " in alert_line(alerts_pb2.Alert(alert_id="A-2", gemeente_count=2))


def test_a_riec_whose_clock_is_off_is_told_to_set_it_and_nothing_changes(
        tmp_path, pki, hub, carousel, capsys, monkeypatch):
    from zichtlijn import riec_requests

    home = riec_home(tmp_path, pki, hub.port)
    capsys.readouterr()
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(home), "--format", "csv")
    alert_id = next(csv.DictReader(io.StringIO(out)))["alert_id"]
    slow = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=25)
    monkeypatch.setattr(riec_requests, "decision_time",
                        lambda now=None: slow.isoformat(timespec="seconds"))
    code, _, err = run(capsys, "riec", "close", alert_id, "--reason", "no_grounds",
                       "--home", str(home))
    assert code == 1
    assert err.startswith(f"zichtlijn: hub 127.0.0.1:{hub.port} refused (FAILED_PRECONDITION): "
                          "decided_at is 25 minutes behind the hub's clock")
    assert "set this computer's clock right (NTP)" in err and err.count("\n") == 1
    monkeypatch.undo()
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(home), "--brief")
    assert alert_id in out and " new " in out  # not closed


def test_the_readme_names_the_csv_columns_riec_alerts_writes():
    # the operations review found the README's list behind the code's
    import re
    from pathlib import Path

    from zichtlijn.alert_format import CSV_COLUMNS

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    [listed] = re.findall(r"one row per sighting, columns `([^`]*)`", readme)
    assert tuple(re.split(r",\s+", listed)) == CSV_COLUMNS


def test_a_riec_sees_where_the_other_regions_stand_on_its_alert(tmp_path, pki, hub, carousel,
                                                                capsys):
    # the RIEC review: Rotterdam referred the alert, Amsterdam still showed it new and
    # could not tell whom to ask
    rotterdam = riec_home(tmp_path, pki, hub.port, "riec-rotterdam")
    amsterdam = riec_home(tmp_path, pki, hub.port)
    capsys.readouterr()
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(rotterdam), "--format", "csv")
    alert_id = next(csv.DictReader(io.StringIO(out)))["alert_id"]
    code, _, _ = run(capsys, "riec", "close", alert_id, "--reason", "referred", "--home",
                     str(rotterdam))
    assert code == 0
    code, out, _ = run(capsys, "riec", "alerts", "--home", str(amsterdam))
    assert code == 0 and "    also with: rotterdam (closed: referred)" in out.splitlines()
    # Rotterdam's own view names Amsterdam's RIEC, still to decide
    _, out, _ = run(capsys, "riec", "alerts", "--home", str(rotterdam))
    assert "    also with: amsterdam-amstelland (new)" in out.splitlines()
