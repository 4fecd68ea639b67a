"""How many namesakes each benchmark population holds (`linkage.population.namesakes`).

    .venv/bin/python -m tests.benchmarks.namesakes [--persons 3000]

The automatic link threshold (hub/settings.py) rises by ln(namesakes / FITTED_NAMESAKES):
FITTED_NAMESAKES is the figure this prints for the fitting sample (the project's
generator, full mix, seed 101: what the shipped settings were chosen on), linked with
the shipped settings as a hub links them. The other rows show what another population
of the same size measures: the outside generator's flatter names, and larger samples
of both generators.
"""

from __future__ import annotations

import argparse

import numpy as np

from hub.settings import Population, threshold_step
from linkage.compare import MatchPolicy
from linkage.linking import link_all
from linkage.population import name_keys, namesakes
from linkage.table import EncodingTable
from tests.benchmarks.carousel import copies_of, table_of
from tests.benchmarks.labelled import labelled, outside


def population_of(table: EncodingTable, persons: np.ndarray) -> Population:
    """The population a hub holding `table` as these persons would measure."""
    return Population(len(np.unique(persons)),
                      namesakes(name_keys(table.filters[: table.size]), persons))


def hub_threshold(table: EncodingTable, truth: np.ndarray) -> float:
    """The automatic threshold a hub holding these sightings would link at, with the
    true persons standing in for the hub's (a relink at national scale takes minutes;
    on the fitting sample the true persons measure 2.23 namesakes, the linked 2.37,
    which moves the threshold by 0.06 before rounding down to a step)."""
    return threshold_step(population_of(table, truth))


def measured(table: EncodingTable, copies) -> float:
    """Namesakes among the persons the shipped settings link, as a hub measures them."""
    return population_of(table, link_all(table, MatchPolicy(), copies)).namesakes


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.namesakes")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--larger", type=int, default=10_000,
                        help="women in the larger samples (0: none)")
    options = parser.parse_args()
    print("| population | women | sightings | namesakes a person |\n|---|---|---|---|")
    samples = [("project generator, full mix, seed 101 (fitting)", options.persons, 101)]
    if options.larger:
        samples.append(("project generator, full mix, seed 31", options.larger, 31))
    for label, women, seed in samples:
        data = labelled(women, seed, "full")
        table = table_of(data.encoded)
        print(f"| {label} | {women:,} | {table.size:,} | "
              f"{measured(table, copies_of(data.encoded, table)):.2f} |", flush=True)
    for women, seed in ((options.persons, 11), (options.persons, 12),
                        *(((options.larger, 31),) if options.larger else ())):
        sample = outside(seed, women)
        print(f"| outside generator, seed {seed} | {women:,} | {sample.table.size:,} | "
              f"{measured(sample.table, sample.copies):.2f} |", flush=True)


if __name__ == "__main__":
    main()
