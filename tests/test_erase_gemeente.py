"""A municipality leaves (README "A municipality leaves"): the hub operator erases every
sighting of it, the persons and alerts follow as after any removal, and the audit
accounts for each sighting erased."""

from __future__ import annotations

import csv
import getpass
import io
import json
import sqlite3
from pathlib import Path

from tests.lookup_support import audit_hub, run, running_hub, three_towns


def partition(capsys, hub_home) -> tuple[set[frozenset[str]], set[str]]:
    """The hub's persons as sets of sighting UUIDs, and the gemeenten they hold."""
    capsys.readouterr()
    assert run("hub", "clusters", "--home", hub_home, "--format", "csv") == 0
    persons: dict[str, set[str]] = {}
    gemeenten = set()
    for row in csv.DictReader(io.StringIO(capsys.readouterr().out)):
        persons.setdefault(row["person_id"], set()).add(row["sighting_uuid"])
        gemeenten.add(row["gemeente"])
    return {frozenset(p) for p in persons.values()}, gemeenten


def test_a_municipality_that_left_is_erased_and_the_audit_accounts_for_it(
        tmp_path, pki, secret_file, capsys):
    hub_home = tmp_path / "hub"
    with running_hub(tmp_path, pki, alerts=True) as hub:
        three_towns(tmp_path, pki, secret_file, hub)
    before, gemeenten = partition(capsys, hub_home)
    assert "GM0344" in gemeenten
    assert run("hub", "erase", "--home", hub_home, "--gemeente", "GM0344",
               "--reason", "left") == 0
    assert "erased 2 sightings of GM0344 (left), logged" in capsys.readouterr().out

    after, gemeenten = partition(capsys, hub_home)
    assert gemeenten == {"GM0363", "GM0599"}
    assert sum(map(len, after)) == sum(map(len, before)) - 2
    assert run("hub", "relink", "--home", hub_home) == 0
    assert partition(capsys, hub_home)[0] == after  # as a full relink clusters what is left
    with sqlite3.connect(hub_home / "hub.db") as conn:
        relinks = [json.loads(e) for (e,) in conn.execute(
            "SELECT entry FROM audit_entries ORDER BY idx") if b'"relink"' in bytes(e)]
        # the operator's OS account, as every operator command logs it
        assert relinks[-1]["actor"] == f"operator-cli:{getpass.getuser()}"
        assert conn.execute("SELECT count(*) FROM alert_sightings WHERE gemeente = 'GM0344' "
                            "AND current = 1").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM alert_sightings WHERE gemeente = 'GM0363' "
                            "AND current = 1").fetchone()[0] > 0  # Iulia's alert goes on
        assert conn.execute("SELECT count(*) FROM node_contacts WHERE gemeente = "
                            "'GM0344'").fetchone()[0] == 0
    assert run("hub", "status", "--home", hub_home) == 0
    assert "nodes        2 have synced" in capsys.readouterr().out

    code, out = audit_hub(hub_home, pki.root / "ca.pem", capsys)
    assert code == 0 and "1 gemeente_erased" in out
    assert run("hub", "erase", "--home", hub_home, "--gemeente", "Utrecht",
               "--reason", "left") == 1
    assert "expected a CBS code" in capsys.readouterr().err


def test_a_serving_hub_erases_nothing(hub_home, capsys):
    from hub.admin_cli import serving

    with serving(hub_home):
        assert run("hub", "erase", "--home", hub_home, "--gemeente", "GM0344",
                   "--reason", "left") == 1
    assert "the hub is serving on this home; stop it first" in capsys.readouterr().err


def erased_after_a_backup(tmp_path, pki, secret_file) -> tuple[Path, Path]:
    """A stopped hub of three towns with alerts, backed up, then GM0344 erased: its home
    and the backup."""
    hub_home, backup = tmp_path / "hub", tmp_path / "hub-backup.db"
    with running_hub(tmp_path, pki, alerts=True) as hub:
        three_towns(tmp_path, pki, secret_file, hub)
    assert run("hub", "backup", "--home", hub_home, "--out", backup) == 0
    assert run("hub", "erase", "--home", hub_home, "--gemeente", "GM0344",
               "--reason", "left") == 0
    return hub_home, backup


def test_a_restore_from_before_the_erasure_erases_again(tmp_path, pki, secret_file, capsys):
    hub_home, backup = erased_after_a_backup(tmp_path, pki, secret_file)
    capsys.readouterr()
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 0
    assert "GM0344, erased after the backup, erased again (2 sightings)" in (
        capsys.readouterr().out)
    assert partition(capsys, hub_home)[1] == {"GM0363", "GM0599"}
    code, out = audit_hub(hub_home, pki.root / "ca.pem", capsys)
    assert code == 0 and "1 gemeente_erased" in out  # the restored log's own


def test_a_restore_that_cannot_erase_again_says_what_is_left_to_do(tmp_path, pki,
                                                                   secret_file, capsys):
    hub_home, backup = erased_after_a_backup(tmp_path, pki, secret_file)
    toml = hub_home / "hub.toml"
    with_alerts = toml.read_text("utf-8")
    toml.write_text("".join(line for line in with_alerts.splitlines(True)
                            if not line.startswith("alerts =")), "utf-8")
    capsys.readouterr()
    assert run("hub", "restore", "--home", hub_home, "--from", backup) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"zichtlijn: restored from {backup}, but the municipalities erased "
                          "after the backup are not erased again yet: ")
    assert err.rstrip().endswith("then run zichtlijn hub erase --gemeente GM0344 --reason left")
    assert "GM0344" in partition(capsys, hub_home)[1]  # the restore itself is done
    toml.write_text(with_alerts, "utf-8")
    assert run("hub", "erase", "--home", hub_home, "--gemeente", "GM0344",
               "--reason", "left") == 0
    assert partition(capsys, hub_home)[1] == {"GM0363", "GM0599"}
