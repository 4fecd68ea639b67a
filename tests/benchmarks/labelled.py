"""Labelled carousel rows for the benchmark, in the two mixes it reports.

"full": the generator's realistic mix, including women who sometimes give a
working name and women with a second date of birth from a false document.
"issue": only the recording errors listed in issue 3 (no working names, no
second dates of birth); everything else as in "full".
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from linkage.schema import LinkageSchema
from tests.benchmarks.carousel import GEMEENTEN, EncodedCarousel, carousel, encode_all
from tests.benchmarks.metrics import dense_labels
from tests.benchmarks.plaintext_baseline import PlainRecord, plain_record
from zichtlijn.synth import generator

MIXES = ("full", "issue")
CAROUSEL_START = dt.date(2025, 6, 1)  # as in tests/benchmarks/carousel.py
HARD_POSITIVES = ("married_name", "cyrillic_document", "alias", "second_dob")


@contextlib.contextmanager
def _mix(mix: str) -> Iterator[dict[str, float] | None]:
    if mix not in MIXES:
        raise ValueError(f"unknown mix {mix!r}")
    if mix == "full":
        yield None
        return
    saved = dict(generator.PERSON_RATES)
    generator.PERSON_RATES.update(alias=0.0, second_dob=0.0)
    try:
        yield {"alias": 0.0}
    finally:
        generator.PERSON_RATES.clear()
        generator.PERSON_RATES.update(saved)


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


def labelled(persons: int, seed: int, mix: str,
             schema: LinkageSchema | None = None) -> Labelled:
    """Generate, validate through the node's CSV parser and encode with the real Encoder."""
    with _mix(mix) as rates:
        if rates is None:
            data = carousel(persons, seed)
        else:  # same call as carousel(), with the working-name error switched off
            data = generator.generate(persons, GEMEENTEN, seed, start=CAROUSEL_START,
                                      rates=rates)
    encoded = encode_all(data, schema)
    person_of_row = [data.truth[k] for k in encoded.keys]
    return Labelled(mix, seed, encoded, person_of_row, dense_labels(person_of_row),
                    [plain_record(p.subject) for p in encoded.parsed])


def reencode(base: Labelled, schema: LinkageSchema) -> Labelled:
    """The same rows encoded under another schema (e.g. another hardening)."""
    encoded = encode_all(base.encoded.data, schema)
    return Labelled(base.mix, base.seed, encoded, base.person_of_row, base.truth, base.records)
