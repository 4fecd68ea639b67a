"""How each spelling system of a Cyrillic name fares against the passport spelling.

    .venv/bin/python -m tests.benchmarks.spelling_systems [--women 1000] [--seed 5]

For the Moldovan and Bulgarian women of the generator (names with a Cyrillic form),
one sighting carries the name as on her passport (Romanian Latin for Moldovans, the
official Bulgarian transliteration) and the other the same name in one spelling system
(as on another document, or as an inspector wrote what she heard), everything else
equal. Through the node's encoder and the hub's scoring, per system: how often the
name words get one canonical key, and how often the hub's linking puts the two
sightings in one person, with the same date of birth and with the date missing on
one side. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Sequence

import numpy as np

from linkage.compare import MatchPolicy
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.linking import link_all
from linkage.normalise import NAME_RULES, canonical_word, name_words
from linkage.schema import default_schema
from tests.linker_support import identity_table
from zichtlijn.synth.names import (
    BG_OTHER_SYSTEM_WEIGHTS,
    POPULATIONS,
    RU_SYSTEM_WEIGHTS,
    Name,
    transliterate,
)

SYSTEMS = {"MD": tuple(dict.fromkeys(("cyrillic", *RU_SYSTEM_WEIGHTS, "dutch"))),
           "BG": tuple(dict.fromkeys(("cyrillic", *BG_OTHER_SYSTEM_WEIGHTS, "bg_dutch")))}


def written(name: Name, system: str) -> str:
    if system == "cyrillic":
        return name.cyrillic or name.latin
    return transliterate(name.cyrillic, system) if name.cyrillic else name.latin


def keys(text: str) -> list[str]:
    return [canonical_word(word) for word in name_words(text)]


def measure(population: str, system: str, women: int, seed: int,
            encoder: Encoder, policy: MatchPolicy) -> tuple[float, float, float]:
    pop = POPULATIONS[population]
    rng = random.Random(seed)
    passports, heard = [], []
    for _ in range(women):
        given, surname = pop.female_given.pick(rng), pop.female_surnames.pick(rng)
        born = dt.date(1980, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        passports.append(Identity(given.latin, surname.latin, born))
        heard.append(Identity(written(given, system), written(surname, system), born))
    same_key = np.mean([keys(p.given_names + " " + p.surname)
                        == keys(h.given_names + " " + h.surname)
                        for p, h in zip(passports, heard, strict=True)])
    undated = [Identity(h.given_names, h.surname, None) for h in heard]
    return (float(same_key), linked_share(encoder, policy, passports, heard),
            linked_share(encoder, policy, passports, undated))


def linked_share(encoder: Encoder, policy: MatchPolicy, left: list[Identity],
                 right: list[Identity]) -> float:
    """Share of pairs the hub's linking puts in one person, each pair on its own."""
    linked = 0
    for one, other in zip(left, right, strict=True):
        persons = link_all(identity_table(encoder, [one, other]), policy)
        linked += int(persons[0] == persons[1])
    return linked / len(left)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--women", type=int, default=1000, help="women per system (default 1000)")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x2a" * 32, 1))
    policy = MatchPolicy()
    print(f"# Spelling systems against the passport spelling (name rules {NAME_RULES}, "
          f"threshold {policy.threshold}, {args.women} women each, seed {args.seed})\n")
    print("| women | written as | same canonical key | linked, same date of birth "
          "| linked, date missing on one side |")
    print("|---|---|---|---|---|")
    for population, systems in SYSTEMS.items():
        for system in systems:
            same_key, dated, undated = measure(population, system, args.women, args.seed,
                                               encoder, policy)
            print(f"| {POPULATIONS[population].label} | {system} | {same_key:.1%} "
                  f"| {dated:.1%} | {undated:.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
