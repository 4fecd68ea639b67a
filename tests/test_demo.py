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
