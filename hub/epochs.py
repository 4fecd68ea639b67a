"""What the hub stores about key epochs: extra per-epoch encodings and nodes' epoch states.

The hub holds no key of any epoch. It keeps, per sighting, the subject
encoding under the sighting's newest epoch (`sightings.subject`) and, for a
sighting made during a rotation's overlap, its encodings under the other
epoch(s) (`epoch_encodings`), so the linker can bridge the epochs. From each
node it keeps the last reported state of every epoch (`node_epochs`) and
writes every change into the audit log.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from hub import audit_log
from zichtlijn.v1 import encoding_pb2, epochs_pb2

log = logging.getLogger("zichtlijn.hub.epochs")

SCHEMA = """
CREATE TABLE IF NOT EXISTS epoch_encodings (
    sighting_seq INTEGER NOT NULL REFERENCES sightings(seq) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    encoding BLOB NOT NULL,
    PRIMARY KEY (sighting_seq, epoch)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS node_epochs (
    gemeente TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    state TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    overlap_until TEXT,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (gemeente, epoch)
) WITHOUT ROWID;
"""

STATE_NAMES = {
    epochs_pb2.EPOCH_STATE_CURRENT: "current",
    epochs_pb2.EPOCH_STATE_OVERLAP: "overlap",
    epochs_pb2.EPOCH_STATE_RETIRED: "retired",
}


class EpochConflict(ValueError):
    """A node reports keys for an epoch that differ from what other nodes hold."""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def insert_other_epochs(conn: sqlite3.Connection, seq: int,
                        sighting: encoding_pb2.EncodedSighting) -> None:
    """Store a dual-encoded sighting's encodings under its other epochs."""
    conn.executemany(
        "INSERT INTO epoch_encodings (sighting_seq, epoch, encoding) VALUES (?, ?, ?)",
        [(seq, other.epoch, other.SerializeToString(deterministic=True))
         for other in sighting.other_epochs],
    )


def other_epoch_parts(conn: sqlite3.Connection, seqs: Iterable[int]
                      ) -> dict[int, dict[int, tuple[bytes, list[tuple[int, bytes]]]]]:
    """Per sighting seq and other epoch: the subject encoding and the entity tokens."""
    found: dict[int, dict[int, tuple[bytes, list[tuple[int, bytes]]]]] = {}
    for seq, epoch, blob in _rows_of_seqs(
            conn, "SELECT sighting_seq, epoch, encoding FROM epoch_encodings", seqs):
        other = encoding_pb2.EpochEncoding.FromString(blob)
        found.setdefault(seq, {})[epoch] = (
            other.subject.SerializeToString(deterministic=True),
            [(e.kind, e.token) for e in other.entities])
    return found


def entity_tokens(conn: sqlite3.Connection, seqs: Iterable[int]
                  ) -> dict[int, list[tuple[int, bytes]]]:
    """Per sighting seq: its entity tokens under its own (newest) epoch, as received."""
    found: dict[int, list[tuple[int, bytes]]] = {}
    for seq, kind, token in _rows_of_seqs(
            conn, "SELECT sighting_seq, kind, token FROM entities", seqs, order="rowid"):
        found.setdefault(seq, []).append((kind, token))
    return found


def _rows_of_seqs(conn: sqlite3.Connection, select: str, seqs: Iterable[int],
                  order: str | None = None) -> Iterable[tuple]:
    wanted = list(seqs)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        ordered = f" ORDER BY {order}" if order else ""
        yield from conn.execute(f"{select} WHERE sighting_seq IN ({marks}){ordered}", chunk)


@dataclass(frozen=True)
class NodeEpochRow:
    gemeente: str
    epoch: int
    state: str
    key_fingerprint: str
    overlap_until: str | None
    reported_at: str


def record_report(conn: sqlite3.Connection, gemeente: str, at: str,
                  epochs: Iterable[epochs_pb2.NodeEpoch]) -> int:
    """Store a node's epoch report inside the caller's transaction; log each change.

    Raises EpochConflict when the node's keys for an epoch differ from the keys at
    least two other municipalities reported for it and no other municipality holds the
    node's: encodings under them would never link. One node alone never decides for
    the others: a node that reported an invented fingerprint for an epoch first (it
    needs no key to do so) would otherwise have every later node refused.
    """
    changes = 0
    for reported in epochs:
        state = STATE_NAMES[reported.state]
        until = reported.overlap_until or None
        held_by = dict(conn.execute(
            "SELECT key_fingerprint, count(DISTINCT gemeente) FROM node_epochs "
            "WHERE epoch = ? AND gemeente != ? GROUP BY key_fingerprint",
            [reported.epoch, gemeente]).fetchall())
        others = {fingerprint: count for fingerprint, count in held_by.items()
                  if fingerprint != reported.key_fingerprint}
        if others and not held_by.get(reported.key_fingerprint):
            fingerprint, count = max(others.items(), key=lambda item: (item[1], item[0]))
            if count >= 2:
                raise EpochConflict(
                    f"keys of epoch {reported.epoch} (fingerprint {reported.key_fingerprint}) "
                    f"differ from those {count} other municipalities hold ({fingerprint}): "
                    "the key package comes from another ceremony")
            log.warning("%s reports keys of epoch %d (fingerprint %s) that differ from "
                        "another municipality's (%s): one of the two packages comes from "
                        "another ceremony (`zichtlijn hub epochs`)", gemeente,
                        reported.epoch, reported.key_fingerprint, fingerprint)
        known = conn.execute(
            "SELECT state, key_fingerprint, overlap_until FROM node_epochs "
            "WHERE gemeente = ? AND epoch = ?", [gemeente, reported.epoch]
        ).fetchone()
        if known == (state, reported.key_fingerprint, until):
            continue
        conn.execute(
            "INSERT OR REPLACE INTO node_epochs (gemeente, epoch, state, key_fingerprint, "
            "overlap_until, reported_at) VALUES (?, ?, ?, ?, ?, ?)",
            [gemeente, reported.epoch, state, reported.key_fingerprint, until, at],
        )
        details: dict[str, object] = {"epoch": reported.epoch, "state": state,
                                      "key_fingerprint": reported.key_fingerprint,
                                      "previous_state": known[0] if known else None,
                                      "changed_on": reported.changed_on or None}
        if until:
            details["overlap_until"] = until
        audit_log.append(conn, at, f"node:{gemeente}", "key_epoch", **details)
        changes += 1
    return changes


def node_epochs(conn: sqlite3.Connection) -> list[NodeEpochRow]:
    rows = conn.execute(
        "SELECT gemeente, epoch, state, key_fingerprint, overlap_until, reported_at "
        "FROM node_epochs ORDER BY epoch DESC, gemeente"
    ).fetchall()
    return [NodeEpochRow(*row) for row in rows]


def overlap_ongoing(conn: sqlite3.Connection, today: str) -> bool:
    """Does some node still report an epoch in its overlap, ending today or later (ISO
    date)? Until no overlap is ongoing, names seen under the new epoch are not all
    bridged to the old one yet (hub/name_rise.py)."""
    return conn.execute(
        "SELECT 1 FROM node_epochs WHERE state = 'overlap' "
        "AND (overlap_until IS NULL OR overlap_until >= ?) LIMIT 1", [today]
    ).fetchone() is not None


def retired_elsewhere(conn: sqlite3.Connection, gemeente: str) -> dict[int, int | None]:
    """The epochs the other municipalities have left behind, each with the epoch to move
    to (the newest another reports current; None when none does).

    An epoch is left behind when at least two other municipalities report it retired and
    none reports it current: the majority spirit of `record_report`, so one node alone
    (perhaps a thief's, or one with a clock running ahead) never decides for the others.
    """
    counts: dict[int, dict[str, int]] = {}
    for epoch, state, count in conn.execute(
            "SELECT epoch, state, count(DISTINCT gemeente) FROM node_epochs "
            "WHERE gemeente != ? GROUP BY epoch, state", [gemeente]):
        counts.setdefault(epoch, {})[state] = count
    current = [epoch for epoch, states in counts.items() if states.get("current")]
    newest = max(current, default=None)
    return {epoch: newest for epoch, states in counts.items()
            if states.get("retired", 0) >= 2 and not states.get("current")}


def _still_current(conn: sqlite3.Connection, gemeente: str, epoch: int) -> bool:
    """Does the node report `epoch` as its current one (or nothing of it)? A node that
    reports it in overlap or retired has installed the next epoch: sightings it holds under
    the old epoch alone were encoded before that, and are let through."""
    state = conn.execute("SELECT state FROM node_epochs WHERE gemeente = ? AND epoch = ?",
                         [gemeente, epoch]).fetchone()
    return state is None or state[0] == "current"


def _package_of(successor: int | None) -> str:
    return f"the package of epoch {successor}" if successor else "the newest epoch's package"


def move_on(epoch: int, successor: int | None) -> str:
    """What a node still encoding under a left-behind epoch is told."""
    return (f"epoch {epoch} is retired by the other municipalities; install "
            f"{_package_of(successor)} (`zichtlijn node keys install`)")


def left_behind_refusal(conn: sqlite3.Connection, gemeente: str,
                        sightings: Iterable[encoding_pb2.EncodedSighting]) -> str | None:
    """Why an upload is refused when it brings a new sighting encoded only under an epoch
    the other municipalities retired while the node still encodes under it, or None.

    Rotating after a key theft is meant to stop the stolen epoch's use; a node that never
    installed the next package would go on adding encodings under it, unwarned."""
    behind = retired_elsewhere(conn, gemeente)
    if not behind:
        return None
    for s in sightings:
        epochs = {s.epoch, *(other.epoch for other in s.other_epochs)}
        if not epochs <= behind.keys():
            continue
        held = conn.execute("SELECT 1 FROM sightings WHERE sighting_uuid = ?",
                            [s.sighting_uuid]).fetchone()
        if held is not None:  # sent again (a lost receipt): nothing new is added
            continue
        stale = [e for e in sorted(epochs) if _still_current(conn, gemeente, e)]
        if stale:
            return move_on(stale[-1], behind[stale[-1]])
    return None


def left_behind_warnings(conn: sqlite3.Connection) -> list[str]:
    """`hub status`: a warning per node that reports as current an epoch others retired."""
    warnings = []
    for gemeente, epoch in conn.execute(
            "SELECT gemeente, epoch FROM node_epochs WHERE state = 'current' "
            "ORDER BY gemeente").fetchall():
        behind = retired_elsewhere(conn, gemeente)
        if epoch in behind:
            warnings.append(f"{gemeente} still encodes under epoch {epoch}, which the other "
                            f"municipalities retired; it must install {_package_of(behind[epoch])} "
                            "(`zichtlijn node keys install`); its new sightings are refused "
                            "(README \"Rotation\")")
    return warnings
