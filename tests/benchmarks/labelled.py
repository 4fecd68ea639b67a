"""Labelled carousel rows for the benchmark, in the two mixes it reports.

"full": the generator's realistic mix, including women who sometimes give a
working name and women with a second date of birth from a false document.
"issue": only the recording errors listed in issue 3 (no working names, no
second dates of birth); everything else as in "full".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from linkage.linking import table_copy_keys
from linkage.schema import LinkageSchema, default_schema
from linkage.table import EncodingTable
from node.csv_import import parse_row
from tests.benchmarks.carousel import EncodedCarousel, carousel, encode_all, encode_parsed
from tests.benchmarks.metrics import dense_labels
from tests.benchmarks.plaintext_baseline import PlainRecord, plain_record

MIXES = ("full", "issue")
HARD_POSITIVES = ("married_name", "cyrillic_document", "alias", "second_dob")


@dataclass
class Labelled:
    mix: str
    seed: int
    encoded: EncodedCarousel
    person_of_row: list[str]
    truth: np.ndarray  # dense person label per row
    records: list[PlainRecord]

    @property
    def size(self) -> int:
        return len(self.person_of_row)


def labelled(persons: int, seed: int, mix: str, schema: LinkageSchema | None = None,
             error_rate: float = 1.0) -> Labelled:
    """Generate, validate through the node's CSV parser and encode with the real Encoder.

    `error_rate` scales every recording-error probability of the generator."""
    if mix not in MIXES:
        raise ValueError(f"unknown mix {mix!r}")
    data = carousel(persons, seed, error_rate, listed_only=(mix == "issue"))
    encoded = encode_all(data, schema)
    person_of_row = [data.truth[k] for k in encoded.keys]
    return Labelled(mix, seed, encoded, person_of_row, dense_labels(person_of_row),
                    [plain_record(p.subject, p.entities) for p in encoded.parsed])


def reencode(base: Labelled, schema: LinkageSchema) -> Labelled:
    """The same rows encoded under another schema (e.g. another hardening)."""
    encoded = encode_all(base.encoded.data, schema)
    return Labelled(base.mix, base.seed, encoded, base.person_of_row, base.truth, base.records)


@dataclass
class Outside:
    """A labelled sample of the outside generator, encoded and as plaintext records."""

    seed: int
    table: EncodingTable
    truth: np.ndarray
    records: list[PlainRecord]
    copies: np.ndarray  # each row's copy key, as the hub makes them (linking.copy_key)


def outside(seed: int, persons: int = 3000) -> Outside:
    """A sample of the outside generator (tests/benchmarks/outside_data.py), every row
    through the node's CSV parser and the real Encoder.

    Its rows are accepted whole (they are written as a node's export), so row i of the
    table is its sighting i."""
    from tests.benchmarks.outside_data import outside_sightings

    sightings = outside_sightings(seed, persons)
    today = max(dt.date.fromisoformat(s.row["observed_on"]) for s in sightings)
    parsed = [parse_row(line, s.row, today) for line, s in enumerate(sightings, start=2)]
    encodings, entities = encode_parsed(parsed)
    table = EncodingTable.for_schema(default_schema(), capacity=len(encodings))
    table.append(encodings, entities)
    return Outside(seed, table, dense_labels([s.woman.pid for s in sightings]),
                   [plain_record(p.subject, p.entities) for p in parsed],
                   table_copy_keys(table, [s.gemeente for s in sightings]))
