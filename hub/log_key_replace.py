"""Replacing the log's signing key when it is lost or may be known to others.

The log keeps its name (origin) and its entries; what changes is the key that signs its
tree heads from here on. The old key files are set aside (or were lost), a new key is
made, a `log_key_replaced` entry naming both keys is appended, and the first head of the
new key is signed at once, so no head the hub hands out after this is signed by the old
key. Nodes, auditors and RIECs are given the new `log.vkey` out of band, as they were
the first, and keep trusting the old key only for the trees they verified under it
(README "Replacing the log key").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from hub import audit_log
from hub.log_key import DEFAULT_ORIGIN, LogKey, LogKeyError, create_log_key, key_paths
from hub.store import HubStore, utc_now
from hub.tree_heads import TreeHeads
from linkage.checkpoint import SignedNote, Verifier
from zichtlijn.audit_log_keys import ACTION
from zichtlijn.witness import LogError, read_vkey

REASONS = ("lost", "compromised", "scheduled")


@dataclass(frozen=True)
class Replaced:
    new_key: LogKey
    old_vkey: str  # "" when the old verifier key file was lost too
    set_aside: list[Path]
    head_size: int  # the first tree head the new key signed


def _origin(store: HubStore, old: Verifier | None) -> str:
    """The log's name: the old key's, or that of the heads it signed."""
    if old is not None:
        return old.name
    row = store.db.conn.execute("SELECT note FROM tree_heads ORDER BY size DESC "
                                "LIMIT 1").fetchone()
    return SignedNote.from_text(row[0]).checkpoint().origin if row else DEFAULT_ORIGIN


def replace_log_key(home: Path, db_path: Path, reason: str, actor: str) -> Replaced:
    """Set the old key files aside, make a new key, log the change and sign a head with
    the new key. The hub must not be serving (it holds the old key in memory)."""
    if reason not in REASONS:
        raise LogKeyError(f"reason {reason!r}: one of {', '.join(REASONS)}")
    key_path, vkey_path = key_paths(home)
    try:
        old = read_vkey(vkey_path) if vkey_path.exists() else None
    except LogError:
        old = None  # a damaged verifier key file is set aside with the rest
    store = HubStore.for_operator(db_path)  # first: a database that does not open changes nothing
    try:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        set_aside = []
        for path in (key_path, vkey_path):
            if path.exists():
                aside = path.with_name(f"{path.name}.replaced-{stamp}")
                path.rename(aside)
                set_aside.append(aside)
        new_key = create_log_key(home, _origin(store, old))
        new_vkey = new_key.verifier.to_vkey()
        with store.transaction() as conn:
            audit_log.append(conn, utc_now(), actor, ACTION, reason=reason, new_key=new_vkey,
                             old_key=old.to_vkey() if old else "")
        head = TreeHeads(store, new_key).current()
    finally:
        store.close()
    return Replaced(new_key, old.to_vkey() if old else "", set_aside, head.size)
