"""`zichtlijn demo` runs end to end with real processes and cleans up after itself."""

from __future__ import annotations

import os

from zichtlijn.demo import run_demo


def _children_of(pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.append(int(entry))
    return children


def test_demo_links_across_three_nodes_and_stops_every_process(tmp_path, capsys):
    f1 = run_demo(tmp_path / "demo", persons=80, seed=7)
    out = capsys.readouterr().out
    assert "hub serving on 127.0.0.1:" in out
    assert out.count("synced") == 3
    assert "precision" in out and "recall" in out
    assert "at the door in Utrecht" in out and "seen before: " in out
    assert f1 >= 0.9
    assert _children_of(os.getpid()) == []


def test_demo_links_given_csv_files_and_writes_the_clusters(tmp_path, capsys):
    import csv
    import datetime as dt

    from zichtlijn.synth import generate, write_csvs

    # controls of 2023: past a deployment's 18 months, linked all the same by the demo
    data = generate(5, ["GM0014", "GM0518"], seed=3, start=dt.date(2023, 3, 1))
    files = write_csvs(data, tmp_path / "in")
    first = files["GM0014"]
    rows = list(csv.DictReader(first.open(encoding="utf-8")))
    # a code the shipped catalogue lacks and a surname typed in the column (until
    # 2026-12-07 both were added to the demo's catalogue, and so sent to the hub)
    rows[0]["signals"] = "unlicensed;eigen_code Zyxwvutsrqa"
    with first.open("w", encoding="utf-8", newline="") as out_file:
        writer = csv.DictWriter(out_file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "clusters.csv"
    run_demo(tmp_path / "demo", persons=0, seed=0,
             inputs={code: [files[code]] for code in ("GM0014", "GM0518")}, clusters_out=out)
    rows = list(csv.DictReader(out.open()))
    assert rows and list(rows[0]) == ["person_id", "gemeente", "sighting_uuid", "observed_on"]
    assert len(rows) == sum(len(r) for r in data.rows_by_gemeente.values())
    assert {r["gemeente"] for r in rows} == {"GM0014", "GM0518"}
    shown = capsys.readouterr().out
    assert "precision" not in shown  # no truth for given files
    assert "with the shipped signal catalogue" in shown
    assert ("signals: 2 code(s) not in the signal catalogue left out (not sent)" in shown)
    assert "zyxwvutsrqa" not in shown.lower() and "eigen_code" not in shown
    catalogue = (tmp_path / "demo" / "alerts" / "signals.toml").read_text("utf-8")
    assert "eigen_code" not in catalogue and "zyxwvutsrqa" not in catalogue
    assert "    landelijk:\n" in shown  # the one region of every given gemeente
    assert shown.count(" persons from ") == 1  # the operator's summary line, once


def test_demo_takes_two_files_of_one_gemeente_and_audits_with_its_one_witness(tmp_path,
                                                                            capsys):
    import csv
    import datetime as dt

    from zichtlijn import cli
    from zichtlijn.synth import generate, write_csvs

    data = generate(3, ["GM0014"], seed=4, start=dt.date(2025, 9, 1))
    rows = list(csv.DictReader(write_csvs(data, tmp_path / "in")["GM0014"].open()))
    halves = []
    for k, part in enumerate((rows[: len(rows) // 2], rows[len(rows) // 2:])):
        halves.append(tmp_path / f"part{k}.csv")
        with halves[-1].open("w", newline="") as out_file:
            writer = csv.DictWriter(out_file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(part)
    clusters = tmp_path / "clusters.csv"
    assert cli.main(["demo", "--dir", str(tmp_path / "demo"), "--clusters-out", str(clusters),
                     f"--csv=gm0014={halves[0]}", f"--csv=GM0014={halves[1]}"]) == 0
    assert len(list(csv.DictReader(clusters.open()))) == len(rows)  # both files, every row
    shown = capsys.readouterr().out
    assert "1 witness key(s) obtained out of band; quorum 1" in shown
    assert "verified: " in shown and "every check passed" in shown
    assert _children_of(os.getpid()) == []


def test_demo_takes_one_export_of_several_gemeenten_by_its_gemeente_column(tmp_path,
                                                                          capsys):
    import csv
    import datetime as dt

    from zichtlijn import cli
    from zichtlijn.synth import generate, write_csvs

    data = generate(4, ["GM0014", "GM0518"], seed=5, start=dt.date(2025, 9, 1))
    combined = tmp_path / "all.csv"
    with combined.open("w", newline="", encoding="utf-8") as out_file:
        writer = None
        for code, path in write_csvs(data, tmp_path / "in").items():
            if code == "truth":
                continue
            for row in csv.DictReader(path.open(encoding="utf-8")):
                if writer is None:
                    writer = csv.DictWriter(out_file, fieldnames=["gemeente", *row])
                    writer.writeheader()
                writer.writerow({"gemeente": code.removeprefix("GM"), **row})  # "0014"
    clusters = tmp_path / "clusters.csv"
    assert cli.main(["demo", "--dir", str(tmp_path / "demo"), "--clusters-out", str(clusters),
                     "--csv", str(combined)]) == 0
    rows = list(csv.DictReader(clusters.open()))
    assert len(rows) == sum(len(r) for r in data.rows_by_gemeente.values())
    assert {r["gemeente"] for r in rows} == {"GM0014", "GM0518"}  # each row once, its own
    shown = capsys.readouterr().out
    assert "skipped " in shown and " of other municipalities (GM0518 " in shown


def test_a_file_refused_whole_is_named_at_the_end_and_the_rest_is_linked(tmp_path):
    """An unknown column refuses a file whole (DESIGN §10). The other files are linked
    and their clusters written all the same: nothing accepted is lost to one bad file;
    the run then ends with one line naming it, a non-zero exit."""
    import csv

    import pytest

    from zichtlijn.errors import CliError

    bad = tmp_path / "bad.csv"
    bad.write_text("case_ref,observed_on,voornaam,surname\nA-1,2026-03-01,Ana,Pop\n")
    good = tmp_path / "good.csv"
    good.write_text("case_ref,observed_on,given_names,surname,date_of_birth\n"
                    "G-1,2026-03-01,Zamfira,Vulpescu,14-03-1998\n"
                    "G-2,2026-04-01,Zamfira,Vulpescu,14-03-1998\n")
    out = tmp_path / "clusters.csv"
    with pytest.raises(CliError) as caught:
        run_demo(tmp_path / "demo", persons=0, seed=0,
                 inputs={"GM0014": [bad], "GM0599": [good]}, clusters_out=out)
    assert str(caught.value).startswith(
        "1 file(s) refused whole, not in the clusters (the other files are): bad.csv "
        "(GM0014): bad.csv: line 1: unknown column(s): voornaam")
    linked = list(csv.DictReader(out.open()))
    assert len(linked) == 2 and {row["gemeente"] for row in linked} == {"GM0599"}
    assert _children_of(os.getpid()) == []


def test_demo_reads_a_files_gemeente_as_a_gemeente_column_does(tmp_path, monkeypatch, capsys):
    from zichtlijn import cli, demo

    given = tmp_path / "a.csv"
    given.write_text("case_ref,observed_on,given_names,surname\nA-1,2026-03-01,Ana,Pop\n")
    seen: list[dict] = []
    monkeypatch.setattr(demo, "run_demo", lambda *args: seen.append(args[4]))
    for written in ("GM0363", "gm0363", "0363", "363"):
        assert cli.main(["demo", "--csv", f"{written}={given}"]) == 0
    assert seen == [{"GM0363": [given.resolve()]}] * 4
    assert cli.main(["demo", "--csv", f"Amsterdam={given}"]) != 0
    assert capsys.readouterr().err.strip().endswith("expected GMxxxx=FILE")


def test_the_alert_configuration_for_given_files_has_the_shipped_catalogue(tmp_path):
    from hub.alerts.config import load_alert_config
    from zichtlijn import demo_alerts
    from zichtlijn.demo import EXAMPLE_ALERTS
    from zichtlijn.signal_catalogue import shipped_signals

    demo_alerts.write_config(tmp_path / "alerts", EXAMPLE_ALERTS, ["GM0014", "GM9999"])
    config = load_alert_config(tmp_path / "alerts")
    assert config.signals == shipped_signals()
    assert config.regions.region_of("GM9999") == demo_alerts.REGION


def test_demo_takes_a_signal_catalogue_of_the_users_own(tmp_path, capsys):
    """A town's own codes reach the alerts when its catalogue lists them; the words it does
    not list are still left out."""
    import sqlite3

    from zichtlijn import cli

    catalogue = tmp_path / "signals.toml"
    catalogue.write_text("[signals.eigen_code]\nweight = 2.0\nnl = \"eigen\"\n"
                         "[signals.unlicensed]\nweight = 1.0\n", "utf-8")
    data = tmp_path / "in.csv"
    data.write_text("case_ref,observed_on,given_names,surname,signals\n"
                    "A-1,2026-03-01,Ana,Pop,eigen_code Zyxwvutsrqa\n", "utf-8")
    assert cli.main(["demo", "--dir", str(tmp_path / "demo"), "--csv", f"GM0014={data}",
                     "--signals", str(catalogue)]) == 0
    shown = capsys.readouterr().out
    assert f"with the signal catalogue {catalogue}" in shown
    assert "signals: 1 code(s) not in the signal catalogue left out" in shown
    with sqlite3.connect(tmp_path / "demo" / "hub" / "hub.db") as conn:
        assert conn.execute("SELECT signals FROM sightings").fetchall() == [("eigen_code",)]
    conn.close()
    assert cli.main(["demo", "--signals", str(catalogue)]) == 1
    assert "--signals goes with --csv" in capsys.readouterr().err
    catalogue.write_text("[signals.Not-A-Code]\nweight = 1.0\n", "utf-8")
    assert cli.main(["demo", "--dir", str(tmp_path / "demo2"), "--csv", f"GM0014={data}",
                     "--signals", str(catalogue)]) == 1
    assert not (tmp_path / "demo2").exists()


def _controls(rows: list[str]) -> str:
    return "case_ref,observed_on,given_names,surname,phone\n" + "".join(
        f"{row}\n" for row in rows)


def test_demo_reads_each_file_in_its_encoding_and_shows_what_the_import_said(tmp_path,
                                                                             capsys):
    """A UTF-8 file and a Windows-1252 file in one run; the second's refusals (ten shown,
    the rest counted), notes and counts are shown, and the run ends saying what is out."""
    import csv

    from zichtlijn import cli

    utf8 = tmp_path / "amsterdam.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + _controls(
        ["A-1,2026-03-01,Zoë,Pop,0612345678", "A-2,2026-03-02,Ana,Pop,"]).encode("utf-8"))
    rows = [f"R-{k},2026-03-0{1 + k % 2},Renée,Pop,bel na 5" for k in range(4)]  # noted
    rows += [f"X-{k},gisteren,Ana,Pop," for k in range(12)]  # no date: refused
    cp1252 = tmp_path / "rotterdam.csv"
    cp1252.write_bytes(_controls(rows).encode("cp1252"))
    clusters = tmp_path / "clusters.csv"
    assert cli.main(["demo", "--dir", str(tmp_path / "demo"), "--clusters-out", str(clusters),
                     f"--csv=GM0363={utf8}", f"--csv=GM0599={cp1252}"]) == 0
    linked = list(csv.DictReader(clusters.open()))
    assert sorted(r["gemeente"] for r in linked) == ["GM0363"] * 2 + ["GM0599"] * 4
    shown = capsys.readouterr().out
    assert "amsterdam.csv: imported 2, unchanged 0, rejected 0;" in shown
    assert "amsterdam.csv (read as" not in shown
    assert ("rotterdam.csv (read as windows-1252: its bytes are not UTF-8): imported 4, "
            "unchanged 0, rejected 12; 4 kept with a note") in shown
    assert shown.count("(row refused)") == 10
    assert ("    rotterdam.csv: ... and 2 more refused (run `zichtlijn node import` on the "
            "file to see all)\n") in shown
    assert shown.count("phone: unexpected characters") == 4  # three notes, then the count
    assert "1 more row(s) like this, lines 5 to 5" in shown
    assert "Renée" not in shown and "bel na" not in shown  # never a value
    assert shown.rstrip().splitlines()[-1] == (
        "==> 12 row(s) refused at import are not in the clusters: rotterdam.csv 12 (GM0599); "
        "each file's refusals are shown above")


def test_auto_reads_utf8_when_the_bytes_are_and_windows_1252_otherwise(tmp_path):
    import pathlib

    from zichtlijn.demo import AUTO, file_encoding

    def written(name: str, data: bytes) -> pathlib.Path:
        (tmp_path / name).write_bytes(data)
        return tmp_path / name

    header = b"case_ref,observed_on,given_names,surname\n"
    plain = written("plain.csv", header + b"A-1,2026-03-01,Ana,Pop\n")
    bom = written("bom.csv", b"\xef\xbb\xbf" + header + "A-1,2026-03-01,Zoë,Pop\n".encode())
    ansi = written("ansi.csv", header + "A-1,2026-03-01,Zoë,Pop\n".encode("cp1252"))
    # UTF-8 letters and one broken byte: UTF-8, whose broken row the import refuses by name
    broken = written("broken.csv", header + "A-1,2026-03-01,Zoë,P\xf6p\n".encode() + b"\xff\n")
    utf16 = written("utf16.csv", (header.decode() + "A-1,2026-03-01,Zoë,Pop\n").encode("utf-16"))
    assert [file_encoding(path, AUTO) for path in (plain, bom, ansi, broken, utf16)] == [
        "utf-8", "utf-8", "windows-1252", "utf-8", "utf-8"]
    assert file_encoding(ansi, "utf-8") == "utf-8"  # said: applies to every file
    assert file_encoding(bom, "windows-1252") == "windows-1252"
