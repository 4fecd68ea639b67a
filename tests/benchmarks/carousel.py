"""Shared set-up for benchmarks: labelled carousel data encoded through the node's code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from linkage.encode import Encoder, Identity, IdentityEncoding
from linkage.keys import derive_purpose_keys
from linkage.linking import table_copy_keys
from linkage.schema import LinkageSchema, default_schema
from linkage.table import EncodingTable
from node.csv_import import ParsedSighting, RowError, parse_row
from zichtlijn.synth import LISTED_ERRORS_ONLY, SyntheticData, generate
from zichtlijn.wire import ENTITY_KINDS

GEMEENTEN = ["GM0363", "GM0599", "GM0344", "GM0518", "GM0014", "GM0855"]
TODAY = dt.date(2026, 11, 23)
BENCHMARK_SECRET = b"\x2a" * 32  # the linkage secret every benchmark encodes under


@dataclass
class EncodedCarousel:
    data: SyntheticData
    keys: list[tuple[str, str]]  # (gemeente, case_ref) per row
    parsed: list[ParsedSighting]
    encodings: list[IdentityEncoding]
    rejected: list[RowError]
    entities: list[list[tuple[int, bytes]]]  # per row: (kind number, keyed token), as synced

    def truth_labels(self) -> dict[tuple[str, str], str]:
        return {k: self.data.truth[k] for k in self.keys}


def carousel(persons: int, seed: int, error_rate: float = 1.0,
             listed_only: bool = False) -> SyntheticData:
    """Labelled data; `listed_only` limits it to the errors DESIGN §6 lists."""
    return generate(persons, GEMEENTEN, seed, start=dt.date(2025, 6, 1),
                    error_rate=error_rate,
                    person_rates=LISTED_ERRORS_ONLY if listed_only else None)


def parse_all(data: SyntheticData) -> tuple[list, list[ParsedSighting], list[RowError]]:
    keys, parsed, rejected = [], [], []
    line = 1
    for gemeente, rows in data.rows_by_gemeente.items():
        for row in rows:
            line += 1
            try:
                parsed.append(parse_row(line, row, TODAY))
                keys.append((gemeente, row["case_ref"]))
            except RowError as error:
                rejected.append(error)
    return keys, parsed, rejected


def encode_parsed(parsed: list[ParsedSighting], schema: LinkageSchema | None = None,
                  secret: bytes = BENCHMARK_SECRET
                  ) -> tuple[list[IdentityEncoding], list[list[tuple[int, bytes]]]]:
    """Each row's identity encoding and entity tokens, as the node syncs them."""
    encoder = Encoder(schema or default_schema(), derive_purpose_keys(secret, 1))
    encodings = [encoder.encode_identity(p.subject) for p in parsed]
    entities = [[(ENTITY_KINDS[kind], encoder.entity_token(kind, value))
                 for kind, value in p.entities] for p in parsed]
    return encodings, entities


def encode_all(data: SyntheticData, schema: LinkageSchema | None = None,
               secret: bytes = BENCHMARK_SECRET) -> EncodedCarousel:
    keys, parsed, rejected = parse_all(data)
    encodings, entities = encode_parsed(parsed, schema, secret)
    return EncodedCarousel(data, keys, parsed, encodings, rejected, entities)


def with_subjects(encoded: EncodedCarousel, subjects: list[Identity],
                  schema: LinkageSchema | None = None) -> EncodedCarousel:
    """The same rows with other identities, encoded as `encode_all` encodes them (under
    `schema`, the shipped one unless given: pass the schema `encoded` was made with)."""
    encoder = Encoder(schema or default_schema(), derive_purpose_keys(BENCHMARK_SECRET, 1))
    parsed = [replace(p, subject=subject)
              for p, subject in zip(encoded.parsed, subjects, strict=True)]
    return replace(encoded, parsed=parsed,
                   encodings=[encoder.encode_identity(s) for s in subjects])


def table_of(encoded: EncodedCarousel, schema: LinkageSchema | None = None) -> EncodingTable:
    schema = schema or default_schema()
    table = EncodingTable.for_schema(schema, capacity=len(encoded.encodings))
    table.append(encoded.encodings, encoded.entities)
    return table


def copies_of(encoded: EncodedCarousel, table: EncodingTable) -> np.ndarray:
    """Each row's copy key, as the hub makes them from its gemeente and encoding."""
    return table_copy_keys(table, [gemeente for gemeente, _ in encoded.keys])


def identities(encoded: EncodedCarousel) -> list[Identity]:
    return [p.subject for p in encoded.parsed]
