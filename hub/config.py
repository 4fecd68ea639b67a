"""The hub's home directory: hub.toml and hub.db (no linkage key, ever)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zichtlijn.home_config import load_home_config, resolve, tls_files, tls_toml
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
            + tls_toml(self.tls)
        )


def load_config(home: Path, database_required: bool = True) -> HubConfig:
    """The hub home's configuration. Its database must be there, unless
    `database_required` is False (`hub restore`): `hub init` made it, and a command that
    made a new empty one where it was lost would hide the loss (a restore then could not
    tell that the database it replaces is gone, README "Restoring from a backup")."""
    config = _load_config(home)
    if database_required and not config.db_path.exists():
        raise ConfigError(f"{config.db_path}: the hub database is missing (`zichtlijn hub "
                          "init` made it): restore it from a backup with `zichtlijn hub "
                          "restore`, or run `hub init --force` for a new, empty hub")
    return config


def _load_config(home: Path) -> HubConfig:
    def build(doc: dict[str, Any]) -> HubConfig:
        tls = doc["tls"]
        return HubConfig(
            home=home,
            listen=str(doc["listen"]),
            tls=tls_files(home, tls),
            workers=int(doc.get("workers", 32)),
            alerts=resolve(home, doc["alerts"]) if "alerts" in doc else None,
        )

    return load_home_config(home / CONFIG_NAME, "hub", "hub", ConfigError, build)
