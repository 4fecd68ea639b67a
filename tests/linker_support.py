"""Encoded synthetic sightings and the persons a hub store holds, for the linker tests."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Sequence

from hub import audit_log
from hub.linker import RemovalRun
from hub.store import HubStore, utc_now
from linkage.encode import Encoder, Identity
from linkage.schema import default_schema
from linkage.table import EncodingTable, EntityTokens
from node.csv_import import parse_row
from node.importer import encode_sighting
from zichtlijn.synth import LISTED_ERRORS_ONLY, generate
from zichtlijn.v1.encoding_pb2 import EncodedSighting

TODAY = dt.date(2026, 11, 23)


def log_removal(conn: sqlite3.Connection, run: RemovalRun) -> None:
    """A removal's log entry, as withdrawals, purges and erasures write theirs (with the
    persons after it, which a restarted linker checks against the database)."""
    audit_log.append(conn, utc_now(), "hub:test", "test_removal", removed=run.removed,
                     **run.logged())


def identity_table(encoder: Encoder, identities: Sequence[Identity],
                   entities: Sequence[EntityTokens] | None = None) -> EncodingTable:
    """The encodings of `identities` as the hub holds them: row i is identities[i]."""
    table = EncodingTable.for_schema(default_schema())
    table.append([encoder.encode_identity(i) for i in identities], entities)
    return table


def encoded_sightings(encoder: Encoder, persons: int,
                      seed: int) -> list[tuple[str, EncodedSighting]]:
    """(gemeente, sighting as uploaded) for generated data, one gemeente after the other."""
    data = generate(persons, ["GM0363", "GM0599", "GM0344"], seed=seed,
                    start=dt.date(2025, 9, 1), person_rates=LISTED_ERRORS_ONLY)
    out = []
    for gemeente, rows in data.rows_by_gemeente.items():
        for line, row in enumerate(rows, start=2):
            message = encode_sighting(parse_row(line, row, TODAY), encoder)
            message.sighting_uuid = str(uuid.uuid4())
            out.append((gemeente, message))
    return out


def nightly_batches(sightings: list[tuple[str, EncodedSighting]],
                    size: int) -> list[tuple[str, list[EncodedSighting]]]:
    """Each gemeente's sightings in uploads of at most `size`."""
    by_gemeente: dict[str, list[EncodedSighting]] = {}
    for gemeente, message in sightings:
        by_gemeente.setdefault(gemeente, []).append(message)
    return [(gemeente, messages[start : start + size])
            for gemeente, messages in by_gemeente.items()
            for start in range(0, len(messages), size)]


def partition(store: HubStore) -> set[frozenset[str]]:
    """The persons in the store, each as the set of its sighting UUIDs."""
    groups: dict[str, set[str]] = {}
    for person, _, sighting, _ in store.clusters():
        groups.setdefault(person, set()).add(sighting)
    return {frozenset(g) for g in groups.values()}
