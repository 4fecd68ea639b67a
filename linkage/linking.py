"""From candidate pairs to persons: the steps shared by batch and nightly linking.

The hub links night by night (hub/linker.py); `link_all` does the same in
one batch. Both keep the pairs scoring at least `policy.link_floor` as links,
and cluster each connected component of links with `cluster_members`, so
the two give the same persons.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.cluster import cluster_component, components
from linkage.compare import MatchPolicy, score_pairs
from linkage.table import EncodingTable

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


def scored_links(
    pairs: np.ndarray, scorer: Scorer, policy: MatchPolicy
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs that are links, and their scores."""
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float32)
    scores = scorer(pairs[:, 0], pairs[:, 1])
    keep = scores >= policy.link_floor
    return pairs[keep], scores[keep]


def cluster_members(
    members: list[int], scorer: Scorer, dated: np.ndarray, policy: MatchPolicy
) -> list[list[int]]:
    """Persons (lists of rows) within one connected component of links.

    `dated[row]` tells whether a row carries a date of birth (see
    `linkage.cluster.cluster_component` for why that matters).
    """
    if len(members) == 1:
        return [list(members)]
    return cluster_component(members, scorer, policy, dated)


def table_scorer(table: EncodingTable, policy: MatchPolicy) -> Scorer:
    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return score_pairs(table, left, right, policy)
    return scorer


def link_all(table: EncodingTable, policy: MatchPolicy) -> np.ndarray:
    """Cluster label per row: the smallest row number of the row's person."""
    scorer = table_scorer(table, policy)
    pairs = CandidateIndex().add(table, range(table.size))
    links, _ = scored_links(pairs, scorer, policy)
    dated = table.dob[: table.size, 0] != 0
    labels = np.arange(table.size)
    for members in components(map(tuple, links.tolist()), nodes=range(table.size)):
        for cluster in cluster_members(members, scorer, dated, policy):
            labels[cluster] = cluster[0]
    return labels
