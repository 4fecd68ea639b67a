"""Read everything `zichtlijn audit verify` needs from a hub database, as ExportChunks.

One read transaction on a separate read-only connection gives a consistent
snapshot of every table (SQLite WAL) without blocking uploads. The export
holds log entries, signed tree heads with their cosignatures, witness keys,
the node certificates that signed uploads, the upload bookkeeping as
UUIDs, digests and counts, and the alerts as ids, rules, versions and
evidence digests with each region's state: never an encoding, a case reference or anything
else about a person. The same generator feeds the gRPC Export call and the
operator's direct export, so both give the same file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from hub import audit_log, stored_content
from hub.alerts.reconcile import evidence_digest_of
from hub.partition import stored_partition
from linkage.checkpoint import Verifier
from zichtlijn.v1 import audit_pb2

FORMAT = 1
CHUNK_ROWS = 2000
BATCH_ROWS = 200  # a batch record carries up to 32 kB of digests; stay far below 16 MB


def _rows(conn: sqlite3.Connection, query: str, size: int = CHUNK_ROWS) -> Iterator[list[tuple]]:
    cursor = conn.execute(query)
    while rows := cursor.fetchmany(size):
        yield rows


def _heads(conn: sqlite3.Connection, size: int) -> Iterator[audit_pb2.SignedTreeHead]:
    cosigned: dict[int, list[str]] = {}
    for head_size, line in conn.execute(
            "SELECT size, signature FROM cosignatures ORDER BY size, received_at, witness_key"):
        cosigned.setdefault(head_size, []).append(line)
    for head_size, note in conn.execute(
            "SELECT size, note FROM tree_heads WHERE size <= ? ORDER BY size", [size]):
        # appended as text, not re-parsed, so a damaged note reaches the verifier as it is
        extra = "".join(line + "\n" for line in cosigned.get(head_size, []))
        yield audit_pb2.SignedTreeHead(note=note + extra)


def _has_alerts(conn: sqlite3.Connection) -> bool:
    # the alert tables exist only once a hub has run with an alert configuration
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'alerts'").fetchone() is not None


def _current_sightings(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Each alert's current evidence, the sighting UUIDs a RIEC is shown it with."""
    held: dict[str, list[str]] = {}
    for alert_id, uuid in conn.execute("SELECT alert_id, sighting_uuid FROM alert_sightings "
                                       "WHERE current = 1"):
        held.setdefault(alert_id, []).append(uuid)
    return held


def _alerts(conn: sqlite3.Connection) -> Iterator[audit_pb2.ExportChunk]:
    if not _has_alerts(conn):
        return
    current = _current_sightings(conn)
    for rows in _rows(conn, "SELECT alert_id, rule, score, version, evidence_digest, "
                            "coalesce(merged_into, '') FROM alerts ORDER BY created_at, alert_id"):
        # the digest again from what the alert shows (its score and current sightings), so
        # a score or evidence changed in hub.db without an entry differs from the logged one
        yield audit_pb2.ExportChunk(alerts=[
            audit_pb2.AlertRecord(alert_id=a, rule=r, version=v, evidence_digest=bytes(d),
                                  merged_into=m,
                                  shown_evidence=evidence_digest_of(r, score, current.get(a, ())))
            for a, r, score, v, d, m in rows])
    for rows in _rows(conn, "SELECT alert_id, region, state FROM alert_regions "
                            "ORDER BY alert_id, region"):
        yield audit_pb2.ExportChunk(alert_regions=[
            audit_pb2.AlertRegionRecord(alert_id=a, region=r, state=s) for a, r, s in rows])


class ExportError(RuntimeError):
    pass


#: How often an export starts again when the log grew between signing a head and the
#: export's snapshot (another process appending: a serving hub, an operator command).
SNAPSHOT_TRIES = 5


