"""One command at a time writes a node home (node/home_lock.py): a second writer refuses
at once in one line naming the first, and readers go on."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.keytools import make_epoch
from tests.lookup_support import ELENA, write_json
from tests.node_commands import ARGS, argv
from tests.test_node_keys_cli import init_args
from zichtlijn import cli

ROOT = Path(__file__).resolve().parents[1]
CONTROLS = ("case_ref,observed_on,given_names,surname\n"
            "E-1,2026-03-01,Ana,Zyxwvutsrqa\n")
WRITERS = {("import",), ("sync",), ("recover",), ("witness",), ("trust-log-key",),
           ("keys", "install"), ("keys", "retire"), ("withdraw",), ("correct",), ("purge",)}
# lookup reads unless it must retire a key epoch: test_a_lookup_takes_the_lock_only_...
READERS = {("sightings",), ("status",), ("backup",), ("witness-key",), ("alerts",),
           ("lookup",)}
HOLDER = """\
import sys
from pathlib import Path
from node.home_lock import working_on
with working_on(Path(sys.argv[1]), sys.argv[2]):
    print("held", flush=True)
    sys.stdin.read()
"""


def _init(home: Path, pki, secret_file, *more: str) -> list[str]:
    return ["node", "init", "--home", str(home), "--gemeente", "GM0363",
            "--hub", "127.0.0.1:1", "--ca", str(pki.root / "ca.pem"),
            "--cert", str(pki.root / "node-GM0363.pem"),
            "--key", str(pki.root / "node-GM0363.key"), "--secret", str(secret_file), *more]


@pytest.fixture()
def home(tmp_path, pki, secret_file) -> Path:
    home = tmp_path / "node"
    assert cli.main(_init(home, pki, secret_file)) == 0
    (tmp_path / "januari.csv").write_text(CONTROLS)
    assert cli.main(["node", "import", "--home", str(home), str(tmp_path / "januari.csv")]) == 0
    return home


class Holder:
    """Another process holding the home's lock as `command`, as a long import would."""

    def __init__(self, home: Path, command: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(home), command],
                                        cwd=ROOT, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline() == "held\n"
        self.pid = self.process.pid

    def release(self) -> None:
        self.process.communicate("")
        assert self.process.returncode == 0


@pytest.fixture()
def held(home) -> Iterator[Holder]:
    holder = Holder(home, "import")
    try:
        yield holder
    finally:
        holder.release()


def _listing(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "node.db") as conn:
        return conn.execute("SELECT case_ref, sighting_uuid, observed_on, synced_at "
                            "FROM sightings").fetchall()


def busy(pid: int, command: str = "import") -> str:
    return (f"zichtlijn: another zichtlijn command is working on this node ({command}, pid "
            f"{pid}); wait for it to finish\n")


def test_every_node_command_is_a_writer_or_a_reader():
    assert set(ARGS) == WRITERS | READERS and not WRITERS & READERS


@pytest.mark.parametrize("command", sorted(WRITERS), ids=" ".join)
def test_a_writing_command_refuses_at_once_while_another_works_on_the_node(
        command, home, held, tmp_path, capsys):
    before = _listing(home)
    # a correction reads the identity first and takes the lock to write it (test below)
    given = write_json(tmp_path, ELENA) if command == ("correct",) else tmp_path / "januari.csv"
    capsys.readouterr()
    assert cli.main(argv(command, home, given)) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", busy(held.pid))
    assert _listing(home) == before


def test_node_init_force_refuses_too(home, held, pki, secret_file, capsys):
    toml = (home / "node.toml").read_text()
    capsys.readouterr()
    assert cli.main(_init(home, pki, secret_file, "--force")) == 1
    assert capsys.readouterr().err == busy(held.pid)
    assert (home / "node.toml").read_text() == toml


def test_reading_commands_run_beside_a_writer(home, held, tmp_path, capsys):
    for command in (["sightings"], ["status"], ["witness-key"],
                    ["backup", "--out", str(tmp_path / "copy.db")]):
        capsys.readouterr()
        assert cli.main(["node", command[0], "--home", str(home), *command[1:]]) == 0, command
    assert "1 sightings, 1 not yet synced" in cli_output(home, capsys, "sightings")


def cli_output(home: Path, capsys, *command: str) -> str:
    capsys.readouterr()
    assert cli.main(["node", *command, "--home", str(home)]) == 0
    return capsys.readouterr().out


def test_the_lock_is_free_again_when_its_holder_ends_however_it_ends(home, tmp_path, capsys):
    holder = Holder(home, "sync")
    holder.process.kill()  # no clean exit: the system drops an flock with its process
    holder.process.wait()
    capsys.readouterr()
    assert cli.main(["node", "purge", "--home", str(home)]) == 0
    assert (home / "node.lock").read_text() == ""  # and the next holder left no name


