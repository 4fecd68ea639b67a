"""`zichtlijn demo` ends with a witnessed, exported and offline-verified audit log."""

from __future__ import annotations

import re

from zichtlijn.demo import run_demo


def test_demo_prints_the_final_signed_tree_head_and_verifies_the_log(tmp_path, capsys):
    run_demo(tmp_path / "demo", persons=30, seed=3)
    out = capsys.readouterr().out
    head = re.search(r"final signed tree head:\nzichtlijn/audit-log\n(\d+)\n[A-Za-z0-9+/=]{44}\n\n"
                     r"\u2014 zichtlijn/audit-log ", out)
    assert head, out
    size = int(head.group(1))
    assert f"verified: {size} entries, every check passed" in out
    # the first region's RIEC acknowledged its strongest alert, signed
    acknowledged = re.search(r"acknowledged (A-[0-9a-f]{10}) \(`zichtlijn riec ack`, signed", out)
    assert acknowledged, out
    assert "1 RIEC decisions, 1 RIEC-signed" in out
    assert f"settled    the first {size} entries (cosigned by 2 of 3" in out
    assert re.search(rf"cosigned tree head of size {size} as auditor/ap \(4 witnesses\)", out)
