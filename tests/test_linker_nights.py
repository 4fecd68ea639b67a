"""Nights at a hub whose threshold rises with its population, through a key rotation
(the other nodes retire the old epoch at once, and the one node left in the overlap
sends its sightings of it only after it ended), withdrawals, retention and restarts:
after every night the hub holds the persons a full relink of what it holds builds, with
the same threshold and name counts (DESIGN §6)."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import uuid
from pathlib import Path

from hub.linker import Linker
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from node.csv_import import parse_row
from node.importer import encode_sighting
from tests.linker_support import TODAY, log_removal, partition
from zichtlijn import wire
from zichtlijn.synth import generate

OLD_EPOCH = Encoder(default_schema(), derive_purpose_keys(b"\x15" * 32, 1))
NEW_EPOCH = Encoder(default_schema(), derive_purpose_keys(b"\x16" * 32, 2))
START = MatchPolicy().threshold
LATE_NODE = "GM0344"
GEMEENTEN = ["GM0363", "GM0599", LATE_NODE]


def threshold_for(population) -> float:
    """Steps at small populations, so that a few hundred sightings see several."""
    return START + sum(0.5 for bar in (30, 60, 90, 120) if population.persons >= bar)


def namesakes(rng: random.Random, women: int) -> list[tuple[str, dict[str, str]]]:
    """`women` Maria Popas, each of her own date of birth, seen two or three times (a
    date one day off now and then): a name the counts must know."""
    rows = []
    for woman in range(women):
        born = dt.date(1980, 1, 3) + dt.timedelta(days=211 * woman)
        for _ in range(rng.randint(2, 3)):
            written = born + dt.timedelta(days=rng.random() < 0.3)
            rows.append((rng.choice(GEMEENTEN), {
                "case_ref": "X-1", "observed_on": "2026-10-01", "given_names": "Maria",
                "surname": "Popa", "date_of_birth": written.isoformat()}))
    return rows


def encoded(gemeente_rows: list[tuple[str, dict[str, str]]], encoder: Encoder,
            also: tuple[Encoder, ...] = ()) -> dict[str, list]:
    by_gemeente: dict[str, list] = {}
    for gemeente, row in gemeente_rows:
        message = encode_sighting(parse_row(2, row, TODAY), encoder, also)
        message.sighting_uuid = str(uuid.uuid4())
        by_gemeente.setdefault(gemeente, []).append(message)
    return by_gemeente


def relinked_from_scratch(store: HubStore, where: Path) -> set[frozenset[str]]:
    """The persons a new linker builds relinking a copy of the hub's database."""
    copy = where / f"copy-{uuid.uuid4().hex}.db"
    target = sqlite3.connect(copy)
    with store.lock:
        store.db.conn.backup(target)
    target.close()
    other = HubStore(copy)
    Linker(other, default_schema(), MatchPolicy(), threshold_for).relink_all()
    persons = partition(other)
    other.close()
    return persons


def relink_reasons(store: HubStore) -> list[str | None]:
    with store.lock:
        return [entry.get("reason") for entry in (json.loads(raw) for (raw,) in store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")) if entry["action"] == "relink"]


def test_every_night_ends_with_the_persons_of_a_full_relink(tmp_path):
    rng = random.Random(5)
    data = generate(150, GEMEENTEN, seed=5, start=dt.date(2025, 9, 1))
    rows = [(gemeente, row) for gemeente, rows in data.rows_by_gemeente.items()
            for row in rows] + namesakes(rng, 30)
    rng.shuffle(rows)
    nights = [rows[start : start + 40] for start in range(0, len(rows), 40)]
    overlap = range(len(nights) // 2, len(nights) // 2 + 3)
    held_back = []  # the late node's sightings of the overlap
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy(), threshold_for)
    for night, tonight in enumerate(nights):
        if night in overlap:
            held_back += [(g, row) for g, row in tonight if g == LATE_NODE]
            uploads = encoded([(g, row) for g, row in tonight if g != LATE_NODE], NEW_EPOCH)
        elif night < overlap.start:
            uploads = encoded(tonight, OLD_EPOCH)
        else:
            uploads = encoded(tonight, NEW_EPOCH)
        if night == overlap.stop + 1:  # the late node syncs its overlap at last
            for gemeente, batch in encoded(held_back, NEW_EPOCH, (OLD_EPOCH,)).items():
                uploads.setdefault(gemeente, []).extend(batch)
        for gemeente, batch in uploads.items():
            store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()
        if night % 4 == 2:  # withdrawals
            with store.lock:
                seqs = [seq for (seq,) in store.db.execute("SELECT seq FROM sightings")]
            linker.remove(rng.sample(seqs, 5), log_removal)
        if night == len(nights) - 3:  # retention: the oldest half goes
            with store.lock:
                seqs = [seq for (seq,) in store.db.execute(
                    "SELECT seq FROM sightings ORDER BY seq")]
            linker.remove(seqs[: len(seqs) // 2], log_removal)
            linker.link_pending()
        if night % 5 == 4:  # the hub restarts
            linker = Linker(store, default_schema(), MatchPolicy(), threshold_for)
        assert partition(store) == relinked_from_scratch(store, tmp_path), f"night {night}"
    # what the nights went through: four steps, then names counted again after the
    # overlap, after the late node's sightings of it and after retention
    assert linker.policy.threshold == START + 2.0
    assert relink_reasons(store) == [None] * 4 + [
        "new_key_epoch", "names_bridged_late", "counted_sightings_gone"]
    store.close()
