"""Trusting the hub's new log key after `hub log-key replace` (README "Replacing the log
key").

The node keeps the replaced key, but only for trees no larger than the largest it
verified under it: the heads it already holds stay verifiable, while a head the old key
signs later (it was lost, or taken) is refused. The new key is copied into the home, so
the node does not depend on where the operator put the download.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from node.config import CONFIG_NAME, NodeConfig
from node.log_client import log_status
from node.retention import retention_months, retention_toml
from node.store import NodeStore
from zichtlijn.witness import LogError, read_vkey


@dataclasses.dataclass(frozen=True)
class Trusted:
    config: NodeConfig
    old_key_id: str
    up_to: int  # the largest tree the old key stays trusted for


def keep_log_key(home: Path, vkey: Path) -> Path:
    """A copy of the hub's log key file in the node home (`log-<key id>.vkey`), so the
    node does not depend on where the download was put; the copy's absolute path."""
    kept = (home / f"log-{read_vkey(vkey).key_id.hex()}.vkey").resolve()
    if kept != vkey.resolve():
        shutil.copyfile(vkey, kept)
    return kept


def trust_log_key(config: NodeConfig, new_vkey: Path) -> Trusted:
    """Make `new_vkey` the node's log key and keep the old one for what it verified."""
    if config.log_key is None:
        raise LogError("this node has no log key yet: give it with `node init --log-key`")
    new, old = read_vkey(new_vkey), read_vkey(config.log_key)
    if new == old:
        raise LogError(f"{new_vkey}: this node already trusts that log key")
    if new.name != old.name:
        raise LogError(f"{new_vkey}: a key of log {new.name!r}, but this node's hub keeps "
                       f"log {old.name!r}")
    store = NodeStore(config.db_path)
    try:
        verified, _, _ = log_status(store.db)
    finally:
        store.close()
    up_to = verified or 0
    target = keep_log_key(config.home, new_vkey)
    trusted = dataclasses.replace(
        config, log_key=target,
        retired_log_keys=(*config.retired_log_keys, (old.to_vkey(), up_to)))
    months = retention_months(config.home)  # node.toml holds it beside the configuration
    (config.home / CONFIG_NAME).write_text(trusted.to_toml() + retention_toml(months), "utf-8")
    return Trusted(trusted, old.key_id.hex(), up_to)
