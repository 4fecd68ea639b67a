"""Salting the name filter with the year of birth, measured beside the hardenings.

Salting keys a record's name filter with a value of the record itself, here
the year of birth: equal names born in different years encode to unrelated
bits, so the hub's groups of equal filters split by year and the frequency
attack's largest groups shrink. The price is every pair whose salts differ: a
date of birth missing on one side, a year off by one, a second date from a
false document. Their names can no longer be compared, however alike.

A record keeps one salt. A record carrying filters for several salts (the
years around its own, or every year when its date is missing) could be
compared across years, but its filters tie the groups of those years together,
and the attacker, following them, rebuilds the unsalted groups: that is why
only the one-salt form is measured.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from linkage.encode import Encoder, IdentityEncoding
from linkage.keys import derive_purpose_keys
from linkage.schema import LinkageSchema
from tests.benchmarks.carousel import BENCHMARK_SECRET, encode_all
from tests.benchmarks.labelled import Labelled


@dataclass(frozen=True)
class Salting:
    label: str


SALTINGS = (Salting("diffusion t=3 + salt: year of birth (filter)"),)


def _salted_secret(year: int | None) -> bytes:
    salt = b"no date" if year is None else str(year).encode()
    return hashlib.blake2b(salt, key=BENCHMARK_SECRET, digest_size=32).digest()


def salted(base: Labelled, schema: LinkageSchema) -> Labelled:
    """The rows of `base` encoded under `schema`, their name filters salted with the year
    of birth.

    Dates, documents, places and entity tokens stay under the common keys: only the
    name encodings move with the salt."""
    common = encode_all(base.encoded.data, schema)
    by_year: dict[int | None, Encoder] = {}
    encodings: list[IdentityEncoding] = []
    for parsed, encoding in zip(common.parsed, common.encodings, strict=True):
        born = parsed.subject.date_of_birth
        year = None if born is None else born.year
        encoder = by_year.get(year)
        if encoder is None:
            encoder = by_year[year] = Encoder(schema, derive_purpose_keys(_salted_secret(year), 1))
        own = encoder.encode_identity(parsed.subject)
        encodings.append(replace(encoding, name_filter=own.name_filter))
    return replace(base, encoded=replace(common, encodings=encodings))
