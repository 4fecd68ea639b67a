"""Reads of the hub's linkage data by its operator or an auditor, each an audit log entry.

DESIGN §8 asks that every query is logged. A node's lookup and a RIEC's alert list
are; these three read more than any of them and were not (found by a privacy audit):
`hub clusters` shows every pseudonymous person with its sighting UUIDs, `hub backup`
copies every encoding, and `audit export` hands out the log with the UUIDs of every
sighting held. Each entry holds counts and digests only, as every entry does, and is
appended to the live database on the store's own connection, as `hub revoke` and `hub
lookups` do: SQLite WAL lets it be written beside a serving hub.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from hub import audit_log
from hub.audit_export import export_chunks
from hub.store import HubStore, utc_now
from hub.tree_heads import TreeHeads
from zichtlijn.v1 import audit_pb2

CLUSTERS_READ = "clusters_read"
BACKUP_MADE = "backup_made"
LOG_EXPORTED = "log_exported"


def log_clusters_read(store: HubStore, actor: str, shown: dict[str, int], fmt: str,
                      min_sightings: int | None) -> None:
    """Log what `hub clusters` is about to show: `shown` maps each person shown to its
    number of sightings; the entry keeps the two totals, never a person id."""
    details: dict[str, object] = {"format": fmt, "persons": len(shown),
                                  "sightings": sum(shown.values())}
    if min_sightings is not None:
        details["min_sightings"] = min_sightings
    with store.transaction() as conn:
        audit_log.append(conn, utc_now(), actor, CLUSTERS_READ, **details)


def log_backup_made(db_path: Path, copy: Path, actor: str, log_size: int,
                    sightings: int) -> str:
    """Append the `backup_made` entry for `copy` to the live log and return the copy's
    SHA-256.

    Written after the copy, so the copy does not hold its own entry (a restore of it
    cuts the log before it). The digest and the file name are what tie a later
    `restore` entry (which names both) to this backup; the name only, as a
    directory can name a person's account."""
    with copy.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    store = HubStore.for_operator(db_path)
    try:
        with store.transaction() as conn:
            audit_log.append(conn, utc_now(), actor, BACKUP_MADE, log_size=log_size,
                             sightings=sightings, backup=copy.name, sha256=digest)
    finally:
        store.close()
    return digest


def logged_export(heads: TreeHeads, actor: str) -> Iterator[audit_pb2.ExportChunk]:
    """`export_chunks` of `store`'s database, with a `log_exported` entry (`entries`: the
    log size exported) appended to its live log before anything but the meta is handed
    out.

    The entry is written once the export's snapshot is fixed, so it counts exactly the
    entries exported and is not itself in this export (the next one holds it); the
    export's last tree head is therefore still the last head it holds. Logged at the
    start rather than at the end: a caller who stops reading halfway has still read
    what it got."""
    store = heads.store
    with closing(export_chunks(store.path, heads.key.verifier, actor, heads.current,
                               store.lock)) as chunks:
        meta = next(chunks)  # its read transaction is open and its size read: the snapshot
        with store.transaction() as conn:
            audit_log.append(conn, utc_now(), actor, LOG_EXPORTED,
                             entries=meta.meta.log_size)
        yield meta
        yield from chunks
