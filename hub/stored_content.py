"""Each stored sighting rebuilt as the message its node signed, to digest it again.

The audit export names every sighting by the digest of what the hub holds
*now*, rebuilt from its rows (`sightings`, `companions`, `entities`,
`epoch_encodings`), not by the digest the hub wrote down at upload. A sighting
changed in hub.db after its upload (its signal codes, date, licence, setting,
encodings or entity tokens) then no longer matches the digests its node signed
for the batch, and `zichtlijn audit verify` reports it. This holds against
anyone who can write to the database; someone who can also change the hub's
code is the witnesses' and the municipalities' to catch.

The rows keep everything of the message: the top-level fields as columns, each
companion with its position, the entity tokens in the order received (rowid),
and the other epochs' encodings whole. Only the other epochs' order is not
kept: nodes send the newest first, and a rebuild that does not match in that
order tries the others (at most two other epochs, so at most two orders).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator, Sequence

from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2

_CHUNK = 500  # stay far below SQLite's limit on bound parameters

#: The columns of `sightings` a rebuild reads, in this order.
COLUMNS = ("seq, sighting_uuid, observed_on, setting, licensed, signals, epoch, "
           "schema_fingerprint, subject")


def _by_seq(conn: sqlite3.Connection, query: str, seqs: Sequence[int]) -> dict[int, list]:
    found: dict[int, list] = {}
    for start in range(0, len(seqs), _CHUNK):
        chunk = seqs[start:start + _CHUNK]
        for seq, *rest in conn.execute(query.format(marks=",".join("?" * len(chunk))), chunk):
            found.setdefault(seq, []).append(rest)
    return found


def _parts(conn: sqlite3.Connection, seqs: Sequence[int]) -> tuple[dict[int, list],
                                                                     dict[int, list]]:
    """Each sighting's companions by position and entity tokens in the order received."""
    companions = _by_seq(conn, "SELECT sighting_seq, position, encoding FROM companions "
                               "WHERE sighting_seq IN ({marks}) ORDER BY sighting_seq, position",
                         seqs)
    entities = _by_seq(conn, "SELECT sighting_seq, kind, token FROM entities "
                             "WHERE sighting_seq IN ({marks}) ORDER BY sighting_seq, rowid", seqs)
    return companions, entities


def _message(row: tuple, companions: list, entities: list) -> encoding_pb2.EncodedSighting:
    _, uuid, observed_on, setting, licensed, signals, epoch, fingerprint, subject = row
    message = encoding_pb2.EncodedSighting(
        sighting_uuid=uuid, observed_on=observed_on, setting=wire.setting_to_wire(setting),
        signals=[code for code in signals.split(";") if code], epoch=epoch,
        schema_fingerprint=bytes(fingerprint),
        subject=encoding_pb2.IdentityEncoding.FromString(bytes(subject)))
    if licensed is not None:
        message.licensed = bool(licensed)
    message.companions.extend(encoding_pb2.IdentityEncoding.FromString(bytes(blob))
                              for _, blob in companions)
    message.entities.extend(encoding_pb2.EntityToken(kind=kind, token=bytes(token))
                            for kind, token in entities)
    return message


def _digests(message: encoding_pb2.EncodedSighting,
             others: list[encoding_pb2.EpochEncoding]) -> Iterator[bytes]:
    """The digest of the message with its other epochs newest first, then in other orders."""
    newest_first = sorted(others, key=lambda other: -other.epoch)
    orders = [newest_first] + [list(order) for order in itertools.permutations(newest_first)
                               if list(order) != newest_first]
    for order in orders:
        message.ClearField("other_epochs")
        message.other_epochs.extend(order)
        yield wire.sighting_digest(message)


def content_digests(conn: sqlite3.Connection, rows: Sequence[tuple]) -> list[bytes]:
    """The digest of each row's sighting as held now. A row is COLUMNS and the digest
    stored at upload: of the orders of the other epochs, the one giving that digest is
    taken, so a sighting left as it was keeps its digest whatever order its node used."""
    seqs = [row[0] for row in rows]
    companions, entities = _parts(conn, seqs)
    others = _by_seq(conn, "SELECT sighting_seq, encoding FROM epoch_encodings "
                           "WHERE sighting_seq IN ({marks})", seqs)
    digests = []
    for row in rows:
        seq, stored = row[0], bytes(row[-1])
        message = _message(row[:-1], companions.get(seq, []), entities.get(seq, []))
        epochs = [encoding_pb2.EpochEncoding.FromString(bytes(blob))
                  for (blob,) in others.get(seq, [])]
        candidates = list(_digests(message, epochs))
        digests.append(stored if stored in candidates else candidates[0])
    return digests


def single_epoch_digests(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[str, bytes]:
    """{UUID: digest of the sighting without its other epochs' encodings} for those of the
    sightings `seqs` that carry other epochs: what a node that encoded a row in a key
    rotation's overlap encodes from it once the older epoch is retired (node recover: it
    takes the UUID back by this digest). Only those sightings are read whole."""
    dual = sorted(_by_seq(conn, "SELECT DISTINCT sighting_seq, 1 FROM epoch_encodings "
                                "WHERE sighting_seq IN ({marks})", seqs))
    if not dual:
        return {}
    rows = _by_seq(conn, f"SELECT {COLUMNS} FROM sightings WHERE seq IN ({{marks}})", dual)
    companions, entities = _parts(conn, dual)
    # _by_seq keys each row by its seq, the first of COLUMNS: the rest begins with the UUID
    return {rest[0]: wire.sighting_digest(_message((seq, *rest), companions.get(seq, []),
                                                   entities.get(seq, [])))
            for seq, [rest] in rows.items()}
