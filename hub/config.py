"""The hub's home directory: hub.toml and hub.db (no linkage key, ever)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from zichtlijn.transport import TlsFiles

CONFIG_NAME = "hub.toml"
DB_NAME = "hub.db"


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class HubConfig:
    home: Path
    listen: str
    tls: TlsFiles
    workers: int = 32
    alerts: Path | None = None  # directory of regions.toml, signals.toml, rules.toml

    @property
    def db_path(self) -> Path:
        return self.home / DB_NAME

    def to_toml(self) -> str:
        return (
            "# zichtlijn hub configuration (written by `zichtlijn hub init`)\n"
            f'listen = "{self.listen}"\n'
            f"workers = {self.workers}\n"
            + (f'alerts = "{self.alerts}"\n' if self.alerts else "")
            + "\n[tls]\n"
            f'ca = "{self.tls.ca}"\n'
            f'cert = "{self.tls.cert}"\n'
            f'key = "{self.tls.key}"\n'
        )


def _resolve(home: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else home / path


def load_config(home: Path) -> HubConfig:
    path = home / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"{path}: not a hub home (run `zichtlijn hub init` first)")
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
        tls = doc["tls"]
        return HubConfig(
            home=home,
            listen=str(doc["listen"]),
            tls=TlsFiles(_resolve(home, tls["ca"]), _resolve(home, tls["cert"]),
                         _resolve(home, tls["key"])),
            workers=int(doc.get("workers", 32)),
            alerts=_resolve(home, doc["alerts"]) if "alerts" in doc else None,
        )
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except KeyError as exc:
        raise ConfigError(f"{path}: missing setting {exc}") from None
