"""The audit export file: a small SQLite database an auditor can keep, verify and inspect.

SQLite rather than a bespoke format: any SQLite tool opens it, reading a
million entries takes a second, and the verifier needs nothing but Python's
standard library to read it. Tables have no uniqueness constraints on
purpose: a tampered export must still load so that the verifier can say
what is wrong with it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zichtlijn.v1 import audit_pb2

FORMAT = 1

SCHEMA = """
CREATE TABLE meta (key TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE entries (idx INTEGER NOT NULL, entry BLOB NOT NULL);
CREATE TABLE tree_heads (note TEXT NOT NULL);
CREATE TABLE witness_keys (vkey TEXT NOT NULL, principal TEXT NOT NULL);
CREATE TABLE certificates (sha256 BLOB NOT NULL, pem BLOB NOT NULL);
CREATE TABLE batches (digest BLOB NOT NULL, gemeente TEXT NOT NULL, sightings INTEGER NOT NULL,
                      accepted INTEGER NOT NULL, received_at TEXT NOT NULL,
                      leaf_index INTEGER NOT NULL, sighting_digests BLOB NOT NULL);
CREATE TABLE sightings (sighting_uuid TEXT NOT NULL, gemeente TEXT NOT NULL,
                        digest BLOB NOT NULL, batch_digest BLOB NOT NULL,
                        linked INTEGER NOT NULL);
CREATE TABLE alerts (alert_id TEXT NOT NULL, rule TEXT NOT NULL, version INTEGER NOT NULL,
                     evidence_digest BLOB NOT NULL, merged_into TEXT, shown_evidence BLOB);
CREATE TABLE alert_regions (alert_id TEXT NOT NULL, region TEXT NOT NULL, state TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX entries_idx ON entries(idx);
"""


class ExportFileError(ValueError):
    """The export file is missing, not an export, or of an unknown format."""


@dataclass(frozen=True)
class Written:
    entries: int
    tree_heads: int
    batches: int
    sightings: int
    alerts: int
    meta: audit_pb2.ExportMeta


def write_export(chunks: Iterable[audit_pb2.ExportChunk], path: Path) -> Written:
    """Write an export from its chunks; the file appears only once complete."""
    if path.exists():
        raise ExportFileError(f"{path} exists; choose another file name")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    # the export names every sighting by UUID and municipality: the auditor's alone, as a
    # backup is the operator's (made before SQLite opens it, so never readable by others)
    partial.touch(mode=0o600)
    partial.chmod(0o600)
    conn = sqlite3.connect(partial)
    counts = {"entries": 0, "tree_heads": 0, "batches": 0, "sightings": 0, "alerts": 0}
    meta: audit_pb2.ExportMeta | None = None
    try:
        conn.executescript(SCHEMA)
        for chunk in chunks:
            if chunk.HasField("meta"):
                meta = chunk.meta
                conn.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("format", str(meta.format)), ("origin", meta.origin),
                    ("log_key", meta.log_key), ("exported_at", meta.exported_at),
                    ("exported_by", meta.exported_by), ("log_size", str(meta.log_size))]
                    + ([("partition", meta.partition)] if meta.partition else []))
            conn.executemany("INSERT INTO entries VALUES (?, ?)",
                             [(e.index, e.entry) for e in chunk.entries])
            conn.executemany("INSERT INTO tree_heads VALUES (?)",
                             [(h.note,) for h in chunk.tree_heads])
            conn.executemany("INSERT INTO witness_keys VALUES (?, ?)",
                             [(w.vkey, w.principal) for w in chunk.witness_keys])
            conn.executemany("INSERT INTO certificates VALUES (?, ?)",
                             [(c.sha256, c.pem) for c in chunk.certificates])
            conn.executemany("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?)", [
                (b.digest, b.gemeente, b.sightings, b.accepted, b.received_at, b.leaf_index,
                 b.sighting_digests) for b in chunk.batches])
            conn.executemany("INSERT INTO sightings VALUES (?, ?, ?, ?, ?)", [
                (s.sighting_uuid, s.gemeente, s.digest, s.batch_digest, int(s.linked))
                for s in chunk.sightings])
            # NULL, not '', for an alert that was not merged: reads as it does at the hub
            conn.executemany("INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?)", [
                (a.alert_id, a.rule, a.version, a.evidence_digest, a.merged_into or None,
                 a.shown_evidence or None)
                for a in chunk.alerts])
            conn.executemany("INSERT INTO alert_regions VALUES (?, ?, ?)", [
                (r.alert_id, r.region, r.state) for r in chunk.alert_regions])
            counts["entries"] += len(chunk.entries)
            counts["tree_heads"] += len(chunk.tree_heads)
            counts["batches"] += len(chunk.batches)
            counts["sightings"] += len(chunk.sightings)
            counts["alerts"] += len(chunk.alerts)
        if meta is None:
            raise ExportFileError("the export stream carried no meta record")
        conn.executescript(INDEXES)
        conn.commit()
    except BaseException:
        conn.close()
        partial.unlink(missing_ok=True)
        raise
    conn.close()
    os.replace(partial, path)
    return Written(meta=meta, **counts)


def open_export(path: Path) -> sqlite3.Connection:
    """Read-only connection to an export; ExportFileError in one line if it is not one."""
    if not path.is_file():
        raise ExportFileError(f"{path}: export file not found")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        fmt = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise ExportFileError(f"{path}: not a zichtlijn audit export") from None
    if fmt is None or fmt[0] != str(FORMAT):
        conn.close()
        raise ExportFileError(f"{path}: export format {fmt and fmt[0]!r} is not {FORMAT}")
    return conn


def meta_of(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta"))
