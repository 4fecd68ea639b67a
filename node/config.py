"""A node's home directory: node.toml, node.db, TLS files and the key file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from zichtlijn.identity import GEMEENTE_CODE
from zichtlijn.transport import TlsFiles

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
    secret_file: Path
    epoch: int = 1
    batch_size: int = 500
    log_key: Path | None = None  # the hub's log.vkey: tree heads must be signed by it

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
            "\n[tls]\n"
            f'ca = "{self.tls.ca}"\n'
            f'cert = "{self.tls.cert}"\n'
            f'key = "{self.tls.key}"\n'
            "\n[keys]\n"
            f'secret_file = "{self.secret_file}"\n'
            + (f'\n[audit]\nlog_key = "{self.log_key}"\n' if self.log_key else "")
        )


def _resolve(home: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else home / path


def load_config(home: Path) -> NodeConfig:
    path = home / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"{path}: not a node home (run `zichtlijn node init` first)")
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
        tls = doc["tls"]
        config = NodeConfig(
            home=home,
            gemeente=str(doc["gemeente"]),
            hub=str(doc["hub"]),
            tls=TlsFiles(_resolve(home, tls["ca"]), _resolve(home, tls["cert"]),
                         _resolve(home, tls["key"])),
            secret_file=_resolve(home, doc["keys"]["secret_file"]),
            epoch=int(doc.get("epoch", 1)),
            batch_size=int(doc.get("batch_size", 500)),
            log_key=(_resolve(home, doc["audit"]["log_key"])
                     if "log_key" in doc.get("audit", {}) else None),
        )
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except KeyError as exc:
        raise ConfigError(f"{path}: missing setting {exc}") from None
    if not GEMEENTE.match(config.gemeente):
        raise ConfigError(f"{path}: gemeente must be a CBS code like GM0363")
    if not 1 <= config.batch_size <= 1000:
        raise ConfigError(f"{path}: batch_size must be within 1..1000")
    return config
