"""Privacy, measured: the attacks of a curious hub against each hardening (issue 3).

Frequency alignment and pattern mining (tests/benchmarks/attacks.py) on the stored
encodings of one sample, with the F1 each hardening leaves, and the attacks alone on
more samples (one sample's attack figures move by whole names).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from linkage.compare import MatchPolicy
from linkage.linking import link_all
from linkage.schema import LinkageSchema
from tests.benchmarks import attacks, known_names
from tests.benchmarks.bitops import pack, unpack
from tests.benchmarks.carousel import table_of
from tests.benchmarks.hardening import VARIANTS, Variant, fit_policy
from tests.benchmarks.labelled import Labelled, reencode
from tests.benchmarks.metrics import ClusterQuality, cluster_quality
from tests.benchmarks.report import say, table
from tests.benchmarks.salting import Salting, salted

#: salting is measured on top of the shipped hardening
SALTED_OVER = next(v for v in VARIANTS if v.label == "diffusion t=3")


#: true names a hub that learned some knows (sightings), for the known-plaintext column
KNOWN_NAMES = (30, 100)


@dataclass
class AttackResult:
    alignment: attacks.Alignment
    frequency_names: tuple[int, int]  # distinct names recovered, fewest persons bearing one
    pattern: attacks.Recovered
    patterns_mined: int
    known_plaintext: list[known_names.Measured]  # outside the threat model: KNOWN_NAMES

    @property
    def frequency(self) -> attacks.Recovered:
        return self.alignment.frequency


@dataclass
class PrivacyRow:
    label: str
    f1_shipped: float | None
    refit: ClusterQuality
    attack: AttackResult


def _attack(variant: Variant, hardened: Labelled, public: attacks.PublicTable,
            known: Sequence[int] = KNOWN_NAMES) -> AttackResult:
    """Every attack of the curious hub on the encodings of one sample under one hardening,
    and the known-plaintext one at `known` true names (none: left out)."""
    schema = variant.schema()
    encodings = hardened.encoded.encodings
    words = pack([e.name_filter for e in encodings])
    alignment = attacks.alignment_attacks(encodings, hardened.records, public, words)
    names = attacks.recovered_names(alignment.frequency_guesses, hardened.records,
                                    hardened.person_of_row)
    bits = unpack(words)
    if variant.label == "balance":
        bits = attacks.undo_balance(bits)
    tolerances = (1.0,) if schema.hardening.method in ("none", "balance") else (1.0, 0.75)
    k = max(schema.given_hashes, schema.surname_hashes)
    best_pattern, mined = None, 0
    for tolerance in tolerances:
        guesses, count = attacks.pattern_attack(bits, k, public, tolerance)
        result = attacks.score_guesses(guesses, hardened.records)
        if best_pattern is None or result.above_full > best_pattern.above_full:
            best_pattern, mined = result, count
    assert best_pattern is not None
    read = known_names.read_with_known([e.name_filter for e in encodings], hardened.records,
                                        hardened.person_of_row, known, public)
    return AttackResult(alignment, names, best_pattern, mined, read)


def _attack_variant(variant: Variant, fit: Labelled, ev: Labelled,
                    public: attacks.PublicTable) -> PrivacyRow:
    schema = variant.schema()
    h_fit, h_ev = reencode(fit, schema), reencode(ev, schema)
    shipped = variant.label != "balance"  # twice the bits at twice the weight: shipped Dice moot
    return _measured(variant.label, schema, h_fit, h_ev, shipped,
                     _attack(variant, h_ev, public))


def _attack_salting(salting: Salting, fit: Labelled, ev: Labelled,
                    public: attacks.PublicTable) -> PrivacyRow:
    schema = SALTED_OVER.schema()
    s_fit, s_ev = salted(fit, schema), salted(ev, schema)
    return _measured(salting.label, schema, s_fit, s_ev, True,
                     _attack(SALTED_OVER, s_ev, public))


def _measured(label: str, schema: LinkageSchema, fit: Labelled, ev: Labelled,
              with_shipped: bool, attack: AttackResult) -> PrivacyRow:
    """F1 with the shipped weights (if they apply) and with weights refitted on `fit`."""
    ev_table = table_of(ev.encoded, schema)
    shipped = None
    if with_shipped:
        shipped = cluster_quality(link_all(ev_table, MatchPolicy()), ev.truth).f1
    refit = cluster_quality(link_all(ev_table, fit_policy(table_of(fit.encoded, schema),
                                                          fit.truth)), ev.truth)
    return PrivacyRow(label, shipped, refit, attack)


def attack_spread(mix: str, variants: Sequence[Variant], samples: Sequence[Labelled],
                  saltings: Sequence[Salting] = ()) -> None:
    """The attacks on more samples: one sample's figures move by whole names."""
    public = attacks.public_table()
    say(f"\n## Privacy over {len(samples)} more samples ({mix} mix, seeds "
        f"{', '.join(str(s.seed) for s in samples)}; mean, lowest-highest, above chance)\n")
    found: dict[str, list[AttackResult]] = {label: [] for label in
                                            [*(v.label for v in variants),
                                             *(s.label for s in saltings)]}
    for sample in samples:
        for variant in variants:
            found[variant.label].append(_attack(variant, reencode(sample, variant.schema()),
                                                public, known=()))
        for salting in saltings:
            s_sample = salted(sample, SALTED_OVER.schema())
            found[salting.label].append(_attack(SALTED_OVER, s_sample, public, known=()))

    def spread(values: Sequence[float]) -> str:
        return f"{np.mean(values):.2%} ({min(values):.2%} to {max(values):.2%})"

    say(table(("hardening", "pattern attack: full name", "given name", "surname",
               "frequency alignment: full name"),
              [(label, spread([r.pattern.above_full for r in results]),
                spread([r.pattern.above_given for r in results]),
                spread([r.pattern.above_surname for r in results]),
                spread([r.frequency.above_full for r in results]))
               for label, results in found.items()]))


