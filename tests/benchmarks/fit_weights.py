"""Fit the matcher's log-odds weights by logistic regression on labelled pairs.

    .venv/bin/python -m tests.benchmarks.fit_weights [--persons 3000] [--seed 101] [--mix full]
        [--outside-seeds 21]

The candidate pairs of labelled carousel data are the training set (see
`tests.benchmarks.hardening.fit_policy`); the columns are exactly
`linkage.compare.design`. The shipped weights come from the generator's whole
realistic mix ("full": the recording errors of DESIGN §6 plus working names
and second dates of birth), seed 101, the benchmark's fitting seed; they are
scored on other seeds (tests/benchmarks/quality.py), never on the data they
were fitted to. Prints both weight sets in the form of
`linkage.compare.DEFAULT_WEIGHTS` and `WEIGHTS_WITHOUT_ENTITIES` (the second
fitted on the same data with every entity token removed).
"""

from __future__ import annotations

import argparse

from tests.benchmarks.carousel import table_of
from tests.benchmarks.hardening import fit_policy
from tests.benchmarks.labelled import MIXES, labelled, outside


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.fit_weights")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=101)
    parser.add_argument("--mix", choices=MIXES, default="full")
    parser.add_argument("--outside-seeds", default="", metavar="N,N",
                        help="fit on these samples of outside_data.py's generator too "
                             "(keep its evaluation seeds 11, 12, 23, 24 out; default none, "
                             "as the shipped weights are fitted)")
    options = parser.parse_args()
    data = labelled(options.persons, options.seed, options.mix)
    extra = [outside(int(seed), options.persons)
             for seed in options.outside_seeds.split(",") if seed]
    policy = fit_policy(table_of(data.encoded), data.truth,
                        *[(sample.table, sample.truth) for sample in extra])
    print(f"# {options.mix} mix, seed {options.seed}, {data.size} sightings"
          + "".join(f"; outside seed {s.seed}, {s.table.size} sightings" for s in extra))
    for constant, weights in (("DEFAULT_WEIGHTS", policy.weights),
                              ("WEIGHTS_WITHOUT_ENTITIES", policy.weights_without_entities)):
        print(f"{constant}: dict[str, float] = {{")
        for name, weight in weights.items():
            print(f'    "{name}": {weight:.2f},')
        print("}")


if __name__ == "__main__":
    main()
