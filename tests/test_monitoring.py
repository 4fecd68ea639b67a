"""Monitoring (README "Monitoring"): `node status` tells when the node last synced and
whether it worked, `hub status` which nodes went silent, and `--check` turns any WARNING
into exit code 1 for a monitoring system."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from hub.admin_cli import serving
from node.store import NodeStore
from node.sync_runs import record_run
from tests.lookup_support import csv_bytes, day, import_and_sync, node, run, running_hub
from zichtlijn.errors import failure_line

ROW = ["K-1", day(0), "Ana", "Lungu", "01-02-1999", "v", "", "nee", ""]


def status(capsys, *argv) -> tuple[int, str]:
    capsys.readouterr()
    code = run(*argv)
    return code, capsys.readouterr().out


def test_a_node_tells_when_it_last_synced_and_check_fails_when_it_did_not(
        tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        home = node(tmp_path, pki, secret_file, "GM0363", hub)
        code, out = status(capsys, "node", "status", "--home", home, "--check")
        assert code == 1
        assert "last sync  never synced" in out and "WARNING: no sync has run yet" in out
        (tmp_path / "k.csv").write_bytes(csv_bytes([ROW]))
        assert run("node", "import", "--home", home, tmp_path / "k.csv") == 0
        assert run("node", "sync", "--home", home) == 0
        code, out = status(capsys, "node", "status", "--home", home, "--check")
        assert code == 0, out
        assert "synced 1 sighting in 1 batch" in out.split("last sync  ")[1].splitlines()[0]
        assert "WARNING" not in out
    # the hub is gone: the nightly sync fails, and says so the next morning
    assert run("node", "sync", "--home", home, "--timeout", "2") == 1
    code, out = status(capsys, "node", "status", "--home", home, "--check")
    assert code == 1
    assert "failed; the last that worked " in out
    [warning] = [line for line in out.splitlines() if "WARNING" in line]
    assert "the last sync, at " in warning and "failed: hub 127.0.0.1:" in warning
    # without --check the same status is information, exit 0
    assert status(capsys, "node", "status", "--home", home)[0] == 0


def test_a_node_whose_last_good_sync_is_days_old_is_warned_of(tmp_path, pki, secret_file,
                                                             capsys):
    with running_hub(tmp_path, pki) as hub:
        home = node(tmp_path, pki, secret_file, "GM0363", hub)
    store = NodeStore(home / "node.db")
    try:
        three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3, hours=1)
        record_run(store.db, True, "synced 0 sightings", three_days_ago.isoformat())
    finally:
        store.close()
    code, out = status(capsys, "node", "status", "--home", home, "--check")
    assert code == 1 and "WARNING: no sync has worked for 3 days" in out


def test_the_hub_names_a_node_gone_silent(tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        import_and_sync(tmp_path, node(tmp_path, pki, secret_file, "GM0363", hub), [ROW])
        assert run("node", "sync", "--home", node(tmp_path, pki, secret_file, "GM0599",
                                                 hub)) == 0
    hub_home = tmp_path / "hub"
    with serving(hub_home):  # the lock `hub serve` holds: the hub counts as serving
        code, out = status(capsys, "hub", "status", "--home", hub_home, "--check")
        assert code == 0, out
        assert "nodes        2 have synced; 2 within 2 days" in out
        week_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=7)).isoformat(
            timespec="seconds")
        with sqlite3.connect(hub_home / "hub.db") as conn:
            conn.execute("UPDATE node_contacts SET last_report_at = ? WHERE gemeente = "
                         "'GM0599'", [week_ago])
        code, out = status(capsys, "hub", "status", "--home", hub_home, "--check")
    assert code == 1
    assert "nodes        2 have synced; 1 within 2 days" in out
    assert f"WARNING: node GM0599 was last heard from {week_ago} (7 days ago)" in out
    # the whole list, for the operator or a script
    code, out = status(capsys, "hub", "nodes", "--home", hub_home, "--format", "csv")
    assert code == 0
    rows = {line.split(",")[0]: line.split(",")[1:] for line in out.splitlines()[1:]}
    assert rows["GM0599"] == ["0", week_ago, "1"]
    assert rows["GM0363"][0] == "1" and rows["GM0363"][2] == "0"
    code, out = status(capsys, "hub", "nodes", "--home", hub_home)
    assert "GM0599          0 sightings  last heard " in out and "SILENT for more" in out
    assert out.splitlines()[-1] == "2 municipalities, 1 silent"


def test_a_failure_is_recorded_by_its_type_when_it_is_a_bug():
    assert failure_line(KeyError("Ana Lungu")) == "internal error (KeyError)"


def test_hub_status_check_fails_while_no_hub_serves_on_the_home(tmp_path, pki, capsys):
    """`hub serve` as systemd runs it: a process of its own. Stopped, --check says so."""
    home, port_file = tmp_path / "hub", tmp_path / "port"
    assert run("hub", "init", "--home", home, "--listen", "127.0.0.1:0",
               "--ca", pki.root / "ca.pem", "--cert", pki.root / "hub-hub.pem",
               "--key", pki.root / "hub-hub.key") == 0
    served = subprocess.Popen(
        [sys.executable, "-m", "zichtlijn", "hub", "serve", "--home", str(home),
         "--port-file", str(port_file)], cwd=Path(__file__).parent.parent,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while served.poll() is None and not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        code, out = status(capsys, "hub", "status", "--home", home, "--check")
        assert "serving      yes (`hub serve` holds serve.lock)" in out
        assert "WARNING" not in out and code == 0, out
    finally:
        served.send_signal(signal.SIGTERM)
        served.wait(timeout=60)
    code, out = status(capsys, "hub", "status", "--home", home, "--check")
    assert code == 1
    assert [line for line in out.splitlines() if "WARNING" in line] == [
        "             WARNING: no `zichtlijn hub serve` runs on this home: nodes cannot sync "
        "and RIECs get no alerts"]
    # without --check it is information, exit 0
    assert status(capsys, "hub", "status", "--home", home)[0] == 0
