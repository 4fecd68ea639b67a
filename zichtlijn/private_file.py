"""Files only their owner may read, from their first byte on."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` with mode 0600, replacing a file there.

    Writing first and narrowing the mode after (`write_bytes`, then `chmod`) leaves the
    bytes readable by others in between under the usual umask; a private key or a
    passphrase must never be. The mode is set on the open descriptor before anything is
    written, so an existing file readable by others is narrowed while still empty."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
