"""The hub fixes glibc's mmap threshold, so a night's freed arrays leave its memory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hub.allocator import OPERATOR_SETTING, return_large_frees

ROOT = Path(__file__).resolve().parent.parent

# Frees an 8 MiB array (glibc's own threshold rises past it), makes forty 2 MiB arrays,
# then a 512 KiB one after them at the top of the heap, frees the forty and prints how
# many MB of them are still resident.
FREED_BUT_RESIDENT = textwrap.dedent("""
    import sys
    import numpy as np
    from hub.allocator import return_large_frees

    def rss_mb():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status
                        if line.startswith("VmRSS:"))

    if sys.argv[1] == "hub":
        assert return_large_frees()
    big = np.ones(1 << 20)
    del big
    before = rss_mb()
    arrays = [np.ones(1 << 18) for _ in range(40)]
    top = np.ones(1 << 16)
    del arrays
    print(rss_mb() - before)
""")


def freed_but_resident_mb(how: str) -> float:
    env = {key: value for key, value in os.environ.items() if key != OPERATOR_SETTING}
    done = subprocess.run([sys.executable, "-c", FREED_BUT_RESIDENT, how], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return float(done.stdout)


def test_freed_arrays_go_back_to_the_system_with_the_hub_setting() -> None:
    assert freed_but_resident_mb("hub") < 10


def test_without_it_glibc_keeps_them_in_its_heap() -> None:
    # the case the setting is for: 80 MB freed, still resident
    assert freed_but_resident_mb("glibc-default") > 60


def test_the_operators_own_setting_wins(monkeypatch) -> None:
    monkeypatch.setenv(OPERATOR_SETTING, str(32 << 20))
    assert return_large_frees() is False
