"""What hub.toml, node.toml and riec.toml have in common: the `[tls]` table,
paths relative to the home directory, and one-line errors for a missing or
broken file."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from zichtlijn.transport import TlsFiles

Config = TypeVar("Config")


def resolve(home: Path, value: str) -> Path:
    """A configured path; a relative one is relative to the home directory."""
    path = Path(value)
    return path if path.is_absolute() else home / path


def tls_files(home: Path, table: dict[str, Any]) -> TlsFiles:
    return TlsFiles(resolve(home, table["ca"]), resolve(home, table["cert"]),
                    resolve(home, table["key"]))


def tls_toml(tls: TlsFiles) -> str:
    return (
        "\n[tls]\n"
        f'ca = "{tls.ca}"\n'
        f'cert = "{tls.cert}"\n'
        f'key = "{tls.key}"\n'
    )


def load_home_config(path: Path, role: str, command: str, error: type[ValueError],
                     build: Callable[[dict[str, Any]], Config]) -> Config:
    """`build` applied to the parsed file; a missing file, bad TOML or a
    missing key (KeyError in `build`) raise `error` naming the file."""
    if not path.is_file():
        raise error(f"{path}: not a {role} home (run `zichtlijn {command} init` first)")
    try:
        return build(tomllib.loads(path.read_text("utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc})") from None
    except KeyError as exc:
        raise error(f"{path}: missing setting {exc}") from None
