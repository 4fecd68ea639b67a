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
    out = tmp_path / "clusters.csv"
    run_demo(tmp_path / "demo", persons=0, seed=0,
             inputs={code: files[code] for code in ("GM0014", "GM0518")}, clusters_out=out)
    rows = list(csv.DictReader(out.open()))
    assert rows and list(rows[0]) == ["person_id", "gemeente", "sighting_uuid", "observed_on"]
    assert len(rows) == sum(len(r) for r in data.rows_by_gemeente.values())
    assert {r["gemeente"] for r in rows} == {"GM0014", "GM0518"}
    shown = capsys.readouterr().out
    assert "precision" not in shown  # no truth for given files
    assert shown.count(" persons from ") == 1  # the operator's summary line, once


def test_demo_stops_with_one_line_naming_a_refused_file(tmp_path):
    import pytest

    from zichtlijn.errors import CliError

    bad = tmp_path / "bad.csv"
    bad.write_text("case_ref,observed_on,voornaam,surname\nA-1,2026-03-01,Ana,Pop\n")
    with pytest.raises(CliError) as caught:
        run_demo(tmp_path / "demo", persons=0, seed=0, inputs={"GM0014": bad})
    assert str(caught.value).startswith(
        "`zichtlijn node import` failed: bad.csv: line 1: unknown column(s): voornaam")
    assert _children_of(os.getpid()) == []
