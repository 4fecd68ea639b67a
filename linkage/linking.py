"""From candidate pairs to persons: the steps shared by batch and nightly linking.

The hub links night by night (hub/linker.py); `link_all` does the same in
one batch. Both keep the pairs scoring at least `policy.link_floor` as links,
and cluster each connected component of links with `cluster_members`, so
the two give the same persons.
"""

from __future__ import annotations

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.cluster import cluster_component, components
from linkage.compare import MatchPolicy, score_pairs
from linkage.table import EncodingTable


def scored_links(
    table: EncodingTable, pairs: np.ndarray, policy: MatchPolicy
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs that are links, and their scores."""
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float32)
    scores = score_pairs(table, pairs[:, 0], pairs[:, 1], policy)
    keep = scores >= policy.link_floor
    return pairs[keep], scores[keep]


def cluster_members(
    table: EncodingTable, members: list[int], policy: MatchPolicy
) -> list[list[int]]:
    """Persons (lists of rows) within one connected component of links."""
    if len(members) == 1:
        return [list(members)]

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return score_pairs(table, left, right, policy)

    dated = table.dob[: table.size, 0] != 0
    return cluster_component(members, scorer, policy, dated)


def link_all(table: EncodingTable, policy: MatchPolicy) -> np.ndarray:
    """Cluster label per row: the smallest row number of the row's person."""
    pairs = CandidateIndex().add(table, range(table.size))
    links, _ = scored_links(table, pairs, policy)
    labels = np.arange(table.size)
    for members in components(map(tuple, links.tolist()), nodes=range(table.size)):
        for cluster in cluster_members(table, members, policy):
            labels[cluster] = cluster[0]
    return labels