def _open_snapshot(conn: sqlite3.Connection, sign_head: Callable[[], object] | None,
                   lock: AbstractContextManager[object]) -> int:
    """BEGIN the export's read transaction; the log size it holds.

    With `sign_head` the snapshot also holds a signed tree head covering every entry in
    it: an entry appended after the head was signed and before the snapshot (an upload,
    a link run, another export's entry) would otherwise be in the export and under no
    head, and the export would not verify. `lock` keeps this process's appends out;
    another process's show up as a larger log than the head, and the snapshot is taken
    again."""
    for _ in range(SNAPSHOT_TRIES):
        with lock:
            if sign_head is not None:
                sign_head()
            conn.execute("BEGIN")
            size = audit_log.log_size(conn)
            covered = conn.execute("SELECT coalesce(max(size), 0) FROM tree_heads").fetchone()[0]
        if sign_head is None or covered >= size:
            return size
        conn.execute("COMMIT")
    raise ExportError(f"the log grew between signing a tree head and the export's start "
                      f"{SNAPSHOT_TRIES} times over; export again")


def export_chunks(db_path: Path, log_key: Verifier, exported_by: str,
                  sign_head: Callable[[], object] | None = None,
                  lock: AbstractContextManager[object] | None = None,
                  ) -> Iterator[audit_pb2.ExportChunk]:
    """The whole export of the hub database at ``db_path``, first chunk carrying the meta.

    `sign_head` signs a head of the whole live log (`TreeHeads.current`), so the export
    ends with a head covering every entry it holds (`_open_snapshot`)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    try:
        size = _open_snapshot(conn, sign_head, lock or nullcontext())
        yield audit_pb2.ExportChunk(meta=audit_pb2.ExportMeta(
            format=FORMAT, origin=log_key.name, log_key=log_key.to_vkey(),
            exported_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            exported_by=exported_by, log_size=size, partition=stored_partition(conn)))
        for rows in _rows(conn, f"SELECT idx, entry FROM audit_entries WHERE idx < {size} "
                                "ORDER BY idx"):
            yield audit_pb2.ExportChunk(
                entries=[audit_pb2.LogEntry(index=i, entry=audit_log.stored_entry(e))
                         for i, e in rows])
        heads = list(_heads(conn, size))
        for start in range(0, len(heads), CHUNK_ROWS):
            yield audit_pb2.ExportChunk(tree_heads=heads[start:start + CHUNK_ROWS])
        yield audit_pb2.ExportChunk(
            witness_keys=[audit_pb2.WitnessKey(vkey=v, principal=p) for v, p in conn.execute(
                "SELECT vkey, principal FROM witness_keys ORDER BY vkey")],
            certificates=[audit_pb2.Certificate(sha256=bytes(h), pem=bytes(p))
                          for h, p in conn.execute("SELECT sha256, pem FROM certificates")])
        for rows in _rows(conn, "SELECT b.digest, b.gemeente, b.sightings, b.accepted, "
                                "b.received_at, coalesce(u.leaf_index, -1), "
                                "coalesce(u.sighting_digests, x'') FROM batches b "
                                "LEFT JOIN upload_batches u ON u.batch_digest = b.digest "
                                "ORDER BY b.received_at, b.digest", BATCH_ROWS):
            yield audit_pb2.ExportChunk(batches=[
                audit_pb2.BatchRecord(digest=bytes(d), gemeente=g, sightings=n, accepted=a,
                                      received_at=r, leaf_index=i, sighting_digests=bytes(s))
                for d, g, n, a, r, i, s in rows])
        # each sighting's digest as rebuilt from what the hub holds now (hub/stored_content.py)
        for rows in _rows(conn, f"SELECT {stored_content.COLUMNS}, digest, gemeente, "
                                "batch_digest, linked FROM sightings ORDER BY seq", BATCH_ROWS):
            digests = stored_content.content_digests(conn, [row[:10] for row in rows])
            yield audit_pb2.ExportChunk(sightings=[
                audit_pb2.SightingRecord(sighting_uuid=row[1], gemeente=row[10], digest=d,
                                         batch_digest=bytes(row[11]), linked=bool(row[12]))
                for row, d in zip(rows, digests, strict=True)])
        yield from _alerts(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
