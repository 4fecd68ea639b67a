"""What the short name filter (schema version 6) gives a curious hub, measured.

    .venv-bench/bin/python -m tests.benchmarks.short_name     # about 5 minutes
    .venv-bench/bin/python -m tests.benchmarks.short_name --persons 30000 --seeds 7 --no-patterns

Since schema version 6 a dated sighting carries, beside the hardened filter of its
whole name, a filter of its first given name and last surname word keyed with its
year of birth (README "Short names"). The hub cannot compare short filters of two
years, but it can read the years off the date tokens (`attacks.years_from_date_tokens`)
and group and rank short filters inside each year. This runs the two attacks of the
privacy section on the short filters of every dated sighting, the attacker knowing
the schema (so that a short filter holds one given name and one surname) and the
public name table, and sets them beside the same attacks on the whole-name filters
of the same sightings. Shares are of all sightings, the undated ones never named.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from linkage.schema import default_schema
from tests.benchmarks import attacks
from tests.benchmarks.bitops import pack, unpack
from tests.benchmarks.labelled import labelled
from tests.benchmarks.report import say, table

Guess = tuple[str, str] | None


def spread_guesses(guesses: Sequence[Guess], rows: np.ndarray, size: int) -> list[Guess]:
    """Guesses made for `rows` of a sample, as guesses for all `size` rows (None elsewhere)."""
    out: list[Guess] = [None] * size
    for row, guess in zip(rows.tolist(), guesses, strict=True):
        out[row] = guess
    return out


def pattern_guesses(words: np.ndarray, public: attacks.PublicTable) -> list[Guess]:
    """The pattern attack's best guesses (of its two tolerances) for packed filters."""
    schema = default_schema()
    k = max(schema.given_hashes, schema.surname_hashes)
    return [attacks.pattern_attack(unpack(words), k, public, tolerance)[0]
            for tolerance in (1.0, 0.75)]


def attack_row(seed: int, persons: int, public: attacks.PublicTable,
               patterns: bool = True) -> list[object]:
    sample = labelled(persons, seed, "full")
    encodings, records = sample.encoded.encodings, sample.records
    dated = np.array([row for row, e in enumerate(encodings) if e.short_name_filter])
    cells: list[object] = [seed, f"{len(dated)} of {len(encodings)}"]
    aligned_guesses = []
    subset = [encodings[row] for row in dated]
    subset_records = [records[row] for row in dated]
    for name_of in (lambda e: e.name_filter, lambda e: e.short_name_filter):
        words = pack([name_of(e) for e in subset])
        aligned = attacks.alignment_attacks(subset, subset_records, public, words)
        guesses = spread_guesses(aligned.frequency_guesses, dated, len(encodings))
        aligned_guesses.append(guesses)
        found = attacks.score_guesses(guesses, records)
        cells.append(f"{found.above_full:.2%}")
        if not patterns:
            cells.append("not run")
            continue
        mined = max((attacks.score_guesses(spread_guesses(g, dated, len(encodings)), records)
                     for g in pattern_guesses(words, public)), key=lambda r: r.above_full)
        cells.append(f"{mined.above_full:.2%} / {mined.above_given:.1%} / "
                     f"{mined.above_surname:.1%}")
    # both filters at once: one filter's guess where it names someone, else the other's
    whole, short = aligned_guesses
    both = max((attacks.score_guesses([a or b for a, b in zip(first, second, strict=True)],
                                      records)
                for first, second in ((whole, short), (short, whole))),
               key=lambda r: r.above_full)
    return [*cells, f"{both.above_full:.2%}"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.short_name",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seeds", default="7,201,202,203,204,205")
    parser.add_argument("--no-patterns", action="store_true",
                        help="frequency alignment only (the pattern attack takes hours on "
                             "tens of thousands of women)")
    options = parser.parse_args(argv)
    public = attacks.public_table()
    say("\n## Attacks on the dated sightings' filters (full mix): full names named above "
        "chance; pattern attack full / given / surname above chance\n")
    rows = [attack_row(int(seed), options.persons, public, not options.no_patterns)
            for seed in options.seeds.split(",") if seed]
    say(table(("seed", "dated sightings", "whole-name filter: frequency alignment",
               "pattern attack", "short filter: frequency alignment", "pattern attack",
               "frequency alignment on both"), rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
