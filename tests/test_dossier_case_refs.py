"""A case reference that numbers a woman's dossier, shared by her controls (README "CSV
import"): each control of another date is kept as a control of its own, and withdrawing or
correcting one names its date."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from node.store import NodeStore
from tests.conftest import make_node
from tests.lookup_support import run

HEADER = ["case_ref", "observed_on", "given_names", "surname", "date_of_birth"]
DOSSIER = [["Zaak 42", "2026-03-01", "Ana Maria", "Popescu", "14-03-1998"],
           ["Zaak 42", "2026-04-12", "Ana", "Popescu", "14-03-1998"],
           ["Zaak 43", "2026-04-12", "Ioana", "Rusu", "02-07-1995"]]


def write_csv(path, rows) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([HEADER, *rows])
    path.write_text(out.getvalue(), "utf-8")


@pytest.fixture()
def node(tmp_path, pki, secret_file):
    """A node (its hub never reached: nothing here is synced) holding the dossier."""
    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    write_csv(tmp_path / "controls.csv", DOSSIER)
    return config


def listed(capsys, home) -> list[list[str]]:
    capsys.readouterr()
    assert run("node", "sightings", "--home", home, "--format", "csv") == 0
    return [row[:3] for row in csv.reader(io.StringIO(capsys.readouterr().out))][1:]


def test_the_controls_of_one_dossier_are_each_kept_and_said_once(node, tmp_path, capsys):
    assert run("node", "import", "--home", node.home, tmp_path / "controls.csv") == 0
    out, err = capsys.readouterr()
    assert "imported 3, unchanged 0, rejected 0" in out
    [advice] = err.splitlines()
    assert advice == ("controls.csv: 1 row(s) share their case_ref with a control of another "
                      "date (a dossier number): each is kept as a control of its own; name the "
                      "date with --on to withdraw or correct one (README \"CSV import\")")
    rows = listed(capsys, node.home)
    assert [(ref, day) for ref, _, day in rows] == [
        ("Zaak 42", "2026-03-01"), ("Zaak 42", "2026-04-12"), ("Zaak 43", "2026-04-12")]
    assert len({uuid for _, uuid, _ in rows}) == 3
    # the same export again changes nothing
    assert run("node", "import", "--home", node.home, tmp_path / "controls.csv") == 0
    assert "imported 0, unchanged 3, rejected 0" in capsys.readouterr().out
    # other content under a case_ref and date already held is refused, as before
    write_csv(tmp_path / "changed.csv", [["Zaak 42", "2026-04-12", "Elena", "Popescu", ""]])
    assert run("node", "import", "--home", node.home, tmp_path / "changed.csv") == 1
    assert ("'Zaak 42' of 2026-04-12 was imported before with other content"
            in capsys.readouterr().err)


def test_withdrawing_one_control_of_a_dossier_names_its_date(node, tmp_path, capsys):
    assert run("node", "import", "--home", node.home, tmp_path / "controls.csv") == 0
    capsys.readouterr()
    assert run("node", "withdraw", "--home", node.home, "Zaak 42", "--reason", "error") == 1
    err = capsys.readouterr().err
    assert "'Zaak 42' holds 2 controls (2026-03-01, 2026-04-12): name one with --on DATE" in err
    assert run("node", "withdraw", "--home", node.home, "Zaak 42", "--on", "2026-05-01",
               "--reason", "error") == 1
    assert "holds no control of 2026-05-01" in capsys.readouterr().err
    assert run("node", "withdraw", "--home", node.home, "Zaak 42", "--on", "2026-03-01",
               "--reason", "error") == 0
    assert [(ref, day) for ref, _, day in listed(capsys, node.home)] == [
        ("Zaak 42", "2026-04-12"), ("Zaak 43", "2026-04-12")]
    # the withdrawn control is not imported again; its sibling of another date is unchanged
    assert run("node", "import", "--home", node.home, tmp_path / "controls.csv") == 0
    out, err = capsys.readouterr()
    assert "'Zaak 42' of 2026-03-01 was withdrawn on" in err
    assert "unchanged 2, rejected 0, skipped 1 withdrawn" in out
    # one control left under the case_ref: no date needed
    assert run("node", "withdraw", "--home", node.home, "Zaak 42", "--reason", "error") == 0


def test_a_correction_may_not_move_a_control_onto_its_siblings_date(node, tmp_path, capsys):
    assert run("node", "import", "--home", node.home, tmp_path / "controls.csv") == 0
    fields = tmp_path / "fields.json"
    fields.write_text('{"given_names": "Ana Maria", "surname": "Popescu"}', "utf-8")
    capsys.readouterr()
    assert run("node", "correct", "--home", node.home, "Zaak 42", "--on", "2026-03-01",
               "--observed-on", "2026-04-12", "--from-json", fields) == 1
    assert "already holds a control of 2026-04-12" in capsys.readouterr().err
    assert run("node", "correct", "--home", node.home, "Zaak 42", "--on", "2026-03-01",
               "--observed-on", "2026-03-02", "--from-json", fields) == 0
    assert [(ref, day) for ref, _, day in listed(capsys, node.home)][:2] == [
        ("Zaak 42", "2026-03-02"), ("Zaak 42", "2026-04-12")]


def test_a_node_database_keyed_by_case_ref_alone_is_rekeyed_at_its_first_command(
        node, tmp_path, capsys):
    # as a node of before 2026-12-07 wrote it: one control per case_ref
    db = node.home / "node.db"
    db.unlink()
    conn = sqlite3.connect(db)
    conn.executescript("""
        CREATE TABLE sightings (case_ref TEXT PRIMARY KEY, sighting_uuid TEXT NOT NULL,
            observed_on TEXT NOT NULL, epoch INTEGER, encoded BLOB NOT NULL,
            content_digest BLOB NOT NULL, imported_at TEXT, synced_batch BLOB, synced_at TEXT);
        CREATE UNIQUE INDEX idx_sightings_sighting_uuid ON sightings (sighting_uuid);
        CREATE TABLE withdrawn_cases (case_ref TEXT PRIMARY KEY, observed_on TEXT NOT NULL,
            withdrawn_on TEXT NOT NULL);
        INSERT INTO withdrawn_cases VALUES ('Zaak 43', '2026-04-12', '2026-11-01');
    """)
    conn.close()
    write_csv(tmp_path / "first.csv", DOSSIER[:1])
    assert run("node", "import", "--home", node.home, tmp_path / "first.csv") == 0
    store = NodeStore(db)
    try:
        assert store.db["sightings"].pks == ["case_ref", "observed_on"]
        assert any(index.unique and index.columns == ["sighting_uuid"]
                   for index in store.db["sightings"].indexes)
    finally:
        store.close()
    capsys.readouterr()
    assert run("node", "import", "--home", node.home, tmp_path / "controls.csv") == 0
    out, err = capsys.readouterr()
    assert "imported 1, unchanged 1, rejected 0, skipped 1 withdrawn" in out
    assert "'Zaak 43' of 2026-04-12 was withdrawn on 2026-11-01" in err  # the old tombstone
    store = NodeStore(db)
    try:
        assert store.db["withdrawn_cases"].pks == ["case_ref", "observed_on"]
        assert store.dates_of("Zaak 42") == ["2026-03-01", "2026-04-12"]
    finally:
        store.close()
