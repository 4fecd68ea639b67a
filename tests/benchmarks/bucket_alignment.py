"""Nationality and place of birth named from their keyed buckets by size (an attack).

    .venv/bin/python -m tests.benchmarks.bucket_alignment [--persons 3000,10000] [--seed 7]

The hub holds each sighting's keyed bucket of the place of birth (512 values) and, until
schema version 7, of the nationality (32 values). It has no key, but it can rank the
buckets by how many sightings fall in each and give the k-th largest the k-th commonest
value of public statistics (here: another sample of the same population). Prints, per
value recorded, the share of sightings whose value that names, beside the share of the
commonest value (what guessing it for everyone gets). The last rows give the nationality
read off how many near tokens a document number has, each count given the nationality
commonest among public documents of that count: until 2026-12-07 the count was the
number's length (up to 16, less one for a repeated neighbouring character, emulated
here), now the encoder fills every number's to the same count. Asserts nothing. README
"Nationality and place of birth".
"""

from __future__ import annotations

import argparse
from collections import Counter

from linkage.encode import Encoder, document_variants
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema_text, parse_schema
from tests.benchmarks.dob_lattice import carousel_rows

#: schema version 7 with the nationality buckets of version 6
WITH_NATIONALITY = parse_schema(default_schema_text().replace(
    "nationality_buckets = 0", "nationality_buckets = 32"))


Row = tuple[str | None, int, str | None, int, int, int]


def unfilled_count(number: str) -> int:
    """How many near tokens a document number had before they were filled to one count."""
    return len(document_variants(number))


def sample(persons: int, seed: int, secret: bytes) -> list[Row]:
    """(nationality, its bucket, place of birth, its bucket, how many document near
    tokens the encoder sends and how many it sent unfilled; 0 without a document) of each
    sighting's subject."""
    encoder = Encoder(WITH_NATIONALITY, derive_purpose_keys(secret, 1))
    out = []
    for subject in (sighting.subject for sighting in carousel_rows(persons, seed)):
        encoded = encoder.encode_identity(subject)
        out.append((subject.nationality, encoded.nationality_bucket, subject.place_of_birth,
                    encoded.place_bucket, len(encoded.document_near),
                    unfilled_count(subject.document_number or "") if encoded.document_near
                    else 0))
    return out


def aligned(held: list[tuple[str, int]], public: list[str]) -> float:
    """Share of (value, bucket) rows whose value the k-th largest bucket -> k-th commonest
    public value guess names."""
    buckets = [bucket for bucket, _ in Counter(b for _, b in held).most_common()]
    values = [value for value, _ in Counter(public).most_common()]
    guess = dict(zip(buckets, values, strict=False))
    return sum(guess.get(bucket) == value for value, bucket in held) / len(held)


def by_count(held: list[tuple[str, int]], public: list[tuple[str, int]]) -> float:
    """Share of (value, count) rows named by the value commonest among public rows of
    that count."""
    seen: dict[int, Counter[str]] = {}
    for value, count in public:
        seen.setdefault(count, Counter())[value] += 1
    guess = {count: values.most_common(1)[0][0] for count, values in seen.items()}
    return sum(guess.get(count) == value for value, count in held) / len(held)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bucket_alignment")
    parser.add_argument("--persons", default="3000,10000")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    print("| women | value | sightings recording it | distinct values | named by the buckets' "
          "sizes | the commonest value's share |")
    print("|---|---|---|---|---|---|")
    for persons in (int(p) for p in options.persons.split(",")):
        rows = sample(persons, options.seed, b"\x11" * 32)
        public = sample(persons, options.seed + 1000, b"\x22" * 32)
        for label, value, bucket in (("nationality (32 buckets, version 6)", 0, 1),
                                     ("place of birth (512 buckets)", 2, 3)):
            held = [(r[value], r[bucket]) for r in rows if r[value]]
            top = Counter(v for v, _ in held).most_common(1)[0][1]
            print(f"| {persons:,} | {label} | {len(held):,} | {len({v for v, _ in held})} "
                  f"| {aligned(held, [r[value] for r in public if r[value]]):.1%} "
                  f"| {top / len(held):.1%} |")
        for label, column in (("nationality, from how many document tokens (unfilled, "
                               "until 2026-12-07)", 5),
                              ("nationality, from how many document tokens (as shipped)", 4)):
            held = [(r[0], r[column]) for r in rows if r[0] and r[column]]
            top = Counter(v for v, _ in held).most_common(1)[0][1]
            public_counts = [(r[0], r[column]) for r in public if r[0] and r[column]]
            print(f"| {persons:,} | {label} | {len(held):,} | {len({v for v, _ in held})} "
                  f"| {by_count(held, public_counts):.1%} | {top / len(held):.1%} |")

if __name__ == "__main__":
    main()
