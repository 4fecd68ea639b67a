"""Link a whole table at once: candidates, scores, links, persons.

The hub links night by night (hub/linker.py) with the same pieces; this
batch form is what `relink` is compared against and what the quality
benchmark measures.
"""

from __future__ import annotations

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.cluster import cluster_component, components
from linkage.compare import MatchPolicy, score_pairs
from linkage.table import EncodingTable


def link_all(table: EncodingTable, policy: MatchPolicy) -> np.ndarray:
    """Cluster label per row: the smallest row number of the row's person."""
    index = CandidateIndex()
    pairs = index.add(table, range(table.size))
    links: list[tuple[int, int]] = []
    if len(pairs):
        scores = score_pairs(table, pairs[:, 0], pairs[:, 1], policy)
        links = [(int(a), int(b)) for a, b in pairs[scores >= policy.link_floor]]

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return score_pairs(table, left, right, policy)

    labels = np.arange(table.size)
    dated = table.dob[: table.size, 0] != 0
    for members in components(links, nodes=range(table.size)):
        if len(members) == 1:
            continue
        for cluster in cluster_component(members, scorer, policy, dated):
            labels[cluster] = cluster[0]
    return labels
