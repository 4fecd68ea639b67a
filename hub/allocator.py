"""The hub's malloc setting: arrays over 1 MiB go back to the system when freed.

glibc, left to adjust itself, raises its mmap threshold to the largest block freed so
far (up to 32 MiB) and then serves such arrays from its heap, where what a night's
scoring freed stays resident: some 220 MB at a million sightings (README "National
scale, measured"). A fixed threshold keeps every large array in a mapping of its own,
unmapped on free. Set here, at the start of the hub's long-running commands, a hub gets
it however it is started (service unit, container, by hand); an operator's own
`MALLOC_MMAP_THRESHOLD_` in the environment wins.
"""

from __future__ import annotations

import ctypes
import os
import platform

MMAP_THRESHOLD = 1 << 20  # bytes
_M_MMAP_THRESHOLD = -3  # glibc <malloc.h>
OPERATOR_SETTING = "MALLOC_MMAP_THRESHOLD_"


def return_large_frees() -> bool:
    """Fix glibc's mmap threshold at `MMAP_THRESHOLD`. True when this call set it; False
    when the operator set it in the environment (glibc read it at start) or the C
    library is not glibc (musl and others keep their own policy)."""
    if OPERATOR_SETTING in os.environ or platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(None)  # the running process's own C library
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
