"""`zichtlijn demo --dir` removes only a directory an earlier demo made (its marker) and
refuses any other non-empty one, and one holding a --csv file, before anything happens."""

from __future__ import annotations

import pytest

from zichtlijn import cli
from zichtlijn.demo_workdir import MARKER, claim_workdir
from zichtlijn.errors import CliError

CONTROLS = ("case_ref,observed_on,given_names,surname\n"
            "E-1,2026-03-01,Ana,Zyxwvutsrqa\n")


def _tree(directory):
    return sorted((str(p.relative_to(directory)), p.read_bytes() if p.is_file() else None)
                  for p in directory.rglob("*"))


def _demo(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["demo", *args])
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before the first step
    return code, captured.err


def test_a_directory_holding_the_csv_input_is_refused_and_kept_whole(tmp_path, capsys,
                                                                      monkeypatch):
    # the tester's report: this wiped exports/, the input file with it
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "notes.txt").write_text("x\n")
    (exports / "januari.csv").write_text(CONTROLS)
    before = _tree(exports)
    code, err = _demo(capsys, "--dir", "exports", "--csv", "GM0363=exports/januari.csv")
    assert code == 1
    assert err == (f"zichtlijn: --dir exports: holds the --csv file {exports / 'januari.csv'}, "
                   "which the demo would delete with the directory; give a new or empty "
                   "directory outside the files it is given\n")
    assert _tree(exports) == before


def test_a_directory_the_demo_did_not_make_is_refused_and_kept_whole(tmp_path, capsys,
                                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "januari.csv").write_text(CONTROLS)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "notes.txt").write_text("x\n")
    code, err = _demo(capsys, "--dir", "exports", "--csv", "GM0363=januari.csv")
    assert code == 1
    assert err == ("zichtlijn: --dir exports: exists and is not a directory made by "
                   "zichtlijn demo; give a new or empty directory\n")
    assert _tree(exports) == [("notes.txt", b"x\n")]


def test_the_working_directory_is_refused_and_kept_whole(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("x\n")
    code, err = _demo(capsys, "--dir", ".")  # synthetic data: no --csv at all
    assert code == 1
    assert "--dir .: exists and is not a directory made by zichtlijn demo" in err
    assert _tree(tmp_path) == [("notes.txt", b"x\n")]


def test_a_file_given_as_dir_is_refused(tmp_path, capsys):
    given = tmp_path / "januari.csv"
    given.write_text(CONTROLS)
    code, err = _demo(capsys, "--dir", str(given), "--csv", f"GM0363={given}")
    assert code == 1
    assert err.endswith(": exists and is not a directory; give a new or empty directory\n")
    assert given.read_text() == CONTROLS


def test_a_directory_the_demo_made_is_replaced_on_the_next_run(tmp_path):
    workdir = claim_workdir(tmp_path / "demo-run")
    assert (workdir / MARKER).is_file()
    (workdir / "hub").mkdir()
    (workdir / "hub" / "hub.db").write_bytes(b"the last run's")
    assert claim_workdir(tmp_path / "demo-run") == workdir
    assert _tree(workdir) == [(MARKER, (workdir / MARKER).read_bytes())]


def test_an_empty_directory_is_used_as_it_is(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o700)
    assert claim_workdir(empty) == empty
    assert [p.name for p in empty.iterdir()] == [MARKER]
    assert empty.stat().st_mode & 0o777 == 0o700  # the user's directory, not a new one


def test_a_demo_directory_holding_an_input_is_refused_even_through_a_link(tmp_path):
    workdir = claim_workdir(tmp_path / "demo-run")
    inside = workdir / "januari.csv"
    inside.write_text(CONTROLS)
    link = tmp_path / "januari.csv"
    link.symlink_to(inside)  # a --csv that only points into the directory
    for given in (inside, link):
        with pytest.raises(CliError, match="holds the --csv file"):
            claim_workdir(tmp_path / "demo-run", [given])
    assert inside.read_text() == CONTROLS
    # and a link to the demo's directory is that directory
    (tmp_path / "run-link").symlink_to(workdir)
    with pytest.raises(CliError, match="holds the --csv file"):
        claim_workdir(tmp_path / "run-link", [inside])
    assert inside.read_text() == CONTROLS


def test_a_demo_directory_holding_the_signal_catalogue_or_the_clusters_file_is_refused(
        tmp_path, capsys, monkeypatch):
    """The reviewer's path: edit the catalogue the demo wrote, run again with it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text(CONTROLS)
    workdir = claim_workdir(tmp_path / "drun")
    catalogue = workdir / "alerts" / "signals.toml"
    catalogue.parent.mkdir()
    catalogue.write_text("[signals.loverboy]\nweight = 2.0\n")
    code, err = _demo(capsys, "--dir", "drun", "--csv", "GM0363=a.csv", "--signals",
                      "drun/alerts/signals.toml")
    assert code == 1 and "holds the --signals file" in err
    assert catalogue.read_text() == "[signals.loverboy]\nweight = 2.0\n"
    code, err = _demo(capsys, "--dir", "drun", "--csv", "GM0363=a.csv", "--clusters-out",
                      "drun/out/c.csv")
    assert code == 1 and "holds the --clusters-out file" in err
    assert catalogue.is_file()  # nothing removed
