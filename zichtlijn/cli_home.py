"""The `--home DIR` option of `zichtlijn hub`, `zichtlijn node` and `zichtlijn riec`."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from zichtlijn.errors import CliError


@dataclass(frozen=True)
class HomeOption:
    """`--home DIR`, else the directory in an environment variable."""

    role: str  # how help and errors name the directory: "hub", "node", "RIEC client"
    env: str

    def add_to(self, parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
        parser.add_argument(
            "--home", help=help_text or f"{self.role} home directory (default: ${self.env})")

    def path(self, args: argparse.Namespace) -> Path:
        home = args.home or os.environ.get(self.env)
        if not home:
            raise CliError(f"no {self.role} home: pass --home DIR or set {self.env}")
        return Path(home)
