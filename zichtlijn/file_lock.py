"""An exclusive lock on a file of a home, held by one process at a time.

An flock: the system drops it when the holding process ends, however it ends, so a lock
left behind never needs removing by hand. Used by `hub serve` (serve.lock) and by the
node's writing commands (node.lock).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_lock(path: Path) -> Iterator[int | None]:
    """The descriptor of `path` (made if missing, mode 0600) holding its lock, or None when
    another process holds it; the lock is dropped on leaving."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        yield fd
    finally:
        os.close(fd)


def is_held(path: Path) -> bool:
    """Does another process hold the lock of `path` now? Only looks: a missing file is
    nobody's lock and is not made (a status check in a home without a hub database made
    one), and a file it may only read will do (a monitoring account)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
