"""How well the hub groups companions (the men recorded beside the women) into persons.

    .venv-bench/bin/python -m tests.benchmarks.companions [--persons 3000] [--seeds 7,201,202]
        [--fitting-seeds 101,102,103,104,105]

The network rule counts women "with the same man" through companion persons,
which the hub groups with the linker's own comparison (hub/alerts/companions.py),
each companion compared by his encoding and by his sighting's phone, plate
and advert tokens (`COMPANION_ENTITY_KINDS`). This prints pairwise
precision, recall and F1 of that grouping against the generator's truth
(which man was recorded): as shipped, by the name alone (before 2026-12-05),
with the address too, with the other weight set, and with weights of their own
(fitted on the companions of the fitting seeds, as fit_weights.py fits the
women's), at a few thresholds; about a minute a seed.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from hub.alerts.companions import COMPANION_ENTITY_KINDS
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.linking import link_all
from linkage.schema import default_schema
from linkage.table import EncodingTable
from tests.benchmarks.carousel import BENCHMARK_SECRET, carousel, parse_all
from tests.benchmarks.hardening import fit_policy
from tests.benchmarks.metrics import ClusterQuality, cluster_quality, dense_labels
from zichtlijn.wire import ENTITY_KINDS


def companion_table(persons: int, seed: int, kinds: frozenset[int] = COMPANION_ENTITY_KINDS
                    ) -> tuple[EncodingTable, np.ndarray]:
    """The companions of the generated sightings as the hub holds them, each with his
    sighting's entity tokens of `kinds`, and which man each is (dense labels)."""
    data = carousel(persons, seed)
    keys, parsed, _ = parse_all(data)
    encoder = Encoder(default_schema(), derive_purpose_keys(BENCHMARK_SECRET, 1))
    companions = [(key, row) for key, row in zip(keys, parsed, strict=True)
                  if row.companion is not None and key in data.companion_truth]
    tokens = [[(ENTITY_KINDS[kind], encoder.entity_token(kind, value))
               for kind, value in row.entities if ENTITY_KINDS[kind] in kinds]
              for _, row in companions]
    table = EncodingTable.for_schema(default_schema(), capacity=len(companions))
    table.append([encoder.encode_identity(row.companion) for _, row in companions], tokens)
    return table, dense_labels([data.companion_truth[key] for key, _ in companions])


def grouping_quality(table: EncodingTable, truth: np.ndarray,
                     policy: MatchPolicy) -> ClusterQuality:
    return cluster_quality(link_all(table, policy), truth)


def missed_by_evidence(table: EncodingTable, truth: np.ndarray, persons: np.ndarray
                       ) -> dict[tuple[str, bool], tuple[int, int]]:
    """True companion pairs by how many sides carry a date of birth and whether the two
    share a phone, plate or advert token: (kept apart, all) each."""
    dated = table.dob[: table.size, 0] != 0
    tokens = table.entities[: table.size]
    counts: dict[tuple[str, bool], list[int]] = {}
    for man in np.unique(truth):
        rows = np.flatnonzero(truth == man)
        for i, a in enumerate(rows.tolist()):
            for b in rows[i + 1:].tolist():
                shared = bool(np.any((tokens[a] != 0) & (tokens[a] == tokens[b])))
                key = (("neither", "one", "both")[int(dated[a]) + int(dated[b])], shared)
                count = counts.setdefault(key, [0, 0])
                count[0] += int(persons[a] != persons[b])
                count[1] += 1
    return {key: (apart, pairs) for key, (apart, pairs) in sorted(counts.items())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seeds", default="7,201,202")
    parser.add_argument("--thresholds", default="2.0,2.5,3.0,4.0,5.0")
    parser.add_argument("--fitting-seeds", default="101,102,103,104,105",
                        help="samples whose companions the \"fitted on companions\" weights "
                             "are fitted on (never the evaluation seeds)")
    options = parser.parse_args(argv)
    shipped = MatchPolicy()
    fitting = [companion_table(options.persons, int(seed))
               for seed in options.fitting_seeds.split(",")]
    own = fit_policy(*fitting[0], *fitting[1:])
    print(f"weights fitted on {sum(table.size for table, _ in fitting):,} companions of seeds "
          f"{options.fitting_seeds}: " + ", ".join(
              f"{name} {weight:.2f}" for name, weight in own.weights.items() if weight))
    other_set = replace(shipped, weights_without_entities=shipped.weights,
                        weights=shipped.weights_without_entities)
    address = frozenset(COMPANION_ENTITY_KINDS | {ENTITY_KINDS["address"]})
    settings = [("shipped", COMPANION_ENTITY_KINDS, shipped),
                ("name alone", frozenset(), shipped),
                ("with the address too", address, shipped),
                ("the other weight set", COMPANION_ENTITY_KINDS, other_set),
                ("fitted on companions", COMPANION_ENTITY_KINDS, own)]
    for seed in (int(s) for s in options.seeds.split(",")):
        tables = {kinds: companion_table(options.persons, seed, kinds)
                  for kinds in {kinds for _, kinds, _ in settings}}
        table, truth = tables[COMPANION_ENTITY_KINDS]
        men = len(np.unique(truth))
        print(f"seed {seed}: {table.size:,} companions recorded, {men:,} men", flush=True)
        apart = missed_by_evidence(table, truth, link_all(table, shipped))
        print("  true pairs kept apart as shipped, by dated sides and a shared token: " + "; ".join(
            f"{dates} dated, {'a' if shared else 'no'} shared token {kept:,} of {pairs:,}"
            for (dates, shared), (kept, pairs) in apart.items()), flush=True)
        for name, kinds, policy in settings:
            table, truth = tables[kinds]
            for threshold in (float(t) for t in options.thresholds.split(",")):
                quality = grouping_quality(table, truth, replace(policy, threshold=threshold))
                mark = " <- hub" if name == "shipped" and threshold == shipped.threshold else ""
                print(f"  {name:<22} threshold {threshold:4.1f}: P {quality.precision:.4f} "
                      f"R {quality.recall:.4f} F1 {quality.f1:.4f}{mark}", flush=True)


if __name__ == "__main__":
    main()
