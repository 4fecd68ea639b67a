"""Encoded carousel sightings at scale, cached on disk between benchmark runs.

Generating and encoding a million sightings takes minutes; the benchmarks
measure the hub, so the encoded upload batches are built once per size and
seed and kept under bench-out/ (plaintext never is: only the encodings).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from linkage.table import EncodingTable
from node.csv_import import RowError, parse_row
from node.importer import encode_sighting
from tests.benchmarks.metrics import dense_labels
from zichtlijn import wire
from zichtlijn.synth import LISTED_ERRORS_ONLY, iter_rows
from zichtlijn.v1 import encoding_pb2

OUT = Path(__file__).resolve().parents[2] / "bench-out"
GEMEENTEN = [f"GM{code:04d}" for code in (363, 599, 344, 518, 14, 855, 153, 758, 772, 1680)]
TODAY = dt.date(2026, 11, 23)
SECRET = b"\x11" * 32
NEW_EPOCH_SECRET = b"\x12" * 32  # a rotation's (`encoded_sightings`)


ROOT = Path(__file__).resolve().parents[2]
#: The code that makes the cached data: the generator, the node's reading of a row and
#: the encoder. A change to any of it is a new cache file, never stale data.
DATA_SOURCES = ("zichtlijn/synth", "node/csv_file.py", "node/csv_import.py", "node/as_written.py",
                "node/csv_cells.py", "node/csv_control.py", "node/csv_dates.py",
                "node/csv_identity.py", "node/importer.py",
                "linkage")


def data_version() -> str:
    """Digest of the sources the cached sightings are made by."""
    digest = hashlib.sha256()
    for source in DATA_SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()[:8]


def encoded_sightings(persons: int, seed: int = 1,
                      rotation: tuple[dt.date, dt.date] | None = None
                      ) -> list[tuple[str, bytes, str]]:
    """(gemeente, serialised EncodedSighting, person key) per sighting, cached.

    `rotation` (first day, last day of the overlap): a key rotation as the nodes make
    it: sightings observed in the overlap are encoded under both epochs, later ones
    under the new epoch only."""
    OUT.mkdir(exist_ok=True)
    schema = default_schema()
    rotated = "" if rotation is None else f"-rotated-{rotation[0]}-{rotation[1]}"
    cache = OUT / (f"sightings-{persons}-{seed}{rotated}-{schema.fingerprint.hex()[:8]}-"
                   f"{data_version()}.pickle")
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    encoder = Encoder(schema, derive_purpose_keys(SECRET, 1))
    new_epoch = Encoder(schema, derive_purpose_keys(NEW_EPOCH_SECRET, 2))
    out = []
    rows = iter_rows(persons, GEMEENTEN, seed, start=dt.date(2023, 6, 1), days=900,
                     person_rates=LISTED_ERRORS_ONLY)
    for line, item in enumerate(rows, start=2):
        try:
            parsed = parse_row(line, item.row, TODAY)
        except RowError:
            continue
        observed = dt.date.fromisoformat(item.row["observed_on"])
        if rotation is None or observed < rotation[0]:
            message = encode_sighting(parsed, encoder)
        else:
            message = encode_sighting(parsed, new_epoch,
                                      (encoder,) if observed <= rotation[1] else ())
        message.sighting_uuid = str(uuid.UUID(int=len(out) + 1, version=4))
        out.append((item.gemeente, message.SerializeToString(deterministic=True),
                    item.person_key))
    for stale in OUT.glob(f"sightings-{persons}-{seed}{rotated}-*.pickle"):
        if rotated or "-rotated-" not in stale.name:
            stale.unlink()  # made by other code: never read again
    cache.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def batches(sightings: list[tuple[str, bytes, str]], size: int = 1000
            ) -> Iterator[tuple[str, list[encoding_pb2.EncodedSighting]]]:
    """Per-gemeente upload batches, in arrival order."""
    pending: dict[str, list[encoding_pb2.EncodedSighting]] = {}
    for gemeente, blob, _ in sightings:
        bucket = pending.setdefault(gemeente, [])
        bucket.append(encoding_pb2.EncodedSighting.FromString(blob))
        if len(bucket) == size:
            yield gemeente, bucket
            pending[gemeente] = []
    for gemeente, bucket in pending.items():
        if bucket:
            yield gemeente, bucket


def true_persons(sightings: list[tuple[str, bytes, str]]) -> np.ndarray:
    """Which woman each sighting is (dense labels, in the sightings' order)."""
    return dense_labels([person for _, _, person in sightings])


def encoding_table(sightings: list[tuple[str, bytes, str]]) -> EncodingTable:
    """The sightings' subjects and entity tokens as the hub's linker holds them."""
    table = EncodingTable.for_schema(default_schema(), capacity=len(sightings))
    for start in range(0, len(sightings), 10_000):  # parsed a slice at a time: memory
        parsed = [encoding_pb2.EncodedSighting.FromString(blob)
                  for _, blob, _ in sightings[start : start + 10_000]]
        table.append([wire.identity_from_wire(s.subject) for s in parsed],
                     [[(e.kind, e.token) for e in s.entities] for s in parsed])
    return table
