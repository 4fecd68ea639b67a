"""The home directory an `init` command makes: its owner's alone."""

from __future__ import annotations

from pathlib import Path


def make_home(home: Path) -> None:
    """Create `home` (and missing parents) readable by its owner alone (0700), whatever
    the umask: it holds keys, key packages, databases and the map of case references to
    sighting UUIDs. A home that exists already keeps the mode the operator gave it."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
