"""One command at a time writes a node home: the lock `node.lock` in it.

Two commands that write node.db at once race between what one reads and what it writes:
two imports of one large file each found a control new and the second failed on the
first's row (`UNIQUE constraint failed`). So every command that writes
node.db or node.toml holds this lock (an flock, which the system drops when the process
ends, however it ends), and a second one refuses at once in one line naming the first, as
`hub serve` refuses a second one on its home (hub/admin_cli.py). Commands that only read
(`status`, `sightings`, `backup`, `alerts`, `witness-key`, and `lookup` unless it must
retire a key epoch: node/lookup_cli.py) take no lock: SQLite gives each a consistent
snapshot beside a writer, and an inspector's lookup at the door need not wait for a sync.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from node.config import load_config
from zichtlijn.errors import CliError
from zichtlijn.file_lock import exclusive_lock

LOCK_NAME = "node.lock"
# a holder writes its name right after taking the lock: wait at most 0.2 s for it
HOLDER_READS, HOLDER_WAIT_S = 20, 0.01


def busy_line(holder: str) -> str:
    """The refusal, naming the command holding the lock (`import 1234`) if it said."""
    command, _, pid = holder.strip().rpartition(" ")
    named = f" ({command}, pid {pid})" if command and pid.isdigit() else ""
    return f"another zichtlijn command is working on this node{named}; wait for it to finish"


@contextmanager
def working_on(home: Path, command: str) -> Iterator[None]:
    """Hold the home's lock as `command`; CliError at once when another command holds it."""
    with exclusive_lock(home / LOCK_NAME) as fd:
        if fd is None:
            raise CliError(busy_line(_holder(home / LOCK_NAME)))
        # who holds it, for the refusal of the next one: a command word and a number only
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{command} {os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # a holder that has left is not named


def _holder(path: Path) -> str:
    """What the holder wrote into the lock file. One that has just taken the lock writes
    its name a moment later, so an empty file is read again a few times first."""
    for _ in range(HOLDER_READS):
        holder = path.read_bytes()[:200].decode("utf-8", "replace")
        if holder.strip():
            return holder
        time.sleep(HOLDER_WAIT_S)
    return holder


def holding_lock(command: str, home_of: Callable[[argparse.Namespace], Path],
                 run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """`run` with the home's lock held throughout, for a command that writes node.db.

    The home is checked first (node.toml and node.db there), so a command refused for a
    missing database or a mistyped --home makes no lock file either."""
    def locked(args: argparse.Namespace) -> int:
        home = home_of(args)
        load_config(home)
        with working_on(home, command):
            return run(args)
    return locked
