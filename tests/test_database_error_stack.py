"""A database error past opening is one line; `-v` adds where it happened, the stack's
frames without the error's message (README "Commands")."""

from __future__ import annotations

import sqlite3

import pytest

from zichtlijn import cli

CONSTRAINT = "UNIQUE constraint failed: sightings.case_ref, sightings.observed_on"
CONTROLS = ("case_ref,observed_on,given_names,surname\n"
            "E-1,2026-03-01,Ana,Zyxwvutsrqa\n")


@pytest.fixture()
def home(tmp_path, pki, secret_file):
    home = tmp_path / "node"
    assert cli.main(["node", "init", "--home", str(home), "--gemeente", "GM0363",
                     "--hub", "127.0.0.1:1", "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / "node-GM0363.pem"),
                     "--key", str(pki.root / "node-GM0363.key"),
                     "--secret", str(secret_file)]) == 0
    return home


def test_v_shows_where_a_database_error_happened_without_its_message(home, tmp_path, monkeypatch,
                                                                      capsys):
    from node.store import NodeStore

    def add_many(self, rows):  # as the second of two imports met the first's row
        raise sqlite3.IntegrityError(CONSTRAINT)

    monkeypatch.setattr(NodeStore, "add_many", add_many)
    other = tmp_path / "februari.csv"
    other.write_text(CONTROLS.replace("E-1", "E-2"))
    line = ("zichtlijn: database error: UNIQUE constraint failed: sightings.case_ref, "
            "sightings.observed_on (run again with -v for where)\n")
    capsys.readouterr()
    assert cli.main(["node", "import", "--home", str(home), str(other)]) == 1
    assert capsys.readouterr().err == line
    assert cli.main(["-v", "node", "import", "--home", str(home), str(other)]) == 1
    err = capsys.readouterr().err
    stack, last = err[:-len(line)], err[-len(line):]
    assert last == line
    assert ", in cmd_import\n" in stack and ", in add_many\n" in stack
    assert "constraint failed" not in stack  # frames only (a message may quote personal data)
