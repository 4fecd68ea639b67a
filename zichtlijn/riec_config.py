"""A RIEC client's home directory: riec.toml (hub address, certificate) and watch.cursor."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zichtlijn.home_config import load_home_config, tls_files, tls_toml
from zichtlijn.transport import TlsFiles

CONFIG_NAME = "riec.toml"
CURSOR_NAME = "watch.cursor"


class RiecConfigError(ValueError):
    pass


@dataclass(frozen=True)
class RiecConfig:
    home: Path
    hub: str
    tls: TlsFiles

    def to_toml(self) -> str:
        return (
            "# zichtlijn RIEC client configuration (written by `zichtlijn riec init`)\n"
            f'hub = "{self.hub}"\n'
            + tls_toml(self.tls)
        )


def load_config(home: Path) -> RiecConfig:
    def build(doc: dict[str, Any]) -> RiecConfig:
        tls = doc["tls"]
        return RiecConfig(home, str(doc["hub"]), tls_files(home, tls))

    return load_home_config(home / CONFIG_NAME, "RIEC client", "riec", RiecConfigError, build)


class CursorFile:
    """The last alert change this client has processed, kept across runs.

    Written by rename after each change is handled, so a crash leaves the old
    or the new cursor, never half of one: at most the one change being
    handled is shown again, none is skipped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> int:
        if not self.path.exists():
            return 0
        text = self.path.read_text("utf-8").strip()
        if not text.isdigit():
            raise RiecConfigError(f"{self.path}: not a cursor (expected a number); "
                                  "remove it to start from the first change")
        return int(text)

    def write(self, cursor: int) -> None:
        partial = self.path.with_suffix(".partial")
        # the region's own file, as its decisions journal is
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(f"{cursor}\n")
        os.replace(partial, self.path)
