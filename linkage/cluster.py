"""Clustering of linked sightings into pseudonymous persons, resisting chaining.

Links (pairs at or above the policy threshold) define connected components.
Inside a component, clusters grow greedily from the strongest link down, and
two clusters merge only when *all* their cross pairs support it: none below
the veto and their mean at least `cluster_mean`. So A~B and B~C never merge A
with C when A and C contradict each other.

The result for a component depends only on its members and their scores, so
linking sightings night by night gives the same persons as one batch run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from linkage.compare import MatchPolicy

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


class DisjointSets:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.find(parent)
            self.parent[item] = parent
        return parent

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(links: Iterable[tuple[int, int]], nodes: Iterable[int] = ()) -> list[list[int]]:
    """Connected components (each sorted, ordered by smallest member)."""
    sets = DisjointSets()
    for node in nodes:
        sets.find(node)
    for a, b in links:
        sets.union(a, b)
    groups: dict[int, list[int]] = {}
    for node in list(sets.parent):
        groups.setdefault(sets.find(node), []).append(node)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def cluster_component(
    members: Sequence[int], scorer: Scorer, policy: MatchPolicy
) -> list[list[int]]:
    """Split one linked component into persons; members are row ids."""
    rows = np.array(sorted(members), dtype=np.int64)
    m = len(rows)
    if m == 1:
        return [[int(rows[0])]]
    left, right = np.triu_indices(m, k=1)
    scores = scorer(rows[left], rows[right])
    matrix = np.full((m, m), np.inf, dtype=np.float32)
    matrix[left, right] = scores
    matrix[right, left] = scores

    candidates = np.flatnonzero(scores >= policy.threshold)
    order = sorted(candidates, key=lambda k: (-float(scores[k]), int(left[k]), int(right[k])))
    cluster_of = list(range(m))
    members_of: dict[int, list[int]] = {i: [i] for i in range(m)}
    for k in order:
        a, b = cluster_of[left[k]], cluster_of[right[k]]
        if a == b:
            continue
        cross = matrix[np.ix_(members_of[a], members_of[b])]
        if cross.min() < policy.veto or cross.mean() < policy.cluster_mean:
            continue
        keep, gone = min(a, b), max(a, b)
        for i in members_of[gone]:
            cluster_of[i] = keep
        members_of[keep].extend(members_of.pop(gone))
    clusters = [sorted(int(rows[i]) for i in group) for group in members_of.values()]
    return sorted(clusters, key=lambda c: c[0])
