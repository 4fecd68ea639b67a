"""Night-by-night linking at the hub gives the same persons as one full relink."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from hub.linker import Linker
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.linking import link_all
from linkage.schema import default_schema
from linkage.table import EncodingTable
from node.csv_import import parse_row
from node.importer import encode_sighting
from zichtlijn import wire
from zichtlijn.synth import LISTED_ERRORS_ONLY, generate

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    from linkage.encode import Encoder
    from linkage.keys import derive_purpose_keys

    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    data = generate(250, ["GM0363", "GM0599", "GM0344"], seed=3, start=dt.date(2025, 9, 1),
                    person_rates=LISTED_ERRORS_ONLY)
    batches = []
    for gemeente, rows in data.rows_by_gemeente.items():
        messages = []
        for line, row in enumerate(rows, start=2):
            message = encode_sighting(parse_row(line, row, TODAY), encoder)
            message.sighting_uuid = str(uuid.uuid4())
            messages.append(message)
        for start in range(0, len(messages), 97):  # uneven nights
            batches.append((gemeente, messages[start : start + 97]))
    return batches


def partition(store: HubStore) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for person, _, sighting, _ in store.clusters():
        groups.setdefault(person, set()).add(sighting)
    return {frozenset(g) for g in groups.values()}


def test_incremental_linking_equals_full_relink(tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    nightly = partition(store)
    person_ids = {row[2]: row[0] for row in store.clusters()}

    linker.relink_all()
    assert partition(store) == nightly
    assert {row[2]: row[0] for row in store.clusters()} == person_ids
    assert sum(len(g) for g in nightly) == sum(len(b) for _, b in uploads)
    assert any(len(g) >= 3 for g in nightly)
    store.close()


def test_restarted_hub_continues_with_the_same_persons(tmp_path, uploads):
    path = tmp_path / "hub.db"
    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy())
    half = len(uploads) // 2
    for gemeente, batch in uploads[:half]:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    store.close()

    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in uploads[half:]:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
    continued = partition(store)
    linker.relink_all()
    assert partition(store) == continued
    store.close()


def test_hub_linker_agrees_with_batch_link_all(tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    encodings = []
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        encodings += [wire.identity_from_wire(s.subject) for s in batch]
    linker.link_pending()
    table = EncodingTable(default_schema().filter_bytes)
    table.append(encodings)
    labels = link_all(table, MatchPolicy())
    uuids = [s.sighting_uuid for _, batch in uploads for s in batch]
    groups: dict[int, set[str]] = {}
    for label, sighting in zip(labels.tolist(), uuids, strict=True):
        groups.setdefault(label, set()).add(sighting)
    assert {frozenset(g) for g in groups.values()} == partition(store)
    store.close()
