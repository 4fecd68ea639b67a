"""A node's home directory: node.toml, node.db, TLS files and the node's keys.

Keys come either from key packages (`[keys] key_packages`, the directory of
packages installed by `zichtlijn node init --key-package` and `zichtlijn node
keys install`; see node/epochs.py) or, for development set-ups only, from a
single-holder secret file (`[keys] secret_file`, `zichtlijn keys new`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zichtlijn.home_config import load_home_config, resolve, tls_files, tls_toml
from zichtlijn.identity import GEMEENTE_CODE
from zichtlijn.transport import TlsFiles
from zichtlijn.wire import DEFAULT_PURPOSES, PURPOSE_CODE

CONFIG_NAME = "node.toml"
DB_NAME = "node.db"
GEMEENTE = GEMEENTE_CODE


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class NodeConfig:
    home: Path
    gemeente: str
    hub: str
    tls: TlsFiles
    secret_file: Path | None = None  # development only: the node holds the master secret
    epoch: int = 1
    batch_size: int = 500
    key_packages: Path | None = None  # directory of installed key packages
    signals_file: Path | None = None  # the hub's signals.toml (None: the shipped one)
    log_key: Path | None = None  # the hub's log.vkey: tree heads must be signed by it
    # log keys the hub replaced (`node trust-log-key`): (vkey line, the largest tree size
    # this node verified under it, the most it is trusted for)
    retired_log_keys: tuple[tuple[str, int], ...] = ()
    # the lookup purposes this node sends: a word --purpose gives that is not one of them
    # stays here (a lower-case name looks like a code), so the list matches the hub's
    purposes: tuple[str, ...] = DEFAULT_PURPOSES

    @property
    def db_path(self) -> Path:
        return self.home / DB_NAME

    def to_toml(self) -> str:
        return (
            "# zichtlijn node configuration (written by `zichtlijn node init`)\n"
            f'gemeente = "{self.gemeente}"\n'
            f'hub = "{self.hub}"\n'
            f"epoch = {self.epoch}\n"
            f"batch_size = {self.batch_size}\n"
            + (f'signals_file = "{self.signals_file}"\n' if self.signals_file else "")
            + ("lookup_purposes = [" + ", ".join(f'"{p}"' for p in self.purposes) + "]\n"
               if self.purposes != DEFAULT_PURPOSES else "")
            + tls_toml(self.tls)
            + "\n[keys]\n"
            + (f'secret_file = "{self.secret_file}"\n' if self.secret_file else "")
            + (f'key_packages = "{self.key_packages}"\n' if self.key_packages else "")
            + (f'\n[audit]\nlog_key = "{self.log_key}"\n' if self.log_key else "")
            + ("retired_log_keys = [\n" + "".join(
                f'    {{ vkey = "{vkey}", up_to = {up_to} }},\n'
                for vkey, up_to in self.retired_log_keys) + "]\n"
               if self.log_key and self.retired_log_keys else "")
        )


def _optional_path(home: Path, table: dict, name: str) -> Path | None:
    value = table.get(name)
    return None if value is None else resolve(home, str(value))


def database_missing(path: Path) -> str:
    """Why a command refuses a home whose node.db is gone, and what to do (one line)."""
    return (f"{path} is missing: restore it from a backup (README \"Restoring from a "
            "backup\") or, for a node that never synced, run `zichtlijn node init --force` "
            "again")


def load_config(home: Path, database_required: bool = True) -> NodeConfig:
    """The node home's configuration. Its database must be there, unless
    `database_required` is False: `node init` made it, and a command that made a new empty
    one where it was lost would hide the loss (README "Restoring from a backup")."""
    def build(doc: dict[str, Any]) -> NodeConfig:
        tls = doc["tls"]
        return NodeConfig(
            home=home,
            gemeente=str(doc["gemeente"]),
            hub=str(doc["hub"]),
            tls=tls_files(home, tls),
            secret_file=_optional_path(home, doc["keys"], "secret_file"),
            epoch=int(doc.get("epoch", 1)),
            batch_size=int(doc.get("batch_size", 500)),
            key_packages=_optional_path(home, doc["keys"], "key_packages"),
            signals_file=(resolve(home, doc["signals_file"]) if "signals_file" in doc
                          else None),
            log_key=(resolve(home, doc["audit"]["log_key"])
                     if "log_key" in doc.get("audit", {}) else None),
            retired_log_keys=tuple((str(r["vkey"]), int(r["up_to"]))
                                   for r in doc.get("audit", {}).get("retired_log_keys", [])),
            purposes=tuple(doc.get("lookup_purposes", DEFAULT_PURPOSES)),
        )

    path = home / CONFIG_NAME
    config = load_home_config(path, "node", "node", ConfigError, build)
    if (config.secret_file is None) == (config.key_packages is None):
        raise ConfigError(f"{path}: [keys] needs exactly one of secret_file, key_packages")
    if not GEMEENTE.match(config.gemeente):
        raise ConfigError(f"{path}: gemeente must be a CBS code like GM0363")
    if not 1 <= config.batch_size <= 1000:
        raise ConfigError(f"{path}: batch_size must be within 1..1000")
    if not config.purposes or not all(isinstance(p, str) and PURPOSE_CODE.match(p)
                                      for p in config.purposes):
        raise ConfigError(f"{path}: lookup_purposes must be a non-empty list of purpose codes "
                          "(one short lower-case word each), as hub.toml [lookup] purposes")
    if database_required and not config.db_path.exists():
        raise ConfigError(database_missing(config.db_path))
    return config
