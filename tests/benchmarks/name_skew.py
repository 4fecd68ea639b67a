"""How much the frequency leak owes to how common the commonest names are.

    python -m tests.benchmarks.name_skew [--persons 3000] [--seed 7]
                                         [--exponents generator,0.75,0.5,0]

The generator draws given names and surnames with Zipf weights 1/rank^s
(s = 1, for some lists 0.9), so one full name is borne by about 2% of its records: far more
concentrated than any census (a common Romanian surname is borne by about 1%
of Romanians, a common given name by a few percent, so a common full name by
a few in ten thousand). The frequency-alignment attack names the largest
groups of equal filters after the commonest public names, so what it
recovers tracks the share of those names. This benchmark draws the same data
with flatter weights (giving the attacker the flattened public table too)
and prints, per exponent: the commonest full name's share, what the
frequency attack recovers above chance, and zichtlijn's pairwise quality as
shipped on that data. (Since schema version 5 no name buckets are stored, and
the bucket-alignment attack on them is gone with them.)
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from linkage.compare import MatchPolicy
from linkage.linking import link_all
from tests.benchmarks import attacks
from tests.benchmarks.carousel import table_of
from tests.benchmarks.labelled import labelled
from tests.benchmarks.metrics import cluster_quality
from zichtlijn.synth.names import POPULATIONS, Pool, zipf_weights

NAME_POOLS = ("female_given", "female_surnames", "second_given")


@contextmanager
def name_weights(exponent: float | None) -> Iterator[None]:
    """Draw (and publish) every population's female names with weights 1/rank^exponent;
    None keeps the generator's own weights."""
    saved = {}
    if exponent is None:
        yield
        return
    for code, population in POPULATIONS.items():
        for field in NAME_POOLS:
            pool = getattr(population, field)
            if pool is None:
                continue
            saved[(code, field)] = pool
            object.__setattr__(population, field,
                               Pool(pool.items, zipf_weights(len(pool), exponent)))
    try:
        yield
    finally:
        for (code, field), pool in saved.items():
            object.__setattr__(POPULATIONS[code], field, pool)


def measure(exponent: float | None, persons: int, seed: int) -> tuple[object, ...]:
    with name_weights(exponent):
        ev = labelled(persons, seed, "full")
        public = attacks.public_table()
    found = attacks.alignment_attacks(ev.encoded.encodings, ev.records, public)
    blind = attacks.score_guesses([attacks.blind_name(public)] * ev.size, ev.records)
    quality = cluster_quality(link_all(table_of(ev.encoded), MatchPolicy()), ev.truth)
    label = "as generated (s = 1 or 0.9)" if exponent is None else f"{exponent:g}"
    return (label, f"{blind.full:.2%}", f"{blind.given:.1%}",
            f"{found.frequency.above_full:.2%}", f"{quality.precision:.4f}",
            f"{quality.recall:.4f}", f"{quality.f1:.4f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.name_skew")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--exponents", default="generator,0.75,0.5,0")
    options = parser.parse_args(argv)
    headers = ("Zipf exponent s", "commonest full name: share of records",
               "commonest given name", "frequency attack above chance (full name)",
               "precision", "recall", "F1")
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for text in options.exponents.split(","):
        exponent = None if text == "generator" else float(text)
        print("| " + " | ".join(measure(exponent, options.persons, options.seed)) + " |",
              flush=True)


if __name__ == "__main__":
    main()
