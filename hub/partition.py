"""Who is linked with whom, as one digest the audit log carries.

Every log entry of a change that can move sightings between persons (a link
run, a relink, a withdrawal, correction, purge or erasure, a restore) carries
`partition`: SHA-256 over each linked sighting's seq, person and cluster as
the linker left them, in seq order. The export computes the same digest from
the database, so `audit verify` sees a person edited in hub.db after its last
such entry; the hub compares the two when it starts and links everything again
when they differ (hub/linker.py `check_persons`). Digests only: the log never
holds who is linked with whom.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np

from hub import audit_log
from hub.linker_rows import StoredClusterError, StoredPersonError, cluster_code, person_code

_DOMAIN = b"zichtlijn-partition\x00"
#: stands for a person id or cluster seq the hub never writes (a hand edit), so that
#: the digest of such a database differs from every logged one instead of failing
_NOT_WRITTEN_BY_THE_HUB = -2
FIELD = "partition"


def partition_digest(seqs: np.ndarray, persons: np.ndarray, clusters: np.ndarray) -> str:
    """The digest of linked rows given as seq, person (the number a person id spells)
    and cluster seq, in ascending seq order."""
    rows = np.empty((len(seqs), 3), dtype="<i8")
    rows[:, 0], rows[:, 1], rows[:, 2] = seqs, persons, clusters
    return hashlib.sha256(_DOMAIN + rows.tobytes()).hexdigest()


def stored_partition(conn: sqlite3.Connection) -> str:
    """The digest of the persons as the database holds them (in the caller's snapshot)."""
    seqs, persons, clusters = [], [], []
    for seq, person, cluster in conn.execute(
            "SELECT seq, person_id, cluster_seq FROM sightings WHERE person_id IS NOT NULL "
            "ORDER BY seq"):
        seqs.append(seq)
        # read as the linker reads them at start-up (hub/linker_rows.py), so a database
        # the linker left gives its digest
        try:
            persons.append(person_code(person))
        except (StoredPersonError, TypeError):
            persons.append(_NOT_WRITTEN_BY_THE_HUB)
        try:
            clusters.append(cluster_code(seq, cluster))
        except StoredClusterError:
            clusters.append(_NOT_WRITTEN_BY_THE_HUB)
    return partition_digest(np.array(seqs, dtype=np.int64), np.array(persons, dtype=np.int64),
                            np.array(clusters, dtype=np.int64))


def last_logged(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """(index, digest) of the newest log entry carrying a partition; None when no entry
    does (a log written before entries carried one)."""
    # from the end: the newest such entry is a recent link run, so few entries are read
    for idx, raw in conn.execute(
            "SELECT idx, entry FROM audit_entries WHERE CAST(entry AS TEXT) LIKE ? "
            "ORDER BY idx DESC", [f'%"{FIELD}":"%']):
        value = _field(audit_log.stored_entry(raw))
        if value is not None:
            return idx, value
    return None


def _field(raw: bytes) -> str | None:
    try:
        value = json.loads(raw).get(FIELD)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