def test_two_imports_of_one_large_file_at_once_store_each_control_once(home, tmp_path):
    # the tester's report: the second ended in `UNIQUE constraint failed` (exit 1)
    rows = "".join(f"L-{k},2026-03-01,Ana,Zyxwvutsrq{chr(97 + k % 26)}\n" for k in range(3000))
    large = tmp_path / "large.csv"
    large.write_text("case_ref,observed_on,given_names,surname\n" + rows)
    command = [sys.executable, "-m", "zichtlijn.cli", "node", "import", "--home", str(home),
               str(large)]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    said = [(run.wait(), *run.communicate()) for run in runs]
    for code, out, err in said:
        assert code == 0 or (out == "" and err.startswith(
            "zichtlijn: another zichtlijn command is working on this node (import, pid ")
            and err.count("\n") == 1), (code, err)
    assert any(code == 0 for code, _, _ in said)
    stored = [case_ref for case_ref, *_ in _listing(home)]
    assert len(stored) == len(set(stored)) == 3001


def test_status_beside_an_import_never_shows_more_unsynced_than_held(home, tmp_path,
                                                                      capsys):
    """It read the two counts apart and showed `20000 (21000 not yet synced)` while an
    import wrote; one statement is one snapshot."""
    import re

    rows = "".join(f"S-{k},2026-03-01,Ana,Zyxwvutsrq{chr(97 + k % 26)}\n" for k in range(6000))
    large = tmp_path / "large.csv"
    large.write_text("case_ref,observed_on,given_names,surname\n" + rows)
    importing = subprocess.Popen([sys.executable, "-m", "zichtlijn.cli", "node", "import",
                                  "--home", str(home), str(large)], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shown = []
    while importing.poll() is None:
        out = cli_output(home, capsys, "status")
        held, unsynced = map(int, re.search(r"sightings  (\d+) \((\d+) not yet", out).groups())
        shown.append((held, unsynced))
    assert importing.wait() == 0
    assert shown and all(unsynced <= held for held, unsynced in shown), shown
    assert "sightings  6001 (6001 not yet synced" in cli_output(home, capsys, "status")


@pytest.fixture(scope="module")
def kits(pki):
    return {e: make_epoch(pki, e, ["GM0363"]) for e in (1, 2)}


def test_a_lookup_takes_the_lock_only_to_retire_an_ended_overlap(tmp_path, pki, kits, capsys):
    packages = {}
    for epoch, kit in kits.items():
        packages[epoch] = tmp_path / f"GM0363-epoch{epoch}.keys"
        packages[epoch].write_bytes(kit.packages["GM0363"])
    assert cli.main(init_args(tmp_path, pki, packages[1])) == 0
    home = tmp_path / "node"
    assert cli.main(["node", "keys", "install", "--home", str(home),
                     "--package", str(packages[2])]) == 0
    lookup = ["node", "lookup", "--home", str(home), "--purpose", "controle", "--timeout", "1",
              "--from-json", str(write_json(tmp_path, ELENA))]
    unreachable = "zichtlijn: hub 127.0.0.1:1 unreachable"
    holder = Holder(home, "sync")
    try:
        capsys.readouterr()  # during the overlap it only reads: on to the hub (none here)
        assert cli.main(lookup) == 1
        assert capsys.readouterr().err.startswith(unreachable)
        with sqlite3.connect(home / "node.db") as conn:  # the overlap has ended since
            conn.execute("UPDATE key_epochs SET overlap_until = ? WHERE epoch = 1",
                         [(dt.date.today() - dt.timedelta(days=1)).isoformat()])
        capsys.readouterr()
        assert cli.main(lookup) == 1
        assert capsys.readouterr().err == busy(holder.pid, "sync")
    finally:
        holder.release()
    assert cli.main(lookup) == 1  # free: it retires epoch 1, then asks the hub
    assert capsys.readouterr().err.startswith(unreachable)
    assert "1 retired on" in cli_output(home, capsys, "status")


class TypedSlowly:
    """stdin of someone still typing the correction: while it is read, another command
    takes the home's lock (a nightly sync would); then the JSON arrives."""

    def __init__(self, home: Path, text: str) -> None:
        self.home, self.text, self.lock_was_free = home, text, None
        self.buffer = self

    def read(self, _size: int = -1) -> bytes:
        from zichtlijn.file_lock import exclusive_lock
        with exclusive_lock(self.home / "node.lock") as fd:
            self.lock_was_free = fd is not None
        return self.text.encode()


def test_a_correction_holds_the_lock_only_after_the_identity_is_typed(home, monkeypatch,
                                                                       capsys):
    typing = TypedSlowly(home, '{"given_names": "Ana", "surname": "Zyxwvutsrqb"}')
    monkeypatch.setattr(sys, "stdin", typing)
    capsys.readouterr()
    assert cli.main(["node", "correct", "E-1", "--home", str(home), "--from-json", "-",
                     "--timeout", "1"]) == 0
    assert typing.lock_was_free is True
    # then it took the lock and replaced the sighting (never synced: no hub to ask)
    assert capsys.readouterr().out.startswith("corrected E-1 ")
    assert (home / "node.lock").read_text() == ""
