"""Only `node init` makes node.db: on a home whose node.db is gone every other node
command refuses in one line and makes nothing, rather than go on with an empty database
(its imports and sync state lost without a word, every control sent again under new
UUIDs at the next sync)."""

from __future__ import annotations

import pytest

from node.store import NodeStore
from tests.node_commands import ARGS, argv, node_commands
from zichtlijn import cli
from zichtlijn.database_file import DatabaseFileError

CONTROLS = ("case_ref,observed_on,given_names,surname\n"
            "E-1,2026-03-01,Ana,Zyxwvutsrqa\n")


def _init(home, pki, secret_file, *more: str) -> int:
    return cli.main(["node", "init", "--home", str(home), "--gemeente", "GM0363",
                     "--hub", "127.0.0.1:1", "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / "node-GM0363.pem"),
                     "--key", str(pki.root / "node-GM0363.key"),
                     "--secret", str(secret_file), *more])


@pytest.fixture()
def lost(tmp_path, pki, secret_file):
    """A node home that imported a control, then lost node.db (and its -wal, -shm)."""
    home = tmp_path / "node"
    assert _init(home, pki, secret_file) == 0
    (tmp_path / "januari.csv").write_text(CONTROLS)
    assert cli.main(["node", "import", "--home", str(home), str(tmp_path / "januari.csv")]) == 0
    for part in home.glob("node.db*"):
        part.unlink()
    return home


def test_every_node_command_is_listed():
    assert node_commands() == set(ARGS)


@pytest.mark.parametrize("command", sorted(ARGS), ids=" ".join)
def test_a_command_on_a_home_without_its_database_refuses_and_makes_nothing(
        command, lost, tmp_path, capsys):
    before = sorted(p.name for p in lost.iterdir())
    capsys.readouterr()
    assert cli.main(argv(command, lost, tmp_path / "januari.csv")) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"zichtlijn: {lost / 'node.db'} is missing: restore it from a backup "
                   "(README \"Restoring from a backup\") or, for a node that never synced, "
                   "run `zichtlijn node init --force` again\n")
    assert sorted(p.name for p in lost.iterdir()) == before
    assert not (lost / "node.db").exists()


def test_node_init_force_makes_a_new_database_as_the_refusal_says(lost, pki, secret_file,
                                                                 tmp_path, capsys):
    assert _init(lost, pki, secret_file, "--force") == 0
    capsys.readouterr()
    assert cli.main(["node", "import", "--home", str(lost), str(tmp_path / "januari.csv")]) == 0
    assert "imported 1, unchanged 0" in capsys.readouterr().out


def test_the_store_opens_a_database_and_makes_one_only_when_asked(tmp_path):
    path = tmp_path / "node.db"
    with pytest.raises(DatabaseFileError, match=r"node\.db is missing"):
        NodeStore(path)
    assert list(tmp_path.iterdir()) == []
    NodeStore(path, create=True).close()
    NodeStore(path).close()  # there now: opened
    assert path.is_file()