def privacy_section(fit: Labelled, ev: Labelled, variants: Sequence[Variant],
                    saltings: Sequence[Salting] = ()) -> None:
    public = attacks.public_table()
    blind = attacks.score_guesses([attacks.blind_name(public)] * ev.size, ev.records)
    say(f"\n## Privacy: attacks by a curious hub ({ev.mix} mix, seed {ev.seed}, "
        f"{ev.size} encodings)\n")
    say(f"Blind guess ({' '.join(attacks.blind_name(public))} for everyone, needs no "
        f"encoding): given name {blind.given:.1%}, surname {blind.surname:.1%}, both "
        f"{blind.full:.1%}, and 0 above chance. 'Right' is the share of encodings whose given "
        "name, surname or both (full) the attack names correctly; 'above chance' subtracts what "
        "the same guesses score when dealt to the encodings at random: what the attack learned "
        "from the encodings.\n")
    rows = []
    measure = ([(v.label, lambda v=v: _attack_variant(v, fit, ev, public)) for v in variants]
               + [(s.label, lambda s=s: _attack_salting(s, fit, ev, public)) for s in saltings])
    for label, measured in measure:
        started = time.perf_counter()
        r = measured()
        say(f"  ({label}: {time.perf_counter() - started:.0f} s)", )
        found = r.attack
        rows.append((
            r.label, "-" if r.f1_shipped is None else f"{r.f1_shipped:.4f}",
            r.refit.f1, r.refit.precision, r.refit.recall,
            f"{found.frequency.above_full:.2%} / {found.frequency.above_given:.2%} "
            f"({found.frequency_names[0]} names, k >= {found.frequency_names[1]})",
            f"{found.pattern.full:.2%} / {found.pattern.given:.1%} / "
            f"{found.pattern.surname:.1%}",
            f"{found.pattern.above_full:.2%} / {found.pattern.above_given:.2%} / "
            f"{found.pattern.above_surname:.2%}",
            " / ".join(f"{m.others.above_full:.1%}" for m in found.known_plaintext),
        ))
    say("")
    say(table(("hardening", "F1 shipped weights", "F1 refitted", "precision (refitted)",
               "recall (refitted)", "frequency attack above chance: full / given",
               "pattern attack right: full / given / surname",
               "pattern attack above chance: full / given / surname",
               "knowing " + " / ".join(str(k) for k in KNOWN_NAMES)
               + " true names: full above chance"), rows))
    say("\nFrequency attack: best of exact-filter groups and Dice >= 0.9 groups; in brackets "
        "the distinct full names it got right and the fewest persons (of this data) bearing one "
        "of them. Since schema version 5 no name buckets are stored beside the filter, and "
        "the bucket-alignment attack on them is gone with them. "
        "Pattern attack: best of the tolerances tried; for 'balance' the attacker first strips "
        "the complement bits. Refitted: MatchPolicy weights refitted on the fitting seed for "
        "that hardening, thresholds as shipped. Frequency alignment: the better "
        "of all encodings at once and each year of birth apart (the hub joins the records "
        "sharing a month-and-year or a day-and-year date token into years). Salt: name filter "
        "keyed with the year of birth (tests/benchmarks/salting.py). Knowing true names: "
        "a hub outside the threat model that learned the names of that many sightings "
        "(tests/benchmarks/known_names.py), over the other women's sightings.")

