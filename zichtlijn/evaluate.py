"""Pairwise and cluster-level quality of a clustering against known truth."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Quality:
    true_pairs: int
    found_pairs: int
    correct_pairs: int
    exact_clusters: int
    true_clusters: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def cluster_accuracy(self) -> float:
        """Share of true persons recovered exactly (all sightings, nothing else)."""
        return self.exact_clusters / self.true_clusters if self.true_clusters else 1.0

    def line(self) -> str:
        return (f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}  "
                f"exact persons {self.cluster_accuracy:.3f}")


def _pairs(groups: Mapping[Hashable, list[Hashable]]) -> set[frozenset]:
    return {frozenset(p) for members in groups.values() for p in combinations(members, 2)}


def quality(found: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]) -> Quality:
    """Compare two labellings (item -> cluster label) over the items they share."""
    items = set(found) & set(truth)
    found_groups: dict[Hashable, list] = defaultdict(list)
    true_groups: dict[Hashable, list] = defaultdict(list)
    for item in sorted(items, key=str):
        found_groups[found[item]].append(item)
        true_groups[truth[item]].append(item)
    found_pairs, true_pairs = _pairs(found_groups), _pairs(true_groups)
    found_sets = {frozenset(g) for g in found_groups.values()}
    exact = sum(1 for g in true_groups.values() if frozenset(g) in found_sets)
    return Quality(len(true_pairs), len(found_pairs), len(found_pairs & true_pairs), exact,
                   len(true_groups))
